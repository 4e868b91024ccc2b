"""The brief's findings: one tree of numbers and sentences that every rendering reads.

:func:`build_findings` turns a :class:`~detente.report.brief.Report` (the analyses) into a
:class:`Findings` tree.  The summary text (:func:`summary_text`), the HTML page
(:mod:`detente.report.render_html`) and the JSON (:meth:`Findings.to_json`) are all rendered
from it, so their numbers cannot disagree: each (strategy, outcome, concept) probability is
computed once, here, and referenced wherever it is shown.

**One belief.**  The hypotheses about the counterpart are the model's ``alternatives`` for it
(declared once; their weights are the prior).  A record (an observed history) may only weigh
them: a history that brings a hypothesis of its own about the counterpart is a located error
(:func:`check_history_hypotheses`).  The probability of an outcome under a strategy is what
``detente uncertainty`` reports (:func:`detente.analyses.uncertainty.uncertainty_analysis`):
the probability, over the belief, that the conflict reaches an equilibrium with that outcome
from the status quo with the commitment applied.  The other DMs' uncertain preferences (e.g.
an ``uncertain_order``) stay in the joint distribution: the analysis is run once per
hypothesis about the counterpart (the counterpart's alternative fixed, every other factor
left uncertain), giving P(outcome | hypothesis), and the belief's probability is the
weighted sum Σ_h w_h P(outcome | h) with the prior weights, or, given a record, the posterior
ones.  Without a record this is exactly the ``detente uncertainty`` number (the law of total
probability over the counterpart's factor, which is independent of the others).

**Recommendations.**  The commitments tried are the model's strategies and every smaller
commitment obtained by leaving some of a strategy's options free (the sub-commitments).  A
commitment is *minimal* for an outcome when no smaller commitment of that family reaches the
outcome with at least its probability under every concept.  (A search over all commitments
open to the committing side is the job of the strategy-design analysis; this family is what
the brief can afford and it says so.)

**Fragility** (kinds): ``tie`` (a verdict "s is stable for i" that flips when i's indifference
between s and a state it can move to is broken against the verdict), ``indistinguishable``
(hypotheses no observation of the counterpart's moves can tell apart, grouped; robustness is
counted over the groups), ``bound`` (a bounded search and its bound), ``concept`` (a verdict
that holds only under some of the concepts shown, said once).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..analyses.design import DesignResult, assess, default_side, design, package_groups
from ..analyses.paths import evolution
from ..analyses.stability import analyze, stable_for
from ..analyses.strategies import analyse_strategy, commit, outcome_table, outcomes_of
from ..analyses.uncertainty import BASELINE, factors_of, space_with_ranks, uncertainty_analysis
from ..errors import DetenteError, ModelError
from ..model.conflict import Conflict, Strategy
from ..space.commit import commitment_of
from ..space.state_space import (
    StateSpace,
    as_space,
    condition_mask,
    dense_rank,
    preference_scores,
)
from ..words import describe_state, join_words, move_phrase

__all__ = [
    "GLOSSARY",
    "Answer",
    "Belief",
    "Findings",
    "Flag",
    "Hypothesis",
    "Recommendation",
    "StrategyOutcomes",
    "belief_probabilities",
    "build_findings",
    "check_history_hypotheses",
    "state_words",
    "summary_text",
]

#: A probability below this is too small to recommend a commitment or to state a verdict on
#: (tables still show it, as "<0.01").
NEGLIGIBLE = 0.01
#: Seconds per concept within which the inverse analysis raises its bound (one more change)
#: before the brief concludes "no change within the bound makes ..." (issue 11 §3); it is read
#: by report.brief, which runs the inverse analysis.
INVERSE_BUDGET = 10.0
#: Recommended packages (one per group) judged hypothesis by hypothesis for the brief.
MAX_JUDGED = 12
#: The ``source`` of a recommended package that is not one of the model's strategies.
DESIGN_SOURCE = "strategy design"

#: The GMCR terms the brief uses, each in one plain sentence.
GLOSSARY: dict[str, str] = {
    "equilibrium": "A situation nobody wants to leave on their own: every side that could"
    " change it expects to end up no better off.",
    "Nash": "The short-sighted test: a situation is stable for a side if no single move of"
    " its own makes things better for it right away.",
    "SEQ": "The sequential test (sequential stability): a side stays put unless it has a move"
    " that helps it and that the others cannot credibly punish with a move that helps them.",
    "unilateral improvement": "A move one side can make alone that leaves it better off by"
    " its own preferences.",
    "sanction": "A response by another side to a move that leaves the mover worse off than if"
    " it had stayed; a credible sanction is one the punisher also gains from.",
}


# -- the tree -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Hypothesis:
    """One hypothesis about the counterpart: its prior and posterior weight, its group."""

    name: str
    prior: float
    posterior: float
    group: int  # hypotheses of one group order the counterpart's own moves identically

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "prior": _r(self.prior), "posterior": _r(self.posterior)}


@dataclass(frozen=True)
class Belief:
    """The one belief behind every probability of the brief."""

    counterpart: str
    record: bool
    hypotheses: list[Hypothesis]
    other_uncertainty: list[str]  # the other DMs' uncertain preferences, in words
    method: str  # "exact" or "sample" (the uncertainty analysis)

    @property
    def weights(self) -> np.ndarray:
        return np.array([h.posterior for h in self.hypotheses])

    @property
    def groups(self) -> list[list[str]]:
        out: dict[int, list[str]] = {}
        for h in self.hypotheses:
            out.setdefault(h.group, []).append(h.name)
        return list(out.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "counterpart": self.counterpart,
            "record": self.record,
            "hypotheses": [h.to_json() for h in self.hypotheses],
            "indistinguishable_groups": [g for g in self.groups if len(g) > 1],
            "other_uncertainty": self.other_uncertainty,
            "method": self.method,
        }


@dataclass(frozen=True)
class StrategyOutcomes:
    """A commitment and P(outcome) per concept under the belief (and, given a record, the
    prior for the "before the record" column), plus P(outcome | hypothesis)."""

    name: str
    commit: dict[str, Any]
    outcomes: dict[str, dict[str, float]]
    prior_outcomes: dict[str, dict[str, float]]
    by_hypothesis: dict[str, dict[str, dict[str, float]]]  # hypothesis -> concept -> outcome
    steps: dict[str, dict[str, int]]  # concept -> outcome -> fewest steps (as modelled)
    note: str | None = None

    def p(self, concept: str, outcome: str) -> float:
        return self.outcomes.get(concept, {}).get(outcome, 0.0)

    def worst(self, outcome: str) -> float:
        """The smallest probability of ``outcome`` over the concepts."""
        return min((self.p(c, outcome) for c in self.outcomes), default=0.0)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "commit": self.commit,
            "outcomes": {c: {o: _r(p) for o, p in per.items()} for c, per in self.outcomes.items()},
        }


@dataclass(frozen=True)
class Recommendation:
    """A commitment that reaches ``outcome``: its probability per concept, its fewest steps
    under the preferences as modelled (None: not reached as modelled), and minimality."""

    commit: dict[str, Any]
    outcome: str
    probability: dict[str, float]
    steps: int | None
    minimal: bool
    source: str  # the model strategy with this commitment, or "strategy design"
    group: str = ""  # the package in words, equal packages of one dial merged
    gives_up: float = 0.0  # what the side gives up (analyses.design)

    def to_json(self) -> dict[str, Any]:
        return {
            "commit": self.commit,
            "outcome": self.outcome,
            "probability": {c: _r(p) for c, p in self.probability.items()},
            "steps": self.steps,
            "minimal": self.minimal,
            "source": self.source,
            "group": self.group,
            "gives_up": _r(self.gives_up),
        }


@dataclass(frozen=True)
class Flag:
    """A fragility flag: what kind, which claim it qualifies, and why."""

    kind: str
    claim: str
    detail: str

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "claim": self.claim, "detail": self.detail}


@dataclass(frozen=True)
class Answer:
    """One question of the brief: a one-sentence answer, then its evidence."""

    question: str
    answer: str
    evidence: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"question": self.question, "answer": self.answer, "evidence": self.evidence}


@dataclass(frozen=True)
class DialCell:
    """One level of the dial under one row: ``status`` (``ok``, ``infeasible``, ``no status
    quo``), the best target outcome reached (the agreement before the table; None: neither)
    and its probability per concept under the belief."""

    status: str
    outcome: str | None
    probability: dict[str, float]

    def text(self) -> str:
        if self.status != "ok":
            return "cannot be held"
        if self.outcome is None:
            return "—"
        return f"{self.outcome} {_p_text(self.probability)}"

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "outcome": self.outcome,
            "probability": {c: _r(p) for c, p in self.probability.items()},
        }


@dataclass(frozen=True)
class Constraint:
    """A condition of the model's ``infeasible`` list that rules a row out at some levels."""

    condition: str  # in the model's words
    levels: list[int]

    def sentence(self, option: str) -> str:
        return (
            f"It cannot be held at {option} {_spans(self.levels)}: the model rules out"
            f" {self.condition}."
        )

    def to_json(self) -> dict[str, Any]:
        return {"condition": self.condition, "levels": self.levels}


