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
States are integer indices into numpy arrays (see :mod:`detente.space`).  R_H and the
coalitional improvements come from :mod:`detente.analyses.reach`, block by block (a
coalition's joint moves never leave the component of its members' moves), so the work is
states x block size, never states squared.  For CNash, CGMR and CSEQ, s is unstable for H
when some s1 in R_H(s) has, for every member i, v_i(s1) > r_i(s): v_i = r_i for CNash, and
for CGMR/CSEQ the least rank the sanctions can push i to from s1, which depends on s1 alone
(:func:`detente.engine.coalition_reach_min`, linear).  So no (state, improvement) pair is
stored (:func:`reach.reach_dominates`).  CSMR's counter-move test depends on both s and s2:
a linear sufficient test first, then, for the pairs it leaves open, two least-value
fixpoints per batch of states (linear memory per state).  Witness sequences come from a
breadth-first search over (state, last mover) from one source (:func:`reach.reach_tree`).
Enumerating the coalitions is a Python loop.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ..engine import coalition_reach_min, gmr_stable, improvements, nash_stable, smr_stable
from ..errors import DetenteError
from ..model.conflict import Conflict
from ..space.state_space import StateSpace, as_space
from ..words import describe_state, join_words, move_phrase, ordinal, state_phrase
from .presenting import present
from .reach import (
    Coalition,
    CoalitionMoves,
    ReachTree,
    Step,
    beaten_within_reach,
    coalition_members,
    coalition_reach,
    coalitional_improvements,
    free_coalition,
    improvement_pairs,
    reach_dominates,
    reach_min_rows,
    reach_tree,
)
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

#: Elements (ranks or move targets) handled at once in CSMR's batched fixpoints.
_BUDGET = 1 << 24

Sanctions = Literal["coalitions", "individuals"]


# -- naming coalitions ---------------------------------------------------------------------------
def coalition_name(space: StateSpace, coalition: Coalition) -> str:
    """'MoE+Uniroyal' for a coalition, the DM's name for a singleton.

    >>> import detente
    >>> coalition_name(detente.compile_conflict(detente.load_case("elmira")), (0, 1))
    'MoE+Uniroyal'
    """
    return "+".join(space.dm_names[i] for i in coalition)


