"""Strategy design: what would it take to reach the agreement?

:func:`~detente.analyses.strategies.compare` answers "where does the conflict go if we commit
to *this*?".  :func:`design` turns the question round: it searches the commitments open to
one side and reports the smallest ones under which the conflict reaches a chosen outcome.

**The side** is a set of decision makers.  By default it is the DMs whose options the model's
own strategies commit (in the North Korea case the US, South Korea and China: the strategies
are written from the point of view of the US and its partners); ``side=[...]`` overrides it.

**A commitment** fixes values for some of the side's options (any subset of them, dial
levels included), with the semantics of :mod:`detente.analyses.strategies`: the conflict is
restricted to the states where the commitment holds (:func:`~.strategies.commit`), status
quo analysis starts from the status quo with the committed values applied, and the
committed options never move.  The empty commitment is the conflict as it is.

**Works.**  A commitment *reaches* an outcome under a concept and a preference profile when
some equilibrium with that outcome is reachable from the committed status quo by unilateral
improvements, no DM moving twice in a row (Li, Kilgour & Hipel 2005; exactly the reading of
``compare``'s ``outcomes_reachable``).  The profiles are the scenarios of the belief: the
model's uncertain preferences (``alternatives`` and ``uncertain_order``, grouped into
distinct preference profiles as by :func:`~.uncertainty.uncertainty_analysis`), weighted;
a model without them is one scenario of probability 1.  A commitment's *probability* per
concept is the probability mass of the scenarios in which it reaches the outcome.

**Minimal.**  The *success set* of a commitment is the set of (scenario, concept) pairs in
which it reaches the outcome.  A commitment is *minimal* when its success set is not empty
and no smaller commitment (a proper subset of its fixed option values) has a success set
containing it: nothing can be dropped from it without losing a scenario or a concept.  With
one scenario and one concept this is "it works and no smaller commitment does".

**Ranking** of the minimal packages: by probability (the smallest over the concepts, then
the sum), then by how little the side gives up by its own preferences, then by size.  What
the side *gives up* in a scenario is, for each of its DMs, how far the best reachable
equilibrium with the outcome falls below the DM's best state with that outcome, as a
fraction of the DM's range of ranks; averaged over the side's DMs and over the scenarios
and concepts in which the commitment works, weighted by probability.

**Search.**  With at most ``max_candidates`` commitments (default 20,000) every one is
analysed: an exact enumeration.  Otherwise only the commitments fixing at most ``max_size``
options are (the largest size that fits the budget, unless given), and the result says what
it covered; minimality is still exact within the bound, because every subset of a covered
commitment is covered.  Commitments are analysed by size, smallest first, and *monotone
pruning* skips the supersets of a commitment that works in every scenario and concept: their
success sets cannot exceed it, so none of them is minimal.  Commitments whose restricted
state space and status quo coincide (a fixed value already implied by the others through
infeasibility) are analysed once.

**Parallel.**  ``jobs`` worker processes (or a Dask cluster, ``scheduler``) analyse batches
of commitments; each worker compiles the conflict once.  Ctrl-C stops the run and returns
what is finished, marked ``interrupted``.

>>> import detente
>>> result = design(detente.load_case("north-korea"), side=["US"], concepts=["Nash"],
...                 max_size=1)
>>> for package in result.recommendations():
...     print(package.text())
no commitment → deal in 3 steps, P = 0.17
assurance → talks in 3 steps, P = 1.00
no commitment → talks in 3 steps, P = 0.58
>>> result.note
'bounded search: the 18 commitments of at most 1 option, of 324'
"""

from __future__ import annotations

import itertools
import math
import pickle
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import DetenteError, ModelError, name_hint
from ..model.conflict import Conflict
from ..space.commit import Commitment, commit, commitment_of
from ..space.state_space import StateSpace, as_space
from ..words import value_text
from .parallel import LocalPool, run_dask
from .paths import evolution
from .presenting import present
from .stability import concept_names
from .strategies import outcome_table
from .uncertainty import (
    DEFAULT_MAX_EXACT,
    DEFAULT_SAMPLES,
    Factor,
    _equilibria,
    _plan,
    _RankBank,
    factors_of,
    space_with_ranks,
)

