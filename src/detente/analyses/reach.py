"""Coalition reachability R_H(s) and coalitional improvements R_H^{++}(s): the one home.

Status quo analysis (:mod:`detente.analyses.paths`), coalition stability
(:mod:`detente.analyses.coalitions`) and explanations all ask what a group of decision makers
can reach by moving in turn.  They ask it here.

Sources
-------
* Fang, L., Hipel, K.W., Kilgour, D.M. (1993). *Interactive Decision Making: The Graph Model
  for Conflict Resolution*, Wiley, ch. 4: R_H(s), the states a group H reaches from s by a
  *legal sequence* of its members' unilateral moves (each from where the previous one
  ended, no member twice in a row; a member may move again later).  R+_H(s): the same with
  every move a unilateral improvement of the member making it.
* Kilgour, D.M., Hipel, K.W., Fang, L., Peng, X. (2001). "Coalition analysis in group
  decision support." *Group Decision and Negotiation* 10(2):159-175: a coalitional
  improvement of H from s is a state of R_H(s) that every member strictly prefers to s;
  R_H^{++}(s) is their set.  Only the end state counts, not the steps on the way.
* Inohara, T., Hipel, K.W. (2008). "Coalition analysis in the graph model for conflict
  resolution." *Systems Engineering* 11(4):343-359: the same joint moves, used for
  coalition stability.

The full texts of the two coalition papers could not be read while this was written; the
definitions follow their abstracts and Xu, Hipel, Kilgour & Fang (2018), *Conflict
Resolution Using the Graph Model*, Springer (see docs/coalitions.md).

Computation
-----------
Every member's unilateral move changes only its own options, so R_H(s) stays inside the
*block* of s: the connected component of s in the graph of the members' moves, taken
without direction (:func:`coalition_components`; with merged states or one-way options a
block may be larger than the states sharing the outsiders' options, never smaller than
R_H(s)).  Blocks are packed into groups of at most :data:`GROUP_STATES` states, and R_H is
computed one group at a time, so the work is states x block size, not states squared:

* In general, by a fixpoint over bitsets (:func:`_reach_bits`): with V_k(t) the sources
  from which t is reached by a legal sequence whose last move is member k's,
  V_k = pull_k(S | OR_{j != k} V_j), S marking each source at itself.  Gauss-Seidel sweeps
  over the members, each vectorised over the group's states and 64 sources per word.
* For a :func:`free_coalition` (every option reversible, no step limit, no merging) R_H(s)
  minus s *is* the rest of the block, so no fixpoint is needed.

:func:`reach_tree` gives witness sequences: a breadth-first search over (state, last
mover) from one source.

>>> import detente
>>> space = detente.compile_conflict(detente.load_case("elmira"))
>>> (coalition_reach(space, coalition_members(space, "MoE+Uniroyal"), 4) + 1).tolist()
[6, 7, 8, 9]
>>> (coalitional_improvements(space, "MoE+Uniroyal", 4) + 1).tolist()
[8]
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..engine import coalition_reach_min, improvements
from ..engine.arrays import BOTTOM, TOP
from ..errors import DetenteError, SizeLimitError
from ..space.moves import padded_from_pairs
from ..space.state_space import StateSpace
from ..words import dm_index

__all__ = [
    "DEFAULT_COALITION_BUDGET",
    "GROUP_STATES",
    "Coalition",
    "CoalitionMoves",
    "ReachTree",
    "Step",
    "beaten_within_reach",
    "coalition_components",
    "coalition_members",
    "coalition_reach",
    "coalition_reachable",
    "coalitional_improvements",
    "free_coalition",
    "improvement_pairs",
    "reach_dominates",
    "reach_min_rows",
    "reach_tree",
]

Coalition = tuple[int, ...]

#: Largest number of (start, target) pairs :func:`coalition_reachable` and
#: :func:`coalitional_improvements` may hold before they stop with a
#: :class:`~detente.errors.SizeLimitError` (when a budget is given).
DEFAULT_COALITION_BUDGET = 1 << 23

#: Blocks are packed into groups of about this many states; R_H is computed group by group.
GROUP_STATES = 1 << 9

#: Blocks of a free coalition larger than this are reduced to their maximal points.
_FRONT_FROM = 1 << 12

#: Booleans (targets x sources) handled at once inside a group.
_BUDGET = 1 << 23


# -- naming coalitions -----------------------------------------------------------------------------
def coalition_members(space: StateSpace, ref: str | int | Iterable[str | int]) -> Coalition:
    """Resolve a coalition written as 'MoE+Uniroyal' (or with commas), a DM name or number,
    or a list of them, to sorted DM indices.  Raises :class:`DetenteError` for unknown names.

    >>> import detente
    >>> space = detente.compile_conflict(detente.load_case("elmira"))
    >>> coalition_members(space, "uniroyal, MoE"), coalition_members(space, [2, "MoE"])
    ((0, 1), (0, 2))
    """
    if isinstance(ref, str):
        parts = [p.strip() for p in ref.replace(",", "+").split("+")]
        items: list[str | int] = [p for p in parts if p]
    elif isinstance(ref, int | np.integer):
        items = [int(ref)]
    else:
        items = list(ref)
    if not items:
        raise DetenteError("a coalition needs at least one decision maker")
    return tuple(sorted({dm_index(space, item) for item in items}))


# -- one step of a legal sequence ------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    """One unilateral move: DM ``dm`` moves from ``source`` to ``target`` (0-based states).

    ``changes`` are (option index, old value, new value) for the mover's options whose value
    is known in both states.

    >>> import detente
    >>> space = detente.compile_conflict(detente.load_case("chicken"))
    >>> Step.of(space, 0, 0, 1).text(space)
    'A: A_defects N→Y'
    """

    dm: int
    source: int
    target: int
    changes: tuple[tuple[int, int, int], ...] = ()

    @classmethod
    def of(cls, space: StateSpace, dm: int, source: int, target: int) -> Step:
        changes = []
        for k in space.dm_options[dm]:
            k = int(k)
            if space.fixed is not None and not (space.fixed[source, k] and space.fixed[target, k]):
                continue
            old, new = int(space.values[source, k]), int(space.values[target, k])
            if old != new:
                changes.append((k, old, new))
        return cls(dm, source, target, tuple(changes))

    def to_json(self, space: StateSpace) -> dict[str, Any]:
        return {
            "dm": space.dm_names[self.dm],
            "from": self.source + 1,
            "to": self.target + 1,
            "changes": [
                {"option": space.option_names[k], "from": old, "to": new}
                for k, old, new in self.changes
            ],
        }

    def text(self, space: StateSpace) -> str:
        """'MoE: Modify N→Y' (a compact form for tables)."""
        if not self.changes:
            return f"{space.dm_names[self.dm]}: to state {self.target + 1}"
        parts = []
        for k, old, new in self.changes:
            if space.conflict.options[k].binary:
                parts.append(f"{space.option_names[k]} {'NY'[old]}→{'NY'[new]}")
            else:
                parts.append(f"{space.option_names[k]} {old}→{new}")
        return f"{space.dm_names[self.dm]}: {', '.join(parts)}"


# -- witness sequences from one source -------------------------------------------------------------
@dataclass
class ReachTree:
    """Breadth-first search tree of the legal sequences of some movers from one source.

    ``depth[k, x]`` is the length of a shortest legal sequence from ``source`` to ``x`` whose
    last move is by mover ``k`` (-1 if there is none); ``parent_state``/``parent_slot`` point
    to the node before it (slot -1: the source).  ``reached`` is R(source).
    """

    movers: tuple[int, ...]
    source: int
    depth: np.ndarray
    parent_state: np.ndarray
    parent_slot: np.ndarray

    @property
    def reached(self) -> np.ndarray:
        """Boolean mask over states: reachable by at least one move."""
        return (self.depth >= 0).any(axis=0)

    def distance(self) -> np.ndarray:
        """Fewest moves to each state (-1 where unreachable)."""
        d = np.where(self.depth >= 0, self.depth, np.iinfo(np.int32).max).min(axis=0)
        return np.where(d == np.iinfo(np.int32).max, -1, d)

    def path(self, space: StateSpace, target: int) -> list[Step]:
        """A shortest legal sequence of moves from the source to ``target``."""
        column = self.depth[:, target]
        if (column < 0).all():
            raise ValueError(f"state {target + 1} is not reachable")
        slot = int(np.where(column >= 0, column, np.iinfo(np.int32).max).argmin())
        steps: list[Step] = []
        state = target
        while slot >= 0:
            before = int(self.parent_state[slot, state])
            steps.append(Step.of(space, self.movers[slot], before, state))
            slot, state = int(self.parent_slot[slot, state]), before
        steps.reverse()
        return steps


def reach_tree(
    space: StateSpace,
    movers: Sequence[int],
    source: int,
    moves: Sequence[np.ndarray] | None = None,
) -> ReachTree:
    """Legal sequences of moves by ``movers`` (DM indices) from ``source``.

    ``moves[k]`` is the padded move array mover k uses (default: all its unilateral moves,
    ``space.moves``; pass :func:`detente.engine.improvements` for R^+).  No mover moves twice
    in a row (Fang, Hipel & Kilgour 1993).  Each breadth-first level is vectorised.

    >>> import detente
    >>> space = detente.compile_conflict(detente.load_case("elmira"))
    >>> tree = reach_tree(space, (0, 1), 4)
    >>> [(step.dm, step.source + 1, step.target + 1) for step in tree.path(space, 7)]
    [(1, 5, 7), (0, 7, 8)]
    """
    n = space.n_states
    movers = tuple(int(i) for i in movers)
    arrays = [space.moves[i] for i in movers] if moves is None else list(moves)
    k = len(movers)
    depth = np.full((k, n), -1, dtype=np.int32)
    parent_state = np.full((k, n), -1, dtype=np.int64)
    parent_slot = np.full((k, n), -2, dtype=np.int8)
    front_state = np.array([source], dtype=np.int64)
    front_slot = np.array([-1], dtype=np.int64)
    level = 0
    while front_state.size:
        level += 1
        next_state, next_slot = [], []
        for slot, array in enumerate(arrays):
            if array.shape[0] == 0:
                continue
            allowed = front_slot != slot
            xs, ps = front_state[allowed], front_slot[allowed]
            if not xs.size:
                continue
            targets = array[:, xs]
            valid = targets < n
            t = targets[valid].astype(np.int64)
            from_state = np.broadcast_to(xs, targets.shape)[valid]
            from_slot = np.broadcast_to(ps, targets.shape)[valid]
            fresh = depth[slot, t] < 0
            t, from_state, from_slot = t[fresh], from_state[fresh], from_slot[fresh]
            t, first = np.unique(t, return_index=True)
            depth[slot, t] = level
            parent_state[slot, t] = from_state[first]
            parent_slot[slot, t] = from_slot[first]
            next_state.append(t)
            next_slot.append(np.full(t.size, slot, dtype=np.int64))
        front_state = np.concatenate(next_state) if next_state else np.zeros(0, np.int64)
        front_slot = np.concatenate(next_slot) if next_slot else np.zeros(0, np.int64)
    return ReachTree(movers, int(source), depth, parent_state, parent_slot)


def coalition_reach(space: StateSpace, coalition: Iterable[int], state: int) -> np.ndarray:
    """R_H(s): 0-based states the coalition reaches from ``state`` by a legal sequence of
    its members' unilateral moves (may include ``state`` itself, via a cycle).

    >>> import detente
    >>> space = detente.compile_conflict(detente.load_case("prisoners-dilemma"))
    >>> coalition_reach(space, (0, 1), 0).tolist()
    [0, 1, 2, 3]
    """
    tree = reach_tree(space, tuple(coalition), state)
    return np.flatnonzero(tree.reached)


# -- pairs of states -------------------------------------------------------------------------------
class CoalitionMoves:
    """A coalition's moves (e.g. its coalitional improvements) as sorted (source, target)
    pairs in compressed rows: the targets from s are ``indices[indptr[s]:indptr[s + 1]]``.

    It offers what the engine asks of a move set (:class:`detente.engine.moves.MoveSet`), so
    legal sequences of coalition moves reuse :func:`detente.engine.coalition_reach_min`.
    Memory is one entry per pair: a coalition may have many more targets from some states
    than from others, which a padded array would pay for at every state.  Unpacking gives
    the two arrays: ``starts, targets = moves``.

    >>> moves = CoalitionMoves(np.array([2, 0, 0]), np.array([1, 2, 1]), 3)
    >>> moves.targets(0).tolist(), moves.min_over(np.array([5, 4, 3])).tolist()
    ([1, 2], [3, 1073741824, 4])
    >>> starts, targets = moves
    >>> starts.tolist(), targets.tolist()
    ([0, 0, 2], [1, 2, 1])
    """

    def __init__(
        self, sources: np.ndarray, targets: np.ndarray, n: int, *, presorted: bool = False
    ) -> None:
        sources = np.asarray(sources, dtype=np.int64)
        targets = np.asarray(targets, dtype=np.int64)
        if not presorted:  # ``presorted``: already sorted by source, then target
            order = np.lexsort((targets, sources))
            sources, targets = sources[order], targets[order]
        self.sources = sources
        self.indices = targets
        self.n = n
        self.indptr = np.concatenate([[0], np.cumsum(np.bincount(self.sources, minlength=n))])

    @classmethod
    def from_padded(cls, moves: np.ndarray) -> CoalitionMoves:
        n = moves.shape[1]
        rows, cols = np.nonzero(moves < n)
        return cls(cols, moves[rows, cols].astype(np.int64), n)

    def __iter__(self) -> Iterator[np.ndarray]:
        return iter((self.sources, self.indices))

    @property
    def empty(self) -> bool:
        return self.indices.size == 0

    def targets(self, state: int) -> np.ndarray:
        return self.indices[self.indptr[state] : self.indptr[state + 1]]

    def counts(self) -> np.ndarray:
        return np.diff(self.indptr)

    def _reduce(self, values: np.ndarray, op: np.ufunc, neutral: np.int32) -> np.ndarray:
        out = np.full(self.n, neutral, dtype=np.int32)
        has = self.counts() > 0
        if has.any():
            out[has] = op.reduceat(
                np.asarray(values, dtype=np.int32)[self.indices], self.indptr[:-1][has]
            )
        return out

    def min_over(self, values: np.ndarray) -> np.ndarray:
        """Least of ``values`` over each state's targets (TOP where there are none)."""
        return self._reduce(values, np.minimum, TOP)

    def max_over(self, values: np.ndarray) -> np.ndarray:
        """Greatest of ``values`` over each state's targets (BOTTOM where there are none)."""
        return self._reduce(values, np.maximum, BOTTOM)

    def improving(self, rank: np.ndarray) -> CoalitionMoves:
        keep = rank[self.indices] > rank[self.sources]
        return CoalitionMoves(self.sources[keep], self.indices[keep], self.n)

    def to_padded(self) -> np.ndarray:
        return padded_from_pairs(self.sources, self.indices, self.n)

    def positions(self, states: np.ndarray) -> np.ndarray:
        """Positions in ``indices`` of the pairs of ``states``, state by state."""
        counts = self.counts()[states]
        starts = self.indptr[states]
        offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        return np.repeat(starts, counts) + offsets


