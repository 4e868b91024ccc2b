"""Uncertain preferences: what is likely when we do not know what the other side fears.

A decision maker's preferences may be uncertain in two ways (see :mod:`detente.model`):

* ``alternatives``: weighted hypotheses, each a full preference specification ("regime
  survival first" 0.6, "sanctions relief first" 0.4); weights are normalised;
* ``uncertain_order``: pairs (a, b) of statements of the DM's prioritization; with
  ``probability`` p statement b is moved to just above statement a (else the list is as
  written).  Pairs are applied in the order listed, to the statements as first written.  A DM
  gives one form or the other, not both (alternatives replace the preferences the pairs
  refer to).

A *scenario* picks one alternative for every DM that has alternatives and one outcome
(as written / moved) for every uncertain pair; its probability is the product of the
choices' probabilities, the DMs' choices being independent.  For each scenario detente
computes, with the DMs' preferences of that scenario, on the conflict's one state space:

* stability of every state for every DM under each concept, hence the equilibria (Fang,
  Hipel & Kilgour 1993, *Interactive Decision Making*, ch. 4; :func:`detente.analyze`);
* which states the conflict reaches from the status quo by unilateral improvements, no DM
  moving twice in a row (status quo analysis, Li, Kilgour & Hipel 2005;
  :func:`detente.paths.evolution`);
* for the conflict without commitment and for every strategy of the model, which outcomes
  the equilibria reachable from the (committed) status quo have (the semantics of
  :mod:`detente.strategies`: :func:`~detente.strategies.commit` and
  :func:`~detente.strategies.analyse_strategy`).

and reports, weighting scenarios by their probability, for every state and concept
P(equilibrium), P(reached from the status quo) and P(equilibrium and reached), and for every
strategy and concept the probability of each outcome: P(some reachable equilibrium has this
outcome).  An outcome ``none`` collects the scenarios with no reachable equilibrium, so the
outcome probabilities of one strategy can add up to more than 1 (several outcomes reachable)
but never to less.

**Exact or sampled.**  With at most ``max_exact`` (4096) combinations every scenario is
enumerated with its exact probability.  Otherwise ``samples`` scenarios are drawn by seeded
Monte Carlo (numpy's PCG64 generator, ``seed``); each sample weighs 1/N, so a probability is
a sample mean with standard error at most 0.5/sqrt(N).  Many scenarios give identical
preferences (a swap of two statements that never disagree, or simply the same draw again):
scenarios are grouped by their *preference profile*, every DM's dense ranking, and each
distinct profile is analysed once.  10,000 samples of a case with a few dozen distinct
profiles cost a few dozen analyses.

**Parallel.**  Distinct profiles are analysed in parallel, on a process pool of the local
cores by default (``jobs``), or on an existing Dask distributed cluster (``scheduler``
address).  Each worker compiles the conflict once.  A progress bar (on standard error)
counts scenarios; Ctrl-C stops the run and keeps what is finished: for a Monte Carlo run the
longest prefix of the sample sequence whose profiles are all analysed (still an unbiased
i.i.d. sample, only smaller), for an exact run the finished scenarios with their covered
probability mass.  ``out`` writes the results so far to a JSON file while the run goes on.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import pickle
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import DetenteError, ModelError
from ..limits import DEFAULT_MAX_STATES
from ..model.conflict import Conflict, Preferences
from ..space.commit import CommittedSpace
from ..space.state_space import (
    StateSpace,
    as_space,
    compile_conflict,
    dense_rank,
    preference_scores,
)
from .graded import moved_statements as _moved  # one home: analyses.graded
from .parallel import LocalPool, run_dask
from .paths import evolution
from .presenting import present
from .stability import CONCEPTS, concept_names, stable_for
from .strategies import BASELINE, analyse_strategy, commit, commitment_of, outcome_table

__all__ = [
    "DEFAULT_MAX_EXACT",
    "DEFAULT_SAMPLES",
    "NONE_REACHABLE",
    "Factor",
    "UncertaintyResult",
    "factors_of",
    "space_with_ranks",
    "uncertainty_analysis",
]

#: Enumerate exactly up to this many combinations; sample beyond.
DEFAULT_MAX_EXACT = 4096
#: Monte Carlo sample size by default.
DEFAULT_SAMPLES = 10_000
#: Largest number of combinations an exact run may be forced to enumerate.
_HARD_EXACT_LIMIT = 1 << 20
#: Outcome name for "no equilibrium is reachable from the (committed) status quo".
NONE_REACHABLE = "none"


# -- scenarios --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Factor:
    """One independent uncertain choice: a DM's alternative, or one uncertain pair."""

    dm: int
    kind: str  # "alternative" or "order"
    labels: tuple[str, ...]
    probabilities: tuple[float, ...]
    pair: tuple[int, int] | None = None  # 1-based statement positions, for "order"

    def to_json(self, space: StateSpace) -> dict[str, Any]:
        out: dict[str, Any] = {"dm": space.dm_names[self.dm], "kind": self.kind}
        out["choices"] = dict(zip(self.labels, self.probabilities, strict=True))
        if self.pair is not None:
            out["statements"] = list(self.pair)
        return out


