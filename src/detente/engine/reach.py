"""Vectorised primitives over padded move arrays.

A *move array* for one decision maker is an int32 array of shape (width, n): column s holds
the states the DM reaches from s in one move, padded with the sentinel ``n``.  Keeping
states along the last (contiguous) axis makes every reduction over moves an elementwise
operation on whole rows, which numpy vectorises well.  Values per state
are extended by one entry at index ``n`` (the sentinel) so that a gather needs no masking.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .moves import MoveSet

#: Larger than any rank; used as "+infinity" for int32 ranks.
TOP = np.int32(2**30)
#: Smaller than any rank; used as "-infinity".
BOTTOM = np.int32(-(2**30))


def extend(values: np.ndarray, fill: np.int32) -> np.ndarray:
    """``values`` with one more entry (the sentinel's) equal to ``fill``."""
    out = np.empty(values.size + 1, dtype=np.int32)
    out[:-1] = values
    out[-1] = fill
    return out


def gather_min(values: np.ndarray, moves: np.ndarray) -> np.ndarray:
    """min over each state's targets of ``values``; TOP where a state has no move."""
    if moves.shape[0] == 0:
        return np.full(moves.shape[1], TOP, dtype=np.int32)
    return extend(values, TOP)[moves].min(axis=0)


def gather_max(values: np.ndarray, moves: np.ndarray) -> np.ndarray:
    """max over each state's targets of ``values``; BOTTOM where a state has no move."""
    if moves.shape[0] == 0:
        return np.full(moves.shape[1], BOTTOM, dtype=np.int32)
    return extend(values, BOTTOM)[moves].max(axis=0)


def improvements(moves: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """The unilateral improvements: ``moves`` with every non-improving target replaced by
    the sentinel (R+_i(s) of Fang, Hipel & Kilgour 1993).  Same shape as ``moves``."""
    if moves.shape[0] == 0:
        return moves
    return np.where(extend(rank, BOTTOM)[moves] > rank, moves, np.int32(moves.shape[1]))


def compact(moves: np.ndarray) -> np.ndarray:
    """Move every state's real targets to the top rows and drop rows that are all padding."""
    n = moves.shape[1]
    moves = moves.astype(np.int32, copy=False)
    if moves.shape[0] == 0:
        return moves
    present = moves < n
    if present.all():
        return moves
    moves = np.sort(moves, axis=0)
    width = int(present.sum(axis=0).max()) if n else 0
    return moves[:width]


def coalition_reach_min(member_moves: Sequence[MoveSet], value: np.ndarray) -> np.ndarray:
    """For every state s1: the least ``value`` over s1 itself and every state the coalition
    reaches from s1 by a legal sequence of unilateral moves.

    A legal sequence (Fang, Hipel & Kilgour 1993, R_H(s)) lets any member move any number of
    times but never twice in a row.  ``member_moves[k]`` are the moves member k may make
    (all its unilateral moves for R_H, only its improvements for R+_H).

    Let f_j(s) be the least value reachable from s when member j moved last (j may not move
    next), and g_k(s) = min over t in member k's moves from s of f_k(t).  Then
    f_j(s) = min(value(s), min over k != j of g_k(s)) — a fixpoint computed by sweeping the
    members in turn (Gauss-Seidel), each sweep vectorised over all states.  Values only
    decrease, so the iteration ends; the answer is min(value(s), min over k of g_k(s)).
    Memory: one value array per member.  Never n x n.
    """
    value = np.asarray(value, dtype=np.int32)
    members = [m for m in member_moves if not m.empty]
    if not members:
        return value.copy()
    if len(members) == 1:
        return np.minimum(value, members[0].min_over(value))
    # f[j]: least value reachable when member j moved last; g[k]: least value after a move
    # by k, from f[k] as it was when g[k] was last computed (stale[k] says it changed since).
    f = [value.copy() for _ in members]
    g: list[np.ndarray | None] = [None] * len(members)
    stale = [True] * len(members)
    while any(stale):
        for k, moves in enumerate(members):
            if not stale[k]:
                continue
            g[k] = moves.min_over(f[k])
            stale[k] = False
            for j in range(len(members)):
                if j != k and (g[k] < f[j]).any():
                    np.minimum(f[j], g[k], out=f[j])
                    stale[j] = True
    best = value.copy()
    for gk in g:
        np.minimum(best, gk, out=best)
    return best
