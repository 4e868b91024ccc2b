"""Coalition analysis: joint moves, coalitional improvements and coalition stability.

Sources
-------
* Kilgour, D.M., Hipel, K.W., Fang, L., Peng, X. (2001). "Coalition analysis in group
  decision support." *Group Decision and Negotiation* 10(2):159-175.  Coalitional moves and
  coalitional improvements; an individual equilibrium is upset when a coalition can move
  jointly to a state that every member prefers.  Applied to Elmira.
* Inohara, T., Hipel, K.W. (2008). "Coalition analysis in the graph model for conflict
  resolution." *Systems Engineering* 11(4):343-359.  Coalitional Nash, GMR, SMR and SEQ
  stability with respect to a class of coalitions, with sanctions by single decision makers
  and joint sanctions by coalitions.  Also applied to Elmira.
* Fang, L., Hipel, K.W., Kilgour, D.M. (1993). *Interactive Decision Making: The Graph Model
  for Conflict Resolution*, Wiley: R_H(s), the states a group H reaches by a legal sequence
  of its members' unilateral moves.

Neither paper's full text could be consulted while this module was written; the definitions
below are reconstructed from the papers' abstracts, later secondary sources (Xu, Hipel,
Kilgour & Fang 2018, *Conflict Resolution Using the Graph Model*, Springer, ch. on coalition
stability) and the noncooperative definitions they generalise.  Points that could not be
checked are marked ASSUMPTION; docs/coalitions.md lists them.

Definitions (N: all decision makers; H: a coalition, a non-empty subset of N; 𝒞: the class
of coalitions considered; r_i: DM i's rank of a state, higher is better)
-------------------------------------------------------------------------------------------
* Legal sequence of H: unilateral moves by members of H, each from the state the previous
  one reached, in which no member moves twice in a row (a member may move again later).
  R_H(s) is the set of states such sequences reach from s (Fang et al. 1993).
* Coalitional improvement (Kilgour et al. 2001): s' in R_H(s) with s' ≻_i s for *every*
  i in H (strict for all members).  R_H^{++}(s) is their set.  The individual steps need not
  be improvements for the DM taking them: only the end state counts.  For H = {i},
  R_H^{++}(s) = R_i^+(s).
* "s2 is not better for H than s": some member i of H has r_i(s2) <= r_i(s).  A member who
  would not gain does not join the joint move, so this deters it.  (ASSUMPTION on the tie
  convention.)
* Class of coalitions 𝒞: by default every non-empty subset of N (singletons included, as in
  both papers); or the singletons plus the coalitions a user names.  A *coalition
  equilibrium* under a concept is a state that is stable for every H in 𝒞.

For a coalition H in 𝒞 and a state s:

* CNash:  R_H^{++}(s) is empty.
* Sanctions against H come from the coalitions of 𝒞 contained in N\\H, 𝒞(N\\H), acting
  one after another, no coalition twice in a row ("joint sanctions by coalitions", Inohara
  & Hipel 2008).  R_{𝒞(N\\H)}(s1) is what sequences of their joint moves (each a legal
  sequence of the coalition's members' moves) reach from s1; R^{++}_{𝒞(N\\H)}(s1) what
  sequences of their coalitional improvements reach.  Across two coalitions' joint moves
  one DM may move twice in a row.  With ``sanctions="individuals"`` only the single DMs of
  N\\H sanction: R_{N\\H}(s1) and R^+_{N\\H}(s1) of Fang et al. (1993).  (ASSUMPTION: which
  of the two the papers use for CGMR and CSMR could not be checked; the coalition form keeps
  CSEQ => CGMR, which the individual form for CGMR would break.)
* CGMR:   every s1 in R_H^{++}(s) can be sanctioned: some s2 in R_{𝒞(N\\H)}(s1) is not
  better for H than s.
* CSMR:   as CGMR, and from that s2 no joint counter-move s3 in R_H(s2) is better for H than
  s (every member of H prefers s3 to s).  (ASSUMPTION: the counter-move is H's joint move,
  not one member's single move.)
* CSEQ:   as CGMR, but the sanction must be credible: s2 in R^{++}_{𝒞(N\\H)}(s1).

With 𝒞 the singletons these are exactly Nash, GMR, SMR and SEQ for each DM (Inohara & Hipel
2008; checked in the tests against :func:`detente.analyze`).

Computation
-----------
States are integer indices into numpy arrays (see :mod:`detente.space`).  R_H(s) for every
source s at once is a fixpoint over bitsets (64 sources per machine word) pulled along the
members' reversed moves (:func:`_reach_bits`); a Pareto filter then leaves the coalitional
improvements, kept as compressed (source, target) pairs (:class:`CoalitionMoves`).  This is
the one quadratic step (time and, per chunk of sources, memory).  CNash, CGMR and CSEQ are
then linear in states x improvements: the least rank the sanctions can push each member to
from s1 depends on s1 alone, so :func:`detente.engine.coalition_reach_min` computes it once
for all states.  CSMR's counter-move test depends on both s and s2, so it is done for each
CGMR-stable state with an improvement (vectorised over states s2).  Witness sequences come
from a breadth-first search over (state, last mover) from one source (:func:`reach_tree`).
Enumerating the coalitions is a Python loop.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ..engine import coalition_reach_min, gmr_stable, improvements, nash_stable, smr_stable
from ..engine.arrays import BOTTOM, TOP
from ..errors import DetenteError
from ..model.conflict import Conflict
from ..space.state_space import StateSpace, as_space
from ..words import describe_state, dm_index, join_words, move_phrase, ordinal, state_phrase
from .stability import analyze, concept_name

__all__ = [
    "COALITION_CONCEPTS",
    "Break",
    "CoalitionMoves",
    "CoalitionReport",
    "CoalitionStability",
    "ReachTree",
    "Route",
    "Step",
    "analyze_coalitions",
    "coalition_class",
    "coalition_members",
    "coalition_name",
    "coalition_reach",
    "coalition_report",
    "coalitional_improvements",
    "reach_tree",
]

#: Coalition stability concepts, named after their noncooperative counterparts.
COALITION_CONCEPTS = ("Nash", "GMR", "SMR", "SEQ")

#: At most this many decision makers for the default class of all coalitions (2^n - 1).
MAX_DMS_ALL_COALITIONS = 10

#: Elements (booleans or ranks) handled at once in batched computations.
_BUDGET = 1 << 23

#: Bytes allowed for the two bit matrices of reachability that CSMR uses (n^2 / 8 each);
#: above it, CSMR falls back to a slower fixpoint per batch of states with linear memory.
_ROWS_BUDGET = 1 << 28

Coalition = tuple[int, ...]
Sanctions = Literal["coalitions", "individuals"]


# -- naming coalitions ---------------------------------------------------------------------------
def coalition_members(space: StateSpace, ref: str | int | Iterable[str | int]) -> Coalition:
    """Resolve a coalition written as 'MoE+Uniroyal' (or with commas), a DM name or number,
    or a list of them, to sorted DM indices.  Raises :class:`DetenteError` for unknown names.
    """
    if isinstance(ref, str):
        parts = [p.strip() for p in ref.replace(",", "+").split("+")]
        items: list[str | int] = [p for p in parts if p]
    elif isinstance(ref, int):
        items = [ref]
    else:
        items = list(ref)
    if not items:
        raise DetenteError("a coalition needs at least one decision maker")
    members = set()
    for item in items:
        members.add(dm_index(space, item))
    return tuple(sorted(members))


def coalition_name(space: StateSpace, coalition: Coalition) -> str:
    """'MoE+Uniroyal' for a coalition, the DM's name for a singleton."""
    return "+".join(space.dm_names[i] for i in coalition)


