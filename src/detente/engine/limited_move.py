"""Limited-move stability L_h and non-myopic stability (NM) for two decision makers.

Sources: Kilgour (1985), "Anticipation and stability in two-person non-cooperative games", in
*Dynamic Models of International Conflict*, 26-51; Kilgour, Hipel & Fang (1987), "The graph
model for conflicts", *Automatica* 23(1):41-55; Fang, Hipel & Kilgour (1989), "Conflict models
in graph form: solution concepts and their interrelationships", *EJOR* 41:86-100; Fang, Hipel &
Kilgour (1993), *Interactive Decision Making*, ch. 4.  The recursion below is the one written
out in the project's research note ``notes/limited_move.md`` (section 2).  The note marks it as
recalled, not read in the primary texts.

Definition (two DMs i and j, j = the other one).  G_h(i, s) is the state the conflict ends in
when i is the first to move at s and at most h moves remain, the DMs taking turns:

    G_0(i, s) = s
    M_h(i, s) = { q in R_i(s) : P_i(G_{h-1}(j, q)) > P_i(s) }
    G_h(i, s) = s                    if M_h(i, s) is empty (i stays; the sequence stops)
              = G_{h-1}(j, q*)       otherwise, q* maximising P_i(G_{h-1}(j, q)) over M_h(i, s)

s is L_h-stable for i iff G_h(i, s) = s, that is, iff M_h(i, s) is empty.  i weighs **all** of
its unilateral moves, not only its improvements: a move to a worse state is worth making when
what follows is better for i.  L_1 is Nash stability.

Ties.  The definition does not say which q* to take when several moves lead to anticipated
outcomes that are equally good for i but are different states (Rêgo & Vieira 2024, Discrete
Applied Mathematics, show that the anticipated state "is not necessarily unique"; see the note,
section 2, "Ties").  detente uses this deterministic rule:

1. i moves only if the best anticipated outcome is strictly better for i than s.  When i is
   indifferent between that outcome and s, i stays.  This is the strict ">" in M_h.
2. Among the moves whose anticipated outcomes are equally good for i and best, i takes the one
   to the **lowest-numbered state q**.  G_h(i, s) is then G_{h-1}(j, q) for that q.

With strict preferences every best move leads to the same outcome state, so rule 2 changes
nothing.  With ties it can change G_h, and through G_h the stability at higher h.

Non-myopic stability (L_infinity, NM).  G_inf(i, s) = lim_{h->inf} G_h(i, s) when the limit
exists (Kilgour 1985; Kilgour, Hipel & Fang 1987).  s is NM-stable for i iff the limit exists
and equals s, that is, iff G_h(i, s) = s for every large enough h.  The sequence of whole
tables G_h is produced by a deterministic map on a finite set, so it is eventually periodic.
Rêgo, de Oliveira, Vieira & Kilgour (2025), *Games* 16(5):54, classify such cycles in 2x2
games.  **Cycle rule:** if G_h(i, s) keeps changing with h (it cycles), the limit does not
exist and s is reported NM-**unstable** for i, as is any state with G_h(i, s) = s for only some
of the h on the eventual cycle.  Put exactly: let the table sequence repeat from level h0 with
period p.  Then s is NM-stable for i iff G_h(i, s) = s for every h in h0 .. h0 + p - 1, and
the same then holds for every h >= h0.  :func:`nonmyopic_outcome` gives G_inf, and -1 where
the limit does not exist.

Computation.  Every level is computed for all states at once.  The worth to i of each
target q, P_i(G_{h-1}(j, q)), is tabulated once (n entries) and gathered over i's move array
(width x n, in blocks of columns).  The code then takes the best per column and picks the
lowest maximising target.  Cost is O(width x n) per level, and there is no Python loop over
states.

Chains.  The tables split into two independent *chains*.  Along a chain the first mover alternates:
G_1(i), G_2(j), G_3(i), ... and G_1(j), G_2(i), .... L_h for one DM needs one chain of h
levels.  A cycle is detected by a 128-bit digest of each table.  A digest match only suggests
a period p.  The code then replays p levels and checks exactly that the table comes back, so
a hash collision can never give a wrong answer.  Once a cycle is confirmed, a large h costs no
more than the preperiod plus two periods of levels.

Limits.  The definition is for two decision makers.  Later multi-DM versions are not settled
(Soares et al. 2026, *Group Decision and Negotiation*), so other numbers of DMs are refused.
The horizon h must be between 1 and :data:`MAX_HORIZON`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from ..errors import DetenteError
from .arrays import BOTTOM, extend

__all__ = [
    "MAX_HORIZON",
    "MAX_NM_LEVELS",
    "anticipated_outcome",
    "limited_move_stable",
    "nonmyopic_outcome",
    "nonmyopic_stable",
]

#: Largest horizon h accepted for L_h.  Horizons in the literature are small (h <= 10 or so).
#: Anything larger almost certainly means a typo.
MAX_HORIZON = 10_000

#: NM gives up (with a :class:`~detente.errors.DetenteError`) if the tables G_h have not
#: started repeating after this many levels.
MAX_NM_LEVELS = 10_000


def _check_model(moves: Sequence[np.ndarray], ranks: np.ndarray, dm: int) -> int:
    """Refuse anything other than two DMs, and return the number of states."""
    if len(moves) != 2:
        raise DetenteError(
            "limited-move stability is defined for two decision makers;"
            f" this model has {len(moves)}"
        )
    if not 0 <= dm < 2:
        raise DetenteError(f"decision maker {dm} does not exist (there are 2: 0 and 1)")
    ranks = np.asarray(ranks)
    n = int(moves[0].shape[1])
    if ranks.shape != (2, n) or moves[1].shape[1] != n:
        raise DetenteError(
            f"ranks of shape {ranks.shape} and moves for {n} states do not fit together"
        )
    return n


def _check_horizon(horizon: int) -> int:
    if isinstance(horizon, bool) or not isinstance(horizon, int | np.integer):
        raise DetenteError(f"the horizon h of L_h must be a whole number, not {horizon!r}")
    horizon = int(horizon)
    if horizon < 1:
        raise DetenteError(f"the horizon h of L_h must be at least 1 (got {horizon})")
    if horizon > MAX_HORIZON:
        raise DetenteError(
            f"horizon {horizon} is too large: L_h accepts h up to {MAX_HORIZON}"
            " (use NM for the limit of long horizons)"
        )
    return horizon


#: Moves x states handled at once in one level (bounds the temporaries to a few MB each).
_BLOCK = 1 << 20


def _level(moves_i: np.ndarray, rank_i: np.ndarray, ahead_j: np.ndarray) -> np.ndarray:
    """G_h(i, .) from G_{h-1}(j, .) = ``ahead_j``, for all states at once.

    For every move s -> q of i, the anticipated outcome is ahead_j[q], worth
    rank_i[ahead_j[q]] to i; that worth depends on q alone, so it is tabulated once and
    gathered over the move array.  i moves only if the best worth is strictly above its rank
    at s, and then takes the lowest q among the best moves (the tie rule of the module
    docstring).  Columns are processed in blocks to bound memory.
    """
    n = ahead_j.size
    outcome = np.arange(n, dtype=np.int32)  # staying, unless i moves
    width = moves_i.shape[0]
    if width == 0:
        return outcome
    ahead_ext = extend(ahead_j, np.int32(n))  # the padding target leads to the padding
    worth_of_target = extend(np.asarray(rank_i)[ahead_j], BOTTOM)  # BOTTOM for padding
    step = max(1, _BLOCK // width)
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        targets = moves_i[:, lo:hi]
        worth = worth_of_target[targets]
        best = worth.max(axis=0)
        choice = np.where(worth == best, targets, np.int32(n)).min(axis=0)
        moving = best > rank_i[lo:hi]
        outcome[lo:hi][moving] = ahead_ext[choice[moving]]
    return outcome


def _digest(table: np.ndarray) -> bytes:
    return hashlib.blake2b(table.tobytes(), digest_size=16).digest()


class _Chain:
    """The tables a_k = G_k(m_k, .) of one chain, where m_k = (first + k - 1) mod 2 is the DM
    moving first at level k.  a_0 is the identity (G_0)."""

    def __init__(self, moves: Sequence[np.ndarray], ranks: np.ndarray, first: int) -> None:
        self.moves = moves
        self.ranks = np.asarray(ranks)
        self.first = first
        n = int(moves[0].shape[1])
        self.level = 0
        self.table = np.arange(n, dtype=np.int32)

    def mover(self, level: int) -> int:
        return (self.first + level - 1) % 2

    def advance(self, table: np.ndarray, level: int) -> np.ndarray:
        """a_level from a_{level-1} = ``table``."""
        dm = self.mover(level)
        return _level(self.moves[dm], self.ranks[dm], table)

    def step(self) -> None:
        self.level += 1
        self.table = self.advance(self.table, self.level)

    def key(self) -> tuple[int, bytes]:
        # The map applied next depends on the level's parity, so only tables at levels of
        # the same parity can start the same future.
        return self.level % 2, _digest(self.table)


def _run_chain(
    moves: Sequence[np.ndarray],
    ranks: np.ndarray,
    first: int,
    *,
    stop: int | None,
    limit: int,
    on_cycle,
):
    """Iterate a chain and detect the start of its cycle.

    When a confirmed cycle of period p starts at level k, ``on_cycle(chain, k, p, tables)``
    gets the tables of levels k+1 .. k+p (the last equals level k's) and its result is
    returned.  With ``stop`` set, the chain ends at level ``stop`` and the table there is
    returned, unless a cycle was found first.  Raises if no cycle appears within ``limit``
    levels.
    """
    chain = _Chain(moves, ranks, first)
    seen: dict[tuple[int, bytes], int] = {chain.key(): 0}
    while True:
        if stop is not None and chain.level == stop:
            return chain.table
        if chain.level >= limit:
            raise DetenteError(
                f"the anticipated outcomes did not start repeating within {limit} moves;"
                " non-myopic stability is undetermined for this model"
            )
        chain.step()
        key = chain.key()
        earlier = seen.get(key)
        if earlier is None:
            seen[key] = chain.level
            continue
        period = chain.level - earlier
        if stop is not None and stop - chain.level < period:
            continue  # the remaining levels are fewer than a period: just iterate
        # Replay one period from here and check exactly that the table comes back.
        start, start_table = chain.level, chain.table
        tables = []
        table = start_table
        for offset in range(1, period + 1):
            table = chain.advance(table, start + offset)
            tables.append(table)
        if np.array_equal(tables[-1], start_table):
            return on_cycle(chain, start, period, tables)
        # A digest collision (practically impossible): carry on from the replayed level.
        chain.level, chain.table = start + period, tables[-1]
        seen = {chain.key(): chain.level}


def anticipated_outcome(
    moves: Sequence[np.ndarray], ranks: np.ndarray, dm: int, horizon: int
) -> np.ndarray:
    """G_h(dm, s) for every state s: where the conflict ends (0-based state index) when
    ``dm`` moves first at s and at most h = ``horizon`` moves remain.

    See the module docstring for the definition, the tie rule and the sources.
    """
    _check_model(moves, ranks, dm)
    horizon = _check_horizon(horizon)
    # The chain whose level-h mover is dm: (first + h - 1) mod 2 == dm.
    first = (dm - horizon + 1) % 2

    def jump(chain: _Chain, start: int, period: int, tables: list[np.ndarray]) -> np.ndarray:
        offset = (horizon - start) % period
        return tables[offset - 1] if offset else tables[-1]

    return _run_chain(moves, ranks, first, stop=horizon, limit=MAX_HORIZON, on_cycle=jump).astype(
        np.int32, copy=False
    )


def limited_move_stable(
    moves: Sequence[np.ndarray], ranks: np.ndarray, dm: int, horizon: int
) -> np.ndarray:
    """L_h stability for DM ``dm`` (Kilgour, Hipel & Fang 1987): G_h(dm, s) = s.

    ``moves`` are the two DMs' move arrays (width_i x n, padded with n), ``ranks`` their
    (2, n) ranks (higher is better, ties equal).  Returns a bool array over states.  Raises
    :class:`~detente.errors.DetenteError` unless there are exactly two DMs and
    1 <= h <= :data:`MAX_HORIZON`.  The tie rule is in the module docstring.
    """
    outcome = anticipated_outcome(moves, ranks, dm, horizon)
    return outcome == np.arange(outcome.size)


def nonmyopic_outcome(
    moves: Sequence[np.ndarray],
    ranks: np.ndarray,
    dm: int,
    *,
    max_levels: int = MAX_NM_LEVELS,
) -> np.ndarray:
    """G_inf(dm, s) = lim_{h->inf} G_h(dm, s) for every state, or -1 where it has no limit
    (the anticipated outcome cycles as h grows).

    G_h(dm, .) for even h lies on one chain and for odd h on the other.  Each chain is run
    until its tables are confirmed to repeat.  Over one period, the levels at which dm moves
    first must show one constant outcome, and both chains must agree on it.
    """
    n = _check_model(moves, ranks, dm)

    def steady(chain: _Chain, start: int, period: int, tables: list[np.ndarray]):
        # Levels of the period at which dm moves first (there are period / 2 >= 1).
        mine = [t for k, t in enumerate(tables, start=start + 1) if chain.mover(k) == dm]
        value = mine[0].astype(np.int64)
        constant = np.ones(n, dtype=bool)
        for table in mine[1:]:
            constant &= table == value
        return np.where(constant, value, -1)

    limits = [
        _run_chain(moves, ranks, first, stop=None, limit=max_levels, on_cycle=steady)
        for first in (0, 1)
    ]
    return np.where(limits[0] == limits[1], limits[0], -1)


def nonmyopic_stable(moves: Sequence[np.ndarray], ranks: np.ndarray, dm: int) -> np.ndarray:
    """Non-myopic stability (L_infinity) for DM ``dm``.  s is stable iff lim G_h(dm, s)
    exists and equals s.  States whose anticipated outcome cycles are **unstable** (the
    cycle rule in the module docstring).  Two DMs only."""
    outcome = nonmyopic_outcome(moves, ranks, dm)
    return outcome == np.arange(outcome.size)