__all__ = [
    "DEFAULT_MAX_CANDIDATES",
    "Assessment",
    "DesignResult",
    "Package",
    "assess",
    "default_side",
    "design",
    "grouped_packages",
    "package_groups",
]

#: Analyse every commitment when there are at most this many; else bound their size.
DEFAULT_MAX_CANDIDATES = 20_000
#: Commitments per batch handed to a worker.
_BATCH = 64


# -- the side and its commitments ------------------------------------------------------------
def default_side(conflict: Conflict) -> list[str]:
    """The DMs whose options the model's strategies commit, in the model's order.

    >>> import detente
    >>> default_side(detente.load_case("north-korea"))
    ['US', 'SouthKorea', 'China']
    """
    owner = {o: dm.name for dm in conflict.decision_makers for o in dm.options}
    committed = {owner[name] for s in conflict.strategies for name in s.commit if name in owner}
    return [dm.name for dm in conflict.decision_makers if dm.name in committed]


def _side_indices(space: StateSpace, side: Sequence[str] | None) -> list[int]:
    conflict = space.conflict
    names = list(side) if side is not None else default_side(conflict)
    if not names:
        raise DetenteError(
            "whose commitments to search? the model's strategies commit no option; name the"
            " side (--side DM[,DM])"
        )
    out = []
    for name in names:
        if name not in space.dm_names:
            raise DetenteError(
                f"unknown decision maker {name!r} in the side"
                f" (decision makers: {', '.join(space.dm_names)})"
            )
        out.append(space.dm_names.index(name))
    return sorted(set(out))


def _enumerate(options: Sequence[int], radices: Sequence[int], max_size: int):
    """Every commitment fixing at most ``max_size`` of ``options``, smallest first: sorted
    ``((option, value), ...)`` tuples (the empty one first)."""
    by_size: list[list[tuple[tuple[int, int], ...]]] = []
    for size in range(max_size + 1):
        level = []
        for subset in itertools.combinations(range(len(options)), size):
            ranges = [range(int(radices[j])) for j in subset]
            for values in itertools.product(*ranges):
                level.append(
                    tuple((int(options[j]), v) for j, v in zip(subset, values, strict=True))
                )
        by_size.append(level)
    return by_size


def _count(radices: Sequence[int], size: int) -> int:
    """Commitments fixing exactly ``size`` of the options with these radices."""
    # The coefficient of x^size in prod(1 + r x): choose the options, then their values.
    poly = [1]
    for r in radices:
        poly = [a + int(r) * b for a, b in zip([*poly, 0], [0, *poly], strict=True)]
    return poly[size] if size < len(poly) else 0


# -- the belief ---------------------------------------------------------------------------------
def _believed(factors: list[Factor], belief: Mapping[str, float] | None) -> list[Factor]:
    """The model's uncertain choices with the hypotheses' weights replaced by ``belief``
    (``{hypothesis name: weight}``, e.g. a posterior; a hypothesis it leaves out gets 0)."""
    if belief is None:
        return factors
    known = {label for f in factors if f.kind == "alternative" for label in f.labels}
    unknown = [name for name in belief if name not in known]
    if unknown:
        raise DetenteError(
            f"the belief names {unknown[0]!r}, which is not one of the model's hypotheses"
            f" (alternatives: {', '.join(sorted(known)) or 'none'})"
        )
    if any(not math.isfinite(w) or w < 0 for w in belief.values()):
        raise DetenteError("the weights of a belief must be finite and not negative")
    out = []
    for f in factors:
        if f.kind == "alternative" and any(label in belief for label in f.labels):
            weights = [float(belief.get(label, 0.0)) for label in f.labels]
            total = sum(weights)
            if total <= 0:
                raise DetenteError("the belief gives every hypothesis of a DM weight 0")
            f = Factor(f.dm, f.kind, f.labels, tuple(w / total for w in weights), f.pair)
        out.append(f)
    return out


# -- analysing one commitment (in a worker) -----------------------------------------------------
@dataclass
class _Setup:
    """What a worker needs, built once per process."""

    space: StateSpace
    concepts: list[str]
    targets: list[int]  # outcome columns searched
    table: np.ndarray  # (n, n_outcomes) outcome table of the full conflict
    profiles: np.ndarray  # (P, n_dms, n) dense ranks of every scenario's profile
    side: list[int]
    best: np.ndarray  # (P, T, side): each side DM's best rank among the outcome's states
    spread: np.ndarray  # (P, side): each side DM's highest rank (at least 1)
    seen: dict[tuple[bytes, int], tuple[str, np.ndarray, np.ndarray]] = field(default_factory=dict)