def coalition_class(
    space: StateSpace, coalitions: Iterable[str | int | Iterable[str | int]] | None = None
) -> list[Coalition]:
    """The class of coalitions 𝒞 to analyse, ordered by size then by DM order.

    ``None``: every non-empty subset of the decision makers (singletons included), as in
    Kilgour et al. (2001) and Inohara & Hipel (2008); refused above
    :data:`MAX_DMS_ALL_COALITIONS` DMs.  Otherwise the singletons plus the given coalitions
    (an empty list: the singletons only, i.e. the noncooperative analysis).
    """
    m = space.n_dms
    if coalitions is None:
        if m > MAX_DMS_ALL_COALITIONS:
            raise DetenteError(
                f"{m} decision makers make {2**m - 1:,} coalitions; name the coalitions to"
                " analyse (--coalition A+B)"
            )
        chosen = {
            combo for size in range(1, m + 1) for combo in itertools.combinations(range(m), size)
        }
    else:
        chosen = {(i,) for i in range(m)}
        chosen.update(coalition_members(space, c) for c in coalitions)
    return sorted(chosen, key=lambda c: (len(c), c))


# -- describing states and moves -----------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    """One unilateral move: DM ``dm`` moves from ``source`` to ``target`` (0-based states).

    ``changes`` are (option index, old value, new value) for the mover's options whose value
    is known in both states.
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


# -- reachability ---------------------------------------------------------------------------------
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
    its members' unilateral moves (may include ``state`` itself, via a cycle)."""
    tree = reach_tree(space, tuple(coalition), state)
    return np.flatnonzero(tree.reached)


def _padded(src: np.ndarray, dst: np.ndarray, n: int) -> np.ndarray:
    """A padded (width, n) move array from (source, target) pairs."""
    if src.size == 0:
        return np.zeros((0, n), dtype=np.int32)
    order = np.lexsort((dst, src))
    src, dst = src[order], dst[order]
    counts = np.bincount(src, minlength=n)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    out = np.full((int(counts.max()), n), n, dtype=np.int32)
    out[np.arange(src.size) - first[src], src] = dst
    return out