def coalition_class(
    space: StateSpace, coalitions: Iterable[str | int | Iterable[str | int]] | None = None
) -> list[Coalition]:
    """The class of coalitions 𝒞 to analyse, ordered by size then by DM order.

    ``None``: every non-empty subset of the decision makers (singletons included), as in
    Kilgour et al. (2001) and Inohara & Hipel (2008); refused above
    :data:`MAX_DMS_ALL_COALITIONS` DMs.  Otherwise the singletons plus the given coalitions
    (an empty list: the singletons only, i.e. the noncooperative analysis).

    >>> import detente
    >>> space = detente.compile_conflict(detente.load_case("prisoners-dilemma"))
    >>> coalition_class(space), coalition_class(space, [])
    ([(0,), (1,), (0, 1)], [(0,), (1,)])
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


# -- coalition stability -------------------------------------------------------------------------
class _Analyser:
    """Coalition stability of every state, with per-coalition results cached.

    For CNash, CGMR and CSEQ, s is unstable for H when some s1 in R_H(s) has, for every
    member i, v_i(s1) > r_i(s): with v_i = r_i (an improvement at all), or v_i the least rank
    the concept's sanctions can push i to from s1 (an improvement no sanction deters).  The
    sanctions' least ranks depend on s1 only (:func:`detente.engine.coalition_reach_min`,
    linear).  For a free coalition the query is answered block by block
    (:func:`reach.reach_dominates`) and no (state, improvement) pair is stored; otherwise the
    pairs are listed once (their bitset fixpoint is the costly part) and serve every concept.
    CSMR refines CGMR at the CGMR-stable states that have an improvement (:meth:`_smr_flags`).
    """

    def __init__(
        self,
        space: StateSpace,
        coalitions: list[Coalition],
        sanctions: Sanctions,
        concepts: Iterable[str] = COALITION_CONCEPTS,
    ) -> None:
        if sanctions not in ("coalitions", "individuals"):
            raise DetenteError(
                f"sanctions must be 'coalitions' or 'individuals', not {sanctions!r}"
            )
        self.space = space
        self.coalitions = coalitions
        self.sanctions = sanctions
        # The dominance queries wanted together (one pass over the blocks serves them all).
        wanted = set(concepts)
        self.together = [c for c in ("Nash", "GMR", "SEQ") if c in wanted or "SMR" in wanted]
        self._improvements: dict[Coalition, CoalitionMoves] = {}
        self._least: dict[tuple[str, Coalition], np.ndarray] = {}
        self._stable: dict[tuple[str, Coalition], np.ndarray] = {}

    def improvements_of(self, coalition: Coalition) -> CoalitionMoves:
        """R_H^{++} for every state, as pairs (the moves of a group in CSEQ's sanctions)."""
        if coalition not in self._improvements:
            space = self.space
            if len(coalition) == 1:
                (i,) = coalition
                moves = CoalitionMoves.from_padded(improvements(space.moves[i], space.ranks[i]))
            else:
                moves = coalitional_improvements(space, coalition)
            self._improvements[coalition] = moves
        return self._improvements[coalition]

    def pairs_of(self, coalition: Coalition, states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The coalitional improvements (s, s1) of ``states`` (sorted), sorted by s: from the
        listed pairs where they are kept (coalitions that are not free), else found anew."""
        if coalition in self._improvements or not free_coalition(self.space, coalition):
            moves = self.improvements_of(coalition)
            positions = moves.positions(states)
            return moves.sources[positions], moves.indices[positions]
        return improvement_pairs(self.space, coalition, states)

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

    def responder_movers(self, coalition: Coalition) -> list[int]:
        """The labels of :meth:`responders` for CGMR/CSMR, as DM indices: a DM in several
        sanctioning groups appears twice (it may then move twice in a row, and more labels
        of it would change nothing), a DM in one group once."""
        counts: dict[int, int] = {}
        for g in self.sanctioning_groups(coalition):
            for k in g:
                counts[k] = counts.get(k, 0) + 1
        return [k for k, c in sorted(counts.items()) for _ in range(min(c, 2))]

    def least(self, concept: str, coalition: Coalition) -> np.ndarray:
        """(|H|, n): for each member i and state s1, the least rank of i over s1 and what the
        concept's sanctions reach from s1 (the ranks themselves for Nash)."""
        key = ("GMR" if concept == "SMR" else concept, coalition)
        if key not in self._least:
            ranks = self.space.ranks
            if concept == "Nash":
                least = ranks[list(coalition)]
            else:
                responders = self.responders(key[0], coalition)
                least = np.stack([coalition_reach_min(responders, ranks[i]) for i in coalition])
            self._least[key] = least
        return self._least[key]

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
            self._stable[key] = engine(space.move_sets, space.ranks, coalition[0])
        elif concept == "SMR":
            result = self.stable("GMR", coalition).copy()
            todo = np.flatnonzero(result & ~self.stable("Nash", coalition))
            s, s1 = self.pairs_of(coalition, todo)
            escapes = self._smr_flags(coalition, s, s1)
            result[s[escapes]] = False
            self._stable[key] = result
        else:
            # One pass over the blocks answers every concept wanted together.
            concepts = [c for c in dict.fromkeys([concept, *self.together])]
            concepts = [c for c in concepts if (c, coalition) not in self._stable]
            leasts = [self.least(c, coalition) for c in concepts]
            if free_coalition(space, coalition):
                found = reach_dominates(space, coalition, leasts)
            else:  # the pairs are listed once and serve every concept
                moves = self.improvements_of(coalition)
                ranks = space.ranks[list(coalition)][:, moves.sources]
                found = [
                    np.bincount(
                        moves.sources[(least[:, moves.indices] > ranks).all(axis=0)],
                        minlength=space.n_states,
                    )
                    > 0
                    for least in leasts
                ]
            for c, unstable in zip(concepts, found, strict=True):
                self._stable[(c, coalition)] = ~unstable
        return self._stable[key]

    def escaping_targets(self, concept: str, coalition: Coalition, state: int) -> np.ndarray:
        """The coalitional improvements from ``state`` that no sanction of ``concept`` deters."""
        s, s1 = self.pairs_of(coalition, np.array([state]))
        if concept == "SMR":
            return s1[self._smr_flags(coalition, s, s1)]
        least = self.least(concept, coalition)
        ranks = self.space.ranks[list(coalition)]
        return s1[(least[:, s1] > ranks[:, s]).all(axis=0)]

    def _smr_flags(self, coalition: Coalition, s_all: np.ndarray, s1_all: np.ndarray) -> np.ndarray:
        """CSMR escape flags of the coalitional improvements (s, s1), given as two arrays
        sorted by s.

        For a state s, let B be the states every member prefers to s.  A state x is *safe*
        if neither x nor anything R_H reaches from x is in B; the improvement s1 is
        sanctioned if the responders reach a safe state from s1.  An improvement that CGMR
        does not sanction escapes CSMR too.

        First a sufficient test, linear in states: x is surely safe if for some member i
        the best rank i can reach from x with H's moves, top_i(x), is <= r_i(s); so s1 is
        sanctioned if the least top_i over what the responders reach from s1 is <= r_i(s).
        The pairs it leaves open are decided exactly, a batch of states s at a time (states
        with the same members' ranks count once), by two least-value fixpoints over all
        states: which states are dangerous for s (reach B by H's moves,
        :func:`reach.beaten_within_reach`), then whether the responders reach a safe one
        (:func:`reach.reach_min_rows`).  Memory is linear in
        states per state of the batch.
        """
        space = self.space
        n = space.n_states
        ranks = space.ranks
        members = list(coalition)
        least = self.least("GMR", coalition)
        flags = (least[:, s1_all] > ranks[members][:, s_all]).all(axis=0)  # CGMR escapes
        surely = np.zeros(s_all.size, dtype=bool)
        own_moves = [space.move_sets[i] for i in coalition]
        responders = self.responders("SMR", coalition)
        for i in coalition:
            top = -coalition_reach_min(own_moves, -ranks[i])
            least_top = coalition_reach_min(responders, top)
            surely |= least_top[s1_all] <= ranks[i][s_all]
        open_pairs = np.flatnonzero(~flags & ~surely)
        if not open_pairs.size:
            return flags
        outside = [space.moves[k] for k in self.responder_movers(coalition)]
        width = max([1, *(m.shape[0] for m in outside)])
        # B, and so both tests, depend on s only through the members' ranks of s: states
        # with the same ranks share one computation (keyed by one integer per state).
        key = np.zeros(open_pairs.size, dtype=np.int64)
        for i in members:
            key = key * (int(ranks[i].max()) - int(ranks[i].min()) + 1) + (
                ranks[i][s_all[open_pairs]] - ranks[i].min()
            )
        _, representative, group = np.unique(key, return_index=True, return_inverse=True)
        levels = ranks[members][:, s_all[open_pairs][representative]]
        group = group.reshape(-1)
        order = np.argsort(group, kind="stable")
        pairs, group = open_pairs[order], group[order]
        first = np.searchsorted(group, np.arange(levels.shape[1] + 1))
        size = max(1, _BUDGET // ((n + 1) * (width + 1)))
        for start in range(0, levels.shape[1], size):
            stop = min(levels.shape[1], start + size)
            lo, hi = first[start], first[stop]
            # Dangerous: x is in B or reaches B by H's legal sequences.
            danger = beaten_within_reach(space, coalition, levels[:, start:stop])
            # sanction == 0: the responders reach a safe state from s1.
            sanction = reach_min_rows(outside, np.where(danger, 1, 0).astype(np.int32))
            flags[pairs[lo:hi]] = sanction[group[lo:hi] - start, s1_all[pairs[lo:hi]]] != 0
        return flags


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
        return present(self, "to_frame")

    def _repr_html_(self) -> str:
        return present(self, "_repr_html_")


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

    >>> import detente
    >>> result = analyze_coalitions(detente.load_case("elmira"), ["Nash", "GMR"])
    >>> (result.equilibria("Nash") + 1).tolist(), (result.equilibria("GMR") + 1).tolist()
    ([8, 9], [1, 4, 8, 9])
    """
    space = as_space(model)
    klass = coalition_class(space, coalitions)
    concepts = list(concepts)
    analyser = _Analyser(space, klass, sanctions, [concept_name(c) for c in concepts])
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
        return present(self, "to_frame")

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
        return present(self, "_repr_html_")


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

    >>> import detente
    >>> report = coalition_report(detente.load_case("elmira"))
    >>> report.sentences()[:2]
    ['Nash equilibria: 5, 8, 9.', 'Coalition Nash equilibria (7 coalitions): 8, 9.']
    >>> [(b.equilibrium + 1, b.coalition, b.targets) for b in report.breaks]
    [(5, (0, 1), [7])]
    """
    space = as_space(model)
    name = concept_name(concept)
    if name not in COALITION_CONCEPTS:
        raise DetenteError(f"coalition analysis covers {', '.join(COALITION_CONCEPTS)}, not {name}")
    klass = coalition_class(space, coalitions)
    analyser = _Analyser(space, klass, sanctions, [name])
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
