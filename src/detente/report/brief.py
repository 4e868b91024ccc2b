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

import html
import io
import json
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..analyses.stability import StabilityResult, analyze, concept_name, stable_for
from ..analyses.strategies import OTHER
from ..errors import DetenteError, ModelError, SizeLimitError
from ..model.conflict import Conflict
from ..model.statements import parse_statement
from ..space.state_space import (
    StateSpace,
    as_space,
    dense_rank,
    preference_scores,
)
from ..words import describe_state, state_phrase, value_text

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

    def to_json(self, space: StateSpace) -> dict[str, Any]:
        return {
            "concept": self.concept,
            "dm": self.dm,
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
        """A short plain-text summary: one line per finding (10-20 lines)."""
        return _summary(self)

    # -- output ----------------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
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
        """One self-contained HTML page (inline CSS and SVG; no scripts, no external files)."""
        return _render_html(self)

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
    if "uncertainty" in wanted:
        _robustness_section(report, samples=samples, seed=seed, jobs=jobs)
        lap("uncertainty")
    else:
        report.robustness_note = f"Robustness: {left_out}."
    if "diagnosis" in wanted:
        _diagnosis_section(report, history, jobs=jobs)
        lap("diagnosis")
    else:
        report.diagnosis_note = f"The record: {left_out}."
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
    from ..analyses.strategies import compare

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
        from ..analyses.strategies import analyse_strategy

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
    from ..analyses.strategies import sweep

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
    from ..analyses.strategies import outcome_table

    names, table = outcome_table(space)
    return table[:, names.index(roles.agreement_outcome)]


def _agreement_section(
    report: Report, stability: StabilityResult, max_changes: int | None, *, joint: bool = True
) -> None:
    from ..analyses.paths import evolution

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
    from ..analyses.inverse import inverse

    result = inverse(
        space,
        target + 1,
        concept=concept,
        dms=[space.dm_names[dm]],
        reachable=space.status_quo is not None,
        max_changes=max_changes,
        max_candidates=INVERSE_CANDIDATES,
    )
    return InverseFinding(
        concept=concept,
        dm=space.dm_names[dm],
        target=target,
        reachable_required=result.reachable_required,
        already=result.already,
        found=result.found,
        size=result.size,
        max_changes=max_changes,
        exhaustive=result.exhaustive,
        evaluated=result.evaluated,
        solutions=[[c.to_json() for c in solution] for solution in result.solutions],
    )


def _states_list(states: np.ndarray) -> list[int]:
    return [int(s) for s in states]


def _perception_section(report: Report) -> None:
    from ..analyses.hypergame import correct

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
    from ..analyses.explain import EXPLAIN_CONCEPTS, explain

    space = report.space
    if space.status_quo is None:
        return
    concepts = [c for c in report.concepts if c in EXPLAIN_CONCEPTS]
    if not concepts:
        return
    explanation = explain(space, space.status_quo + 1, report.roles.counterpart, concepts)
    report.why_stays = [line for line in explanation.text().splitlines() if line.strip()]


def _robustness_section(report: Report, *, samples: int, seed: int, jobs: int) -> None:
    from ..analyses.uncertainty import factors_of, uncertainty_analysis

    space = report.space
    conflict = space.conflict
    if not factors_of(conflict):
        report.robustness_note = (
            "The model states no uncertainty about preferences (no alternatives or"
            " uncertain_order), so the findings are not tested against it."
        )
        return
    result = uncertainty_analysis(
        space,
        report.concepts,
        samples=samples,
        seed=seed,
        jobs=jobs,
        progress=False,
        max_states=space.total_codes,
    )
    agreement = {a.concept: a.state for a in report.agreement}
    table_set = _good_outcomes(space, report.roles.table)
    good_agreement = (
        {report.roles.agreement_outcome} if report.roles.agreement_outcome is not None else set()
    )

    def union(rows: list[dict[str, Any]], wanted: set[str]) -> dict[str, dict[str, float]]:
        """P(some reachable equilibrium has a wanted outcome), per strategy and concept, over
        the rows of the profile table (weights renormalised over ``rows``)."""
        total = sum(r["weight"] for r in rows)
        out: dict[str, dict[str, float]] = {}
        for row in rows:
            for name, by_concept in row["outcomes"].items():
                per = out.setdefault(name, {})
                for concept, found in by_concept.items():
                    hit = found is not None and bool(wanted & set(found))
                    per[concept] = per.get(concept, 0.0) + (row["weight"] if hit else 0.0)
        if total > 0:
            out = {n: {c: round(p / total, 6) for c, p in per.items()} for n, per in out.items()}
        return out

    rows = result.profile_table
    finding = RobustnessFinding(
        method=result.method,
        scenarios=result.scenarios,
        evaluated=result.evaluated,
        profiles=result.profiles,
        seed=result.seed if result.method == "sample" else None,
        factors=_factor_texts(space, result.factors),
        complete=result.complete,
        p_agreement_equilibrium={
            c: round(float(result.p_equilibrium[c][s]), 6)
            for c, s in agreement.items()
            if s is not None
        },
        p_agreement_reached={
            c: round(float(result.p_equilibrium_reached[c][s]), 6)
            for c, s in agreement.items()
            if s is not None
        },
        strategies={
            n: {c: {o: round(p, 6) for o, p in per.items()} for c, per in by.items()}
            for n, by in result.strategies.items()
        },
        p_table=union(rows, table_set) if report.roles.table is not None else {},
        p_agreement=union(rows, good_agreement) if good_agreement else {},
        standard_error=0.0
        if result.method != "sample"
        else round(0.5 / np.sqrt(result.evaluated), 6),
    )
    for s in report.strategies:
        for concept, verdict in s.verdicts.items():
            verdict.p_outcomes = finding.strategies.get(s.name, {}).get(concept)
            if finding.p_table:
                verdict.p_table = finding.p_table.get(s.name, {}).get(concept)
            if finding.p_agreement:
                verdict.p_agreement = finding.p_agreement.get(s.name, {}).get(concept)
    finding.hypotheses = _hypothesis_checks(report, rows, union, table_set, good_agreement)
    report.robustness = finding


def _factor_texts(space: StateSpace, factors: Sequence[Any]) -> list[str]:
    out = []
    for f in factors:
        dm = space.dm_names[f.dm]
        choices = "; ".join(
            f"{label} {p:.2f}" for label, p in zip(f.labels, f.probabilities, strict=True)
        )
        if f.kind == "alternative":
            out.append(f"{dm}'s preferences: {choices}")
        else:
            a, b = f.pair or (0, 0)
            out.append(f"{dm}'s statements {a} and {b} in either order: {choices}")
    return out


def _hypothesis_checks(
    report: Report,
    rows: list[dict[str, Any]],
    union: Any,
    table_set: set[str],
    good_agreement: set[str],
) -> list[HypothesisCheck]:
    """Per alternative of the counterpart: the agreement state stays an equilibrium? every
    step of the path to it stays an improvement for its movers? and the strategies' chances
    conditional on the alternative (from the uncertainty analysis' profile table)."""
    space = report.space
    cp = report.roles.counterpart
    dm = space.conflict.decision_makers[cp]
    if not dm.alternatives:
        return []
    total = sum(a.weight for a in dm.alternatives)
    path = next(
        (
            a.paths[a.reached_by]
            for a in report.agreement
            if a.reached_by in ("improvements", "coalitions")
        ),
        None,
    )
    checks = []
    for k, alternative in enumerate(dm.alternatives):
        loc = ("decision_makers", cp, "alternatives", k, "preferences")
        ranks = space.ranks.copy()
        ranks[cp] = dense_rank(preference_scores(space, alternative.preferences, loc))
        equilibrium = {}
        for a in report.agreement:
            if a.state is None:
                continue
            equilibrium[a.concept] = all(
                bool(stable_for(space, a.concept, i, ranks=ranks)[a.state])
                for i in range(space.n_dms)
            )
        holds: bool | None = None
        breaks: list[str] = []
        if path is not None and path.steps is not None:
            holds = True
            for n, step in enumerate(path.steps, start=1):
                for name in step.mover:
                    i = space.dm_names.index(name)
                    if ranks[i][step.after] <= ranks[i][step.before]:
                        holds = False
                        breaks.append(
                            f"step {n} ({'+'.join(step.mover)}: {step.change_text(space)}) is no"
                            f" longer an improvement for {name}"
                        )
        mine = [r for r in rows if r["example"].get(dm.name) == alternative.name]
        checks.append(
            HypothesisCheck(
                name=alternative.name,
                weight=round(alternative.weight / total, 6),
                equilibrium=equilibrium,
                path_moves=None if path is None else path.moves,
                path_holds=holds,
                breaks=breaks,
                p_table=union(mine, table_set) if mine and table_set else {},
                p_agreement=union(mine, good_agreement) if mine and good_agreement else {},
            )
        )
    return checks


def _diagnosis_section(report: Report, history: Any, *, jobs: int) -> None:
    space = report.space
    if history is None:
        report.diagnosis_note = (
            "No observed history comes with this model (give one with --history), so the"
            " counterpart is not diagnosed from its record."
        )
        return
    diagnosis = _diagnose(space, history, jobs=jobs)
    if diagnosis is None:
        report.diagnosis_note = (
            "The diagnosis of observed histories (detente.diagnose) is not available in this"
            " installation."
        )
        return
    report.diagnosis = diagnosis


def _diagnose(space: StateSpace, history: Any, *, jobs: int) -> DiagnosisFinding | None:
    """The diagnosis section from :func:`detente.diagnose.diagnose` (its first diagnosed DM,
    with the strategy forecast)."""
    from ..analyses import diagnose as diagnosis_module
    if isinstance(history, str | Path):
        history = diagnosis_module.load_history(history)
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
    from ..analyses.graph import transition_graph
    from ..analyses.paths import StatusQuoResult, TargetReport, evolution

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


def _verdict_text(report: Report, finding: StrategyFinding, verdict: ConceptVerdict) -> str:
    """'yes: talks (2 steps), no deal' / 'no: stalemate (1 step)' / 'stalemate (3 steps)'."""
    roles = report.roles
    reached = _reached_text(verdict)
    if finding.baseline or verdict.at_table is None:
        if verdict.agreement is None or finding.baseline:
            return reached
        return f"{'yes' if verdict.agreement else 'no'}: {reached}"
    if not verdict.at_table:
        return f"no: {reached}"
    deal = ""
    if verdict.agreement is not None:
        deal = (
            f", {roles.agreement_outcome} too"
            if verdict.agreement
            else f", no {roles.agreement_outcome}"
        )
    return f"yes: {reached}{deal}"


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
        parts.append(f"Under {_join(concepts)}: {text}")
    answer = ". ".join(parts) + "."
    if roles.table is not None:
        levels = {c: tuple(d.table_levels[c]) for c in report.concepts}
        for concepts, lv in _group_by_concept(levels):
            if lv:
                spans = ", ".join(s for s, _, _ in _runs(list(lv), ["x"] * len(lv), level_text))
                answer += (
                    f" {report.counterpart} comes to the table with {d.option} at {spans}"
                    f" ({_join(concepts)})."
                )
            else:
                answer += (
                    f" At no level of {d.option} does {report.counterpart} come to the table"
                    f" ({_join(concepts)})."
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
    roles = report.roles
    parts = []
    for concepts, a in _agreement_groups(report):
        assert a.state is not None
        what = f"The agreement ({roles.agreement_outcome or 'the named state'})"
        status = (
            f"is {state_phrase(space, a.state)}, a {_join(concepts)} equilibrium"
            if a.is_equilibrium
            else f"is best placed at {state_phrase(space, a.state)}, which is not a"
            f" {_join(concepts)} equilibrium (no agreement state is)"
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
        return (
            f"{o.dm} would give up '{o.reason.text}' (its statement {o.reason.position}) by"
            f" {changes}"
        )
    if not o.worse:
        return f"{o.dm} gains nothing by {changes}"
    return (
        f"{o.dm} ranks state {step.after + 1} below state {step.before + 1}, so it would not"
        f" make the move {changes}"
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
            f"Nothing blocks the agreement under {_join(reached_alone)}: the conflict reaches it"
            " by unilateral improvements."
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
            if a.inverse is not None
        }
    )
    for concepts, _ in inverse_groups:
        inv = report.agreement_for(concepts[0]).inverse
        assert inv is not None
        goal = f"a {_join(concepts)} equilibrium" + (
            " reachable from the status quo" if inv.reachable_required else ""
        )
        target = f"state {inv.target + 1}"
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
                f"Inverse analysis: no change of {cp}'s preferences within {bound} makes"
                f" {target} {goal}: the blockage is not {cp}'s alone."
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
                    f": {p.holder} then expects the agreement state to hold ({_join(gained)});"
                    " the misperception is what keeps it from expecting a deal"
                )
            elif lost:
                text += f": {p.holder} stops expecting the agreement state ({_join(lost)})"
            else:
                held = {b for b, _ in expect.values()}
                verb = "expects" if held == {True} else "does not expect"
                text += (
                    f" does not change whether {p.holder} expects the agreement state"
                    f" (it {verb} it: {_join(unchanged)})"
                    if unchanged
                    else " changes nothing about the agreement"
                )
            changed = {
                c: (len(v["became_hyper_equilibria"]), len(v["stopped_being_hyper_equilibria"]))
                for c, v in p.concepts.items()
            }
            moved = [f"{c}: +{b}/−{s}" for c, (b, s) in changed.items() if b or s]
            if moved:
                text += f"; hyper-equilibria gained/lost: {', '.join(moved)}"
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


def _concepts_prefix(concepts: Sequence[str], every: Sequence[str]) -> str:
    return "" if list(concepts) == list(every) else f"{_join(concepts)}: "


def _summary(report: Report) -> str:
    space = report.space
    roles = report.roles
    cp = report.counterpart
    lines = []
    agreement = roles.agreement_outcome or (
        "none" if roles.agreement_state is None else f"state {roles.agreement_state + 1}"
    )
    lines.append(
        f"{report.name}: counterpart {cp}, agreement '{agreement}', concepts"
        f" {', '.join(report.concepts)}."
    )
    if report.status_quo is None:
        lines.append("No status quo: nothing can be traced from today.")
    else:
        base = next((s for s in report.strategies if s.baseline), None)
        outcomes = (
            f": {', '.join(base.start_outcomes)}"
            if base and base.start_outcomes and space.conflict.outcomes
            else ""
        )
        lines.append(f"Status quo: {state_phrase(space, report.status_quo)}{outcomes}.")
    if report.strategies:
        head = (
            f"Does {cp} come to the table? (outcomes reached"
            if roles.table is not None
            else "Where each strategy leads (outcomes reached"
        )
        uncertain = report.robustness is not None
        what = "P(table)" if roles.table is not None else "P(agreement)"
        lines.append(
            head + (f"; then {what} over the uncertain preferences)" if uncertain else ")")
        )
        width = max(len(s.name) for s in report.strategies)
        rows = []
        for s in report.strategies:
            if s.note is not None and s.start is None:
                rows.append((s.name, f"cannot be followed: {s.note}", ""))
                continue
            texts = []
            for concepts, v in _verdict_groups(s):
                text = _concepts_prefix(concepts, report.concepts) + _verdict_text(report, s, v)
                texts.append(text)
            probs = _group_by_concept(
                {c: _probability_of(report, v) for c, v in s.verdicts.items()}
            )
            p_text = "; ".join(
                _concepts_prefix(cs, report.concepts) + _p(p) for cs, p in probs if p is not None
            )
            rows.append((s.name, " | ".join(texts), p_text))
        middle = max(len(text) for _, text, _ in rows)
        for name, text, p_text in rows:
            line = f"  {name:<{width}}  {text:<{middle}}"
            if p_text:
                line += f"  {p_text}"
            lines.append(line.rstrip())
    elif report.strategies_note:
        lines.append(report.strategies_note)
    lines.append(_dial_summary(report))
    if report.agreement:
        for concepts, a in _agreement_groups(report):
            assert a.state is not None
            status = "an equilibrium" if a.is_equilibrium else "not an equilibrium"
            prefix = _concepts_prefix(concepts, report.concepts)
            lines.append(
                f"Agreement{' (' + prefix[:-2] + ')' if prefix else ''}:"
                f" {state_phrase(space, a.state)}, {status} ({_join(concepts)})."
            )
            mode = a.reached_by
            if report.status_quo is None:
                continue
            if mode is None:
                lines.append("  Not reachable from the status quo by any sequence of moves.")
                continue
            path = a.paths[mode]
            assert path.steps is not None
            how = {
                "improvements": "reached on its own (unilateral improvements)",
                "coalitions": "not reached by unilateral improvements; a joint move reaches it",
                "any": "reached only by moves some decision maker does not want",
            }[mode]
            lines.append(f"  Path: {how}: {_path_text(space, path.steps) or 'already there'}.")
    else:
        lines.append(report.agreement_note or "No agreement analysed.")
    obstacles = _obstacle_list(report)
    if obstacles:
        lines.append(
            "Obstacles: " + "; ".join(_obstacle_phrase(space, s, o) for s, o in obstacles) + "."
        )
    inverse_line = _inverse_summary(report)
    if inverse_line:
        lines.append(inverse_line)
    for p in report.perceptions:
        expect = {
            c: (v["agreement_expected_before"], v["agreement_expected_after"])
            for c, v in p.concepts.items()
            if v["agreement"] is not None
        }
        gained = [c for c, (b, a) in expect.items() if not b and a]
        lost = [c for c, (b, a) in expect.items() if b and not a]
        if gained:
            effect = f"{p.holder} then expects the agreement to hold ({_join(gained)})"
        elif lost:
            effect = f"{p.holder} stops expecting the agreement ({_join(lost)})"
        else:
            effect = f"{p.holder}'s expectation of the agreement does not change"
        lines.append(f"Misperception '{p.name}' corrected: {effect}.")
    if report.robustness is not None:
        lines.append("Robustness: " + _robustness_summary(report))
    elif report.robustness_note:
        lines.append(report.robustness_note)
    lines.append(_record_summary(report))
    return "\n".join(lines)


def _dial_summary(report: Report) -> str:
    d = report.dial
    if d is None:
        return report.dial_note or ""
    sweep = report._sweep
    texts = []
    summary = {c: tuple(tuple(cell) for cell in d.cells[c]) for c in report.concepts}
    for concepts, cells in _group_by_concept(summary):
        runs = _runs(d.levels, [", ".join(cell) for cell in cells], sweep.level_text)
        prefix = _concepts_prefix(concepts, report.concepts)
        texts.append(prefix + "; ".join(f"{span} {what}" for span, what, _ in runs))
    line = f"Dial {d.option}: " + " | ".join(texts)
    if report.roles.table is not None:
        levels = {c: tuple(d.table_levels[c]) for c in report.concepts}
        at = []
        for concepts, lv in _group_by_concept(levels):
            spans = ", ".join(s for s, _, _ in _runs(list(lv), ["x"] * len(lv), sweep.level_text))
            at.append(_concepts_prefix(concepts, report.concepts) + (spans or "no level"))
        line += f"; {report.counterpart} at the table at: {' | '.join(at)}"
    return line + "."


def _record_summary(report: Report) -> str:
    d = report.diagnosis
    if d is None:
        return report.diagnosis_note or ""
    best = d.best
    text = f"Record ({d.observations} observations of {d.dm})"
    if best is not None:
        text += f": supports '{best['name']}' (posterior {best['posterior']:.2f})"
        ruled_out = [h["name"] for h in d.hypotheses if h["posterior"] < 0.005]
        if ruled_out:
            text += f", rules out {_join([repr(n) for n in ruled_out])}"
    shifts = []
    if d.forecast:
        wanted = _good_outcomes(report.space, report.roles.table) | {report.roles.agreement_outcome}
        for name, f in d.forecast.items():
            for o in dict.fromkeys([*f["prior"], *f["posterior"]]):
                if o in wanted:
                    a, b = f["prior"].get(o, 0.0), f["posterior"].get(o, 0.0)
                    if abs(a - b) >= 0.005:
                        shifts.append((abs(a - b), f"'{name}' → {o} {_p(a)}→{_p(b)}"))
    if shifts:
        shifts.sort(key=lambda item: -item[0])
        text += "; given the record: " + ", ".join(t for _, t in shifts[:3])
    return text + "."


def _inverse_summary(report: Report) -> str:
    cp = report.counterpart
    items = {
        a.concept: (a.inverse.already, a.inverse.found, a.inverse.size, a.inverse.max_changes)
        for a in report.agreement
        if a.inverse is not None
    }
    texts = []
    for concepts, (already, found, size, bound) in _group_by_concept(items):
        inv = report.agreement_for(concepts[0]).inverse
        assert inv is not None
        if already:
            texts.append(f"nothing about {cp} needs to change ({_join(concepts)})")
        elif found:
            first = "; and ".join(c["sentence"] for c in inv.solutions[0])
            texts.append(f"{size} change(s) suffice ({_join(concepts)}), e.g. {first}")
        else:
            within = f"{bound} change(s)" if inv.exhaustive else "the search bound"
            texts.append(
                f"no change of {cp}'s preferences within {within} makes state {inv.target + 1}"
                f" an equilibrium reachable by unilateral improvements ({_join(concepts)})"
            )
    return ("Inverse: " + "; ".join(texts) + ".") if texts else ""


def _robustness_summary(report: Report) -> str:
    r = report.robustness
    assert r is not None
    how = (
        f"{r.scenarios:,} scenarios, exact"
        if r.method == "exact"
        else f"{r.evaluated:,} samples, seed {r.seed}"
    )
    parts = []
    if r.p_agreement_equilibrium:
        groups = _group_by_concept(
            {
                c: (r.p_agreement_equilibrium[c], r.p_agreement_reached[c])
                for c in r.p_agreement_equilibrium
            }
        )
        parts.append(
            "; ".join(
                f"P(agreement an equilibrium) {_p(pe)}, P(reached alone) {_p(pr)}"
                + (f" ({_join(cs)})" if len(groups) > 1 else "")
                for cs, (pe, pr) in groups
            )
        )
    holds = [h.name for h in r.hypotheses if h.path_holds]
    breaks = [h.name for h in r.hypotheses if h.path_holds is False]
    if holds or breaks:
        text = "the path holds if " + (_join([repr(n) for n in holds]) or "no hypothesis")
        if breaks:
            text += f", breaks if {_join([repr(n) for n in breaks])}"
        parts.append(text)
    best = _best_strategies(report)
    if best:
        parts.append(best.rstrip("."))
    return f"({how}) " + "; ".join(parts) + "."


# -- HTML -------------------------------------------------------------------------------------
_CSS = """
body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:0;color:#1d2430;
background:#f6f7f9;line-height:1.5}
main{max-width:1100px;margin:0 auto;padding:24px 32px 64px;background:#fff}
h1{font-size:1.7em;margin:0.2em 0}h2{margin-top:2em;border-bottom:2px solid #dfe3ea;
padding-bottom:4px;font-size:1.3em}h3{font-size:1.05em;margin-top:1.4em}
p.lead{color:#4a5566}.muted{color:#6b7482;font-size:0.9em}
table{border-collapse:collapse;margin:0.8em 0;font-size:0.92em;width:100%}
th,td{border:1px solid #d5dae2;padding:5px 8px;vertical-align:top;text-align:left}
th{background:#eef1f5;font-weight:600}td.num{text-align:right;white-space:nowrap}
.yes{background:#e3f4e8;color:#17603a;font-weight:600}.no{background:#fbe9e7;color:#8a2a1d;
font-weight:600}.na{color:#6b7482}
dl.qa dt{font-weight:600;margin-top:0.8em}dl.qa dd{margin:0.2em 0 0 1.2em}
code,.label{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:0.9em}
figure{margin:1em 0;overflow-x:auto}figure svg{max-width:100%;height:auto}
figcaption{color:#4a5566;font-size:0.9em}
ol.path li{margin:0.2em 0}.obstacle{color:#8a2a1d}
.note{background:#fff8e1;border-left:4px solid #e3a33b;padding:6px 10px}
"""


def _e(text: Any) -> str:
    return html.escape(str(text))


def _svg(fig_svg: str, prefix: str) -> str:
    """Matplotlib SVG made embeddable: no XML prolog, DOCTYPE or metadata; ids prefixed so
    that two pictures on one page cannot clash."""
    text = re.sub(r"<\?xml[^>]*\?>", "", fig_svg)
    text = re.sub(r"<!DOCTYPE[^>]*>", "", text)
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    text = re.sub(r'id="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', text)
    text = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', text)
    text = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", text)
    return text.strip()


def _figure_svg(fig: Any, prefix: str) -> str:
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "detente-report"}):
        fig.savefig(buffer, format="svg", bbox_inches="tight")
    return _svg(buffer.getvalue(), prefix)