def factors_of(conflict: Conflict) -> list[Factor]:
    """The model's independent uncertain choices, DM by DM.

    >>> import detente
    >>> [factor.kind for factor in factors_of(detente.load_case("north-korea"))]
    ['order', 'alternative']
    """
    factors: list[Factor] = []
    for i, dm in enumerate(conflict.decision_makers):
        if dm.alternatives and dm.uncertain_order:
            raise ModelError(
                f"{dm.name!r} has both alternatives and uncertain_order; give one (the"
                " alternatives replace the preferences the uncertain pairs refer to)",
                ("decision_makers", i, "uncertain_order"),
            )
        if dm.alternatives:
            total = sum(a.weight for a in dm.alternatives)
            factors.append(
                Factor(
                    dm=i,
                    kind="alternative",
                    labels=tuple(a.name for a in dm.alternatives),
                    probabilities=tuple(a.weight / total for a in dm.alternatives),
                )
            )
        for pair in dm.uncertain_order:
            a, b = pair.statements
            factors.append(
                Factor(
                    dm=i,
                    kind="order",
                    labels=("as written", f"statement {b} above {a}"),
                    probabilities=(1.0 - pair.probability, pair.probability),
                    pair=(a, b),
                )
            )
    return factors


def _dm_preferences(conflict: Conflict, dm: int, factors: list[Factor], choice: tuple[int, ...]):
    """(Preferences, loc) of DM ``dm`` for the choices ``choice`` of its ``factors``."""
    decision_maker = conflict.decision_makers[dm]
    if factors and factors[0].kind == "alternative":
        k = choice[0]
        return decision_maker.alternatives[k].preferences, (
            "decision_makers",
            dm,
            "alternatives",
            k,
            "preferences",
        )
    prefs = decision_maker.preferences
    if not factors:
        return prefs, ("decision_makers", dm, "preferences")
    statements = _moved(
        prefs.prioritization or [],
        [f.pair for f in factors if f.pair is not None],
        [bool(c) for c in choice],
    )
    return Preferences(prioritization=statements), ("decision_makers", dm, "preferences")


