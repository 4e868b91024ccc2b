"""The case report: a difficult-partner case's questions, answered by the analyses.

``detente report`` (and :func:`build_report`) runs detente's analyses on one model and turns
their results into findings, and the findings into sentences, tables and pictures.  Nothing in
the report is fixed text about a case: every sentence is a template filled with computed
values, so a different model (or the same model with one preference changed) gives a different
report.  The questions, for a *counterpart* (the difficult partner) and an *agreement*:

1. **Strategies.**  Does each of the model's strategies ("maximum pressure", "sunshine",
   "coordinated sanctions", "pressure with an assurance", ...) bring the counterpart to the
   table, or to an agreement?  For every strategy and solution concept: the outcomes of the
   equilibria the conflict reaches from the status quo with the commitment applied
   (:func:`detente.strategies.compare`; stability after Fang, Hipel & Kilgour 1993,
   *Interactive Decision Making*, ch. 4; reachability by status quo analysis, Li, Kilgour &
   Hipel 2005, "Status quo analysis in the graph model for conflict resolution", J. Oper. Res.
   Soc. 56(6)).
2. **The dial.**  The same question with a levelled option (the pressure dial) held at each of
   its levels in turn (:func:`detente.strategies.sweep`, drawn by
   :func:`~detente.strategies.plot_sweep`).
3. **The path to an agreement.**  The agreement state (see below), whether it is an
   equilibrium, and a shortest path to it from the status quo: by unilateral improvements
   (the conflict gets there on its own), else by unilateral and *coalitional* improvements of
   the counterpart with one other decision maker (a negotiated package: Kilgour, Hipel, Fang
   & Peng 2001, "Coalition analysis in group decision support", Group Decis. Negot. 10(2)),
   else by any unilateral moves (:func:`detente.paths.evolution`).  Every step that is not an
   improvement for its mover is an *obstacle*; for a prioritization, the obstacle's reason is
   the mover's *decisive statement*: the most important statement whose truth the step
   changes (with statement k of K weighing 2^(K-k), that statement alone decides the
   comparison, so the mover likes the step less exactly when it loses that statement).
4. **The fear that blocks agreement.**  (a) The obstacles above; (b) the inverse analysis:
   the fewest changes of the counterpart's preferences that make the agreement state an
   equilibrium reachable from the status quo (:func:`detente.inverse.inverse`, after
   Kinsara, Kilgour & Hipel 2015, "Inverse approach to the graph model for conflict
   resolution", IEEE Trans. SMC: Systems 45(5)); (c) the model's misperceptions, each
   corrected in turn (:func:`detente.hypergame.correct`, first-level hypergames after Wang,
   Hipel & Fraser 1988): does the counterpart then expect the agreement to hold?  (d) why the
   counterpart stays at the status quo (:func:`detente.explain.explain`).
5. **Robustness.**  The uncertainty analysis over the model's uncertain preferences
   (:func:`detente.uncertainty.uncertainty_analysis`: exact enumeration when small, seeded
   Monte Carlo otherwise): the probability that the agreement state is an equilibrium and is
   reached, and that each strategy brings the counterpart to the table or to an agreement;
   and, for each hypothesis about the counterpart (its ``alternatives``), whether the
   agreement state stays an equilibrium and every step of the path to it stays an
   improvement for its movers.
6. **The record.**  When the model has an observed history (bundled with a case, or given),
   the diagnosis (:func:`detente.diagnose.diagnose`): which hypotheses about the counterpart
   its record supports, and what the posterior means for each strategy.

**Roles** (a model has no "report" section, so they are arguments with defaults):

* the *counterpart*: ``counterpart=`` if given; else the first decision maker with
  ``alternatives`` or ``uncertain_order`` (the one whose preferences we do not know); else
  the holder of the first perception; else the first DM none of whose options any strategy
  commits (strategies are "our" commitments); else the last DM;
* the *agreement*: ``agreement=`` (an outcome name, or a state: number, label or mapping);
  else the outcome named ``deal`` or ``agreement``; else the first outcome of the model
  (outcomes are listed best first);
* the *table*: ``table=`` (an outcome name); else the outcome named ``talks``; else none.  The
  counterpart "comes to the table" under a strategy when some equilibrium the conflict
  reaches has the table outcome or an outcome listed before it (a better one);
* the *dial*: ``dial=``; else the first levelled option (a binary-only model has none).

**The agreement state** (per concept): among the states with the agreement outcome, the
equilibria if there are any (else all of them), ordered by: reachable from the status quo by
unilateral improvements first (fewest steps), then the counterpart's preference (best first),
then fewest steps by joint moves, then by any moves, then the state number.

A section that lacks what it needs (no status quo, no outcomes, no strategies, no levelled
option, no perceptions, no uncertain preferences, no history) says so in a sentence.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..analyses import diagnose as diagnosis_module
from ..analyses.explain import EXPLAIN_CONCEPTS, explain
from ..analyses.graph import transition_graph
from ..analyses.hypergame import correct
from ..analyses.inverse import inverse
from ..analyses.paths import StatusQuoResult, TargetReport, evolution
from ..analyses.stability import StabilityResult, analyze, concept_name
from ..analyses.strategies import OTHER, analyse_strategy, compare, outcome_table, sweep
from ..errors import DetenteError, ModelError, SizeLimitError
from ..model.conflict import Conflict
from ..model.statements import parse_statement
from ..space.state_space import (
    StateSpace,
    as_space,
)
from ..words import describe_state, state_phrase, value_text
from .findings import (
    INVERSE_BUDGET,
    Findings,
    build_findings,
    check_history_hypotheses,
    state_words,
    summary_text,
)
from .render_html import render_html

__all__ = [
    "DEFAULT_MAX_CHANGES",
    "DEFAULT_REPORT_CONCEPTS",
    "DEFAULT_REPORT_SAMPLES",
    "SECTIONS",
    "AgreementFinding",
    "ConceptVerdict",
    "DecisiveStatement",
    "DiagnosisFinding",
    "DialFinding",
    "HypothesisCheck",
    "InverseFinding",
    "Obstacle",
    "PathFinding",
    "PathStep",
    "PerceptionFinding",
    "Report",
    "RobustnessFinding",
    "Roles",
    "StrategyFinding",
    "build_report",
    "choose_roles",
    "decisive_statement",
]

#: Concepts of the report by default: Nash (no foresight) and SEQ (credible sanctions only).
DEFAULT_REPORT_CONCEPTS = ("Nash", "SEQ")
#: Monte Carlo samples of the uncertainty section when exact enumeration is too large.
DEFAULT_REPORT_SAMPLES = 1000
#: Largest number of elementary preference changes the inverse analysis tries.
DEFAULT_MAX_CHANGES = 1
#: Profiles the inverse analysis may evaluate per concept.
INVERSE_CANDIDATES = 5_000
#: The parts of a report :func:`build_report` can compute (``sections=``).
SECTIONS = (
    "strategies",
    "dial",
    "agreement",
    "joint",
    "inverse",
    "misperceptions",
    "uncertainty",
    "diagnosis",
    "design",
    "pictures",
)
#: Equilibria drawn next to the agreement in the state-graph picture.
PICTURE_TARGETS = 5

_MODE_WORDS = {
    "improvements": "unilateral improvements",
    "coalitions": "unilateral and joint (coalitional) improvements",
    "any": "any unilateral moves",
}


# -- roles ------------------------------------------------------------------------------------
@dataclass
class Roles:
    """Who the counterpart is and what counts as the table, the agreement and the dial, each
    with the reason it was chosen (shown in the report)."""

    counterpart: int
    counterpart_why: str
    agreement_outcome: str | None
    agreement_state: int | None
    agreement_why: str
    table: str | None
    table_why: str
    dial: str | None
    dial_why: str

    def to_json(self, space: StateSpace) -> dict[str, Any]:
        return {
            "counterpart": space.dm_names[self.counterpart],
            "counterpart_why": self.counterpart_why,
            "agreement_outcome": self.agreement_outcome,
            "agreement_state": None
            if self.agreement_state is None
            else _state_json(space, self.agreement_state),
            "agreement_why": self.agreement_why,
            "table": self.table,
            "table_why": self.table_why,
            "dial": self.dial,
            "dial_why": self.dial_why,
        }


def _named(names: Sequence[str], wanted: Iterable[str]) -> str | None:
    lowered = {n.lower(): n for n in names}
    for w in wanted:
        if w in lowered:
            return lowered[w]
    return None


def choose_roles(
    space: StateSpace,
    *,
    counterpart: str | None = None,
    agreement: Any = None,
    table: str | None = None,
    dial: str | None = None,
) -> Roles:
    """The report's roles, from the arguments or the defaults of the module docstring."""
    conflict = space.conflict
    dms = conflict.decision_makers
    outcomes = [o.name for o in conflict.outcomes]
    # -- counterpart
    if counterpart is not None:
        if counterpart not in space.dm_names:
            raise DetenteError(
                f"unknown decision maker {counterpart!r} (known: {', '.join(space.dm_names)})"
            )
        cp, cp_why = space.dm_names.index(counterpart), "named with --counterpart"
    else:
        uncertain = [i for i, d in enumerate(dms) if d.alternatives or d.uncertain_order]
        with_alternatives = [i for i, d in enumerate(dms) if d.alternatives]
        committed = {conflict.owner_of(name) for s in conflict.strategies for name in s.commit}
        free = [i for i in range(len(dms)) if i not in committed]
        if with_alternatives:
            cp = with_alternatives[0]
            cp_why = "the model gives hypotheses (alternatives) about its preferences"
        elif uncertain:
            cp = uncertain[0]
            cp_why = "the model leaves the order of its preferences uncertain"
        elif conflict.perceptions:
            cp = space.dm_names.index(conflict.perceptions[0].holder)
            cp_why = "it holds the model's first misperception"
        elif conflict.strategies and free:
            cp = free[0]
            cp_why = "no strategy of the model commits its options"
        else:
            cp = len(dms) - 1
            cp_why = "the last decision maker (no other clue in the model)"
    # -- agreement
    agreement_outcome: str | None = None
    agreement_state: int | None = None
    if agreement is not None:
        if isinstance(agreement, str) and agreement in outcomes:
            agreement_outcome, why = agreement, "named with --agreement"
        else:
            try:
                agreement_state = space.state_index(agreement, ("agreement",))
            except ModelError:
                known = ", ".join(outcomes) or "none"
                raise DetenteError(
                    f"--agreement {agreement!r} is neither an outcome (outcomes: {known}) nor a"
                    " state of the model"
                ) from None
            why = "the state named with --agreement"
    elif (found := _named(outcomes, ("deal", "agreement"))) is not None:
        agreement_outcome, why = found, f"the model's outcome named '{found}'"
    elif outcomes:
        agreement_outcome = outcomes[0]
        why = "the model's first outcome (outcomes are listed best first)"
    else:
        why = "the model defines no outcomes (add an outcomes: section or give --agreement)"
    # -- table
    if table is not None:
        if table not in outcomes:
            known = ", ".join(outcomes) or "none"
            raise DetenteError(f"unknown outcome {table!r} for --table (outcomes: {known})")
        table_name, table_why = table, "named with --table"
    elif (found := _named(outcomes, ("talks", "table", "negotiation", "negotiations"))) is not None:
        table_name, table_why = found, f"the model's outcome named '{found}'"
    else:
        table_name = None
        table_why = "the model has no outcome named 'talks' (give one with --table)"
    # -- dial
    levelled = [o.name for o in conflict.options if not o.binary]
    if dial is not None:
        if dial not in conflict.option_index:
            known = ", ".join(conflict.option_index)
            raise DetenteError(f"unknown option {dial!r} for --dial (options: {known})")
        dial_name, dial_why = dial, "named with --dial"
    elif levelled:
        dial_name, dial_why = levelled[0], "the model's first levelled option"
    else:
        dial_name, dial_why = None, "the model has no levelled option (a dial such as 0..10)"
    return Roles(
        counterpart=cp,
        counterpart_why=cp_why,
        agreement_outcome=agreement_outcome,
        agreement_state=agreement_state,
        agreement_why=why,
        table=table_name,
        table_why=table_why,
        dial=dial_name,
        dial_why=dial_why,
    )


