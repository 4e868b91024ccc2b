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

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import DetenteError, ModelError, SizeLimitError
from ..model.conflict import Conflict, Strategy
from ..model.statements import StatementError, parse_statement
from ..space.commit import Commitment, CommittedSpace, commit, commitment_of
from ..space.state_space import StateSpace, as_space
from ..space.steps import Step
from ..words import value_text
from .paths import evolution
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
    "plot_sweep",
    "print_comparison",
    "print_sweep",
    "sweep",
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
        """One row per (strategy, concept): counts, nearest reachable equilibrium, verdict."""
        return _frame(self.strategies, "strategy", lambda r: r.name)

    def _repr_html_(self) -> str:
        return _html_intro(self.space, self.moves) + self.to_frame()._repr_html_()


def _outcome_json(space: StateSpace) -> list[dict[str, str]]:
    return [
        {"name": o.name, "description": o.description, "when": o.when}
        for o in space.conflict.outcomes
    ]


def _frame(reports: Sequence[StrategyReport], key: str, value_of):  # -> pandas.DataFrame
    import pandas as pd

    rows = []
    for report in reports:
        for concept, rep in report.concepts.items():
            reached = rep.steps[rep.steps >= 0]
            rows.append(
                {
                    key: value_of(report),
                    "concept": concept,
                    "commitment": report.commitment_text,
                    "equilibria": rep.count,
                    "reachable": rep.reachable_count if rep.has_start else None,
                    "nearest steps": int(reached.min()) if reached.size else None,
                    "outcomes reachable": ", ".join(rep.outcomes_reachable),
                    "outcomes of all equilibria": ", ".join(rep.outcomes_all),
                    "verdict": rep.verdict if report.note is None else report.note,
                }
            )
    columns = [
        key,
        "concept",
        "commitment",
        "equilibria",
        "reachable",
        "nearest steps",
        "outcomes reachable",
        "outcomes of all equilibria",
        "verdict",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("reachable", "nearest steps"):
        frame[column] = frame[column].astype("Int64")
    return frame.set_index([key, "concept"])


def _html_intro(space: StateSpace, moves: str) -> str:
    name = html.escape(space.conflict.name or "conflict")
    return f"<p><b>{name}</b>: evolution by {html.escape(moves)} from the status quo.</p>"


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
    """

    space: StateSpace
    option: str
    levels: list[int]
    concepts: list[str]
    outcomes: list[str]
    moves: str
    within: str | None
    rows: list[StrategyReport]

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
        """One row per (level, concept)."""
        lookup = {id(row): level for level, row in zip(self.levels, self.rows, strict=True)}
        return _frame(self.rows, "level", lambda r: lookup[id(r)])

    def _repr_html_(self) -> str:
        return _html_intro(self.space, self.moves) + self.to_frame()._repr_html_()

    def plot(self, path: str | Path | None = None):  # -> matplotlib Figure
        """See :func:`plot_sweep`."""
        return plot_sweep(self, path)


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
        known = ", ".join(conflict.option_index) or "none"
        raise DetenteError(f"unknown option {option!r} (options: {known})")
    k = index[option]
    base: tuple[tuple[int, int], ...] = ()
    within = None
    if strategy is not None:
        held = commitment_of(conflict, strategy)
        base = tuple((j, v) for j, v in held.values if j != k)
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
    )


# -- plot -------------------------------------------------------------------------------------
#: Outcome colours in the model's order (list outcomes from best to worst for a green-to-red
#: reading), then more distinct colours for longer lists.
_PALETTE = (
    "#3d9a5b",  # green
    "#4f86c6",  # blue
    "#e3a33b",  # amber
    "#c9483a",  # red
    "#8e63b5",  # purple
    "#3fa7a7",  # teal
    "#d477a8",  # pink
    "#8c7a4b",  # olive
)
#: Colours of cells that have no outcome to show, and of the ``other`` outcome.
_SPECIAL = {
    OTHER: "#a6a6a6",
    "none reachable": "#ffffff",
    "no equilibrium": "#ffffff",
    "no status quo": "#ffffff",
    "status quo infeasible": "#ffffff",
    "infeasible": "#ffffff",
}


def plot_sweep(result: SweepResult, path: str | Path | None = None):  # -> matplotlib Figure
    """Outcome against level, per concept: two grids (x = level, y = concept), saved to
    ``path`` (.png or .svg; the suffix picks the format) when given.

    Top: outcomes of the equilibria reachable from the committed status quo; bottom:
    outcomes of all equilibria.  A cell is split into one band per outcome, coloured and
    named; white cells say why there is none (e.g. ``none reachable``).
    """
    # The object-oriented API only: no pyplot state, no backend switching.
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, Rectangle

    views = [
        (
            "outcomes the conflict reaches from the status quo (equilibria reachable by"
            f" {result.moves})",
            result.cells(reachable=True),
        ),
        ("outcomes of all equilibria", result.cells(reachable=False)),
    ]
    colours = {name: _PALETTE[k % len(_PALETTE)] for k, name in enumerate(result.outcomes)}
    colours.update(_SPECIAL)
    n_levels, n_concepts = len(result.levels), len(result.concepts)
    most = max(len(cell) for _, grid in views for row in grid.values() for cell in row)
    row_height = max(0.45, 0.2 * most + 0.1)
    width = max(7.0, 0.9 * n_levels + 2.0)
    height = 1.6 + 2 * (row_height * n_concepts + 0.5)
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(2, 1)
    for ax, (title, grid) in zip(axes, views, strict=True):
        for y, concept in enumerate(result.concepts):
            for x, cell in enumerate(grid[concept]):
                band = 1.0 / len(cell)
                for b, name in enumerate(cell):
                    top = y - 0.5 + b * band
                    ax.add_patch(
                        Rectangle(
                            (x - 0.5, top),
                            1.0,
                            band,
                            facecolor=colours.get(name, "#ffffff"),
                            edgecolor="none",
                        )
                    )
                    special = name in _SPECIAL and name != OTHER
                    ax.text(
                        x,
                        top + band / 2,
                        name.replace(" ", "\n") if special else name,
                        ha="center",
                        va="center",
                        fontsize=7 if len(cell) < 4 else 6,
                        color="#555555" if special else _ink(colours.get(name, "#ffffff")),
                        fontweight="normal" if special else "bold",
                    )
        ax.set_xlim(-0.5, n_levels - 0.5)
        ax.set_ylim(n_concepts - 0.5, -0.5)
        ax.set_yticks(range(n_concepts), result.concepts)
        ax.set_xticks(range(n_levels), [result.level_text(v) for v in result.levels])
        ax.set_xticks(np.arange(-0.5, n_levels), minor=True)
        ax.set_yticks(np.arange(-0.5, n_concepts), minor=True)
        ax.grid(which="minor", color="#444444", linewidth=1.2)
        ax.tick_params(which="minor", length=0)
        ax.tick_params(which="major", length=0)
        ax.set_title(title, fontsize=9, loc="left")
        ax.set_xlabel(f"{result.option} held at", fontsize=9)
    name = result.space.conflict.name or "conflict"
    within = f", with {result.within!r} held" if result.within else ""
    fig.suptitle(f"{name}: outcome against {result.option}{within}", fontsize=11)
    shown = _unique(n for _, grid in views for row in grid.values() for cell in row for n in cell)
    handles = [
        Patch(facecolor=colours[n], edgecolor="#444444", label=n)
        for n in [*result.outcomes, OTHER]
        if n in shown
    ]
    if handles:
        fig.legend(
            handles=handles,
            loc="outside lower center",
            ncol=min(6, len(handles)),
            fontsize=8,
            frameon=False,
        )
    if path is not None:
        fig.savefig(path, dpi=150)
    return fig


# -- terminal output --------------------------------------------------------------------------
def print_comparison(result: ComparisonResult, *, console: Any = None) -> None:
    """The side-by-side table of ``detente compare``: one column per strategy."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    space = result.space
    console.print(
        f"[bold]{space.conflict.name or 'conflict'}[/bold]: strategies compared"
        f" (status quo analysis by {result.moves}; states numbered as in the full model)"
    )
    table = Table(show_lines=True)
    table.add_column("", style="bold")
    for report in result.strategies:
        table.add_column(report.name, overflow="fold", ratio=1)
    table.add_row(
        "commits to", *["\n".join(r.commitment_text.split(", ")) for r in result.strategies]
    )
    table.add_row("starts at", *[_start_text(r) for r in result.strategies])
    for concept in result.concepts:
        table.add_row(concept, *[_concept_text(r, concept) for r in result.strategies])
    console.print(table)
    if space.status_quo is not None:
        console.print(
            "Each concept row: the outcomes of the equilibria the conflict reaches from the"
            " status quo (with the commitment applied), fewest steps first; dimmed, how many"
            " equilibria there are and how many are reachable."
        )
    if not result.outcomes:
        console.print("The model defines no outcomes: every state is 'other'.")


def _start_text(report: StrategyReport) -> str:
    if report.start is None:
        return report.note or "no status quo"
    return (
        f"state {report.start + 1}: {', '.join(report.start_outcomes)}\n"
        f"[dim]{report.start_label}\n{report.reachable_states:,} of {report.n_states:,}"
        " states reachable[/dim]"
    )


def _concept_text(report: StrategyReport, concept: str) -> str:
    if report.n_states == 0:
        return "—"
    rep = report.concepts[concept]
    verdict = rep.verdict
    if verdict.startswith("reaches: "):
        lines = verdict.removeprefix("reaches: ").split(", ")
    else:
        lines = [verdict]
    count = f"{rep.count:,} eq."
    if rep.has_start:
        count += f", {rep.reachable_count:,} reachable"
    return "\n".join(lines) + f"\n[dim]{count}[/dim]"


def print_sweep(result: SweepResult, *, console: Any = None) -> None:
    """The table of ``detente sweep``: one row per level, one column per concept."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    space = result.space
    within = f", with {result.within!r} held" if result.within else ""
    console.print(
        f"[bold]{space.conflict.name or 'conflict'}[/bold]: {result.option} held at each"
        f" level{within} (status quo analysis by {result.moves})"
    )
    table = Table(show_lines=True)
    table.add_column(result.option, justify="right", style="bold")
    for concept in result.concepts:
        table.add_column(concept)
    reached, every = result.cells(reachable=True), result.cells(reachable=False)
    for k, level in enumerate(result.levels):
        cells = []
        for concept in result.concepts:
            text = ", ".join(reached[concept][k])
            if result.rows[k].n_states:
                text += f"\n[dim]all: {', '.join(every[concept][k])}[/dim]"
            cells.append(text)
        table.add_row(result.level_text(level), *cells)
    console.print(table)
    console.print(
        "Each cell: the outcomes of the equilibria reachable from the status quo (with the"
        " level applied); dimmed, the outcomes of all equilibria."
    )


def _ink(background: str) -> str:
    """Dark text on light colours, white text on dark ones (relative luminance, WCAG)."""
    from matplotlib.colors import to_rgb

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in to_rgb(background))
    return "#1a1a1a" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.3 else "white"