@dataclass(frozen=True)
class DialRow:
    """The dial swept under one commitment (its other values): the packages and strategies
    that are this commitment at some level, one cell per level, and what rules levels out."""

    names: list[str]
    commit: dict[str, Any]  # without the dial
    recommended: bool
    sources: frozenset  # the commits (items) of the recommendations swept in this row
    cells: list[DialCell]
    constraints: list[Constraint]

    def to_json(self) -> dict[str, Any]:
        return {
            "names": self.names,
            "commit": self.commit,
            "recommended": self.recommended,
            "cells": [c.to_json() for c in self.cells],
            "constraints": [c.to_json() for c in self.constraints],
        }


@dataclass(frozen=True)
class DialTable:
    """The dial × commitment table: each recommended package and each of the model's
    strategies with the dial held at every level, under the belief."""

    option: str
    levels: list[int]
    rows: list[DialRow]

    def to_json(self) -> dict[str, Any]:
        return {
            "option": self.option,
            "levels": self.levels,
            "rows": [r.to_json() for r in self.rows],
        }


@dataclass(frozen=True)
class PicturedState:
    """A state of a pictured path, in words: its outcome and what is taken in it; the move
    that led to it (None for the start)."""

    outcome: str
    detail: str
    mover: str | None = None
    move: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "detail": self.detail,
            "mover": self.mover,
            "move": self.move,
        }


@dataclass(frozen=True)
class PathPicture:
    """The path the top package opens, from today to its outcome, state by state in words."""

    title: str
    states: list[PicturedState]

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "states": [x.to_json() for x in self.states]}


@dataclass(frozen=True)
class _Move:
    """What :func:`detente.words.move_phrase` reads: the state reached and the changes."""

    target: int
    changes: tuple[tuple[int, int, int], ...]


@dataclass
class Findings:
    """Everything the brief says, once."""

    conflict: str
    counterpart: str
    agreement: str | None
    table: str | None
    concepts: list[str]
    status_quo: str | None
    belief: Belief
    strategies: list[StrategyOutcomes]
    recommendations: list[Recommendation]
    fragility: list[Flag]
    recommendation: list[str]  # the opening paragraph, sentence by sentence
    answers: list[Answer]
    candidates: list[StrategyOutcomes] = field(default_factory=list)
    search: dict[str, Any] = field(default_factory=dict)  # what the strategy design covered
    dial: DialTable | None = None  # the dial swept under each package and strategy
    picture: PathPicture | None = None  # the path the top package opens, in words
    notes: list[str] = field(default_factory=list)  # what the model lacks, in sentences
    technical: dict[str, Any] = field(default_factory=dict)

    def strategy(self, name: str) -> StrategyOutcomes:
        for s in self.strategies:
            if s.name == name:
                return s
        raise KeyError(name)

    def to_json(self) -> dict[str, Any]:
        return {
            "conflict": self.conflict,
            "counterpart": self.counterpart,
            "agreement": self.agreement,
            "table": self.table,
            "concepts": self.concepts,
            "recommendation": self.recommendation,
            "belief": self.belief.to_json(),
            "recommendations": [r.to_json() for r in self.recommendations],
            "search": self.search,
            "dial_table": None if self.dial is None else self.dial.to_json(),
            "path_picture": None if self.picture is None else self.picture.to_json(),
            "strategies": [s.to_json() for s in self.strategies],
            "fragility": [f.to_json() for f in self.fragility],
            "questions": [a.to_json() for a in self.answers],
            "notes": self.notes,
            "glossary": GLOSSARY,
            "technical": self.technical,
        }


def _r(x: float) -> float:
    return round(float(x), 6)


def pct(p: float) -> str:
    """A probability in words-friendly form: '0.62', '<0.01', '>0.99', '0', '1'."""
    if p <= 0:
        return "0"
    if p >= 1:
        return "1"
    if p < 0.005:
        return "<0.01"
    if p > 0.995:
        return ">0.99"
    return f"{p:.2f}"


# -- the belief ---------------------------------------------------------------------------------
def check_history_hypotheses(conflict: Conflict, history: Any, counterpart: str) -> None:
    """Raise a located error if ``history`` brings a hypothesis about ``counterpart`` that
    the model does not declare among its ``alternatives`` (the belief is declared once)."""
    dm = next(d for d in conflict.decision_makers if d.name == counterpart)
    declared = {a.name for a in dm.alternatives}
    for k, h in enumerate(getattr(history, "hypotheses", [])):
        if h.dm == counterpart and h.name not in declared:
            known = ", ".join(repr(n) for n in sorted(declared)) or "none"
            raise history.locate(
                ModelError(
                    f"hypothesis {h.name!r} about {counterpart} is not one of the model's"
                    f" alternatives ({known}); declare it once, in the model's alternatives",
                    ("hypotheses", k, "name"),
                )
            )