def _setup(payload: bytes) -> _Setup:
    conflict, max_states, concepts, targets, profiles, side = pickle.loads(payload)
    space = as_space(conflict, max_states=max_states)
    _, table = outcome_table(space)
    own = profiles[:, side, :]  # (P, side, n)
    best = np.full((profiles.shape[0], len(targets), len(side)), -1, dtype=np.int64)
    for t, column in enumerate(targets):
        states = np.flatnonzero(table[:, column])
        if states.size:
            best[:, t, :] = own[:, :, states].max(axis=2)
    spread = np.maximum(own.max(axis=2), 1)
    return _Setup(space, concepts, targets, table, profiles, side, best, spread)


def _analyse(setup: _Setup, values: tuple[tuple[int, int], ...]):
    """(status, steps, loss) of one commitment: ``status`` is ``ok``, ``infeasible`` (no
    state keeps it) or ``no status quo`` (it makes the status quo infeasible); ``steps``
    (T, P, C) the fewest steps to an equilibrium with target outcome t (-1: not reached) and
    ``loss`` (T, P, C) what the side gives up there (see the module docstring)."""
    space = setup.space
    shape = (len(setup.targets), setup.profiles.shape[0], len(setup.concepts))
    steps = np.full(shape, -1, dtype=np.int64)
    loss = np.zeros(shape)
    if values:
        try:
            committed: StateSpace = commit(space, Commitment(name="design", values=values))
        except ModelError:
            return "infeasible", steps, loss
        try:
            start = committed.status_quo
        except ModelError:
            return "no status quo", steps, loss
        to_parent = committed.parent_state
    else:
        committed, start, to_parent = space, space.status_quo, np.arange(space.n_states)
    if start is None:
        return "no status quo", steps, loss
    key = (to_parent.tobytes(), int(start))
    if key in setup.seen:  # a value implied by the others: the same conflict again
        return setup.seen[key]
    outcomes = setup.table[to_parent][:, setup.targets]  # (n', T)
    for p, ranks in enumerate(setup.profiles):
        view = space_with_ranks(committed, ranks[:, to_parent])
        reached = evolution(view, int(start)).distance
        candidates = (reached >= 0)[:, None] & outcomes
        if not candidates.any():
            continue
        stable = _equilibria(view, setup.concepts)  # (C, n')
        for t in range(shape[0]):
            for c in range(shape[2]):
                hit = candidates[:, t] & stable[c]
                if not hit.any():
                    continue
                steps[t, p, c] = int(reached[hit].min())
                got = ranks[setup.side][:, to_parent[hit]].max(axis=1)
                loss[t, p, c] = float(np.mean((setup.best[p, t] - got) / setup.spread[p]))
    setup.seen[key] = ("ok", steps, loss)
    return setup.seen[key]


def _analyse_batch(setup: _Setup, batch: list[tuple[tuple[int, int], ...]]) -> list[Any]:
    return [_analyse(setup, values) for values in batch]


# -- running batches: in this process, on local worker processes, or on Dask -------------------
class _Runner:
    """Analyses batches of commitments, level by level, through :mod:`.parallel` (the
    machinery of the uncertainty analysis): each worker compiles the conflict once from the
    payload (:func:`_setup`) and analyses one batch per task (:func:`_analyse_batch`)."""

    def __init__(self, payload: bytes, jobs: int, scheduler: str | None) -> None:
        self.payload = payload
        self.scheduler = scheduler
        self.local: _Setup | None = None
        self.pool = (
            LocalPool(jobs, _setup, _analyse_batch, payload, [])
            if scheduler is None and jobs > 1
            else None
        )

    def run(self, batches: list[list[Any]], finished: Callable[[list[Any], list[Any]], None]):
        """Analyse ``batches``; ``finished(batch, results)`` as each one completes."""

        def done(k: int, results: Any) -> None:
            finished(batches[k], results)

        if self.scheduler is not None:
            run_dask(self.scheduler, _setup, _analyse_batch, self.payload, batches, done)
        elif self.pool is not None:
            self.pool.run(batches, done)
        else:
            if self.local is None:
                self.local = _setup(self.payload)
            for batch in batches:
                finished(batch, _analyse_batch(self.local, batch))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()