def _graph_svg(graph: Any, prefix: str) -> str | None:
    from ..analyses.graph import DEFAULT_MAX_DRAWN_NODES

    if graph.nodes.size > DEFAULT_MAX_DRAWN_NODES:
        return None
    import matplotlib.pyplot as plt

    fig = graph.draw()
    try:
        return _figure_svg(fig, prefix)
    finally:
        plt.close(fig)


def _yes_no(value: bool | None, yes: str = "yes", no: str = "no") -> str:
    if value is None:
        return '<td class="na">—</td>'
    return f'<td class="yes">{yes}</td>' if value else f'<td class="no">{no}</td>'


def _steps_html(space: StateSpace, steps: Sequence[PathStep], start: int) -> str:
    items = []
    for s in steps:
        line = (
            f"<b>{_e('+'.join(s.mover))}</b> ({_e(s.kind)}): {_e(s.change_text(space))} → "
            f"{_e(state_phrase(space, s.after))}"
        )
        for o in s.obstacles:
            why = _e(o.sentence(space, s.before, s.after))
            line += f'<br><span class="obstacle">obstacle: {why}</span>'
        items.append(f"<li>{line}</li>")
    head = f'<p class="start">From {_e(state_phrase(space, start))}:</p>'
    return head + '<ol class="path">' + "".join(items) + "</ol>"