# -- states and steps ---------------------------------------------------------------------------
def _state_json(space: StateSpace, state: int) -> dict[str, Any]:
    description = describe_state(space, state)
    return {"id": state + 1, "label": space.label(state), "description": description}


@dataclass(frozen=True)
class DecisiveStatement:
    """The most important statement of a DM's prioritization whose truth differs between two
    states: it alone decides which of them the DM prefers."""

    dm: str
    position: int  # 1-based
    text: str
    before: bool
    after: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "dm": self.dm,
            "position": self.position,
            "statement": self.text,
            "holds_before": self.before,
            "holds_after": self.after,
        }


def decisive_statement(
    space: StateSpace, dm: int, before: int, after: int
) -> DecisiveStatement | None:
    """The decisive statement of DM ``dm`` between states ``before`` and ``after`` (0-based).

    Defined for prioritization preferences: statement k of K weighs 2^(K-k), more than all
    later statements together, so the first statement (in the DM's order) satisfied by one
    state and not the other decides the DM's preference between them (Fang, Hipel & Kilgour
    1993, option prioritization).  None for rankings and payoffs, and when no statement
    tells the two states apart (the DM is indifferent).
    """
    prefs = space.conflict.decision_makers[dm].preferences
    if not prefs.prioritization:
        return None
    index = space.conflict.option_index
    levels = {o.name: o.top for o in space.conflict.options}
    rows = space.values[[before, after]]
    for k, text in enumerate(prefs.prioritization):
        truth = parse_statement(text, index, levels).evaluate(rows)
        if bool(truth[0]) != bool(truth[1]):
            return DecisiveStatement(
                space.dm_names[dm], k + 1, text, bool(truth[0]), bool(truth[1])
            )
    return None


@dataclass
class Obstacle:
    """A mover of a step that does not strictly prefer the state it moves to."""

    dm: str
    worse: bool  # False: indifferent
    reason: DecisiveStatement | None

    def sentence(self, space: StateSpace, before: int, after: int) -> str:
        feeling = "likes it less" if self.worse else "gains nothing"
        if self.reason is None:
            return f"{self.dm} {feeling} (its ranking puts state {after + 1} below state" + (
                f" {before + 1})" if self.worse else f" {before + 1} or level with it)"
            )
        lost = "gives up" if self.reason.before else "brings about the opposite of"
        return (
            f"{self.dm} {feeling}: the step {lost} its statement {self.reason.position}"
            f" '{self.reason.text}'"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "dm": self.dm,
            "worse": self.worse,
            "reason": None if self.reason is None else self.reason.to_json(),
        }


@dataclass
class PathStep:
    """One step of a path: movers, states (0-based), option changes and obstacles."""

    mover: list[str]
    before: int
    after: int
    kind: str
    changes: list[tuple[str, int, int]]
    obstacles: list[Obstacle] = field(default_factory=list)

    def change_text(self, space: StateSpace) -> str:
        return (
            ", ".join(
                f"{o} {value_text(space, space.option_names.index(o), a)}"
                f"→{value_text(space, space.option_names.index(o), b)}"
                for o, a, b in self.changes
            )
            or "no option changes"
        )

    def to_json(self, space: StateSpace) -> dict[str, Any]:
        return {
            "mover": self.mover,
            "kind": self.kind,
            "from": _state_json(space, self.before),
            "to": _state_json(space, self.after),
            "changes": [{"option": o, "from": a, "to": b} for o, a, b in self.changes],
            "obstacles": [o.to_json() for o in self.obstacles],
        }


def _obstacles(space: StateSpace, mover: Sequence[str], before: int, after: int) -> list[Obstacle]:
    out = []
    for name in mover:
        dm = space.dm_names.index(name)
        r0, r1 = int(space.ranks[dm][before]), int(space.ranks[dm][after])
        if r1 > r0:
            continue
        out.append(Obstacle(name, r1 < r0, decisive_statement(space, dm, before, after)))
    return out


def _steps_from_paths(space: StateSpace, steps: Sequence[Any]) -> list[PathStep]:
    """:class:`detente.paths.Step` objects as :class:`PathStep` (with obstacles)."""
    out = []
    for step in steps:
        out.append(
            PathStep(
                mover=list(step.mover),
                before=int(step.before),
                after=int(step.after),
                kind=step.kind,
                changes=[(c.option, int(c.before), int(c.after)) for c in step.changes],
                obstacles=_obstacles(space, step.mover, int(step.before), int(step.after)),
            )
        )
    return out


@dataclass
class PathFinding:
    """A shortest path from the status quo to a target by one kind of steps (``moves``);
    ``steps`` is None when the target is not reachable that way, ``note`` says why a kind
    was not analysed."""

    moves: str
    target: int
    steps: list[PathStep] | None
    note: str | None = None

    @property
    def reachable(self) -> bool:
        return self.steps is not None

    @property
    def obstacles(self) -> list[tuple[PathStep, Obstacle]]:
        return [(s, o) for s in self.steps or [] for o in s.obstacles]

    def to_json(self, space: StateSpace) -> dict[str, Any]:
        return {
            "moves": self.moves,
            "target": _state_json(space, self.target),
            "reachable": self.reachable,
            "steps": None if self.steps is None else [s.to_json(space) for s in self.steps],
            "note": self.note,
        }