def _with_alternative(conflict: Conflict, dm: int, name: str | None) -> Conflict:
    """The model with DM ``dm``'s alternative fixed to ``name`` (None: as modelled)."""
    if name is None:
        return conflict
    dms = list(conflict.decision_makers)
    chosen = next(a for a in dms[dm].alternatives if a.name == name)
    dms[dm] = dms[dm].model_copy(update={"preferences": chosen.preferences, "alternatives": []})
    return conflict.model_copy(update={"decision_makers": dms})


def _hypothesis_ranks(conflict: Conflict, dm: int, names: Sequence[str | None]) -> np.ndarray:
    """(hypotheses, n_states) ranks of the counterpart under each hypothesis."""
    return np.stack([as_space(_with_alternative(conflict, dm, n)).ranks[dm] for n in names])


def indistinguishable_groups(space: StateSpace, dm: int, ranks: np.ndarray) -> list[int]:
    """Group id per hypothesis: hypotheses whose ranks order every move of ``dm`` the same
    way (better, equal, worse than staying) cannot be told apart by any record of its moves."""
    moves = space.moves[dm]  # (width, n) targets, padded with n_states
    valid = moves < space.n_states
    target = np.where(valid, moves, 0)
    signs = [np.where(valid, np.sign(r[target] - r[np.newaxis, :]), 0).tobytes() for r in ranks]
    first: dict[bytes, int] = {}
    return [first.setdefault(s, len(first)) for s in signs]


def _factor_words(conflict: Conflict, space: StateSpace, factor: Any) -> str:
    """An uncertain choice of another DM in words, statements quoted by their text."""
    who = space.dm_names[factor.dm]
    if factor.kind != "order" or factor.pair is None:
        return f"{who}: {join_words(list(factor.labels))}"
    written = conflict.decision_makers[factor.dm].preferences.prioritization or []
    a, b = (written[k - 1] if 0 < k <= len(written) else str(k) for k in factor.pair)
    return f"whether {who} puts '{b}' above '{a}' (probability {factor.probabilities[1]:.2f})"


def belief_probabilities(
    by_hypothesis: dict[str, dict[str, dict[str, float]]], weights: dict[str, float]
) -> dict[str, dict[str, float]]:
    """Σ_h w_h P(outcome | h), per concept and outcome.

    >>> belief_probabilities({"a": {"Nash": {"deal": 1.0}}, "b": {"Nash": {"talks": 1.0}}},
    ...                      {"a": 0.25, "b": 0.75})
    {'Nash': {'talks': 0.75, 'deal': 0.25}}
    """
    out: dict[str, dict[str, float]] = {}
    for h, per_concept in by_hypothesis.items():
        w = weights.get(h, 0.0)
        for c, per in per_concept.items():
            row = out.setdefault(c, {})
            for o, p in per.items():
                row[o] = row.get(o, 0.0) + w * p
    return {c: dict(sorted(row.items(), key=lambda kv: -kv[1])) for c, row in out.items()}


def _candidates(
    conflict: Conflict, recommended: Sequence[dict[str, Any]]
) -> list[tuple[str, dict[str, Any], str]]:
    """(name, commit, source) of the model's strategies, then of the recommended packages
    that are not one of them, without repeats (a package never takes a strategy's name)."""
    seen: set[frozenset] = set()
    out: list[tuple[str, dict[str, Any], str]] = []
    own = {s.name for s in conflict.strategies}
    for s in conflict.strategies:
        key = frozenset(s.commit.items())
        if key not in seen:
            seen.add(key)
            out.append((s.name, dict(s.commit), s.name))
    for commitment in recommended:
        key = frozenset(commitment.items())
        if key not in seen and commitment:
            seen.add(key)
            name = f"commit {commit_words(commitment)}"
            while name in own:
                name += "'"
            out.append((name, dict(commitment), DESIGN_SOURCE))
    return out


def commit_words(commitment: dict[str, Any]) -> str:
    """'sanctions at 6 + assurance' for {sanctions: 6, assurance: Y}.

    >>> commit_words({"sanctions": 6, "assurance": "Y", "join_sanctions": "N"})
    'sanctions at 6 + assurance + no join_sanctions'
    """
    parts = []
    for option, value in commitment.items():
        if value in ("Y", True):
            parts.append(str(option))
        elif value in ("N", False):
            parts.append(f"no {option}")
        else:
            parts.append(f"{option} at {value}")
    return " + ".join(parts) or "no commitment"


def _run(conflict: Conflict, report: Any, strategies: list[Strategy], **kw: Any):
    model = conflict.model_copy(update={"strategies": strategies})
    return uncertainty_analysis(
        model, report.concepts, progress=False, max_states=report.space.total_codes, **kw
    )