def _render_html(report: Report) -> str:
    space = report.space
    conflict = space.conflict
    cp = report.counterpart
    roles = report.roles
    out: list[str] = []
    add = out.append
    add("<!DOCTYPE html>")
    add('<html lang="en"><head><meta charset="utf-8">')
    add('<meta name="viewport" content="width=device-width, initial-scale=1">')
    add(f"<title>{_e(report.name)}: detente report</title>")
    add(f"<style>{_CSS}</style></head><body><main>")
    add(f"<h1>{_e(report.name)}</h1>")
    if conflict.description:
        add(f'<p class="lead">{_e(" ".join(conflict.description.split()))}</p>')
    if conflict.source:
        add(f'<p class="muted">Source of the model: {_e(" ".join(conflict.source.split()))}</p>')
    sq = "none" if report.status_quo is None else state_phrase(space, report.status_quo)
    add("<table>")
    rows = [
        ("decision makers", ", ".join(space.dm_names)),
        ("states", f"{space.n_states:,} feasible states, {space.n_options} options"),
        ("status quo", sq),
        ("counterpart", f"{cp} — {roles.counterpart_why}"),
        (
            "agreement",
            (roles.agreement_outcome or ("state" if roles.agreement_state is not None else "—"))
            + f" — {roles.agreement_why}",
        ),
        ("the table", f"{roles.table or '—'} — {roles.table_why}"),
        ("dial", f"{roles.dial or '—'} — {roles.dial_why}"),
        ("solution concepts", ", ".join(report.concepts)),
    ]
    for k, v in rows:
        add(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>")
    add("</table>")

    add('<h2>Answers</h2><dl class="qa">')
    for q, a in report.questions():
        add(f"<dt>{_e(q)}</dt><dd>{_e(a)}</dd>")
    add("</dl>")

    _html_strategies(report, add)
    _html_dial(report, add)
    _html_agreement(report, add)
    _html_fear(report, add)
    _html_robustness(report, add)
    _html_diagnosis(report, add)

    add("<h2>How this report was made</h2>")
    add(
        "<p>Every sentence above is generated from the results of detente's analyses of this"
        " model: stability (Fang, Hipel &amp; Kilgour 1993), strategy comparison and dial sweep"
        " (status quo analysis, Li, Kilgour &amp; Hipel 2005), coalitional improvements"
        " (Kilgour, Hipel, Fang &amp; Peng 2001), inverse analysis (Kinsara, Kilgour &amp; Hipel"
        " 2015), first-level hypergames (Wang, Hipel &amp; Fraser 1988), uncertain preferences"
        " and the diagnosis of an observed record.</p>"
    )
    timing = ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items())
    add(
        f'<p class="muted">Time per section: {_e(timing)}. Settings:'
        f" {_e(json.dumps(report.settings))}.</p>"
    )
    add("</main></body></html>")
    return "\n".join(out) + "\n"


