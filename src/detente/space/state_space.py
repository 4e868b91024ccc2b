"""The compiled state space: states as integer codes in numpy arrays.

Compiling a :class:`~detente.model.Conflict` gives a :class:`StateSpace`:

* every option k has a radix r_k (2 for a binary option, top level + 1 for a dial) and a
  place value w_k = r_0 * ... * r_{k-1}; a combination of option values has the code
  sum_k value_k * w_k.  For binary options this is the GMCR numbering sum 2^k over the options
  taken (Fang, Hipel & Kilgour 1993, ch. 3);
* feasible states are numbered 1..n in ascending code order (merged states by their lowest
  code), and every state has a readable label (Y/N, or the level, per option);
* each decision maker's unilateral moves are a padded integer array ``moves[i]`` of shape
  (width_i, n): column s lists the states i reaches from s in one move, padded with the
  sentinel ``n``.  Memory is linear in states x moves; nothing is ever n x n;
* each decision maker's preference is a dense rank per state (``ranks[i]``, 0 = worst, ties
  share a rank) plus the score it came from (``scores[i]``).

Everything here is vectorised over states; there is no Python loop over states.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import Any

import numpy as np

from ..engine.axis_moves import AxisMoves, AxisRule, improvement_work
from ..engine.moves import (
    DenseLayout,
    MoveReductions,
    MoveSet,
    PaddedMoves,
    block_move_sets,
)
from ..errors import Location, ModelError, SizeLimitError
from ..limits import DEFAULT_MAX_MEMORY, DEFAULT_MAX_STATES
from ..model.conflict import Condition, Conflict
from ..model.statements import StatementError, parse_statement
from ..model.values import label_tokens, option_value, pattern_constraints
from .moves import MOVE_CHUNK, digits_of, unilateral_moves

__all__ = [
    "DENSE_FEASIBLE_FRACTION",
    "MAX_IMPROVEMENT_WORK",
    "StateSpace",
    "compile_conflict",
    "condition_mask",
    "pattern_constraints",
]


#: Structured moves work on the dense code space (every option combination) when at least
#: this fraction of the combinations is feasible.  A dense pass costs total/n times a pass
#: over the states, and a padded move array is width x n random gathers plus 4 x width bytes
#: per state; dense stays cheaper and smaller until the space is about 3/4 infeasible
#: (measured with benchmarks/engine.py --threshold; see docs/benchmarks.md).
DENSE_FEASIBLE_FRACTION = 0.25
#: Largest sum_c |B_c| / M (see :func:`~detente.engine.axis_moves.improvement_work`) for
#: which a DM's structured improvements are used: beyond it padded targets are cheaper.
MAX_IMPROVEMENT_WORK = 16.0


def compile_memory_estimate(n_options: int, n_dms: int, total: int) -> float:
    """Bytes a compiled space and a stability analysis need, from the model's shape alone.

    Per option combination: its option values (1 byte each), code and lookup entries
    (8 + 8), each DM's score and rank (8 + 4) and the engine's working arrays (about
    4 int32 arrays per DM during a coalition fixpoint).  Measured peaks stay below this
    (benchmarks/engine.py).
    """
    return float(total) * (n_options + 16 + n_dms * (12 + 16)) + 64 * 2**20


def condition_mask(
    conflict: Conflict, condition: Condition, values: np.ndarray, loc: Location = ()
) -> np.ndarray:
    """Which rows of ``values`` (states x options) the condition describes."""
    index = conflict.option_index
    if condition.when is not None:
        mask = np.ones(values.shape[0], dtype=bool)
        for k, value in pattern_constraints(conflict, condition.when, (*loc, "when")):
            mask &= values[:, k] == value
        return mask
    if condition.statement is not None:
        levels = {o.name: o.top for o in conflict.options}
        try:
            expr = parse_statement(condition.statement, index, levels)
        except StatementError as exc:
            raise ModelError(
                f"statement {condition.statement!r}: {exc}", (*loc, "statement")
            ) from None
        return expr.evaluate(values)
    if condition.mutually_exclusive is not None:
        cols = [index[name] for name in condition.mutually_exclusive]
        return (values[:, cols] > 0).sum(axis=1) >= 2
    if condition.at_least_one is not None:
        cols = [index[name] for name in condition.at_least_one]
        return (values[:, cols] > 0).sum(axis=1) == 0
    cols = [index[name] for name in condition.exactly_one or []]
    return (values[:, cols] > 0).sum(axis=1) != 1


class StateSpace:
    """Feasible states, unilateral moves and preferences of one conflict, as arrays.

    Build it with :func:`compile_conflict`.  State indices in arrays are 0-based; the state
    *number* users see is index + 1.
    """

    def __init__(
        self,
        conflict: Conflict,
        *,
        max_states: int = DEFAULT_MAX_STATES,
        max_memory: float = DEFAULT_MAX_MEMORY,
        feasible: tuple[np.ndarray, np.ndarray] | None = None,
        held_options: Sequence[int] = (),
    ) -> None:
        """Compile ``conflict``.

        ``feasible`` (codes, values) gives the feasible option combinations when the caller
        already knows them (a committed space takes its parent's), instead of decoding every
        combination.  ``held_options`` are options that no move ever changes (the committed
        options of a strategy): moves are built over the other options, and the dense code
        space of the block move sets leaves their digits out.
        """
        self.conflict = conflict
        self.held_options = tuple(int(k) for k in held_options)
        self.max_memory = max_memory
        options = conflict.options
        self.option_names = [o.name for o in options]
        self.dm_names = [d.name for d in conflict.decision_makers]
        self.radices = np.array([o.radix for o in options], dtype=np.int64)
        self.place = np.concatenate([[1], np.cumprod(self.radices)[:-1]]).astype(np.int64)
        self.owners = np.array([conflict.owner_of(o.name) for o in options], dtype=np.int64)
        self.dm_options = [
            np.flatnonzero(self.owners == i) for i in range(len(conflict.decision_makers))
        ]
        total = math.prod(int(r) for r in self.radices)
        if total > max_states:
            raise SizeLimitError(
                f"the model has {total:,} option combinations, more than the limit of"
                f" {max_states:,}; raise the limit (--max-states) if you have the memory",
                ("options",),
            )
        need = compile_memory_estimate(len(options), len(self.dm_names), total)
        if need > max_memory:
            raise SizeLimitError(
                f"the model has {total:,} option combinations and would need about"
                f" {need / 2**30:.2f} GiB, more than the memory budget of"
                f" {max_memory / 2**30:.2f} GiB; raise it (--max-memory) if you have the memory",
                ("options",),
            )
        self.total_codes = total
        feasible_codes, feasible_values = self._feasible_codes() if feasible is None else feasible
        if feasible_codes.size == 0:
            raise ModelError(
                "no feasible state is left: the infeasibility conditions rule out"
                " every combination",
                ("infeasible",),
            )
        self._setup_states(feasible_codes, feasible_values)

    # -- construction ------------------------------------------------------------------------
    def _feasible_codes(self) -> tuple[np.ndarray, np.ndarray]:
        conflict = self.conflict
        chunks = []
        step = max(1, MOVE_CHUNK // max(1, len(self.radices)))
        for start in range(0, self.total_codes, step):
            codes = np.arange(start, min(self.total_codes, start + step), dtype=np.int64)
            values = digits_of(codes, self.radices, self.place)
            keep = np.ones(codes.size, dtype=bool)
            for k, condition in enumerate(conflict.infeasible):
                keep &= ~condition_mask(conflict, condition, values, ("infeasible", k))
            chunks.append((codes[keep], values[keep]))
        return np.concatenate([c for c, _ in chunks]), np.concatenate([v for _, v in chunks])

    def _setup_states(self, feasible_codes: np.ndarray, values: np.ndarray) -> None:
        conflict = self.conflict
        self.member_codes = feasible_codes
        self.member_values = values
        group = np.full(feasible_codes.size, -1, dtype=np.int64)
        for k, condition in enumerate(conflict.merge):
            mask = condition_mask(conflict, condition, values, ("merge", k)) & (group < 0)
            group[mask] = k
        if conflict.merge and (group >= 0).any():
            # A state's key: its own code, or for merged members the smallest code of the group.
            key = feasible_codes.copy()
            for k in range(len(conflict.merge)):
                members = group == k
                if members.any():
                    key[members] = feasible_codes[members].min()
            reps, member_state = np.unique(key, return_inverse=True)
            self.codes = reps
            self.member_state = member_state.astype(np.int64)
            self.merged = True
            # Options whose value differs inside a merged state show '-' in its label.
            n = reps.size
            lo = np.full((n, values.shape[1]), 127, dtype=np.int8)
            hi = np.full((n, values.shape[1]), -1, dtype=np.int8)
            np.minimum.at(lo, self.member_state, values)
            np.maximum.at(hi, self.member_state, values)
            self.fixed = lo == hi
            self.values = digits_of(reps, self.radices, self.place)
        else:
            self.codes = feasible_codes
            self.member_state = np.arange(feasible_codes.size, dtype=np.int64)
            self.merged = False
            self.fixed = None
            self.values = values
        self.n_states = int(self.codes.size)
        # Dense code -> state lookup when it is cheap, binary search otherwise.
        if self.total_codes <= 4 * max(self.n_states, 1 << 16):
            table = np.full(self.total_codes + 1, -1, dtype=np.int64)
            table[self.member_codes] = self.member_state
            self._code_table: np.ndarray | None = table
        else:
            self._code_table = None

    # -- basic facts -------------------------------------------------------------------------
    @property
    def n_dms(self) -> int:
        return len(self.dm_names)

    @property
    def n_options(self) -> int:
        return len(self.option_names)

    def states_of_codes(self, codes: np.ndarray) -> np.ndarray:
        """State index of each code, -1 where the combination is infeasible."""
        codes = np.asarray(codes, dtype=np.int64)
        if self._code_table is not None:
            safe = np.where((codes >= 0) & (codes < self.total_codes), codes, self.total_codes)
            return self._code_table[safe]
        pos = np.searchsorted(self.member_codes, codes)
        pos_clipped = np.minimum(pos, self.member_codes.size - 1)
        found = self.member_codes[pos_clipped] == codes
        return np.where(found, self.member_state[pos_clipped], -1)

    @cached_property
    def _separated_labels(self) -> bool:
        return bool((self.radices > 10).any())

    def label(self, state: int) -> str:
        """Readable label of a state (0-based index): Y/N or the level per option."""
        tokens = []
        for k, value in enumerate(self.values[state]):
            if self.fixed is not None and not self.fixed[state, k]:
                tokens.append("-")
            elif self.radices[k] == 2:
                tokens.append("Y" if value else "N")
            else:
                tokens.append(str(int(value)))
        return ("." if self._separated_labels else "").join(tokens)

    @cached_property
    def labels(self) -> list[str]:
        """Labels of all states (built on first use; avoid for very large conflicts)."""
        return [self.label(s) for s in range(self.n_states)]

    def describe(self, state: int) -> dict[str, int | None]:
        """Option values of a state as ``{option: value}`` (None where merged states differ)."""
        out: dict[str, int | None] = {}
        for k, name in enumerate(self.option_names):
            fixed = self.fixed is None or bool(self.fixed[state, k])
            out[name] = int(self.values[state, k]) if fixed else None
        return out

    # -- resolving what users write -----------------------------------------------------------
    def state_index(self, ref: Any, loc: Location = ()) -> int:
        """Resolve a state reference (number, label or option mapping) to a 0-based index."""
        conflict = self.conflict
        if isinstance(ref, bool):
            raise ModelError(f"{ref!r} is not a state", loc)
        if isinstance(ref, int):
            if not 1 <= ref <= self.n_states:
                raise ModelError(
                    f"state {ref} does not exist: states are numbered 1..{self.n_states}", loc
                )
            return ref - 1
        if isinstance(ref, dict):
            values = np.zeros(self.n_options, dtype=np.int64)
            given = pattern_constraints(conflict, ref, loc)
            named = {k for k, _ in given}
            missing = [self.option_names[k] for k in range(self.n_options) if k not in named]
            if missing:
                raise ModelError(f"state needs a value for every option; missing {missing}", loc)
            for k, value in given:
                values[k] = value
            return self._index_of_values(values, str(ref), loc)
        if isinstance(ref, str):
            text = ref.strip()
            tokens = label_tokens(conflict, text)
            if tokens is not None and "-" not in tokens:
                try:
                    values = np.array(
                        [
                            option_value(t, conflict.options[k].top, self.option_names[k], loc)
                            for k, t in enumerate(tokens)
                        ],
                        dtype=np.int64,
                    )
                except ModelError:
                    values = None
                if values is not None:
                    return self._index_of_values(values, text, loc)
            if tokens is not None and self.merged:
                wanted = text.upper()
                for s in range(self.n_states):
                    if self.label(s).upper() == wanted:
                        return s
            if text.isdigit():
                return self.state_index(int(text), loc)
            raise ModelError(
                f"{text!r} is neither a state number nor a label like {self.label(0)!r}", loc
            )
        raise ModelError(f"{ref!r} is not a state", loc)

    def _index_of_values(self, values: np.ndarray, text: str, loc: Location) -> int:
        code = int(values @ self.place)
        state = int(self.states_of_codes(np.array([code]))[0])
        if state < 0:
            raise ModelError(f"state {text} is infeasible", loc)
        return state

    # -- moves -------------------------------------------------------------------------------
    @cached_property
    def moves(self) -> list[np.ndarray]:
        """``moves[i]``: (width_i, n) int32 array of the states DM i reaches in one move.

        Column s lists the targets, padded with the sentinel ``n_states``.  A move changes a
        non-empty subset of i's options, respects each option's permitted direction and step,
        and lands on a feasible state (Fang, Hipel & Kilgour 1993, R_i(s)).
        """
        if self.merged:
            return [self._moves_of(i) for i in range(self.n_dms)]
        # Held options never move, so leaving them out keeps a held dial from multiplying
        # the alternatives a DM tries (the moves are the same).
        held = set(self.held_options)
        return [
            unilateral_moves(
                self,
                [k for k in self.dm_options[i] if k not in held],
                who=repr(self.dm_names[i]),
                loc=("decision_makers", i),
            )
            for i in range(self.n_dms)
        ]

    @cached_property
    def move_sets(self) -> list[MoveSet]:
        """Each DM's moves in the fastest form the engine can use (same results).

        Without merged states, and when at least :data:`DENSE_FEASIBLE_FRACTION` of the
        option combinations are feasible, every DM gets a structured move set over the dense
        code space, which needs no target list: a
        :class:`~detente.engine.moves.BlockMoves` when its options are free (both
        directions, no step) and adjacent in the code, else an
        :class:`~detente.engine.axis_moves.AxisMoves` (irreversible options, steps, one-way
        dials, options anywhere in the code) unless its improvements would scan more than
        :data:`MAX_IMPROVEMENT_WORK` cells per block cell.  The others get their padded
        :attr:`moves`.
        """
        structured: list[MoveSet | None] = [None] * self.n_dms
        held = list(self.held_options)
        radices, place = self.radices, self.place
        if held:  # a held digit is constant: it adds nothing to the code
            radices = radices.copy()
            radices[held] = 1
            place = np.concatenate([[1], np.cumprod(radices)[:-1]]).astype(np.int64)
            place[held] = 0
        total = math.prod(int(r) for r in radices)
        if not self.merged and self.n_states >= DENSE_FEASIBLE_FRACTION * total:
            codes = self.values.astype(np.int64) @ place if held else self.codes
            layout = DenseLayout(codes, total)
            options = self.conflict.options
            rules = [
                {
                    int(k): AxisRule(int(radices[k]), options[k].direction, options[k].step)
                    for k in opts
                    if radices[k] > 1
                }
                for opts in self.dm_options
            ]
            free = [all(rule.free for rule in dm_rules.values()) for dm_rules in rules]
            blocks = block_move_sets(self.dm_options, radices, free, layout)
            for i, block in enumerate(blocks):
                if block is not None:
                    structured[i] = block
                elif improvement_work(list(rules[i].values())) <= MAX_IMPROVEMENT_WORK:
                    structured[i] = AxisMoves(layout, radices.tolist(), rules[i])
        return [
            moves if moves is not None else PaddedMoves(self.moves[i])
            for i, moves in enumerate(structured)
        ]

    @cached_property
    def improving_sets(self) -> list[MoveReductions]:
        """Each DM's unilateral improvements (under :attr:`ranks`) as move sets."""
        return [m.improving(self.ranks[i]) for i, m in enumerate(self.move_sets)]

    @cached_property
    def member_moves(self) -> list[np.ndarray]:
        """Moves between feasible option combinations (members of states), not states.

        ``member_moves[i]`` is (width_i, m) int32 over the m = ``member_codes.size`` feasible
        combinations, padded with the sentinel m.  Without merging this is :attr:`moves`.
        With merging, moves really start from one member of a merged state; SIM needs that
        (see :func:`detente.analysis.stable_for`).
        """
        if not self.merged:
            return self.moves
        return [self._moves_of(i, members=True) for i in range(self.n_dms)]

    def members_of_codes(self, codes: np.ndarray) -> np.ndarray:
        """Index in :attr:`member_codes` of each code, -1 where it is infeasible."""
        codes = np.asarray(codes, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.member_codes, codes), self.member_codes.size - 1)
        return np.where(self.member_codes[pos] == codes, pos, -1)

    def _moves_of(self, dm: int, members: bool = False) -> np.ndarray:
        return unilateral_moves(
            self,
            self.dm_options[dm],
            members=members,
            who=repr(self.dm_names[dm]),
            loc=("decision_makers", dm),
        )

    # -- preferences --------------------------------------------------------------------------
    @cached_property
    def scores(self) -> np.ndarray:
        """(n_dms, n) float64: each DM's score of each state (higher is better)."""
        return np.stack([self._scores_of(i) for i in range(self.n_dms)])

    @cached_property
    def ranks(self) -> np.ndarray:
        """(n_dms, n) int32 dense ranks of :attr:`scores`: 0 = worst; ties share a rank."""
        return np.stack([dense_rank(row) for row in self.scores])

    def _scores_of(self, dm: int) -> np.ndarray:
        prefs = self.conflict.decision_makers[dm].preferences
        loc: Location = ("decision_makers", dm, "preferences")
        return preference_scores(self, prefs, loc)

    def with_ranks(self, ranks: np.ndarray, scores: np.ndarray | None = None) -> StateSpace:
        """The same states and moves with other preferences (perceived, sampled, edited).

        Shares every array with this space (nothing is copied); ``ranks`` is an
        (n_dms, n) int array, higher = better.  Used by hypergames, uncertainty, inverse
        analysis and status quo analysis under other preferences.
        """
        ranks = np.asarray(ranks)
        if ranks.shape != (self.n_dms, self.n_states):
            raise ValueError(f"ranks must have shape {(self.n_dms, self.n_states)}")
        other = copy.copy(self)  # shallow: shares every array and keeps the subclass
        vars(other).pop("improving_sets", None)  # cached under the old ranks
        other.ranks = np.stack([dense_rank(row) for row in ranks])
        other.scores = ranks.astype(np.float64) if scores is None else scores
        return other

    # -- status quo ----------------------------------------------------------------------------
    @cached_property
    def status_quo(self) -> int | None:
        ref = self.conflict.status_quo
        if ref is None:
            return None
        try:
            return self.state_index(ref, ("status_quo",))
        except ModelError as exc:
            if "infeasible" in exc.message:
                raise ModelError(f"the status quo is infeasible ({exc.message})", exc.loc) from None
            raise


