"""Reading the counterpart: infer a decision maker's preferences from what it was seen to do.

Analysts cannot ask a difficult partner what it fears; they can watch what it did.  An
*observed history* (the ``detente-history/1`` file format, :class:`History`) is a sequence of
states of a model with, for each step, the decision maker who moved there, and *stays*: a
decision maker could have moved from the current state and did not.  Under a stated
behavioural assumption every observation says something about the mover's preferences:

* **a move** by DM i from s to t is a *unilateral improvement* (Fang, Hipel & Kilgour 1993,
  *Interactive Decision Making*, ch. 4): i strictly prefers t to s.  t must be in R_i(s), the
  states i reaches from s in one move; a step i cannot make is refused as an impossible move;
* **a stay** of DM i at s means s is stable for i under the chosen solution concept C.  For
  Nash this is the set of pairwise constraints "i likes s at least as much as each t in
  R_i(s)"; for GMR, SMR, SEQ, SIM, ... it is the stability condition itself, which also
  involves the others' moves (and, for SEQ and SIM, the others' preferences as modelled).

This is the *revealed preference* reading of choices (Samuelson 1938, "A note on the pure
theory of consumer's behaviour", Economica 5(17)), applied to the graph model's moves: the
pairwise constraints a record implies, and everything they imply by transitivity, are
:attr:`DMDiagnosis.constraints` and :attr:`DMDiagnosis.derived`.  A pair is *derived* exactly
when every weak order consistent with the record ranks it that way (a path of constraints,
with at least one strict step for a strict preference); the record contradicts itself when a
strict constraint lies on a cycle (tests check both against brute-force enumeration).

**Hypotheses** about a DM's preferences ("regime survival first", "sanctions relief first")
are full preference specifications with prior weights: the DM's ``alternatives`` in the model
(its preferences as modelled when it has none) and any ``hypotheses`` of the history file.
Each is scored on the DM's observations:

* *explained* — the hypothesis says the observation should happen (the move is an improvement
  under it; the stay's state is C-stable for the DM when its preferences are the hypothesis
  and the others' are as modelled);
* **error model** — each observation is an independent event: a DM acts as its preferences
  say with probability 1 - ε and errs with probability ε (default ε = 0.05).  The likelihood
  of a hypothesis h is (1 - ε)^E(h) · ε^C(h), with E explained and C contradicted
  observations; the posterior is prior(h) · likelihood(h), normalised over the hypotheses.
  The *consistency score* is E / (E + C).  The error model is deliberately simple (a
  "trembling hand": a mistaken move or stay is equally likely whatever its kind); it does not
  model *which* of several improvements a DM picks, so two hypotheses that agree on every
  observation always keep the ratio of their priors;
* the **minimal change** that makes a hypothesis consistent with the whole record is found
  with the elementary preference changes of the inverse analysis (:mod:`detente.inverse`,
  after Kinsara, Kilgour & Hipel 2015): moving one statement of a prioritization, or swapping
  two adjacent states of a ranking, is one change; breadth-first, so the first solutions
  found are minimal.

The posterior feeds the uncertain-preferences analysis (:mod:`detente.uncertainty`): for each
hypothesis the probability that each strategy of the model reaches each outcome (the others'
uncertainty as in the model) is computed once, and mixed with the prior and with the
posterior weights: "given what they did, how likely is each strategy to reach a deal?"
(:class:`Forecast`).

Everything scales with the state space: hypothesis ranks come from
:func:`~detente.space.preference_scores` on the model's one space, stability from
:func:`~detente.analysis.stable_for` with ``ranks=``, and per-observation checks index numpy
arrays.  Only the states named by the record enter the revealed-preference closure.
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ..cases import bundled_history, history_model
from ..errors import DetenteError, Location, ModelError
from ..io.history import history_to_yaml, load_history, parse_history
from ..model.conflict import Alternative, Conflict, Preferences
from ..model.history import (
    DEFAULT_EPSILON,
    HISTORY_FORMAT,
    History,
    HistoryHypothesis,
    ObservedStep,
)
from ..model.values import pattern_constraints
from ..space.state_space import (
    StateSpace,
    as_space,
    dense_rank,
    preference_scores,
)
from ..words import describe_state, dm_index, state_phrase
from .preference_changes import preference_representation
from .stability import concept_name, stable_for
from .uncertainty import uncertainty_analysis

__all__ = [
    "DEFAULT_EPSILON",
    "HISTORY_FORMAT",
    "Constraint",
    "DMDiagnosis",
    "Diagnosis",
    "Forecast",
    "History",
    "HistoryHypothesis",
    "HypothesisReport",
    "Observation",
    "ObservedStep",
    "bundled_history",
    "diagnose",
    "history_model",
    "history_to_yaml",
    "load_history",
    "parse_history",
    "resolve_history",
]

#: How the diagnosis says that a state has no option taken.
NOTHING = "nothing taken"


def _phrase(space: StateSpace, state: int) -> str:
    """'state 5 (Delay, Insist)', saying 'nothing taken' for a state with no option taken."""
    return state_phrase(space, state, empty=NOTHING)


#: Most states entering the transitive closure of the revealed constraints.
MAX_CLOSURE_STATES = 1500


# -- observations ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Observation:
    """One observation of the record, resolved on the model's state space (0-based states).

    ``step`` is the 1-based position in the history's steps; ``kind`` 'move' (``source`` ->
    ``target``) or 'stay' (at ``source``).
    """

    step: int
    kind: Literal["move", "stay"]
    dm: int
    source: int
    target: int | None
    date: str | None = None
    note: str = ""
    cite: str = ""

    def when(self) -> str:
        return f", {self.date}" if self.date else ""

    def text(self, space: StateSpace) -> str:
        who = space.dm_names[self.dm]
        if self.kind == "move":
            assert self.target is not None
            what = (
                f"{who} moved from {_phrase(space, self.source)} to"
                f" {_phrase(space, self.target)}"
            )
        else:
            what = f"{who} stayed at {_phrase(space, self.source)}"
        return f"step {self.step}{self.when()}: {what}"

    def to_json(self, space: StateSpace) -> dict[str, Any]:
        out: dict[str, Any] = {
            "step": self.step,
            "kind": self.kind,
            "dm": space.dm_names[self.dm],
            "state": _state_json(space, self.source),
        }
        if self.target is not None:
            out["to"] = _state_json(space, self.target)
        out.update({"date": self.date, "note": self.note, "source": self.cite})
        out["text"] = self.text(space)
        return out


def _state_json(space: StateSpace, state: int) -> dict[str, Any]:
    return {"id": state + 1, "label": space.label(state), "words": state_words(space, state)}


def unilateral_targets(space: StateSpace, dm: int, state: int) -> np.ndarray:
    """R_i(s) for one state: the states DM ``dm`` reaches from ``state`` in one move.

    For an unmerged space this is computed from the state's option values alone (the mover's
    options change, each within its permitted direction and step, onto a feasible state), so
    it never builds the move arrays of a large conflict; with merged states the space's
    pooled moves are used (Fang, Hipel & Kilgour 1993, R_i(s)).
    """
    if space.merged:
        column = space.moves[dm][:, state]
        return np.unique(column[column < space.n_states]).astype(np.int64)
    opts = space.dm_options[dm]
    radices = [int(r) for r in space.radices[opts]]
    combos = np.array(list(itertools.product(*(range(r) for r in radices))), dtype=np.int64)
    current = space.values[state, opts].astype(np.int64)
    diff = combos - current[None, :]
    allowed = (diff != 0).any(axis=1)
    for j, k in enumerate(opts):
        option = space.conflict.options[int(k)]
        if option.direction == "forward":
            allowed &= diff[:, j] >= 0
        elif option.direction == "backward":
            allowed &= diff[:, j] <= 0
        if option.step is not None:
            allowed &= np.abs(diff[:, j]) <= option.step
    values = np.repeat(space.values[state][None, :].astype(np.int64), combos.shape[0], axis=0)
    values[:, opts] = combos
    targets = space.states_of_codes(values @ space.place)
    return np.unique(targets[allowed & (targets >= 0)]).astype(np.int64)


def _impossible_reason(space: StateSpace, dm: int, source: int, target: int) -> str:
    """Why DM ``dm`` cannot move from ``source`` to ``target`` in one move."""
    owners = space.owners
    changed = [
        k
        for k in range(space.n_options)
        if space.values[source, k] != space.values[target, k]
        and (space.fixed is None or (space.fixed[source, k] and space.fixed[target, k]))
    ]
    foreign = [k for k in changed if owners[k] != dm]
    if foreign:
        k = foreign[0]
        return (
            f"option {space.option_names[k]!r} belongs to {space.dm_names[int(owners[k])]},"
            f" not {space.dm_names[dm]}"
        )
    for k in changed:
        option = space.conflict.options[k]
        old, new = int(space.values[source, k]), int(space.values[target, k])
        if option.direction == "forward" and new < old:
            return f"option {option.name!r} can only go forward ({_value(space, k, old)} is final)"
        if option.direction == "backward" and new > old:
            return f"option {option.name!r} can only go backward (from {_value(space, k, old)})"
        if option.step is not None and abs(new - old) > option.step:
            return f"option {option.name!r} changes by at most {option.step} in one move"
    return "it is not one of its unilateral moves"


def _changed_owners(space: StateSpace, source: int, target: int) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for k in range(space.n_options):
        if space.values[source, k] != space.values[target, k]:
            out.setdefault(int(space.owners[k]), []).append(space.option_names[k])
    return out


def resolve_history(space: StateSpace, history: History) -> list[Observation]:
    """The history's observations on ``space``, validated: every state exists, every move is
    one the named DM can make (t in R_i(s)), every DM exists.  Errors are one-line
    :class:`~detente.errors.ModelError` located in the history file.

    >>> import detente
    >>> from detente.cases import bundled_history
    >>> from detente.io.history import load_history
    >>> from detente.space import as_space
    >>> space = as_space(detente.load_case("north-korea"))
    >>> len(resolve_history(space, load_history(bundled_history("north-korea"))))
    15
    """
    try:
        return _resolve(space, history)
    except ModelError as exc:
        raise history.locate(exc) from None


def _resolve(space: StateSpace, history: History) -> list[Observation]:
    if history.start is not None:
        current = space.state_index(history.start, ("start",))
    elif space.status_quo is not None:
        current = space.status_quo
    else:
        raise ModelError("give the first state ('start'): the model has no status quo", ())
    for k, name in enumerate(history.dms):
        dm_index(space, name, ("dm",) if isinstance(history.dm, str) else ("dm", k), exact=True)
    for k, hypothesis in enumerate(history.hypotheses):
        dm_index(space, hypothesis.dm, ("hypotheses", k, "dm"), exact=True)
    out: list[Observation] = []
    for k, step in enumerate(history.steps):
        loc: Location = ("steps", k)
        common = {"date": step.date or step.period, "note": step.note, "cite": step.source}
        if step.stayed is not None:
            names = step.stayers
            for j, name in enumerate(names):
                where = (*loc, "stayed") + ((j,) if isinstance(step.stayed, list) else ())
                dm = dm_index(space, name, where, exact=True)
                if unilateral_targets(space, dm, current).size == 0:
                    raise ModelError(
                        f"{name} has no move from {_phrase(space, current)}, so its"
                        " staying there says nothing",
                        where,
                    )
                out.append(Observation(k + 1, "stay", dm, current, None, **common))
            continue
        if step.state is not None:
            target = space.state_index(step.state, (*loc, "state"))
        else:
            target = _apply_changes(space, current, step.changes or {}, (*loc, "set"))
        if target == current:
            raise ModelError(
                f"the step does not change the state ({_phrase(space, current)});"
                " use 'stayed' for a DM that could have moved and did not",
                loc,
            )
        owners = _changed_owners(space, current, target)
        if step.by is not None:
            dm = dm_index(space, step.by, (*loc, "by"), exact=True)
        elif len(owners) == 1:
            dm = next(iter(owners))
        else:
            parts = "; ".join(
                f"{space.dm_names[i]}: {', '.join(names)}" for i, names in sorted(owners.items())
            )
            raise ModelError(
                f"options of several decision makers change ({parts}): split the step, one"
                " mover each, or say who moved ('by')",
                loc,
            )
        if target not in set(unilateral_targets(space, dm, current).tolist()):
            raise ModelError(
                f"impossible move: {space.dm_names[dm]} cannot move from"
                f" {_phrase(space, current)} to {_phrase(space, target)}:"
                f" {_impossible_reason(space, dm, current, target)}",
                (*loc, "by") if step.by is not None else loc,
            )
        out.append(Observation(k + 1, "move", dm, current, target, **common))
        current = target
    return out


def _apply_changes(space: StateSpace, current: int, changes: dict[str, Any], loc: Location) -> int:
    values = space.values[current].astype(np.int64).copy()
    if space.fixed is not None and not space.fixed[current].all():
        unknown = [space.option_names[k] for k in np.flatnonzero(~space.fixed[current])]
        if not set(unknown) <= set(changes):
            raise ModelError(
                f"the previous state {_phrase(space, current)} is a merged state whose"
                f" {', '.join(unknown)} vary: give the whole state ('state') instead of 'set'",
                loc,
            )
    for k, value in pattern_constraints(space.conflict, changes, loc):
        values[k] = value
    code = int(values @ space.place)
    state = int(space.states_of_codes(np.array([code]))[0])
    if state < 0:
        label = _label_of_values(space, values)
        raise ModelError(f"the state reached ({label}) is infeasible", loc)
    return state


def _label_of_values(space: StateSpace, values: np.ndarray) -> str:
    tokens = [
        ("Y" if v else "N") if space.radices[k] == 2 else str(int(v)) for k, v in enumerate(values)
    ]
    return ("." if space._separated_labels else "").join(tokens)


# -- words -----------------------------------------------------------------------------------------
def _value(space: StateSpace, k: int, value: int) -> str:
    option = space.conflict.options[k]
    if option.binary:
        return option.name if value else f"no {option.name}"
    return f"{option.name} at {value}"


def state_words(space: StateSpace, state: int, skip: Iterable[int] = ()) -> str:
    """What is taken in a state, in the model's names ('sanctions at 6, tests').

    Binary options are named when taken, dials with their level; options in ``skip`` and
    options that vary inside a merged state are left out.  'nothing taken' if nothing is.
    """
    return describe_state(space, state, skip, empty=NOTHING)


def contrast(space: StateSpace, a: int, b: int) -> tuple[str, str, str]:
    """How two states differ, in words: (a's values, b's values, what else holds in a).

    Only options whose values differ are named in the first two (e.g. 'talks, no tests'
    against 'no talks, tests'); options that vary inside a merged state are left out of its
    side ('anything' if nothing is left).  The third lists what is taken among the options
    on which the two agree ('sanctions at 3, assurance').
    """
    fixed = space.fixed
    known_a = np.ones(space.n_options, dtype=bool) if fixed is None else fixed[a]
    known_b = np.ones(space.n_options, dtype=bool) if fixed is None else fixed[b]
    differ = [
        k
        for k in range(space.n_options)
        if known_a[k] != known_b[k]
        or (known_a[k] and known_b[k] and space.values[a, k] != space.values[b, k])
    ]

    def side(state: int, known: np.ndarray) -> str:
        words = [_value(space, k, int(space.values[state, k])) for k in differ if known[k]]
        return ", ".join(words) or "anything"

    return side(a, known_a), side(b, known_b), state_words(space, a, skip=differ)


# -- revealed constraints --------------------------------------------------------------------------
@dataclass(frozen=True)
class Constraint:
    """A revealed pairwise preference of one DM: ``better`` over ``worse`` (0-based states),
    strictly or weakly (at least as much), and the steps that imply it (directly, or through a
    chain of direct constraints when ``derived``)."""

    dm: int
    better: int
    worse: int
    strict: bool
    steps: tuple[int, ...]
    derived: bool = False

    def text(self, space: StateSpace) -> str:
        a, b, rest = contrast(space, self.better, self.worse)
        who = space.dm_names[self.dm]
        relation = (
            f"prefers '{a}' to '{b}'" if self.strict else f"likes '{a}' at least as much as '{b}'"
        )
        return (
            f"{who} {relation}"
            f" when {rest} (state {self.better + 1} {'>' if self.strict else '>='}"
            f" state {self.worse + 1})"
        )

    def to_json(self, space: StateSpace) -> dict[str, Any]:
        return {
            "better": self.better + 1,
            "worse": self.worse + 1,
            "strict": self.strict,
            "derived": self.derived,
            "steps": list(self.steps),
            "text": self.text(space),
        }


def direct_constraints(
    space: StateSpace, observations: Sequence[Observation], concept: str
) -> list[Constraint]:
    """The pairwise constraints each observation implies on its mover's preferences.

    A move s -> t: t strictly preferred to s.  A stay at s under Nash: s at least as good as
    every t in R_i(s).  Stays under other concepts imply no pairwise constraint on their own
    (they are conditions involving the others' moves) and are left out.
    """
    found: dict[tuple[int, int, int, bool], list[int]] = {}
    for obs in observations:
        if obs.kind == "move":
            assert obs.target is not None
            found.setdefault((obs.dm, obs.target, obs.source, True), []).append(obs.step)
        elif concept == "Nash":
            for t in unilateral_targets(space, obs.dm, obs.source):
                found.setdefault((obs.dm, obs.source, int(t), False), []).append(obs.step)
    # The same pair seen twice is one constraint naming both steps; strict ones first.
    items = sorted(found.items(), key=lambda kv: (not kv[0][3], kv[1][0]))
    return [Constraint(dm, a, b, strict, tuple(steps)) for (dm, a, b, strict), steps in items]


@dataclass
class Closure:
    """Everything the direct constraints of one DM imply by transitivity.

    ``states`` are the states involved; ``weak[a, b]`` / ``strict[a, b]`` (indices into
    ``states``) say that every weak order consistent with the constraints has a >= b / a > b.
    ``cycle`` lists the steps of a contradiction (a strict constraint on a cycle) when the
    record contradicts itself; ``computed`` is False when too many states are involved.
    """

    states: np.ndarray
    weak: np.ndarray
    strict: np.ndarray
    cycle: tuple[int, ...] = ()
    computed: bool = True

    @property
    def consistent(self) -> bool:
        return not self.cycle


def closure(constraints: Sequence[Constraint], max_states: int = MAX_CLOSURE_STATES) -> Closure:
    """Transitive closure of pairwise constraints (a weak-order argument: a >= b is implied
    iff a path of constraints leads from a to b, and a > b iff such a path has a strict step;
    the constraints are satisfiable iff no strict constraint lies on a cycle)."""
    states = np.unique(
        np.array([c.better for c in constraints] + [c.worse for c in constraints], dtype=np.int64)
    )
    m = states.size
    if m > max_states:
        empty = np.zeros((0, 0), dtype=bool)
        return Closure(states, empty, empty, computed=False)
    pos = {int(s): k for k, s in enumerate(states)}
    edge = np.zeros((m, m), dtype=bool)
    strict_edge = np.zeros((m, m), dtype=bool)
    for c in constraints:
        a, b = pos[c.better], pos[c.worse]
        edge[a, b] = True
        strict_edge[a, b] |= c.strict
    reach = edge | np.eye(m, dtype=bool)
    # Reflexive-transitive closure by repeated squaring (log2 m boolean products).
    while True:
        nxt = (reach.astype(np.float32) @ reach.astype(np.float32)) > 0
        if (nxt == reach).all():
            break
        reach = nxt
    r = reach.astype(np.float32)
    strict = ((r @ strict_edge.astype(np.float32) @ r) > 0) if m else reach.copy()
    result = Closure(states, reach, strict)
    bad = np.flatnonzero(np.diag(strict))
    if bad.size:
        result.cycle = _cycle_steps(constraints, pos, reach, strict_edge, int(bad[0]))
    return result


def _cycle_steps(
    constraints: Sequence[Constraint],
    pos: dict[int, int],
    reach: np.ndarray,
    strict_edge: np.ndarray,
    anchor: int,
) -> tuple[int, ...]:
    """The steps of one cycle through a strict constraint (the record's contradiction)."""
    xs, ys = np.nonzero(strict_edge & reach[anchor][:, None] & reach[:, anchor][None, :])
    x, y = int(xs[0]), int(ys[0])
    adjacency: dict[int, list[tuple[int, tuple[int, ...]]]] = {}
    strict_steps: tuple[int, ...] = ()
    for c in constraints:
        a, b = pos[c.better], pos[c.worse]
        adjacency.setdefault(a, []).append((b, c.steps))
        if (a, b) == (x, y) and c.strict and not strict_steps:
            strict_steps = c.steps
    # Shortest path y -> x closes the cycle x -> y -> ... -> x.
    parent: dict[int, tuple[int, tuple[int, ...]]] = {y: (-1, ())}
    queue = deque([y])
    while queue and x not in parent:
        node = queue.popleft()
        for nxt, steps in adjacency.get(node, []):
            if nxt not in parent:
                parent[nxt] = (node, steps)
                queue.append(nxt)
    steps = set(strict_steps)
    node = x
    while node != y and node in parent:
        node, via = parent[node]
        steps.update(via)
    return tuple(sorted(steps))


def derived_constraints(
    dm: int, result: Closure, direct: Sequence[Constraint], limit: int | None = None
) -> list[Constraint]:
    """Pairs implied by transitivity that no single observation gives (strict ones first)."""
    if not result.computed or result.states.size == 0:
        return []
    given = {(c.better, c.worse) for c in direct}
    given_strict = {(c.better, c.worse) for c in direct if c.strict}
    states = result.states
    out: list[Constraint] = []
    m = states.size
    off = ~np.eye(m, dtype=bool)
    for strict_only in (True, False):
        mask = (result.strict if strict_only else (result.weak & ~result.strict)) & off
        for a, b in zip(*np.nonzero(mask), strict=True):
            pair = (int(states[a]), int(states[b]))
            if pair in given_strict or (not strict_only and pair in given):
                continue
            out.append(Constraint(dm, pair[0], pair[1], strict_only, (), derived=True))
            if limit is not None and len(out) >= limit:
                return out
    return out


# -- hypotheses ------------------------------------------------------------------------------------
@dataclass
class _Hypothesis:
    name: str
    description: str
    origin: str  # "model alternative", "history", "model preferences"
    weight: float
    preferences: Preferences
    loc: Location
    from_history: bool = False


def hypotheses_of(space: StateSpace, history: History | None, dm: int) -> list[_Hypothesis]:
    """The hypotheses about DM ``dm``: the model's alternatives (or, if it has none, its
    preferences as modelled), then the history's."""
    decision_maker = space.conflict.decision_makers[dm]
    out = [
        _Hypothesis(
            a.name,
            a.description,
            "model alternative",
            a.weight,
            a.preferences,
            ("decision_makers", dm, "alternatives", k, "preferences"),
        )
        for k, a in enumerate(decision_maker.alternatives)
    ]
    if not out:  # no alternatives: the model's own preferences are the first hypothesis
        out.append(
            _Hypothesis(
                "as modelled",
                "the preferences written in the model",
                "model preferences",
                1.0,
                decision_maker.preferences,
                ("decision_makers", dm, "preferences"),
            )
        )
    names = {h.name for h in out}
    for k, h in enumerate(history.hypotheses if history is not None else []):
        if h.dm != decision_maker.name:
            continue
        if h.name in names:
            raise history.locate(  # type: ignore[union-attr]
                ModelError(
                    f"hypothesis {h.name!r} is already an alternative of {h.dm} in the model",
                    ("hypotheses", k, "name"),
                )
            )
        out.append(
            _Hypothesis(
                h.name,
                h.description,
                "history",
                h.weight,
                h.preferences,
                ("hypotheses", k, "preferences"),
                from_history=True,
            )
        )
    return out


class _Judge:
    """Decides, for one DM and any ranking of its, which of its observations are explained.

    Moves and Nash stays reduce to rank comparisons on index arrays; other concepts call
    :func:`~detente.analysis.stable_for` with the DM's row of ``ranks`` replaced (the others
    keep the model's preferences).
    """

    def __init__(
        self, space: StateSpace, dm: int, observations: Sequence[Observation], concept: str
    ) -> None:
        self.space = space
        self.dm = dm
        self.concept = concept
        self.observations = list(observations)
        moves = [o for o in self.observations if o.kind == "move"]
        self.move_rows = np.array([k for k, o in enumerate(self.observations) if o.kind == "move"])
        self.move_from = np.array([o.source for o in moves], dtype=np.int64)
        self.move_to = np.array([o.target for o in moves], dtype=np.int64)
        self.stay_rows = np.array([k for k, o in enumerate(self.observations) if o.kind == "stay"])
        self.stay_at = np.array(
            [o.source for o in self.observations if o.kind == "stay"], dtype=np.int64
        )
        # Nash stays: (stay index, target) pairs, flattened.
        self.targets = [unilateral_targets(space, dm, int(s)) for s in self.stay_at]
        if self.targets:
            self.pair_stay = np.concatenate(
                [np.full(t.size, k, dtype=np.int64) for k, t in enumerate(self.targets)]
            )
            self.pair_target = np.concatenate(self.targets)
        else:
            self.pair_stay = self.pair_target = np.zeros(0, dtype=np.int64)

    def explained(self, rank: np.ndarray) -> np.ndarray:
        """Boolean per observation: does the ranking ``rank`` (of this DM) explain it?"""
        out = np.zeros(len(self.observations), dtype=bool)
        if self.move_rows.size:
            out[self.move_rows] = rank[self.move_to] > rank[self.move_from]
        if self.stay_rows.size:
            out[self.stay_rows] = self.stays_explained(rank)
        return out

    def stays_explained(self, rank: np.ndarray) -> np.ndarray:
        if self.concept == "Nash":
            beaten = rank[self.pair_target] > rank[self.stay_at[self.pair_stay]]
            bad = np.zeros(self.stay_at.size, dtype=bool)
            np.logical_or.at(bad, self.pair_stay, beaten)
            return ~bad
        ranks = self.space.ranks.copy()
        ranks[self.dm] = rank
        stable = stable_for(self.space, self.concept, self.dm, ranks=ranks)
        return stable[self.stay_at]

    def best_move(self, rank: np.ndarray, k: int) -> int | None:
        """The best state the DM could have moved to from stay ``k`` (for the words)."""
        targets = self.targets[k]
        if targets.size == 0:
            return None
        best = targets[np.argmax(rank[targets])]
        return int(best) if rank[best] > rank[self.stay_at[k]] else None


# -- minimal change (inverse-analysis machinery) ---------------------------------------------------
@dataclass
class MinimalChange:
    """The fewest elementary preference changes making a hypothesis explain the whole record.

    ``solutions`` are lists of :class:`~detente.inverse.PreferenceChange`; ``size`` the number
    of changes (0 if the hypothesis already explains everything, None if none was found);
    ``exhaustive`` False when the candidate budget ran out; ``reason`` says why no search was
    made (a self-contradicting record).
    """

    size: int | None
    solutions: list[list[Any]] = field(default_factory=list)
    evaluated: int = 0
    exhaustive: bool = True
    max_changes: int = 0
    reason: str | None = None

    def text(self) -> str:
        if self.reason:
            return self.reason
        if self.size == 0:
            return "explains the whole record as it is"
        if self.size is None:
            bound = (
                f"with up to {self.max_changes} change(s)"
                if self.exhaustive
                else f"within the search budget ({self.evaluated:,} preference orders tried)"
            )
            return f"no change {bound} makes it explain the whole record"
        first = "; and ".join(c.sentence for c in self.solutions[0])
        more = (
            f" ({len(self.solutions)} minimal solutions; the first)"
            if len(self.solutions) > 1
            else ""
        )
        return f"{self.size} change(s) make it explain the whole record{more}: {first}"

    def to_json(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "exhaustive": self.exhaustive,
            "evaluated": self.evaluated,
            "reason": self.reason,
            "solutions": [[c.to_json() for c in solution] for solution in self.solutions],
            "text": self.text(),
        }


def _hypothesis_view(space: StateSpace, dm: int, prefs: Preferences, rank: np.ndarray):
    """The space with DM ``dm``'s preferences replaced by a hypothesis (shares every array):
    what the inverse analysis' preference representations read."""
    conflict = space.conflict
    dms = list(conflict.decision_makers)
    dms[dm] = dms[dm].model_copy(update={"preferences": prefs})
    ranks = space.ranks.copy()
    ranks[dm] = rank
    view = space.with_ranks(ranks)
    view.__dict__["conflict"] = conflict.model_copy(update={"decision_makers": dms})
    return view


def minimal_change(
    space: StateSpace,
    judge: _Judge,
    prefs: Preferences,
    rank: np.ndarray,
    *,
    max_changes: int = 2,
    max_candidates: int = 5_000,
    max_solutions: int = 5,
) -> MinimalChange:
    """Breadth-first search over the inverse analysis' elementary changes (statement moves
    for a prioritization, adjacent swaps for a ranking or payoffs) for the fewest that make
    ``judge`` explain every observation (Kinsara, Kilgour & Hipel 2015)."""
    if judge.explained(rank).all():
        return MinimalChange(size=0, max_changes=max_changes)
    view = _hypothesis_view(space, judge.dm, prefs, rank)
    rep = preference_representation(view, judge.dm)
    result = MinimalChange(size=None, max_changes=max_changes)
    seen = {rep.start}
    frontier: list[tuple[Any, list[Any]]] = [(rep.start, [])]
    for _depth in range(max_changes):
        nxt: list[tuple[Any, list[Any]]] = []
        for profile, changes in frontier:
            for candidate, change in rep.neighbours(profile):
                if candidate in seen:
                    continue
                seen.add(candidate)
                if result.evaluated >= max_candidates:
                    result.exhaustive = False
                    return _finish(result)
                result.evaluated += 1
                if judge.explained(rep.ranks(candidate)).all():
                    if len(result.solutions) < max_solutions:
                        result.solutions.append([*changes, change])
                else:
                    nxt.append((candidate, [*changes, change]))
        if result.solutions:
            return _finish(result)
        frontier = nxt
    return _finish(result)


def _finish(result: MinimalChange) -> MinimalChange:
    if result.solutions:
        result.size = len(result.solutions[0])
    return result


# -- the diagnosis ---------------------------------------------------------------------------------
@dataclass
class HypothesisReport:
    """One hypothesis scored on a DM's observations (see the module docstring)."""

    name: str
    description: str
    origin: str
    prior: float
    explained: np.ndarray  # bool per observation of the DM
    log_likelihood: float
    posterior: float = 0.0
    reasons: list[str] = field(default_factory=list)
    change: MinimalChange | None = None
    same_choices_as: list[str] = field(default_factory=list)
    same_record_as: list[str] = field(default_factory=list)
    preferences: Preferences | None = None

    @property
    def consistency(self) -> float:
        return float(self.explained.mean()) if self.explained.size else 1.0

    @property
    def n_explained(self) -> int:
        return int(self.explained.sum())

    @property
    def n_contradicted(self) -> int:
        return int((~self.explained).sum())


@dataclass
class DMDiagnosis:
    """What the record says about one DM's preferences."""

    dm: int
    observations: list[Observation]
    constraints: list[Constraint]
    derived: list[Constraint]
    closure: Closure
    hypotheses: list[HypothesisReport]
    conditions: list[str] = field(default_factory=list)

    @property
    def consistent(self) -> bool | None:
        """Whether some preference explains every observation (None if unknown: non-Nash
        stays, or too many states for the closure)."""
        if not self.closure.computed:
            return None
        if not self.closure.consistent:
            return False
        if any(o.kind == "stay" for o in self.observations) and self.conditions:
            return None
        return True

    def best(self) -> HypothesisReport | None:
        return max(self.hypotheses, key=lambda h: h.posterior) if self.hypotheses else None


@dataclass
class Forecast:
    """'Given what they did, how likely is each strategy to reach each outcome?'

    ``by_hypothesis[h][strategy][outcome]``: probabilities with the diagnosed DM holding
    hypothesis h (the others' uncertainty as in the model), from
    :func:`~detente.uncertainty.uncertainty_analysis`; ``prior`` and ``posterior`` mix them
    with the prior and the posterior weights.
    """

    dm: int
    concept: str
    hypotheses: list[str]
    prior_weights: list[float]
    posterior_weights: list[float]
    by_hypothesis: dict[str, dict[str, dict[str, float]]]
    prior: dict[str, dict[str, float]]
    posterior: dict[str, dict[str, float]]
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def strategies(self) -> list[str]:
        return list(self.posterior)

    def to_json(self, space: StateSpace) -> dict[str, Any]:
        return {
            "dm": space.dm_names[self.dm],
            "concept": self.concept,
            "weights": {
                h: {"prior": _round(p), "posterior": _round(q)}
                for h, p, q in zip(
                    self.hypotheses, self.prior_weights, self.posterior_weights, strict=True
                )
            },
            "strategies": {
                name: {
                    "prior": _rounded(self.prior[name]),
                    "posterior": _rounded(self.posterior[name]),
                    "by_hypothesis": {
                        h: _rounded(self.by_hypothesis[h].get(name, {})) for h in self.hypotheses
                    },
                }
                for name in self.strategies
            },
            "notes": self.notes,
        }


def steps_text(steps: Sequence[int]) -> str:
    """'step 3' or 'steps 3, 9'."""
    return ("step " if len(steps) == 1 else "steps ") + ", ".join(str(s) for s in steps)


def _round(x: float) -> float:
    return round(float(x), 6)


def _rounded(d: dict[str, float]) -> dict[str, float]:
    return {k: _round(v) for k, v in d.items()}


@dataclass
class Diagnosis:
    """The diagnosis of a record: observations, and per diagnosed DM what they reveal."""

    space: StateSpace
    history: History | None
    concept: str
    epsilon: float
    observations: list[Observation]
    dms: list[DMDiagnosis]
    forecast: Forecast | None = None

    # -- output ------------------------------------------------------------------------------
    def error_model(self) -> str:
        e = self.epsilon
        return (
            f"each observation is explained with probability {1 - e:g} when the hypothesis"
            f" says it should happen and {e:g} otherwise (a DM errs with probability {e:g});"
            f" likelihood = product over observations; posterior proportional to prior x"
            " likelihood"
        )

    def assumption(self) -> str:
        return (
            "a move is a unilateral improvement for the mover; a stay means the state is"
            f" {self.concept}-stable for the DM who stayed"
        )

    def to_json(self) -> dict[str, Any]:
        space = self.space
        return {
            "model": space.conflict.name,
            "history": self.history.name if self.history is not None else "",
            "concept": self.concept,
            "epsilon": self.epsilon,
            "assumption": self.assumption(),
            "error_model": self.error_model(),
            "observations": [o.to_json(space) for o in self.observations],
            "diagnoses": [self._dm_json(d) for d in self.dms],
            "forecast": self.forecast.to_json(space) if self.forecast is not None else None,
        }

    def _dm_json(self, d: DMDiagnosis) -> dict[str, Any]:
        space = self.space
        steps = [o.step for o in d.observations]
        return {
            "dm": space.dm_names[d.dm],
            "steps": steps,
            "consistent": d.consistent,
            "contradiction": list(d.closure.cycle),
            "constraints": [c.to_json(space) for c in d.constraints],
            "derived": [c.to_json(space) for c in d.derived],
            "conditions": d.conditions,
            "hypotheses": [
                {
                    "name": h.name,
                    "origin": h.origin,
                    "description": h.description,
                    "prior": _round(h.prior),
                    "explained": [s for s, ok in zip(steps, h.explained, strict=True) if ok],
                    "contradicted": [s for s, ok in zip(steps, h.explained, strict=True) if not ok],
                    "reasons": h.reasons,
                    "consistency": _round(h.consistency),
                    "log_likelihood": _round(h.log_likelihood),
                    "likelihood": float(math.exp(h.log_likelihood)),
                    "posterior": _round(h.posterior),
                    "same_choices_as": h.same_choices_as,
                    "same_record_as": h.same_record_as,
                    "minimal_change": h.change.to_json() if h.change is not None else None,
                }
                for h in d.hypotheses
            ],
        }

    def sentences(self, d: DMDiagnosis) -> list[str]:
        """The main findings about one DM, as sentences."""
        space = self.space
        who = space.dm_names[d.dm]
        out = []
        if d.closure.cycle:
            steps = ", ".join(str(s) for s in d.closure.cycle)
            out.append(
                f"No preference of {who} explains the whole record: steps {steps} contradict"
                " each other under the assumption"
            )
        ranked = sorted(d.hypotheses, key=lambda h: -h.posterior)
        if len(ranked) > 1:
            best = ranked[0]
            tied = [h.name for h in ranked[1:] if h.log_likelihood == best.log_likelihood]
            also = ""
            if tied:
                names = " and ".join(f"'{x}'" for x in tied)
                verb = "explains" if len(tied) == 1 else "explain"
                also = f"; {names} {verb} it as well, and the odds stay those of the priors"
            out.append(
                f"The record supports '{best.name}' most (posterior {best.posterior:.2f}, prior"
                f" {best.prior:.2f}; it explains {best.n_explained} of {best.explained.size}"
                f" observations){also}"
            )
        done: set[frozenset[str]] = set()
        for h in ranked:
            group = frozenset([h.name, *h.same_choices_as])
            if h.same_choices_as and group not in done:
                done.add(group)
                names = " and ".join(f"'{x}'" for x in sorted(group))
                out.append(
                    f"{names} order {who}'s own moves the same way in every state: no record of"
                    f" its moves can tell them apart, and its stays only under a concept with"
                    " foresight (GMR, SEQ, ...)"
                )
        for h in ranked:
            group = frozenset([h.name, *h.same_record_as])
            if h.same_record_as and not any(group <= g for g in done):
                done.add(group)
                names = " and ".join(f"'{x}'" for x in sorted(group))
                out.append(f"{names} agree on every observation of this record")
        return out


def _same_choices(space: StateSpace, dm: int, ranks: list[np.ndarray]) -> np.ndarray:
    """(H, H) bool: hypotheses that order every one of the DM's own moves the same way
    (same sign of rank(t) - rank(s) for every s and t in R_i(s)).  Skipped (all False
    off the diagonal) when the DM's move array would be very large."""
    h = len(ranks)
    same = np.eye(h, dtype=bool)
    if h < 2:
        return same
    opts = space.dm_options[dm]
    width = math.prod(int(r) for r in space.radices[opts]) - 1
    if space.n_states * max(width, 1) > 20_000_000:
        return same
    moves = space.moves[dm]
    n = space.n_states
    valid = moves < n
    safe = np.where(valid, moves, 0)
    signs = []
    for rank in ranks:
        rank = rank.astype(np.int32)
        diff = np.sign(rank[safe] - rank[None, :]).astype(np.int8)
        diff[~valid] = 0
        signs.append(diff)
    for a in range(h):
        for b in range(a + 1, h):
            same[a, b] = same[b, a] = bool(np.array_equal(signs[a], signs[b]))
    return same


def _reason(space: StateSpace, judge: _Judge, rank: np.ndarray, k: int, explained: bool) -> str:
    """Why an observation is (not) explained by a ranking, in words."""
    obs = judge.observations[k]
    who = space.dm_names[obs.dm]
    if obs.kind == "move":
        assert obs.target is not None
        new, old, _ = contrast(space, obs.target, obs.source)
        if rank[obs.target] > rank[obs.source]:
            return f"step {obs.step}: explained ({who} prefers '{new}' to '{old}')"
        if rank[obs.target] == rank[obs.source]:
            return (
                f"step {obs.step}: contradicted ({who} is indifferent between '{new}' and '{old}')"
            )
        return f"step {obs.step}: contradicted ({who} prefers '{old}' to '{new}')"
    if explained:
        return f"step {obs.step}: explained (the state is {judge.concept}-stable for {who})"
    stay = int(np.flatnonzero(judge.stay_rows == k)[0])
    best = judge.best_move(rank, stay)
    if best is not None and judge.concept == "Nash":
        new, old, _ = contrast(space, best, obs.source)
        return f"step {obs.step}: contradicted ({who} would rather have '{new}' than '{old}')"
    return (
        f"step {obs.step}: contradicted (the state is not {judge.concept}-stable for {who}:"
        " it has an improvement the others cannot deter)"
    )


def diagnose(
    model: Conflict | StateSpace,
    history: History | Sequence[Observation],
    *,
    dms: Iterable[str] | None = None,
    concept: str = "Nash",
    epsilon: float | None = None,
    hypotheses: dict[str, list[tuple[str, Preferences, float]]] | None = None,
    max_changes: int = 2,
    max_candidates: int = 5_000,
    forecast: bool = False,
    jobs: int | None = 1,
    constraint_limit: int = 200,
) -> Diagnosis:
    """Diagnose a record: revealed constraints, hypothesis scores, posteriors, minimal changes
    and (``forecast=True``) the strategy forecast (see the module docstring).

    ``history`` is a :class:`History` (validated against the model here) or already resolved
    observations.  ``dms`` are the DMs to diagnose (default: the history's ``dm``, else every
    DM with observations).  ``hypotheses`` adds hypotheses by DM name as (name, preferences,
    prior weight).  ``epsilon`` defaults to the history's, else 0.05.

    >>> import detente
    >>> from detente.cases import bundled_history
    >>> from detente.io.history import load_history
    >>> history = load_history(bundled_history("north-korea"))
    >>> result = diagnose(detente.load_case("north-korea"), history)
    >>> result.history is history
    True
    """
    space = as_space(model)
    concept = concept_name(concept)
    record = history if isinstance(history, History) else None
    observations = resolve_history(space, record) if record is not None else list(history)
    e = epsilon if epsilon is not None else (record.epsilon if record else DEFAULT_EPSILON)
    if not 0 < e < 0.5:
        raise DetenteError(f"epsilon must be between 0 and 0.5 (got {e})")
    if dms is not None:
        names = list(dms)
    elif record is not None and record.dms:
        names = record.dms
    else:
        names = [space.dm_names[i] for i in sorted({o.dm for o in observations})]
    chosen = [dm_index(space, name, (), exact=True) for name in names]
    result = Diagnosis(space, record, concept, e, observations, [])
    for dm in chosen:
        extra = (hypotheses or {}).get(space.dm_names[dm], [])
        result.dms.append(
            _diagnose_dm(
                space,
                record,
                dm,
                [o for o in observations if o.dm == dm],
                concept,
                e,
                extra,
                max_changes=max_changes,
                max_candidates=max_candidates,
                constraint_limit=constraint_limit,
            )
        )
    if forecast:
        target = next((d for d in result.dms if len(d.hypotheses) > 1), None)
        if target is not None and space.conflict.strategies:
            result.forecast = strategy_forecast(space, target, concept, jobs=jobs)
    return result


def _diagnose_dm(
    space: StateSpace,
    record: History | None,
    dm: int,
    observations: list[Observation],
    concept: str,
    epsilon: float,
    extra: list[tuple[str, Preferences, float]],
    *,
    max_changes: int,
    max_candidates: int,
    constraint_limit: int,
) -> DMDiagnosis:
    direct = direct_constraints(space, observations, concept)
    implied = closure(direct)
    derived = derived_constraints(dm, implied, direct, limit=constraint_limit)
    conditions = []
    who = space.dm_names[dm]
    if concept != "Nash":
        for obs in observations:
            if obs.kind == "stay":
                conditions.append(
                    f"step {obs.step}: {_phrase(space, obs.source)} is {concept}-stable"
                    f" for {who}: each move it prefers from there can be answered by the"
                    f" others ({_concept_answer(concept)}) with a state {who} likes no better"
                )
    judge = _Judge(space, dm, observations, concept)
    candidates = hypotheses_of(space, record, dm) + [
        _Hypothesis(name, "", "given", weight, prefs, ()) for name, prefs, weight in extra
    ]
    total = sum(h.weight for h in candidates)
    reports: list[HypothesisReport] = []
    ranks: list[np.ndarray] = []
    log_ok, log_err = math.log1p(-epsilon), math.log(epsilon)
    for h in candidates:
        try:
            rank = dense_rank(preference_scores(space, h.preferences, h.loc))
        except ModelError as exc:
            raise (record.locate(exc) if (record is not None and h.from_history) else exc) from None
        ok = judge.explained(rank)
        ll = int(ok.sum()) * log_ok + int((~ok).sum()) * log_err
        report = HypothesisReport(
            h.name, h.description, h.origin, h.weight / total, ok, ll, preferences=h.preferences
        )
        report.reasons = [
            _reason(space, judge, rank, k, bool(ok[k])) for k in range(len(observations))
        ]
        if implied.cycle and concept == "Nash":
            steps = ", ".join(str(s) for s in implied.cycle)
            report.change = MinimalChange(
                size=None,
                max_changes=max_changes,
                reason=f"no preference explains steps {steps} together, so no change can",
            )
        else:
            report.change = minimal_change(
                space,
                judge,
                h.preferences,
                rank,
                max_changes=max_changes,
                max_candidates=max_candidates,
            )
        reports.append(report)
        ranks.append(rank)
    logs = np.array([math.log(r.prior) + r.log_likelihood for r in reports])
    weights = np.exp(logs - logs.max())
    weights /= weights.sum()
    for r, w in zip(reports, weights, strict=True):
        r.posterior = float(w)
    same = _same_choices(space, dm, ranks)
    for a, ra in enumerate(reports):
        ra.same_choices_as = [reports[b].name for b in range(len(reports)) if b != a and same[a, b]]
        ra.same_record_as = [
            reports[b].name
            for b in range(len(reports))
            if b != a and np.array_equal(ra.explained, reports[b].explained)
        ]
    return DMDiagnosis(dm, observations, direct, derived, implied, reports, conditions)


def _concept_answer(concept: str) -> str:
    return {
        "GMR": "by any legal sequence of their moves",
        "SMR": "by a legal sequence of their moves that it cannot escape",
        "SEQ": "by a legal sequence of moves each of them prefers",
        "SIM": "by their own improvements made at the same time",
        "SEQSIM": "both sequentially by their own improvements and simultaneously",
    }.get(concept, f"as {concept} requires")


# -- strategy forecast -----------------------------------------------------------------------------
def strategy_forecast(
    space: StateSpace, diagnosis: DMDiagnosis, concept: str, *, jobs: int | None = 1
) -> Forecast:
    """For each hypothesis of the diagnosed DM, the probability that each strategy reaches
    each outcome (:func:`detente.uncertainty.uncertainty_analysis` with the DM holding that
    hypothesis; the other DMs' uncertainty as in the model), mixed with the prior and with
    the posterior weights.  A mixture is exact: scenario probabilities are linear in the
    weights of the DM's hypotheses."""
    conflict = space.conflict
    dm = diagnosis.dm
    by_hypothesis: dict[str, dict[str, dict[str, float]]] = {}
    notes: dict[str, str] = {}
    for h in diagnosis.hypotheses:
        assert h.preferences is not None
        dms = list(conflict.decision_makers)
        dms[dm] = dms[dm].model_copy(
            update={
                "alternatives": [Alternative(name=h.name, weight=1.0, preferences=h.preferences)],
                "uncertain_order": [],
            }
        )
        scenario = conflict.model_copy(update={"decision_makers": dms})
        result = uncertainty_analysis(
            scenario, [concept], jobs=jobs, progress=False, max_states=space.total_codes
        )
        by_hypothesis[h.name] = {
            name: dict(per.get(concept, {})) for name, per in result.strategies.items()
        }
        notes.update(result.strategy_notes)
    names = list(next(iter(by_hypothesis.values())).keys()) if by_hypothesis else []
    priors = [h.prior for h in diagnosis.hypotheses]
    posts = [h.posterior for h in diagnosis.hypotheses]

    def mix(weights: list[float]) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {}
        for name in names:
            per: dict[str, float] = {}
            for h, w in zip(diagnosis.hypotheses, weights, strict=True):
                for outcome, p in by_hypothesis[h.name].get(name, {}).items():
                    per[outcome] = per.get(outcome, 0.0) + w * p
            out[name] = dict(sorted(per.items(), key=lambda kv: -kv[1]))
        return out

    return Forecast(
        dm=dm,
        concept=concept,
        hypotheses=[h.name for h in diagnosis.hypotheses],
        prior_weights=priors,
        posterior_weights=posts,
        by_hypothesis=by_hypothesis,
        prior=mix(priors),
        posterior=mix(posts),
        notes=notes,
    )


def forecast_rows(f: Forecast) -> list[tuple[str, str, list[float]]]:
    """(strategy, outcome, [P before, P given the record, P under each hypothesis]) for every
    outcome some weighting makes possible, strategies in the model's order."""
    rows = []
    for name in f.strategies:
        outcomes: list[str] = []
        for per in (f.posterior[name], f.prior[name]):
            outcomes += [o for o in per if o not in outcomes]
        for outcome in outcomes:
            values = [f.prior[name].get(outcome, 0.0), f.posterior[name].get(outcome, 0.0)]
            values += [f.by_hypothesis[h].get(name, {}).get(outcome, 0.0) for h in f.hypotheses]
            rows.append((name, outcome, values))
    return rows
