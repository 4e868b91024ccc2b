"""Unknown, strong/mild and hybrid preferences on a compiled state space.

Compiles each DM's ``unknown`` and ``strong`` fields (:mod:`detente.model.ordinal_preferences`)
into per-state arrays and answers the concept names of the family:

* ``Nash_a`` ... ``SEQ_d``: the extended stabilities of Li, Hipel, Kilgour & Fang (2004),
  "Preference uncertainty in the graph model for conflict resolution", IEEE Trans. SMC-A
  34(4) -- (a) unknown moves taken, unknown sanctions not effective, (b) taken and
  effective, (c) not taken, not effective, (d) not taken, effective;
* ``GMR_strong``/``GMR_weak`` (and SMR, SEQ): strong and weak stability of Hamouda,
  Kilgour & Hipel (2004, GDN 13; 2006, Appl. Math. Comput. 179);
* ``GMR_a_strong`` ... ``SEQ_d_strong``: the hybrid of Xu, Hipel, Kilgour & Chen (2010),
  Theory and Decision 69(4): moves as in (a)-(d), sanctions strong.

``GMR_weak`` is ``GMR_c`` (known improvements, sanctions that leave i no better off: the
standard concept on the known part of the order) and ``GMR_strong`` is ``GMR_c_strong``.
The engine is :func:`detente.engine.ordinal.ordinal_stable`.

>>> from detente import load_case, analyze
>>> result = analyze(load_case("prisoners-dilemma"), ["GMR_a", "GMR"])
>>> (result.stable["GMR_a"] == result.stable["GMR"]).all()  # no unknown levels: standard GMR
np.True_
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass

import numpy as np

from ..engine.moves import BlockMoves
from ..engine.ordinal import ordinal_stable
from ..errors import DetenteError, ModelError
from ..model.statements import parse_statement
from ..space.state_space import StateSpace, prioritization_scores

__all__ = ["OrdinalStructure", "ordinal_concept", "ordinal_stable_for", "ordinal_structure"]

_NAME = re.compile(r"(nash|gmr|smr|seq)_(?:([abcd])(?:_(strong|weak))?|(strong|weak))")
_CANON = {"nash": "Nash", "gmr": "GMR", "smr": "SMR", "seq": "SEQ"}


class OrdinalConceptError(DetenteError, ValueError):
    """An ordinal concept asked of preferences it cannot use."""


def ordinal_concept(key: str) -> str | None:
    """Canonical name of a concept of this family, or None if ``key`` is not one.

    ``key`` is lower case.  ``*_d_strong`` is ``*_c_strong`` and ``*_b_strong`` is
    ``*_a_strong`` (an unknown sanction is never strong); ``*_x_weak`` is ``*_x``; Nash has
    no strong form (it has no sanctions).

    >>> ordinal_concept("gmr_a"), ordinal_concept("seq_strong"), ordinal_concept("smr_b_weak")
    ('GMR_a', 'SEQ_strong', 'SMR_b')
    >>> ordinal_concept("gmr_d_strong"), ordinal_concept("nash_strong"), ordinal_concept("gmr")
    ('GMR_c_strong', None, None)
    """
    match = _NAME.fullmatch(key)
    if match is None:
        return None
    concept, variant, strength, bare = match.groups()
    name = _CANON[concept]
    if variant is None:  # GMR_strong / GMR_weak
        if concept == "nash":
            return None
        return f"{name}_strong" if bare == "strong" else f"{name}_weak"
    if strength == "strong":
        if concept == "nash":
            return None
        return f"{name}_{'a' if variant in 'ab' else 'c'}_strong"
    return f"{name}_{variant}"


@dataclass(frozen=True)
class OrdinalStructure:
    """Per-state arrays of every DM: ``unknown[i, s]`` (s's level of i's order is unknown,
    not tied) and ``bands[i, s]`` (strength band: s1 >>_i s iff bands[i, s1] > bands[i, s]).
    ``ranks`` are the space's own dense ranks."""

    ranks: np.ndarray
    unknown: np.ndarray
    bands: np.ndarray


_CACHE: weakref.WeakKeyDictionary[StateSpace, OrdinalStructure] = weakref.WeakKeyDictionary()


