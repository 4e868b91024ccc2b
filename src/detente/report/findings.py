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

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..analyses.stability import stable_for
from ..analyses.strategies import analyse_strategy, commit, outcomes_of
from ..analyses.uncertainty import BASELINE, factors_of, uncertainty_analysis
from ..errors import ModelError
from ..model.conflict import Conflict, Strategy
from ..space.state_space import StateSpace, as_space
from ..words import describe_state, join_words

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
#: Largest number of committed options whose sub-commitments are all tried (2^k - 1 each).
MAX_SUBSET_OPTIONS = 6

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
    source: str  # the model strategy it comes from

    def to_json(self) -> dict[str, Any]:
        return {
            "commit": self.commit,
            "outcome": self.outcome,
            "probability": {c: _r(p) for c, p in self.probability.items()},
            "steps": self.steps,
            "minimal": self.minimal,
            "source": self.source,
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


def _candidates(conflict: Conflict) -> list[tuple[str, dict[str, Any], str]]:
    """(name, commit, source strategy) of the model's strategies, then their smaller
    sub-commitments (options left free), without repeats."""
    seen: set[frozenset] = set()
    out: list[tuple[str, dict[str, Any], str]] = []
    own = {s.name for s in conflict.strategies}
    for s in conflict.strategies:
        key = frozenset(s.commit.items())
        if key not in seen:
            seen.add(key)
            out.append((s.name, dict(s.commit), s.name))
    for s in conflict.strategies:
        items = list(s.commit.items())
        if len(items) > MAX_SUBSET_OPTIONS:
            continue
        for size in range(1, len(items)):
            for subset in itertools.combinations(items, size):
                key = frozenset(subset)
                if key not in seen:
                    seen.add(key)
                    name = f"commit {commit_words(dict(subset))}"
                    while name in own:  # a sub-commitment never takes a strategy's name
                        name += "'"
                    out.append((name, dict(subset), s.name))
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
def build_findings(report: Any, *, samples: int, seed: int, jobs: int) -> Findings:
    """The findings of ``report`` (a :class:`~detente.report.brief.Report`)."""
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

    # P(outcome | hypothesis) for every candidate commitment: one run per hypothesis.
    cands = _candidates(conflict)
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
    targets = [o for o in (report.roles.agreement_outcome, report.roles.table) if o is not None]
    recs = _recommendations(
        candidates, targets, {s.name for s in conflict.strategies}, {n: src for n, _, src in cands}
    )
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
    )
    findings.notes = _notes(report, findings)
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


def _recommendations(
    candidates: list[StrategyOutcomes], targets: list[str], own: set[str], source: dict[str, str]
) -> list[Recommendation]:
    """Per target outcome: the minimal commitments (and the model's own strategies) that
    reach it with a positive probability, best first (probability, then size)."""
    out: list[Recommendation] = []
    for outcome in targets:
        reaching = [c for c in candidates if _best(c, outcome) >= NEGLIGIBLE]
        for c in reaching:
            key = set(c.commit.items())
            minimal = not any(
                set(o.commit.items()) < key and _works_as_well(o, c, outcome) for o in candidates
            )
            if not minimal and c.name not in own:
                continue
            fewest = [s[outcome] for s in c.steps.values() if outcome in s]
            out.append(
                Recommendation(
                    commit=c.commit,
                    outcome=outcome,
                    probability={k: c.p(k, outcome) for k in c.outcomes},
                    steps=min(fewest) if fewest else None,
                    minimal=minimal,
                    source=source.get(c.name, c.name),
                )
            )
    rank = {o: k for k, o in enumerate(targets)}
    out.sort(
        key=lambda r: (
            rank[r.outcome],
            -min(r.probability.values(), default=0.0),
            -sum(r.probability.values()),
            len(r.commit),
            r.steps if r.steps is not None else 1 << 30,
        )
    )
    return out


def _works_as_well(small: StrategyOutcomes, big: StrategyOutcomes, outcome: str) -> bool:
    """Does the smaller commitment reach ``outcome`` at least as likely, under every concept?"""
    return all(small.p(k, outcome) >= big.p(k, outcome) for k in big.outcomes)


def _best(c: StrategyOutcomes, outcome: str) -> float:
    return max((c.p(k, outcome) for k in c.outcomes), default=0.0)


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
        other = state_words(space, int(tied[0]))
        flags.append(
            Flag(
                "tie",
                f"{what} is stable for {space.dm_names[i]} ({concept})",
                f"{space.dm_names[i]} likes it exactly as much as {other}, which it can move"
                f" to alone; if it preferred that even slightly, the verdict would flip.",
            )
        )
    return flags


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
                f" ({inv.evaluated:,} profiles"
                + ("" if inv.exhaustive else ", not exhaustive")
                + "); a conclusion 'no change makes it hold' holds only within that bound.",
            )
        )
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
    if not f.recommendations:
        target = f.agreement or f.table or "a better outcome"
        out.append(
            f"None of the commitments tried (the model's strategies and their smaller"
            f" versions) reaches the {target} under what we believe about {cp}."
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
    what = commit_words(best.commit)
    out.append(f"Commit to {what}.")
    steps = "" if best.steps is None else f" in {best.steps} step{'s' if best.steps != 1 else ''}"
    out.append(
        f"Under our belief about {cp} this reaches the {best.outcome}{steps} with probability"
        f" {_p_text(best.probability)}."
    )
    if best.minimal:
        out.append("Nothing smaller that we tried does as well: every part of it is needed.")
    c = next(x for x in f.candidates if x.commit == best.commit)
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