# -- blocks ----------------------------------------------------------------------------------------
def free_coalition(space: StateSpace, members: Sequence[int]) -> bool:
    """True when every option of every member may move both ways in any step, and no states
    are merged.

    Then a member moves from x to *any* other feasible state that differs from x only in its
    own options, and its moves are symmetric.  So R_H(s) minus s is exactly the rest of s's
    connected component in the graph of the members' moves: any walk in that graph becomes a
    legal sequence (no member twice in a row) by merging two consecutive moves of one member
    into one move (or dropping both if they return to where they started), which leaves a
    shorter walk with the same ends.

    >>> import detente
    >>> free_coalition(detente.compile_conflict(detente.load_case("chicken")), [0, 1])
    True
    """
    if space.merged:
        return False
    options = space.conflict.options
    return all(
        options[k].direction == "both" and options[k].step is None
        for dm in members
        for k in space.dm_options[dm]
    )


#: Components per compiled space and coalition (weak keys: a space's entry goes with it).
_COMPONENTS: weakref.WeakKeyDictionary[StateSpace, dict[Coalition, np.ndarray]] = (
    weakref.WeakKeyDictionary()
)


def _edges(moves: Sequence[np.ndarray], sentinel: int) -> tuple[np.ndarray, np.ndarray]:
    """(column, target) int64 pairs of padded move arrays whose padding is ``sentinel``."""
    srcs, dsts = [], []
    for table in moves:
        rows, cols = np.nonzero(table < sentinel)
        srcs.append(cols.astype(np.int64))
        dsts.append(table[rows, cols].astype(np.int64))
    if not srcs:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(srcs), np.concatenate(dsts)


