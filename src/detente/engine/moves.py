"""Move sets: one decision maker's unilateral moves, as operators over per-state values.

The engine needs three things from a DM's moves: the least and the greatest value over the
states it reaches from each state, and the same restricted to its unilateral improvements.
Two representations give these, with identical results (the property tests compare them):

* :class:`PaddedMoves` holds the targets explicitly, an int32 array of shape (width, n)
  padded with the sentinel n.  It serves every model, including merged states and
  irreversible or stepped options.
* :class:`BlockMoves` needs no target list at all.  When a DM's options are "free" (every
  direction allowed, no step) and adjacent in the option order, the states it reaches from s
  are exactly the other feasible states that differ from s only in that DM's options.  In
  the dense code space (all option combinations, infeasible ones filled with +/- infinity)
  these form a contiguous axis of a (hi, M, lo) view, so a reduction over moves is a
  reduction over that axis: a few passes over memory instead of n x width random gathers.
  Restricting to improvements sorts each block once by the mover's rank; a prefix minimum
  over the sorted block then answers "least value over states the mover prefers".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from .arrays import BOTTOM, TOP, gather_max, gather_min, improvements

__all__ = [
    "BlockMoves",
    "DenseLayout",
    "MoveReductions",
    "MoveSet",
    "PaddedMoves",
    "as_move_set",
]


class MoveReductions(Protocol):
    """What the engine asks of a set of moves: reductions over each state's targets."""

    n: int

    @property
    def empty(self) -> bool: ...

    def min_over(self, values: np.ndarray) -> np.ndarray:
        """Least of ``values`` over each state's targets (TOP where there are none)."""
        ...

    def max_over(self, values: np.ndarray) -> np.ndarray:
        """Greatest of ``values`` over each state's targets (BOTTOM where there are none)."""
        ...


class MoveSet(MoveReductions, Protocol):
    """One DM's moves: reductions, and the improving moves under a rank.

    The improvements are :class:`MoveReductions` only: the engine never restricts them a
    second time (no solution concept asks for improvements of improvements).
    """

    def improving(self, rank: np.ndarray) -> MoveReductions:
        """The same moves, restricted to those that raise ``rank`` (the mover's)."""
        ...


class PaddedMoves:
    """Explicit targets: int32 (width, n), column s padded with the sentinel n."""

    def __init__(self, targets: np.ndarray) -> None:
        self.targets = targets
        self.n = targets.shape[1]

    @property
    def empty(self) -> bool:
        return self.targets.shape[0] == 0

    def min_over(self, values: np.ndarray) -> np.ndarray:
        return gather_min(values, self.targets)

    def max_over(self, values: np.ndarray) -> np.ndarray:
        return gather_max(values, self.targets)

    def improving(self, rank: np.ndarray) -> PaddedMoves:
        return PaddedMoves(improvements(self.targets, rank))


def as_move_set(moves: MoveSet | np.ndarray) -> MoveSet:
    """Accept a padded target array wherever a move set is expected."""
    return PaddedMoves(moves) if isinstance(moves, np.ndarray) else moves


class DenseLayout:
    """Maps per-state arrays to the dense code space (every option combination) and back.

    ``codes[s]`` is state s's code; codes missing from it are infeasible and get a fill
    value.  When every combination is a state, both maps are the identity.
    """

    def __init__(self, codes: np.ndarray, total: int) -> None:
        self.codes = codes
        self.total = total
        self.n = codes.size
        self.identity = self.n == total

    def to_dense(self, values: np.ndarray, fill: np.int32) -> np.ndarray:
        if self.identity:
            return np.asarray(values, dtype=np.int32)
        dense = np.full(self.total, fill, dtype=np.int32)
        dense[self.codes] = values
        return dense

    def from_dense(self, dense: np.ndarray) -> np.ndarray:
        return dense if self.identity else dense[self.codes]


