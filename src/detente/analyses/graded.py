"""Probabilistic and fuzzy stability of a whole conflict (graded preferences).

**Probabilistic preferences** (Rêgo & dos Santos 2015, "Probabilistic preferences in the
graph model for conflict resolution", IEEE Trans. SMC: Systems 45(4)).  DM i prefers a to b
with probability P_i(a ≻ b).  detente derives these probabilities from the model's own
uncertainty: a DM with ``alternatives`` (or ``uncertain_order`` pairs) has a weighted set of
rankings, the scenarios of :mod:`detente.analyses.uncertainty`, and P_i(a ≻ b) is the
weight of the rankings that put a strictly above b; a DM without them prefers with
probability 0 or 1.  Concepts: ``α-Nash``, ``(α,β)-GMR``, ``(α,β)-SMR``, ``(α,β,γ)-SEQ``
(``(α,β)-SEQ`` takes γ = α); every parameter in (0, 1].

**Fuzzy preferences** (Bashar, Kilgour & Hipel 2012, "Fuzzy preferences in the graph model
for conflict resolution", IEEE Trans. Fuzzy Systems 20(4)).  A DM with a ``fuzzy`` block
has a fuzzy satisficing threshold and an additively consistent fuzzy preference relation
built from its preference scores (see :mod:`detente.model.fuzzy_preferences`); a DM
without one is crisp.  Concepts ``FR``, ``FGMR``, ``FSMR``, ``FSEQ``.

The definitions, and where each came from, are in docs/preferences/graded.md; the engine is
:mod:`detente.engine.graded`.

>>> from detente import load_case, analyze
>>> result = analyze(load_case("north-korea"), ["(0.5,0.5)-GMR", "FGMR"])
>>> result.concepts
['(0.5,0.5)-GMR', 'FGMR']
"""

from __future__ import annotations

import itertools
import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..engine.graded import CrispDegrees, Degrees, MixtureDegrees, UtilityDegrees, graded_stable
from ..errors import ModelError
from ..model.conflict import Conflict, Preferences
from ..space.state_space import StateSpace, dense_rank, preference_scores

__all__ = [
    "GradedConcept",
    "fuzzy_degrees",
    "graded_concept",
    "graded_stable_for",
    "moved_statements",
    "probability_degrees",
]

_NUMBER = r"\s*(\d+(?:\.\d*)?|\.\d+)\s*"
_PROBABILISTIC = re.compile(
    rf"^(?:\({_NUMBER}\)|{_NUMBER})-nash$|^\({_NUMBER},{_NUMBER}(?:,{_NUMBER})?\)-(gmr|smr|seq)$"
)
_FUZZY = {"fr": "FR", "fnash": "FR", "fgmr": "FGMR", "fsmr": "FSMR", "fseq": "FSEQ"}


@dataclass(frozen=True)
class GradedConcept:
    """A parsed graded concept: its family, the base concept and its thresholds."""

    family: str  # "probabilistic" or "fuzzy"
    base: str  # "Nash", "GMR", "SMR" or "SEQ"
    alpha: float = 1.0
    beta: float = 1.0
    gamma: float = 1.0

    @property
    def name(self) -> str:
        if self.family == "fuzzy":
            return "FR" if self.base == "Nash" else f"F{self.base}"
        a, b, c = (_number(x) for x in (self.alpha, self.beta, self.gamma))
        if self.base == "Nash":
            return f"{a}-Nash"
        if self.base == "SEQ":
            return f"({a},{b},{c})-SEQ"
        return f"({a},{b})-{self.base}"


def _number(x: float) -> str:
    return f"{x:g}"


def graded_concept(text: str) -> GradedConcept | None:
    """The graded concept named ``text``, None if it is not one; ValueError for a graded
    name with a parameter outside (0, 1].

    >>> graded_concept("(0.7, 0.5)-gmr").name
    '(0.7,0.5)-GMR'
    >>> graded_concept("(0.7,0.5)-SEQ").name  # gamma defaults to alpha
    '(0.7,0.5,0.7)-SEQ'
    >>> graded_concept("fseq").name, graded_concept("GMR")
    ('FSEQ', None)
    """
    key = text.strip().lower()
    if key in _FUZZY:
        base = _FUZZY[key][1:] if key not in ("fr", "fnash") else "Nash"
        return GradedConcept("fuzzy", base)
    match = _PROBABILISTIC.match(key)
    if match is None:
        return None
    g = match.groups()
    if g[0] is not None or g[1] is not None:
        alpha = float(g[0] if g[0] is not None else g[1])
        concept = GradedConcept("probabilistic", "Nash", alpha)
    else:
        alpha, beta = float(g[2]), float(g[3])
        gamma = float(g[4]) if g[4] is not None else alpha
        base = g[5].upper()
        if g[4] is not None and base != "SEQ":
            raise ValueError(f"{text!r}: only SEQ takes a third parameter (gamma)")
        concept = GradedConcept("probabilistic", base, alpha, beta, gamma)
    for label, value in (
        ("alpha", concept.alpha),
        ("beta", concept.beta),
        ("gamma", concept.gamma),
    ):
        if not 0 < value <= 1:
            raise ValueError(f"{text!r}: {label} must be in (0, 1] (got {value:g})")
    return concept


# -- probabilistic preferences from the model's scenarios ------------------------------------------
def moved_statements(
    statements: Sequence[str], pairs: Sequence[tuple[int, int]], moved: Sequence[bool]
) -> list[str]:
    """The prioritization with, for each moved pair (a, b), statement b just above a.

    >>> moved_statements(["x", "y", "z"], [(1, 3)], [True])
    ['z', 'x', 'y']
    """
    order = list(range(len(statements)))
    for (a, b), move in zip(pairs, moved, strict=True):
        if move:
            order.remove(b - 1)
            order.insert(order.index(a - 1), b - 1)
    return [statements[k] for k in order]