# -- results ------------------------------------------------------------------------------------
@dataclass
class Package:
    """One commitment that reaches an outcome in some scenario.

    ``values`` are ((option index, value), ...); ``probability[concept]`` the probability
    mass of the scenarios in which it reaches ``outcome``; ``steps`` the fewest steps to an
    equilibrium with that outcome over those scenarios and concepts; ``gives_up`` what the
    side gives up (0 = nothing; see the module docstring); ``minimal`` as defined there.
    """

    space: StateSpace
    values: tuple[tuple[int, int], ...]
    outcome: str
    probability: dict[str, float]
    steps: int
    gives_up: float
    minimal: bool

    @property
    def size(self) -> int:
        return len(self.values)

    @property
    def commit(self) -> dict[str, int | str]:
        """``{option: value}`` spelt as in a model's ``strategies`` (Y/N, or a level)."""
        out: dict[str, int | str] = {}
        for k, v in self.values:
            text = value_text(self.space, k, v)
            out[self.space.option_names[k]] = text if self.space.radices[k] == 2 else int(v)
        return out

    def package_text(self) -> str:
        """``sanctions 3 + assurance + normalize`` (``no commitment`` when empty)."""
        return " + ".join(_value_words(self.space, k, str(v)) for k, v in self.values) or (
            "no commitment"
        )

    def text(self) -> str:
        """``sanctions 3 + assurance + normalize → deal in 2 steps, P = 0.80 (Nash, SEQ)``."""
        reach = f"{self.outcome} {steps_words(self.steps)}"
        return f"{self.package_text()} → {reach}, {_p_text(self.probability)}"

    def to_json(self) -> dict[str, Any]:
        return {
            "commit": self.commit,
            "outcome": self.outcome,
            "probability": {c: round(p, 6) for c, p in self.probability.items()},
            "steps": self.steps,
            "minimal": self.minimal,
        }


def _value_words(space: StateSpace, option: int, value: str) -> str:
    """A fixed value in words: ``assurance``, ``no strike``, ``sanctions 3`` (``value`` is a
    level, or a range such as ``0–4``)."""
    name = space.option_names[option]
    if space.radices[option] == 2:
        return name if value == "1" else f"no {name}"
    return f"{name} {value}"


def steps_words(steps: int) -> str:
    if steps == 0:
        return "at the status quo"
    return f"in {steps} step{'s' if steps != 1 else ''}"


def _p_text(probability: Mapping[str, float]) -> str:
    if len(set(round(p, 2) for p in probability.values())) == 1:
        p = next(iter(probability.values()))
        return f"P = {p:.2f}"
    return ", ".join(f"P = {p:.2f} ({c})" for c, p in probability.items())