def _html_strategies(report: Report, add: Any) -> None:
    space = report.space
    roles = report.roles
    add("<h2>Strategies</h2>")
    if report.strategies_note:
        add(f'<p class="note">{_e(report.strategies_note)}</p>')
    if not report.strategies:
        return
    add(
        "<p>For each strategy, the commitment is applied to the status quo and the conflict"
        " evolves by unilateral improvements; the table lists the outcomes of the equilibria it"
        " reaches, with the fewest steps.</p>"
    )
    add("<table><tr><th>strategy</th><th>commits to</th><th>concept</th><th>reaches</th>")
    if roles.table is not None:
        add(f"<th>{_e(report.counterpart)} at the table</th>")
    if roles.agreement_outcome is not None:
        add(f"<th>agreement ({_e(roles.agreement_outcome)})</th>")
    add("<th>equilibria (reachable)</th>")
    uncertain = report.robustness is not None
    if uncertain:
        add("<th>P(table)</th>" if roles.table is not None else "")
        add("<th>P(agreement)</th>" if roles.agreement_outcome is not None else "")
    add("</tr>")
    for s in report.strategies:
        first = True
        for concept, v in s.verdicts.items():
            cells = ""
            if first:
                n = len(s.verdicts)
                cells += f'<td rowspan="{n}"><b>{_e(s.name)}</b>'
                if s.description:
                    cells += f'<br><span class="muted">{_e(s.description)}</span>'
                if s.note:
                    cells += f'<br><span class="obstacle">{_e(s.note)}</span>'
                cells += f'</td><td rowspan="{n}" class="label">{_e(s.commitment)}</td>'
                first = False
            cells += f"<td>{_e(concept)}</td><td>{_e(_reached_text(v))}</td>"
            if roles.table is not None:
                cells += _yes_no(v.at_table)
            if roles.agreement_outcome is not None:
                cells += _yes_no(v.agreement)
            cells += f'<td class="num">{v.equilibria:,} ({v.reachable:,})</td>'
            if uncertain:
                if roles.table is not None:
                    cells += f'<td class="num">{_p(v.p_table)}</td>'
                if roles.agreement_outcome is not None:
                    cells += f'<td class="num">{_p(v.p_agreement)}</td>'
            add(f"<tr>{cells}</tr>")
    add("</table>")
    for s in report.strategies:
        add(f"<h3>{_e(s.name)}</h3><p>{_e(report.strategy_answer(s))}</p>")
        shown: set[tuple] = set()
        for v in s.verdicts.values():
            if v.path is None or s.start is None:
                continue
            key = (v.path_target, tuple((p.before, p.after) for p in v.path))
            if key in shown:
                continue
            shown.add(key)
            concepts = [c for c, w in s.verdicts.items() if w.path_target == v.path_target]
            if not v.path:
                add(
                    f'<p class="muted">Under {_e(_join(concepts))} the committed status quo'
                    f" {_e(state_phrase(space, s.start))} is itself the equilibrium reached.</p>"
                )
                continue
            add(
                f'<p class="muted">Path to {_e(state_phrase(space, v.path_target))} under'
                f" {_e(_join(concepts))}:</p>"
            )
            add(_steps_html(space, v.path, s.start))


