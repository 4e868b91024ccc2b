"""Strategy comparison: what happens when a decision maker commits to a course of action?

A *strategy* is a named commitment of one decision maker (or of a coalition of allies) to
values of some options: "maximum pressure" holds sanctions at 10 and withholds any
assurance; "sunshine" sets sanctions to 0 and offers economic engagement.  An *outcome* is a
named set of states ("talks", "deal", "war", "stalemate"), given by a statement.  Both are
declared in the model file (``strategies:`` and ``outcomes:``, see :mod:`detente.model`).

**Semantics of a commitment.**  While a strategy is followed, every committed option keeps
its committed value:

* the conflict is *restricted* to the states where the commitment holds.  The committing
  DM(s) never move the committed options; every other move (their other options, the other
  DMs' options) is unchanged.  Because only an option's owner can change it, no sequence of
  moves from a committed state ever leaves the committed states, so restricting the states
  and forbidding the committing DMs to move the committed options are the same thing;
* preferences are *not* re-derived: every state keeps the score it has in the full conflict
  (this matters only for merged states, whose representative may change);
* status quo analysis starts from the status quo *with the commitment applied* (the status
  quo's other option values, the committed ones replaced);
* stability (Fang, Hipel & Kilgour 1993, *Interactive Decision Making*, ch. 4) and status
  quo analysis (Li, Kilgour & Hipel 2005, "Status quo analysis in the graph model for
  conflict resolution", J. Oper. Res. Soc. 56(6)) then run unchanged on the restricted
  conflict: the equilibria of a strategy are the states, among those where the commitment
  holds, that are stable for every DM when the committed options cannot move.

This is the graph model's usual reading of a commitment (a DM that has "burnt its bridges"
on an option simply has no move on it), and it is exact: :class:`CommittedSpace` is an
ordinary :class:`~detente.space.StateSpace`, so every concept and every analysis of detente
applies to it unchanged.

**Outcomes** are evaluated on each state's option values (for a merged state: on its
representative, its lowest-numbered member, as preferences are).  A state may carry several
outcome labels; a state with none is reported as ``other``.

**Numbering.**  All reports use the state numbers and labels of the *full* conflict, so the
same state has the same number under every strategy.

>>> import detente
>>> result = compare(detente.load_case("elmira"), ["Nash"],
...                  strategies=[{"name": "MoE modifies", "commit": {"Modify": "Y"}}])
>>> [report.name for report in result.strategies]
['no commitment', 'MoE modifies']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import DetenteError, ModelError, SizeLimitError, name_hint
from ..model.conflict import Conflict, Strategy
from ..model.statements import StatementError, parse_statement
from ..space.commit import Commitment, CommittedSpace, commit, commitment_of
from ..space.state_space import StateSpace, as_space
from ..space.steps import Step
from ..words import value_text
from .paths import evolution
from .presenting import present
from .stability import CONCEPTS, analyze, concept_name, concept_names

__all__ = [
    "BASELINE",
    "OTHER",
    "Commitment",
    "CommittedSpace",
    "ComparisonResult",
    "ConceptReport",
    "EquilibriumReport",
    "StrategyReport",
    "SweepResult",
    "analyse_strategy",
    "commit",
    "commitment_of",
    "compare",
    "outcome_table",
    "outcomes_of",
    "sweep",
    "uncovered_states",
]

#: Name of the reference row of a comparison: nobody commits to anything.
BASELINE = "no commitment"
#: Outcome shown for a state that satisfies none of the model's outcomes.
OTHER = "other"


# -- outcomes ---------------------------------------------------------------------------------
def outcome_table(space: StateSpace) -> tuple[list[str], np.ndarray]:
    """The model's outcome names and an (n_states, n_outcomes) bool table: which states
    satisfy which outcome.  A :class:`CommittedSpace` answers for its parent's states.

    >>> import detente
    >>> from detente.space import as_space
    >>> names, table = outcome_table(as_space(detente.load_case("north-korea")))
    >>> names, table.shape
    (['deal', 'talks', 'stalemate', 'war'], (1537, 4))
    """
    if isinstance(space, CommittedSpace):
        names, table = outcome_table(space.parent)
        return names, table[space.parent_state]
    conflict = space.conflict
    levels = {o.name: o.top for o in conflict.options}
    names = [o.name for o in conflict.outcomes]
    table = np.zeros((space.n_states, len(names)), dtype=bool)
    for k, outcome in enumerate(conflict.outcomes):
        try:
            expr = parse_statement(outcome.when, conflict.option_index, levels)
        except StatementError as exc:  # pragma: no cover - the model validated it
            raise ModelError(f"statement {outcome.when!r}: {exc}", ("outcomes", k)) from None
        table[:, k] = expr.evaluate(space.values)
    return names, table


def uncovered_states(space: StateSpace) -> np.ndarray:
    """The states (0-based, ascending) that satisfy none of the model's outcomes, and so
    show as 'other' in every table; empty when the model defines no outcomes at all (then
    'other' is all there is, and no state is missing from a list the modeller wrote).

    >>> import detente
    >>> from detente.space import as_space
    >>> conflict = detente.load_case("north-korea")
    >>> uncovered_states(as_space(conflict)).size
    0
    >>> only_deal = conflict.model_copy(update={"outcomes": conflict.outcomes[:1]})
    >>> uncovered_states(as_space(only_deal))[:3] + 1
    array([1, 2, 3])
    """
    names, table = outcome_table(space)
    if not names:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(~table.any(axis=1))


def outcomes_of(space: StateSpace, state: int) -> list[str]:
    """Names of the outcomes a state (0-based) satisfies, or ``['other']``.

    >>> import detente
    >>> from detente.space import as_space
    >>> space = as_space(detente.load_case("north-korea"))
    >>> outcomes_of(space, space.status_quo)
    ['stalemate']
    """
    names, table = outcome_table(space)
    found = [name for name, hit in zip(names, table[state], strict=True) if hit]
    return found or [OTHER]


# -- reports ----------------------------------------------------------------------------------
@dataclass
class EquilibriumReport:
    """One equilibrium under one strategy and concept.  ``state`` is the full conflict's
    0-based index; ``steps`` the length of a shortest path from the (committed) status quo,
    None if it is not reachable; ``path`` that path's steps (full-conflict numbering);
    ``space`` the full conflict's space (it numbers and labels the steps in JSON)."""

    state: int
    label: str
    outcomes: list[str]
    steps: int | None
    path: list[Step] | None
    space: StateSpace = field(repr=False, compare=False)

    @property
    def reachable(self) -> bool:
        return self.steps is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.state + 1,
            "label": self.label,
            "outcomes": self.outcomes,
            "reachable": self.reachable,
            "steps": self.steps,
            "path": None if self.path is None else [s.to_json(self.space) for s in self.path],
        }