def coalition_components(space: StateSpace, members: Sequence[int]) -> np.ndarray:
    """Connected components of the graph of the members' unilateral moves, ignoring their
    direction, as the least state index of each state's component.  R_H(s) lies inside the
    component of s.  Vectorised minimum-label propagation along the edges both ways, with
    pointer jumping; cached per space and coalition.

    >>> import detente
    >>> space = detente.compile_conflict(detente.load_case("prisoners-dilemma"))
    >>> coalition_components(space, [0]).tolist(), coalition_components(space, [0, 1]).tolist()
    ([0, 0, 2, 2], [0, 0, 0, 0])
    """
    key = tuple(int(m) for m in members)
    cache = _COMPONENTS.setdefault(space, {})
    if key in cache:
        return cache[key]
    src, dst = _edges([space.moves[dm] for dm in key], space.n_states)
    labels = np.arange(space.n_states, dtype=np.int64)
    while True:
        new = labels.copy()
        np.minimum.at(new, src, labels[dst])
        np.minimum.at(new, dst, labels[src])
        new = new[new]  # pointer jumping
        if np.array_equal(new, labels):
            break
        labels = new
    cache[key] = labels
    return labels


class _Pull:
    """One mover's moves, reversed, to pull bit rows along them: ``pull(X)[t]`` is the OR of
    ``X[x]`` over the states x that move to t.  Kept as edges sorted by target (a merged or
    absorbing state may have thousands of predecessors)."""

    def __init__(self, src: np.ndarray, dst: np.ndarray, n: int) -> None:
        order = np.argsort(dst, kind="stable")
        self.n = n
        self.src = src[order]
        self.targets, self.starts = np.unique(dst[order], return_index=True)

    def __call__(self, bits: np.ndarray) -> np.ndarray:
        out = np.zeros((self.n, bits.shape[1]), dtype=np.uint64)
        if self.src.size:
            out[self.targets] = np.bitwise_or.reduceat(bits[self.src], self.starts, axis=0)
        return out