def _html_dial(report: Report, add: Any) -> None:
    add(f"<h2>The dial{': ' + _e(report.roles.dial) if report.roles.dial else ''}</h2>")
    add(f"<p>{_e(report.dial_answer())}</p>")
    if report.dial is None or report._sweep is None:
        return
    from ..analyses.strategies import plot_sweep

    fig = plot_sweep(report._sweep)
    add(
        '<figure class="chart">'
        + _figure_svg(fig, "dial")
        + f"<figcaption>Outcomes with {_e(report.dial.option)} held at each level (top: reached"
        " from the status quo; bottom: all equilibria).</figcaption></figure>"
    )
    d = report.dial
    add(
        f"<table><tr><th>{_e(d.option)}</th>"
        + "".join(f"<th>{_e(c)}: outcomes reached</th>" for c in d.cells)
        + "</tr>"
    )
    joint = [" | ".join(", ".join(d.cells[c][k]) for c in d.cells) for k in range(len(d.levels))]
    for span, _, k in _runs(d.levels, joint, report._sweep.level_text):
        row = "".join(f"<td>{_e(', '.join(d.cells[c][k]))}</td>" for c in d.cells)
        add(f'<tr><td class="num">{_e(span)}</td>{row}</tr>')
    add("</table>")


def _html_agreement(report: Report, add: Any) -> None:
    space = report.space
    add("<h2>The path from today to an agreement</h2>")
    add(f"<p>{_e(report.path_answer())}</p>")
    if report.agreement_note and not report.agreement:
        add(f'<p class="note">{_e(report.agreement_note)}</p>')
        return
    if report.agreement:
        add(
            "<table><tr><th>concept</th><th>agreement state</th><th>equilibrium</th>"
            "<th>agreement states that are equilibria</th><th>reached by</th><th>steps</th></tr>"
        )
        for a in report.agreement:
            assert a.state is not None
            mode = a.reached_by
            steps = "—" if mode is None else str(len(a.paths[mode].steps or []))
            add(
                f"<tr><td>{_e(a.concept)}</td><td>{_e(state_phrase(space, a.state))}<br>"
                f'<span class="label">{_e(space.label(a.state))}</span></td>'
                + _yes_no(a.is_equilibrium)
                + f'<td class="num">{a.candidates:,}</td>'
                f"<td>{_e(_MODE_WORDS.get(mode or '', 'not reachable'))}</td>"
                f'<td class="num">{steps}</td></tr>'
            )
        add("</table>")
    shown: set[tuple] = set()
    for concepts, a in _agreement_groups(report):
        for mode, path in a.paths.items():
            if path.steps is None or report.status_quo is None:
                if path.note:
                    add(f'<p class="note">{_e(path.note)}</p>')
                continue
            key = (mode, path.target)
            if key in shown:
                continue
            shown.add(key)
            add(
                f"<h3>By {_e(_MODE_WORDS[mode])} to state {path.target + 1}"
                f" ({_e(_join(concepts))})</h3>"
            )
            add(_steps_html(space, path.steps, report.status_quo))
    for k, (mode, graph) in enumerate(report._graphs):
        svg = _graph_svg(graph, f"graph{k}")
        if svg is None:
            add('<p class="note">The state graph has too many nodes to draw.</p>')
            continue
        add(
            f'<figure class="graph">{svg}<figcaption>Where the conflict can go from the status'
            f" quo by {_e(_MODE_WORDS[mode])}: the agreement state and the nearest reachable"
            " equilibria, with shortest paths drawn thick.</figcaption></figure>"
        )
        add(
            '<table class="legend"><tr><th>state</th><th>label</th><th>what is taken</th>'
            "<th>steps from the status quo</th><th>equilibrium under</th></tr>"
        )
        for node in graph.nodes.tolist():
            steps = graph.steps(node)
            concepts = graph.equilibrium_of(node)
            add(
                f'<tr><td class="num">{node + 1}</td><td class="label">{_e(space.label(node))}'
                f"</td><td>{_e(describe_state(space, node))}</td>"
                f'<td class="num">{steps if steps >= 0 else "not reachable"}</td>'
                f"<td>{_e(', '.join(concepts) or '—')}</td></tr>"
            )
        add("</table>")