@dataclass
class ConceptReport:
    """The equilibria of one strategy under one concept, and the verdict.

    Held as arrays (a conflict may have many equilibria); :attr:`equilibria` builds the
    per-equilibrium reports on first use.  ``states`` are the full conflict's 0-based
    indices, ``steps`` the fewest steps from the committed status quo (-1: not reachable),
    ``hits`` which outcomes each equilibrium satisfies (rows of :func:`outcome_table`),
    ``paths`` a shortest path (full-conflict numbering) per reachable equilibrium.
    """

    concept: str
    space: StateSpace
    states: np.ndarray
    steps: np.ndarray
    hits: np.ndarray
    has_start: bool
    #: The model's outcome names, in the model's order.
    names: list[str] = field(default_factory=list)
    paths: dict[int, list[Step]] = field(default_factory=dict, repr=False)

    @classmethod
    def empty(cls, concept: str, space: StateSpace, names: list[str]) -> ConceptReport:
        nothing = np.zeros(0, dtype=np.int64)
        hits = np.zeros((0, len(names)), dtype=bool)
        return cls(concept, space, nothing, nothing, hits, False, names)

    @property
    def count(self) -> int:
        return int(self.states.size)

    @property
    def reachable_count(self) -> int:
        return int((self.steps >= 0).sum())

    def _report(self, k: int) -> EquilibriumReport:
        state = int(self.states[k])
        steps = int(self.steps[k])
        return EquilibriumReport(
            state=state,
            label=self.space.label(state),
            outcomes=_labels(self.names, self.hits[k]),
            steps=None if steps < 0 else steps,
            path=self.paths.get(state) if steps >= 0 else None,
            space=self.space,
        )

    @cached_property
    def equilibria(self) -> list[EquilibriumReport]:
        """One report per equilibrium (built on first use)."""
        return [self._report(k) for k in range(self.count)]

    @property
    def reachable(self) -> list[EquilibriumReport]:
        """The reachable equilibria, in state order."""
        return [self._report(int(k)) for k in np.flatnonzero(self.steps >= 0)]

    def _outcomes(self, rows: np.ndarray) -> list[str]:
        hits = self.hits[rows]
        names = [n for n, hit in zip(self.names, hits.any(axis=0), strict=True) if hit]
        if hits.shape[0] and not hits.any(axis=1).all():
            names.append(OTHER)
        return names

    @property
    def outcomes_all(self) -> list[str]:
        """Outcomes of every equilibrium, each once, in the model's order (then other)."""
        return self._outcomes(np.ones(self.count, dtype=bool))

    @property
    def outcomes_reachable(self) -> list[str]:
        """Outcomes of the reachable equilibria, each once, in the model's order."""
        return self._outcomes(self.steps >= 0)

    def nearest(self, outcome: str) -> int | None:
        """Fewest steps to a reachable equilibrium with this outcome (None: none)."""
        if outcome == OTHER:
            with_it = ~self.hits.any(axis=1)
        else:
            with_it = self.hits[:, self.names.index(outcome)]
        steps = self.steps[with_it & (self.steps >= 0)]
        return int(steps.min()) if steps.size else None

    @property
    def verdict(self) -> str:
        """One line: ``reaches: deal (3 steps)``, ``no reachable equilibrium``, ..."""
        if not self.count:
            return "no equilibrium"
        if not self.has_start:
            return "no status quo; equilibria: " + ", ".join(self.outcomes_all)
        if not self.reachable_count:
            return "no reachable equilibrium"
        parts = []
        nearest = sorted(self.outcomes_reachable, key=lambda o: self.nearest(o) or 0)
        for outcome in nearest:
            steps = self.nearest(outcome)
            when = "status quo" if steps == 0 else f"{steps} step{'s' if steps != 1 else ''}"
            parts.append(f"{outcome} ({when})")
        return "reaches: " + ", ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "count": self.count,
            "reachable": self.reachable_count if self.has_start else None,
            "outcomes_reachable": self.outcomes_reachable,
            "outcomes_all": self.outcomes_all,
            "equilibria": [e.to_json() for e in self.equilibria],
        }


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


