"""Status quo analysis: can the conflict get from where it is to an agreement, and how?

Stability analysis says which states are equilibria; status quo analysis says which of them
the conflict can actually *reach* from its status quo, through whose moves, and in how many
steps (Li, Kilgour & Hipel 2005, "Status quo analysis in the graph model for conflict
resolution", J. Oper. Res. Soc. 56(6):699-707; Xu, Kilgour, Hipel & Kemkes 2010, "Using
matrices to link conflict evolution and resolution in a graph model", EJOR 207(1):318-329).

**Evolution.**  A path s0 -(k1)-> s1 -(k2)-> s2 ... is a sequence of steps, each taken by one
*mover* k_t from the state the previous step reached.  What counts as a step depends on
``moves``:

* ``"improvements"`` (the standard evolution of status quo analysis): a unilateral
  improvement (UI) of the DM who moves, s_t in R+_k(s_{t-1}) (Fang, Hipel & Kilgour 1993);
* ``"any"``: any unilateral move, s_t in R_k(s_{t-1}), whether or not it improves;
* ``"coalitions"``: a UI of one DM, or a *coalitional improvement* of a coalition H of two or
  more DMs: a state s_t that H reaches from s_{t-1} by a legal sequence of unilateral moves
  of its members and that every member strictly prefers to s_{t-1} (Kilgour, Hipel, Fang &
  Peng 2001, "Coalition analysis in group decision support", Group Decis. Negot. 10(2);
  Inohara & Hipel 2008, Systems Engineering 11(4)).  Only the end state of the coalition's
  sequence counts as the step.

**No mover twice in a row.**  By default a path is a *legal sequence* in the sense of Fang,
Hipel & Kilgour (1993): the same mover never takes two consecutive steps (a DM that wanted
to go further would have done so in one move).  Status quo analysis uses exactly these
"coloured paths" (Li, Kilgour & Hipel 2005; Xu et al. 2010, whose arc-incidence matrices exist
to enforce the rule).  In ``"coalitions"`` mode the rule applies to movers, a coalition being
one mover: the same coalition never moves twice in a row (Inohara & Hipel 2008's reachable
lists by a class of coalitions).  ``consecutive=True`` drops the rule; for transitive move
sets (every DM able to change any subset of its options at once) this changes path lengths
only, never reachability.

**Algorithm.**  Breadth-first search over pairs (state, last mover), one level per step,
vectorised with numpy over the padded move arrays (``space.moves[i]``, column s = targets
of DM i from s).  Visited pairs are a boolean array of shape (movers, n); every level keeps
the pairs it discovered with their parent pair, so shortest paths are read back level by
level, for many targets at once.  A DM's targets from a state do not depend on who moved
last, so each state is expanded at most once per mover: the work is linear in
states x moves.  Nothing is ever n x n.

The coalitional improvements come from :mod:`detente.analyses.reach`, the one home of
coalition reachability, shared with coalition stability analysis
(:func:`~detente.analyses.reach.coalitional_improvements`; this module re-exports it).

JSON (``detente paths --format json``, :meth:`StatusQuoResult.to_json`)::

    {
      "start": {"id": 1, "label": "NYNNN"},     # states are numbered from 1
      "moves": "improvements",                   # or "any", "coalitions"
      "consecutive": false,                      # may a mover take two steps in a row?
      "max_depth": null,                         # the depth limit, if any
      "complete": true,                          # false if the depth limit cut the search
      "reachable": 2,                            # states reachable (the start included)
      "levels": [1, 1],                          # states first reached after 0, 1, ... steps
      "concepts": ["Nash", "GMR", ...],
      "equilibria": {"Nash": [5, 8, 9], ...},    # every equilibrium per concept
      "targets": [                               # every equilibrium, then every --to state
        {"id": 5, "label": "NYNYN",
         "equilibrium": ["Nash", "GMR", ...],    # concepts under which it is an equilibrium
         "requested": false,                     # named with --to / targets=
         "reachable": true,
         "steps": 1,                             # null if not reachable
         "path": [                               # a shortest path; null if not reachable
           {"mover": ["LG"],                     # one DM, or the members of a coalition
            "kind": "improvement",               # "improvement", "move" or
                                                 # "coalitional improvement"
            "from": 1, "from_label": "NYNNN",
            "to": 5, "to_label": "NYNYN",
            "changes": [{"option": "Insist", "from": 0, "to": 1}]}
         ]}
      ]
    }

With ``--summary`` (``to_json(summary=True)``) the targets have no ``path``.  The command line
writes results with more than 1,000 targets without indentation (much faster to write).

Option values in ``changes`` are 0/1 for binary options and levels for dials; options that a
merged state leaves open (shown '-' in its label) are not listed.

>>> import detente
>>> result = status_quo_analysis(detente.load_case("elmira"), concepts=["Nash"])
>>> [(t.state + 1, t.steps) for t in result.targets]
[(5, 1), (8, None), (9, None)]
>>> print(result.path_text(4))
1 NYNNN  -[LG: Insist N→Y]->  5 NYNYN
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from ..errors import DetenteError, ModelError
from ..model.conflict import Conflict
from ..space.state_space import StateSpace, as_space
from ..space.steps import Change, Step
from .presenting import present
from .reach import (
    DEFAULT_COALITION_BUDGET,
    coalition_components,
    coalition_members,
    coalition_reachable,
    coalitional_improvements,
    free_coalition,
    improvement_pairs,
)
from .stability import CONCEPTS, StabilityResult, analyze, concept_name

__all__ = [
    "DEFAULT_COALITION_BUDGET",
    "MOVE_MODES",
    "Change",
    "Evolution",
    "StatusQuoResult",
    "Step",
    "TargetReport",
    "coalition_components",
    "coalition_reachable",
    "coalitional_improvements",
    "evolution",
    "free_coalition",
    "labels_of",
    "resolve_state",
    "status_quo_analysis",
]

#: What a step of an evolution may be (see the module docstring).
MOVE_MODES = ("improvements", "any", "coalitions")

Mover = tuple[int, ...]


# -- small helpers ---------------------------------------------------------------------------
def resolve_state(space: StateSpace, ref: Any, what: str = "state") -> int:
    """0-based index of a state given as a number (1-based), a label or an option mapping.

    Strings of digits are read as state numbers unless they are a complete label.

    >>> import detente
    >>> space = detente.compile_conflict(detente.load_case("prisoners-dilemma"))
    >>> resolve_state(space, "YN"), resolve_state(space, "4")
    (1, 3)
    """
    if isinstance(ref, np.integer):
        ref = int(ref)
    try:
        return space.state_index(ref)
    except ModelError as exc:
        raise ModelError(f"{what}: {exc.message}", exc.loc) from None


def _first_occurrence(keys: np.ndarray, scratch: np.ndarray) -> np.ndarray:
    """Positions of the first occurrence of each distinct value of ``keys`` (values <
    scratch.size), in increasing order.

    ``scratch`` is an int64 work array; no sorting is needed.  Writing the positions in
    reverse makes the first occurrence the last write (numpy assigns repeated indices in
    order); whichever write survives, exactly one position per value is returned.
    """
    positions = np.arange(keys.size, dtype=np.int64)
    scratch[keys[::-1]] = positions[::-1]
    return positions[scratch[keys] == positions]


def labels_of(space: StateSpace, states: Sequence[int] | np.ndarray) -> list[str]:
    """Labels of many states at once (as :meth:`StateSpace.label`, vectorised when every
    option has at most ten levels).

    >>> import detente
    >>> labels_of(detente.compile_conflict(detente.load_case("prisoners-dilemma")), [0, 3])
    ['NN', 'YY']
    """
    states = np.asarray(states, dtype=np.int64).reshape(-1)
    if space._separated_labels or states.size == 0:
        return [space.label(int(s)) for s in states]
    values = space.values[states].astype(np.int64)
    binary = space.radices == 2
    chars = np.where(binary[None, :], np.where(values > 0, ord("Y"), ord("N")), ord("0") + values)
    if space.fixed is not None:
        chars = np.where(space.fixed[states], chars, ord("-"))
    joined = chars.astype(np.uint8).view(f"S{space.n_options}").reshape(-1)
    return [label.decode("ascii") for label in joined.tolist()]


# -- the evolution (breadth-first search) ------------------------------------------------------
@dataclass
class Evolution:
    """The result of :func:`evolution`: every state reachable from ``start`` and how.

    ``distance[s]`` is the least number of steps from the start to s (-1 if s is not
    reachable within the depth limit).  ``movers[k]`` is the k-th mover, a tuple of DM
    indices (one for a single DM).  ``level_*[d]`` are the (state, mover) pairs first
    discovered after d steps and the pair each came from (mover -1 = the start).
    """

    space: StateSpace
    start: int
    moves: str
    consecutive: bool
    max_depth: int | None
    movers: list[Mover]
    distance: np.ndarray
    complete: bool
    level_states: list[np.ndarray] = field(repr=False)
    level_movers: list[np.ndarray] = field(repr=False)
    level_parent_states: list[np.ndarray] = field(repr=False)
    level_parent_movers: list[np.ndarray] = field(repr=False)

    # -- facts --------------------------------------------------------------------------
    @property
    def depth(self) -> int:
        """Largest distance reached."""
        return int(self.distance.max())

    @property
    def reachable_states(self) -> np.ndarray:
        """0-based indices of the reachable states, the start included."""
        return np.flatnonzero(self.distance >= 0)

    def level_counts(self) -> list[int]:
        """How many states are first reached after 0, 1, 2, ... steps."""
        reached = self.distance[self.distance >= 0]
        return np.bincount(reached, minlength=self.depth + 1).astype(int).tolist()

    def mover_names(self, mover: int) -> tuple[str, ...]:
        return tuple(self.space.dm_names[i] for i in self.movers[mover])

    # -- paths ---------------------------------------------------------------------------
    @cached_property
    def _sorted_levels(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per level: the sorted (state, mover) keys and the order that sorts them."""
        base = len(self.movers) + 1
        out = []
        for states, movers in zip(self.level_states, self.level_movers, strict=True):
            keys = states.astype(np.int64) * base + (movers.astype(np.int64) + 1)
            order = np.argsort(keys, kind="stable")
            out.append((keys[order], order))
        return out

    def path_arrays(self, targets: Sequence[int] | np.ndarray) -> dict[str, np.ndarray]:
        """Shortest paths to many targets at once, as flat arrays (vectorised).

        Returns ``target`` (position in ``targets``), ``step`` (1-based), ``mover``,
        ``before`` and ``after`` (0-based states), one entry per step, sorted by target then
        step.  Unreachable targets have no entries; the start has none either.
        """
        targets = np.asarray(targets, dtype=np.int64).reshape(-1)
        base = len(self.movers) + 1
        dist = self.distance[targets] if targets.size else np.zeros(0, dtype=np.int32)
        out: dict[str, list[np.ndarray]] = {
            k: [] for k in ("target", "step", "mover", "before", "after")
        }
        active_id = np.zeros(0, dtype=np.int64)
        active_state = np.zeros(0, dtype=np.int64)
        active_mover = np.zeros(0, dtype=np.int64)
        top = int(dist.max()) if dist.size else 0
        for d in range(top, 0, -1):
            keys, order = self._sorted_levels[d]
            joining = np.flatnonzero(dist == d)
            if joining.size:
                # Any pair of the level with this state will do: take the lowest mover.
                wanted = targets[joining] * base
                pos = np.searchsorted(keys, wanted)
                record = order[pos]
                active_id = np.concatenate([active_id, joining])
                active_state = np.concatenate([active_state, targets[joining]])
                active_mover = np.concatenate(
                    [active_mover, self.level_movers[d][record].astype(np.int64)]
                )
            pos = np.searchsorted(keys, active_state * base + active_mover + 1)
            record = order[pos]
            parent_state = self.level_parent_states[d][record].astype(np.int64)
            parent_mover = self.level_parent_movers[d][record].astype(np.int64)
            out["target"].append(active_id)
            out["step"].append(np.full(active_id.size, d, dtype=np.int64))
            out["mover"].append(active_mover)
            out["before"].append(parent_state)
            out["after"].append(active_state)
            active_state, active_mover = parent_state, parent_mover
        flat = {
            k: (np.concatenate(v) if v else np.zeros(0, dtype=np.int64)) for k, v in out.items()
        }
        order = np.lexsort((flat["step"], flat["target"]))
        return {k: v[order] for k, v in flat.items()}

    def _step_details(
        self, arrays: dict[str, np.ndarray]
    ) -> tuple[list[str], list[list[tuple[str, int, int]]]]:
        """For the steps of :meth:`path_arrays`: each step's kind and the options it changes
        as (option, before, after), vectorised.  Options a merged state leaves open are not
        listed."""
        space = self.space
        before, after, mover = arrays["before"], arrays["after"], arrays["mover"]
        changed = space.values[before] != space.values[after]
        if space.fixed is not None:
            changed &= space.fixed[before] & space.fixed[after]
        step_of, option_of = np.nonzero(changed)
        first = np.searchsorted(step_of, np.arange(before.size + 1)).tolist()
        flat = list(
            zip(
                [space.option_names[k] for k in option_of.tolist()],
                space.values[before[step_of], option_of].tolist(),
                space.values[after[step_of], option_of].tolist(),
                strict=True,
            )
        )
        changes = [flat[first[j] : first[j + 1]] for j in range(before.size)]
        sizes = np.array([len(m) for m in self.movers])
        single = np.array([m[0] for m in self.movers])
        lone = sizes[mover] == 1
        up = space.ranks[single[mover], after] > space.ranks[single[mover], before]
        names = ("move", "improvement", "coalitional improvement")
        kinds = [names[k] for k in np.where(lone, np.where(up, 1, 0), 2).tolist()]
        return kinds, changes

    def paths(self, targets: Sequence[int] | np.ndarray) -> list[list[Step] | None]:
        """A shortest path to each target: a list of :class:`Step` (empty for the start), or
        None if the target is not reachable.  Vectorised over targets and steps."""
        targets = np.asarray(targets, dtype=np.int64).reshape(-1)
        arrays = self.path_arrays(targets)
        result: list[list[Step] | None] = [[] if self.distance[t] >= 0 else None for t in targets]
        kinds, changes = self._step_details(arrays)
        mover_names = [self.mover_names(k) for k in range(len(self.movers))]
        for target, m, b, a, kind, changed in zip(
            arrays["target"].tolist(),
            arrays["mover"].tolist(),
            arrays["before"].tolist(),
            arrays["after"].tolist(),
            kinds,
            changes,
            strict=True,
        ):
            steps = result[target]
            assert steps is not None
            steps.append(
                Step(
                    mover=mover_names[m],
                    before=b,
                    after=a,
                    kind=kind,
                    changes=tuple(Change(*c) for c in changed),
                )
            )
        return result

    def paths_json(self, targets: Sequence[int] | np.ndarray) -> list[list[dict] | None]:
        """The shortest paths of :meth:`paths` as JSON-ready lists of step dicts (the
        ``path`` of the documented JSON), built straight from the arrays."""
        targets = np.asarray(targets, dtype=np.int64).reshape(-1)
        arrays = self.path_arrays(targets)
        result: list[list[dict] | None] = [[] if self.distance[t] >= 0 else None for t in targets]
        kinds, changes = self._step_details(arrays)
        movers = [list(self.mover_names(k)) for k in range(len(self.movers))]
        involved = np.unique(np.concatenate([arrays["before"], arrays["after"]]))
        labels = dict(zip(involved.tolist(), labels_of(self.space, involved), strict=True))
        for target, m, b, a, kind, changed in zip(
            arrays["target"].tolist(),
            arrays["mover"].tolist(),
            arrays["before"].tolist(),
            arrays["after"].tolist(),
            kinds,
            changes,
            strict=True,
        ):
            steps = result[target]
            assert steps is not None
            steps.append(
                {
                    "mover": movers[m],
                    "kind": kind,
                    "from": b + 1,
                    "from_label": labels[b],
                    "to": a + 1,
                    "to_label": labels[a],
                    "changes": [{"option": o, "from": x, "to": y} for o, x, y in changed],
                }
            )
        return result

    def path_strings(self, targets: Sequence[int] | np.ndarray) -> list[str]:
        """Each target's shortest path in short form, ``1 -LG-> 5 -MoE+Uniroyal-> 8``
        ("(the start)" for the start, "" if not reachable)."""
        targets = np.asarray(targets, dtype=np.int64).reshape(-1)
        arrays = self.path_arrays(targets)
        names = ["+".join(self.mover_names(k)) for k in range(len(self.movers))]
        out = [
            "(the start)" if d == 0 else str(self.start + 1) if d > 0 else ""
            for d in self.distance[targets].tolist()
        ]
        for target, m, a in zip(
            arrays["target"].tolist(),
            arrays["mover"].tolist(),
            arrays["after"].tolist(),
            strict=True,
        ):
            out[target] += f" -{names[m]}-> {a + 1}"
        return out

    def path(self, target: int) -> list[Step] | None:
        """A shortest path to one target (0-based), or None if it is not reachable."""
        return self.paths([target])[0]

    def _repr_html_(self) -> str:
        return present(self, "_repr_html_")

    def to_frame(self):  # -> pandas.DataFrame
        """One row per reachable state: number, label and least number of steps."""
        return present(self, "to_frame")