class _RankBank:
    """Dense ranks per (DM, choice of its factors), computed once and deduplicated.

    ``rank_id(dm, choice)`` is the index of the DM's ranking in ``ranks[dm]``; identical
    rankings (from different choices) share an index.
    """

    def __init__(self, space: StateSpace, factors: list[Factor]) -> None:
        self.space = space
        self.by_dm = [[k for k, f in enumerate(factors) if f.dm == i] for i in range(space.n_dms)]
        self.factors = factors
        self.ranks: list[list[np.ndarray]] = [[] for _ in range(space.n_dms)]
        self._ids: list[dict[bytes, int]] = [{} for _ in range(space.n_dms)]
        self._memo: dict[tuple[int, tuple[int, ...]], int] = {}

    def rank_id(self, dm: int, choice: tuple[int, ...]) -> int:
        key = (dm, choice)
        if key in self._memo:
            return self._memo[key]
        own = [self.factors[k] for k in self.by_dm[dm]]
        if not own:
            ranks = self.space.ranks[dm]
        else:
            prefs, loc = _dm_preferences(self.space.conflict, dm, own, choice)
            ranks = dense_rank(preference_scores(self.space, prefs, loc))
        digest = ranks.tobytes()
        ids = self._ids[dm]
        if digest not in ids:
            ids[digest] = len(self.ranks[dm])
            self.ranks[dm].append(ranks)
        self._memo[key] = ids[digest]
        return ids[digest]

    def profile_ids(self, choices: np.ndarray) -> np.ndarray:
        """(rows, n_dms) rank ids of the scenarios ``choices`` (rows, n_factors)."""
        out = np.zeros((choices.shape[0], self.space.n_dms), dtype=np.int64)
        for dm in range(self.space.n_dms):
            cols = self.by_dm[dm]
            if not cols:
                out[:, dm] = self.rank_id(dm, ())
                continue
            sub = choices[:, cols]
            distinct, inverse = np.unique(sub, axis=0, return_inverse=True)
            ids = np.array([self.rank_id(dm, tuple(int(x) for x in row)) for row in distinct])
            out[:, dm] = ids[inverse.reshape(-1)]
        return out

    def matrix(self, ids: Sequence[int]) -> np.ndarray:
        return np.stack([self.ranks[dm][int(k)] for dm, k in enumerate(ids)]).astype(np.int32)


# -- evaluating one preference profile -----------------------------------------------------------
def space_with_ranks(space: StateSpace, ranks: np.ndarray) -> StateSpace:
    """``space`` under other preferences: :meth:`StateSpace.with_ranks`, after building the
    move caches once on ``space`` itself so that every view shares them.

    This is what lets every space-based analysis (stability, status quo analysis, strategies,
    whose :class:`~detente.strategies.CommittedSpace` keeps its class) run on a scenario's
    preferences without recompiling.

    >>> import detente
    >>> from detente.space import as_space
    >>> space = as_space(detente.load_case("chicken"))
    >>> flipped = space.ranks[:, ::-1]
    >>> space_with_ranks(space, flipped).ranks.tolist() == flipped.tolist()
    True
    """
    space.moves  # noqa: B018 - build the shared move caches once, before the view
    space.move_sets  # noqa: B018
    return space.with_ranks(np.asarray(ranks))


@dataclass
class _Prepared:
    """What a worker needs, built once per process: the space and the committed spaces."""

    space: StateSpace
    concepts: list[str]
    outcome_names: list[str]
    outcome_table: np.ndarray
    committed: list[CommittedSpace]  # per strategy that has feasible states
    failed: dict[str, str]  # strategy name -> why it cannot be analysed


def _prepare(conflict: Conflict, max_states: int, concepts: list[str]) -> _Prepared:
    space = compile_conflict(conflict, max_states=max_states)
    names, table = outcome_table(space)
    committed, failed = [], {}
    for k, strategy in enumerate(conflict.strategies):
        commitment = commitment_of(conflict, strategy, ("strategies", k))
        try:
            committed.append(commit(space, commitment))
        except ModelError as exc:
            failed[strategy.name] = exc.message
    return _Prepared(space, concepts, names, table, committed, failed)


def _outcomes(names: list[str], table: np.ndarray, states: np.ndarray) -> list[str]:
    """Outcome names of ``states`` (each once, in the model's order; 'other' for none)."""
    if states.size == 0:
        return []
    hits = table[states]
    found = [name for k, name in enumerate(names) if hits[:, k].any()]
    if (~hits.any(axis=1)).any():
        found.append("other")
    return found