# -- findings -----------------------------------------------------------------------------------
@dataclass
class ConceptVerdict:
    """What one strategy leads to under one concept."""

    concept: str
    equilibria: int
    reachable: int
    reached: list[tuple[str, int]]  # (outcome, fewest steps) of the reachable equilibria
    at_table: bool | None
    agreement: bool | None
    path: list[PathStep] | None  # to the nearest equilibrium with the best outcome reached
    path_target: int | None
    p_outcomes: dict[str, float] | None = None
    p_table: float | None = None
    p_agreement: float | None = None
    #: The reachable equilibria, nearest first: (state, fewest steps).
    states: list[tuple[int, int]] = field(default_factory=list)
    #: 'state 5 (Delay, Insist)' for each of ``states`` (for models without outcomes).
    state_words: list[str] = field(default_factory=list)

    @property
    def outcomes(self) -> list[str]:
        return [o for o, _ in self.reached]

    def to_json(self, space: StateSpace) -> dict[str, Any]:
        return {
            "concept": self.concept,
            "equilibria": self.equilibria,
            "reachable_equilibria": self.reachable,
            "reached": [{"outcome": o, "steps": s} for o, s in self.reached],
            "at_table": self.at_table,
            "agreement": self.agreement,
            "path_target": None
            if self.path_target is None
            else _state_json(space, self.path_target),
            "path": None if self.path is None else [s.to_json(space) for s in self.path],
            "p_outcomes": self.p_outcomes,
            "p_table": self.p_table,
            "p_agreement": self.p_agreement,
            "reached_states": [{**_state_json(space, st), "steps": n} for st, n in self.states],
        }


@dataclass
class StrategyFinding:
    """One strategy (or ``no commitment``) under every concept."""

    name: str
    description: str
    commitment: str
    baseline: bool
    note: str | None
    start: int | None
    start_outcomes: list[str]
    verdicts: dict[str, ConceptVerdict]

    def to_json(self, space: StateSpace) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "commitment": self.commitment,
            "baseline": self.baseline,
            "note": self.note,
            "start": None if self.start is None else _state_json(space, self.start),
            "start_outcomes": self.start_outcomes,
            "verdicts": {c: v.to_json(space) for c, v in self.verdicts.items()},
        }


@dataclass
class DialFinding:
    """The dial held at each level: the outcomes reached per concept and level."""

    option: str
    levels: list[int]
    cells: dict[str, list[list[str]]]
    table_levels: dict[str, list[int]]
    agreement_levels: dict[str, list[int]]

    def to_json(self) -> dict[str, Any]:
        return {
            "option": self.option,
            "levels": self.levels,
            "outcomes_reached": self.cells,
            "table_levels": self.table_levels,
            "agreement_levels": self.agreement_levels,
        }


@dataclass
class InverseFinding:
    """The inverse analysis for the counterpart and one concept."""

    concept: str
    dm: str
    target: int
    reachable_required: bool
    already: bool
    found: bool
    size: int | None
    max_changes: int
    exhaustive: bool
    evaluated: int
    solutions: list[list[dict[str, Any]]]
    asked: int = 0  # the bound asked for; ``max_changes`` is the one reached in the budget
    next_estimate: float | None = None  # seconds the next bound would take, about

    def to_json(self, space: StateSpace) -> dict[str, Any]:
        return {
            "concept": self.concept,
            "dm": self.dm,
            "max_changes_asked": self.asked,
            "next_bound_seconds": None
            if self.next_estimate is None
            else round(self.next_estimate, 1),
            "target": _state_json(space, self.target),
            "reachable_required": self.reachable_required,
            "already": self.already,
            "found": self.found,
            "size": self.size,
            "max_changes": self.max_changes,
            "exhaustive": self.exhaustive,
            "evaluated": self.evaluated,
            "solutions": self.solutions,
        }


@dataclass
class AgreementFinding:
    """The agreement state under one concept and the ways to it."""

    concept: str
    state: int | None
    is_equilibrium: bool
    candidates: int  # agreement states that are equilibria under the concept
    paths: dict[str, PathFinding] = field(default_factory=dict)
    inverse: InverseFinding | None = None

    @property
    def reached_by(self) -> str | None:
        """The first kind of steps ('improvements', 'coalitions', 'any') that reaches it."""
        for mode in ("improvements", "coalitions", "any"):
            if mode in self.paths and self.paths[mode].reachable:
                return mode
        return None

    def to_json(self, space: StateSpace) -> dict[str, Any]:
        return {
            "concept": self.concept,
            "state": None if self.state is None else _state_json(space, self.state),
            "is_equilibrium": self.is_equilibrium,
            "equilibria_with_agreement_outcome": self.candidates,
            "reached_by": self.reached_by,
            "paths": {m: p.to_json(space) for m, p in self.paths.items()},
            "inverse": None if self.inverse is None else self.inverse.to_json(space),
        }


@dataclass
class PerceptionFinding:
    """One misperception corrected: what changes, per concept."""

    name: str
    description: str
    holder: str
    about: list[str]
    unaware_of: list[str]
    # per concept: became/stopped hyper-equilibria, holder's expectations, the agreement
    concepts: dict[str, dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "holder": self.holder,
            "about": self.about,
            "unaware_of": self.unaware_of,
            "concepts": self.concepts,
        }


@dataclass
class HypothesisCheck:
    """One hypothesis about the counterpart: does the agreement still hold, and the path?"""

    name: str
    weight: float
    equilibrium: dict[str, bool]  # the agreement state of each concept stays an equilibrium
    path_moves: str | None
    path_holds: bool | None  # every step stays an improvement for its movers
    breaks: list[str]  # sentences: steps that stop being improvements
    p_table: dict[str, dict[str, float]] = field(default_factory=dict)
    p_agreement: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "weight": self.weight,
            "agreement_equilibrium": self.equilibrium,
            "path_moves": self.path_moves,
            "path_holds": self.path_holds,
            "breaks": self.breaks,
            "p_table": self.p_table,
            "p_agreement": self.p_agreement,
        }


@dataclass
class RobustnessFinding:
    """Probabilities over the uncertain preferences (the uncertainty analysis)."""

    method: str
    scenarios: int
    evaluated: int
    profiles: int
    seed: int | None
    factors: list[str]
    complete: bool
    p_agreement_equilibrium: dict[str, float]
    p_agreement_reached: dict[str, float]
    strategies: dict[str, dict[str, dict[str, float]]]
    p_table: dict[str, dict[str, float]]
    p_agreement: dict[str, dict[str, float]]
    hypotheses: list[HypothesisCheck] = field(default_factory=list)
    standard_error: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "scenarios": self.scenarios,
            "evaluated": self.evaluated,
            "profiles": self.profiles,
            "seed": self.seed,
            "factors": self.factors,
            "complete": self.complete,
            "standard_error_at_most": self.standard_error,
            "p_agreement_equilibrium": self.p_agreement_equilibrium,
            "p_agreement_equilibrium_and_reached": self.p_agreement_reached,
            "strategies": self.strategies,
            "p_table": self.p_table,
            "p_agreement": self.p_agreement,
            "hypotheses": [h.to_json() for h in self.hypotheses],
        }


@dataclass
class DiagnosisFinding:
    """What the observed record says about the counterpart (from :mod:`detente.diagnose`)."""

    history: str
    dm: str
    concept: str
    observations: int
    hypotheses: list[dict[str, Any]]  # name, prior, posterior, explained, of
    sentences: list[str]
    consistent: bool | None
    forecast: dict[str, dict[str, dict[str, float]]] | None  # strategy -> prior/posterior
    forecast_concept: str | None
    result: Any = field(default=None, repr=False)

    @property
    def best(self) -> dict[str, Any] | None:
        return max(self.hypotheses, key=lambda h: h["posterior"]) if self.hypotheses else None

    def to_json(self) -> dict[str, Any]:
        return {
            "history": self.history,
            "dm": self.dm,
            "concept": self.concept,
            "observations": self.observations,
            "consistent": self.consistent,
            "hypotheses": self.hypotheses,
            "sentences": self.sentences,
            "forecast_concept": self.forecast_concept,
            "forecast": self.forecast,
        }