def _movers_for(
    space: StateSpace, moves: str, coalitions: Iterable[Iterable[int | str]] | None
) -> list[Mover]:
    singles: list[Mover] = [(i,) for i in range(space.n_dms)]
    if moves != "coalitions":
        if coalitions is not None:
            raise DetenteError("coalitions are only used with moves='coalitions'")
        return singles
    if coalitions is None:
        groups: list[Mover] = [
            c
            for size in range(2, space.n_dms + 1)
            for c in itertools.combinations(range(space.n_dms), size)
        ]
    else:
        groups = sorted({coalition_members(space, c) for c in coalitions})
        groups = [g for g in groups if len(g) > 1]
    return singles + groups


def evolution(
    space: StateSpace,
    start: int | str | None = None,
    moves: str = "improvements",
    *,
    max_depth: int | None = None,
    consecutive: bool = False,
    coalitions: Iterable[Iterable[int | str]] | None = None,
    budget: int = DEFAULT_COALITION_BUDGET,
) -> Evolution:
    """Every state the conflict can evolve to from ``start``, by breadth-first search.

    ``start`` is a 0-based index, or a label / state-number string (default: the model's
    status quo).  ``moves`` is one of :data:`MOVE_MODES`; ``max_depth`` limits the number of
    steps; ``consecutive=True`` lets a mover take two steps in a row; ``coalitions`` lists the
    coalitions (DM names or indices) that may move jointly in ``"coalitions"`` mode (default:
    every group of two or more DMs).  See the module docstring for the definitions.

    >>> import detente
    >>> space = detente.compile_conflict(detente.load_case("chicken"))
    >>> evolution(space, 0).distance.tolist(), evolution(space, 0, "any").distance.tolist()
    ([0, 1, 1, -1], [0, 1, 1, 2])
    """
    if moves not in MOVE_MODES:
        raise DetenteError(f"unknown kind of moves {moves!r} (known: {', '.join(MOVE_MODES)})")
    if max_depth is not None and max_depth < 0:
        raise DetenteError("the depth limit must be 0 or more")
    start_index = _start_index(space, start)
    movers = _movers_for(space, moves, coalitions)
    n = space.n_states
    channels = 1 if consecutive else len(movers)
    # visited[c, s]: pair (s, mover c) seen; the extra column is the sentinel, always "seen".
    visited = np.zeros((channels, n + 1), dtype=bool)
    visited[:, start_index] = True
    visited[:, n] = True
    expanded = np.zeros((len(movers), n), dtype=bool)
    distance = np.full(n, -1, dtype=np.int32)
    distance[start_index] = 0
    scratch = np.zeros(n + 1, dtype=np.int64)
    ranks_ext = np.concatenate(
        [space.ranks, np.full((space.n_dms, 1), np.iinfo(np.int32).min, dtype=np.int32)], axis=1
    )
    mover_dtype = np.int16 if len(movers) < 2**15 else np.int32
    level_states = [np.array([start_index], dtype=np.int32)]
    level_movers = [np.array([-1], dtype=mover_dtype)]
    level_parent_states = [np.array([-1], dtype=np.int32)]
    level_parent_movers = [np.array([-1], dtype=mover_dtype)]
    f_state = level_states[0].astype(np.int64)
    f_mover = level_movers[0].astype(np.int64)
    depth = 0
    while f_state.size and (max_depth is None or depth < max_depth):
        depth += 1
        found: list[tuple[np.ndarray, int, np.ndarray, np.ndarray]] = []
        for k, mover in enumerate(movers):
            sel = np.ones(f_state.size, dtype=bool) if consecutive else f_mover != k
            src, src_mover = f_state[sel], f_mover[sel]
            fresh = ~expanded[k, src]
            src, src_mover = src[fresh], src_mover[fresh]
            if src.size == 0:
                continue
            # Distinct sources in state order (the gathers below then walk memory in order);
            # a state listed with several last movers keeps the first.
            src, once = np.unique(src, return_index=True)
            src_mover = src_mover[once]
            expanded[k, src] = True
            channel = 0 if consecutive else k
            origin, targets = _step_targets(
                space, mover, moves, src, ranks_ext, visited[channel], scratch, budget
            )
            once = _first_occurrence(targets, scratch)
            origin, targets = origin[once], targets[once]
            visited[channel, targets] = True
            found.append((targets, k, src[origin], src_mover[origin]))
        if not found:
            f_state = np.zeros(0, dtype=np.int64)
            break
        states = np.concatenate([f[0] for f in found])
        level_states.append(states.astype(np.int32))
        level_movers.append(
            np.concatenate([np.full(f[0].size, f[1], dtype=mover_dtype) for f in found])
        )
        level_parent_states.append(np.concatenate([f[2] for f in found]).astype(np.int32))
        level_parent_movers.append(np.concatenate([f[3] for f in found]).astype(mover_dtype))
        first_time = states[distance[states] < 0]
        distance[first_time] = depth
        f_state = states
        f_mover = level_movers[-1].astype(np.int64)
    return Evolution(
        space=space,
        start=start_index,
        moves=moves,
        consecutive=consecutive,
        max_depth=max_depth,
        movers=movers,
        distance=distance,
        complete=f_state.size == 0,
        level_states=level_states,
        level_movers=level_movers,
        level_parent_states=level_parent_states,
        level_parent_movers=level_parent_movers,
    )