def _equilibria(view: StateSpace, concepts: Sequence[str]) -> np.ndarray:
    """(concepts, n) equilibria; SEQSIM reuses SEQ and SIM (SEQSIM = SEQ and SIM)."""
    cache: dict[str, np.ndarray] = {}

    def stable(concept: str) -> np.ndarray:
        if concept not in cache:
            if concept == "SEQSIM":
                cache[concept] = stable("SEQ") & stable("SIM")
            else:
                cache[concept] = np.stack(
                    [stable_for(view, concept, dm) for dm in range(view.n_dms)]
                )
        return cache[concept]

    return np.stack([stable(c).all(axis=0) for c in concepts])


def _evaluate(prepared: _Prepared, ranks: np.ndarray) -> dict[str, Any]:
    """Stability, reachability and strategy outcomes of one preference profile."""
    space = prepared.space
    view = space_with_ranks(space, ranks)
    equilibria = _equilibria(view, prepared.concepts)
    has_start = space.status_quo is not None
    reach = evolution(view).distance >= 0 if has_start else np.zeros(space.n_states, bool)
    outcomes: dict[str, dict[str, list[str] | None]] = {BASELINE: {}}
    for k, concept in enumerate(prepared.concepts):
        states = np.flatnonzero(equilibria[k] & reach)
        outcomes[BASELINE][concept] = (
            _outcomes(prepared.outcome_names, prepared.outcome_table, states) if has_start else None
        )
    for committed in prepared.committed:
        cview = space_with_ranks(committed, ranks[:, committed.parent_state])
        report = analyse_strategy(cview, prepared.concepts)
        outcomes[report.name] = {
            c: (r.outcomes_reachable if report.start is not None else None)
            for c, r in report.concepts.items()
        }
    return {
        "equilibria": np.packbits(equilibria, axis=1),
        "reach": np.packbits(reach),
        "outcomes": outcomes,
    }


def _worker_prepare(payload: bytes) -> _Prepared:
    """A worker's prepared conflict, from the pickled (conflict, max_states, concepts)."""
    conflict, max_states, concepts = pickle.loads(payload)
    return _prepare(conflict, max_states, concepts)


