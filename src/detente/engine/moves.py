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
  over the sorted block then answers "least value over states the mover prefers"
  (:class:`SortedImprovements`).
* :class:`~detente.engine.axis_moves.AxisMoves` generalises block moves to irreversible
  options, steps, one-way dials and options anywhere in the code.
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
    "SortedImprovements",
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
        return self._back(extreme_of_others(self._block(values, TOP), np.minimum, TOP))

    def max_over(self, values: np.ndarray) -> np.ndarray:
        return self._back(extreme_of_others(self._block(values, BOTTOM), np.maximum, BOTTOM))

    def improving(self, rank: np.ndarray) -> SortedImprovements:
        cells = np.arange(self.layout.total, dtype=np.int64).reshape(self.shape)
        every = np.arange(self.shape[1])
        return SortedImprovements(self.layout, cells, [(every, every)], rank, in_order=True)


def extreme_of_others(block: np.ndarray, op: np.ufunc, neutral: np.int32) -> np.ndarray:
    """For every cell, ``op``-reduce over the other cells of its block (axis 1)."""
    size, lo = block.shape[1:]
    # Small blocks: slice by slice (one elementwise pass per cell), which beats ufunc.reduce
    # over a short axis; measured on (n/size, size, lo) views at 2^22 cells.
    if size <= 8 or (size <= 32 and lo >= 4):
        # Exclusive prefix and suffix runs: out[x] = op(a[0..x-1]) then op= a[x+1..].
        out = np.empty(block.shape, dtype=np.int32)
        out[:, 0] = neutral
        for x in range(1, size):
            op(out[:, x - 1], block[:, x - 1], out=out[:, x])
        run = block[:, size - 1].copy()
        for x in range(size - 2, -1, -1):
            op(out[:, x], run, out=out[:, x])
            if x:
                op(run, block[:, x], out=run)
        return out
    best = op.reduce(block, axis=1, keepdims=True)
    is_best = block == best
    unique = is_best.sum(axis=1, keepdims=True) == 1
    runner_up = op.reduce(np.where(is_best, neutral, block), axis=1, keepdims=True)
    return np.where(is_best & unique, runner_up, best)


def reduce_block(block: np.ndarray, op: np.ufunc) -> np.ndarray:
    """``op``-reduce over axis 1, keeping it (size 1)."""
    size, lo = block.shape[1:]
    if not (size <= 4 or (size <= 16 and lo < 4)):  # as in extreme_of_others, measured
        return op.reduce(block, axis=1, keepdims=True)
    acc = block[:, :1].copy()
    for x in range(1, block.shape[1]):
        op(acc, block[:, x : x + 1], out=acc)
    return acc