def dense_rank(values: np.ndarray) -> np.ndarray:
    """Dense ranks (0 = smallest; equal values share a rank).

    >>> dense_rank(np.array([3.0, 1.0, 3.0, 2.0])).tolist()
    [2, 0, 2, 1]
    """
    _, inverse = np.unique(values, return_inverse=True)
    return inverse.astype(np.int32).reshape(values.shape)


def preference_scores(space: StateSpace, prefs: Any, loc: Location) -> np.ndarray:
    """Scores (higher is better) of every state under a :class:`~detente.model.Preferences`."""
    conflict = space.conflict
    n = space.n_states
    if prefs.prioritization:
        index = conflict.option_index
        levels = {o.name: o.top for o in conflict.options}
        satisfied = np.zeros((n, len(prefs.prioritization)), dtype=bool)
        for k, text in enumerate(prefs.prioritization):
            try:
                expr = parse_statement(text, index, levels)
            except StatementError as exc:
                raise ModelError(
                    f"statement {text!r}: {exc}", (*loc, "prioritization", k)
                ) from None
            satisfied[:, k] = expr.evaluate(space.values)
        return prioritization_scores(satisfied)
    if prefs.ranking:
        scores = np.full(n, np.nan)
        n_levels = len(prefs.ranking)
        for position, entry in enumerate(prefs.ranking):
            group = entry if isinstance(entry, list) else [entry]
            for j, ref in enumerate(group):
                where = (*loc, "ranking", position) + ((j,) if isinstance(entry, list) else ())
                state = space.state_index(ref, where)
                if not np.isnan(scores[state]):
                    raise ModelError(
                        f"state {state + 1} ({space.label(state)}) appears twice in the ranking",
                        where,
                    )
                scores[state] = n_levels - position
        _check_complete(space, scores, (*loc, "ranking"), "ranking")
        return scores
    scores = np.full(n, np.nan)
    items: Iterable[tuple[Any, float]] = (
        prefs.payoffs.items() if isinstance(prefs.payoffs, dict) else prefs.payoffs
    )
    for ref, value in items:
        where = (*loc, "payoffs", str(ref))
        state = space.state_index(ref, where)
        if not np.isnan(scores[state]):
            raise ModelError(f"state {state + 1} ({space.label(state)}) has two payoffs", where)
        if not math.isfinite(value):
            raise ModelError(f"payoff {value} is not a finite number", where)
        scores[state] = value
    _check_complete(space, scores, (*loc, "payoffs"), "payoffs")
    return scores