# -- building -----------------------------------------------------------------------------------
def build_findings(
    report: Any, *, samples: int, seed: int, jobs: int, search: bool = True
) -> Findings:
    """The findings of ``report`` (a :class:`~detente.report.brief.Report`); ``search=False``
    leaves the strategy design out (no recommendations)."""
    space = report.space
    conflict = space.conflict
    concepts = list(report.concepts)
    cp = report.roles.counterpart
    cp_name = space.dm_names[cp]
    alternatives = conflict.decision_makers[cp].alternatives
    names: list[str | None] = [a.name for a in alternatives] or [None]
    total = sum(a.weight for a in alternatives)
    prior = {
        n or "as modelled": (a.weight / total if alternatives else 1.0)
        for n, a in zip(names, alternatives or [None], strict=True)
    }
    posterior = dict(prior)
    record = report.diagnosis is not None
    if record:
        given = {h["name"]: h["posterior"] for h in report.diagnosis.hypotheses}
        posterior = {h: float(given.get(h, 0.0)) for h in prior}
        mass = sum(posterior.values())
        posterior = {h: p / mass for h, p in posterior.items()} if mass > 0 else dict(prior)
    groups = indistinguishable_groups(space, cp, _hypothesis_ranks(conflict, cp, names))
    others = [_factor_words(conflict, space, x) for x in factors_of(conflict) if x.dm != cp]

    # The recommendations: the strategy design's minimal packages under the one belief.
    targets = [o for o in (report.roles.agreement_outcome, report.roles.table) if o is not None]
    designed, design_note = (
        _design(report, targets, posterior if alternatives else None, jobs)
        if search
        else (None, "The strategy design was left out of this report (sections=...).")
    )
    recs = [] if designed is None else _recommendations(designed, targets)
    judged = list({frozenset(r.commit.items()): r.commit for r in recs}.values())[:MAX_JUDGED]
    # P(outcome | hypothesis) for the strategies and the recommended packages: one run per
    # hypothesis (the uncertainty analysis, so that these are `detente uncertainty`'s numbers).
    cands = _candidates(conflict, judged)
    strategies = [Strategy(name=n, commit=c) for n, c, _ in cands]
    by_h: dict[str, dict[str, dict[str, dict[str, float]]]] = {}
    notes: dict[str, str] = {}
    method = "exact"
    for n in names:
        result = _run(
            _with_alternative(conflict, cp, n),
            report,
            strategies,
            samples=samples,
            seed=seed,
            jobs=jobs,
        )
        method = result.method if result.method == "sample" else method
        notes.update(result.strategy_notes)
        for sname, per in result.strategies.items():
            by_h.setdefault(sname, {})[n or "as modelled"] = per
    steps = _steps(space, concepts, cands, report)
    rows: list[StrategyOutcomes] = []
    for sname, c, _src in [(BASELINE, {}, BASELINE), *cands]:
        per_h = by_h.get(sname, {})
        rows.append(
            StrategyOutcomes(
                name=sname,
                commit=c,
                outcomes=belief_probabilities(per_h, posterior),
                prior_outcomes=belief_probabilities(per_h, prior),
                by_hypothesis=per_h,
                steps=steps.get(sname, {}),
                note=notes.get(sname),
            )
        )
    model_names = {BASELINE, *(s.name for s in conflict.strategies)}
    shown = [r for r in rows if r.name in model_names]
    candidates = [r for r in rows if r.name != BASELINE]
    hyps = [Hypothesis(h, prior[h], posterior[h], g) for h, g in zip(prior, groups, strict=True)]
    belief = Belief(cp_name, record, hyps, others, method)
    own = {frozenset(s.commit.items()): s.name for s in conflict.strategies}
    recs = [replace(r, source=own.get(frozenset(r.commit.items()), r.source)) for r in recs]
    findings = Findings(
        conflict=conflict.name or "conflict",
        counterpart=cp_name,
        agreement=report.roles.agreement_outcome,
        table=report.roles.table,
        concepts=concepts,
        status_quo=None if space.status_quo is None else state_words(space, space.status_quo),
        belief=belief,
        strategies=shown,
        recommendations=recs,
        fragility=[],
        recommendation=[],
        answers=[],
        candidates=candidates,
        search=_search_json(designed),
    )
    findings.dial = _dial_table(report, targets, recs, posterior if alternatives else None, jobs)
    findings.picture = _path_picture(space, concepts, recs[0]) if recs else None
    findings.notes = _notes(report, findings) + ([design_note] if design_note else [])
    findings.fragility = _fragility(report, findings)
    findings.recommendation = _recommendation_text(findings)
    findings.answers = _answers(report, findings)
    findings.technical = report.technical_json()
    return findings


def _steps(space: StateSpace, concepts: list[str], cands: list, report: Any) -> dict:
    """Fewest steps to each outcome per concept, under the preferences as modelled."""
    out: dict[str, dict[str, dict[str, int]]] = {}
    if space.status_quo is None:
        return out
    spaces: list[tuple[str, Any]] = [(BASELINE, space)]
    for name, c, _ in cands:
        try:
            spaces.append((name, commit(space, c)))
        except ModelError:
            continue
    for name, committed in spaces:
        result = analyse_strategy(committed, concepts, name=name)
        if result.start is None:
            continue
        per: dict[str, dict[str, int]] = {}
        for concept, cr in result.concepts.items():
            for o in cr.outcomes_reachable:
                k = cr.nearest(o)
                if k is not None:
                    per.setdefault(concept, {})[o] = k
        out[name] = per
    return out


def _design(
    report: Any, targets: list[str], belief: dict[str, float] | None, jobs: int
) -> tuple[DesignResult | None, str | None]:
    """The strategy design (:func:`detente.analyses.design.design`) for the brief's targets,
    under the brief's belief; the side is the DMs whose options the model's strategies commit
    (the counterpart left out), else every DM but the counterpart."""
    space = report.space
    if space.status_quo is None:
        return None, None  # said once by the notes
    if not targets:
        return None, "No outcome to reach is named, so no commitment is searched for."
    cp = report.counterpart
    side = [d for d in default_side(space.conflict) if d != cp]
    side = side or [d for d in space.dm_names if d != cp]
    try:
        result = design(
            space,
            side=side,
            agreement=targets[0],
            table=targets[-1],
            concepts=report.concepts,
            belief=belief,
            jobs=jobs,
        )
    except DetenteError as exc:
        return None, f"No commitment was searched for: {exc}."
    return result, None


def _search_json(result: DesignResult | None) -> dict[str, Any]:
    if result is None:
        return {}
    return {
        "side": result.side,
        "options": result.options,
        "candidates": result.candidates,
        "covered": result.covered,
        "analysed": result.analysed,
        "pruned": result.pruned,
        "max_size": result.max_size,
        "complete": result.complete,
        "note": result.note,
    }


def _recommendations(result: DesignResult, targets: list[str]) -> list[Recommendation]:
    """Per target outcome (the agreement first): the design's minimal packages that reach it
    with a probability of at least :data:`NEGLIGIBLE` under some concept, in the design's
    order (probability under the belief, then what the side gives up, then size); packages
    equal but for one dial's level are consecutive and share their ``group`` text."""
    out: list[Recommendation] = []
    for outcome in dict.fromkeys(targets):
        working = [
            p
            for p in result.recommendations(outcome)
            if max(p.probability.values(), default=0.0) >= NEGLIGIBLE
        ]
        for text, members in package_groups(result.space, working):
            for p in members:
                out.append(
                    Recommendation(
                        commit=p.commit,
                        outcome=outcome,
                        probability=dict(p.probability),
                        steps=p.steps,
                        minimal=p.minimal,
                        source=DESIGN_SOURCE,
                        group=text,
                        gives_up=p.gives_up,
                    )
                )
    return out


def state_words(space: StateSpace, state: int) -> str:
    """A state in words: its outcome, then what is taken in it.

    >>> import detente
    >>> space = as_space(detente.load_case("north-korea"))
    >>> state_words(space, space.status_quo)
    'stalemate (sanctions at 5, tests)'
    """
    outcome = join_words(outcomes_of(space, state))
    return f"{outcome} ({describe_state(space, state)})"


def _notes(report: Any, f: Findings) -> list[str]:
    """What the model lacks for parts of the brief, each said once."""
    notes = [n for n in (report.strategies_note, report.agreement_note) if n]
    if report.space.status_quo is None:
        notes.append(
            "The model has no status quo, so no strategy can be followed from today and no"
            " probability of reaching an outcome is given."
        )
    if not factors_of(report.space.conflict):
        notes.append(
            "The model states no uncertainty about preferences (no alternatives or"
            " uncertain_order): the belief is the preferences as modelled."
        )
    return notes