def _start_index(space: StateSpace, start: int | str | None) -> int:
    if start is None:
        if space.status_quo is None:
            raise DetenteError("the model has no status quo: give a start state (--from STATE)")
        return space.status_quo
    return _state_arg(space, start, "start state")


def _state_arg(space: StateSpace, ref: int | str, what: str) -> int:
    """A state given to the Python API: a 0-based index, or a label / number string."""
    if isinstance(ref, int | np.integer) and not isinstance(ref, bool):
        if not 0 <= int(ref) < space.n_states:
            raise DetenteError(f"{what}: index {ref} is outside 0..{space.n_states - 1}")
        return int(ref)
    return resolve_state(space, ref, what)


def _step_targets(
    space: StateSpace,
    mover: Mover,
    moves: str,
    src: np.ndarray,
    ranks_ext: np.ndarray,
    visited: np.ndarray,
    scratch: np.ndarray,
    budget: int,
) -> tuple[np.ndarray, np.ndarray]:
    """(position in ``src``, target) of every step ``mover`` may take from the states ``src``
    to a state not yet ``visited`` (a boolean row with the sentinel's entry True)."""
    if len(mover) == 1:
        dm = mover[0]
        table = space.moves[dm]
        if table.shape[0] == 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        targets = table[:, src]
        new = ~visited[targets]
        if moves != "any":
            new &= ranks_ext[dm][targets] > space.ranks[dm][src][None, :]
        rows, cols = np.nonzero(new)
        return cols.astype(np.int64), targets[rows, cols].astype(np.int64)
    starts, targets = improvement_pairs(space, mover, src, skip=visited, budget=budget)
    # ``src`` holds distinct states: map each start back to its position.
    scratch[src] = np.arange(src.size, dtype=np.int64)
    return scratch[starts], targets