def _html_fear(report: Report, add: Any) -> None:
    add("<h2>Which fear blocks agreement?</h2>")
    add(f"<p>{_e(report.fear_answer())}</p>")
    if report.why_stays:
        add(f"<h3>Why {_e(report.counterpart)} stays at the status quo</h3><ul>")
        for line in report.why_stays:
            add(f"<li>{_e(line)}</li>")
        add("</ul>")
    inverse = [a.inverse for a in report.agreement if a.inverse is not None]
    if inverse:
        add("<h3>Inverse analysis</h3>")
        add(
            "<table><tr><th>concept</th><th>target</th><th>result</th><th>fewest changes"
            "</th><th>profiles tried</th></tr>"
        )
        for inv in inverse:
            if inv.already:
                result = "already an equilibrium" + (
                    " reachable from the status quo" if inv.reachable_required else ""
                )
            elif inv.found:
                result = "; ".join(c["sentence"] for c in inv.solutions[0])
            else:
                result = f"none within {inv.max_changes} change(s)"
            add(
                f"<tr><td>{_e(inv.concept)}</td><td>state {inv.target + 1}</td>"
                f"<td>{_e(result)}</td>"
                f'<td class="num">{"—" if inv.size is None else inv.size}</td>'
                f'<td class="num">{inv.evaluated:,}</td></tr>'
            )
        add("</table>")
    if report.perceptions:
        add("<h3>Misperceptions corrected</h3>")
        add(
            "<table><tr><th>perception</th><th>concept</th><th>holder expects the agreement"
            " (before → after)</th><th>hyper-equilibria gained</th><th>lost</th><th>holder now"
            " also expects</th></tr>"
        )
        for p in report.perceptions:
            for concept, v in p.concepts.items():
                before, after = v["agreement_expected_before"], v["agreement_expected_after"]
                expect = (
                    "—"
                    if before is None
                    else f"{'yes' if before else 'no'} → {'yes' if after else 'no'}"
                )
                add(
                    f'<tr><td><b>{_e(p.name)}</b><br><span class="muted">{_e(p.holder)}:'
                    f" {_e(p.description)}</span></td><td>{_e(concept)}</td><td>{_e(expect)}</td>"
                    f'<td class="num">{len(v["became_hyper_equilibria"])}</td>'
                    f'<td class="num">{len(v["stopped_being_hyper_equilibria"])}</td>'
                    f"<td>{_e(_numbers(v['holder_now_expects']))}</td></tr>"
                )
        add("</table>")
    elif report.perceptions_note:
        add(f'<p class="note">{_e(report.perceptions_note)}</p>')