@dataclass
class StrategyReport:
    """Everything about one strategy: its commitment, start, and per-concept reports.

    ``note`` explains a strategy that could not be analysed in full (no feasible state, or
    a status quo the commitment makes infeasible); ``start`` is then None.
    """

    name: str
    description: str
    commitment: dict[str, int]
    commitment_text: str
    baseline: bool
    n_states: int
    start: int | None
    start_label: str | None
    start_outcomes: list[str]
    reachable_states: int | None
    concepts: dict[str, ConceptReport] = field(default_factory=dict)
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "baseline": self.baseline,
            "commit": self.commitment,
            "states": self.n_states,
            "start": None
            if self.start is None
            else {"id": self.start + 1, "label": self.start_label, "outcomes": self.start_outcomes},
            "reachable_states": self.reachable_states,
            "note": self.note,
            "concepts": {c: r.to_json() for c, r in self.concepts.items()},
        }


def _in_parent(to_parent: np.ndarray, steps: Sequence[Step]) -> list[Step]:
    """Steps of a path renumbered into the full conflict's states."""
    return [
        replace(step, before=int(to_parent[step.before]), after=int(to_parent[step.after]))
        for step in steps
    ]


def _to_parent(space: StateSpace) -> np.ndarray:
    if isinstance(space, CommittedSpace):
        return space.parent_state
    return np.arange(space.n_states, dtype=np.int64)


