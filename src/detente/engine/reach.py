"""Coalition reachability: the least value a coalition's legal move sequences reach.

R_H(s) of Fang, Hipel & Kilgour (1993), ch. 4, computed as a fixpoint over all states at
once; see :func:`coalition_reach_min`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .arrays import TOP
from .moves import MoveReductions


def coalition_reach_min(
    member_moves: Sequence[MoveReductions], value: np.ndarray, *, include_start: bool = True
) -> np.ndarray:
    """For every state s1: the least ``value`` over s1 itself and every state the coalition
    reaches from s1 by a legal sequence of unilateral moves.  With ``include_start=False``
    s1 counts only when a sequence returns to it (TOP where nothing is reached).

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
    start = value if include_start else np.full_like(value, TOP)
    if not members:
        return start.copy()
    if len(members) == 1:
        return np.minimum(start, members[0].min_over(value))
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
    best = start.copy()
    for gk in g:
        np.minimum(best, gk, out=best)
    return best