# -- the report ---------------------------------------------------------------------------------
@dataclass
class Report:
    """Every finding of :func:`build_report`; :meth:`summary`, :meth:`to_html` and
    :meth:`to_json` render them.  A section that could not be computed is None (or empty)
    with a note saying why."""

    space: StateSpace
    concepts: list[str]
    roles: Roles
    status_quo: int | None
    strategies: list[StrategyFinding] = field(default_factory=list)
    strategies_note: str | None = None
    dial: DialFinding | None = None
    dial_note: str | None = None
    agreement: list[AgreementFinding] = field(default_factory=list)
    agreement_note: str | None = None
    perceptions: list[PerceptionFinding] = field(default_factory=list)
    perceptions_note: str | None = None
    why_stays: list[str] = field(default_factory=list)
    robustness: RobustnessFinding | None = None
    robustness_note: str | None = None
    diagnosis: DiagnosisFinding | None = None
    diagnosis_note: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    #: The one findings tree every rendering reads (set by :func:`build_report`).
    findings: Findings | None = None
    # Kept for the pictures (not part of the JSON).
    _sweep: Any = field(default=None, repr=False)
    _graphs: list[tuple[str, Any]] = field(default_factory=list, repr=False)
    _evolutions: dict[str, Any] = field(default_factory=dict, repr=False)

    # -- convenience -------------------------------------------------------------------------
    @property
    def counterpart(self) -> str:
        return self.space.dm_names[self.roles.counterpart]

    @property
    def name(self) -> str:
        return self.space.conflict.name or "conflict"

    def strategy(self, name: str) -> StrategyFinding:
        for s in self.strategies:
            if s.name == name:
                return s
        raise KeyError(name)

    def agreement_for(self, concept: str) -> AgreementFinding:
        name = concept_name(concept)
        for a in self.agreement:
            if a.concept == name:
                return a
        raise KeyError(concept)

    # -- sentences ---------------------------------------------------------------------------
    def strategy_answer(self, finding: StrategyFinding) -> str:
        """One sentence: does the strategy bring the counterpart to the table?"""
        return _strategy_answer(self, finding)

    def dial_answer(self) -> str:
        return _dial_answer(self)

    def path_answer(self) -> str:
        return _path_answer(self)

    def fear_answer(self) -> str:
        return _fear_answer(self)

    def robustness_answer(self) -> str:
        return _robustness_answer(self)

    def diagnosis_answer(self) -> str:
        return _diagnosis_answer(self)

    def questions(self) -> list[tuple[str, str]]:
        """The report's questions and their one-paragraph answers, in order."""
        cp = self.counterpart
        out: list[tuple[str, str]] = []
        for s in self.strategies:
            if s.baseline:
                q = "Where does the conflict go if nobody commits to anything?"
            elif self.roles.table is not None:
                q = f"Does '{s.name}' bring {cp} to the table?"
            else:
                q = f"Where does '{s.name}' lead?"
            out.append((q, self.strategy_answer(s)))
        if not self.strategies:
            out.append(("What do the strategies achieve?", self.strategies_note or ""))
        dial = self.roles.dial or "a dial"
        out.append((f"Does turning {dial} up or down change the outcome?", self.dial_answer()))
        out.append(("What is the path from today to an agreement?", self.path_answer()))
        out.append(("Which fear blocks agreement?", self.fear_answer()))
        out.append(
            (
                f"How robust is this to what we do not know about {cp}'s preferences?",
                self.robustness_answer(),
            )
        )
        out.append((f"What does {cp}'s record say?", self.diagnosis_answer()))
        return out

    def summary(self) -> str:
        """The printed summary, rendered from :attr:`findings` (the recommendation first)."""
        return summary_text(self._findings())

    # -- output ----------------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """The JSON contract of ``detente report --json`` (docs/report.md), from
        :attr:`findings`; the analyses' own details are under ``technical``."""
        return self._findings().to_json()

    def technical_json(self) -> dict[str, Any]:
        """The analyses behind the findings, for the technical appendix."""
        space = self.space
        return {
            "conflict": space.conflict.name,
            "concepts": self.concepts,
            "settings": self.settings,
            "roles": self.roles.to_json(space),
            "status_quo": None if self.status_quo is None else _state_json(space, self.status_quo),
            "questions": [{"question": q, "answer": a} for q, a in self.questions()],
            "strategies": [s.to_json(space) for s in self.strategies],
            "strategies_note": self.strategies_note,
            "dial": None if self.dial is None else self.dial.to_json(),
            "dial_note": self.dial_note,
            "agreement": [a.to_json(space) for a in self.agreement],
            "agreement_note": self.agreement_note,
            "perceptions": [p.to_json() for p in self.perceptions],
            "perceptions_note": self.perceptions_note,
            "why_counterpart_stays": self.why_stays,
            "robustness": None if self.robustness is None else self.robustness.to_json(),
            "robustness_note": self.robustness_note,
            "diagnosis": None if self.diagnosis is None else self.diagnosis.to_json(),
            "diagnosis_note": self.diagnosis_note,
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }

    def to_html(self) -> str:
        """One self-contained HTML page (inline CSS and SVG; no scripts, no external files),
        rendered from :attr:`findings` through the Jinja2 template."""
        return render_html(self._findings(), self)

    def _findings(self) -> Findings:
        if self.findings is None:  # only a Report built by hand, not by build_report
            raise DetenteError("this report has no findings: build it with build_report")
        return self.findings

    def write(self, path: str | Path) -> Path:
        """Write :meth:`to_html` to ``path`` (its folder is created), atomically."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(self.to_html(), encoding="utf-8")
        tmp.replace(path)
        return path


# -- building -----------------------------------------------------------------------------------
def build_report(
    model: Conflict | StateSpace,
    *,
    concepts: Iterable[str] = DEFAULT_REPORT_CONCEPTS,
    counterpart: str | None = None,
    agreement: Any = None,
    table: str | None = None,
    dial: str | None = None,
    samples: int = DEFAULT_REPORT_SAMPLES,
    seed: int = 0,
    jobs: int = 1,
    max_changes: int = DEFAULT_MAX_CHANGES,
    history: Any = None,
    sections: Iterable[str] | None = None,
) -> Report:
    """Run the analyses and collect the report's findings (see the module docstring).

    ``history`` is a :class:`detente.diagnose.History`, a path to one, or None (no diagnosis).
    ``samples``/``seed`` set the Monte Carlo run of the uncertainty section (used only when
    exact enumeration is too large), ``jobs`` its worker processes.  ``max_changes`` bounds
    the inverse analysis.  ``sections`` limits the work to some of :data:`SECTIONS` (default:
    all); a section left out says so.
    """
    space = as_space(model)
    names = list(dict.fromkeys(concept_name(c) for c in concepts))
    if not names:
        raise DetenteError("name at least one solution concept")
    if samples < 1:
        raise DetenteError("--samples must be at least 1")
    if max_changes < 0:
        raise DetenteError("--max-changes must be 0 or more")
    wanted = set(SECTIONS if sections is None else sections)
    unknown = wanted - set(SECTIONS)
    if unknown:
        raise DetenteError(
            f"unknown report section(s) {', '.join(sorted(unknown))} (known: {', '.join(SECTIONS)})"
        )
    roles = choose_roles(
        space, counterpart=counterpart, agreement=agreement, table=table, dial=dial
    )
    report = Report(
        space=space,
        concepts=names,
        roles=roles,
        status_quo=space.status_quo,
        settings={
            "samples": samples,
            "seed": seed,
            "max_changes": max_changes,
            "concepts": names,
        },
    )
    clock = time.perf_counter()

    def lap(section: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        report.seconds[section] = report.seconds.get(section, 0.0) + now - clock
        clock = now

    stability = analyze(space, names)
    lap("stability")
    left_out = "left out of this report (sections=...)"
    if "strategies" in wanted:
        _strategy_section(report, stability)
        lap("strategies")
    else:
        report.strategies_note = f"Strategies: {left_out}."
    if "dial" in wanted:
        _dial_section(report)
        lap("dial")
    else:
        report.dial_note = f"The dial: {left_out}."
    if "agreement" in wanted:
        _agreement_section(
            report,
            stability,
            max_changes if "inverse" in wanted else None,
            joint="joint" in wanted,
        )
        lap("agreement")
    else:
        report.agreement_note = f"The agreement: {left_out}."
    if "misperceptions" in wanted:
        _perception_section(report)
        _why_section(report)
        lap("misperceptions")
    else:
        report.perceptions_note = f"Misperceptions: {left_out}."
    if "diagnosis" in wanted:
        _diagnosis_section(report, history, jobs=jobs)
        lap("diagnosis")
    else:
        report.diagnosis_note = f"The record: {left_out}."
    # The belief and the findings are the brief itself: always computed ("uncertainty" in
    # ``sections`` is kept for compatibility; the belief's runs replace that section).
    report.findings = build_findings(
        report, samples=samples, seed=seed, jobs=jobs, search="design" in wanted
    )
    lap("belief")
    if "pictures" in wanted:
        _graph_section(report, stability)
        lap("pictures")
    return report


def _outcome_order(space: StateSpace) -> list[str]:
    return [o.name for o in space.conflict.outcomes]


def _good_outcomes(space: StateSpace, at_least: str | None) -> set[str]:
    """The outcome and every outcome listed before it (better ones)."""
    if at_least is None:
        return set()
    order = _outcome_order(space)
    return set(order[: order.index(at_least) + 1])


def _strategy_section(report: Report, stability: StabilityResult) -> None:
    space = report.space
    roles = report.roles
    table_set = _good_outcomes(space, roles.table)
    agreement = roles.agreement_outcome
    if space.status_quo is None:
        report.strategies_note = (
            "The model has no status quo, so no strategy can be followed from it (add a"
            " status_quo)."
        )
    given = list(space.conflict.strategies)
    comparison = compare(space, report.concepts, strategies=given, baseline=True) if given else None
    if comparison is None:
        reports = [analyse_strategy(space, report.concepts)]
        if report.strategies_note is None:
            report.strategies_note = (
                "The model defines no strategies (add a strategies: section, e.g. commit:"
                " {sanctions: 10}), so only the conflict without commitment is reported."
            )
    else:
        reports = comparison.strategies
    for r in reports:
        verdicts = {}
        for concept, rep in r.concepts.items():
            reached = sorted(
                ((o, rep.nearest(o)) for o in rep.outcomes_reachable),
                key=lambda item: item[1] if item[1] is not None else 0,
            )
            reached_pairs = [(o, int(s if s is not None else 0)) for o, s in reached]
            outcomes = [o for o, _ in reached_pairs]
            path, target = _best_path(space, rep, outcomes)
            verdicts[concept] = ConceptVerdict(
                concept=concept,
                equilibria=rep.count,
                reachable=rep.reachable_count if rep.has_start else 0,
                reached=reached_pairs,
                at_table=None if roles.table is None else bool(table_set & set(outcomes)),
                agreement=None if agreement is None else agreement in outcomes,
                path=path,
                path_target=target,
            )
            reachable = sorted(
                (e.state, int(e.steps)) for e in rep.reachable if e.steps is not None
            )
            reachable.sort(key=lambda item: (item[1], item[0]))
            verdicts[concept].states = reachable
            verdicts[concept].state_words = [state_phrase(space, st) for st, _ in reachable[:3]]
        report.strategies.append(
            StrategyFinding(
                name=r.name,
                description=r.description,
                commitment=r.commitment_text,
                baseline=r.baseline,
                note=r.note,
                start=r.start,
                start_outcomes=r.start_outcomes,
                verdicts=verdicts,
            )
        )


def _best_path(space: StateSpace, rep: Any, outcomes: list[str]) -> tuple[list | None, int | None]:
    """A shortest path to the nearest reachable equilibrium with the best outcome reached
    (the model's order, 'other' last)."""
    if not outcomes or not rep.reachable_count:
        return None, None
    order = _outcome_order(space)
    best = min(outcomes, key=lambda o: order.index(o) if o in order else len(order))
    candidates = [e for e in rep.reachable if best in e.outcomes and e.path is not None]
    if not candidates:
        return None, None
    nearest = min(candidates, key=lambda e: (e.steps, e.state))
    return _steps_from_paths(space, nearest.path or []), nearest.state


def _dial_section(report: Report) -> None:
    space = report.space
    roles = report.roles
    if roles.dial is None:
        report.dial_note = f"No dial is swept: {roles.dial_why}."
        return
    if space.status_quo is None:
        report.dial_note = "No dial is swept: the model has no status quo to start from."
        return
    result = sweep(space, roles.dial, report.concepts)
    report._sweep = result
    cells = result.cells(reachable=True)
    table_set = _good_outcomes(space, roles.table)
    agreement = roles.agreement_outcome
    table_levels = {
        c: [lv for lv, cell in zip(result.levels, cells[c], strict=True) if table_set & set(cell)]
        for c in report.concepts
    }
    agreement_levels = {
        c: [lv for lv, cell in zip(result.levels, cells[c], strict=True) if agreement in cell]
        for c in report.concepts
    }
    report.dial = DialFinding(
        option=roles.dial,
        levels=list(result.levels),
        cells=cells,
        table_levels=table_levels,
        agreement_levels=agreement_levels,
    )


def _agreement_states(space: StateSpace, roles: Roles) -> np.ndarray | None:
    """Boolean mask of the states with the agreement outcome (or the named state)."""
    if roles.agreement_state is not None:
        mask = np.zeros(space.n_states, dtype=bool)
        mask[roles.agreement_state] = True
        return mask
    if roles.agreement_outcome is None:
        return None
    names, table = outcome_table(space)
    return table[:, names.index(roles.agreement_outcome)]


def _agreement_section(
    report: Report, stability: StabilityResult, max_changes: int | None, *, joint: bool = True
) -> None:
    space = report.space
    roles = report.roles
    mask = _agreement_states(space, roles)
    if mask is None:
        report.agreement_note = f"No agreement is analysed: {roles.agreement_why}."
        return
    if not mask.any():
        report.agreement_note = (
            f"No feasible state has the agreement outcome '{roles.agreement_outcome}'."
        )
        return
    sq = space.status_quo
    evolutions: dict[str, Any] = {}
    notes: dict[str, str] = {}
    if sq is None:
        report.agreement_note = (
            "The model has no status quo: the agreement is located but no path to it can be"
            " traced (add a status_quo)."
        )
    else:
        evolutions["improvements"] = evolution(space, sq, "improvements")
        coalitions = [
            (space.dm_names[report.roles.counterpart], name)
            for name in space.dm_names
            if name != space.dm_names[report.roles.counterpart]
        ]
        if not joint:
            notes["coalitions"] = "joint moves were left out of this report (sections=...)"
        elif coalitions:
            try:
                evolutions["coalitions"] = evolution(space, sq, "coalitions", coalitions=coalitions)
            except SizeLimitError as exc:
                notes["coalitions"] = f"joint moves were not analysed: {exc.message}"
        evolutions["any"] = evolution(space, sq, "any")
        report._evolutions = evolutions
    cp = roles.counterpart
    distance = {
        mode: np.where(evo.distance >= 0, evo.distance, np.iinfo(np.int32).max).astype(np.int64)
        for mode, evo in evolutions.items()
    }
    far = np.full(space.n_states, np.iinfo(np.int32).max, dtype=np.int64)
    path_cache: dict[tuple[str, int], PathFinding] = {}
    for concept in report.concepts:
        eq = stability.stable[concept].all(axis=0)
        pool = mask & eq
        is_eq = bool(pool.any())
        if not is_eq:
            pool = mask
        states = np.flatnonzero(pool)
        keys = (
            states,
            distance.get("any", far)[states],
            distance.get("coalitions", far)[states],
            -space.ranks[cp][states].astype(np.int64),
            distance.get("improvements", far)[states],
        )
        target = int(states[np.lexsort(keys)[0]])
        finding = AgreementFinding(
            concept=concept,
            state=target,
            is_equilibrium=is_eq,
            candidates=int((mask & eq).sum()),
        )
        for mode, evo in evolutions.items():
            key = (mode, target)
            if key not in path_cache:
                steps = evo.path(target)
                path_cache[key] = PathFinding(
                    mode,
                    target,
                    None if steps is None else _steps_from_paths(space, steps),
                )
            finding.paths[mode] = path_cache[key]
            if mode == "improvements" and finding.paths[mode].reachable:
                break  # the conflict gets there on its own: nothing else is needed
        for mode, note in notes.items():
            if finding.reached_by != "improvements":
                finding.paths[mode] = PathFinding(mode, target, None, note=note)
        if max_changes is not None:
            finding.inverse = _inverse(space, cp, target, concept, max_changes)
        report.agreement.append(finding)


def _inverse(
    space: StateSpace, dm: int, target: int, concept: str, max_changes: int
) -> InverseFinding:
    """The inverse analysis from ``max_changes`` up: while nothing is found and the search
    was exhaustive at its bound, the bound is raised by one if the next run fits the time
    left of :data:`INVERSE_BUDGET` (estimated from the last run's time per profile, times
    the :data:`INVERSE_CANDIDATES` profiles it may evaluate)."""
    started = time.perf_counter()
    bound, estimate = max_changes, None
    while True:
        clock = time.perf_counter()
        result = inverse(
            space,
            target + 1,
            concept=concept,
            dms=[space.dm_names[dm]],
            reachable=space.status_quo is not None,
            max_changes=bound,
            max_candidates=INVERSE_CANDIDATES,
        )
        per_profile = (time.perf_counter() - clock) / max(result.evaluated, 1)
        estimate = per_profile * INVERSE_CANDIDATES
        left = INVERSE_BUDGET - (time.perf_counter() - started)
        if result.found or result.already or not result.exhaustive or estimate > left:
            break
        bound += 1
    return InverseFinding(
        concept=concept,
        dm=space.dm_names[dm],
        target=target,
        reachable_required=result.reachable_required,
        already=result.already,
        found=result.found,
        size=result.size,
        max_changes=bound,
        exhaustive=result.exhaustive,
        evaluated=result.evaluated,
        solutions=[[c.to_json() for c in solution] for solution in result.solutions],
        asked=max_changes,
        next_estimate=None if result.found or result.already else estimate,
    )


def _states_list(states: np.ndarray) -> list[int]:
    return [int(s) for s in states]


def _perception_section(report: Report) -> None:
    space = report.space
    conflict = space.conflict
    if not conflict.perceptions:
        report.perceptions_note = (
            "The model gives no perceptions, so no misperception is analysed (add a"
            " perceptions: section to model what a decision maker wrongly believes)."
        )
        return
    agreement = {a.concept: a.state for a in report.agreement}
    for perception in conflict.perceptions:
        fix = correct(space, perception.name, report.concepts)
        holder = space.dm_names.index(perception.holder)
        per: dict[str, dict[str, Any]] = {}
        for concept in report.concepts:
            now, no_longer = fix.expected_changes(concept, holder)
            before_expected = fix.before.expected_equilibria(concept, holder)
            after_expected = fix.after.expected_equilibria(concept, holder)
            target = agreement.get(concept)
            before_hyper = fix.before.hyper_equilibria(concept)
            after_hyper = fix.after.hyper_equilibria(concept)
            per[concept] = {
                "became_hyper_equilibria": _states_list(fix.became(concept)),
                "stopped_being_hyper_equilibria": _states_list(fix.stopped(concept)),
                "holder_now_expects": _states_list(now),
                "holder_no_longer_expects": _states_list(no_longer),
                "agreement": None if target is None else target,
                "agreement_expected_before": None
                if target is None
                else bool(np.isin(target, before_expected)),
                "agreement_expected_after": None
                if target is None
                else bool(np.isin(target, after_expected)),
                "agreement_hyper_before": None
                if target is None
                else bool(np.isin(target, before_hyper)),
                "agreement_hyper_after": None
                if target is None
                else bool(np.isin(target, after_hyper)),
            }
        report.perceptions.append(
            PerceptionFinding(
                name=perception.name,
                description=perception.description,
                holder=perception.holder,
                about=list(perception.preferences),
                unaware_of=list(perception.unaware_of),
                concepts=per,
            )
        )


def _why_section(report: Report) -> None:
    space = report.space
    if space.status_quo is None:
        return
    concepts = [c for c in report.concepts if c in EXPLAIN_CONCEPTS]
    if not concepts:
        return
    explanation = explain(space, space.status_quo + 1, report.roles.counterpart, concepts)
    report.why_stays = [line for line in explanation.text().splitlines() if line.strip()]


def _diagnosis_section(report: Report, history: Any, *, jobs: int) -> None:
    space = report.space
    if history is None:
        report.diagnosis_note = (
            "No observed history comes with this model (give one with --history), so the"
            " counterpart is not diagnosed from its record."
        )
        return
    diagnosis = _diagnose(space, history, report.counterpart, jobs=jobs)
    if diagnosis is None:
        report.diagnosis_note = (
            "The diagnosis of observed histories (detente.diagnose) is not available in this"
            " installation."
        )
        return
    report.diagnosis = diagnosis


def _diagnose(
    space: StateSpace, history: Any, counterpart: str, *, jobs: int
) -> DiagnosisFinding | None:
    """The diagnosis section from :func:`detente.diagnose.diagnose` (its first diagnosed DM,
    with the strategy forecast)."""
    if isinstance(history, str | Path):
        history = diagnosis_module.load_history(history)
    check_history_hypotheses(space.conflict, history, counterpart)
    result = diagnosis_module.diagnose(space, history, forecast=True, jobs=jobs)
    if not result.dms:
        return None
    d = result.dms[0]
    steps_total = len(d.observations)
    hypotheses = [
        {
            "name": h.name,
            "origin": h.origin,
            "prior": float(h.prior),
            "posterior": float(h.posterior),
            "explained": h.n_explained,
            "observations": steps_total,
            "change": h.change.text() if h.change is not None else None,
        }
        for h in sorted(d.hypotheses, key=lambda h: -h.posterior)
    ]
    forecast = None
    f = result.forecast
    if f is not None:
        forecast = {
            name: {"prior": dict(f.prior.get(name, {})), "posterior": dict(f.posterior[name])}
            for name in f.strategies
        }
    return DiagnosisFinding(
        history=result.history.name if result.history is not None else "",
        dm=space.dm_names[d.dm],
        concept=result.concept,
        observations=steps_total,
        hypotheses=hypotheses,
        sentences=list(result.sentences(d)),
        consistent=d.consistent,
        forecast=forecast,
        forecast_concept=None if f is None else f.concept,
        result=result,
    )


def _graph_section(report: Report, stability: StabilityResult) -> None:
    """State-graph neighbourhoods to draw: where the conflict goes by unilateral improvements
    (with the agreement state as a target) and, when only joint moves reach the agreement,
    the joint-move path."""
    space = report.space
    if space.status_quo is None:
        return
    targets = sorted({a.state for a in report.agreement if a.state is not None})

    def result_for(moves: str, coalitions: Any = None, limit: int = PICTURE_TARGETS):
        evo = report._evolutions.get(moves)
        if evo is None:
            evo = evolution(space, space.status_quo, moves, coalitions=coalitions)
        equilibrium_of: dict[int, list[str]] = {}
        for concept in stability.concepts:
            for s in stability.equilibria(concept):
                equilibrium_of.setdefault(int(s), []).append(concept)
        reached = sorted(
            (s for s in equilibrium_of if evo.distance[s] >= 0 and s not in targets),
            key=lambda s: (int(evo.distance[s]), s),
        )[:limit]
        reports = [
            TargetReport(
                state=s,
                equilibrium=equilibrium_of.get(s, []),
                requested=s in targets,
                steps=None if evo.distance[s] < 0 else int(evo.distance[s]),
            )
            for s in [*targets, *reached]
        ]
        result = StatusQuoResult(space=space, evolution=evo, stability=stability, targets=reports)
        for r in reports:
            r.owner = result
        return result

    report._graphs.append(
        (
            "improvements",
            transition_graph(
                result_for("improvements"), max_targets=len(targets) + PICTURE_TARGETS
            ),
        )
    )
    joint = [a for a in report.agreement if a.reached_by == "coalitions"]
    if joint:
        cp = space.dm_names[report.roles.counterpart]
        coalitions = [(cp, n) for n in space.dm_names if n != cp]
        report._graphs.append(
            (
                "coalitions",
                transition_graph(result_for("coalitions", coalitions, 0), max_targets=len(targets)),
            )
        )


# -- sentences ----------------------------------------------------------------------------------
def _join(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _steps_word(n: int) -> str:
    return "at the status quo" if n == 0 else f"{n} step{'s' if n != 1 else ''}"


def _p(x: float | None) -> str:
    if x is None:
        return "—"
    if 0 < x < 0.005:
        return "<0.01"
    if 0.995 < x < 1:
        return ">0.99"
    return f"{x:.2f}"


def _group_by_concept(items: dict[str, Any]) -> list[tuple[list[str], Any]]:
    """Concepts grouped by equal values, in order."""
    groups: list[tuple[list[str], Any]] = []
    for concept, value in items.items():
        for names, v in groups:
            if v == value:
                names.append(concept)
                break
        else:
            groups.append(([concept], value))
    return groups


def _reached_text(verdict: ConceptVerdict) -> str:
    if not verdict.reached:
        if verdict.equilibria == 0:
            return "no equilibrium at all"
        return "no equilibrium it can reach"
    if [o for o, _ in verdict.reached] == [OTHER] and verdict.state_words:
        # No outcome of the model applies (or the model has none): name the states.
        shown = [
            f"{words} ({_steps_word(n)})"
            for words, (_, n) in zip(verdict.state_words, verdict.states, strict=False)
        ]
        more = len(verdict.states) - len(shown)
        return ", ".join(shown) + (f" and {more} more" if more > 0 else "")
    return ", ".join(f"{o} ({_steps_word(s)})" for o, s in verdict.reached)


def _verdict_groups(finding: StrategyFinding) -> list[tuple[list[str], ConceptVerdict]]:
    key = {c: (v.at_table, v.agreement, tuple(v.reached)) for c, v in finding.verdicts.items()}
    return [(cs, finding.verdicts[cs[0]]) for cs, _ in _group_by_concept(key)]


def _probability_of(report: Report, verdict: ConceptVerdict) -> float | None:
    """P(at the table), or P(agreement) when the model has no table outcome."""
    return verdict.p_table if report.roles.table is not None else verdict.p_agreement


def _strategy_answer(report: Report, finding: StrategyFinding) -> str:
    cp = report.counterpart
    roles = report.roles
    if finding.note is not None and finding.start is None:
        return f"It cannot be followed from the status quo: {finding.note}."
    if not finding.verdicts:
        return "Nothing to report."
    parts = []
    for concepts, v in _verdict_groups(finding):
        where = _join(concepts)
        reached = _reached_text(v)
        if finding.baseline or v.at_table is None:
            text = f"Under {where} the conflict reaches {reached}"
            if v.agreement is not None and not finding.baseline:
                text += (
                    f", {'including' if v.agreement else 'not'} the agreement"
                    f" ({roles.agreement_outcome})"
                )
            parts.append(text)
        elif v.at_table:
            deal = ""
            if v.agreement is not None:
                deal = (
                    f", and to the agreement ({roles.agreement_outcome})"
                    if v.agreement
                    else f", but not to the agreement ({roles.agreement_outcome})"
                )
            parts.append(
                f"Yes ({where}): {cp} comes to the table{deal}; the conflict reaches {reached}"
            )
        else:
            parts.append(
                f"No ({where}): {cp} does not come to the table; the conflict reaches {reached}"
            )
    text = ". ".join(parts) + "."
    probs = {
        c: _probability_of(report, v)
        for c, v in finding.verdicts.items()
        if _probability_of(report, v) is not None
    }
    if probs:
        what = (
            f"{cp} at the table"
            if roles.table is not None
            else f"the agreement ({roles.agreement_outcome})"
        )
        groups = _group_by_concept(probs)
        text += (
            f" Over the uncertain preferences, P({what}) = "
            + "; ".join(f"{_p(p)} ({_join(cs)})" for cs, p in groups)
            + "."
        )
    return text


def _dial_answer(report: Report) -> str:
    if report.dial is None:
        return report.dial_note or ""
    d = report.dial
    roles = report.roles
    sweep = report._sweep
    level_text = (lambda lv: sweep.level_text(lv)) if sweep is not None else str
    parts = []
    summary = {c: tuple(tuple(cell) for cell in d.cells[c]) for c in report.concepts}
    for concepts, cells in _group_by_concept(summary):
        runs = _runs(d.levels, [", ".join(cell) for cell in cells], level_text)
        text = "; ".join(f"{d.option} {span}: {what}" for span, what, _ in runs)
        parts.append(
            f"{_only(concepts, report).strip().capitalize()}: {text}"
            if _only(concepts, report)
            else text
        )
    answer = ". ".join(parts) + "."
    if roles.table is not None:
        levels = {c: tuple(d.table_levels[c]) for c in report.concepts}
        for concepts, lv in _group_by_concept(levels):
            if lv:
                spans = ", ".join(s for s, _, _ in _runs(list(lv), ["x"] * len(lv), level_text))
                answer += (
                    f" {report.counterpart} comes to the table with {d.option} at {spans}"
                    f"{_only(concepts, report)}."
                )
            else:
                answer += (
                    f" At no level of {d.option} does {report.counterpart} come to the table"
                    f"{_only(concepts, report)}."
                )
    return answer


def _runs(levels: list[int], values: list[str], level_text: Any) -> list[tuple[str, str, int]]:
    """Consecutive levels with the same value: [('0–4', 'talks', 0), ('5–10', 'stalemate', 5)]
    (span, value, index of the run's first level)."""
    out: list[tuple[str, str, int]] = []
    start = 0
    for k in range(1, len(levels) + 1):
        if k == len(levels) or values[k] != values[start] or levels[k] != levels[k - 1] + 1:
            a, b = level_text(levels[start]), level_text(levels[k - 1])
            out.append((a if a == b else f"{a}–{b}", values[start], start))
            start = k
    return out


def _agreement_groups(report: Report) -> list[tuple[list[str], AgreementFinding]]:
    """Concepts whose agreement findings are the same state and paths, grouped."""
    key = {
        a.concept: (
            a.state,
            a.is_equilibrium,
            a.reached_by,
            tuple((m, p.reachable) for m, p in a.paths.items()),
        )
        for a in report.agreement
    }
    groups = _group_by_concept(key)
    return [(cs, report.agreement_for(cs[0])) for cs, _ in groups]


def _path_text(space: StateSpace, steps: Sequence[PathStep]) -> str:
    return "; ".join(
        f"{n}. {'+'.join(s.mover)}: {s.change_text(space)}" for n, s in enumerate(steps, start=1)
    )


def _path_answer(report: Report) -> str:
    if not report.agreement:
        return report.agreement_note or "No agreement is analysed."
    space = report.space
    parts = []
    for concepts, a in _agreement_groups(report):
        assert a.state is not None
        what = "The agreement"
        status = (
            f"is {state_words(space, a.state)}, an equilibrium{_only(concepts, report)}"
            if a.is_equilibrium
            else f"is best placed at {state_words(space, a.state)}, which is not an"
            f" equilibrium{_only(concepts, report)} (no agreement state is)"
        )
        text = f"{what} {status}."
        if report.status_quo is None:
            parts.append(text)
            continue
        mode = a.reached_by
        improvements = a.paths.get("improvements")
        if mode == "improvements":
            assert improvements is not None and improvements.steps is not None
            n = len(improvements.steps)
            text += (
                f" The conflict gets there on its own, by unilateral improvements, in"
                f" {_steps_word(n)}" + (f": {_path_text(space, improvements.steps)}." if n else ".")
            )
        else:
            text += " Unilateral improvements alone do not reach it from the status quo."
            joint = a.paths.get("coalitions")
            if mode == "coalitions" and joint is not None and joint.steps is not None:
                movers = sorted({"+".join(s.mover) for s in joint.steps if len(s.mover) > 1})
                text += (
                    f" A joint move ({_join(movers)}: a package every member prefers) reaches it"
                    f" in {_steps_word(len(joint.steps))}: {_path_text(space, joint.steps)}."
                )
            elif mode == "any":
                path = a.paths["any"]
                assert path.steps is not None
                blocked = sorted({o.dm for _, o in path.obstacles})
                if joint is not None and joint.note is None:
                    text += " Joint improvements of the counterpart with one partner do not either."
                text += (
                    f" The shortest way by any moves takes {_steps_word(len(path.steps))}"
                    f" ({_path_text(space, path.steps)}), against the interest of"
                    f" {_join(blocked) or 'nobody'}."
                )
            else:
                text += " No sequence of moves reaches it."
        parts.append(text)
    return " ".join(parts)


def _obstacle_list(report: Report) -> list[tuple[PathStep, Obstacle]]:
    """The obstacles on the shortest any-move paths to the agreement states, each reason
    once (in concept order)."""
    seen: set[tuple[str, Any]] = set()
    out = []
    for a in report.agreement:
        path = a.paths.get("any")
        if path is None or path.steps is None:
            continue
        for step, o in path.obstacles:
            key = (o.dm, o.reason.position if o.reason else (step.before, step.after))
            if key not in seen:
                seen.add(key)
                out.append((step, o))
    return out


def _obstacle_phrase(space: StateSpace, step: PathStep, o: Obstacle) -> str:
    """Why a mover would not take a step, from its preferences."""
    changes = step.change_text(space)
    if o.reason is not None:
        return f"{o.dm} would give up '{o.reason.text}' by {changes}"
    if not o.worse:
        return f"{o.dm} gains nothing by {changes}"
    return (
        f"{o.dm} likes {state_words(space, step.after)} less than"
        f" {state_words(space, step.before)}, so it would not make the move {changes}"
    )


def _fear_answer(report: Report) -> str:
    space = report.space
    cp = report.counterpart
    if not report.agreement:
        return report.agreement_note or "No agreement is analysed, so no obstacle either."
    parts = []
    reached_alone = [a.concept for a in report.agreement if a.reached_by == "improvements"]
    if reached_alone:
        parts.append(
            f"Nothing blocks the agreement{_only(reached_alone, report)}: the conflict reaches"
            " it by unilateral improvements."
        )
    # (a) the obstacles on the shortest path by any moves.
    obstacles = _obstacle_list(report)
    mine = [(s, o) for s, o in obstacles if o.dm == cp]
    others = [(s, o) for s, o in obstacles if o.dm != cp]
    if mine:
        parts.append(
            f"On the shortest way to the agreement, {cp} does not move on its own: "
            + "; ".join(_obstacle_phrase(space, s, o) for s, o in mine)
            + "."
        )
    if others:
        parts.append(
            ("Other obstacles: " if mine else "The obstacles: ")
            + "; ".join(_obstacle_phrase(space, s, o) for s, o in others)
            + "."
        )
    # (b) inverse analysis.
    inverse_groups = _group_by_concept(
        {
            a.concept: (
                a.inverse.target,
                a.inverse.already,
                a.inverse.found,
                a.inverse.size,
                json.dumps(a.inverse.solutions[:1]),
            )
            for a in report.agreement
            # Where the conflict reaches the agreement on its own, nothing blocks it: no
            # inverse sentence may then speak of a blockage.
            if a.inverse is not None and a.concept not in reached_alone
        }
    )
    for concepts, _ in inverse_groups:
        inv = report.agreement_for(concepts[0]).inverse
        assert inv is not None
        goal = f"an equilibrium{_only(concepts, report)}" + (
            " reachable from the status quo" if inv.reachable_required else ""
        )
        target = f"the agreement ({state_words(space, inv.target)})"
        if inv.already:
            parts.append(
                f"Inverse analysis: {target} is already {goal}; {cp}'s preferences need not change."
            )
        elif inv.found:
            first = "; and ".join(c["sentence"] for c in inv.solutions[0])
            more = f" ({len(inv.solutions)} minimal solutions)" if len(inv.solutions) > 1 else ""
            parts.append(
                f"Inverse analysis: {target} becomes {goal} with {inv.size} change(s) of"
                f" {cp}'s preferences{more}, e.g. {first}."
            )
        else:
            bound = (
                f"up to {inv.max_changes} change(s)"
                if inv.exhaustive
                else f"the {inv.evaluated:,} preference profiles tried"
            )
            parts.append(
                f"No change of {cp}'s preferences within {bound} makes {target} {goal}; within"
                f" that bound, what blocks it is not {cp}'s preferences alone."
            )
    # (c) misperceptions.
    if report.perceptions:
        for p in report.perceptions:
            expect = {
                c: (v["agreement_expected_before"], v["agreement_expected_after"])
                for c, v in p.concepts.items()
                if v["agreement"] is not None
            }
            gained = [c for c, (b, a) in expect.items() if not b and a]
            lost = [c for c, (b, a) in expect.items() if b and not a]
            unchanged = [c for c, (b, a) in expect.items() if b == a]
            text = f"Correcting '{p.name}' ({p.holder})"
            if gained:
                text += (
                    f": {p.holder} then expects the agreement to hold{_only(gained, report)};"
                    " the misperception is what keeps it from expecting a deal"
                )
            elif lost:
                text += f": {p.holder} stops expecting the agreement{_only(lost, report)}"
            else:
                held = {b for b, _ in expect.values()}
                verb = "expects" if held == {True} else "does not expect"
                text += (
                    f" does not change whether {p.holder} expects the agreement state"
                    f" (it {verb} it: {_join(unchanged)})"
                    if unchanged
                    else " changes nothing about the agreement"
                )
            parts.append(text + ".")
    elif report.perceptions_note:
        parts.append(report.perceptions_note)
    return " ".join(parts) if parts else "No obstacle found: the agreement is within reach."


def _robustness_answer(report: Report) -> str:
    r = report.robustness
    if r is None:
        return report.robustness_note or ""
    cp = report.counterpart
    how = (
        f"exact enumeration of {r.scenarios:,} scenarios"
        if r.method == "exact"
        else f"{r.evaluated:,} Monte Carlo samples (seed {r.seed}; standard error at most"
        f" {r.standard_error:.3f})"
    )
    parts = [f"Over the uncertain preferences ({how}, {r.profiles} distinct profiles):"]
    if r.p_agreement_equilibrium:
        eq = _group_by_concept(
            {
                c: (r.p_agreement_equilibrium[c], r.p_agreement_reached[c])
                for c in r.p_agreement_equilibrium
            }
        )
        parts.append(
            "; ".join(
                f"the agreement state is a {_join(cs)} equilibrium with P = {_p(pe)}, and an"
                f" equilibrium reached by unilateral improvements with P = {_p(pr)}"
                for cs, (pe, pr) in eq
            )
            + "."
        )
    best = _best_strategies(report)
    if best:
        parts.append(best)
    groups: dict[tuple, list[HypothesisCheck]] = {}
    for h in r.hypotheses:
        key = (tuple(sorted(h.equilibrium.items())), h.path_holds, tuple(h.breaks[:1]))
        groups.setdefault(key, []).append(h)
    for members in groups.values():
        h = members[0]
        names = _join([f"'{m.name}' ({m.weight:.2f})" for m in members])
        still = [c for c, ok in h.equilibrium.items() if ok]
        gone = [c for c, ok in h.equilibrium.items() if not ok]
        eq_parts = []
        if still:
            eq_parts.append(f"stays an equilibrium ({_join(still)})")
        if gone:
            eq_parts.append(f"is no longer an equilibrium ({_join(gone)})")
        text = f"If {names}: the agreement state {' and '.join(eq_parts)}"
        if h.path_holds is True:
            text += f", and the path to it by {_MODE_WORDS[h.path_moves or 'improvements']} holds"
        elif h.path_holds is False:
            text += f", and the path breaks: {h.breaks[0]}"
        parts.append(text + ".")
    if (
        not r.hypotheses
        and report.space.conflict.decision_makers[report.roles.counterpart].alternatives == []
    ):
        parts.append(f"The model gives no hypotheses about {cp}'s preferences.")
    return " ".join(parts)


def _best_strategies(report: Report) -> str:
    """Which strategy has the best chance of the table / the agreement (first concept)."""
    r = report.robustness
    if r is None:
        return ""
    cp = report.counterpart
    concept = report.concepts[0]
    texts = []
    for label, table in (
        (f"{cp} at the table", r.p_table),
        (f"the agreement ({report.roles.agreement_outcome})", r.p_agreement),
    ):
        if not table:
            continue
        scored = [(n, per.get(concept)) for n, per in table.items() if per.get(concept) is not None]
        if not scored:
            continue
        top = max(p for _, p in scored)
        if top <= 0:
            texts.append(f"no strategy gets {label} in any scenario ({concept})")
            continue
        names = [n for n, p in scored if p == top]
        texts.append(
            f"P({label}) is highest, {_p(top)}, with {_join([repr(n) for n in names])} ({concept})"
        )
    return ("; ".join(texts) + ".") if texts else ""


def _diagnosis_answer(report: Report) -> str:
    d = report.diagnosis
    if d is None:
        return report.diagnosis_note or ""
    parts = []
    best = d.best
    if best is not None:
        parts.append(
            f"The record ('{d.history}', {d.observations} observations of {d.dm}) supports"
            f" '{best['name']}' most (posterior {best['posterior']:.2f}, prior"
            f" {best['prior']:.2f})."
        )
        ruled_out = [h["name"] for h in d.hypotheses if h["posterior"] < 0.005]
        if ruled_out:
            parts.append(f"It all but rules out {_join([repr(n) for n in ruled_out])}.")
    if d.forecast:
        cp = report.counterpart
        table_set = _good_outcomes(report.space, report.roles.table)
        agreement = report.roles.agreement_outcome
        lines = []
        for name, f in d.forecast.items():
            post = f["posterior"]
            prior = f["prior"]
            shown = [o for o in post if o in table_set or o == agreement] or list(post)[:1]
            for o in shown:
                a, b = prior.get(o, 0.0), post.get(o, 0.0)
                if abs(a - b) >= 0.005:
                    lines.append(f"'{name}' reaching {o}: {_p(a)} → {_p(b)}")
        if lines:
            parts.append(
                f"For the strategies ({d.forecast_concept}), before → given the record: "
                + "; ".join(lines)
                + "."
            )
        else:
            parts.append(
                f"The record does not change the strategies' chances of bringing {cp} to the"
                " table or to an agreement."
            )
    return " ".join(parts)


def _only(concepts: Sequence[str], report: Report) -> str:
    """' (only under Nash)' when a verdict holds for some of the concepts shown; '' when it
    holds for all of them (agreement between concepts is not repeated in every sentence)."""
    if set(concepts) >= set(report.concepts):
        return ""
    return f" (only under {_join(concepts)})"