# -- fragility ----------------------------------------------------------------------------------
def tie_flags(space: StateSpace, state: int, concept: str, what: str) -> list[Flag]:
    """Flags for each DM for whom ``state`` is stable under ``concept`` only because of an
    indifference: breaking the DM's ties between ``state`` and the states it can move to, in
    favour of the move, makes the state unstable for it."""
    flags = []
    ranks = space.ranks
    for i in range(space.n_dms):
        column = space.moves[i][:, state]
        targets = np.unique(column[column < space.n_states])
        tied = targets[ranks[i][targets] == ranks[i][state]]
        if tied.size == 0 or not stable_for(space, concept, i)[state]:
            continue
        broken = ranks.astype(np.int64) * 2
        broken[i, tied] += 1  # each tied move now slightly better than staying
        if stable_for(space, concept, i, ranks=broken)[state]:
            continue
        other = int(tied[0])
        same = outcomes_of(space, other) == outcomes_of(space, state)
        diff = difference_words(space, state, other)
        named = (
            f"the same {join_words(outcomes_of(space, other))} {diff}"
            if same
            else f"{join_words(outcomes_of(space, other))} (the same state {diff})"
        )
        flags.append(
            Flag(
                "tie",
                f"{what} is stable for {space.dm_names[i]} ({concept})",
                f"{space.dm_names[i]} likes it exactly as much as {named}, which it can move"
                f" to alone; if it preferred that even slightly, the verdict would flip.",
            )
        )
    return flags


def difference_words(space: StateSpace, a: int, b: int) -> str:
    """How state ``b`` differs from state ``a``, in words.

    >>> import detente
    >>> space = as_space(detente.load_case("elmira"))
    >>> difference_words(space, 0, 1), difference_words(space, 1, 0)
    ('with Modify', 'without Modify')
    """
    parts = []
    for k, option in enumerate(space.conflict.options):
        va, vb = int(space.values[a, k]), int(space.values[b, k])
        if va == vb:
            continue
        if option.binary:
            parts.append(f"with {option.name}" if vb else f"without {option.name}")
        else:
            parts.append(f"with {option.name} at {vb} instead of {va}")
    return join_words(parts) or "(no option differs)"


def _fragility(report: Any, f: Findings) -> list[Flag]:
    space = report.space
    flags: list[Flag] = []
    seen: set[tuple[str, str]] = set()
    for a in report.agreement:
        if a.state is None or not a.is_equilibrium:
            continue
        for flag in tie_flags(space, a.state, a.concept, f"The {f.agreement}"):
            key = (flag.claim.split(" (")[0], flag.detail)
            if key not in seen:
                seen.add(key)
                flags.append(flag)
    groups = [g for g in f.belief.groups if len(g) > 1]
    for g in groups:
        flags.append(
            Flag(
                "indistinguishable",
                f"{join_words([repr(n) for n in g])} count as one hypothesis",
                f"They order every move {f.counterpart} can make alone in the same way, so no"
                f" record of its moves can tell them apart; robustness is counted over"
                f" {len(f.belief.groups)} distinguishable groups, not"
                f" {len(f.belief.hypotheses)} hypotheses.",
            )
        )
    for inv in _inverse_findings(report):
        flags.append(
            Flag(
                "bound",
                f"Changes of {inv.dm}'s preferences that make the {f.agreement} hold"
                f" ({inv.concept})",
                f"The search tried at most {inv.max_changes} change(s)"
                f" ({inv.evaluated:,} profile{'s' if inv.evaluated != 1 else ''}"
                + ("" if inv.exhaustive else ", not exhaustive")
                + (
                    f"; raised from {inv.asked} within its {INVERSE_BUDGET:.0f} s budget"
                    if inv.max_changes > inv.asked
                    else ""
                )
                + (
                    f"; one more change would take about {inv.next_estimate:.0f} s, beyond"
                    f" the {INVERSE_BUDGET:.0f} s budget"
                    if inv.next_estimate is not None and inv.exhaustive
                    else ""
                )
                + "); a conclusion 'no change makes it hold' holds only within that bound.",
            )
        )
    flags += statement_flags(space, f.concepts, _headline_verdicts(report, f))
    if len(f.concepts) > 1:
        for s in f.strategies:
            for outcome in [o for o in (f.agreement, f.table) if o]:
                ps = {c: s.p(c, outcome) for c in f.concepts}
                yes = [c for c, p in ps.items() if p >= NEGLIGIBLE]
                if yes and len(yes) < len(ps):
                    flags.append(
                        Flag(
                            "concept",
                            f"'{s.name}' can reach the {outcome}",
                            f"only under {join_words(yes)}"
                            f" (probability {pct(max(ps.values()))}); under"
                            f" {join_words([c for c in ps if c not in yes])} it does not.",
                        )
                    )
    return flags


def _without_statement(space: StateSpace, dm: int, k: int) -> np.ndarray:
    """The DMs' ranks with statement ``k`` of DM ``dm``'s prioritization (as modelled) left
    out: the remaining statements keep their order, so their weights 2^(K-1-j) keep it too."""
    prefs = space.conflict.decision_makers[dm].preferences
    statements = list(prefs.prioritization or [])
    kept = prefs.model_copy(update={"prioritization": statements[:k] + statements[k + 1 :]})
    ranks = space.ranks.astype(np.int64).copy()
    ranks[dm] = dense_rank(preference_scores(space, kept, ("decision_makers", dm)))
    return ranks


def statement_flags(
    space: StateSpace,
    concepts: Sequence[str],
    verdicts: Sequence[tuple[str, Any]],
) -> list[Flag]:
    """Leave one statement out: for each headline verdict, the preference statements (as
    modelled, by their text) whose removal flips it.

    ``verdicts`` are ``(claim, test)`` pairs: ``test(ranks)`` gives, per concept, whether the
    verdict holds with those ranks; the flags name each statement of any DM's prioritization
    whose removal (the others kept in order) changes the answer under some concept where it
    held.  Rankings and payoffs have no statements and are not varied.
    """
    flags = []
    for claim, test in verdicts:
        held = test(space.ranks)
        if not any(held.values()):
            continue
        for dm, d in enumerate(space.conflict.decision_makers):
            statements = d.preferences.prioritization or []
            if len(statements) < 2:
                continue
            for k, text in enumerate(statements):
                now = test(_without_statement(space, dm, k))
                flipped = [c for c in concepts if held.get(c) and not now.get(c)]
                if not flipped:
                    continue
                flags.append(
                    Flag(
                        "statement",
                        claim,
                        f"It rests on {d.name}'s statement '{text}': without it, it no longer"
                        f" holds{_under(flipped, concepts)}.",
                    )
                )
    return flags


def _under(these: Sequence[str], concepts: Sequence[str]) -> str:
    return "" if set(these) >= set(concepts) else f" under {join_words(list(these))}"


def reaches_test(space: StateSpace, commitment: dict[str, Any], outcome: str, concepts: list[str]):
    """``test(ranks)``: per concept, does the conflict committed to ``commitment`` reach an
    equilibrium with ``outcome`` from the committed status quo (compare's reading)?  None
    when the commitment cannot be held from the status quo."""
    names, table = outcome_table(space)
    try:
        committed = commit(space, commitment)
        start = committed.status_quo
    except ModelError:
        return None
    if start is None:
        return None
    parent = committed.parent_state
    target = table[parent][:, names.index(outcome)]

    def test(ranks: np.ndarray) -> dict[str, bool]:
        view = space_with_ranks(committed, ranks[:, parent])
        reached = evolution(view, int(start)).distance >= 0
        stable = analyze(view, concepts).stable
        return {c: bool((reached & target & stable[c].all(axis=0)).any()) for c in concepts}

    return test