# -- results ----------------------------------------------------------------------------------
@dataclass
class UncertaintyResult:
    """Probabilities over the scenarios of uncertain preferences (see the module docstring).

    ``p_equilibrium[c]``, ``p_equilibrium_reached[c]`` and ``p_reached`` are float arrays
    over states; ``strategies[name][concept][outcome]`` is P(outcome).  ``method`` is
    ``"exact"`` or ``"sample"``; ``scenarios`` the number of combinations (exact) or samples;
    ``evaluated`` how many of them the probabilities cover (fewer if interrupted) and
    ``covered`` their probability mass (exact runs; 1.0 when complete).
    """

    space: StateSpace
    concepts: list[str]
    method: str
    scenarios: int
    evaluated: int
    covered: float
    seed: int | None
    factors: list[Factor]
    profiles: int
    p_equilibrium: dict[str, np.ndarray]
    p_equilibrium_reached: dict[str, np.ndarray]
    p_reached: np.ndarray | None
    strategies: dict[str, dict[str, dict[str, float]]]
    strategy_notes: dict[str, str] = field(default_factory=dict)
    profile_table: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False
    running: bool = False

    @property
    def complete(self) -> bool:
        return self.evaluated == self.scenarios and not self.interrupted and not self.running

    @property
    def note(self) -> str | None:
        if self.complete:
            return None
        status = "still running" if self.running else "interrupted"
        if self.method == "sample":
            return (
                f"{status}: the probabilities are over the first {self.evaluated:,} of"
                f" {self.scenarios:,} samples"
            )
        return (
            f"{status}: {self.evaluated:,} of {self.scenarios:,} scenarios, covering"
            f" {self.covered:.1%} of the probability; probabilities are conditional on them"
        )

    def standard_error(self, p: np.ndarray | float) -> np.ndarray | float:
        """Monte Carlo standard error of a probability estimate (0 for exact runs)."""
        if self.method != "sample" or self.evaluated == 0:
            return np.zeros_like(p) if isinstance(p, np.ndarray) else 0.0
        return np.sqrt(np.asarray(p) * (1 - np.asarray(p)) / self.evaluated)

    def interesting_states(self) -> np.ndarray:
        """States that are an equilibrium in some scenario, ordered by P(equilibrium and
        reached) summed over the concepts, then by P(equilibrium) summed likewise."""
        eq = np.stack([self.p_equilibrium[c] for c in self.concepts]).sum(axis=0)
        reached = np.stack([self.p_equilibrium_reached[c] for c in self.concepts]).sum(axis=0)
        states = np.flatnonzero(eq > 0)
        return states[np.lexsort((-eq[states], -reached[states]))]

    # -- output ----------------------------------------------------------------------------
    def to_json(self, *, all_states: bool = False) -> dict[str, Any]:
        """The JSON contract of ``detente uncertainty --format json`` (states from 1).

        Only states that are an equilibrium in some scenario are listed unless
        ``all_states``.
        """
        space = self.space
        states = np.arange(space.n_states) if all_states else np.sort(self.interesting_states())
        rows = []
        for s in states:
            s = int(s)
            rows.append(
                {
                    "id": s + 1,
                    "label": space.label(s),
                    "p_reached": None if self.p_reached is None else _round(self.p_reached[s]),
                    "p_equilibrium": {c: _round(self.p_equilibrium[c][s]) for c in self.concepts},
                    "p_equilibrium_reached": {
                        c: _round(self.p_equilibrium_reached[c][s]) for c in self.concepts
                    },
                }
            )
        return {
            "conflict": space.conflict.name,
            "method": self.method,
            "scenarios": self.scenarios,
            "evaluated": self.evaluated,
            "covered": _round(self.covered),
            "complete": self.complete,
            "interrupted": self.interrupted,
            "note": self.note,
            "seed": self.seed,
            "profiles": self.profiles,
            "seconds": round(self.seconds, 3),
            "concepts": self.concepts,
            "factors": [f.to_json(space) for f in self.factors],
            "status_quo": None
            if space.status_quo is None
            else {"id": space.status_quo + 1, "label": space.label(space.status_quo)},
            "states": rows,
            "strategies": {
                name: {c: {o: _round(p) for o, p in per.items()} for c, per in by_concept.items()}
                for name, by_concept in self.strategies.items()
            },
            "strategy_notes": self.strategy_notes,
            "profile_table": self.profile_table,
        }

    def to_frame(self):  # -> pandas.DataFrame
        """One row per state: P(reached) and, per concept, P(equilibrium) and
        P(equilibrium and reached) (:func:`detente.render.frames.uncertainty_frame`)."""
        return present(self, "to_frame")

    def strategies_frame(self):  # -> pandas.DataFrame
        """One row per (strategy, concept, outcome) with its probability
        (:func:`detente.render.frames.uncertainty_strategies_frame`)."""
        return present(self, "strategies_frame")

    def summary(self) -> str:
        kind = "exact enumeration" if self.method == "exact" else f"Monte Carlo (seed {self.seed})"
        text = (
            f"{self.evaluated:,} of {self.scenarios:,} scenarios by {kind},"
            f" {self.profiles} distinct preference profiles, {self.seconds:.1f} s"
        )
        return text + (f"; {self.note}" if self.note else "")

    def _repr_html_(self) -> str:
        return present(self, "_repr_html_")


def _round(x: float) -> float:
    return round(float(x), 6)


# -- the run ----------------------------------------------------------------------------------
@dataclass
class _Plan:
    """The scenarios to evaluate, grouped by preference profile."""

    method: str
    scenarios: int
    seed: int | None
    keys: np.ndarray  # (profiles, n_dms) rank ids, in order of first appearance
    weights: np.ndarray  # exact: each profile's probability
    inverse: np.ndarray | None  # sample: profile of every sample, in sample order
    first: np.ndarray  # sample: index of each profile's first sample
    covers: np.ndarray  # scenarios per profile
    example: list[tuple[int, ...]]  # one factor choice per profile