def ordinal_structure(space: StateSpace) -> OrdinalStructure:
    """The unknown levels and strength bands of every DM of ``space`` (cached per space).

    >>> from detente import load_case
    >>> from detente.space import as_space
    >>> s = ordinal_structure(as_space(load_case("chicken")))
    >>> bool(s.unknown.any()), int(s.bands.max())  # chicken says neither
    (False, 0)
    """
    cached = _CACHE.get(space)
    if cached is not None:
        return cached
    ranks = space.ranks
    unknown = np.zeros(ranks.shape, dtype=bool)
    bands = np.zeros(ranks.shape, dtype=np.int32)
    for i, dm in enumerate(space.conflict.decision_makers):
        prefs = dm.preferences
        loc = ("decision_makers", i, "preferences")
        if prefs.unknown is not None:
            if space.merged:
                raise ModelError(
                    "unknown preferences need a model without merged states (a merged state"
                    " can be left and re-entered, which the analysis does not follow)",
                    (*loc, "unknown"),
                )
            unknown[i] = _unknown_levels(space, i, prefs)
        if prefs.strong is not None:
            bands[i] = _bands(space, i, prefs)
    structure = OrdinalStructure(ranks, unknown, bands)
    _CACHE[space] = structure
    return structure


def _entry_positions(space: StateSpace, dm: int) -> np.ndarray:
    """1-based ranking entry of every state (scores are n_entries - position + 1)."""
    prefs = space.conflict.decision_makers[dm].preferences
    assert prefs.ranking
    return (len(prefs.ranking) - space.scores[dm] + 1).astype(np.int64)


def _unknown_levels(space: StateSpace, dm: int, prefs) -> np.ndarray:
    rank = space.ranks[dm]
    if prefs.unknown == "ties":
        return np.bincount(rank)[rank] > 1
    return np.isin(_entry_positions(space, dm), np.asarray(prefs.unknown))


def _bands(space: StateSpace, dm: int, prefs) -> np.ndarray:
    if prefs.prioritization:
        # Statements are lexicographic, so the first k alone order the bands consistently
        # with the whole order: states that differ in one of them are strongly ordered.
        conflict = space.conflict
        levels = {o.name: o.top for o in conflict.options}
        satisfied = np.stack(
            [
                parse_statement(text, conflict.option_index, levels).evaluate(space.values)
                for text in prefs.prioritization[: prefs.strong]
            ],
            axis=1,
        )
        _, band = np.unique(prioritization_scores(satisfied), return_inverse=True)
        return band.astype(np.int32).reshape(-1)
    gaps = [prefs.strong] if isinstance(prefs.strong, int) else prefs.strong
    position = _entry_positions(space, dm)
    # A state in entry p lies above every gap k >= p: its band counts them.
    return (position[:, None] <= np.asarray(gaps)[None, :]).sum(axis=1).astype(np.int32)


def ordinal_stable_for(space: StateSpace, concept: str, dm: int) -> np.ndarray:
    """Boolean array over states: stable for DM ``dm`` under the canonical ``concept``.

    >>> from detente import load_case
    >>> from detente.space import as_space
    >>> ordinal_stable_for(as_space(load_case("chicken")), "GMR_weak", 0).sum() > 0
    np.True_
    """
    parts = concept.split("_")
    base, rest = parts[0], parts[1:]
    structure = ordinal_structure(space)
    strong = rest[-1] == "strong"
    weak = rest[-1] == "weak"
    variant = "c" if (weak or rest == ["strong"]) else rest[0]
    # Explicit targets are built only where R+U must be listed: the opponents' moves of SEQ
    # and i's own moves of strong (a)/(b), for DMs with unknown levels whose moves are not
    # dense blocks; every other concept runs on the fast move sets.
    listed = (base == "SEQ" or (strong and variant in "ab")) and any(
        not isinstance(m, BlockMoves)
        for m, unsure in zip(space.move_sets, structure.unknown, strict=True)
        if unsure.any()
    )
    return ordinal_stable(
        base,
        dm,
        space.move_sets,
        space.moves if listed else None,
        structure.ranks,
        structure.unknown,
        structure.bands if strong else None,
        variant=variant,  # type: ignore[arg-type]
        improving=space.improving_sets,
    )
