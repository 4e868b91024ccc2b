"""What a stability analysis will cost, estimated before it starts.

Nothing long should start without saying so (issue 12, section 5).  The estimates here use
the shape of the compiled space only: the number of states, each decision maker's number of
moves per state (from the radices of its options, without building a move array) and, for
SIM, the opponents' improvement products.  They return data (:class:`CostEstimate`); the
faces decide what to do with an estimate above :data:`DEFAULT_BUDGET_SECONDS`.

The cost models follow the engine's algorithms (:mod:`detente.engine.stability`):

* Nash looks at every move of every state once: n x m_i steps for DM i.
* GMR, SMR and SEQ run the opponents' reachability fixpoint
  (:func:`detente.engine.reach.coalition_reach_min`): a few sweeps, each one reduction over
  every opponent's moves, n x sum_j m_j steps per sweep; :data:`FIXPOINT_SWEEPS` sweeps.
* SIM (:func:`detente.engine.stability.sim_stable`) searches, for each of the n x u_i pairs
  (state, unilateral improvement of i), the opponents' simultaneous choices one opponent
  at a time.  Opponent j offers at most c_j = min(1 + u_j, combinations of its options that
  i's rank depends on) distinct choices; without pruning the search visits
  c_1 + c_1 c_2 + ... + c_1 ... c_m branches per pair, the most influential opponents
  first.  u_j, the number of j's improvements per state, is taken as m_j / 2 (a move is
  equally likely to be better or worse for the mover).  The bounds and the early stop cut
  this much further on most models, so the SIM estimate is an upper bound in practice
  (benchmarks/sim.py: measured times are below it; see docs/benchmarks.md).
* L<h> and NM (two DMs) walk h levels of anticipated outcomes, each a pass over every move;
  NM is costed as :data:`NM_LEVELS` levels (its chains usually repeat within a few).

Seconds are steps divided by rates measured on the 2-core reference machine of
docs/benchmarks.md; they are meant to tell a second from an hour, not to the second.

>>> from detente import load_case, compile_conflict
>>> space = compile_conflict(load_case("prisoners-dilemma"))
>>> estimate = estimate_cost(space, "SIM")
>>> estimate.concept, estimate.seconds < 1
('SIM', True)
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ..engine.stability import sim_relevant_options
from ..space.state_space import StateSpace
from . import per_dm
from .graded import graded_concept

__all__ = [
    "DEFAULT_BUDGET_SECONDS",
    "CostEstimate",
    "estimate_cost",
    "estimate_costs",
    "over_budget",
]

#: Longest estimated run (seconds) that ``detente analyze`` starts for a concept it was not
#: asked for by name; ``DETENTE_ANALYSIS_BUDGET_S`` overrides it.
DEFAULT_BUDGET_SECONDS = float(os.environ.get("DETENTE_ANALYSIS_BUDGET_S", 60))

#: State x move steps per second of the vectorised reductions (Nash, GMR, SMR, SEQ, L<h>).
MOVE_STEPS_PER_SECOND = 2.0e8
#: Branches per second of the SIM search (one gather of a choice, of i's rank and a bound).
SIM_BRANCHES_PER_SECOND = 2.0e7
#: Sweeps of the reachability fixpoint that GMR, SMR and SEQ are costed at.
FIXPOINT_SWEEPS = 4
#: Levels of anticipation that NM is costed at.
NM_LEVELS = 16


@dataclass(frozen=True)
class CostEstimate:
    """The estimated cost of one concept for every DM: ``steps`` of ``what``, ``seconds``."""

    concept: str
    steps: float
    seconds: float
    what: str

    def describe(self) -> str:
        """The estimate in words, e.g. 'about 3 min, 4.1e+09 search branches'."""
        return f"{_duration(self.seconds)}, {self.steps:.2g} {self.what}"


def _duration(seconds: float) -> str:
    if seconds < 1:
        return "under a second"
    if seconds < 120:
        return f"about {seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"about {seconds / 60:.0f} min"
    return f"about {seconds / 3600:.0f} h"


def move_counts(space: StateSpace) -> np.ndarray:
    """Per DM: the most moves it has from a state (its option combinations minus one).

    Directions, steps and infeasibility only remove moves, so this is an upper bound; it
    needs no move array.
    """
    held = set(space.held_options)
    return np.array(
        [
            math.prod(int(space.radices[k]) for k in opts if int(k) not in held) - 1
            for opts in space.dm_options
        ],
        dtype=np.float64,
    )


def _sim_branches(space: StateSpace, dm: int, improving: np.ndarray) -> float:
    """Branches the SIM search for ``dm`` visits without pruning (see the module docstring)."""
    merged = space.merged
    codes = space.member_codes if merged else space.codes
    rank = space.ranks[dm][space.member_state] if merged else space.ranks[dm]
    relevant = sim_relevant_options(rank, codes, space.radices)
    offers = []
    for j, opts in enumerate(space.dm_options):
        combos = math.prod(int(space.radices[k]) for k in opts if relevant[k])
        if j != dm and combos > 1:
            offers.append(min(1 + improving[j], combos))
    branches, product = 0.0, 1.0
    for offer in sorted(offers, reverse=True):
        product *= offer
        branches += product
    return float(codes.size * improving[dm] * branches)


def estimate_cost(space: StateSpace, concept: str) -> CostEstimate:
    """The estimated cost of ``concept`` (a canonical name: 'SIM', 'L3', ...; see
    :func:`detente.analyses.stability.concept_name`) for every DM of ``space``.

    Increasing in the number of states and in every DM's number of moves.
    """
    name = concept
    if concept == per_dm.PER_DM or per_dm.is_assignment(concept):  # its costliest part
        parts = per_dm.parts(space, concept, per_dm.registered_canonical())
        return max((estimate_cost(space, part) for part in parts), key=lambda e: e.seconds)
    graded = graded_concept(concept)
    if graded is not None:  # probabilistic / fuzzy: at least its base concept's cost
        base = estimate_cost(space, graded.base)
        return CostEstimate(concept, base.steps, base.seconds, base.what)
    n = float(space.n_states)
    moves = move_counts(space)
    if name == "SIM":
        improving = moves / 2
        steps = float(sum(_sim_branches(space, i, improving) for i in range(space.n_dms)))
        return CostEstimate(name, steps, steps / SIM_BRANCHES_PER_SECOND, "search branches")
    if name == "SEQSIM":
        seq, sim = estimate_cost(space, "SEQ"), estimate_cost(space, "SIM")
        return CostEstimate(name, seq.steps + sim.steps, seq.seconds + sim.seconds, sim.what)
    total = float(moves.sum())
    base = name.split("_")[0]  # GMR_a, SEQ_strong, ...: the cost of their simple concept
    if base == "Nash":
        steps = n * total
    elif base in ("GMR", "SMR", "SEQ"):
        steps = n * FIXPOINT_SWEEPS * (space.n_dms - 1) * total
    else:  # L<h>, NM
        levels = NM_LEVELS if name == "NM" else int(name[1:])
        steps = n * levels * total
    return CostEstimate(name, steps, steps / MOVE_STEPS_PER_SECOND, "state x move steps")


def estimate_costs(space: StateSpace, concepts: Iterable[str]) -> dict[str, CostEstimate]:
    """:func:`estimate_cost` of each of ``concepts`` (canonical names)."""
    return {name: estimate_cost(space, name) for name in concepts}


def over_budget(estimate: CostEstimate, budget: float | None = DEFAULT_BUDGET_SECONDS) -> bool:
    """Is the estimate above ``budget`` seconds (never, when the budget is None)?"""
    return budget is not None and estimate.seconds > budget