# -- status quo analysis ---------------------------------------------------------------------
@dataclass
class TargetReport:
    """Whether one state of interest is reachable, and a shortest path to it."""

    state: int
    equilibrium: list[str]
    requested: bool
    steps: int | None
    owner: StatusQuoResult | None = field(default=None, repr=False, compare=False)

    @property
    def reachable(self) -> bool:
        return self.steps is not None

    @property
    def path(self) -> list[Step] | None:
        """A shortest path (None if not reachable).  Paths of all targets are built together,
        on first use."""
        if self.owner is None:
            raise DetenteError("this report does not belong to a status quo analysis")
        return self.owner.target_paths[self.state]


@dataclass
class StatusQuoResult:
    """Status quo analysis: reachability of every equilibrium (and requested target)."""

    space: StateSpace
    evolution: Evolution
    stability: StabilityResult
    targets: list[TargetReport]

    @property
    def start(self) -> int:
        return self.evolution.start

    @property
    def concepts(self) -> list[str]:
        return self.stability.concepts

    def target(self, state: int) -> TargetReport:
        """The report on one state of interest (0-based); KeyError if it is not one."""
        return self._by_state[state]

    @cached_property
    def _by_state(self) -> dict[int, TargetReport]:
        return {report.state: report for report in self.targets}

    def path(self, state: int) -> list[Step] | None:
        """A shortest path to any state (0-based), or None if it is not reachable."""
        if state in self.target_paths:
            return self.target_paths[state]
        return self.evolution.path(state)

    @cached_property
    def target_paths(self) -> dict[int, list[Step] | None]:
        """A shortest path to every target state (built at once, vectorised)."""
        states = [t.state for t in self.targets]
        return dict(zip(states, self.evolution.paths(states), strict=True))

    def path_text(self, state: int) -> str:
        """A shortest path on one line: ``1 NYNNN  -[LG: Insist N→Y]->  5 NYNYN``."""
        space = self.space
        steps = self.path(state)
        if steps is None:
            return f"state {state + 1} is not reachable from state {self.start + 1}"
        text = f"{self.start + 1} {space.label(self.start)}"
        for step in steps:
            text += f"  -[{step.text(space)}]->  {step.after + 1} {space.label(step.after)}"
        return text

    # -- output ----------------------------------------------------------------------------
    def to_json(self, *, summary: bool = False) -> dict[str, Any]:
        """The documented JSON of ``detente paths --format json`` (see the module docstring).

        With ``summary`` the targets carry no ``path`` (for conflicts with very many
        equilibria)."""
        evo = self.evolution
        states = [t.state for t in self.targets]
        paths = dict(zip(states, evo.paths_json(states), strict=True)) if not summary else {}
        labels = dict(zip(states, labels_of(self.space, states), strict=True))
        return {
            "start": {"id": evo.start + 1, "label": self.space.label(evo.start)},
            "moves": evo.moves,
            "consecutive": evo.consecutive,
            "max_depth": evo.max_depth,
            "complete": evo.complete,
            "reachable": int((evo.distance >= 0).sum()),
            "levels": evo.level_counts(),
            "concepts": self.concepts,
            "equilibria": {
                c: [int(s) + 1 for s in self.stability.equilibria(c)] for c in self.concepts
            },
            "targets": [
                {
                    "id": t.state + 1,
                    "label": labels[t.state],
                    "equilibrium": t.equilibrium,
                    "requested": t.requested,
                    "reachable": t.reachable,
                    "steps": t.steps,
                    **({} if summary else {"path": paths[t.state]}),
                }
                for t in self.targets
            ],
        }

    def to_frame(self):  # -> pandas.DataFrame
        """One row per target state: label, equilibrium per concept, reachable, steps, path."""
        return present(self, "to_frame")

    def steps_frame(self, state: int):  # -> pandas.DataFrame
        """The steps of a shortest path to ``state`` (0-based), one row per step."""
        return present(self, "steps_frame", state)

    def summary(self) -> str:
        evo, space = self.evolution, self.space
        mode = {
            "improvements": "unilateral improvements",
            "any": "unilateral moves",
            "coalitions": "unilateral and coalitional improvements",
        }[evo.moves]
        limit = "" if evo.max_depth is None else f", at most {evo.max_depth} steps"
        cut = "" if evo.complete else " (the depth limit cut the search)"
        return (
            f"From state {evo.start + 1} ({space.label(evo.start)}) by {mode}{limit}:"
            f" {int((evo.distance >= 0).sum()):,} of {space.n_states:,} states reachable{cut}."
        )

    def _repr_html_(self) -> str:
        return present(self, "_repr_html_")


