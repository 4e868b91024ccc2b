"""Structured moves for any DM: reductions along the DM's axes of the mixed-radix code space.

A unilateral move of DM i from s changes a non-empty subset of i's options, each within the
values its direction and step permit, and lands on a feasible state (Fang, Hipel & Kilgour
1993, *Interactive Decision Making: The Graph Model for Conflict Resolution*, Wiley, ch. 3,
R_i(s)).  Direction and step constrain each option on its own: from value x, option k may
take any value in an interval A_k(x) (which contains x).  So the combinations i can reach,
s itself included, form a *product* of intervals, one per option, and a reduction over a
product is a sequence of reductions along single axes of the dense code space, viewed as
an array with one axis per option (option 0 the fastest).  This holds for irreversible
options, dials with steps, one-way dials and options that are not adjacent in the code;
infeasible combinations are filled with the neutral value (+/- infinity) so they never
count.  Nothing lists targets: memory is a few dense arrays, not width x n.

Excluding s itself: a target t != s differs from s first (in a fixed order of the DM's
axes a_1..a_m) at some axis a_j.  Then t agrees with s on a_1..a_{j-1}, takes another value
of A(s) on a_j, and any permitted value on a_{j+1}..a_m.  So

    min over R_i(s) = min_j  R'_{a_j}( R_{a_{j+1}} ... R_{a_m}(v) )(s)

where R_a reduces over A_a(x) (x included: an *inclusive* reduction) and R'_a over
A_a(x) minus x (a *strict* one).  The inclusive reductions of free axes are constant along
their axis, so they are kept as broadcast axes of size 1; free axes go last in the order so
the arrays shrink early.  Along a dial's axis the intervals are prefixes or suffixes (one-way
dials: cumulative minimum), or sliding windows (steps: one shifted minimum per offset).

Improvements (the moves to states the mover ranks strictly higher) are not a product: the
rank condition ties target to source.  They are computed block by block, as for block moves
(:class:`~detente.engine.moves.SortedImprovements`): a *block* is the set of combinations
that differ only in i's options.  For the source cells whose constrained options (not
"both ways, any step") have the values c, the targets lie in a sub-box B_c of the block (the
product of the A_k(c_k) and of the free axes).  Each B_c is sorted once by the mover's rank,
best first; a prefix minimum over the sorted sub-box then answers "least value over the
targets the mover prefers".  The work per reduction is sum_c |B_c| per block: 1.5x the block
per one-way binary option, about 3x per dial with step 1, instead of one block.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .arrays import BOTTOM, TOP
from .moves import DenseLayout, PaddedMoves, SortedImprovements, extreme_of_others, reduce_block

__all__ = ["AxisMoves", "AxisRule", "improvement_work"]

Direction = Literal["both", "forward", "backward"]


@dataclass(frozen=True)
class AxisRule:
    """How one option may move: its radix, permitted direction and largest step."""

    radix: int
    direction: Direction = "both"
    step: int | None = None

    @property
    def reach(self) -> int:
        """The largest change in one move (radix - 1 when the step does not bind)."""
        top = self.radix - 1
        return top if self.step is None else min(self.step, top)

    @property
    def free(self) -> bool:
        """Every value reachable from every value: the block-move case."""
        return self.direction == "both" and self.reach == self.radix - 1

    def interval(self, x: int) -> tuple[int, int]:
        """The values (low, high inclusive) the option may take from value x."""
        low = x if self.direction == "forward" else max(0, x - self.reach)
        high = x if self.direction == "backward" else min(self.radix - 1, x + self.reach)
        return low, high

    def offsets(self) -> list[int]:
        """Non-zero changes d a move may make (before clipping to the levels)."""
        ups = range(1, self.reach + 1) if self.direction != "backward" else range(0)
        downs = range(-self.reach, 0) if self.direction != "forward" else range(0)
        return [*downs, *ups]


def _along(ndim: int, axis: int, start: int, stop: int) -> tuple[slice, ...]:
    index = [slice(None)] * ndim
    index[axis] = slice(start, stop)
    return tuple(index)


def _shifted(out: np.ndarray, src: np.ndarray, axis: int, d: int, op: np.ufunc) -> None:
    """out[x] = op(out[x], src[x + d]) along ``axis``, for every x with x + d in range."""
    r = src.shape[axis]
    if abs(d) >= r:
        return
    lo, hi = max(0, -d), r - max(0, d)
    dst = out[_along(out.ndim, axis, lo, hi)]
    op(dst, src[_along(src.ndim, axis, lo + d, hi + d)], out=dst)


def _cumulative(a: np.ndarray, axis: int, op: np.ufunc, reverse: bool) -> np.ndarray:
    if not reverse:
        return op.accumulate(a, axis=axis)
    return np.flip(op.accumulate(np.flip(a, axis), axis=axis), axis)


def _inclusive(a: np.ndarray, axis: int, rule: AxisRule, op: np.ufunc) -> np.ndarray:
    """op over A(x), x included, along ``axis`` (size 1 when the result is constant)."""
    if rule.free:
        before = math.prod(a.shape[:axis])
        reduced = reduce_block(a.reshape(before, rule.radix, -1), op)
        return reduced.reshape((*a.shape[:axis], 1, *a.shape[axis + 1 :]))
    if rule.reach == rule.radix - 1 and rule.radix > 3:  # one-way dial: a suffix or prefix
        return _cumulative(a, axis, op, reverse=rule.direction == "forward")
    out = a.copy()
    for d in rule.offsets():  # a sliding window: one shifted pass per permitted change
        _shifted(out, a, axis, d, op)
    return out


def _strict(a: np.ndarray, axis: int, rule: AxisRule, op: np.ufunc, neutral: np.int32):
    """op over A(x) minus x along ``axis``."""
    r = rule.radix
    if r == 2 and rule.free:
        return np.flip(a, axis)  # the other value: a view, no pass at all
    if rule.free:  # the best of the others: the best, or the runner-up where x is the best
        before = math.prod(a.shape[:axis])
        block = a.reshape(before, r, -1)
        return extreme_of_others(block, op, neutral).reshape(a.shape)
    out = np.full(a.shape, neutral, dtype=np.int32)
    if rule.reach == r - 1 and r > 3:
        # No step: the values above x (a suffix starting at x + 1) and/or below (a prefix).
        if rule.direction != "backward":
            suffix = _cumulative(a, axis, op, reverse=True)
            out[_along(a.ndim, axis, 0, r - 1)] = suffix[_along(a.ndim, axis, 1, r)]
        if rule.direction != "forward":
            prefix = _cumulative(a, axis, op, reverse=False)
            dst = out[_along(a.ndim, axis, 1, r)]
            op(dst, prefix[_along(a.ndim, axis, 0, r - 1)], out=dst)
        return out
    for d in rule.offsets():
        _shifted(out, a, axis, d, op)
    return out


class AxisMoves:
    """One DM's moves as reductions along its axes of the dense code space.

    ``radices`` are every option's radices (1 for an option no move changes); ``rules``
    maps each of the DM's option indices to its :class:`AxisRule`.  Options outside the DM
    that sit next to each other in the code share one array axis.
    """

    def __init__(
        self, layout: DenseLayout, radices: Sequence[int], rules: dict[int, AxisRule]
    ) -> None:
        self.layout = layout
        self.n = layout.n
        dims: list[int] = []  # numpy order: the highest option first (slowest)
        self.axes: list[tuple[int, AxisRule]] = []  # (numpy axis, rule) per moving axis
        run = 1
        for k in range(len(radices) - 1, -1, -1):
            r = int(radices[k])
            if k not in rules or r == 1:
                run *= r
                continue
            if run > 1:
                dims.append(run)
                run = 1
            rule = rules[k]
            last = self.axes[-1][1] if self.axes else None
            if rule.free and last is not None and last.free and self.axes[-1][0] == len(dims) - 1:
                # Adjacent free options act as one free option over their combinations.
                dims[-1] *= r
                self.axes[-1] = (len(dims) - 1, AxisRule(dims[-1]))
                continue
            self.axes.append((len(dims), rule))
            dims.append(r)
        if run > 1 or not dims:
            dims.append(run)
        self.shape = tuple(dims)
        # Composition order: constrained axes first, free ones last (reduced first, so the
        # partial arrays shrink by their radix before the constrained axes are met).
        self.order = sorted(self.axes, key=lambda item: item[1].free)

    @property
    def empty(self) -> bool:
        return not self.axes

    def dense(self, values: np.ndarray, fill: np.int32) -> np.ndarray:
        return self.layout.to_dense(values, fill).reshape(self.shape)

    def back(self, dense: np.ndarray) -> np.ndarray:
        return self.layout.from_dense(np.ascontiguousarray(dense).reshape(-1))

    def _reduce(self, values: np.ndarray, op: np.ufunc, neutral: np.int32) -> np.ndarray:
        if self.empty:
            return np.full(self.n, neutral, dtype=np.int32)
        partial = self.dense(values, neutral)
        stricts = []
        for position, (axis, rule) in enumerate(reversed(self.order)):
            stricts.append(_strict(partial, axis, rule, op, neutral))
            if position < len(self.order) - 1:
                partial = _inclusive(partial, axis, rule, op)
        # Combine from the smallest (most reduced) to the full-size one.
        acc = stricts[-1]
        for part in reversed(stricts[:-1]):
            acc = op(acc, part)
        return self.back(np.broadcast_to(acc, self.shape))

    def min_over(self, values: np.ndarray) -> np.ndarray:
        return self._reduce(values, np.minimum, TOP)

    def max_over(self, values: np.ndarray) -> np.ndarray:
        return self._reduce(values, np.maximum, BOTTOM)

    def improving(self, rank: np.ndarray) -> SortedImprovements | PaddedMoves:
        if self.empty:  # e.g. every option of the DM is committed: no move, no improvement
            return PaddedMoves(np.empty((0, self.n), dtype=np.int32))
        cells, in_order = self.cells()
        return SortedImprovements(self.layout, cells, self.boxes(), rank, in_order=in_order)

    # -- the DM's block: its axes side by side, as (A, M, B) -----------------------------------
    def cells(self) -> tuple[np.ndarray, bool]:
        """(A, M, B) int64: the dense code of cell m of every block (the combinations that
        differ only in the DM's options), the DM's axes in numpy order, C order; and whether
        the DM's axes are adjacent (the cells are then the codes in order)."""
        mine = [axis for axis, _ in self.axes]  # ascending numpy axes
        last = mine[-1]
        before = [a for a in range(len(self.shape)) if a < last and a not in mine]
        after = list(range(last + 1, len(self.shape)))
        size = math.prod(self.shape[a] for a in mine)
        lo = math.prod(self.shape[a] for a in after)
        codes = np.arange(self.layout.total, dtype=np.int64).reshape(self.shape)
        perm = (*before, *mine, *after)
        cells = codes.transpose(perm).reshape(self.layout.total // (size * lo), size, lo)
        return cells, perm == tuple(range(len(perm)))

    def boxes(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per value combination c of the constrained axes: (cells of B_c, cells with c).

        Cells are indices 0..M-1 into the DM's block (its axes in numpy order, C order).
        """
        dims = [self.shape[axis] for axis, _ in self.axes]
        digits = np.unravel_index(np.arange(math.prod(dims)), dims)
        constrained = [j for j, (_, rule) in enumerate(self.axes) if not rule.free]
        out = []
        for combo in np.ndindex(*[dims[j] for j in constrained]):
            inside = np.ones(digits[0].size, dtype=bool)
            source = inside.copy()
            for j, x in zip(constrained, combo, strict=True):
                low, high = self.axes[j][1].interval(x)
                inside &= (digits[j] >= low) & (digits[j] <= high)
                source &= digits[j] == x
            out.append((np.flatnonzero(inside), np.flatnonzero(source)))
        return out


def improvement_work(rules: Sequence[AxisRule]) -> float:
    """Cells sorted and scanned per block cell by its improvements: sum_c |B_c| / M.

    1 for free options; a one-way binary option multiplies it by 1.5, a dial with step 1 by
    about 3.  The state space uses padded moves above a limit.
    """
    work = 1.0
    for rule in rules:
        if not rule.free:
            spans = [rule.interval(x) for x in range(rule.radix)]
            work *= sum(high - low + 1 for low, high in spans) / rule.radix
    return work