def _numbers(states: Sequence[int], limit: int = 12) -> str:
    shown = ", ".join(str(s + 1) for s in states[:limit])
    more = f" (+{len(states) - limit} more)" if len(states) > limit else ""
    return (shown + more) or "—"


def _html_robustness(report: Report, add: Any) -> None:
    add(f"<h2>How robust is it to what we do not know about {_e(report.counterpart)}?</h2>")
    add(f"<p>{_e(report.robustness_answer())}</p>")
    r = report.robustness
    if r is None:
        return
    add("<ul>" + "".join(f"<li>{_e(f)}</li>" for f in r.factors) + "</ul>")
    if r.strategies:
        concepts = report.concepts
        add(
            "<table><tr><th>strategy</th>"
            + "".join(f"<th>{_e(c)}: P(outcome reached)</th>" for c in concepts)
            + "</tr>"
        )
        for name, by in r.strategies.items():
            cells = "".join(
                "<td>" + _e(", ".join(f"{o} {_p(p)}" for o, p in by.get(c, {}).items())) + "</td>"
                for c in concepts
            )
            add(f"<tr><td>{_e(name)}</td>{cells}</tr>")
        add("</table>")
    if r.hypotheses:
        add(f"<h3>Each hypothesis about {_e(report.counterpart)}</h3>")
        head = "".join(f"<th>agreement an equilibrium ({_e(c)})</th>" for c in report.concepts)
        goal = "the table" if report.roles.table is not None else "the agreement"
        add(
            f"<table><tr><th>hypothesis</th><th>weight</th>{head}<th>path holds</th>"
            f"<th>best strategy for {goal} ({_e(report.concepts[0])})</th></tr>"
        )
        for h in r.hypotheses:
            cells = "".join(_yes_no(h.equilibrium.get(c)) for c in report.concepts)
            concept = report.concepts[0]
            table = h.p_table or h.p_agreement
            best = "—"
            if table:
                scored = [(n, per.get(concept, 0.0)) for n, per in table.items()]
                top = max(p for _, p in scored)
                best = (
                    ", ".join(n for n, p in scored if p == top) + f" (P {_p(top)})"
                    if top > 0
                    else "none (P 0)"
                )
            path = _yes_no(h.path_holds)
            if h.breaks:
                path = f'<td class="no">no: {_e(h.breaks[0])}</td>'
            add(
                f'<tr><td>{_e(h.name)}</td><td class="num">{h.weight:.2f}</td>{cells}{path}'
                f"<td>{_e(best)}</td></tr>"
            )
        add("</table>")