def _headline_verdicts(report: Any, f: Findings) -> list[tuple[str, Any]]:
    """The brief's headline verdicts as tests over ranks (see :func:`statement_flags`), with
    the preferences as modelled: the best package for each target reaches it, each of the
    model's strategies reaches the best target it reaches, and the agreement state is an
    equilibrium."""
    space = report.space
    concepts = list(f.concepts)
    out: list[tuple[str, Any]] = []
    if space.status_quo is not None:
        tried: list[tuple[str, dict[str, Any], str]] = []
        for outcome in dict.fromkeys(r.outcome for r in f.recommendations):
            best = next(r for r in f.recommendations if r.outcome == outcome)
            tried.append((package_words(best), best.commit, outcome))
        for s in f.strategies:
            if s.name == BASELINE:
                continue
            goal = next((o for o in (f.agreement, f.table) if o and s.worst(o) > 0), None)
            if goal is not None:
                tried.append((f"'{s.name}'", s.commit, goal))
        for words, commitment, outcome in tried:
            test = reaches_test(space, commitment, outcome, concepts)
            if test is not None:
                claim = f"{words} reaches the {outcome} (preferences as modelled)"
                out.append((claim[0].upper() + claim[1:], test))
    for a in report.agreement:
        if a.state is None or not a.is_equilibrium:
            continue
        state = a.state

        def equilibrium(ranks: np.ndarray, state: int = state) -> dict[str, bool]:
            return {
                c: all(
                    bool(stable_for(space, c, i, ranks=ranks)[state]) for i in range(space.n_dms)
                )
                for c in concepts
            }

        out.append(
            (f"The {f.agreement} ({state_words(space, state)}) is an equilibrium", equilibrium)
        )
        break  # one agreement state: the concepts' are tested together
    return out


def _inverse_findings(report: Any) -> list[Any]:
    out = []
    for a in report.agreement:
        inv = getattr(a, "inverse", None)
        if inv is not None:
            out.append(inv)
    return out


# -- sentences ----------------------------------------------------------------------------------
def _p_text(probability: dict[str, float]) -> str:
    """'0.62' if every concept agrees, else '0.62 (Nash), 0.40 (SEQ)'."""
    values = {pct(p) for p in probability.values()}
    if len(values) == 1:
        return values.pop()
    return ", ".join(f"{pct(p)} ({c})" for c, p in probability.items())


def _recommendation_text(f: Findings) -> list[str]:
    """The opening paragraph: what to do, what it achieves, why, what could make it fail,
    what to watch for (at most about ten sentences)."""
    cp = f.counterpart
    out: list[str] = []
    searched = searched_words(f)
    if not f.recommendations:
        target = f.agreement or f.table or "a better outcome"
        out.append(
            f"None of {searched} reaches the {target} under what we believe about {cp}."
            if searched
            else "No commitment was searched for, so none is recommended."
        )
        base = next((s for s in f.strategies if s.name == BASELINE), None)
        if base is not None:
            top = _top_outcome(base)
            if top is not None:
                out.append(
                    f"Without any commitment the conflict most likely ends in '{top[0]}'"
                    f" (probability {pct(top[1])})."
                )
        return out
    best = f.recommendations[0]
    if best.commit:
        out.append(f"Commit to {package_words(best)}.")
        what = "this"
    else:
        out.append(f"No commitment is needed to reach the {best.outcome}.")
        what = "the conflict as it stands"
    steps = "" if best.steps is None else f" in {best.steps} step{'s' if best.steps != 1 else ''}"
    out.append(
        f"Under our belief about {cp} {what} reaches the {best.outcome}{steps} with"
        f" probability {_p_text(best.probability)}."
    )
    if best.minimal and searched:
        out.append(
            f"It is the best of {searched}"
            + (
                ", and no part of it can be left out without losing a scenario in which it works."
                if best.commit
                else ": no commitment does better."
            )
        )
    held = _held_back(f, best)
    if held:
        out.append(held)
    c = next(x for x in [*f.candidates, *f.strategies] if x.commit == best.commit)
    working = [k for k, p in best.probability.items() if p >= NEGLIGIBLE]
    if len(working) < len(f.concepts):
        out.append(
            f"This holds only under {join_words(working)}: if every side looks only one move"
            f" ahead ({join_words([k for k in f.concepts if k not in working])}), it does not."
        )
    holds = [
        h
        for h in f.belief.hypotheses
        if any(
            c.by_hypothesis.get(h.name, {}).get(k, {}).get(best.outcome, 0.0) > 0 for k in working
        )
    ]
    fails = [h for h in f.belief.hypotheses if h not in holds]
    if holds and alternatives_declared(f):
        groups = f.belief.groups
        held = {h.name for h in holds}
        working_groups = [g for g in groups if held & set(g)]
        out.append(
            f"It works if {cp} is driven by {join_words([repr(h.name) for h in holds])}:"
            f" it answers that fear ({len(working_groups)} of the {len(groups)} hypotheses"
            f" its moves can tell apart)."
        )
    if fails:
        out.append(
            f"It fails if {cp} is driven by {join_words([repr(h.name) for h in fails])}"
            f" (together {pct(sum(h.posterior for h in fails))} of our belief)."
        )
    # The counterpart's own ties first: its indifference is what the adviser cannot control.
    ties = sorted(
        (x for x in f.fragility if x.kind == "tie"),
        key=lambda x: f" {cp} (" not in x.claim,
    )
    if ties:
        claim = ties[0].claim.split(" (")[0]
        out.append(f"Fragile: {claim[0].lower() + claim[1:]} only by a tie. {ties[0].detail}")
    watch = _watch_sentence(f)
    if watch:
        out.append(watch)
    return out[:10]


def recommendation_groups(f: Findings) -> list[Recommendation]:
    """The first recommendation of each group (packages equal but for a dial's level)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for r in f.recommendations:
        key = (r.outcome, r.group or commit_words(r.commit))
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def package_words(r: Recommendation) -> str:
    """A recommended package in words: 'sanctions at most 4, assurance and normalize'."""
    return join_words((r.group or commit_words(r.commit)).split(" + "))


def searched_words(f: Findings) -> str:
    """'the 8,748 commitments open to US, SouthKorea and China' (what the design covered)."""
    s = f.search
    if not s:
        return ""
    side = join_words(s["side"])
    if s["max_size"] is None and s["complete"]:
        return f"the {s['candidates']:,} commitments open to {side}"
    return f"the {s['covered']:,} commitments of at most {s['max_size']} options open to {side}"


def _held_back(f: Findings, r: Recommendation) -> str | None:
    """Why the package's dial cannot go higher (or lower): the constraint of the dial table."""
    if f.dial is None:
        return None
    key = frozenset(r.commit.items())
    row = next((x for x in f.dial.rows if key in x.sources), None)
    if row is None or not row.constraints:
        return None
    return " ".join(c.sentence(f.dial.option) for c in row.constraints)