def _parent_of(space: StateSpace) -> StateSpace:
    return space.parent if isinstance(space, CommittedSpace) else space


def analyse_strategy(
    space: StateSpace,
    concepts: Sequence[str],
    *,
    moves: str = "improvements",
    name: str = BASELINE,
    description: str = "",
) -> StrategyReport:
    """Equilibria, reachability and outcomes of one (committed or full) state space.

    Reachability is the evolution of :func:`detente.paths.evolution` from the space's
    status quo (``moves`` says which steps count); a shortest path is kept for every
    reachable equilibrium.

    >>> import detente
    >>> from detente.space import as_space
    >>> space = as_space(detente.load_case("north-korea"))
    >>> analyse_strategy(space, ["Nash"]).concepts["Nash"].verdict
    'reaches: stalemate (3 steps)'
    """
    parent = _parent_of(space)
    to_parent = _to_parent(space)
    names, table = outcome_table(space)
    commitment = space.commitment if isinstance(space, CommittedSpace) else None
    stability = analyze(space, concepts)
    note = None
    try:
        start = space.status_quo
    except ModelError as exc:
        start, note = None, exc.message
    report = StrategyReport(
        name=commitment.name if commitment else name,
        description=commitment.description if commitment else description,
        commitment=commitment.as_dict(parent) if commitment else {},
        commitment_text=commitment.text(parent) if commitment else "nothing",
        baseline=commitment is None,
        n_states=space.n_states,
        start=None if start is None else int(to_parent[start]),
        start_label=None if start is None else parent.label(int(to_parent[start])),
        start_outcomes=[] if start is None else _labels(names, table[start]),
        reachable_states=None,
        note=note,
    )
    equilibria = {c: stability.equilibria(c) for c in stability.concepts}
    distance = np.full(space.n_states, -1, dtype=np.int64)
    paths: dict[int, list[Step]] = {}
    if start is not None:
        evo = evolution(space, start, moves)
        distance = evo.distance.astype(np.int64)
        report.reachable_states = int((distance >= 0).sum())
        targets = np.unique(np.concatenate([np.zeros(0, dtype=np.int64), *equilibria.values()]))
        targets = targets[distance[targets] >= 0]
        for target, steps in zip(targets, evo.paths(targets), strict=True):
            paths[int(to_parent[target])] = _in_parent(to_parent, steps or [])
    for concept, states in equilibria.items():
        report.concepts[concept] = ConceptReport(
            concept=concept,
            space=parent,
            states=to_parent[states],
            steps=distance[states],
            hits=table[states],
            has_start=start is not None,
            names=names,
            paths=paths,
        )
    return report


def _labels(names: list[str], row: np.ndarray) -> list[str]:
    return [n for n, hit in zip(names, row, strict=True) if hit] or [OTHER]


def _failed(
    parent: StateSpace, commitment: Commitment, concepts: Sequence[str], message: str
) -> StrategyReport:
    """The report of a strategy that leaves no feasible state."""
    names = [o.name for o in parent.conflict.outcomes]
    return StrategyReport(
        name=commitment.name,
        description=commitment.description,
        commitment=commitment.as_dict(parent),
        commitment_text=commitment.text(parent),
        baseline=False,
        n_states=0,
        start=None,
        start_label=None,
        start_outcomes=[],
        reachable_states=None,
        concepts={c: ConceptReport.empty(c, parent, names) for c in concepts},
        note=message,
    )


def _report(
    parent: StateSpace, commitment: Commitment, concepts: Sequence[str], moves: str
) -> StrategyReport:
    try:
        space = commit(parent, commitment)
    except SizeLimitError:
        raise
    except ModelError as exc:
        return _failed(parent, commitment, concepts, exc.message)
    return analyse_strategy(space, concepts, moves=moves)


def _concepts(concepts: Iterable[str]) -> list[str]:
    names = concept_names(concepts)
    if not names:
        raise DetenteError("name at least one solution concept")
    return names