def _plan(
    bank: _RankBank,
    factors: list[Factor],
    *,
    method: str,
    samples: int,
    seed: int,
    max_exact: int,
) -> _Plan:
    live = [[k for k, p in enumerate(f.probabilities) if p > 0] for f in factors]
    combos = math.prod(len(x) for x in live)
    if method not in ("auto", "exact", "sample"):
        raise DetenteError(f"unknown method {method!r} (auto, exact or sample)")
    if method == "exact" and combos > _HARD_EXACT_LIMIT:
        raise DetenteError(
            f"{combos:,} combinations are too many to enumerate; sample them (--method sample)"
        )
    exact = method == "exact" or (method == "auto" and combos <= max_exact)
    if exact:
        choices = (
            np.array(list(itertools.product(*live)), dtype=np.int64).reshape(combos, len(factors))
            if factors
            else np.zeros((1, 0), dtype=np.int64)
        )
        probs = np.ones(choices.shape[0])
        for k, f in enumerate(factors):
            probs *= np.asarray(f.probabilities)[choices[:, k]]
        ids = bank.profile_ids(choices)
        keys, first, inverse, counts = np.unique(
            ids, axis=0, return_index=True, return_inverse=True, return_counts=True
        )
        inverse = inverse.reshape(-1)
        weights = np.bincount(inverse, weights=probs, minlength=keys.shape[0])
        order = np.argsort(-weights, kind="stable")  # most probable profiles first
        remap = np.empty_like(order)
        remap[order] = np.arange(order.size)
        return _Plan(
            method="exact",
            scenarios=int(choices.shape[0]),
            seed=None,
            keys=keys[order],
            weights=weights[order],
            inverse=remap[inverse],
            first=first[order],
            covers=counts[order],
            example=[tuple(int(x) for x in choices[first[k]]) for k in order],
        )
    if samples < 1:
        raise DetenteError("the number of samples must be at least 1")
    rng = np.random.default_rng(seed)
    choices = np.zeros((samples, len(factors)), dtype=np.int64)
    for k, f in enumerate(factors):
        choices[:, k] = rng.choice(len(f.probabilities), size=samples, p=f.probabilities)
    ids = bank.profile_ids(choices)
    keys, first, inverse, counts = np.unique(
        ids, axis=0, return_index=True, return_inverse=True, return_counts=True
    )
    inverse = inverse.reshape(-1)
    order = np.argsort(first, kind="stable")  # order of first appearance in the sequence
    remap = np.empty_like(order)
    remap[order] = np.arange(order.size)
    return _Plan(
        method="sample",
        scenarios=samples,
        seed=seed,
        keys=keys[order],
        weights=counts[order] / samples,
        inverse=remap[inverse],
        first=first[order],
        covers=counts[order],
        example=[tuple(int(x) for x in choices[first[k]]) for k in order],
    )