def _reach_bits(pulls: Sequence[_Pull], n: int, sources: np.ndarray) -> np.ndarray:
    """R_H(s) for a chunk of sources, as bits: row t of the (n, words) uint64 result has the
    bit of every source (in chunk order) from which t is reachable.

    With V_k(t) the sources reaching t by a legal sequence whose last move is mover k's,
    V_k = pull_k(S | OR_{j!=k} V_j), where S marks each source at itself: a fixpoint, found
    by Gauss-Seidel sweeps over the movers, each one vectorised over states and over 64
    sources per machine word.
    """
    chunk = sources.size
    words = -(-chunk // 64)
    start = np.zeros((n, words * 64), dtype=bool)
    start[sources, np.arange(chunk)] = True
    seed = np.packbits(start, axis=1, bitorder="little").view(np.uint64)
    reached = [np.zeros((n, words), dtype=np.uint64) for _ in pulls]
    changed = True
    while changed:
        changed = False
        for k, pull in enumerate(pulls):
            if not pull.src.size:
                continue
            src = seed.copy()
            for j, other in enumerate(reached):
                if j != k:
                    src |= other
            pulled = pull(src)
            if (pulled & ~reached[k]).any():
                reached[k] |= pulled
                changed = True
    out = np.zeros((n, words), dtype=np.uint64)
    for r in reached:
        out |= r
    return out


def _groups(labels: np.ndarray, starts: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(states, sources): the components holding ``starts``, packed into groups of about
    :data:`GROUP_STATES` states (a larger component is a group of its own), with the starts
    each group holds.  A loop over groups, not over states."""
    wanted = np.unique(labels[starts])
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    lo = np.searchsorted(sorted_labels, wanted, side="left")
    hi = np.searchsorted(sorted_labels, wanted, side="right")
    start_labels = labels[starts]
    start_order = np.argsort(start_labels, kind="stable")
    sorted_starts = starts[start_order]
    s_lo = np.searchsorted(start_labels[start_order], wanted, side="left")
    s_hi = np.searchsorted(start_labels[start_order], wanted, side="right")
    sizes = hi - lo
    # Greedy packing of consecutive components: a new group when the next would overflow.
    total = np.cumsum(sizes)
    begin = 0
    while begin < wanted.size:
        base = total[begin - 1] if begin else 0
        end = max(begin + 1, int(np.searchsorted(total, base + GROUP_STATES, side="right")))
        states = np.concatenate(
            [order[a:b] for a, b in zip(lo[begin:end], hi[begin:end], strict=True)]
        )
        sources = np.concatenate(
            [sorted_starts[a:b] for a, b in zip(s_lo[begin:end], s_hi[begin:end], strict=True)]
        )
        yield np.sort(states), np.sort(sources)
        begin = end


def _reach_blocks(
    space: StateSpace,
    members: Coalition,
    starts: np.ndarray,
    *,
    moves: Sequence[np.ndarray] | None = None,
    exact: bool = True,
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """R_H(s) for every start s, a chunk at a time: (states, sources, reach) with
    ``reach[t, j]`` True when ``states[t]`` is in R_H(``sources[j]``).

    ``moves`` replaces the members' unilateral moves (their improvements for R+_H).  With
    ``exact=False`` a source's own entry is always False and a :func:`free_coalition` takes
    its components for R_H (no fixpoint); use it when s itself never matters (strict
    preference at s)."""
    arrays = [space.moves[i] for i in members] if moves is None else list(moves)
    labels = coalition_components(space, members)
    free = not exact and moves is None and free_coalition(space, members)
    scratch = np.full(space.n_states + 1, -1, dtype=np.int64)
    for states, sources in _groups(labels, starts):
        size = states.size
        scratch[states] = np.arange(size)
        local_src = scratch[sources]
        pulls = []
        if not free:
            for table in arrays:
                src, dst = _edges([table[:, states]], space.n_states)
                pulls.append(_Pull(src, scratch[dst], size))
        per_chunk = max(64, (_BUDGET // max(size, 1)) // 64 * 64)
        for a in range(0, sources.size, per_chunk):
            chunk = local_src[a : a + per_chunk]
            if free:
                block = labels[states]
                reach = block[:, None] == block[chunk][None, :]
            else:
                bits = _reach_bits(pulls, size, chunk)
                reach = np.unpackbits(bits.view(np.uint8), axis=1, bitorder="little")
                reach = reach[:, : chunk.size].astype(bool)
            if not exact:
                reach[chunk, np.arange(chunk.size)] = False
            yield states, sources[a : a + per_chunk], reach
        scratch[states] = -1


def _starts(space: StateSpace, start_states: Iterable[int] | np.ndarray | None) -> np.ndarray:
    if start_states is None:
        return np.arange(space.n_states, dtype=np.int64)
    starts = np.unique(np.fromiter(start_states, dtype=np.int64))
    if starts.size and (starts[0] < 0 or starts[-1] >= space.n_states):
        raise DetenteError("start states must be 0-based state indices")
    return starts


def _too_many(space: StateSpace, members: Coalition, what: str, count: int, budget: int) -> None:
    if count > budget:
        names = ", ".join(space.dm_names[d] for d in members)
        raise SizeLimitError(
            f"the joint moves of coalition {{{names}}} give more than {budget:,} {what};"
            " name fewer or smaller coalitions, set a depth limit, or raise the budget"
        )


def coalition_reachable(
    space: StateSpace,
    coalition: str | Iterable[int | str],
    start_states: Iterable[int] | np.ndarray,
    *,
    improvements_only: bool = False,
    budget: int = DEFAULT_COALITION_BUDGET,
) -> tuple[np.ndarray, np.ndarray]:
    """The coalition reachable list R_H(s) of every start state s, as (start, target) pairs.

    R_H(s) holds the states the members of H reach from s by a *legal sequence* of
    unilateral moves: any member may move any number of times, never twice in a row (Fang,
    Hipel & Kilgour 1993, the recursive definition of R_H).  s itself belongs to R_H(s) when a
    sequence returns to it.  With ``improvements_only`` every step must be a unilateral
    improvement of the member taking it (R+_H(s)).

    ``coalition`` holds DM indices or names; ``start_states`` 0-based state indices.  The
    result is two int64 arrays of equal length, sorted by start then target.  Raises
    :class:`~detente.errors.SizeLimitError` beyond ``budget`` pairs.

    >>> import detente
    >>> space = detente.compile_conflict(detente.load_case("prisoners-dilemma"))
    >>> starts, targets = coalition_reachable(space, ["A", "B"], [0], improvements_only=True)
    >>> [space.label(int(t)) for t in targets]
    ['YN', 'NY', 'YY']
    """
    members = coalition_members(space, coalition)
    starts = _starts(space, start_states)
    moves = (
        [improvements(space.moves[i], space.ranks[i]) for i in members]
        if improvements_only
        else None
    )
    out_s, out_t, held = [], [], 0
    for states, sources, reach in _reach_blocks(space, members, starts, moves=moves):
        j, t = np.nonzero(reach.T)  # by source, then target
        held += t.size
        _too_many(space, members, "pairs (start, reachable state)", held, budget)
        out_s.append(sources[j])
        out_t.append(states[t])
    return _sorted_pairs(out_s, out_t)


def _sorted_pairs(
    out_s: list[np.ndarray], out_t: list[np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Chunks of (source, target) pairs, each sorted by source then target and each source in
    one chunk only, merged into one sorted list without sorting: every chunk's run of a
    source goes to that source's place (a counting sort)."""
    filled = [x for x in out_s if x.size]
    if not filled:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    n = max(int(x.max()) for x in filled) + 1
    counts = np.zeros(n, dtype=np.int64)
    for src in out_s:
        counts += np.bincount(src, minlength=n)
    place = np.concatenate([[0], np.cumsum(counts)[:-1]])
    sources = np.empty(int(counts.sum()), dtype=np.int64)
    targets = np.empty_like(sources)
    for src, dst in zip(out_s, out_t, strict=True):
        if not src.size:
            continue
        run_start = np.concatenate([[0], np.flatnonzero(np.diff(src)) + 1])
        offset = np.arange(src.size) - np.repeat(run_start, np.diff(np.append(run_start, src.size)))
        position = place[src] + offset
        sources[position] = src
        targets[position] = dst
    return sources, targets


def improvement_pairs(
    space: StateSpace,
    members: Coalition,
    starts: np.ndarray,
    *,
    skip: np.ndarray | None = None,
    budget: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """R_H^{++}(s) of every start s (sorted 0-based indices) as (start, target) pairs sorted
    by start then target, leaving out targets where the mask ``skip`` is True."""
    ranks = space.ranks
    out_s, out_t, held = [], [], 0
    for states, sources, reach in _reach_blocks(space, members, starts, exact=False):
        for i in members:
            reach &= ranks[i][states][:, None] > ranks[i][sources][None, :]
        if skip is not None:
            reach &= ~skip[states][:, None]
        j, t = np.nonzero(reach.T)  # by source, then target
        held += t.size
        if budget is not None:
            _too_many(space, members, "coalitional improvements", held, budget)
        out_s.append(sources[j])
        out_t.append(states[t])
    return _sorted_pairs(out_s, out_t)


def coalitional_improvements(
    space: StateSpace,
    coalition: str | int | Iterable[str | int],
    states: int | Iterable[int] | np.ndarray | None = None,
    *,
    budget: int | None = None,
) -> Any:
    """R_H^{++}(s): the states of R_H(s) that every member of H strictly prefers to s
    (Kilgour, Hipel, Fang & Peng 2001; Inohara & Hipel 2008).  The members' steps on the way
    need not be improvements; only the end state counts.  For one DM it is R+_i(s).

    ``coalition``: 'MoE+Uniroyal', a name, an index or a list of them.  ``states``:

    * one 0-based state: a sorted array of its coalitional improvements;
    * several: a :class:`CoalitionMoves` of their pairs (``starts, targets = ...``, sorted
      by start then target);
    * ``None``: a :class:`CoalitionMoves` over every state (``.targets(s)``,
      ``.to_padded()``).

    ``budget`` bounds the number of pairs (:class:`~detente.errors.SizeLimitError` beyond).

    >>> import detente
    >>> space = detente.compile_conflict(detente.load_case("elmira"))
    >>> starts, targets = coalitional_improvements(space, ["MoE", "Uniroyal"], [4])
    >>> (targets + 1).tolist()   # from state 5, MoE and Uniroyal can jointly reach 8
    [8]
    >>> coalitional_improvements(space, "Uniroyal+LG").targets(1).tolist()
    [3, 7]
    """
    members = coalition_members(space, coalition)
    if isinstance(states, int | np.integer):
        if not 0 <= int(states) < space.n_states:
            raise DetenteError(f"state index {states} is outside 0..{space.n_states - 1}")
        _, targets = improvement_pairs(space, members, np.array([int(states)]), budget=budget)
        return targets
    starts = _starts(space, states)
    sources, targets = improvement_pairs(space, members, starts, budget=budget)
    return CoalitionMoves(sources, targets, space.n_states, presorted=True)


def reach_dominates(
    space: StateSpace, members: Coalition, values: Sequence[np.ndarray]
) -> list[np.ndarray]:
    """For each (|H|, n) array ``v`` of ``values`` (with v[k, s] <= r_k(s), member k's rank):
    the boolean array over states s telling whether some t in R_H(s) has v[k, t] > r_k(s)
    for every member k.

    With ``v`` the ranks this is "s has a coalitional improvement"; with the least rank each
    member can be pushed to from t, "s has an improvement no sanction deters".  One pass over
    the blocks serves every array; no (source, target) pair is stored.  In a block of more
    than :data:`_FRONT_FROM` states of a :func:`free_coalition` every state reaches every
    other, so only the block's maximal points of v matter (:func:`_maximal`): a few against
    each state instead of the whole block.

    >>> import detente
    >>> space = detente.compile_conflict(detente.load_case("elmira"))
    >>> (np.flatnonzero(reach_dominates(space, (0, 1), [space.ranks[[0, 1]]])[0]) + 1).tolist()
    [2, 5, 6]
    """
    limits = space.ranks[list(members)]
    out = [np.zeros(space.n_states, dtype=bool) for _ in values]
    starts = np.arange(space.n_states, dtype=np.int64)
    if free_coalition(space, members):
        labels = coalition_components(space, members)
        sizes = np.bincount(labels, minlength=space.n_states)
        order = np.argsort(labels, kind="stable")
        first = np.searchsorted(labels[order], np.arange(space.n_states))
        for label in np.flatnonzero(sizes > _FRONT_FROM):  # a loop over large blocks
            states = order[first[label] : first[label] + sizes[label]]
            for v, found in zip(values, out, strict=True):
                found[states] = _beaten(_maximal(v[:, states]), limits[:, states])
        starts = np.flatnonzero(sizes[labels] <= _FRONT_FROM)
    for states, sources, reach in _reach_blocks(space, members, starts, exact=False):
        for v, found in zip(values, out, strict=True):
            hit = reach.copy()
            for k in range(len(members)):
                hit &= v[k][states][:, None] > limits[k][sources][None, :]
            found[sources] |= hit.any(axis=0)
    return out


def beaten_within_reach(space: StateSpace, members: Coalition, levels: np.ndarray) -> np.ndarray:
    """(b, n) booleans for a (|H|, b) array of ``levels``: does some t in {x} ∪ R_H(x) have
    r_k(t) > levels[k, j] for every member k?  Row j, column x.

    For a :func:`free_coalition`, {x} ∪ R_H(x) is x's block, so the block's maximal points
    answer for all its states at once; otherwise the states that beat the levels are pulled
    back along the members' legal sequences (:func:`reach_min_rows`).

    >>> import detente
    >>> space = detente.compile_conflict(detente.load_case("prisoners-dilemma"))
    >>> beaten_within_reach(space, (0, 1), np.array([[1], [1]])).astype(int).tolist()
    [[1, 1, 1, 1]]
    >>> beaten_within_reach(space, (0,), np.array([[1]])).astype(int).tolist()
    [[1, 1, 0, 0]]
    """
    ranks = space.ranks[list(members)]
    if not free_coalition(space, members):
        better = np.ones((levels.shape[1], space.n_states), dtype=bool)
        for k in range(len(members)):
            better &= ranks[k][None, :] > levels[k][:, None]
        moves = [space.moves[i] for i in members]
        return reach_min_rows(moves, np.where(better, 0, 1).astype(np.int32)) == 0
    labels = coalition_components(space, members)
    blocks, inverse = np.unique(labels, return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(blocks.size + 1))
    hit = np.zeros((blocks.size, levels.shape[1]), dtype=bool)
    for b in range(blocks.size):  # a loop over blocks, each answered by its maximal points
        states = order[bounds[b] : bounds[b + 1]]
        hit[b] = _beaten(_maximal(ranks[:, states]), levels)
    return hit[inverse.reshape(-1)].T


def _maximal(points: np.ndarray, chunk: int = 1024) -> np.ndarray:
    """The maximal columns of a (d, m) array: those no other column is >= in every row
    (duplicates kept once), as a (f, d) array.  Whatever some column beats strictly in every
    row, a maximal one beats too.

    Columns sorted by their sum, largest first: a column can only be dominated by one with a
    larger sum, so one pass over chunks, each filtered against the maximal columns found so
    far and then within itself, finds them (block-nested-loop skyline).

    >>> _maximal(np.array([[1, 2, 0, 2, 0], [1, 0, 2, 0, 1]])).tolist()
    [[0, 2], [1, 1], [2, 0]]
    """
    unique = np.unique(points.T, axis=0)
    ordered = unique[np.argsort(-unique.sum(axis=1, dtype=np.int64), kind="stable")]
    front = ordered[:0]
    for a in range(0, ordered.shape[0], chunk):  # a loop over chunks, not over points
        part = ordered[a : a + chunk]
        if front.size:
            part = part[~(front[None, :, :] >= part[:, None, :]).all(axis=2).any(axis=1)]
        above = (part[None, :, :] >= part[:, None, :]).all(axis=2)  # above[x, y]: y >= x
        np.fill_diagonal(above, False)
        front = np.concatenate([front, part[~above.any(axis=1)]])
    return front


def _beaten(front: np.ndarray, limits: np.ndarray, chunk: int = 1 << 12) -> np.ndarray:
    """For each column s of ``limits`` (d, m): does some row of ``front`` (f, d) exceed it
    in every coordinate?"""
    out = np.zeros(limits.shape[1], dtype=bool)
    for a in range(0, limits.shape[1], chunk):
        part = limits[:, a : a + chunk].T
        out[a : a + chunk] = (front[None, :, :] > part[:, None, :]).all(axis=2).any(axis=1)
    return out


class _Rows:
    """A padded move array acting on b value arrays at once, laid end to end (b x n values
    as one flat array): what :func:`~detente.engine.coalition_reach_min` asks of a move set."""

    def __init__(self, table: np.ndarray, rows: int) -> None:
        self.table = table
        self.rows = rows
        self.n = table.shape[1] * rows

    @property
    def empty(self) -> bool:
        return self.table.shape[0] == 0

    def _gather(self, values: np.ndarray, op: np.ufunc, fill: np.int32) -> np.ndarray:
        n = self.table.shape[1]
        extended = np.full((self.rows, n + 1), fill, dtype=np.int32)
        extended[:, :n] = values.reshape(self.rows, n)
        out = extended[:, self.table[0]]
        for row in self.table[1:]:  # a loop over the move array's rows, not over states
            op(out, extended[:, row], out=out)
        return out.reshape(-1)

    def min_over(self, values: np.ndarray) -> np.ndarray:
        return self._gather(values, np.minimum, TOP)

    def max_over(self, values: np.ndarray) -> np.ndarray:
        return self._gather(values, np.maximum, BOTTOM)


def reach_min_rows(member_moves: Sequence[np.ndarray], values: np.ndarray) -> np.ndarray:
    """Row-wise :func:`~detente.engine.coalition_reach_min` for a (b, n) array: for each row,
    the least value over every state and what the members' legal sequences (padded move
    arrays ``member_moves``) reach from it.  The engine's one kernel runs once for all rows.

    >>> import detente
    >>> space = detente.compile_conflict(detente.load_case("prisoners-dilemma"))
    >>> reach_min_rows([space.moves[0]], np.array([[4, 3, 2, 1], [1, 2, 3, 4]])).tolist()
    [[3, 3, 1, 1], [1, 1, 3, 3]]
    """
    b, n = values.shape
    rows = [_Rows(table, b) for table in member_moves]
    return coalition_reach_min(rows, values.reshape(-1)).reshape(b, n)