def status_quo_analysis(
    model: Conflict | StateSpace,
    start: int | str | None = None,
    *,
    targets: Iterable[int | str] = (),
    moves: str = "improvements",
    concepts: Iterable[str] = CONCEPTS,
    max_depth: int | None = None,
    consecutive: bool = False,
    coalitions: Iterable[Iterable[int | str]] | None = None,
    stability: StabilityResult | None = None,
    budget: int = DEFAULT_COALITION_BUDGET,
) -> StatusQuoResult:
    """Which equilibria (and ``targets``) the conflict can reach from ``start``, and how.

    ``start`` and ``targets`` are 0-based indices or label / number strings; ``start``
    defaults to the model's status quo.  ``stability`` reuses an earlier
    :func:`~detente.analyze` result (its concepts are then used).  The other arguments are
    those of :func:`evolution`.

    >>> import detente
    >>> result = status_quo_analysis(detente.load_case("prisoners-dilemma"), 0, concepts=["Nash"])
    >>> [(t.state + 1, t.steps) for t in result.targets]   # both defect, in two steps
    [(4, 2)]
    """
    space = as_space(model)
    if stability is None:
        stability = analyze(space, [concept_name(c) for c in concepts])
    evo = evolution(
        space,
        start,
        moves,
        max_depth=max_depth,
        consecutive=consecutive,
        coalitions=coalitions,
        budget=budget,
    )
    requested = [_state_arg(space, t, "target") for t in targets]
    concepts_of = list(stability.concepts)
    # Which concepts each state is an equilibrium of, as a bit mask (vectorised).
    mask = np.zeros(space.n_states, dtype=np.int64)
    for bit, concept in enumerate(concepts_of):
        mask |= stability.stable[concept].all(axis=0).astype(np.int64) << bit
    equilibria = np.flatnonzero(mask)
    extra = [s for s in dict.fromkeys(requested) if mask[s] == 0]
    states_arr = np.concatenate([equilibria, np.asarray(extra, dtype=np.int64)])
    names_of = {
        int(m): [c for bit, c in enumerate(concepts_of) if m >> bit & 1]
        for m in np.unique(mask[states_arr])
    }
    wanted = set(requested)
    reports = [
        TargetReport(
            state=s,
            equilibrium=list(names_of[m]),
            requested=s in wanted,
            steps=None if d < 0 else d,
        )
        for s, m, d in zip(
            states_arr.tolist(),
            mask[states_arr].tolist(),
            evo.distance[states_arr].tolist(),
            strict=True,
        )
    ]
    result = StatusQuoResult(space=space, evolution=evo, stability=stability, targets=reports)
    for report in reports:
        report.owner = result
    return result