def _spans(levels: Sequence[int]) -> str:
    """'5–10', '0, 2 and 4–6'."""
    runs: list[list[int]] = []
    for v in sorted(levels):
        if runs and v == runs[-1][-1] + 1:
            runs[-1].append(v)
        else:
            runs.append([v])
    return join_words([f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs])


def condition_words(conflict: Conflict, condition: Any) -> str:
    """An ``infeasible`` condition as the model writes it, quoted.

    >>> import detente
    >>> nk = detente.load_case("north-korea")
    >>> [condition_words(nk, c) for c in nk.infeasible][:2]
    ["'denuclearize and tests'", "'strike and assurance' together"]
    """
    if condition.statement is not None:
        return f"'{condition.statement}'"
    if condition.mutually_exclusive is not None:
        return f"'{' and '.join(condition.mutually_exclusive)}' together"
    if condition.at_least_one is not None:
        return f"none of {join_words(condition.at_least_one)}"
    if condition.exactly_one is not None:
        return f"other than exactly one of {join_words(condition.exactly_one)}"
    when = condition.when
    if isinstance(when, dict):
        parts = []
        for k, v in when.items():
            if v in ("Y", True, 1) and conflict.options[conflict.option_index[k]].binary:
                parts.append(k)
            elif v in ("N", False, 0) and conflict.options[conflict.option_index[k]].binary:
                parts.append(f"not {k}")
            else:
                parts.append(f"{k} == {v}")
        return f"'{' and '.join(parts)}'"
    return f"'{when}'"


def _ruled_out_by(space: StateSpace, commitment: dict[str, Any]) -> list[str]:
    """The model's infeasibility conditions that hold at the status quo with ``commitment``
    applied (why the commitment cannot be held from today)."""
    conflict = space.conflict
    row = space.values[space.status_quo].astype(np.int64).copy()
    for k, v in commitment_of(conflict, commitment).values:
        row[k] = v
    out = []
    for k, condition in enumerate(conflict.infeasible):
        if condition_mask(conflict, condition, row[np.newaxis, :], ("infeasible", k))[0]:
            out.append(condition_words(conflict, condition))
    return out or ["the status quo with it (no feasible state keeps it)"]


def _state_pair(space: StateSpace, state: int) -> tuple[str, str]:
    return join_words(outcomes_of(space, state)), describe_state(space, state)


def _path_picture(space: StateSpace, concepts: list[str], r: Recommendation) -> PathPicture | None:
    """A shortest path, by unilateral improvements with the preferences as modelled, from
    the status quo committed to ``r``'s package to the nearest equilibrium with its outcome
    (the first concept under which there is one); None when it is not reached as modelled."""
    try:
        committed = commit(space, r.commit)
        report = analyse_strategy(committed, concepts)
    except ModelError:
        return None
    if report.start is None:
        return None
    for concept in concepts:
        hits = [
            e
            for e in report.concepts[concept].reachable
            if r.outcome in e.outcomes and e.path is not None and e.steps is not None
        ]
        if not hits:
            continue
        nearest = min(hits, key=lambda e: (e.steps, e.state))
        # The report speaks in the full conflict's states (compare's reading).
        states = [PicturedState(*_state_pair(space, int(report.start)))]
        index = space.option_names
        for step in nearest.path or []:
            changes = tuple((index.index(c.option), c.before, c.after) for c in step.changes)
            states.append(
                PicturedState(
                    *_state_pair(space, step.after),
                    "+".join(step.mover),
                    move_phrase(space, _Move(step.after, changes), "s"),
                )
            )
        title = (
            f"With {package_words(r)}: from today to the {r.outcome}, by moves that each"
            f" leave the mover better off (preferences as modelled, {concept})"
        )
        return PathPicture(title, states)
    return None


def _dial_table(
    report: Any,
    targets: list[str],
    recs: list[Recommendation],
    belief: dict[str, float] | None,
    jobs: int,
) -> DialTable | None:
    """Sweep the dial under each recommended package (one per group) and each of the model's
    strategies (and no commitment), judged under the belief by the design's machinery."""
    space = report.space
    dial = report.roles.dial
    if dial is None or space.status_quo is None or not targets:
        return None
    conflict = space.conflict
    option = conflict.options[conflict.option_index[dial]]
    levels = list(range(option.top + 1))
    rows: dict[frozenset, dict[str, Any]] = {}

    def add(name: str | None, commit_: dict[str, Any], source: frozenset | None) -> None:
        rest = {k: v for k, v in commit_.items() if k != dial}
        key = frozenset(rest.items())
        label = commit_words(rest) if rest else f"{dial} alone"
        row = rows.setdefault(
            key, {"names": [label], "commit": rest, "rec": False, "sources": set()}
        )
        if name is not None and name not in row["names"]:
            row["names"].append(name)
        if source is not None:
            row["rec"] = True
            row["sources"].add(source)

    for r in recs:
        key = frozenset((k, v) for k, v in r.commit.items() if k != dial)
        if key in rows or sum(row["rec"] for row in rows.values()) < MAX_JUDGED:
            add(None, r.commit, frozenset(r.commit.items()))
    for strategy in conflict.strategies:
        add(f"'{strategy.name}'", dict(strategy.commit), None)
    add(None, {}, None)
    commitments = [{**row["commit"], dial: lv} for row in rows.values() for lv in levels]
    judged = assess(
        space,
        commitments,
        outcomes=targets,
        concepts=report.concepts,
        belief=belief,
        jobs=jobs,
    )
    out = []
    for n, row in enumerate(rows.values()):
        cells = []
        ruled: dict[str, list[int]] = {}
        for lv, a in zip(levels, judged[n * len(levels) : (n + 1) * len(levels)], strict=True):
            best = next(
                (o for o in targets if max(a.probability[o].values(), default=0.0) >= NEGLIGIBLE),
                None,
            )
            cells.append(
                DialCell(a.status, best, dict(a.probability[best]) if best is not None else {})
            )
            if a.status != "ok":
                for text in _ruled_out_by(space, a.commit):
                    ruled.setdefault(text, []).append(lv)
        out.append(
            DialRow(
                names=row["names"],
                commit=row["commit"],
                recommended=row["rec"],
                sources=frozenset(row["sources"]),
                cells=cells,
                constraints=[Constraint(text, lv) for text, lv in ruled.items()],
            )
        )
    return DialTable(dial, levels, out)


def alternatives_declared(f: Findings) -> bool:
    return not (len(f.belief.hypotheses) == 1 and f.belief.hypotheses[0].name == "as modelled")