def dm_scenarios(conflict: Conflict, dm: int) -> list[tuple[float, Preferences, tuple[Any, ...]]]:
    """(probability, preferences, location) of each of DM ``dm``'s preference scenarios.

    Alternatives are weighted hypotheses; uncertain pairs are independent; a DM with
    neither has one certain scenario, its ``preferences``.
    """
    decision_maker = conflict.decision_makers[dm]
    if decision_maker.alternatives and decision_maker.uncertain_order:
        raise ModelError(
            f"{decision_maker.name!r} has both alternatives and uncertain_order; give one",
            ("decision_makers", dm, "uncertain_order"),
        )
    if decision_maker.alternatives:
        total = sum(a.weight for a in decision_maker.alternatives)
        return [
            (
                a.weight / total,
                a.preferences,
                ("decision_makers", dm, "alternatives", k, "preferences"),
            )
            for k, a in enumerate(decision_maker.alternatives)
        ]
    loc = ("decision_makers", dm, "preferences")
    prefs = decision_maker.preferences
    pairs = decision_maker.uncertain_order
    out = []
    for moved in itertools.product((False, True), repeat=len(pairs)):
        p = float(
            np.prod(
                [
                    u.probability if m else 1 - u.probability
                    for u, m in zip(pairs, moved, strict=True)
                ]
            )
        )
        if p == 0:
            continue
        statements = moved_statements(
            prefs.prioritization or [], [u.statements for u in pairs], moved
        )
        out.append((p, Preferences(prioritization=statements) if pairs else prefs, loc))
    return out


_CACHE: weakref.WeakKeyDictionary[StateSpace, dict[str, list[Degrees]]] = (
    weakref.WeakKeyDictionary()
)


def _cached(space: StateSpace, key: str, build) -> list[Degrees]:
    per_space = _CACHE.setdefault(space, {})
    if key not in per_space:
        per_space[key] = build()
    return per_space[key]


def probability_degrees(space: StateSpace) -> list[Degrees]:
    """P_i(a ≻ b) for every DM, as a mixture of its scenario rankings (identical rankings
    merged, so K is the number of distinct ones)."""

    def build() -> list[Degrees]:
        out: list[Degrees] = []
        for dm, decision_maker in enumerate(space.conflict.decision_makers):
            if not (decision_maker.alternatives or decision_maker.uncertain_order):
                out.append(CrispDegrees(space.ranks[dm]))  # certain: the compiled ranking
                continue
            weights: dict[bytes, float] = {}
            ranks: dict[bytes, np.ndarray] = {}
            for p, prefs, loc in dm_scenarios(space.conflict, dm):
                rank = dense_rank(preference_scores(space, prefs, loc))
                key = rank.tobytes()
                ranks[key] = rank
                weights[key] = weights.get(key, 0.0) + p
            if len(ranks) == 1:
                out.append(CrispDegrees(next(iter(ranks.values()))))
            else:
                out.append(
                    MixtureDegrees(np.stack(list(ranks.values())), np.array(list(weights.values())))
                )
        return out

    return _cached(space, "probabilistic", build)


def fuzzy_degrees(space: StateSpace) -> tuple[list[Degrees], list[float]]:
    """Fuzzy relative strengths of preference and thresholds of every DM.

    A DM with ``fuzzy`` gets d(a, b) = u(a) - u(b), u its preference scores scaled to
    [0, 1] (best 1, worst 0), and its threshold; a crisp DM gets sign(rank difference) and
    threshold 1, which makes the fuzzy concepts its standard ones.
    """
    dms = space.conflict.decision_makers

    def build() -> list[Degrees]:
        out: list[Degrees] = []
        for dm, decision_maker in enumerate(dms):
            if decision_maker.fuzzy is None:
                out.append(CrispDegrees(space.ranks[dm]))
                continue
            scores = space.scores[dm]
            low, high = float(scores.min()), float(scores.max())
            scale = high - low if high > low else 1.0
            out.append(UtilityDegrees((scores - low) / scale, space.ranks[dm]))
        return out

    thresholds = [1.0 if d.fuzzy is None else d.fuzzy.threshold for d in dms]
    return _cached(space, "fuzzy", build), thresholds


def graded_stable_for(space: StateSpace, concept: GradedConcept, dm: int) -> np.ndarray:
    """Boolean array over states: stable for DM ``dm`` under a graded concept.

    Without alternatives, uncertain pairs or fuzzy blocks, the graded concepts are the
    standard ones:

    >>> from detente import load_case, analyze
    >>> from detente.space import as_space
    >>> space = as_space(load_case("prisoners-dilemma"))
    >>> graded = graded_stable_for(space, graded_concept("(0.7,0.5)-GMR"), 0)
    >>> bool((graded == analyze(space, "GMR").stable["GMR"][0]).all())
    True
    """
    if concept.family == "probabilistic":
        degrees = probability_degrees(space)
        improve, sanction = concept.alpha, concept.beta
        credible = [concept.gamma] * space.n_dms
    else:
        degrees, credible = fuzzy_degrees(space)
        improve = sanction = credible[dm]
    return graded_stable(
        concept.base,  # type: ignore[arg-type]
        space.move_sets,
        degrees,
        dm,
        improve,
        sanction,
        credible,
        targets=lambda j: space.moves[j],
    )