def _html_diagnosis(report: Report, add: Any) -> None:
    add(f"<h2>What {_e(report.counterpart)}'s record says</h2>")
    add(f"<p>{_e(report.diagnosis_answer())}</p>")
    d = report.diagnosis
    if d is None:
        return
    if d.sentences:
        add("<ul>" + "".join(f"<li>{_e(s)}.</li>" for s in d.sentences) + "</ul>")
    add(
        "<table><tr><th>hypothesis</th><th>prior</th><th>explained</th><th>posterior</th>"
        "<th>smallest change that fits the record</th></tr>"
    )
    for h in d.hypotheses:
        add(
            f'<tr><td>{_e(h["name"])}</td><td class="num">{h["prior"]:.2f}</td>'
            f'<td class="num">{h["explained"]}/{h["observations"]}</td>'
            f'<td class="num">{h["posterior"]:.3f}</td><td>{_e(h["change"] or "—")}</td></tr>'
        )
    add("</table>")
    if d.forecast:
        add(
            f"<h3>What the record implies for the strategies ({_e(d.forecast_concept)})</h3>"
            "<table><tr><th>strategy</th><th>outcome</th><th>P before the record</th>"
            "<th>P given the record</th></tr>"
        )
        for name, f in d.forecast.items():
            outcomes = list(dict.fromkeys([*f["posterior"], *f["prior"]]))
            for k, o in enumerate(outcomes):
                label = _e(name) if k == 0 else ""
                add(
                    f"<tr><td>{label}</td><td>{_e(o)}</td>"
                    f'<td class="num">{_p(f["prior"].get(o, 0.0))}</td>'
                    f'<td class="num">{_p(f["posterior"].get(o, 0.0))}</td></tr>'
                )
        add("</table>")