@dataclass
class DesignResult:
    """The commitments the side could make, and which of them reach each target outcome:
    :func:`design`'s result.

    ``side`` the DMs whose commitments were searched, ``options`` their options;
    ``targets`` ``{role: outcome}`` (``agreement``, ``table``); ``scenarios`` the belief
    (``[{"weight": p, "choices": {...}}]``, one per distinct preference profile);
    ``candidates`` how many commitments the search space holds, ``covered`` how many of
    them the search covered (``max_size``: the bound, None for all), of which
    ``analysed`` were analysed and ``pruned`` skipped by monotone pruning; ``infeasible``
    leave no feasible state, ``no_status_quo`` make the status quo infeasible.
    """

    space: StateSpace
    side: list[str]
    options: list[str]
    targets: dict[str, str]
    concepts: list[str]
    scenarios: list[dict[str, Any]]
    candidates: int
    covered: int
    max_size: int | None
    analysed: int
    pruned: int
    infeasible: int
    no_status_quo: int
    packages: dict[str, list[Package]]
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def complete(self) -> bool:
        return not self.interrupted and self.max_size is None

    @property
    def note(self) -> str | None:
        """What the search did not cover, in one sentence (None: it covered everything)."""
        parts = []
        if self.max_size is not None:
            parts.append(
                f"bounded search: the {self.covered:,} commitments of at most {self.max_size}"
                f" option{'s' if self.max_size != 1 else ''}, of {self.candidates:,}"
            )
        if self.interrupted:
            done = self.analysed + self.pruned
            parts.append(
                f"interrupted after {done:,} of {self.covered:,} commitments; minimality holds"
                " among those analysed"
            )
        return "; ".join(parts) or None

    def recommendations(self, outcome: str | None = None) -> list[Package]:
        """The minimal packages reaching ``outcome`` (default: every target, agreement
        first), best first."""
        names = [outcome] if outcome is not None else list(dict.fromkeys(self.targets.values()))
        for name in names:
            if name not in self.packages:
                raise DetenteError(
                    f"{name!r} was not searched (searched: {', '.join(self.packages)})"
                )
        return [p for name in names for p in self.packages[name] if p.minimal]

    def to_json(self) -> dict[str, Any]:
        """The JSON of ``detente design --format json`` (documented in docs/design.md)."""
        return {
            "conflict": self.space.conflict.name,
            "side": self.side,
            "options": self.options,
            "targets": self.targets,
            "concepts": self.concepts,
            "scenarios": self.scenarios,
            "search": {
                "candidates": self.candidates,
                "covered": self.covered,
                "max_size": self.max_size,
                "analysed": self.analysed,
                "pruned": self.pruned,
                "infeasible": self.infeasible,
                "no_status_quo": self.no_status_quo,
                "complete": self.complete,
                "interrupted": self.interrupted,
                "note": self.note,
                "seconds": round(self.seconds, 3),
            },
            "working": {name: len(found) for name, found in self.packages.items()},
            "recommendations": [p.to_json() for p in self.recommendations()],
        }

    def to_frame(self):  # -> pandas.DataFrame
        """One row per minimal package: outcome, package, probability per concept, steps
        (:func:`detente.render.frames.design_frame`)."""
        return present(self, "to_frame")

    def _repr_html_(self) -> str:
        return present(self, "_repr_html_")

    def summary_lines(self) -> list[str]:
        """One plain line per group of minimal packages, best first: packages that differ only
        in a dial level and do equally well are written as one (``sanctions 0–4``)."""
        lines = []
        for outcome in dict.fromkeys(self.targets.values()):
            groups = grouped_packages(self.space, [p for p in self.packages[outcome] if p.minimal])
            lines += [
                f"{text} → {outcome} {steps_words(p.steps)}, {_p_text(p.probability)}"
                for text, p in groups
            ]
        return lines


def package_groups(space: StateSpace, packages: list[Package]) -> list[tuple[str, list[Package]]]:
    """Packages equal but for one dial's level (same probabilities and steps) as one group,
    written with the levels as a range or list (``sanctions at most 4 + assurance``), in the
    order of the first of each group: ``[(text, members), ...]``."""
    groups: dict[Any, list[Package]] = {}
    for p in packages:
        dials = [j for j, (k, _) in enumerate(p.values) if space.radices[k] > 2]
        key: Any = ("single", p.values)
        if len(dials) == 1:
            j = dials[0]
            rest = p.values[:j] + p.values[j + 1 :]
            key = (p.values[j][0], rest, tuple(p.probability.values()), p.steps)
        groups.setdefault(key, []).append(p)
    out = []
    for key, members in groups.items():
        first = members[0]
        if key[0] == "single" or len(members) == 1:
            out.append((first.package_text(), members))
            continue
        option = key[0]
        levels = sorted(dict(p.values)[option] for p in members)
        words = []
        for k, v in first.values:
            words.append(_value_words(space, k, _levels_text(levels) if k == option else str(v)))
        out.append((" + ".join(words), members))
    return out


def grouped_packages(space: StateSpace, packages: list[Package]) -> list[tuple[str, Package]]:
    """:func:`package_groups`, each group with the member the side gives up least for: one
    line per group, as ``detente design`` prints them."""
    return [
        (
            text,
            members[0] if len(members) == 1 else min(members, key=lambda p: (p.gives_up, p.steps)),
        )
        for text, members in package_groups(space, packages)
    ]


