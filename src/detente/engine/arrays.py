"""Vectorised primitives over padded move arrays.

A *move array* for one decision maker is an int32 array of shape (width, n): column s holds
the states the DM reaches from s in one move, padded with the sentinel ``n``.  Keeping
states along the last (contiguous) axis makes every reduction over moves an elementwise
operation on whole rows, which numpy vectorises well.  Values per state
are extended by one entry at index ``n`` (the sentinel) so that a gather needs no masking.
"""

from __future__ import annotations

import numpy as np

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