class CoalitionMoves:
    """A coalition's moves (e.g. its coalitional improvements) as sorted (source, target)
    pairs in compressed rows: the targets from s are ``indices[indptr[s]:indptr[s + 1]]``.

    It offers what the engine asks of a move set (:class:`detente.engine.moves.MoveSet`), so
    legal sequences of coalition moves reuse :func:`detente.engine.coalition_reach_min`.
    Memory is one entry per pair: a coalition may have many more targets from some states
    than from others, which a padded array would pay for at every state.
    """

    def __init__(self, sources: np.ndarray, targets: np.ndarray, n: int) -> None:
        order = np.lexsort((targets, sources))
        self.sources = np.asarray(sources, dtype=np.int64)[order]
        self.indices = np.asarray(targets, dtype=np.int64)[order]
        self.n = n
        self.indptr = np.concatenate([[0], np.cumsum(np.bincount(self.sources, minlength=n))])

    @classmethod
    def from_padded(cls, moves: np.ndarray) -> CoalitionMoves:
        n = moves.shape[1]
        rows, cols = np.nonzero(moves < n)
        return cls(cols, moves[rows, cols].astype(np.int64), n)

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
        return _padded(self.sources, self.indices, self.n)


class _Pull:
    """One mover's moves, reversed, to pull bit rows along them: ``pull(X)[t]`` is the OR of
    ``X[x]`` over the states x that move to t.  Kept as edges sorted by target (a merged or
    absorbing state may have thousands of predecessors)."""

    def __init__(self, moves: np.ndarray) -> None:
        n = moves.shape[1]
        rows, cols = np.nonzero(moves < n)
        dst = moves[rows, cols].astype(np.int64)
        order = np.argsort(dst, kind="stable")
        self.n = n
        self.src = cols.astype(np.int64)[order]
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
    seed = np.packbits(start, axis=1).view(np.uint64)
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


