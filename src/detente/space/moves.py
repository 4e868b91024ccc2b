"""The one move builder: each decision maker's unilateral moves R_i(s) as padded arrays.

A unilateral move of DM i from state s changes a non-empty subset of the options i may
move, respects each option's permitted direction and step, and lands on a feasible state
(Fang, Hipel & Kilgour 1993, *Interactive Decision Making*, ch. 3, R_i(s)).  The result is
a padded (width, n) int32 target array: column s lists the targets, padded with the
sentinel.  Memory is linear in states x moves; nothing is ever n x n.

:class:`~detente.space.StateSpace` builds its ``moves`` and ``member_moves`` here, committed
spaces build the moves of the options left free here, and coalition analysis can build
the moves of any option subset here, or pad its (source, target) pairs
(:func:`padded_from_pairs`).

>>> import detente
>>> from detente.space import as_space
>>> space = as_space(detente.load_case("chicken"))
>>> unilateral_moves(space, space.dm_options[0]).shape == (1, space.n_states)
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..engine.arrays import compact
from ..errors import Location, SizeLimitError

if TYPE_CHECKING:  # the state space imports this module: a type-only import avoids a cycle
    from .state_space import StateSpace

__all__ = ["MOVE_CHUNK", "digits_of", "padded_from_pairs", "unilateral_moves"]

#: Rows x alternatives handled at once when building moves (bounds the working memory).
MOVE_CHUNK = 1 << 21


def digits_of(codes: np.ndarray, radices: np.ndarray, place: np.ndarray) -> np.ndarray:
    """(len(codes), len(radices)) int8 option values of each code (mixed-radix digits).

    >>> digits_of(np.array([5]), np.array([2, 3]), np.array([1, 2])).tolist()
    [[1, 2]]
    """
    if (radices == 2).all():  # binary options: shifting is faster than dividing
        shifts = np.arange(radices.size, dtype=np.int64)
        return ((codes[:, None] >> shifts[None, :]) & 1).astype(np.int8)
    return ((codes[:, None] // place[None, :]) % radices[None, :]).astype(np.int8)


def unilateral_moves(
    space: StateSpace,
    options: Sequence[int] | np.ndarray,
    *,
    members: bool = False,
    who: str = "a decision maker",
    loc: Location = (),
) -> np.ndarray:
    """Moves that change a non-empty subset of ``options`` (option indices), for every state.

    Returns a padded (width, n) int32 target array, column s padded with the sentinel n
    (``n_states``; with ``members=True`` the moves run between feasible option
    combinations, ``member_codes``, with sentinel ``member_codes.size``).  With merged
    states and ``members=False`` the moves of a state pool those of its members.  ``who``
    and ``loc`` name the mover in the error raised when the array would exceed the space's
    memory budget.  Vectorised over chunks of states x alternatives.

    >>> import detente
    >>> from detente.space import as_space
    >>> space = as_space(detente.load_case("prisoners-dilemma"))
    >>> [space.label(int(t)) for t in unilateral_moves(space, space.dm_options[0])[:, 0]]
    ['YN']
    """
    opts = np.asarray(options, dtype=np.int64)
    sentinel = space.member_codes.size if members else space.n_states
    if opts.size == 0:
        return np.zeros((0, sentinel), dtype=np.int32)
    radices = space.radices[opts]
    n_alt = math.prod(int(r) for r in radices)
    need = 4.0 * space.n_states * (n_alt - 1) * (2 if space.merged else 1)
    if need > space.max_memory:
        raise SizeLimitError(
            f"listing the moves of {who} explicitly would need about"
            f" {need / 2**30:.2f} GiB, more than the memory budget of"
            f" {space.max_memory / 2**30:.1f} GiB (--max-memory)",
            loc,
        )
    local_place = np.concatenate([[1], np.cumprod(radices)[:-1]]).astype(np.int64)
    alt_digits = digits_of(np.arange(n_alt, dtype=np.int64), radices, local_place)
    alt_offset = alt_digits.astype(np.int64) @ space.place[opts]
    option_specs = [space.conflict.options[k] for k in opts]
    lookup = space.members_of_codes if members else space.states_of_codes
    pooled = space.merged and not members
    # Rows of the computation are feasible combinations; with merging several belong to
    # one state, and their moves are pooled (unless member-level moves are wanted).
    rows_codes = space.member_codes
    rows_state = space.member_state
    rows_values = space.member_values
    chunk = max(1, MOVE_CHUNK // n_alt)
    pieces: list[np.ndarray] = []
    edges: list[np.ndarray] = []
    for start in range(0, rows_codes.size, chunk):
        stop = start + chunk
        cur = rows_values[start:stop][:, opts].T  # (|opts|, c)
        allowed = np.ones((n_alt, cur.shape[1]), dtype=bool)
        changed = np.zeros_like(allowed)
        for j, option in enumerate(option_specs):
            diff = alt_digits[:, j, None].astype(np.int16) - cur[j][None, :]
            changed |= diff != 0
            if option.direction == "forward":
                allowed &= diff >= 0
            elif option.direction == "backward":
                allowed &= diff <= 0
            if option.step is not None:
                allowed &= np.abs(diff) <= option.step
        base = rows_codes[start:stop] - cur.T.astype(np.int64) @ space.place[opts]
        targets = lookup(alt_offset[:, None] + base[None, :])
        valid = allowed & changed & (targets >= 0)
        if pooled:
            src = rows_state[start:stop]
            valid &= targets != src[None, :]
            alt, col = np.nonzero(valid)
            edges.append(src[col] * (sentinel + 1) + targets[alt, col])
        else:
            pieces.append(np.where(valid, targets, sentinel).astype(np.int32))
    if not pooled:
        return compact(np.concatenate(pieces, axis=1))
    pairs = np.unique(np.concatenate(edges)) if edges else np.zeros(0, dtype=np.int64)
    return padded_from_pairs(pairs // (sentinel + 1), pairs % (sentinel + 1), sentinel)


def padded_from_pairs(src: np.ndarray, dst: np.ndarray, n: int) -> np.ndarray:
    """A padded (width, n) int32 move array from (source, target) pairs sorted by source
    (column s lists the targets of s in the pairs' order, padded with the sentinel n).

    >>> padded_from_pairs(np.array([0, 0, 2]), np.array([1, 2, 0]), 3).tolist()
    [[1, 3, 0], [2, 3, 3]]
    """
    counts = np.bincount(src, minlength=n)
    width = int(counts.max()) if counts.size else 0
    out = np.full((width, n), n, dtype=np.int32)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    out[np.arange(src.size) - first[src], src] = dst
    return out