class _Aggregate:
    """Accumulates finished profiles and turns them into an :class:`UncertaintyResult`."""

    def __init__(
        self,
        space: StateSpace,
        plan: _Plan,
        factors: list[Factor],
        concepts: list[str],
        failed: dict[str, str],
    ) -> None:
        self.space = space
        self.plan = plan
        self.factors = factors
        self.concepts = concepts
        self.failed = failed
        self.done: dict[int, dict[str, Any]] = {}
        self.started = time.perf_counter()

    def add(self, profile: int, value: dict[str, Any]) -> None:
        self.done[profile] = value

    def _weights(self) -> tuple[np.ndarray, int, float]:
        """Weight per profile over the finished part, scenarios covered, mass covered."""
        plan = self.plan
        k = plan.keys.shape[0]
        finished = np.zeros(k, dtype=bool)
        finished[list(self.done)] = True
        if plan.method == "sample":
            pending = plan.first[~finished]
            prefix = int(pending.min()) if pending.size else plan.scenarios
            assert plan.inverse is not None
            counts = np.bincount(plan.inverse[:prefix], minlength=k).astype(np.float64)
            return counts / max(prefix, 1), prefix, prefix / plan.scenarios
        mass = float(plan.weights[finished].sum())
        weights = np.where(finished, plan.weights, 0.0)
        evaluated = int(plan.covers[finished].sum())
        return (weights / mass if mass > 0 else weights), evaluated, mass

    def result(self, *, interrupted: bool = False, running: bool = False) -> UncertaintyResult:
        space, plan = self.space, self.plan
        n = space.n_states
        weights, evaluated, covered = self._weights()
        p_eq = {c: np.zeros(n) for c in self.concepts}
        p_eq_reach = {c: np.zeros(n) for c in self.concepts}
        has_start = space.status_quo is not None
        p_reach = np.zeros(n) if has_start else None
        strategies: dict[str, dict[str, dict[str, float]]] = {}
        table = []
        for profile, value in sorted(self.done.items()):
            w = float(weights[profile])
            eq = np.unpackbits(value["equilibria"], axis=1, count=n).astype(bool)
            reach = np.unpackbits(value["reach"], count=n).astype(bool)
            for k, c in enumerate(self.concepts):
                if w:
                    p_eq[c] += w * eq[k]
                    p_eq_reach[c] += w * (eq[k] & reach)
            if p_reach is not None and w:
                p_reach += w * reach
            for name, by_concept in value["outcomes"].items():
                per_strategy = strategies.setdefault(name, {})
                for c, found in by_concept.items():
                    per = per_strategy.setdefault(c, {})
                    if found is None:
                        continue
                    for o in found or [NONE_REACHABLE]:
                        per[o] = per.get(o, 0.0) + w
            table.append(self._profile_row(profile, w, eq, reach, value))
        for name in list(strategies):
            for c in strategies[name]:
                strategies[name][c] = dict(
                    sorted(strategies[name][c].items(), key=lambda item: -item[1])
                )
        return UncertaintyResult(
            space=space,
            concepts=self.concepts,
            method=plan.method,
            scenarios=plan.scenarios,
            evaluated=evaluated,
            covered=covered,
            seed=plan.seed,
            factors=self.factors,
            profiles=len(self.done),
            p_equilibrium=p_eq,
            p_equilibrium_reached=p_eq_reach,
            p_reached=p_reach,
            strategies=strategies,
            strategy_notes=dict(self.failed),
            profile_table=table,
            seconds=time.perf_counter() - self.started,
            interrupted=interrupted,
            running=running,
        )

    def _profile_row(
        self, profile: int, weight: float, eq: np.ndarray, reach: np.ndarray, value: dict
    ) -> dict[str, Any]:
        """One distinct preference profile: an example choice, its weight, its equilibria."""
        space = self.space
        example = self.plan.example[profile]
        choice: dict[str, Any] = {}
        for f, k in zip(self.factors, example, strict=True):
            name = space.dm_names[f.dm]
            if f.kind == "alternative":
                choice[name] = f.labels[k]
            elif k:
                choice.setdefault(name, []).append(f.labels[k])
        return {
            "profile": profile + 1,
            "weight": _round(weight),
            "scenarios": int(self.plan.covers[profile]),
            "example": choice,
            "equilibria": {
                c: [int(s) + 1 for s in np.flatnonzero(eq[k])][:100]
                for k, c in enumerate(self.concepts)
            },
            "reached_equilibria": {
                c: [int(s) + 1 for s in np.flatnonzero(eq[k] & reach)][:100]
                for k, c in enumerate(self.concepts)
            },
            "outcomes": value["outcomes"],
        }


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
    tmp.replace(path)