class SortedImprovements:
    """Improvements of a structured move set: prefix reductions over blocks sorted by rank.

    A *block* is a set of combinations that differ only in the mover's options;
    ``cells`` (shape (A, M, B), int64) gives the dense code of each of its M cells for
    each of the A x B blocks (``in_order`` when cells[a, m, b] = (a * M + m) * B + b, a
    view of the code space: then nothing needs gathering).  ``parts`` are pairs (box,
    sources) of cell indices 0..M-1: the targets of a source cell lie in its part's box
    (the whole block for free options, see :mod:`detente.engine.axis_moves`).  Each box
    is sorted once by the mover's rank, best first; a source's improvements are then the
    first count[s] cells of its sorted box (count = the number of box cells the mover
    ranks strictly above it), so a reduction over improvements is a running minimum along
    the sorted box, read at count[s].

    The sorted boxes are stored as flat dense codes (``parts``), position-major within
    tiles of ``tile`` blocks: row p of a tile holds the p-th best cell of each of its blocks.
    A reduction is then one gather, one elementwise pass per row (contiguous, over all
    tiles at once) and one gather of the answers (``picks``), and a tile's cells stay in
    cache while its rows are read: no sorting and no index arithmetic per call.
    """

    #: Bytes of one tile's rows (int32): small enough to stay in a core's cache.
    TILE_BYTES = 1 << 19

    def __init__(
        self,
        layout: DenseLayout,
        cells: np.ndarray,
        parts: Sequence[tuple[np.ndarray, np.ndarray]],
        rank: np.ndarray,
        *,
        in_order: bool = False,
    ) -> None:
        self.layout = layout
        self.n = layout.n
        hi, size, lo = cells.shape
        ranked = layout.to_dense(rank, BOTTOM)
        self.parts: list[tuple[int, np.ndarray]] = []  # (first buffer cell, tiled gather)
        picks = np.zeros(layout.total, dtype=np.int64)
        start = 0
        nonempty = False
        for box, sources in parts:
            whole = box.size == size  # the box is the block: cells need no gathering
            rows = box.size + 1  # row 0 is the neutral value: "no improvement"
            tile = _tile(hi, lo, self.TILE_BYTES // (4 * rows))
            box_cells = cells if whole else cells[:, box, :]
            key = -(ranked.reshape(hi, size, lo) if whole and in_order else ranked[box_cells])
            order = np.argsort(key, axis=1, kind="stable")
            ordered = np.take_along_axis(key, order, axis=1)
            # A cell's improvements are the cells before the first one of its rank: count =
            # the start of its group of equal ranks in the sorted box.
            positions = np.arange(box.size, dtype=np.int32)[None, :, None]
            new_group = np.ones(ordered.shape, dtype=bool)
            new_group[:, 1:, :] = ordered[:, 1:, :] != ordered[:, :-1, :]
            group_start = np.maximum.accumulate(np.where(new_group, positions, 0), axis=1)
            count = np.empty_like(group_start)
            np.put_along_axis(count, order, group_start, axis=1)
            every = sources.size == size  # every cell of the block is a source
            if not every:
                count = count[:, np.searchsorted(box, sources), :]
            nonempty = nonempty or bool(count.any())
            # The buffer of a part is (tiles, rows, tile); block (a, b) is number a*lo + b.
            block = np.arange(hi, dtype=np.int64)[:, None, None] * lo + np.arange(lo)
            base = start + (block // tile) * (rows * tile) + block % tile
            if every and in_order:
                picks.reshape(cells.shape)[...] = base + count * tile
            else:
                picks[cells[:, sources, :]] = base + count * tile
            if whole and in_order:
                by_rank = (np.arange(hi, dtype=np.int64)[:, None, None] * size + order) * lo
                by_rank += np.arange(lo)
            else:
                by_rank = np.take_along_axis(box_cells, order, axis=1)
            self.parts.append((start, _tiled(by_rank, tile)))
            start += hi * lo * rows
        self.size = start
        self.picks = layout.from_dense(picks)
        self._empty = not nonempty

    @property
    def empty(self) -> bool:
        return self._empty

    def _prefix(self, values: np.ndarray, op: np.ufunc, neutral: np.int32) -> np.ndarray:
        dense = self.layout.to_dense(values, neutral)
        buffer = np.empty(self.size, dtype=np.int32)
        for start, gather in self.parts:
            tiles, cells, tile = gather.shape
            rows = buffer[start : start + tiles * (cells + 1) * tile]
            rows = rows.reshape(tiles, cells + 1, tile)
            rows[:, 0, :] = neutral
            rows[:, 1:, :] = dense[gather]
            for r in range(2, cells + 1):  # a running op down the rows, all tiles at once
                op(rows[:, r - 1, :], rows[:, r, :], out=rows[:, r, :])
        return buffer[self.picks]

    def min_over(self, values: np.ndarray) -> np.ndarray:
        return self._prefix(values, np.minimum, TOP)

    def max_over(self, values: np.ndarray) -> np.ndarray:
        return self._prefix(values, np.maximum, BOTTOM)


def _tile(hi: int, lo: int, target: int) -> int:
    """Blocks per tile: near ``target``, and a multiple of ``lo`` dividing hi * lo, or a
    divisor of ``lo``, so that tiling is one transposing copy."""
    target = max(1, target)
    if lo >= target:
        return max(d for d in range(1, target + 1) if lo % d == 0)
    k = max(d for d in range(1, target // lo + 1) if hi % d == 0)
    return k * lo


def _tiled(by_rank: np.ndarray, tile: int) -> np.ndarray:
    """(A, P, B) sorted cells as (tiles, P, tile): tile t holds blocks t*tile .. (t+1)*tile-1
    (block a*B + b), position-major within the tile."""
    hi, p, lo = by_rank.shape
    if tile >= lo:
        split = by_rank.reshape(hi // (tile // lo), tile // lo, p, lo).transpose(0, 2, 1, 3)
    else:
        split = by_rank.reshape(hi, p, lo // tile, tile).transpose(0, 2, 1, 3)
    return np.ascontiguousarray(split).reshape(-1, p, tile)


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
