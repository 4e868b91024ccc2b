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

import functools
from collections.abc import Callable, Sequence

import numpy as np

from .arrays import BOTTOM, TOP, extend, improvements
from .moves import MoveReductions, MoveSet, as_move_set
from .reach import coalition_reach_min

__all__ = [
    "gmr_stable",
    "nash_stable",
    "seq_stable",
    "sim_relevant_options",
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
    radices: np.ndarray,
    owners: np.ndarray,
    *,
    budget: int = 1 << 22,
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Simultaneous sanctioning (Fang, Hipel & Kilgour 1993, ch. 4, SIM).

    s is SIM stable for i iff every UI s1 of i from s can be met by the opponents each
    staying or taking one of its own UIs from s at the same time, so that the combined
    state (i's options from s1, each opponent's from its choice) is feasible and not
    preferred to s by i.  Because each DM controls its own digits of the mixed-radix state
    code (``radices``, ``owners[k]`` = the DM of option k), the combined code is code(s1)
    plus each opponent's own code change.

    Enumerating every combination is exponential in the number of opponents.  Instead:

    * *Relevant digits.*  Let f(c) be i's rank at code c (+inf where c is infeasible); the
      question is whether some combination c has f(c) <= rank_i(s).  An option on which f
      never varies cannot matter, so each opponent's choices are projected onto its options
      on which f varies, and choices with the same projection collapse into one (for
      prioritization preferences, the options i's statements and the infeasibility
      conditions mention).  An opponent left with no relevant option is skipped.
    * *Search with early stopping and bounds.*  The opponents are taken one at a time,
      vectorised over all (state, improvement) pairs still undecided.  After opponents
      o_1..o_k have chosen (the others staying), the partial combination is a sanction if f
      is at most rank_i(s) there, and it is dropped if even the least f over *every* value
      of the remaining opponents' relevant digits (a dense min-reduction, precomputed once)
      is above rank_i(s): no completion can sanction.  A pair is decided at its first
      sanction; all its other branches are dropped.  The opponents are ordered by the share
      of pairs whose bound each can still bring down to rank_i(s) on its own, most first.

    ``codes`` are the states' codes (ascending; with merged states, of the members, with
    ``moves`` and ``ranks`` over members too).  ``budget`` caps the branches held at once
    (the search goes depth first over chunks beyond it).  ``progress(done, total)`` is
    called as pairs are decided.

    >>> moves = [np.array([[1, 0, 3, 2]]), np.array([[2, 3, 0, 1]])]  # A: digit 0, B: digit 1
    >>> ranks = np.array([[0, 2, 1, 3], [1, 0, 3, 2]])  # prisoners' dilemma, Y = defect
    >>> sim_stable(moves, ranks, 0, np.arange(4), np.array([2, 2]), np.array([0, 1]))
    array([False,  True, False,  True])
    """
    rank = np.asarray(ranks[dm], dtype=np.int32)
    n = rank.size
    stable = np.ones(n, dtype=bool)
    uis = improvements(moves[dm], rank)
    src, col = np.nonzero((uis < n).T)  # pairs by state: the search's gathers stay local
    if src.size == 0:
        return stable
    radices = np.asarray(radices, dtype=np.int64)
    place = np.concatenate([[1], np.cumprod(radices)[:-1]]).astype(np.int64)
    total = int(np.prod(radices))
    dtype = np.int32 if total < 2**31 else np.int64  # halves the search's memory traffic
    codes = np.asarray(codes, dtype=np.int64)
    f, shape = _rank_table(rank, codes, radices)
    varying = _varying_options(f.reshape(shape))
    threshold = rank[src]
    owners = np.asarray(owners)
    # The combined state's code: s's, with i's digits as in its improvement s1.  Without
    # merged states this is s1's code (i's move changes only its own options); a merged
    # state is represented by one member's code, so s1's representative may differ from s's
    # in the opponents' digits too, and adding their changes to it could leave the code space.
    start = codes[src]
    target = codes[uis[col, src]]
    for k in np.flatnonzero(owners == dm):
        weight, radix = int(place[k]), int(radices[k])
        start = start + ((target // weight) % radix - (start // weight) % radix) * weight
    start_code = start.astype(dtype)
    opponents = [
        (j, options)
        for j in range(len(moves))
        if j != dm and (options := np.flatnonzero((owners == j) & varying)).size
    ]  # the others: nothing they do changes whether i is sanctioned
    axes = [tuple(int(a) for a in radices.size - 1 - options) for _, options in opponents]
    # Order: the opponent whose digits alone can bring most pairs' bound down to rank(s).
    sample = slice(None, None, max(1, src.size // 2**16))  # enough pairs to rank them
    reach = [
        np.count_nonzero(_least_over(f, shape, a)[start_code[sample]] <= threshold[sample])
        for a in axes
    ]
    order = np.argsort(-np.array(reach, dtype=np.int64), kind="stable")
    opponents = [opponents[k] for k in order]
    axes = [axes[k] for k in order]
    # bounds[k]: least f over every value of the relevant digits of opponents k, k+1, ...
    bounds = [f]
    for a in reversed(axes):
        bounds.insert(0, _least_over(bounds[0], shape, a))
    sanctioned = np.zeros(src.size, dtype=bool)
    alive = np.flatnonzero(bounds[0][start_code] <= threshold)  # the others escape at once
    # The opponents' choices are needed only from the states of the pairs still open.
    needed = np.zeros(n, dtype=bool)
    needed[src[alive]] = True
    states = np.flatnonzero(needed)
    slots = (np.cumsum(needed) - 1).astype(dtype)[src]  # pair -> its state's row of choices
    deltas = [
        _distinct_changes(moves[j], ranks[j], states, codes, place, radices, options, dtype)
        for j, options in opponents
    ]
    search = _SimSearch(f, bounds, deltas, sanctioned, budget)
    step = max(1, budget // deltas[0].shape[1]) if deltas else max(1, alive.size)
    for first in range(0, alive.size, step):
        pairs = alive[first : first + step]
        rows = (pairs.astype(dtype), start_code[pairs], slots[pairs], threshold[pairs])
        search.run(0, rows)
        if progress is not None:
            progress(src.size - alive.size + first + pairs.size, src.size)
    escaped = np.zeros(n, dtype=bool)
    escaped[src[~sanctioned]] = True
    return ~escaped


def sim_relevant_options(rank: np.ndarray, codes: np.ndarray, radices: np.ndarray) -> np.ndarray:
    """Per option: can its value change whether a combination sanctions the DM of ``rank``?

    True for the options on which the DM's rank, or feasibility, varies (all else equal):
    the only options :func:`sim_stable` lets the opponents choose.  ``codes`` are the
    states' codes (with merged states, the members' and ``rank`` over members).

    >>> sim_relevant_options(np.array([0, 1, 0, 1]), np.arange(4), np.array([2, 2]))
    array([ True, False])
    """
    f, shape = _rank_table(np.asarray(rank, dtype=np.int32), np.asarray(codes), radices)
    return _varying_options(f.reshape(shape))


def _rank_table(
    rank: np.ndarray, codes: np.ndarray, radices: np.ndarray
) -> tuple[np.ndarray, tuple[int, ...]]:
    """``rank`` over the dense code space (TOP where infeasible) and its shape, with option 0
    as the last (fastest) axis, as C order needs."""
    f = np.full(int(np.prod(radices)), TOP, dtype=np.int32)
    f[codes] = rank
    return f, tuple(int(r) for r in np.asarray(radices)[::-1])


def _varying_options(f: np.ndarray) -> np.ndarray:
    """Per option (in option order): does ``f`` (over the dense code space, shaped with option
    0 as the last axis) take more than one value along that option's axis?"""
    ndim = f.ndim
    out = np.zeros(ndim, dtype=bool)
    for axis in range(ndim):
        first = np.take(f, [0], axis=axis)
        out[ndim - 1 - axis] = not bool((f == first).all())
    return out