def _levels_text(levels: list[int]) -> str:
    if levels == list(range(levels[0], levels[-1] + 1)):
        if levels[0] == 0:
            return f"at most {levels[-1]}"
        return f"{levels[0]}–{levels[-1]}"
    return "/".join(str(v) for v in levels)


# -- the search ---------------------------------------------------------------------------------
def _target_outcomes(space: StateSpace, agreement: str | None, table: str | None) -> dict[str, str]:
    """``{role: outcome}``: by default the model's first outcome is the agreement and its
    second the table (a model lists its outcomes best first)."""
    names = [o.name for o in space.conflict.outcomes]
    if not names:
        raise DetenteError(
            "the model defines no outcomes: add an 'outcomes:' section (e.g. a 'deal' when"
            " denuclearize) so that there is something to reach"
        )
    chosen = {
        "agreement": agreement if agreement is not None else names[0],
        "table": table if table is not None else (names[1] if len(names) > 1 else None),
    }
    out = {}
    for role, name in chosen.items():
        if name is None:
            continue
        if name not in names:
            raise DetenteError(f"unknown outcome {name!r}{name_hint(name, names, 'outcomes')}")
        out[role] = name
    return out


def _subsets(values: tuple[tuple[int, int], ...]):
    """The proper subsets of a commitment, as sorted tuples."""
    for size in range(len(values)):
        yield from itertools.combinations(values, size)