# -- comparison -------------------------------------------------------------------------------
@dataclass
class ComparisonResult:
    """Strategies side by side: :func:`compare`'s result."""

    space: StateSpace
    concepts: list[str]
    outcomes: list[str]
    moves: str
    strategies: list[StrategyReport]

    def strategy(self, name: str) -> StrategyReport:
        for report in self.strategies:
            if report.name == name:
                return report
        raise KeyError(name)

    def verdicts(self) -> dict[str, dict[str, str]]:
        """``{strategy: {concept: verdict}}``."""
        return {r.name: {c: rep.verdict for c, rep in r.concepts.items()} for r in self.strategies}

    def to_json(self) -> dict[str, Any]:
        """The JSON of ``detente compare --format json`` (documented in docs/strategies.md)."""
        return {
            "conflict": self.space.conflict.name,
            "concepts": self.concepts,
            "moves": self.moves,
            "outcomes": _outcome_json(self.space),
            "strategies": [r.to_json() for r in self.strategies],
        }

    def to_frame(self):  # -> pandas.DataFrame
        """One row per (strategy, concept): counts, nearest reachable equilibrium, verdict
        (:func:`detente.render.frames.comparison_frame`)."""
        return present(self, "to_frame")

    def _repr_html_(self) -> str:
        return present(self, "_repr_html_")


def _outcome_json(space: StateSpace) -> list[dict[str, str]]:
    return [
        {"name": o.name, "description": o.description, "when": o.when}
        for o in space.conflict.outcomes
    ]


def compare(
    model: Conflict | StateSpace,
    concepts: Iterable[str] = CONCEPTS,
    *,
    strategies: Iterable[Strategy | Mapping[str, Any] | str] | None = None,
    moves: str = "improvements",
    baseline: bool = True,
) -> ComparisonResult:
    """Compare strategies: for each (and for ``no commitment`` when ``baseline``), the
    equilibria under each concept, which the conflict reaches from the committed status quo
    and in how many steps, their outcomes, and a one-line verdict.

    ``strategies`` defaults to the model's own; ``moves`` is the kind of steps of status quo
    analysis (see :func:`detente.paths.evolution`).  Raises
    :class:`~detente.errors.DetenteError` when there is no strategy to compare.

    >>> import detente
    >>> result = compare(detente.load_case("north-korea"), ["Nash"])
    >>> [report.name for report in result.strategies][:2]
    ['no commitment', 'maximum pressure']
    """
    parent = as_space(model)
    conflict = parent.conflict
    names = _concepts(concepts)
    given = list(conflict.strategies) if strategies is None else list(strategies)
    if not given:
        raise DetenteError(
            "the model defines no strategies: add a 'strategies:' section (each a name and"
            " the option values it commits to, e.g. commit: {sanctions: 10})"
        )
    commitments = [
        commitment_of(conflict, s, ("strategies", k) if strategies is None else ())
        for k, s in enumerate(given)
    ]
    _check_unique_names([c.name for c in commitments])
    reports = []
    if baseline:
        reports.append(analyse_strategy(parent, names, moves=moves))
    reports += [_report(parent, c, names, moves) for c in commitments]
    return ComparisonResult(
        space=parent,
        concepts=names,
        outcomes=[o.name for o in conflict.outcomes],
        moves=moves,
        strategies=reports,
    )


def _check_unique_names(names: list[str]) -> None:
    seen: set[str] = {BASELINE}
    for name in names:
        if name in seen:
            raise DetenteError(f"two strategies are called {name!r}")
        seen.add(name)


