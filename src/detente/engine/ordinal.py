"""Stability under unknown, strong/mild and hybrid preferences, vectorised over states.

Sources (see docs/preferences/ordinal.md for what was read and how):

* Li, Hipel, Kilgour & Fang (2004), "Preference uncertainty in the graph model for conflict
  resolution", IEEE Trans. SMC-A 34(4): 507-520.  A DM i has s1 >_i s, s1 ~_i s or s1 U_i s
  (unknown).  Four extensions of Nash, GMR, SMR and SEQ:

  - (a) i moves to unknown states as if they were improvements, R+U_i(s) = {s1 in R_i(s):
    s1 >_i s or s1 U_i s}, and a sanction must leave i no better off, Phi~_i(s) = {s2: s >_i
    s2 or s ~_i s2};
  - (b) moves R+U_i(s), and an unknown state also counts as a sanction,
    Phi~U_i(s) = Phi~_i(s) + {s2: s2 U_i s};
  - (c) moves R+_i(s) only (known improvements), sanctions Phi~_i(s);
  - (d) moves R+_i(s), sanctions Phi~U_i(s).

  GMR_x: every such s1 has some s2 in R_{N-i}(s1) in the sanction set; SMR_x: moreover every
  s3 in R_i(s2) is in it; SEQ_x: s2 in R+U_{N-i}(s1), the opponents' legal sequences of
  improvements or unknown moves; Nash_x: no such s1 at all.
* Hamouda, Kilgour & Hipel (2004, 2006), strength of preference: s1 >>_i s (strong) or
  s1 >_i s (mild).  Strong stability asks for sanctions that i strongly dislikes,
  Phi--_i(s) = {s2: s >>_i s2}; weak stability accepts any s2 with s >=_i s2 (the standard
  concept on the underlying order), so strong implies weak.
* Xu, Hipel, Kilgour & Chen (2010), Theory and Decision 69(4): both at once (hybrid); here
  the strong variants of (a)-(d), where i moves by R+U_i or R+_i and sanctions are strong.
  An unknown pair is never strong, so (a) and (b), and (c) and (d), coincide when strong.

How the structures are held, without an n x n relation: per state, DM i's dense rank
``rank`` (0 = worst level), ``unknown`` (the state's level is unknown rather than tied:
two different states of that level are U_i) and ``band`` (a coarser rank: s1 >>_i s iff
band(s1) > band(s)).  Then every set the definitions use is a threshold on one per-state
value, so the min-rank trick of :mod:`detente.engine.stability` still applies:

* R+U_i(s): targets with rank > rank(s), or rank = rank(s) when s's level is unknown;
* Phi~_i(s): rank(s2) < rank(s) + [s's level is known] (plus s itself, which no sanction
  sequence reaches in a model without merged states: the opponents cannot undo i's options,
  and for SMR the only way back is through s2 = s1, which is not in Phi~_i(s) -- so the
  caller rejects unknown levels in models with merged states);
* Phi~U_i(s): rank(s2) <= rank(s);  Phi--_i(s): band(s2) < band(s).

The least value the opponents can push i to from s1, m(s1) (over reached states only, s1
itself excluded unless a sequence returns to it), depends on s1 alone; s is unstable iff
some allowed move s1 has m(s1) at or above the threshold of s.  For SMR the value is the
outlook max(value(s2), max over R_i(s2) of value).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from .arrays import BOTTOM, TOP, extend
from .moves import BlockMoves, MoveReductions, MoveSet, PaddedMoves
from .reach import coalition_reach_min

__all__ = [
    "ORDINAL_CONCEPTS",
    "VARIANTS",
    "UncertainBlockMoves",
    "ordinal_stable",
    "uncertain_improvements",
]

ORDINAL_CONCEPTS = ("Nash", "GMR", "SMR", "SEQ")
VARIANTS = ("a", "b", "c", "d")
Variant = Literal["a", "b", "c", "d"]


def uncertain_improvements(targets: np.ndarray, rank: np.ndarray, unknown: np.ndarray):
    """R+U(s): the moves in padded ``targets`` (width, n) that raise ``rank`` or stay in an
    unknown level of it (Li et al. 2004), as :class:`PaddedMoves`.

    >>> t = np.array([[1, 0, 0]], dtype=np.int32)          # 0 <-> 1, 2 -> 0
    >>> r = np.array([0, 0, 1], dtype=np.int32)            # 0 and 1 share the bottom level
    >>> uncertain_improvements(t, r, np.array([True, True, False])).targets.tolist()
    [[1, 0, 3]]
    """
    n = rank.size
    reached = extend(rank, BOTTOM)[targets]
    keep = (reached > rank) | ((reached == rank) & unknown)
    return PaddedMoves(np.where(keep, targets, np.int32(n)).astype(np.int32))


class UncertainBlockMoves:
    """R+U of a DM with :class:`BlockMoves`: its improvements, plus the moves to the other
    states of its own level when that level is unknown -- with no target list.

    The improvements are the block moves' own (:meth:`BlockMoves.improving`); the unknown
    moves need each block sorted by rank once: in that order the states of one level are
    neighbours, so "the other states of my
    level" is a run of cells around each cell: a running reduction forwards and one
    backwards, each restarting where the level changes, give it.  The loops run over the
    block axis (the DM's own option combinations, a handful), never over states.
    """

    def __init__(self, moves: BlockMoves, rank: np.ndarray, unknown: np.ndarray) -> None:
        self.moves = moves
        self.n = moves.n
        self.strict = moves.improving(rank)
        # Any sort by rank puts the states of one level next to each other in the block.
        block_rank = moves._block(rank, BOTTOM)
        self.order = np.argsort(block_rank, axis=1, kind="stable")
        ranked = np.take_along_axis(block_rank, self.order, axis=1)
        unsure = moves._block(unknown.astype(np.int32), np.int32(0))
        self.unsure = np.take_along_axis(unsure, self.order, axis=1).astype(bool)
        # link[:, p] joins sorted cells p and p + 1 of one unknown level (infeasible cells
        # are never unknown, so they join nothing that counts).
        self.link = (ranked[:, 1:, :] == ranked[:, :-1, :]) & self.unsure[:, 1:, :]
        self._empty = self.strict.empty and not bool(self.link.any())

    @property
    def empty(self) -> bool:
        return self._empty

    def _within(self, values: np.ndarray, op: np.ufunc, neutral: np.int32) -> np.ndarray:
        """``op`` over the other cells of each cell's unknown level (``neutral`` if none)."""
        v = np.take_along_axis(self.moves._block(values, neutral), self.order, axis=1)
        size = v.shape[1]
        forward = np.full_like(v, neutral)
        backward = np.full_like(v, neutral)
        for p in range(1, size):
            carried = op(forward[:, p - 1, :], v[:, p - 1, :])
            forward[:, p, :] = np.where(self.link[:, p - 1, :], carried, neutral)
        for p in range(size - 2, -1, -1):
            carried = op(backward[:, p + 1, :], v[:, p + 1, :])
            backward[:, p, :] = np.where(self.link[:, p, :], carried, neutral)
        within = np.where(self.unsure, op(forward, backward), neutral)
        out = np.empty_like(within)
        np.put_along_axis(out, self.order, within, axis=1)
        return self.moves._back(out)

    def min_over(self, values: np.ndarray) -> np.ndarray:
        return np.minimum(self.strict.min_over(values), self._within(values, np.minimum, TOP))

    def max_over(self, values: np.ndarray) -> np.ndarray:
        return np.maximum(self.strict.max_over(values), self._within(values, np.maximum, BOTTOM))


def ordinal_stable(
    concept: str,
    dm: int,
    move_sets: Sequence[MoveSet],
    padded: Sequence[np.ndarray] | None,
    ranks: np.ndarray,
    unknown: np.ndarray,
    bands: np.ndarray | None = None,
    *,
    variant: Variant = "c",
    improving: Sequence[MoveReductions] | None = None,
) -> np.ndarray:
    """Boolean array over states: stable for ``dm`` under ``concept`` (Nash, GMR, SMR, SEQ)
    in extension ``variant`` of Li et al. (2004), strong (Hamouda et al. 2004) when ``bands``
    is given.

    ``move_sets`` are the DMs' moves, ``padded`` their explicit targets (needed only for DMs
    with unknown levels, where R+U is built from the targets; None when those DMs' move sets
    are :class:`PaddedMoves`),
    ``ranks`` and ``unknown`` (n_dms, n) as described in the module docstring, ``bands``
    (n_dms, n) for strong stability.  ``improving`` may give each DM's R+ precomputed.

    >>> from detente.engine.moves import PaddedMoves
    >>> moves = [PaddedMoves(np.array([[1, 0]], dtype=np.int32))] * 2  # both toggle 0 <-> 1
    >>> ranks = np.array([[0, 0], [0, 0]], dtype=np.int32)              # one level each
    >>> known = np.zeros((2, 2), dtype=bool)
    >>> ordinal_stable("Nash", 0, moves, None, ranks, known, variant="a").tolist()
    [True, True]
    >>> unsure = np.ones((2, 2), dtype=bool)                            # the level is unknown
    >>> ordinal_stable("Nash", 0, moves, None, ranks, unsure, variant="a").tolist()
    [False, False]
    >>> ordinal_stable("Nash", 0, moves, None, ranks, unsure, variant="c").tolist()
    [True, True]
    """
    rank = np.asarray(ranks[dm], dtype=np.int32)
    unsure = np.asarray(unknown[dm], dtype=bool)
    strong = bands is not None

    def credible(j: int, uncertain: bool) -> MoveReductions:
        """j's improvements, with its unknown moves when ``uncertain`` (R+U_j or R+_j)."""
        if uncertain and unknown[j].any():
            if isinstance(move_sets[j], BlockMoves):
                return UncertainBlockMoves(move_sets[j], ranks[j], unknown[j])
            targets = padded[j] if padded is not None else getattr(move_sets[j], "targets", None)
            if targets is None:
                raise ValueError("explicit targets are needed for a DM with unknown levels")
            return uncertain_improvements(targets, ranks[j], unknown[j])
        if improving is not None:
            return improving[j]
        return move_sets[j].improving(ranks[j])

    known = (~unsure).astype(np.int32)
    moves_i = move_sets[dm]
    if concept == "Nash":
        best = moves_i.max_over(rank)
        # (a)/(b): no move to a better level, nor within s's level when it is unknown.
        return best < rank + known if variant in ("a", "b") else best <= rank
    if concept not in ("GMR", "SMR", "SEQ"):
        raise ValueError(f"unknown concept {concept!r}")
    value = np.asarray(bands[dm], dtype=np.int32) if strong else rank
    if concept == "SMR":
        value = np.maximum(value, moves_i.max_over(value))
    if concept == "SEQ":
        opponents: list[MoveReductions] = [
            credible(j, True) for j in range(len(move_sets)) if j != dm
        ]
    else:
        opponents = [m for j, m in enumerate(move_sets) if j != dm]
    least = coalition_reach_min(opponents, value, start=False)
    # s is unstable iff some allowed move s1 escapes: least(s1) at or above s's threshold.
    if strong:  # sanction iff band(s2) < band(s)
        movers = credible(dm, variant in ("a", "b"))
        return movers.max_over(least) < bands[dm]
    if variant == "c":  # known UIs; sanction iff s >_i s2 or s ~_i s2
        return credible(dm, False).max_over(least) < rank + known
    if variant == "d":  # known UIs; sanction iff not s2 >_i s
        return credible(dm, False).max_over(least) <= rank
    # (a)/(b) take every move to a better level, or within s's level when it is unknown:
    # rank(s1) >= rank(s) + known(s).  Folding that test into the value keeps the fast
    # move sets (no explicit targets): one reduction over all of i's moves.
    if variant == "a":  # escape iff min(rank(s1), least(s1)) >= rank(s) + known(s)
        return moves_i.max_over(np.minimum(rank, least)) < rank + known
    # (b): escape iff rank(s1) >= rank(s) + known(s) and least(s1) > rank(s), i.e.
    # min(2 rank(s1) + 1, 2 least(s1)) > 2 rank(s) + known(s) (least clipped to stay int32).
    folded = np.minimum(2 * rank + 1, 2 * np.minimum(least, rank.size + 1))
    return moves_i.max_over(folded.astype(np.int32)) <= 2 * rank + known