def design(
    model: Conflict | StateSpace,
    *,
    side: Sequence[str] | None = None,
    agreement: str | None = None,
    table: str | None = None,
    concepts: Iterable[str] = ("Nash", "SEQ"),
    belief: Mapping[str, float] | None = None,
    max_size: int | None = None,
    max_candidates: int = DEFAULT_MAX_CANDIDATES,
    jobs: int = 1,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DesignResult:
    """Search the commitments open to ``side`` for those under which the conflict reaches
    the ``agreement`` outcome, and separately the ``table`` outcome, from the status quo
    (see the module docstring for every definition).

    ``side``: DM names (default :func:`default_side`).  ``agreement`` / ``table``: outcome
    names (default: the model's first and second outcomes).  ``belief``: ``{hypothesis:
    weight}`` replacing the weights of the model's ``alternatives`` (e.g. a posterior).
    ``max_size``: analyse only commitments of at most that many options (default: all of
    them when there are at most ``max_candidates``, else the largest size that fits).
    ``jobs`` worker processes, or a Dask ``scheduler`` address; ``progress(done, total)``
    is called as commitments finish.  Ctrl-C returns the finished part, ``interrupted``.

    >>> import detente
    >>> result = design(detente.load_case("north-korea"), side=["China"], concepts=["Nash"])
    >>> result.targets, result.options, result.candidates
    ({'agreement': 'deal', 'table': 'talks'}, ['enforce'], 3)
    >>> talks = result.recommendations("talks")
    >>> [package.to_json() for package in talks]  # doctest: +NORMALIZE_WHITESPACE
    [{'commit': {}, 'outcome': 'talks', 'probability': {'Nash': 0.583333}, 'steps': 3,
      'minimal': True}]
    """
    start_time = time.perf_counter()
    space = as_space(model)
    conflict = space.conflict
    if space.status_quo is None:
        raise DetenteError("the model has no status quo: strategy design starts from one")
    names = concept_names(concepts)
    if not names:
        raise DetenteError("name at least one solution concept")
    if jobs < 1:
        raise DetenteError("--jobs must be at least 1")
    side_dms = _side_indices(space, side)
    targets = _target_outcomes(space, agreement, table)
    outcome_names = [o.name for o in conflict.outcomes]
    searched = list(dict.fromkeys(targets.values()))
    columns = [outcome_names.index(name) for name in searched]
    options = sorted(int(k) for i in side_dms for k in space.dm_options[i])
    radices = [int(space.radices[k]) for k in options]
    candidates = sum(_count(radices, s) for s in range(len(options) + 1))
    bound = max_size
    if bound is None and candidates > max_candidates:
        bound, total = 0, 1
        while bound < len(options) and total + _count(radices, bound + 1) <= max_candidates:
            bound += 1
            total += _count(radices, bound)
    if bound is not None and bound < 0:
        raise DetenteError("the largest commitment size must be 0 or more")
    size_limit = len(options) if bound is None else min(bound, len(options))
    covered = sum(_count(radices, s) for s in range(size_limit + 1))
    reported_bound = None if size_limit >= len(options) else size_limit

    # The belief: distinct preference profiles with their probabilities.
    profiles, weights, scenarios = _belief_profiles(space, belief)

    payload = pickle.dumps((conflict, space.total_codes, names, columns, profiles, side_dms))
    n_targets, n_profiles, n_concepts = len(columns), len(profiles), len(names)
    everything = (1 << (n_profiles * n_concepts)) - 1
    masks: list[dict[tuple, int]] = [{} for _ in columns]
    blocked: list[set[tuple]] = [set() for _ in columns]  # supersets of a full success
    found: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
    counts = {"analysed": 0, "pruned": 0, "infeasible": 0, "no status quo": 0}

    def finished(batch: list[tuple], results: list[Any]) -> None:
        for values, (status, steps, loss) in zip(batch, results, strict=True):
            counts["analysed"] += 1
            if status != "ok":
                counts[status] += 1
            for t in range(n_targets):
                bits = (steps[t] >= 0).reshape(-1)  # (P * C), profile-major
                masks[t][values] = int(sum(1 << j for j in np.flatnonzero(bits)))
            if (steps >= 0).any():
                found[values] = (steps, loss)
        if progress is not None:
            progress(counts["analysed"] + counts["pruned"], covered)

    runner = _Runner(payload, jobs, scheduler)
    interrupted = False
    try:
        for level in _enumerate(options, radices, size_limit):
            todo = []
            for values in level:
                parents = [values[:j] + values[j + 1 :] for j in range(len(values))]
                for t in range(n_targets):
                    if any(p in blocked[t] or masks[t].get(p) == everything for p in parents):
                        blocked[t].add(values)
                if all(values in blocked[t] for t in range(n_targets)):
                    counts["pruned"] += 1
                else:
                    todo.append(values)
            batches = [todo[k : k + _BATCH] for k in range(0, len(todo), _BATCH)]
            runner.run(batches, finished)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        runner.close()

    packages: dict[str, list[Package]] = {}
    for t, outcome in enumerate(searched):
        listed = []
        for values, (steps, loss) in found.items():
            mask = masks[t][values]
            if not mask:
                continue
            reached = steps[t] >= 0  # (P, C)
            probability = {c: float(weights[reached[:, j]].sum()) for j, c in enumerate(names)}
            mass = (weights[:, None] * reached).sum()
            gives_up = float((weights[:, None] * loss[t] * reached).sum() / mass)
            minimal = values not in blocked[t] and not any(
                masks[t].get(s, 0) | mask == masks[t].get(s, 0) for s in _subsets(values)
            )
            listed.append(
                Package(
                    space=space,
                    values=values,
                    outcome=outcome,
                    probability=probability,
                    steps=int(steps[t][reached].min()),
                    gives_up=gives_up,
                    minimal=minimal,
                )
            )
        listed.sort(key=_rank_key)
        packages[outcome] = listed
    return DesignResult(
        space=space,
        side=[space.dm_names[i] for i in side_dms],
        options=[space.option_names[k] for k in options],
        targets=targets,
        concepts=names,
        scenarios=scenarios,
        candidates=candidates,
        covered=covered,
        max_size=reported_bound,
        analysed=counts["analysed"],
        pruned=counts["pruned"],
        infeasible=counts["infeasible"],
        no_status_quo=counts["no status quo"],
        packages=packages,
        seconds=time.perf_counter() - start_time,
        interrupted=interrupted,
    )


def _belief_profiles(
    space: StateSpace, belief: Mapping[str, float] | None
) -> tuple[np.ndarray, np.ndarray, list[dict[str, Any]]]:
    """The belief as distinct preference profiles: (P, n_dms, n) ranks, their weights and
    the scenarios (weight and an example of the hypotheses giving each)."""
    factors = _believed(factors_of(space.conflict), belief)
    bank = _RankBank(space, factors)
    plan = _plan(
        bank, factors, method="auto", samples=DEFAULT_SAMPLES, seed=0, max_exact=DEFAULT_MAX_EXACT
    )
    profiles = np.stack([bank.matrix(key) for key in plan.keys])
    weights = np.asarray(plan.weights, dtype=float)
    scenarios = [
        _scenario(space, factors, w, example)
        for w, example in zip(weights, plan.example, strict=True)
    ]
    return profiles, weights, scenarios


@dataclass(frozen=True)
class Assessment:
    """One commitment judged under the belief: :func:`assess`'s result.

    ``status`` is ``ok``, ``infeasible`` (no state keeps it) or ``no status quo`` (it makes
    the status quo infeasible); ``probability[outcome][concept]`` the probability mass of
    the scenarios in which the conflict reaches an equilibrium with that outcome from the
    committed status quo (the same reading as :func:`design`); ``steps[outcome]`` the fewest
    steps to one over those scenarios and concepts (None: not reached).
    """

    commit: dict[str, Any]
    status: str
    probability: dict[str, dict[str, float]]
    steps: dict[str, int | None]


def assess(
    model: Conflict | StateSpace,
    commitments: Sequence[Mapping[str, Any]],
    *,
    outcomes: Sequence[str],
    concepts: Iterable[str] = ("Nash", "SEQ"),
    belief: Mapping[str, float] | None = None,
    jobs: int = 1,
) -> list[Assessment]:
    """Judge given commitments (``{option: value}`` as in a model's strategies) under the
    belief, with :func:`design`'s own machinery: for a dial swept under a package, say.

    >>> import detente
    >>> nk = detente.load_case("north-korea")
    >>> [a.status for a in assess(nk, [{"sanctions": 4, "normalize": "Y"},
    ...                                 {"sanctions": 6, "normalize": "Y"}], outcomes=["deal"])]
    ['ok', 'infeasible']
    """
    space = as_space(model)
    conflict = space.conflict
    if space.status_quo is None:
        raise DetenteError("the model has no status quo: a commitment is judged from it")
    names = concept_names(concepts)
    known = [o.name for o in conflict.outcomes]
    for name in outcomes:
        if name not in known:
            raise DetenteError(f"unknown outcome {name!r}{name_hint(name, known, 'outcomes')}")
    columns = [known.index(name) for name in outcomes]
    values = [commitment_of(conflict, dict(c)).values for c in commitments]
    profiles, weights, _ = _belief_profiles(space, belief)
    everyone = list(range(space.n_dms))
    payload = pickle.dumps((conflict, space.total_codes, names, columns, profiles, everyone))
    results: dict[tuple, Any] = {}

    def finished(batch: list[tuple], got: list[Any]) -> None:
        results.update(zip(batch, got, strict=True))

    unique = list(dict.fromkeys(values))
    runner = _Runner(payload, jobs, None)
    try:
        runner.run([unique[k : k + _BATCH] for k in range(0, len(unique), _BATCH)], finished)
    finally:
        runner.close()
    out = []
    for c, v in zip(commitments, values, strict=True):
        status, steps, _ = results[v]
        probability = {
            o: {c_: float(weights[steps[t][:, j] >= 0].sum()) for j, c_ in enumerate(names)}
            for t, o in enumerate(outcomes)
        }
        fewest = {
            o: (int(steps[t][steps[t] >= 0].min()) if (steps[t] >= 0).any() else None)
            for t, o in enumerate(outcomes)
        }
        out.append(Assessment(dict(c), status, probability, fewest))
    return out


def _rank_key(p: Package) -> tuple:
    """Best first: robust probability (smallest over the concepts), total probability,
    what the side gives up, size, then the values (a stable order)."""
    ps = list(p.probability.values())
    return (-round(min(ps), 9), -round(sum(ps), 9), round(p.gives_up, 9), p.size, p.values)


def _scenario(
    space: StateSpace, factors: list[Factor], weight: float, example: tuple[int, ...]
) -> dict[str, Any]:
    """One distinct preference profile of the belief: its probability and an example of the
    hypotheses that give it."""
    choices: dict[str, Any] = {}
    for f, k in zip(factors, example, strict=True):
        name = space.dm_names[f.dm]
        if f.kind == "alternative":
            choices[name] = f.labels[k]
        elif k:
            choices.setdefault(name, []).append(f.labels[k])
    return {"weight": round(float(weight), 6), "choices": choices}