def prioritization_scores(satisfied: np.ndarray) -> np.ndarray:
    """Scores from a (states x K) truth table: statement k of K weighs 2^(K-k).

    For K > 52 the weights no longer fit a float exactly, so the scores are then the dense
    rank of the truth-table rows read as binary numbers (same order, same ties).
    """
    n, k = satisfied.shape
    if k <= 52:
        weights = 2.0 ** np.arange(k - 1, -1, -1)
        return satisfied.astype(np.float64) @ weights
    packed = np.packbits(satisfied, axis=1)
    _, inverse = np.unique(packed, axis=0, return_inverse=True)
    return inverse.reshape(n).astype(np.float64)


def _check_complete(space: StateSpace, scores: np.ndarray, loc: Location, what: str) -> None:
    missing = np.flatnonzero(np.isnan(scores))
    if missing.size:
        shown = ", ".join(f"{s + 1} ({space.label(int(s))})" for s in missing[:5])
        more = f" and {missing.size - 5} more" if missing.size > 5 else ""
        raise ModelError(f"the {what} misses feasible state(s) {shown}{more}", loc)


def compile_conflict(
    conflict: Conflict,
    *,
    max_states: int = DEFAULT_MAX_STATES,
    max_memory: float = DEFAULT_MAX_MEMORY,
) -> StateSpace:
    """Compile a conflict and check everything that needs its states.

    Raises :class:`~detente.errors.ModelError` for rankings that miss or repeat states, an
    infeasible status quo, no feasible state, or a state space above ``max_states`` or a
    memory need above ``max_memory`` bytes (checked before anything large is allocated).
    """
    space = StateSpace(conflict, max_states=max_states, max_memory=max_memory)
    space.ranks  # noqa: B018 - validates every preference now, not at first use
    space.status_quo  # noqa: B018
    return space


def as_space(model: Conflict | StateSpace, *, max_states: int = DEFAULT_MAX_STATES) -> StateSpace:
    """The state space of ``model``: itself when it is already compiled, else
    :func:`compile_conflict` of it.  Every analysis takes either, through this one door.

    >>> from detente.cases import load_case
    >>> space = as_space(load_case("chicken"))
    >>> as_space(space) is space
    True
    """
    if isinstance(model, StateSpace):
        return model
    return compile_conflict(model, max_states=max_states)