# -- sweep ------------------------------------------------------------------------------------
@dataclass
class SweepResult:
    """One option held at each of its levels in turn: :func:`sweep`'s result.

    ``rows[k]`` is the :class:`StrategyReport` with the option held at ``levels[k]``.
    ``overridden`` is the held strategy's own value of the swept option, which every row
    replaces (None when the strategy leaves that option free, or no strategy is held).
    """

    space: StateSpace
    option: str
    levels: list[int]
    concepts: list[str]
    outcomes: list[str]
    moves: str
    within: str | None
    rows: list[StrategyReport]
    overridden: int | None = None

    def cell(self, level: int, concept: str) -> ConceptReport:
        return self.rows[self.levels.index(level)].concepts[concept_name(concept)]

    def cells(self, reachable: bool = True) -> dict[str, list[list[str]]]:
        """``{concept: [outcomes per level]}``: the outcomes of the reachable equilibria (of
        all equilibria when ``reachable`` is false), in the model's order.  A cell without
        outcomes names why: ``none reachable``, ``no equilibrium``, ``no status quo``,
        ``status quo infeasible`` or ``infeasible`` (no state has that level)."""
        out: dict[str, list[list[str]]] = {}
        for concept in self.concepts:
            out[concept] = [_cell(row, row.concepts[concept], reachable) for row in self.rows]
        return out

    def level_text(self, level: int) -> str:
        k = self.space.option_names.index(self.option)
        return value_text(self.space, k, level)

    def to_json(self) -> dict[str, Any]:
        """The JSON of ``detente sweep --format json`` (documented in docs/strategies.md)."""
        return {
            "conflict": self.space.conflict.name,
            "option": self.option,
            "levels": self.levels,
            "within": self.within,
            "concepts": self.concepts,
            "moves": self.moves,
            "outcomes": _outcome_json(self.space),
            "rows": [
                {"level": level, **row.to_json()}
                for level, row in zip(self.levels, self.rows, strict=True)
            ],
        }

    def to_frame(self):  # -> pandas.DataFrame
        """One row per (level, concept) (:func:`detente.render.frames.sweep_frame`)."""
        return present(self, "to_frame")

    def _repr_html_(self) -> str:
        return present(self, "_repr_html_")

    def plot(self, path: str | Path | None = None):  # -> matplotlib Figure
        """Outcome against level per concept, saved to ``path`` when given
        (:func:`detente.render.plots.plot_sweep`)."""
        return present(self, "plot", path)


def _cell(row: StrategyReport, report: ConceptReport, reachable: bool) -> list[str]:
    if row.n_states == 0:
        return ["infeasible"]
    if not report.count:
        return ["no equilibrium"]
    if not reachable:
        return report.outcomes_all
    if row.note is not None:
        return ["status quo infeasible"]
    if not report.has_start:
        return ["no status quo"]
    return report.outcomes_reachable or ["none reachable"]


def sweep(
    model: Conflict | StateSpace,
    option: str,
    concepts: Iterable[str] = CONCEPTS,
    *,
    strategy: Strategy | Mapping[str, Any] | str | None = None,
    moves: str = "improvements",
) -> SweepResult:
    """Hold ``option`` at each of its levels in turn (as a strategy) and report, per level
    and concept, the outcomes of the reachable equilibria and of all equilibria.

    ``strategy`` (a strategy of the model, by name, or a commitment) is held as well; the
    swept option overrides its value for that option.  Works for binary options too (levels
    0 and 1).

    >>> import detente
    >>> list(sweep(detente.load_case("north-korea"), "sanctions", ["Nash"]).levels)
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    """
    parent = as_space(model)
    conflict = parent.conflict
    names = _concepts(concepts)
    index = conflict.option_index
    if option not in index:
        hint = name_hint(option, conflict.option_index, "options")
        raise DetenteError(f"unknown option {option!r}{hint}")
    k = index[option]
    base: tuple[tuple[int, int], ...] = ()
    within = None
    overridden = None
    if strategy is not None:
        held = commitment_of(conflict, strategy)
        base = tuple((j, v) for j, v in held.values if j != k)
        overridden = next((v for j, v in held.values if j == k), None)
        within = held.name
    levels = list(range(conflict.options[k].radix))
    rows = []
    for level in levels:
        values = tuple(sorted((*base, (k, level))))
        shown = value_text(parent, k, level)
        name = f"{option}={shown}" + (f" within {within!r}" if within else "")
        rows.append(_report(parent, Commitment(name=name, values=values), names, moves))
    return SweepResult(
        space=parent,
        option=option,
        levels=levels,
        concepts=names,
        outcomes=[o.name for o in conflict.outcomes],
        moves=moves,
        within=within,
        rows=rows,
        overridden=overridden,
    )