def _least_over(f: np.ndarray, shape: tuple[int, ...], axes: tuple[int, ...]) -> np.ndarray:
    """``f`` (flat, dense) with each entry replaced by the least over ``axes`` (flat again)."""
    least = f.reshape(shape).min(axis=axes, keepdims=True)
    return np.ascontiguousarray(np.broadcast_to(least, shape)).reshape(-1)


def _distinct_changes(
    moves: np.ndarray,
    rank: np.ndarray,
    states: np.ndarray,
    codes: np.ndarray,
    place: np.ndarray,
    radices: np.ndarray,
    options: np.ndarray,
    dtype: type[np.signedinteger],
) -> np.ndarray:
    """(len(states), w) code changes of one opponent's UIs (under its ``rank``) from each of
    ``states``, on ``options`` only: column 0 is "stay" (0), then its distinct other changes,
    padded with the dtype's largest value.

    Changes that differ only outside ``options`` are one choice: they lead to states on which
    the sanctioned DM's rank and feasibility agree.  Each state's choices are collected as a
    bit set over the combinations of ``options`` (at most :data:`_BIT_SET_UP_TO` of them),
    which a table turns into a list; more combinations are sorted and deduplicated instead.
    """
    n = codes.size
    targets = moves if states.size == n else moves[:, states]
    targets = np.where(extend(rank, BOTTOM)[targets] > rank[states], targets, n)  # its UIs
    small = codes.astype(dtype)  # narrower integers: less memory traffic
    local = np.zeros(n, dtype=dtype)  # each state's combination of ``options``
    value = np.zeros(1, dtype=dtype)  # value[c]: the code contribution of combination c
    for k in options[::-1]:
        radix, weight = int(radices[k]), dtype(place[k])
        local = local * radix + (small // weight) % radix
        value = (value[:, None] + np.arange(radix, dtype=dtype)[None, :] * weight).reshape(-1)
    combos = value.size
    own = value[local[states]]
    none = np.iinfo(dtype).max
    if combos <= _BIT_SET_UP_TO:
        bit = np.append(np.left_shift(np.uint16(1), local.astype(np.uint16)), np.uint16(0))
        chosen = np.zeros(states.size, dtype=np.uint16)
        for row in targets:  # one move at a time: never a (width, n) array of bits
            chosen |= bit[row]
        chosen &= ~bit[states]  # staying is column 0 already
        picks = _bit_set_lists(combos)[chosen]
        present = picks >= 0
        width = int(present.sum(axis=1).max()) if states.size else 0
        picks, present = picks[:, :width], present[:, :width]
        change = np.where(present, value[picks] - own[:, None], none).astype(dtype)
    else:
        projected = np.append(value[local], 0)
        change = np.where(targets < n, projected[targets] - own[None, :], none).T
        change = np.where(change == 0, none, change)  # the same as staying
        change.sort(axis=1)
        repeat = np.zeros(change.shape, dtype=bool)
        repeat[:, 1:] = change[:, 1:] == change[:, :-1]
        change[repeat] = none
        change.sort(axis=1)
        width = int((change != none).sum(axis=1).max()) if states.size else 0
        change = np.ascontiguousarray(change[:, :width]).astype(dtype)
    return np.concatenate([np.zeros((states.size, 1), dtype=dtype), change], axis=1)


#: Most combinations of an opponent's relevant options collected as a bit set (a table of
#: 2^16 rows turns a set into a list).
_BIT_SET_UP_TO = 16


@functools.cache
def _bit_set_lists(size: int) -> np.ndarray:
    """Row b: the members of bit set b over 0..size-1, ascending, padded with -1."""
    members = (np.arange(1 << size)[:, None] >> np.arange(size)) & 1
    lists = np.sort(np.where(members == 1, np.arange(size), size), axis=1)
    return np.where(lists < size, lists, -1).astype(np.int8)


class _SimSearch:
    """The branch search of :func:`sim_stable`, vectorised over rows of (pair, partial code,
    the pair's state's row in the choices, rank_i(s)).  Rows carry their state's row and
    threshold so that no step gathers from the arrays over all pairs but ``sanctioned``."""

    def __init__(
        self,
        f: np.ndarray,
        bounds: list[np.ndarray],
        deltas: list[np.ndarray],
        sanctioned: np.ndarray,
        budget: int,
    ) -> None:
        self.f, self.bounds, self.deltas = f, bounds, deltas
        self.sanctioned = sanctioned
        self.budget = budget

    def run(self, level: int, rows: tuple[np.ndarray, ...]) -> None:
        """Let opponent ``level`` choose for every row; mark sanctions; recurse on the rest."""
        pair, slot = rows[0], rows[2]
        if pair.size == 0 or level == len(self.deltas):
            return
        width = self.deltas[level].shape[1]
        if pair.size * width > self.budget and pair.size > 1:
            step = max(1, self.budget // width)
            for first in range(0, pair.size, step):
                chunk = tuple(r[first : first + step] for r in rows)
                undecided = ~self.sanctioned[chunk[0]]  # decided by an earlier chunk
                self.run(level, tuple(r[undecided] for r in chunk))
            return
        # Column 0 is staying: it leaves the row as it is, where f is known to be above the
        # threshold.  The real choices come first in each row, the padding after them.
        delta = self.deltas[level][slot][:, 1:]
        real = delta != np.iinfo(delta.dtype).max
        count = real.sum(axis=1)
        new = [np.repeat(r, count) for r in rows]
        new[1] = new[1] + delta[real]
        self.sanctioned[new[0][self.f[new[1]] <= new[3]]] = True
        if level + 1 == len(self.deltas):
            return
        # Rows that go on: the staying ones and the new ones, if a sanction is still in reach.
        rows = tuple(np.concatenate([r, m]) for r, m in zip(rows, new, strict=True))
        keep = ~self.sanctioned[rows[0]] & (self.bounds[level + 1][rows[1]] <= rows[3])
        self.run(level + 1, tuple(r[keep] for r in rows))