class BlockMoves:
    """Moves of a DM with free, adjacent options, as reductions over a block axis.

    ``hi``, ``size`` and ``lo`` shape the dense code space as (hi, size, lo), where the
    middle axis enumerates the DM's own option combinations.
    """

    def __init__(self, layout: DenseLayout, hi: int, size: int, lo: int) -> None:
        self.layout = layout
        self.shape = (hi, size, lo)
        self.n = layout.n

    @property
    def empty(self) -> bool:
        return self.shape[1] < 2

    def _block(self, values: np.ndarray, fill: np.int32) -> np.ndarray:
        return self.layout.to_dense(values, fill).reshape(self.shape)

    def _back(self, block: np.ndarray) -> np.ndarray:
        return self.layout.from_dense(block.reshape(-1))

    def min_over(self, values: np.ndarray) -> np.ndarray:
        return self._back(_extreme_of_others(self._block(values, TOP), np.minimum, TOP))

    def max_over(self, values: np.ndarray) -> np.ndarray:
        return self._back(_extreme_of_others(self._block(values, BOTTOM), np.maximum, BOTTOM))

    def improving(self, rank: np.ndarray) -> ImprovingBlockMoves:
        return ImprovingBlockMoves(self, rank)


def _extreme_of_others(block: np.ndarray, op: np.ufunc, neutral: np.int32) -> np.ndarray:
    """For every cell, ``op``-reduce over the other cells of its block (axis 1)."""
    best = op.reduce(block, axis=1, keepdims=True)
    is_best = block == best
    unique = is_best.sum(axis=1, keepdims=True) == 1
    runner_up = op.reduce(np.where(is_best, neutral, block), axis=1, keepdims=True)
    return np.where(is_best & unique, runner_up, best)


class ImprovingBlockMoves:
    """A :class:`BlockMoves` restricted to the moves that raise the mover's rank.

    Each block is sorted once by the mover's rank, best first; a state's improvements are
    then the first ``count[s]`` cells of its sorted block, where count[s] is the number of
    block cells the mover ranks strictly above s.
    """

    def __init__(self, moves: BlockMoves, rank: np.ndarray) -> None:
        self.moves = moves
        self.n = moves.n
        ranked = moves._block(rank, BOTTOM)
        order = np.argsort(-ranked.astype(np.int64), axis=1, kind="stable")
        ordered = np.take_along_axis(ranked, order, axis=1)
        # In the sorted block, a cell's improvements are the cells before the first cell
        # of its rank: count = start of its group of equal ranks.
        positions = np.broadcast_to(
            np.arange(ordered.shape[1], dtype=np.int32)[None, :, None], ordered.shape
        )
        new_group = np.ones(ordered.shape, dtype=bool)
        new_group[:, 1:, :] = ordered[:, 1:, :] != ordered[:, :-1, :]
        group_start = np.maximum.accumulate(np.where(new_group, positions, 0), axis=1)
        count = np.empty_like(group_start)
        np.put_along_axis(count, order, group_start, axis=1)
        self.order = order.astype(np.int32)
        self.count = count.astype(np.int32)
        self._empty = not bool(self.count.any())

    @property
    def empty(self) -> bool:
        return self._empty

    def _prefix(self, values: np.ndarray, op: np.ufunc, neutral: np.int32) -> np.ndarray:
        block = self.moves._block(values, neutral)
        ordered = np.take_along_axis(block, self.order, axis=1)
        running = op.accumulate(ordered, axis=1)
        hi, _, lo = block.shape
        padded = np.concatenate([np.full((hi, 1, lo), neutral, dtype=np.int32), running], axis=1)
        return self.moves._back(np.take_along_axis(padded, self.count, axis=1))

    def min_over(self, values: np.ndarray) -> np.ndarray:
        return self._prefix(values, np.minimum, TOP)

    def max_over(self, values: np.ndarray) -> np.ndarray:
        return self._prefix(values, np.maximum, BOTTOM)


def block_move_sets(
    options_of_dm: Sequence[np.ndarray],
    radices: np.ndarray,
    free: Sequence[bool],
    layout: DenseLayout,
) -> list[BlockMoves | None]:
    """A :class:`BlockMoves` for every DM whose options are free and adjacent, else None."""
    out: list[BlockMoves | None] = []
    for opts, is_free in zip(options_of_dm, free, strict=True):
        adjacent = opts.size > 0 and bool(np.all(np.diff(opts) == 1))
        if not (is_free and adjacent):
            out.append(None)
            continue
        lo = int(np.prod(radices[: opts[0]]))
        size = int(np.prod(radices[opts]))
        hi = layout.total // (lo * size)
        out.append(BlockMoves(layout, hi, size, lo))
    return out
