"""Stability under graded preferences: probabilistic and fuzzy, vectorised over states.

Two families of the graph model replace "i prefers a to b" by a number d_i(a, b):

* **Probabilistic preferences** (Rêgo & dos Santos 2015, "Probabilistic preferences in the
  graph model for conflict resolution", IEEE Trans. SMC: Systems 45(4)): d_i(a, b) is the
  probability P_i(a ≻ b) that i prefers a to b.  α-Nash, (α, β)-GMR, (α, β)-SMR and
  (α, β, γ)-SEQ.
* **Fuzzy preferences** (Bashar, Kilgour & Hipel 2012, "Fuzzy preferences in the graph
  model for conflict resolution", IEEE Trans. Fuzzy Systems 20(4)): d_i(a, b) is the fuzzy
  relative strength of preference of a over b, compared with i's fuzzy satisficing
  threshold.  FR, FGMR, FSMR and FSEQ.

Both read the same way, with an *improvement threshold* a, a *sanction threshold* b and, for
the opponents' credible moves of SEQ, a threshold c_j per opponent:

* s1 ∈ R_i(s) is a graded improvement when d_i(s1, s) >= a;
* s2 sanctions it when d_i(s2, s) < b (SMR: and d_i(s3, s) < b for every s3 ∈ R_i(s2));
* Nash: no graded improvement; GMR: every graded improvement has a sanction s2 in
  R_{N-i}(s1); SMR: a sanction that survives i's counter-moves; SEQ: a sanction reached by
  the opponents' own graded improvements (d_j(t, u) >= c_j for each move u -> t of j).

Comparisons allow :data:`EPS` of rounding: probabilities are sums of weights.

**Why the min-rank trick of :mod:`detente.engine.stability` needs help.**  For simple
preferences "s2 sanctions" means rank(s2) <= rank(s), so one least rank per s1 answers every
s.  That still holds when d_i(a, b) is a non-decreasing function of a per-state value: the
sanction test becomes v(s2) <= tau(s) (:meth:`Degrees.levels`), and the least v over
R_{N-i}(s1) is computed once (:func:`~detente.engine.reach.coalition_reach_min`).  Crisp
and fuzzy (utility) degrees are of this kind.  A probability mixed from K rankings is not:
s2 sanctions when the rankings that do not put s2 above s weigh enough, a joint condition on
K ranks that no single least value decides.  But the sanction set {s2 : d_i(s2, s) < b}
depends on s only through s's K ranks, so states with the same rank vector share it: one
reachability fixpoint per distinct rank vector (among states with a graded improvement)
answers all of them exactly, unless one ranking alone decides the threshold
(:meth:`MixtureDegrees.levels`), when the trick applies again.  Rank vectors are few when
the K rankings come from prioritizations over the same statements (at most 2^statements);
the cost is that many fixpoints.  Never n x n.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Literal, Protocol

import numpy as np

from .arrays import compact
from .moves import MoveReductions, MoveSet, PaddedMoves, as_move_set
from .reach import coalition_reach_min

__all__ = [
    "EPS",
    "CrispDegrees",
    "Degrees",
    "MixtureDegrees",
    "UtilityDegrees",
    "graded_improvements",
    "graded_stable",
]

#: Slack in threshold comparisons (probabilities are sums of floating-point weights).
EPS = 1e-9

GradedConcept = Literal["Nash", "GMR", "SMR", "SEQ"]


class Degrees(Protocol):
    """One DM's graded preference: d(a, b), elementwise over index arrays."""

    n: int

    def degree(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """d(a[k], b[k]) for every k (float64)."""
        ...

    def levels(self, threshold: float) -> tuple[np.ndarray, np.ndarray] | None:
        """(v, tau), int32 per state, with d(t, s) < threshold iff v[t] <= tau[s]; None when
        no such pair exists (then :meth:`groups` is used)."""
        ...

    def groups(self) -> np.ndarray:
        """A label per state; states with equal labels have equal degrees to and from every
        state (so they share sanction sets)."""
        ...


class CrispDegrees:
    """Simple preference seen as a degree: d(a, b) = 1 if a is preferred to b, else 0 (the
    probability of a certain preference; a crisp fuzzy relation's relative strength,
    sign(rank(a) - rank(b)), agrees with it on every threshold in (0, 1]).

    For every threshold in (0, 1], d >= threshold iff a is preferred, and d < threshold iff
    it is not: the standard concepts.

    >>> CrispDegrees(np.array([0, 2, 1])).degree(np.array([1, 0]), np.array([2, 2]))
    array([1., 0.])
    """

    def __init__(self, rank: np.ndarray) -> None:
        self.rank = np.asarray(rank, dtype=np.int32)
        self.n = self.rank.size

    def degree(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return (self.rank[a] > self.rank[b]).astype(np.float64)

    def levels(self, threshold: float) -> tuple[np.ndarray, np.ndarray]:
        return self.rank, self.rank  # thresholds lie in (0, 1]

    def groups(self) -> np.ndarray:
        return self.rank


class UtilityDegrees:
    """d(a, b) = u(a) - u(b) for a value u per state (an additively consistent fuzzy
    preference relation r(a, b) = (1 + u(a) - u(b)) / 2, whose relative strength of
    preference r(a, b) - r(b, a) is this difference).

    >>> UtilityDegrees(np.array([0.0, 1.0, 0.5])).levels(0.5)[1].tolist()  # u(t) < u(s) + 0.5
    [0, 2, 1]
    """

    def __init__(self, utility: np.ndarray, rank: np.ndarray | None = None) -> None:
        """``rank`` may give the dense rank of ``utility`` when it is known (it saves a
        sort of n floats)."""
        self.utility = np.asarray(utility, dtype=np.float64)
        self.n = self.utility.size
        if rank is None:
            self.values, inverse = np.unique(self.utility, return_inverse=True)
            self.v = inverse.astype(np.int32).reshape(-1)
        else:
            self.v = np.asarray(rank, dtype=np.int32)
            self.values = np.zeros(int(self.v.max()) + 1 if self.n else 0)
            self.values[self.v] = self.utility

    def degree(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return self.utility[a] - self.utility[b]

    def levels(self, threshold: float) -> tuple[np.ndarray, np.ndarray]:
        # u(t) - u(s) < threshold - EPS  <=>  u(t) < u(s) + threshold - EPS  <=>  v(t) <= tau(s)
        bound = self.utility + (threshold - EPS)
        tau = np.searchsorted(self.values, bound, side="left").astype(np.int32) - 1
        return self.v, tau

    def groups(self) -> np.ndarray:
        return self.v


class MixtureDegrees:
    """P(a ≻ b) = sum of the weights of the rankings that put a strictly above b.

    ``ranks`` is (K, n), one ranking per scenario; ``weights`` (K,) sum to 1.

    >>> m = MixtureDegrees(np.array([[0, 1], [1, 0]]), np.array([0.25, 0.75]))
    >>> m.degree(np.array([1, 0]), np.array([0, 1])).tolist()
    [0.25, 0.75]
    """

    def __init__(self, ranks: np.ndarray, weights: np.ndarray) -> None:
        self.ranks = np.asarray(ranks, dtype=np.int32)
        self.weights = np.asarray(weights, dtype=np.float64)
        self.n = self.ranks.shape[1]

    def degree(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        out = np.zeros(np.broadcast(a, b).shape, dtype=np.float64)
        for rank, weight in zip(self.ranks, self.weights, strict=True):
            out += weight * (rank[a] > rank[b])
        return out

    def levels(self, threshold: float) -> tuple[np.ndarray, np.ndarray] | None:
        """A ranking k *decides* the threshold when w_k >= threshold > 1 - w_k: if it puts
        a above b, P(a ≻ b) >= w_k reaches the threshold; if not, P(a ≻ b) <= 1 - w_k
        stays below it.  Then d(a, b) < threshold iff rank_k(a) <= rank_k(b)."""
        low = threshold - EPS
        decisive = np.flatnonzero((self.weights >= low) & (1 - self.weights < low))
        if decisive.size:
            rank = self.ranks[int(decisive[0])]
            return rank, rank
        return None

    def groups(self) -> np.ndarray:
        if self.ranks.shape[0] == 1:
            return self.ranks[0]
        _, labels = np.unique(self.ranks.T, axis=0, return_inverse=True)
        return labels.reshape(-1).astype(np.int64)


def graded_improvements(targets: np.ndarray, degrees: Degrees, threshold: float) -> np.ndarray:
    """The moves ``targets`` (width, n padded with n) whose degree over their source is at
    least ``threshold``: the graded unilateral improvements, same padding."""
    n = targets.shape[1]
    if targets.shape[0] == 0:
        return targets
    present = targets < n
    source = np.broadcast_to(np.arange(n, dtype=np.int64), targets.shape)
    d = degrees.degree(np.where(present, targets, 0), source)
    return compact(np.where(present & (d >= threshold - EPS), targets, np.int32(n)))


def _credible_moves(
    moves: MoveSet,
    degrees: Degrees,
    threshold: float,
    targets: Callable[[], np.ndarray] | None,
) -> MoveReductions:
    """An opponent's graded improvements, for SEQ: when one ranking decides the threshold
    (crisp degrees, or a decisive scenario) they are its plain improvements under that
    ranking (the fast move set's own); otherwise its explicit moves are filtered pair by
    pair."""
    levels = degrees.levels(threshold)
    if levels is not None and levels[0] is levels[1]:  # a ranking decides: plain improvements
        return moves.improving(levels[0])
    if targets is None:
        raise ValueError("SEQ with graded opponents needs their explicit moves")
    return PaddedMoves(graded_improvements(targets(), degrees, threshold))


def graded_stable(
    concept: GradedConcept,
    moves: Sequence[MoveSet | np.ndarray],
    degrees: Sequence[Degrees],
    dm: int,
    improve: float,
    sanction: float,
    credible: Sequence[float] | None = None,
    targets: Callable[[int], np.ndarray] | None = None,
) -> np.ndarray:
    """Boolean array over states: stable for ``dm`` under the graded ``concept``.

    ``moves[j]`` are DM j's moves; ``credible[j]`` is opponent j's threshold for SEQ and
    ``targets(j)`` its explicit padded moves (needed only for an opponent whose degrees are
    not crisp).

    Two paths, both exact.  When one (v, tau) pair describes both thresholds (crisp
    degrees, or ``improve == sanction``), a move s1 of i escapes exactly when
    min(v(s1), least v over R_{N-i}(s1)) > tau(s): one reduction over i's moves.  Otherwise
    states are taken group by group (equal degrees, :meth:`Degrees.groups`): for a group,
    the improving targets and the sanction set are fixed state sets, so "some move of s
    improves and escapes" is again one reduction over i's moves.
    """
    n = degrees[dm].n
    sets = [as_move_set(m) for m in moves]
    own = sets[dm]
    members: list[MoveReductions]
    if concept == "SEQ":
        if credible is None:
            raise ValueError("SEQ needs the opponents' credibility thresholds")
        members = [
            _credible_moves(
                sets[j], degrees[j], credible[j], None if targets is None else partial(targets, j)
            )
            for j in range(len(sets))
            if j != dm
        ]
    else:
        members = [m for j, m in enumerate(sets) if j != dm]
    counter = concept == "SMR"
    first = degrees[dm].levels(improve)
    if concept == "Nash":
        if first is not None:
            return own.max_over(first[0]) <= first[1]
        second = first
    else:
        second = degrees[dm].levels(sanction)
    if (
        first is not None
        and second is not None
        and np.array_equal(first[0], second[0])
        and np.array_equal(first[1], second[1])
    ):
        v, tau = first
        outlook = np.maximum(v, own.max_over(v)) if counter else v
        least = coalition_reach_min(members, outlook, start=False)
        return own.max_over(np.minimum(v, least)) <= tau
    stable = np.ones(n, dtype=bool)
    labels = degrees[dm].groups()
    everyone = np.arange(n)
    order = np.argsort(labels, kind="stable")
    cuts = np.flatnonzero(np.diff(labels[order])) + 1
    for group in np.split(order, cuts):  # one reduction (and fixpoint) per group
        d = degrees[dm].degree(everyone, group[0])
        escape = (d >= improve - EPS).astype(np.int32)
        if concept != "Nash" and escape.any():
            outside = (d >= sanction - EPS).astype(np.int32)
            if counter:  # every counter-move of i must stay outside too
                outside = np.maximum(outside, own.max_over(outside))
            hit = coalition_reach_min(members, outside, start=False) == 0
            escape &= ~hit
        stable[group] = own.max_over(escape)[group] <= 0
    return stable
