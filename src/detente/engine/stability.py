"""Stability of every state for one decision maker, vectorised over states.

Definitions are those of Fang, Hipel & Kilgour (1993), *Interactive Decision Making: The
Graph Model for Conflict Resolution*, ch. 4, and Fang, Hipel & Kilgour (1989), "Conflict
models in graph form: solution concepts and their interrelationships", EJOR 41:

* Nash (R): DM i has no unilateral improvement (UI) from s.
* GMR: every UI s1 of i can be sanctioned: the opponents N-i can reach, by a legal sequence
  of unilateral moves, some s2 that i does not prefer to s.
* SMR: as GMR, with an s2 from which no counter-move of i leads to a state i prefers to s.
* SEQ: as GMR, with the opponents moving only by their own UIs.
* SIM: every UI s1 of i can be met by the opponents each staying or taking one of its own
  UIs from s at the same time, so that the combined state is not preferred to s by i.

Every function takes move arrays (see :mod:`detente.engine.reach`) and dense ranks (higher
is better) and returns a boolean array over states.  The trick that keeps GMR, SMR and SEQ
linear in states x moves: a UI s1 escapes sanction exactly when the least rank i can be
pushed to from s1 exceeds i's rank at s, and that least rank depends on s1 alone, so it is
computed once for all states (:func:`~detente.engine.reach.coalition_reach_min`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .arrays import BOTTOM, extend, improvements
from .moves import MoveReductions, MoveSet, as_move_set
from .reach import coalition_reach_min

__all__ = [
    "gmr_stable",
    "nash_stable",
    "seq_stable",
    "sim_stable",
    "smr_stable",
]


Moves = Sequence[MoveSet | np.ndarray]


def _opponents(moves: Moves, dm: int) -> list[MoveSet]:
    return [as_move_set(m) for j, m in enumerate(moves) if j != dm]


def nash_stable(moves: Moves, ranks: np.ndarray, dm: int) -> np.ndarray:
    """Nash (rational) stability: R+_i(s) is empty."""
    rank = ranks[dm]
    return as_move_set(moves[dm]).max_over(rank) <= rank


def _sanction_stable(moves_i: MoveSet | np.ndarray, rank: np.ndarray, escape: np.ndarray):
    """Stable iff no move s1 of i has ``escape[s1]`` above i's rank at s.

    ``escape[s1]`` is the best rank at s1 that i can be sure of when the opponents respond:
    with a UI s1, escape > rank(s) means no sanction works; for a non-improving s1 the
    callers make escape <= rank(s1) <= rank(s), so it never counts.
    """
    return as_move_set(moves_i).max_over(escape) <= rank


def gmr_stable(moves: Moves, ranks: np.ndarray, dm: int) -> np.ndarray:
    """General metarationality: every UI can be sanctioned by some reachable s2 ⪯_i s."""
    rank = ranks[dm]
    least = coalition_reach_min(_opponents(moves, dm), rank)
    return _sanction_stable(moves[dm], rank, least)


def smr_stable(moves: Moves, ranks: np.ndarray, dm: int) -> np.ndarray:
    """Symmetric metarationality: the sanction s2 must survive i's counter-moves too.

    i's outlook from s2 is q(s2) = max(rank(s2), best rank i reaches from s2 in one move);
    the UI s1 is sanctioned when some reachable s2 has q(s2) <= rank(s).
    """
    rank = ranks[dm]
    outlook = np.maximum(rank, as_move_set(moves[dm]).max_over(rank))
    least = coalition_reach_min(_opponents(moves, dm), outlook)
    return _sanction_stable(moves[dm], rank, np.minimum(rank, least))


def seq_stable(
    moves: Moves,
    ranks: np.ndarray,
    dm: int,
    improving: Sequence[MoveReductions] | None = None,
) -> np.ndarray:
    """Sequential stability: sanctions use only the opponents' own UIs (R+_{N-i}).

    ``improving[j]`` may give DM j's improvements precomputed (they do not depend on i).
    """
    rank = ranks[dm]
    if improving is None:
        improving = [as_move_set(m).improving(ranks[j]) for j, m in enumerate(moves)]
    credible = [m for j, m in enumerate(improving) if j != dm]
    least = coalition_reach_min(credible, rank)
    return _sanction_stable(moves[dm], rank, least)


def sim_stable(
    moves: Sequence[np.ndarray],  # explicit padded targets (width, n) per DM
    ranks: np.ndarray,
    dm: int,
    codes: np.ndarray,
    states_of_codes,
    *,
    budget: int = 1 << 22,
) -> np.ndarray:
    """Simultaneous sanctioning (Fang, Hipel & Kilgour 1993, SIM).

    For every UI s1 of i from s, the opponents each stay or take one of their own UIs from
    s; the combined state has i's options from s1 and each opponent's options from its
    choice.  Because each DM controls its own digits of the state code, the combined code
    is code(s1) + sum of the opponents' code changes.  s is stable iff every UI has some
    feasible combination that i does not prefer to s.

    ``codes`` are the states' codes and ``states_of_codes`` maps codes to state indices
    (-1 if infeasible).  Combinations are enumerated in chunks of at most ``budget``.
    """
    rank = ranks[dm]
    n = rank.size
    uis = improvements(moves[dm], rank)
    stable = np.ones(n, dtype=bool)
    if uis.shape[0] == 0:
        return stable
    col, src = np.nonzero(uis < n)
    first = uis[col, src]
    base_delta = codes[first] - codes[src]
    # Per opponent: code changes of "stay" (0) and of each of its UIs, one row per state.
    choices: list[tuple[np.ndarray, np.ndarray]] = []
    ext_codes = np.concatenate([codes, [0]])
    for j, m in enumerate(moves):
        if j == dm:
            continue
        opp = improvements(m, ranks[j]).T
        present = np.concatenate([np.ones((n, 1), dtype=bool), opp < n], axis=1)
        delta = np.where(opp < n, ext_codes[opp] - codes[:, None], 0)
        delta = np.concatenate([np.zeros((n, 1), dtype=np.int64), delta], axis=1)
        choices.append((delta, present))
    combos = int(np.prod([d.shape[1] for d, _ in choices])) if choices else 1
    chunk = max(1, budget // combos)
    sanctioned = np.zeros(src.size, dtype=bool)
    for start in range(0, src.size, chunk):
        s = src[start : start + chunk]
        total = base_delta[start : start + chunk][:, None]
        valid = np.ones_like(total, dtype=bool)
        for delta, present in choices:
            total = (total[:, :, None] + delta[s][:, None, :]).reshape(s.size, -1)
            valid = (valid[:, :, None] & present[s][:, None, :]).reshape(s.size, -1)
        target = states_of_codes(np.where(valid, codes[s][:, None] + total, -1))
        ok = valid & (target >= 0)
        target_rank = extend(rank, BOTTOM)[np.where(ok, target, n)]
        sanctioned[start : start + chunk] = (ok & (target_rank <= rank[s][:, None])).any(axis=1)
    escaped = np.zeros(n, dtype=bool)
    np.logical_or.at(escaped, src[~sanctioned], True)
    return ~escaped