def _progress_bar(enabled: bool, total: int):
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    progress = Progress(
        TextColumn("scenarios"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not enabled,
        transient=True,
    )
    task = progress.add_task("scenarios", total=total)
    return progress, task


def uncertainty_analysis(
    model: Conflict | StateSpace,
    concepts: Iterable[str] = CONCEPTS,
    *,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    method: str = "auto",
    max_exact: int = DEFAULT_MAX_EXACT,
    jobs: int | None = None,
    scheduler: str | None = None,
    progress: bool | None = None,
    out: str | Path | None = None,
    max_states: int = DEFAULT_MAX_STATES,
    on_result: Callable[[int, int], None] | None = None,
    connect_timeout: float = 10.0,
) -> UncertaintyResult:
    """Probabilities of equilibria, reachability and strategy outcomes over the model's
    uncertain preferences (see the module docstring).

    ``method`` is ``"auto"`` (exact up to ``max_exact`` combinations, else sampling),
    ``"exact"`` or ``"sample"``; ``samples`` and ``seed`` set the Monte Carlo run.  ``jobs``
    is the number of local worker processes (default: every core; 1 runs in this process);
    ``scheduler`` the address of a Dask distributed scheduler to run on instead.
    ``progress`` shows a progress bar on standard error (default: when it is a terminal);
    ``out`` writes the results so far to that JSON file while the run goes on.
    ``on_result(finished, total)`` is called after each finished profile;
    ``connect_timeout`` is how long to try reaching the Dask scheduler (seconds).

    Ctrl-C (KeyboardInterrupt) stops the run and returns the finished part, with
    ``interrupted`` set and a ``note``.

    >>> import detente
    >>> result = uncertainty_analysis(detente.load_case("north-korea"), ["Nash"], jobs=1)
    >>> result.method, result.profiles
    ('exact', 8)
    """
    space = as_space(model, max_states=max_states)
    conflict = space.conflict
    names = concept_names(concepts)
    if not names:
        raise DetenteError("name at least one solution concept")
    factors = factors_of(conflict)
    bank = _RankBank(space, factors)
    plan = _plan(bank, factors, method=method, samples=samples, seed=seed, max_exact=max_exact)
    tasks = [bank.matrix(key) for key in plan.keys]
    payload = pickle.dumps((conflict, space.total_codes, names))
    prepared_here: list[_Prepared] = []

    def local() -> _Prepared:
        if not prepared_here:
            prepared_here.append(_prepare(conflict, space.total_codes, names))
        return prepared_here[0]

    failed = _prepare_failures(conflict, space)
    aggregate = _Aggregate(space, plan, factors, names, failed)
    out_path = Path(out) if out is not None else None
    if progress is None:
        progress = sys.stderr.isatty() and len(tasks) > 1
    bar, task = _progress_bar(bool(progress), plan.scenarios)
    last_write = [0.0]

    def finished(profile: int, value: dict[str, Any]) -> None:
        aggregate.add(profile, value)
        bar.advance(task, int(plan.covers[profile]))
        if on_result is not None:
            on_result(len(aggregate.done), len(tasks))
        now = time.perf_counter()
        if out_path is not None and now - last_write[0] > 1.0:
            _write_json(out_path, aggregate.result(running=True).to_json())
            last_write[0] = now

    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers < 1:
        raise DetenteError("--jobs must be at least 1")
    interrupted = False
    pool = None
    try:
        if scheduler is None and workers > 1 and len(tasks) > 1:
            # Start the workers before the progress bar's thread exists (fork safety).
            pool = LocalPool(min(workers, len(tasks)), _worker_prepare, _evaluate, payload, tasks)
        with bar:
            if scheduler is not None:
                run_dask(
                    scheduler, _worker_prepare, _evaluate, payload, tasks, finished, connect_timeout
                )
            elif pool is not None:
                pool.drain(finished)
            else:
                for k, ranks in enumerate(tasks):
                    finished(k, _evaluate(local(), ranks))
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if pool is not None:
            pool.close()
    result = aggregate.result(interrupted=interrupted)
    if out_path is not None:
        _write_json(out_path, result.to_json())
    return result


def _prepare_failures(conflict: Conflict, space: StateSpace) -> dict[str, str]:
    """Strategies that leave no feasible state (reported, not analysed)."""
    failed = {}
    for k, strategy in enumerate(conflict.strategies):
        try:
            commit(space, commitment_of(conflict, strategy, ("strategies", k)))
        except ModelError as exc:
            failed[strategy.name] = exc.message
    return failed