def _watch_sentence(f: Findings) -> str | None:
    """What to watch for: the groups of hypotheses the counterpart's moves could still
    separate (those the belief has not ruled out)."""
    weight = {h.name: h.posterior for h in f.belief.hypotheses}
    live = [g for g in f.belief.groups if sum(weight[n] for n in g) >= NEGLIGIBLE]
    if len(live) >= 2:
        return (
            f"Watch {f.counterpart}'s next moves: they can tell apart"
            f" {join_words([' / '.join(repr(n) for n in g) for g in live])}."
        )
    if live and len(live[0]) > 1:
        return (
            f"What remains ({join_words([repr(n) for n in live[0]])}) cannot be told apart by"
            f" {f.counterpart}'s moves alone: watch what it asks for, not what it does."
        )
    return None


def _top_outcome(s: StrategyOutcomes) -> tuple[str, float] | None:
    best: tuple[str, float] | None = None
    for per in s.outcomes.values():
        for o, p in per.items():
            if best is None or p > best[1]:
                best = (o, p)
    return best


def _answers(report: Any, f: Findings) -> list[Answer]:
    """Each strategy's question in one sentence, then its evidence; then the report's other
    questions (dial, path, fear, robustness, record) with their computed answers."""
    cp = f.counterpart
    out: list[Answer] = []
    goals = [o for o in (f.table, f.agreement) if o]
    for s in f.strategies:
        q = (
            "Where does the conflict go if nobody commits to anything?"
            if s.name == BASELINE
            else f"Does '{s.name}' bring {cp} to the table or to an agreement?"
        )
        parts = []
        for o in goals:
            probability = {c: s.p(c, o) for c in f.concepts}
            if max(probability.values(), default=0.0) >= NEGLIGIBLE:
                parts.append(f"the {o} with probability {_p_text(probability)}")
        top = _top_outcome(s)
        ending = "" if top is None else f"; most likely it ends in {top[0]} ({pct(top[1])})"
        if parts:
            answer = f"'{s.name}' reaches {join_words(parts)}{ending}."
        elif goals:
            answer = (
                f"'{s.name}' reaches neither {' nor '.join('the ' + o for o in goals)}{ending}."
            )
        else:
            answer = f"'{s.name}'{ending.replace(';', '')}."
        evidence = []
        for c in f.concepts:
            row = s.outcomes.get(c, {})
            if row:
                evidence.append(f"{c}: " + ", ".join(f"{o} {pct(p)}" for o, p in row.items()))
        if f.belief.record and goals:
            prior = {
                o: {c: s.prior_outcomes.get(c, {}).get(o, 0.0) for c in f.concepts} for o in goals
            }
            before = [f"the {o} {_p_text(prior[o])}" for o in goals]
            evidence.append(f"Before the record: {join_words(before)}.")
        if s.note:
            evidence.append(s.note)
        out.append(Answer(q, answer, evidence))
    for question, answer in report.questions()[len(report.strategies) or 1 :]:
        if question.startswith(("How robust", "What does")):
            continue  # said by the belief and the strategies above, from the one belief
        if question.startswith("Does turning") and f.dial is not None:
            out.append(_dial_answer(f, answer))
            continue
        out.append(Answer(question, answer, []))
    if f.belief.record:
        d = report.diagnosis
        ruled_out = [h.name for h in f.belief.hypotheses if h.posterior < NEGLIGIBLE]
        best = max(f.belief.hypotheses, key=lambda h: h.posterior)
        answer = (
            f"{cp}'s record ({d.observations} observed moves) fits {best.name!r} best"
            f" ({pct(best.prior)} before the record, {pct(best.posterior)} after)"
            + (f" and rules out {join_words([repr(n) for n in ruled_out])}" if ruled_out else "")
            + "."
        )
        out.append(Answer(f"What does {cp}'s record say?", answer, list(d.sentences)))
    return out


def row_name(row: DialRow) -> str:
    """'assurance + normalize (recommended)', "assurance = 'pressure with an assurance'"."""
    return " = ".join(row.names) + (" (recommended)" if row.recommended else "")


def _row_runs(table: DialTable, row: DialRow) -> list[tuple[DialCell, list[int]]]:
    """Consecutive levels with the same cell text."""
    runs: list[tuple[DialCell, list[int]]] = []
    for lv, cell in zip(table.levels, row.cells, strict=True):
        if runs and runs[-1][0].text() == cell.text():
            runs[-1][1].append(lv)
        else:
            runs.append((cell, [lv]))
    return runs


def _row_sentence(table: DialTable, row: DialRow) -> str:
    """ "with assurance + normalize, the deal (probability >0.99) at sanctions 0–4; cannot be
    held at 5–10"."""
    parts = []
    for cell, levels in _row_runs(table, row):
        where = f"at {table.option} {_spans(levels)}"
        if cell.status != "ok":
            parts.append(f"it cannot be held {where}")
        elif cell.outcome is None:
            parts.append(f"it reaches neither target {where}")
        else:
            parts.append(
                f"the conflict reaches the {cell.outcome} {where} (probability"
                f" {_p_text(cell.probability)})"
            )
    return f"With {row_name(row)}, " + "; ".join(parts)


def _dial_answer(f: Findings, modelled: str) -> Answer:
    """The dial question answered from the dial × commitment table: the top package's row
    (and what rules its levels out) first; each row, and the sweep without commitment with
    the preferences as modelled, as evidence."""
    table = f.dial
    assert table is not None
    top = f.recommendations[0] if f.recommendations else None
    key = frozenset(top.commit.items()) if top is not None else None
    row = next((r for r in table.rows if key in r.sources), None) if key is not None else None
    row = row or table.rows[-1]
    answer = _row_sentence(table, row)
    because = [f"the model rules out {c.condition} at {_spans(c.levels)}" for c in row.constraints]
    answer += (": " + "; ".join(because) if because else "") + "."
    evidence = [_row_sentence(table, r) + "." for r in table.rows if r is not row]
    evidence.append(f"Without any commitment, with the preferences as modelled: {modelled}")
    return Answer(f"Does turning {table.option} up or down change the outcome?", answer, evidence)


def summary_text(f: Findings) -> str:
    """The printed summary: the recommendation, then one line per strategy."""
    lines = [f"{f.conflict}: the brief for dealing with {f.counterpart}", ""]
    lines += f.recommendation
    lines.append("")
    belief = ", ".join(
        f"{h.name} {pct(h.prior)}" + (f"→{pct(h.posterior)}" if f.belief.record else "")
        for h in f.belief.hypotheses
    )
    lines.append(f"Belief about {f.counterpart}: {belief}.")
    for a in f.answers[: len(f.strategies)]:
        lines.append(f"- {a.answer}")
    lines += f.notes
    shown = 3
    for flag in f.fragility[:shown]:
        lines.append(f"! {flag.claim}: {flag.detail}")
    if len(f.fragility) > shown:
        lines.append(f"! ... and {len(f.fragility) - shown} more in the brief.")
    return "\n".join(lines)