def _to_bits(mask: np.ndarray) -> np.ndarray:
    """Boolean rows (..., n) as uint64 bit rows (..., ceil(n / 64))."""
    n = mask.shape[-1]
    words = -(-n // 64)
    padded = np.zeros((*mask.shape[:-1], words * 64), dtype=bool)
    padded[..., :n] = mask
    return np.packbits(padded, axis=-1).view(np.uint64)


def _from_bits(bits: np.ndarray, n: int) -> np.ndarray:
    """Inverse of :func:`_to_bits`."""
    return np.unpackbits(bits.view(np.uint8), axis=-1)[..., :n].astype(bool)


def _reach_rows(pulls: Sequence[_Pull], n: int) -> np.ndarray:
    """R(x) for every state x as bit rows (n, ceil(n / 64)): row x has the bits of the
    states the movers' legal sequences reach from x.  Quadratic memory: n^2 / 8 bytes."""
    rows = np.zeros((n, -(-n // 64)), dtype=np.uint64)
    edges = max([0, *(p.src.size for p in pulls)])
    per_source = (n * (len(pulls) + 3) + edges) / 8 + 2 * n
    chunk = int(max(64, min(n, (_BUDGET * 8) // per_source)))
    for start in range(0, n, chunk):
        sources = np.arange(start, min(n, start + chunk), dtype=np.int64)
        bits = _reach_bits(pulls, n, sources)  # row = target, bit = source
        rows[start : start + sources.size] = _to_bits(_from_bits(bits, sources.size).T)
    return rows


def _pair_positions(moves: CoalitionMoves, states: np.ndarray) -> np.ndarray:
    """Positions in ``moves.indices`` of the pairs of ``states``, state by state."""
    counts = moves.counts()[states]
    starts = moves.indptr[states]
    offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(starts, counts) + offsets


def _improvement_moves(space: StateSpace, coalition: Coalition) -> CoalitionMoves:
    """R_H^{++}(s) for every s (Kilgour et al. 2001): the states of R_H(s) that every member
    strictly prefers to s, as compressed (source, target) pairs."""
    n = space.n_states
    ranks = space.ranks
    if len(coalition) == 1:
        (i,) = coalition
        return CoalitionMoves.from_padded(improvements(space.moves[i], ranks[i]))
    pulls = [_Pull(space.moves[i]) for i in coalition]
    edges = max(p.src.size for p in pulls)
    # Bytes per source: bit rows for each member, the seed and the pulled block, the
    # gathered edges, plus the unpacked (n x chunk) booleans of the Pareto filter.
    per_source = (n * (len(coalition) + 3) + edges) / 8 + 2 * n
    chunk = int(max(64, min(n, (_BUDGET * 8) // per_source)))
    srcs, dsts = [], []
    for start in range(0, n, chunk):
        sources = np.arange(start, min(n, start + chunk), dtype=np.int64)
        bits = _reach_bits(pulls, n, sources)
        reach = np.unpackbits(bits.view(np.uint8), axis=1)[:, : sources.size].astype(bool)
        for i in coalition:
            reach &= ranks[i][:, None] > ranks[i][sources][None, :]
        targets, local = np.nonzero(reach)
        srcs.append(sources[local])
        dsts.append(targets)
    return CoalitionMoves(np.concatenate(srcs), np.concatenate(dsts), n)


def _pareto_better(ranks: np.ndarray, coalition: Coalition, sources: np.ndarray) -> np.ndarray:
    """(len(sources), n) booleans: every member of the coalition strictly prefers the column
    state to the row's source."""
    better = np.ones((sources.size, ranks.shape[1]), dtype=bool)
    for i in coalition:
        better &= ranks[i][None, :] > ranks[i][sources][:, None]
    return better


def coalitional_improvements(
    space: StateSpace, coalition: str | Iterable[str | int], state: int | None = None
) -> Any:
    """R_H^{++}: the states reachable by the coalition's legal sequences that every member
    strictly prefers (Kilgour et al. 2001).

    With ``state`` (0-based): a sorted array of 0-based target states.  Without: a
    :class:`CoalitionMoves` for every state (``.targets(s)``, ``.to_padded()``).
    """
    members = coalition_members(space, coalition)
    if state is None:
        return _improvement_moves(space, members)
    reached = reach_tree(space, members, state).reached
    better = _pareto_better(space.ranks, members, np.array([state]))[0]
    return np.flatnonzero(reached & better)


# -- coalition stability -------------------------------------------------------------------------
def _reach_min_batch(member_moves: Sequence[np.ndarray], values: np.ndarray) -> np.ndarray:
    """Row-wise :func:`~detente.engine.coalition_reach_min` for a (b, n) array of values:
    the least value over each state and everything legal sequences reach from it."""
    b = values.shape[0]
    members = [m for m in member_moves if m.shape[0] > 0]
    if not members:
        return values.copy()
    pad = np.full((b, 1), TOP, dtype=np.int32)

    def gather(f: np.ndarray, moves: np.ndarray) -> np.ndarray:
        return np.concatenate([f, pad], axis=1)[:, moves].min(axis=1)

    if len(members) == 1:
        return np.minimum(values, gather(values, members[0]))
    f = [values.copy() for _ in members]
    changed = True
    while changed:
        changed = False
        for k, moves in enumerate(members):
            g = gather(f[k], moves)
            for j in range(len(members)):
                if j != k and (g < f[j]).any():
                    np.minimum(f[j], g, out=f[j])
                    changed = True
    best = values.copy()
    for k, moves in enumerate(members):
        np.minimum(best, gather(f[k], moves), out=best)
    return best


class _Analyser:
    """Coalition stability of every state, with per-coalition results cached.

    The central object is, for a coalition H and a concept, the *escape* flag of every
    coalitional improvement (s, s1): True when no sanction of the concept deters it.  s is
    stable for H iff none of its improvements escapes.
    """

    def __init__(
        self, space: StateSpace, coalitions: list[Coalition], sanctions: Sanctions
    ) -> None:
        if sanctions not in ("coalitions", "individuals"):
            raise DetenteError(
                f"sanctions must be 'coalitions' or 'individuals', not {sanctions!r}"
            )
        self.space = space
        self.coalitions = coalitions
        self.sanctions = sanctions
        self._improvements: dict[Coalition, CoalitionMoves] = {}
        self._escapes: dict[tuple[str, Coalition], np.ndarray] = {}
        self._stable: dict[tuple[str, Coalition], np.ndarray] = {}
        self._row_cache: dict[tuple[str, Coalition], np.ndarray | None] = {}

    def improvements_of(self, coalition: Coalition) -> CoalitionMoves:
        if coalition not in self._improvements:
            self._improvements[coalition] = _improvement_moves(self.space, coalition)
        return self._improvements[coalition]

    def outsiders(self, coalition: Coalition) -> list[int]:
        return [j for j in range(self.space.n_dms) if j not in coalition]

    def sanctioning_groups(self, coalition: Coalition) -> list[Coalition]:
        """Who may sanction H: the class's coalitions outside H (``sanctions="coalitions"``)
        or the single DMs outside H (``"individuals"``)."""
        if self.sanctions == "individuals":
            return [(j,) for j in self.outsiders(coalition)]
        return [g for g in self.coalitions if not set(g) & set(coalition)]

    def responders(self, concept: str, coalition: Coalition) -> list[Any]:
        """Move sets whose legal sequences are the sanctions against H.

        CGMR/CSMR, R_{𝒞(N\\H)}: sequences of joint moves of the sanctioning groups, no group
        twice in a row, each joint move a legal sequence of its members' moves.  That is a
        legal sequence over *labels* (G, k), one per group G and member k, where a label may
        not follow itself: G continues with another member, or another group takes over (then
        k may move again).  So the labels serve as the movers of
        :func:`detente.engine.coalition_reach_min`.  CSEQ, R^{++}_{𝒞(N\\H)}: legal sequences
        of the groups' coalitional improvements, each group one mover.
        """
        space = self.space
        groups = self.sanctioning_groups(coalition)
        if concept != "SEQ":
            return [space.move_sets[k] for k in self.responder_movers(coalition)]
        return [
            space.improving_sets[g[0]] if len(g) == 1 else self.improvements_of(g) for g in groups
        ]

    def escapes(self, concept: str, coalition: Coalition) -> np.ndarray:
        """Escape flag of every improvement pair of H (aligned with ``improvements_of``);
        for SMR only meaningful at states that are CGMR-stable (elsewhere: the GMR flag
        or'ed with the SMR check where it was made)."""
        key = (concept, coalition)
        if key in self._escapes:
            return self._escapes[key]
        moves = self.improvements_of(coalition)
        ranks = self.space.ranks
        if concept == "Nash":
            flags = np.ones(moves.indices.size, dtype=bool)
        elif concept in ("GMR", "SEQ"):
            responders = self.responders(concept, coalition)
            sanctioned = np.zeros(moves.indices.size, dtype=bool)
            for i in coalition:
                least = coalition_reach_min(responders, ranks[i])
                sanctioned |= least[moves.indices] <= ranks[i][moves.sources]
            flags = ~sanctioned
        else:  # SMR
            flags = self.escapes("GMR", coalition).copy()
            gmr_stable_states = self.stable("GMR", coalition)
            todo = np.flatnonzero(gmr_stable_states & (moves.counts() > 0))
            positions = _pair_positions(moves, todo)
            flags[positions] = self._smr_flags(coalition, todo)
        self._escapes[key] = flags
        return flags

    def responder_movers(self, coalition: Coalition) -> list[int]:
        """The labels of :meth:`responders` for CGMR/CSMR, as DM indices: a DM in several
        sanctioning groups appears twice (it may then move twice in a row, and more labels
        of it would change nothing), a DM in one group once."""
        counts: dict[int, int] = {}
        for g in self.sanctioning_groups(coalition):
            for k in g:
                counts[k] = counts.get(k, 0) + 1
        return [k for k, c in sorted(counts.items()) for _ in range(min(c, 2))]

    def _rows(self, kind: str, coalition: Coalition) -> np.ndarray | None:
        """Reachability rows, row x = the bits of R(x): ``kind`` 'H' for the coalition's own
        legal sequences, 'R' for the responders' (CGMR/CSMR).  None if they would not fit
        in :data:`_ROWS_BUDGET` bytes."""
        key = (kind, coalition)
        if key not in self._row_cache:
            n = self.space.n_states
            if 2 * n * (-(-n // 64)) * 8 > _ROWS_BUDGET:
                self._row_cache[key] = None
            else:
                movers = coalition if kind == "H" else self.responder_movers(coalition)
                pulls = [_Pull(self.space.moves[k]) for k in movers]
                self._row_cache[key] = _reach_rows(pulls, n)
        return self._row_cache[key]

    def _smr_flags(self, coalition: Coalition, states: np.ndarray) -> np.ndarray:
        """CSMR escape flags of the improvement pairs of ``states`` (in CSR order).

        For a state s, let B be the states every member prefers to s.  A state x is *safe*
        if neither x nor anything R_H reaches from x is in B; the improvement s1 is
        sanctioned if the responders reach a safe state from s1.

        First a sufficient test, linear in states: x is surely safe if for some member i
        the best rank i can reach from x with H's moves, top_i(x), is <= r_i(s); so s1 is
        sanctioned if the least top_i over what the responders reach from s1 is <= r_i(s).
        The pairs it leaves open are decided exactly over bit rows of R_H and of the
        responders' reach, a batch of states at a time, testing for safety only the states
        the responders reach from those pairs' s1.
        """
        space = self.space
        n = space.n_states
        ranks = space.ranks
        moves = self.improvements_of(coalition)
        positions = _pair_positions(moves, states)
        s1_all = moves.indices[positions]
        s_all = moves.sources[positions]
        surely = np.zeros(positions.size, dtype=bool)
        own_moves = [space.move_sets[i] for i in coalition]
        responders = self.responders("SMR", coalition)
        for i in coalition:
            top = -coalition_reach_min(own_moves, -ranks[i])
            least_top = coalition_reach_min(responders, top)
            surely |= least_top[s1_all] <= ranks[i][s_all]
        flags = np.zeros(positions.size, dtype=bool)
        open_pairs = np.flatnonzero(~surely)
        if not open_pairs.size:
            return flags
        own, resp = self._rows("H", coalition), self._rows("R", coalition)
        if own is None or resp is None:
            exact = self._smr_flags_by_fixpoint(coalition, states)
            flags[open_pairs] = exact[open_pairs]
            return flags
        words = own.shape[1]
        # Open pairs grouped by state: (state, s1) in ascending state order.
        pair_state, pair_s1 = s_all[open_pairs], s1_all[open_pairs]
        batch_states, first, counts = np.unique(pair_state, return_index=True, return_counts=True)
        # At most n candidates and n improvements per state, each a row of ``words``.
        size = max(1, _BUDGET // (n * (words + 2)))
        for start in range(0, batch_states.size, size):
            stop = min(batch_states.size, start + size)
            batch = batch_states[start:stop]
            lo, hi = first[start], first[stop - 1] + counts[stop - 1]
            s1 = pair_s1[lo:hi]
            local = np.repeat(np.arange(batch.size), counts[start:stop])
            better = _pareto_better(ranks, coalition, batch)  # (b, n): B per state
            # Candidates: what the responders reach from the open improvements of s.
            cand_bits = np.bitwise_or.reduceat(resp[s1], first[start:stop] - lo, axis=0)
            cs, cx = np.nonzero(_from_bits(cand_bits, n))
            danger = better[cs, cx] | (own[cx] & _to_bits(better)[cs]).any(axis=1)
            safe = np.zeros((batch.size, n), dtype=bool)
            safe[cs[~danger], cx[~danger]] = True
            sanctioned = (resp[s1] & _to_bits(safe)[local]).any(axis=1)
            flags[open_pairs[lo:hi]] = ~sanctioned
        return flags

    def _smr_flags_by_fixpoint(self, coalition: Coalition, states: np.ndarray) -> np.ndarray:
        """As :meth:`_smr_flags`, without reachability rows (for very large state spaces):
        per batch of states, least-value fixpoints over the members' and the responders'
        moves."""
        space = self.space
        n = space.n_states
        moves = self.improvements_of(coalition)
        members = [space.moves[i] for i in coalition]
        outside = [space.moves[k] for k in self.responder_movers(coalition)]
        width = max([1, *(m.shape[0] for m in members + outside)])
        batch = max(1, _BUDGET // (4 * (n + 1) * (width + 1)))
        out = []
        for start in range(0, states.size, batch):
            sources = states[start : start + batch]
            better = _pareto_better(space.ranks, coalition, sources)
            danger = _reach_min_batch(members, np.where(better, 0, 1).astype(np.int32))
            sanction = _reach_min_batch(outside, np.where(danger == 1, 0, 1).astype(np.int32))
            counts = moves.counts()[sources]
            local = np.repeat(np.arange(sources.size), counts)
            s1 = moves.indices[_pair_positions(moves, sources)]
            out.append(sanction[local, s1] != 0)
        return np.concatenate(out) if out else np.zeros(0, dtype=bool)

    def stable(self, concept: str, coalition: Coalition) -> np.ndarray:
        key = (concept, coalition)
        if key in self._stable:
            return self._stable[key]
        space = self.space
        single_responders = all(len(g) == 1 for g in self.sanctioning_groups(coalition))
        if len(coalition) == 1 and (
            concept == "Nash" or (concept in ("GMR", "SMR") and single_responders)
        ):
            # Identical to the noncooperative definitions: use the engine.
            engine = {"Nash": nash_stable, "GMR": gmr_stable, "SMR": smr_stable}[concept]
            result = engine(space.move_sets, space.ranks, coalition[0])
        else:
            moves = self.improvements_of(coalition)
            flags = self.escapes(concept, coalition)
            result = np.ones(space.n_states, dtype=bool)
            result[moves.sources[flags]] = False
        self._stable[key] = result
        return result

    def escaping_targets(self, concept: str, coalition: Coalition, state: int) -> np.ndarray:
        """The coalitional improvements from ``state`` that no sanction of ``concept`` deters."""
        moves = self.improvements_of(coalition)
        a, b = moves.indptr[state], moves.indptr[state + 1]
        if concept == "SMR" and not self.stable("GMR", coalition)[state]:
            # The cached SMR flags were only refined at CGMR-stable states.
            return moves.indices[a:b][self._smr_flags(coalition, np.array([state]))]
        return moves.indices[a:b][self.escapes(concept, coalition)[a:b]]


@dataclass
class CoalitionStability:
    """Coalition stability of every state for every coalition of a class.

    ``stable[concept]`` is an (n_coalitions, n_states) boolean array, rows in the order of
    ``coalitions``.
    """

    space: StateSpace
    coalitions: list[Coalition]
    sanctions: Sanctions = "coalitions"
    stable: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def coalition_names(self) -> list[str]:
        return [coalition_name(self.space, c) for c in self.coalitions]

    def equilibria(self, concept: str) -> np.ndarray:
        """0-based states stable for every coalition of the class under ``concept``."""
        return np.flatnonzero(self.stable[concept_name(concept)].all(axis=0))

    def stable_for(self, concept: str, coalition: str | Iterable[str | int]) -> np.ndarray:
        """Boolean array over states for one coalition of the class."""
        members = coalition_members(self.space, coalition)
        if members not in self.coalitions:
            raise DetenteError(f"{coalition_name(self.space, members)} is not in the class")
        return self.stable[concept_name(concept)][self.coalitions.index(members)]

    def to_json(self) -> dict[str, Any]:
        space = self.space
        return {
            "coalitions": self.coalition_names,
            "sanctions": self.sanctions,
            "stability": {
                concept: {
                    name: [int(s) + 1 for s in np.flatnonzero(arr[k])]
                    for k, name in enumerate(self.coalition_names)
                }
                for concept, arr in self.stable.items()
            },
            "equilibria": {
                concept: [int(s) + 1 for s in self.equilibria(concept)] for concept in self.stable
            },
            "n_states": space.n_states,
        }

    def to_frame(self):  # -> pandas.DataFrame
        """One row per state; a column per (concept, coalition) plus the coalition equilibrium."""
        import pandas as pd

        space = self.space
        data: dict[Any, Any] = {"state": np.arange(1, space.n_states + 1), "label": space.labels}
        for concept, arr in self.stable.items():
            for k, name in enumerate(self.coalition_names):
                data[(f"C{concept}", name)] = arr[k]
            data[(f"C{concept}", "equilibrium")] = arr.all(axis=0)
        return pd.DataFrame(data).set_index("state")

    def _repr_html_(self) -> str:
        return self.to_frame()._repr_html_()


def analyze_coalitions(
    model: Conflict | StateSpace,
    concepts: Iterable[str] = COALITION_CONCEPTS,
    coalitions: Iterable[str | int | Iterable[str | int]] | None = None,
    *,
    sanctions: Sanctions = "coalitions",
) -> CoalitionStability:
    """Coalition stability (CNash, CGMR, CSMR, CSEQ; see the module docstring) of every state
    for every coalition of the class (default: all non-empty coalitions).

    ``sanctions`` chooses CSEQ's credible responders: coalitional improvements of the class's
    coalitions outside H (default) or the outsiders' own unilateral improvements.
    """
    space = as_space(model)
    klass = coalition_class(space, coalitions)
    analyser = _Analyser(space, klass, sanctions)
    result = CoalitionStability(space, klass, sanctions)
    for concept in concepts:
        name = concept_name(concept)
        if name not in COALITION_CONCEPTS:
            raise DetenteError(
                f"coalition analysis covers {', '.join(COALITION_CONCEPTS)}, not {name}"
            )
        result.stable[name] = np.stack([analyser.stable(name, h) for h in klass])
    return result


# -- the report ------------------------------------------------------------------------------------
@dataclass
class Route:
    """One way to break an equilibrium: the joint move to ``target`` along ``path``, a
    shortest legal sequence of the coalition members' unilateral moves."""

    target: int
    path: list[Step]


@dataclass
class Break:
    """Coalition ``coalition`` can upset ``equilibrium``: each of ``targets`` is a
    coalitional improvement (every member prefers it) that no sanction of the concept
    deters.  ``routes`` give a witness sequence for the first few targets, best first (the
    coalition's members' positions summed, then the fewest moves)."""

    equilibrium: int
    coalition: Coalition
    targets: list[int]
    routes: list[Route]

    def to_json(self, space: StateSpace) -> dict[str, Any]:
        return {
            "equilibrium": self.equilibrium + 1,
            "coalition": [space.dm_names[i] for i in self.coalition],
            "targets": [t + 1 for t in self.targets],
            "routes": [
                {
                    "target": route.target + 1,
                    "label": space.label(route.target),
                    "path": [step.to_json(space) for step in route.path],
                    "positions": {
                        space.dm_names[i]: {
                            "from": _position(space, i, self.equilibrium),
                            "to": _position(space, i, route.target),
                        }
                        for i in self.coalition
                    },
                }
                for route in self.routes
            ],
        }

    def sentence(self, space: StateSpace) -> str:
        names = join_words([space.dm_names[i] for i in self.coalition])
        route = self.routes[0]
        steps = ", then ".join(
            f"{space.dm_names[step.dm]} {move_phrase(space, step, 's')}" for step in route.path
        )
        positions = join_words(
            [
                f"{space.dm_names[i]} ranks it {ordinal(_position(space, i, route.target))}"
                f" instead of {ordinal(_position(space, i, self.equilibrium))}"
                for i in self.coalition
            ]
        )
        others = len(self.targets) - 1
        more = (
            f" They could also move to {others} other state{'s' if others > 1 else ''} they"
            f" all prefer ({', '.join(str(t + 1) for t in self.targets if t != route.target)})."
            if others
            else ""
        )
        return (
            f"From {state_phrase(space, self.equilibrium)}, {names} can move together to"
            f" {state_phrase(space, route.target)}: {steps}. Each of them prefers state"
            f" {route.target + 1} to state {self.equilibrium + 1} ({positions}).{more}"
        )


def _position(space: StateSpace, dm: int, state: int) -> int:
    """1 = the DM's most preferred state (tied states share a position)."""
    ranks = space.ranks[dm]
    return int(ranks.max() - ranks[state]) + 1


@dataclass
class CoalitionReport:
    """Which equilibria coalitions can break, and how.

    ``equilibria``: the individual equilibria under ``concept`` (Fang et al. 1993).
    ``stability``: coalition stability of every state for every coalition of the class.
    ``breaks``: for every individual equilibrium and coalition for which it is not stable
    under the coalition version of ``concept``, the coalitional improvements that escape
    every sanction, with witness sequences of moves.
    """

    space: StateSpace
    concept: str
    coalitions: list[Coalition]
    equilibria: np.ndarray
    stability: CoalitionStability
    breaks: list[Break]

    @property
    def coalition_equilibria(self) -> np.ndarray:
        """0-based states stable for every coalition of the class."""
        return self.stability.equilibria(self.concept)

    def to_json(self) -> dict[str, Any]:
        """The documented JSON contract of ``detente coalitions --format json``."""
        space = self.space
        shown = (
            {int(x) for x in self.equilibria}
            | {int(x) for x in self.coalition_equilibria}
            | {route.target for b in self.breaks for route in b.routes}
        )
        return {
            "concept": self.concept,
            "sanctions": self.stability.sanctions,
            "coalitions": [[space.dm_names[i] for i in c] for c in self.coalitions],
            "equilibria": [int(s) + 1 for s in self.equilibria],
            "coalition_equilibria": [int(s) + 1 for s in self.coalition_equilibria],
            "stability": {
                coalition_name(space, c): [
                    int(s) + 1 for s in np.flatnonzero(self.stability.stable[self.concept][k])
                ]
                for k, c in enumerate(self.coalitions)
            },
            "breaks": [b.to_json(space) for b in self.breaks],
            "states": {
                str(s + 1): {"label": space.label(s), "description": describe_state(space, s)}
                for s in sorted(shown)
            },
        }

    def to_frame(self):  # -> pandas.DataFrame
        """One row per route: equilibrium, coalition, target and the moves."""
        import pandas as pd

        space = self.space
        rows = [
            {
                "equilibrium": b.equilibrium + 1,
                "equilibrium label": space.label(b.equilibrium),
                "coalition": coalition_name(space, b.coalition),
                "targets": len(b.targets),
                "target": route.target + 1,
                "target label": space.label(route.target),
                "moves": "; ".join(step.text(space) for step in route.path),
            }
            for b in self.breaks
            for route in b.routes
        ]
        columns = [
            "equilibrium",
            "equilibrium label",
            "coalition",
            "targets",
            "target",
            "target label",
            "moves",
        ]
        return pd.DataFrame(rows, columns=columns)

    def sentences(self) -> list[str]:
        """The report in plain language."""
        space = self.space
        out = []
        eq = ", ".join(str(int(s) + 1) for s in self.equilibria) or "none"
        ceq = ", ".join(str(int(s) + 1) for s in self.coalition_equilibria) or "none"
        out.append(f"{self.concept} equilibria: {eq}.")
        out.append(
            f"Coalition {self.concept} equilibria ({len(self.coalitions)} coalitions): {ceq}."
        )
        broken = {b.equilibrium for b in self.breaks}
        for s in self.equilibria:
            if int(s) not in broken:
                out.append(f"No coalition can break {state_phrase(space, int(s))}.")
        out.extend(b.sentence(space) for b in self.breaks)
        return out

    def _repr_html_(self) -> str:
        import html

        head = "".join(f"<p>{html.escape(line)}</p>" for line in self.sentences()[:2])
        return head + self.to_frame()._repr_html_()


def coalition_report(
    model: Conflict | StateSpace,
    concept: str = "Nash",
    coalitions: Iterable[str | int | Iterable[str | int]] | None = None,
    *,
    sanctions: Sanctions = "coalitions",
    routes: int = 3,
) -> CoalitionReport:
    """For each individual equilibrium under ``concept``, which coalitions of the class can
    break it (it is not stable for them under the coalition version of the concept) and how:
    every improvement that escapes all sanctions, and a shortest witness sequence of moves
    for the ``routes`` best of them (for the coalition).
    """
    space = as_space(model)
    name = concept_name(concept)
    if name not in COALITION_CONCEPTS:
        raise DetenteError(f"coalition analysis covers {', '.join(COALITION_CONCEPTS)}, not {name}")
    klass = coalition_class(space, coalitions)
    analyser = _Analyser(space, klass, sanctions)
    stability = CoalitionStability(space, klass, sanctions)
    stability.stable[name] = np.stack([analyser.stable(name, h) for h in klass])
    equilibria = analyze(space, [name]).equilibria(name)
    breaks: list[Break] = []
    for s in equilibria:
        s = int(s)
        for k, coalition in enumerate(klass):
            if stability.stable[name][k, s]:
                continue
            targets = analyser.escaping_targets(name, coalition, s)
            tree = reach_tree(space, coalition, s)
            distance = tree.distance()
            positions = sum(space.ranks[i][targets].astype(np.int64) for i in coalition)
            best = targets[np.lexsort((targets, distance[targets], -positions))][:routes]
            found = [Route(int(t), tree.path(space, int(t))) for t in best]
            breaks.append(Break(s, coalition, sorted(int(t) for t in targets), found))
    return CoalitionReport(space, name, klass, equilibria, stability, breaks)
