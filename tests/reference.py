"""A deliberately naive, definition-level reference implementation of the graph model.

Everything here works straight from a :class:`detente.model.Conflict` with plain Python
tuples, sets, dicts and loops.  It never touches the compiled :class:`~detente.space.StateSpace`,
the move arrays, the engine or the analyses, so the property tests can compare the fast
vectorised code with a transcription of the definitions that is easy to check by eye.  It is
meant for small conflicts only (a few hundred states).

Definitions: Fang, Hipel & Kilgour (1993), *Interactive Decision Making: The Graph Model for
Conflict Resolution*, Wiley, ch. 3-4 (states, unilateral moves R_i(s), unilateral
improvements R+_i(s), coalition reachability R_H(s) and R+_H(s), and the stability concepts
Nash, GMR, SMR, SEQ and SIM); Fang, Hipel & Kilgour (1989), "Conflict models in graph form:
solution concepts and their interrelationships", EJOR 41.  Option prioritization (statement
k of K weighs 2^(K-k)) follows Fang, Hipel, Kilgour & Peng (2003), IEEE Trans. SMC C 33(1).

Conventions shared with detente (they are part of its documented model, not of the engine):

* an option with radix r takes the values 0..r-1; the code of a combination of option values
  is sum_k value_k * w_k with w_k = r_0 * ... * r_{k-1};
* feasible states are numbered 1..n in ascending code order; with merging, every merge
  condition's feasible combinations form one state (a combination belongs to the first
  condition that describes it) whose code is the lowest code of its members;
* a merged state's moves are the union of its members' moves, mapped to states, minus moves
  back to itself;
* prioritization statements are evaluated on a merged state's *representative*, its
  lowest-code member;
* SIM combines simultaneous moves at the level of the combinations they really change (for a
  merged state, a move is made from one of its members), see :func:`sim`.

Results are memoised on the model (reachability, improvements, member moves): call
:meth:`NaiveModel.clear_caches` after changing a model's moves or scores by hand.

Statements are parsed with :func:`detente.statements.parse_statement` (the parser is not under
test here); the parsed tree is evaluated by the small recursive walker below.
"""

from __future__ import annotations

import dataclasses
import itertools
import operator
import re
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from detente.model.conflict import Condition, Conflict
from detente.model.statements import (
    And,
    Compare,
    Const,
    Expr,
    Iff,
    Implies,
    Not,
    Or,
    Taken,
    parse_statement,
)

Combo = tuple[int, ...]

#: Concepts the reference decides, in the order detente reports them.
CONCEPTS = ("Nash", "GMR", "SMR", "SEQ", "SIM", "SEQSIM")

_COMPARE: dict[str, Callable[[int, int], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "==": operator.eq,
    "=": operator.eq,
    "!=": operator.ne,
}


class ReferenceError(ValueError):
    """The reference cannot make sense of a model (it is not a validation layer)."""


# -- statements and conditions ---------------------------------------------------------------


def evaluate(expr: Expr, combo: Combo) -> bool:
    """Truth value of a parsed statement on one combination of option values."""
    if isinstance(expr, Const):
        return expr.value
    if isinstance(expr, Taken):
        return combo[expr.option] > 0
    if isinstance(expr, Compare):
        return _COMPARE[expr.op](combo[expr.option], expr.value)
    if isinstance(expr, Not):
        return not evaluate(expr.inner, combo)
    if isinstance(expr, And):
        return evaluate(expr.left, combo) and evaluate(expr.right, combo)
    if isinstance(expr, Or):
        return evaluate(expr.left, combo) or evaluate(expr.right, combo)
    if isinstance(expr, Implies):
        return (not evaluate(expr.antecedent, combo)) or evaluate(expr.consequent, combo)
    if isinstance(expr, Iff):
        return evaluate(expr.left, combo) == evaluate(expr.right, combo)
    raise ReferenceError(f"unknown statement node {expr!r}")


def parse(conflict: Conflict, text: str) -> Expr:
    """Parse a statement over the conflict's options."""
    levels = {o.name: o.top for o in conflict.options}
    return parse_statement(text, conflict.option_index, levels)


def option_value(raw: Any, top: int) -> int:
    """Y/N/yes/no/true/false or a level, as an integer option value."""
    if isinstance(raw, bool):
        value = int(raw)
    elif isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and raw.strip().upper() in ("Y", "YES", "N", "NO"):
        if top != 1:
            raise ReferenceError(f"{raw!r} given for a levelled option")
        value = 1 if raw.strip().upper() in ("Y", "YES") else 0
    elif isinstance(raw, str) and raw.strip().isdigit():
        value = int(raw)
    else:
        raise ReferenceError(f"{raw!r} is not an option value")
    if not 0 <= value <= top:
        raise ReferenceError(f"value {value} outside 0..{top}")
    return value


def label_tokens(conflict: Conflict, text: str) -> list[str] | None:
    """One token per option: single characters, or '.'/' '/','/'/'-separated tokens."""
    text = text.strip()
    separated = any(sep in text for sep in ". ,/")
    tokens = text.replace(",", " ").replace(".", " ").replace("/", " ").split()
    if not separated:
        tokens = list(text)
    return tokens if len(tokens) == len(conflict.options) else None


def pattern_pairs(conflict: Conflict, pattern: str | dict[str, Any]) -> list[tuple[int, int]]:
    """``[(option index, value)]`` that a ``when`` pattern requires."""
    index = conflict.option_index
    tops = [o.top for o in conflict.options]
    if isinstance(pattern, dict):
        return [
            (index[name], option_value(raw, tops[index[name]])) for name, raw in pattern.items()
        ]
    tokens = label_tokens(conflict, pattern)
    if tokens is None:
        raise ReferenceError(f"pattern {pattern!r} has the wrong length")
    return [(k, option_value(t, tops[k])) for k, t in enumerate(tokens) if t != "-"]


def condition_predicate(conflict: Conflict, condition: Condition) -> Callable[[Combo], bool]:
    """A function telling whether the condition describes a combination of option values."""
    index = conflict.option_index
    if condition.when is not None:
        pairs = pattern_pairs(conflict, condition.when)
        return lambda combo: all(combo[k] == v for k, v in pairs)
    if condition.statement is not None:
        expr = parse(conflict, condition.statement)
        return lambda combo: evaluate(expr, combo)
    if condition.mutually_exclusive is not None:
        cols = [index[name] for name in condition.mutually_exclusive]
        return lambda combo: sum(combo[k] > 0 for k in cols) >= 2
    if condition.at_least_one is not None:
        cols = [index[name] for name in condition.at_least_one]
        return lambda combo: sum(combo[k] > 0 for k in cols) == 0
    if condition.exactly_one is not None:
        cols = [index[name] for name in condition.exactly_one]
        return lambda combo: sum(combo[k] > 0 for k in cols) != 1
    raise ReferenceError("empty condition")


def condition_holds(conflict: Conflict, condition: Condition, combo: Combo) -> bool:
    """Whether a condition describes a combination of option values."""
    return condition_predicate(conflict, condition)(combo)


# -- the naive model --------------------------------------------------------------------------


@dataclass
class NaiveModel:
    """States, moves and preferences of a conflict, as plain Python data.

    States are 0-based indices into :attr:`states`; user-facing numbers are index + 1.
    """

    conflict: Conflict
    radices: list[int]
    place: list[int]
    owners: list[int]
    dm_options: list[list[int]]
    #: Every feasible combination, in ascending code order.
    feasible: list[Combo]
    #: Members of each state (ascending code); the first is the representative.
    states: list[list[Combo]]
    state_of: dict[Combo, int]
    #: scores[i][s]: DM i's score of state s (higher is better).
    scores: list[list[float]] = field(default_factory=list)
    #: moves[i][s]: R_i(s), the states DM i reaches from s in one unilateral move.
    moves: list[list[set[int]]] = field(default_factory=list)
    _reach_cache: dict[tuple[Any, ...], set[int]] = field(default_factory=dict, repr=False)
    _change_cache: dict[tuple[Any, ...], list[Combo]] = field(default_factory=dict, repr=False)
    _member_cache: dict[tuple[Any, ...], list[Combo]] = field(default_factory=dict, repr=False)
    _improvement_cache: dict[tuple[int, int], set[int]] = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        return len(self.states)

    @property
    def n_dms(self) -> int:
        return len(self.dm_options)

    @property
    def merged(self) -> bool:
        return any(len(members) > 1 for members in self.states) or bool(self.conflict.merge)

    def code(self, combo: Combo) -> int:
        return sum(v * w for v, w in zip(combo, self.place, strict=True))

    def rep(self, s: int) -> Combo:
        """Representative combination (lowest code) of state s."""
        return self.states[s][0]

    def codes(self) -> list[int]:
        return [self.code(self.rep(s)) for s in range(self.n)]

    def label(self, s: int) -> str:
        """Y/N or the level per option; '-' where the members of a merged state differ."""
        return self.labels[s]

    @cached_property
    def labels(self) -> list[str]:
        """The label of every state."""
        return [self._label(s) for s in range(self.n)]

    def _label(self, s: int) -> str:
        members = self.states[s]
        separated = any(r > 10 for r in self.radices)
        tokens = []
        for k, radix in enumerate(self.radices):
            seen = {m[k] for m in members}
            if len(seen) > 1:
                tokens.append("-")
            elif radix == 2:
                tokens.append("Y" if members[0][k] else "N")
            else:
                tokens.append(str(members[0][k]))
        return ("." if separated else "").join(tokens)

    def prefers_not(self, dm: int, s2: int, s: int) -> bool:
        """s2 <=_i s: DM ``dm`` does not strictly prefer s2 to s."""
        return self.scores[dm][s2] <= self.scores[dm][s]

    def improvements(self, dm: int, s: int) -> set[int]:
        """R+_i(s): the moves from s to a state DM i strictly prefers."""
        key = (dm, s)
        if key not in self._improvement_cache:
            self._improvement_cache[key] = {
                t for t in self.moves[dm][s] if self.scores[dm][t] > self.scores[dm][s]
            }
        return self._improvement_cache[key]

    def clear_caches(self) -> None:
        """Forget memoised results: call after changing :attr:`moves` or :attr:`scores`."""
        self._reach_cache.clear()
        self._improvement_cache.clear()
        self._member_cache.clear()

    def resolve(self, ref: Any) -> int:
        """A state reference (1-based number, label or full option mapping) as an index."""
        conflict = self.conflict
        tops = [o.top for o in conflict.options]
        if isinstance(ref, bool):
            raise ReferenceError(f"{ref!r} is not a state")
        if isinstance(ref, int):
            if not 1 <= ref <= self.n:
                raise ReferenceError(f"no state {ref}")
            return ref - 1
        if isinstance(ref, dict):
            pairs = dict(pattern_pairs(conflict, ref))
            combo = tuple(pairs[k] for k in range(len(tops)))
            return self.state_of[combo]
        if isinstance(ref, str):
            tokens = label_tokens(conflict, ref)
            if tokens is not None and "-" not in tokens:
                try:
                    combo = tuple(option_value(t, tops[k]) for k, t in enumerate(tokens))
                except ReferenceError:
                    combo = None
                if combo is not None:
                    return self.state_of[combo]
            if tokens is not None and self.merged:
                for s in range(self.n):
                    if self.label(s).upper() == ref.strip().upper():
                        return s
            if ref.strip().isdigit():
                return self.resolve(int(ref.strip()))
        raise ReferenceError(f"cannot resolve state {ref!r}")


def enumerate_feasible(conflict: Conflict) -> list[Combo]:
    """Every combination of option values that no infeasibility condition rules out,
    in ascending code order."""
    radices = [o.radix for o in conflict.options]
    place = [1]
    for r in radices[:-1]:
        place.append(place[-1] * r)
    rules_out = [condition_predicate(conflict, c) for c in conflict.infeasible]
    combos = []
    for combo in itertools.product(*(range(r) for r in radices)):
        if any(holds(combo) for holds in rules_out):
            continue
        combos.append(combo)
    combos.sort(key=lambda c: sum(v * w for v, w in zip(c, place, strict=True)))
    return combos


def naive_model(
    conflict: Conflict, *, with_preferences: bool = True, with_moves: bool = True
) -> NaiveModel:
    """Build the naive model: states, numbering, R_i(s) for every DM and the scores."""
    radices = [o.radix for o in conflict.options]
    place = [1]
    for r in radices[:-1]:
        place.append(place[-1] * r)
    owners = [conflict.owner_of(o.name) for o in conflict.options]
    dm_options = [
        [k for k in range(len(owners)) if owners[k] == i]
        for i in range(len(conflict.decision_makers))
    ]
    feasible = enumerate_feasible(conflict)
    if not feasible:
        raise ReferenceError("no feasible state")

    def code(combo: Combo) -> int:
        return sum(v * w for v, w in zip(combo, place, strict=True))

    # Group merged combinations: the first merge condition describing a combination wins.
    merges = [condition_predicate(conflict, c) for c in conflict.merge]
    groups: dict[Any, list[Combo]] = {}
    for combo in feasible:
        key: Any = ("own", combo)
        for k, holds in enumerate(merges):
            if holds(combo):
                key = ("merge", k)
                break
        groups.setdefault(key, []).append(combo)
    states = sorted(
        (sorted(members, key=code) for members in groups.values()), key=lambda m: code(m[0])
    )
    state_of = {combo: s for s, members in enumerate(states) for combo in members}
    model = NaiveModel(
        conflict=conflict,
        radices=radices,
        place=place,
        owners=owners,
        dm_options=dm_options,
        feasible=feasible,
        states=states,
        state_of=state_of,
    )
    if with_moves:
        model.moves = [unilateral_moves(model, i) for i in range(model.n_dms)]
    if with_preferences:
        model.scores = [preference_scores(model, i) for i in range(model.n_dms)]
    return model


def legal_changes(model: NaiveModel, dm: int, current: Combo) -> list[Combo]:
    """New values DM i may give its own options (in ``dm_options`` order) in one move from
    the values ``current``: a non-empty change that respects each option's direction
    (forward: only up, backward: only down) and step (at most ``step`` levels)."""
    key = (dm, current)
    if key in model._change_cache:
        return model._change_cache[key]
    options = model.conflict.options
    own = model.dm_options[dm]
    out = []
    for new_values in itertools.product(*(range(model.radices[k]) for k in own)):
        if new_values == current:
            continue
        legal = True
        for k, old, new in zip(own, current, new_values, strict=True):
            option = options[k]
            if option.direction == "forward" and new < old:
                legal = False
            if option.direction == "backward" and new > old:
                legal = False
            if option.step is not None and abs(new - old) > option.step:
                legal = False
        if legal:
            out.append(new_values)
    model._change_cache[key] = out
    return out


def member_moves(model: NaiveModel, dm: int, member: Combo) -> list[Combo]:
    """Feasible combinations DM i reaches from one combination by one unilateral move:
    a :func:`legal_changes` of its own options that lands on a feasible combination."""
    key = (dm, member)
    if key in model._member_cache:
        return model._member_cache[key]
    own = model.dm_options[dm]
    out = []
    for new_values in legal_changes(model, dm, tuple(member[k] for k in own)):
        target = list(member)
        for k, new in zip(own, new_values, strict=True):
            target[k] = new
        if tuple(target) in model.state_of:
            out.append(tuple(target))
    model._member_cache[key] = out
    return out


def unilateral_moves(model: NaiveModel, dm: int) -> list[set[int]]:
    """R_i(s) for every state s (Fang, Hipel & Kilgour 1993): the states of the combinations
    :func:`member_moves` reaches.  A merged state pools its members' moves and drops moves
    back to itself."""
    out: list[set[int]] = []
    for s, members in enumerate(model.states):
        targets = {model.state_of[t] for member in members for t in member_moves(model, dm, member)}
        targets.discard(s)
        out.append(targets)
    return out


def preference_scores(model: NaiveModel, dm: int) -> list[float]:
    """DM i's score of every state (higher is better), from its preference statement."""
    prefs = model.conflict.decision_makers[dm].preferences
    n = model.n
    if prefs.prioritization:
        exprs = [parse(model.conflict, text) for text in prefs.prioritization]
        weights = [2 ** (len(exprs) - 1 - k) for k in range(len(exprs))]
        return [
            float(sum(w for w, e in zip(weights, exprs, strict=True) if evaluate(e, model.rep(s))))
            for s in range(n)
        ]
    scores: list[float | None] = [None] * n
    if prefs.ranking:
        for position, entry in enumerate(prefs.ranking):
            for ref in entry if isinstance(entry, list) else [entry]:
                s = model.resolve(ref)
                if scores[s] is not None:
                    raise ReferenceError(f"state {s + 1} ranked twice")
                scores[s] = float(len(prefs.ranking) - position)
    else:
        items = prefs.payoffs.items() if isinstance(prefs.payoffs, dict) else prefs.payoffs
        for ref, value in items:
            s = model.resolve(ref)
            if scores[s] is not None:
                raise ReferenceError(f"state {s + 1} has two payoffs")
            scores[s] = float(value)
    if any(v is None for v in scores):
        raise ReferenceError("preferences miss a state")
    return [float(v) for v in scores]  # type: ignore[arg-type]


# -- reachability -----------------------------------------------------------------------------


def coalition_reach(
    model: NaiveModel, coalition: Sequence[int], start: int, *, improving: bool
) -> set[int]:
    """R_H(s) (``improving=False``) or R+_H(s) (``improving=True``).

    All states reachable from ``start`` by a legal sequence of unilateral moves by members of
    H: any member may move any number of times, never twice in a row (Fang, Hipel & Kilgour
    1993).  A breadth-first search over (state, last mover) pairs.  ``start`` itself belongs
    to the result only if some sequence returns there.  In R+_H every move is a unilateral
    improvement for the member making it.
    """
    key = (tuple(coalition), start, improving)
    if key in model._reach_cache:
        return model._reach_cache[key]
    reached: set[int] = set()
    visited: set[tuple[int, int]] = set()
    queue: deque[tuple[int, int | None]] = deque([(start, None)])
    while queue:
        state, last = queue.popleft()
        for mover in coalition:
            if mover == last:
                continue
            targets = model.improvements(mover, state) if improving else model.moves[mover][state]
            for t in targets:
                if (t, mover) not in visited:
                    visited.add((t, mover))
                    reached.add(t)
                    queue.append((t, mover))
    model._reach_cache[key] = reached
    return reached


def opponents(model: NaiveModel, dm: int) -> list[int]:
    return [j for j in range(model.n_dms) if j != dm]


# -- stability --------------------------------------------------------------------------------


def nash(model: NaiveModel, dm: int, s: int) -> bool:
    """Nash stability: R+_i(s) is empty."""
    return not model.improvements(dm, s)


def gmr(model: NaiveModel, dm: int, s: int) -> bool:
    """GMR: every s1 in R+_i(s) has some s2 in R_{N-i}(s1) with s2 <=_i s."""
    others = opponents(model, dm)
    return all(
        any(
            model.prefers_not(dm, s2, s)
            for s2 in coalition_reach(model, others, s1, improving=False)
        )
        for s1 in model.improvements(dm, s)
    )


def smr(model: NaiveModel, dm: int, s: int) -> bool:
    """SMR: every s1 in R+_i(s) has some s2 in R_{N-i}(s1) with s2 <=_i s and
    s3 <=_i s for every s3 in R_i(s2)."""
    others = opponents(model, dm)
    return all(
        any(
            model.prefers_not(dm, s2, s)
            and all(model.prefers_not(dm, s3, s) for s3 in model.moves[dm][s2])
            for s2 in coalition_reach(model, others, s1, improving=False)
        )
        for s1 in model.improvements(dm, s)
    )


def seq(model: NaiveModel, dm: int, s: int) -> bool:
    """SEQ: every s1 in R+_i(s) has some s2 in R+_{N-i}(s1) with s2 <=_i s."""
    others = opponents(model, dm)
    return all(
        any(
            model.prefers_not(dm, s2, s)
            for s2 in coalition_reach(model, others, s1, improving=True)
        )
        for s1 in model.improvements(dm, s)
    )


def sim(model: NaiveModel, dm: int, s: int) -> bool:
    """SIM: for every s1 in R+_i(s), the opponents, each staying or taking at the same time one
    of its own UIs from s, can produce a feasible state that i does not prefer to s.

    The combined state has i's option values from s1 and each opponent's option values from
    the state its choice leads to (from s when it stays).

    Merged states are handled at the level of their members (the combinations the moves
    really change): for every member m of s and every move of i from m to a combination m1
    whose state s1 is in R+_i(s), the opponents, each staying or changing its own options from
    the same member m to a combination whose state is in its R+_j(s), must be able to produce
    a feasible combination (i's values from m1, each opponent's from its choice) whose state
    i does not prefer to s.  Without merging every state has one member and this is the
    definition above word for word.
    """
    others = opponents(model, dm)
    uis = {j: model.improvements(j, s) for j in others}
    for member in model.states[s]:
        choices: list[list[Combo | None]] = [
            [None, *(t for t in member_moves(model, j, member) if model.state_of[t] in uis[j])]
            for j in others
        ]
        for moved in member_moves(model, dm, member):
            s1 = model.state_of[moved]
            if s1 == s or model.prefers_not(dm, s1, s):
                continue  # not a unilateral improvement
            sanctioned = False
            for picks in itertools.product(*choices):
                combined = list(moved)
                for j, pick in zip(others, picks, strict=True):
                    if pick is not None:
                        for k in model.dm_options[j]:
                            combined[k] = pick[k]
                target = model.state_of.get(tuple(combined))
                if target is not None and model.prefers_not(dm, target, s):
                    sanctioned = True
                    break
            if not sanctioned:
                return False
    return True


def seqsim(model: NaiveModel, dm: int, s: int) -> bool:
    """SEQSIM: stable under both SEQ and SIM."""
    return seq(model, dm, s) and sim(model, dm, s)


_DECIDERS: dict[str, Callable[[NaiveModel, int, int], bool]] = {
    "Nash": nash,
    "GMR": gmr,
    "SMR": smr,
    "SEQ": seq,
    "SIM": sim,
    "SEQSIM": seqsim,
}


def stable(model: NaiveModel, concept: str, dm: int) -> list[bool]:
    """Stability of every state for one DM under one concept."""
    decide = _DECIDERS[concept]
    return [decide(model, dm, s) for s in range(model.n)]


def stability_table(
    model: NaiveModel, concepts: Iterable[str] = CONCEPTS
) -> dict[str, list[list[bool]]]:
    """``{concept: [[stable for DM i at state s]]}`` for every DM and state."""
    table: dict[str, list[list[bool]]] = {}
    for concept in concepts:
        if concept == "SEQSIM" and "SEQ" in table and "SIM" in table:
            # The same as stable(model, "SEQSIM", i), without deciding SEQ and SIM twice.
            table[concept] = [
                [a and b for a, b in zip(x, y, strict=True)]
                for x, y in zip(table["SEQ"], table["SIM"], strict=True)
            ]
        else:
            table[concept] = [stable(model, concept, i) for i in range(model.n_dms)]
    return table


def equilibria(table: list[list[bool]]) -> list[int]:
    """0-based states stable for every DM."""
    return [s for s in range(len(table[0])) if all(row[s] for row in table)]


# -- statements: a naive recursive-descent parser ----------------------------------
# The grammar of detente's statement language transcribed one rule per function, evaluating
# straight on one combination of option values.  detente parses with explicit stacks (a
# shunting yard) for speed and safety; this is the reading to compare it with, on small
# statements only (it recurses once per level).

_STATEMENT_TOKEN = re.compile(
    r"\s*(\d+|>=|<=|==|!=|<->|->|=|<|>|&&|\|\||[()&|!~-]|'[^']*'|\"[^\"]*\"|`[^`]*`"
    r"|[A-Za-z_][A-Za-z0-9_]*)"
)


def statement_truth(conflict_options: dict[str, int], text: str, combo: Combo) -> bool:
    """Truth of statement ``text`` over ``{option name: index}`` on one combination.

    Precedence, lowest first: conditionals (``A if B``, ``A -> B``, ``A iff B``, chained to the
    left; ``if A then B`` reaching to the end), ``or``, ``and``, ``not``, atoms.
    """
    tokens = [m.group(1) for m in _STATEMENT_TOKEN.finditer(text)]
    words = [t.lower() if t[0].isalpha() else t for t in tokens]
    names = list(conflict_options)
    pos = 0

    def at(*options: str) -> bool:
        return pos < len(words) and words[pos] in options

    def take() -> str:
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def conditional() -> bool:
        if at("if"):
            take()
            antecedent = conditional()
            assert take().lower() == "then"
            consequent = conditional()
            return (not antecedent) or consequent
        left = disjunction()
        while at("if", "iff", "->", "<->"):
            word = take().lower()
            right = disjunction()
            if word == "if":
                left = (not right) or left
            elif word == "->":
                left = (not left) or right
            else:
                left = left == right
        return left

    def disjunction() -> bool:
        value = conjunction()
        while at("or", "|", "||"):
            take()
            value = conjunction() or value  # evaluate both sides: every token is consumed
        return value

    def conjunction() -> bool:
        value = negation()
        while at("and", "&", "&&"):
            take()
            value = negation() and value
        return value

    def negation() -> bool:
        if at("not", "-", "!", "~"):
            take()
            return not negation()
        return atom()

    def level() -> int:
        word = take()
        if word.isdigit():
            return int(word)
        return 1 if word.lower() == "y" else 0

    def atom() -> bool:
        if at("("):
            take()
            value = conditional()
            assert take() == ")"
            return value
        word = take()
        if word.lower() in ("true", "false"):
            return word.lower() == "true"
        quoted = word[0] in "'\"`"
        name = names[int(word) - 1] if word.isdigit() else (word[1:-1] if quoted else word)
        value = combo[conflict_options[name]]
        if at("between"):
            take()
            low = level()
            assert take().lower() == "and"
            high = level()  # read before comparing: a chained comparison would skip it
            return low <= value <= high
        if at(*_COMPARE):
            op = take()
            return _COMPARE[op](value, level())
        return value > 0

    result = conditional()
    assert pos == len(tokens), f"unparsed text in {text!r}"
    return result


# ==============================================================================================
# Strategy design (detente.analyses.design): brute force over every commitment, with compare
# ==============================================================================================
def naive_design(
    conflict: Conflict, side: Sequence[str], outcome: str, concepts: Sequence[str]
) -> dict[tuple[tuple[str, int], ...], tuple[frozenset[str], bool]]:
    """Every commitment of the side's options (a conflict with certain preferences) that
    reaches ``outcome`` under some concept, by ``compare`` on each one: ``{((option, value),
    ...): (concepts where it reaches, minimal)}``.  Minimal: no proper subset reaches it
    under every one of those concepts."""
    # Imported here: the reference must import without the engine's analyses layer.
    from detente.analyses.strategies import compare

    options = [
        (o.name, o.radix)
        for dm in conflict.decision_makers
        if dm.name in side
        for o in conflict.options
        if o.name in dm.options
    ]
    works: dict[tuple[tuple[str, int], ...], frozenset[str]] = {}
    for size in range(len(options) + 1):
        for chosen in itertools.combinations(options, size):
            for values in itertools.product(*[range(radix) for _, radix in chosen]):
                pairs = tuple(sorted(zip([n for n, _ in chosen], values, strict=True)))
                if pairs:
                    result = compare(conflict, concepts, strategies=[dict(pairs)], baseline=False)
                else:  # the baseline row: nobody commits (the strategy is only a placeholder)
                    placeholder = [{options[0][0]: 0}]
                    result = compare(conflict, concepts, strategies=placeholder, baseline=True)
                report = result.strategies[0]
                hit = frozenset(
                    c
                    for c, rep in report.concepts.items()
                    if report.start is not None and outcome in rep.outcomes_reachable
                )
                if hit:
                    works[pairs] = hit
    out = {}
    for pairs, hit in works.items():
        smaller = [
            works.get(tuple(sub), frozenset())
            for k in range(len(pairs))
            for sub in itertools.combinations(pairs, k)
        ]
        out[pairs] = (hit, not any(hit <= other for other in smaller))
    return out


# =============================================================================================
# Dial reference (moved from tests/test_dial.py): a naive graph built option by option for
# conflicts with dials, with stability and reachability decided by the definitions (Fang,
# Hipel & Kilgour 1993; status quo analysis as in Li, Kilgour & Hipel 2005).  Used by
# tests/test_dial.py and tests/test_strategies.py.
# =============================================================================================


def statement(conflict: Conflict, text: str) -> Expr:
    levels = {o.name: o.top for o in conflict.options}
    return parse_statement(text, conflict.option_index, levels)


def value_of(raw: Any) -> int:
    """A value as a model file writes it (Y/N, true/false or a level)."""
    if isinstance(raw, bool):
        return int(raw)
    if isinstance(raw, str) and raw.upper() in ("Y", "N"):
        return int(raw.upper() == "Y")
    return int(raw)


def infeasible(conflict: Conflict, combo: Combo) -> bool:
    """Whether one of the conflict's infeasibility conditions (``when`` mappings and
    statements only: the forms the generators below use) describes ``combo``."""
    index = conflict.option_index
    for condition in conflict.infeasible:
        if condition.statement is not None:
            if evaluate(statement(conflict, condition.statement), combo):
                return True
        elif isinstance(condition.when, dict):
            if all(combo[index[k]] == value_of(v) for k, v in condition.when.items()):
                return True
        else:  # pragma: no cover - not generated
            raise NotImplementedError(condition)
    return False


@dataclass
class Graph:
    """States (combinations of option values), unilateral moves and scores, as plain data.

    ``moves[i][s]`` is R_i(s), ``scores[i][s]`` DM i's score of state s.
    """

    conflict: Conflict
    states: list[Combo]
    moves: list[list[set[int]]]
    scores: list[list[float]]
    _reach_cache: dict[tuple[tuple[int, ...], int, bool], set[int]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def n_dms(self) -> int:
        return len(self.moves)

    @property
    def index(self) -> dict[Combo, int]:
        return {c: s for s, c in enumerate(self.states)}

    def options_of(self, dm: int) -> list[int]:
        names = self.conflict.decision_makers[dm].options
        return [self.conflict.option_index[n] for n in names]

    def improvements(self, dm: int, s: int) -> set[int]:
        return {t for t in self.moves[dm][s] if self.scores[dm][t] > self.scores[dm][s]}


def place_values(conflict: Conflict) -> list[int]:
    place = [1]
    for option in conflict.options[:-1]:
        place.append(place[-1] * option.radix)
    return place


def code(conflict: Conflict, combo: Combo) -> int:
    return sum(v * w for v, w in zip(combo, place_values(conflict), strict=True))


def feasible_combos(conflict: Conflict) -> list[Combo]:
    """Every feasible combination, in ascending code order."""
    ranges = [range(o.radix) for o in conflict.options]
    combos = [c for c in itertools.product(*ranges) if not infeasible(conflict, c)]
    return sorted(combos, key=lambda c: code(conflict, c))


def naive_label(conflict: Conflict, combo: Combo) -> str:
    tokens = [
        ("Y" if v else "N") if o.binary else str(v)
        for o, v in zip(conflict.options, combo, strict=True)
    ]
    separated = any(o.radix > 10 for o in conflict.options)
    return ("." if separated else "").join(tokens)


def move_allowed(conflict: Conflict, before: Combo, after: Combo, options: Sequence[int]) -> bool:
    """Is before -> after a unilateral move of the DM owning ``options``?"""
    if before == after:
        return False
    for k, (a, b) in enumerate(zip(before, after, strict=True)):
        if a == b:
            continue
        if k not in options:
            return False
        option = conflict.options[k]
        if option.direction == "forward" and b < a:
            return False
        if option.direction == "backward" and b > a:
            return False
        if option.step is not None and abs(b - a) > option.step:
            return False
    return True


def naive_graph(conflict: Conflict, states: list[Combo] | None = None) -> Graph:
    """The graph of ``conflict`` over ``states`` (default: every feasible combination).

    Moves: every pair of states that :func:`move_allowed` accepts (quadratic, on purpose).
    Scores: option prioritization.
    """
    states = feasible_combos(conflict) if states is None else states
    index = conflict.option_index
    moves = []
    scores = []
    for dm in conflict.decision_makers:
        own = [index[n] for n in dm.options]
        moves.append(
            [
                {t for t, after in enumerate(states) if move_allowed(conflict, before, after, own)}
                for before in states
            ]
        )
        texts = dm.preferences.prioritization or []
        exprs = [statement(conflict, t) for t in texts]
        weights = [2.0 ** (len(texts) - 1 - k) for k in range(len(texts))]
        scores.append(
            [sum(w for e, w in zip(exprs, weights, strict=True) if evaluate(e, c)) for c in states]
        )
    return Graph(conflict, states, moves, scores)


# -- naive stability ------------------------------------------------------------------------
def reach(graph: Graph, coalition: Sequence[int], start: int, *, improving: bool) -> set[int]:
    """R_H(start) (or R+_H): :func:`coalition_reach` on the dial graph (it offers the same
    ``moves``, ``improvements`` and cache as a :class:`NaiveModel`)."""
    return coalition_reach(graph, coalition, start, improving=improving)  # type: ignore[arg-type]


def naive_stable(graph: Graph, concept: str, dm: int, s: int) -> bool:
    """Stability of state s for ``dm`` under Nash, GMR, SMR, SEQ or SIM, by definition."""
    score = graph.scores[dm]
    others = [j for j in range(graph.n_dms) if j != dm]
    uis = graph.improvements(dm, s)
    if concept == "Nash":
        return not uis
    if concept in ("GMR", "SEQ"):
        improving = concept == "SEQ"
        return all(
            any(score[s2] <= score[s] for s2 in reach(graph, others, s1, improving=improving))
            for s1 in uis
        )
    if concept == "SMR":
        return all(
            any(
                score[s2] <= score[s] and all(score[s3] <= score[s] for s3 in graph.moves[dm][s2])
                for s2 in reach(graph, others, s1, improving=False)
            )
            for s1 in uis
        )
    if concept == "SIM":
        index = graph.index
        choices = [[None, *graph.improvements(j, s)] for j in others]
        for s1 in uis:
            sanctioned = False
            for picks in itertools.product(*choices):
                combined = list(graph.states[s1])
                for j, pick in zip(others, picks, strict=True):
                    if pick is not None:
                        for k in graph.options_of(j):
                            combined[k] = graph.states[pick][k]
                target = index.get(tuple(combined))
                if target is not None and score[target] <= score[s]:
                    sanctioned = True
                    break
            if not sanctioned:
                return False
        return True
    raise ValueError(concept)


def naive_equilibria(graph: Graph, concept: str) -> list[int]:
    return [
        s
        for s in range(len(graph.states))
        if all(naive_stable(graph, concept, dm, s) for dm in range(graph.n_dms))
    ]


def naive_distances(graph: Graph, start: int) -> dict[int, int]:
    """Fewest steps from ``start`` to every state reachable by unilateral improvements, the
    same DM never moving twice in a row (status quo analysis, Li, Kilgour & Hipel 2005)."""
    distance = {start: 0}
    seen = {(start, None)}
    queue: deque[tuple[int, int | None, int]] = deque([(start, None, 0)])
    while queue:
        state, last, depth = queue.popleft()
        for mover in range(graph.n_dms):
            if mover == last:
                continue
            for t in graph.improvements(mover, state):
                if (t, mover) in seen:
                    continue
                seen.add((t, mover))
                distance.setdefault(t, depth + 1)
                queue.append((t, mover, depth + 1))
    return distance


NAIVE_CONCEPTS = ("Nash", "GMR", "SMR", "SEQ", "SIM")


# == The negotiator's brief (detente.report.findings) =========================================
# For the brief: naive versions of its tie-dependence flag and of
# the grouping of indistinguishable hypotheses.


def nash_tie_flips(model: NaiveModel, dm: int, s: int) -> bool:
    """Is "s is Nash-stable for DM i" true only because of a tie?  True when s is Nash-stable
    for i and i can move to some state it likes exactly as much as s: with that indifference
    broken in favour of the move, the move is an improvement and s is no longer stable."""
    if not nash(model, dm, s):
        return False
    return any(model.scores[dm][t] == model.scores[dm][s] for t in model.moves[dm][s])


def same_move_order(
    model: NaiveModel, dm: int, scores_a: list[float], scores_b: list[float]
) -> bool:
    """Do two score lists of DM i order every one of i's unilateral moves the same way
    (better than, equal to or worse than staying)?  Then no record of i's moves can tell the
    two hypotheses apart."""

    def sign(x: float) -> int:
        return (x > 0) - (x < 0)

    for s in range(model.n):
        for t in model.moves[dm][s]:
            if sign(scores_a[t] - scores_a[s]) != sign(scores_b[t] - scores_b[s]):
                return False
    return True


# ---- h14-prob: probabilistic and fuzzy preferences ----
# Rêgo & dos Santos (2015), IEEE Trans. SMC: Systems 45(4): P_i(a > b), alpha-Nash and
# (alpha, beta)-GMR / SMR, (alpha, beta, gamma)-SEQ.  Bashar, Kilgour & Hipel (2012), IEEE
# Trans. Fuzzy Systems 20(4): FR, FGMR, FSMR, FSEQ with a fuzzy satisficing threshold.  Both
# read: s1 in R_i(s) improves when d_i(s1, s) >= a; s2 sanctions when d_i(s2, s) < b.
GRADED_EPS = 1e-9


def _scores_under(model: NaiveModel, dm: int, prefs: Any) -> list[float]:
    """DM ``dm``'s scores if its preferences were ``prefs`` (a copy of the model)."""
    import copy  # only this helper copies models

    dms = list(model.conflict.decision_makers)
    dms[dm] = dms[dm].model_copy(update={"preferences": prefs})
    other = copy.copy(model)
    other.conflict = model.conflict.model_copy(update={"decision_makers": dms})
    return preference_scores(other, dm)


def naive_scenarios(model: NaiveModel, dm: int) -> list[tuple[float, list[float]]]:
    """(probability, scores) of each preference scenario of DM ``dm``: its weighted
    alternatives, or every combination of its uncertain pairs (statement b placed just
    above statement a, pairs applied in order), or its one certain preference."""
    d = model.conflict.decision_makers[dm]
    if d.alternatives:
        total = sum(a.weight for a in d.alternatives)
        return [(a.weight / total, _scores_under(model, dm, a.preferences)) for a in d.alternatives]
    out = []
    pairs = d.uncertain_order
    for mask in range(2 ** len(pairs)):
        p = 1.0
        texts = list(enumerate(d.preferences.prioritization or []))
        for bit, pair in enumerate(pairs):
            moved = bool(mask >> bit & 1)
            p *= pair.probability if moved else 1 - pair.probability
            if moved:
                a, b = pair.statements
                item = next(t for t in texts if t[0] == b - 1)
                texts.remove(item)
                texts.insert(next(k for k, t in enumerate(texts) if t[0] == a - 1), item)
        if p > 0:
            prefs = d.preferences
            if pairs:
                prefs = prefs.model_copy(update={"prioritization": [t for _, t in texts]})
            out.append((p, _scores_under(model, dm, prefs)))
    return out


def probability_table(model: NaiveModel) -> list[Callable[[int, int], float]]:
    """P_i(a > b) for each DM: the probability of the scenarios whose score of a beats b."""
    tables = []
    for dm in range(model.n_dms):
        scenarios = naive_scenarios(model, dm)

        def prob(a: int, b: int, scenarios=scenarios) -> float:
            return sum(p for p, scores in scenarios if scores[a] > scores[b])

        tables.append(prob)
    return tables


def fuzzy_table(model: NaiveModel) -> tuple[list[Callable[[int, int], float]], list[float]]:
    """Fuzzy relative strength of preference and threshold of each DM: u(a) - u(b) with u
    the scores scaled to [0, 1] for a fuzzy DM; sign of the score difference, threshold 1,
    for a crisp one."""
    degrees, thresholds = [], []
    for dm, d in enumerate(model.conflict.decision_makers):
        scores = model.scores[dm]
        if d.fuzzy is None:
            degrees.append(lambda a, b, s=scores: float((s[a] > s[b]) - (s[a] < s[b])))
            thresholds.append(1.0)
            continue
        low, high = min(scores), max(scores)
        u = [(v - low) / (high - low) if high > low else 0.0 for v in scores]
        degrees.append(lambda a, b, u=u: u[a] - u[b])
        thresholds.append(d.fuzzy.threshold)
    return degrees, thresholds


def graded_reach(
    model: NaiveModel,
    coalition: Sequence[int],
    start: int,
    allowed: Callable[[int, int, int], bool],
) -> set[int]:
    """States reached from ``start`` by legal sequences (no member twice in a row) of
    moves (mover, from, to) that ``allowed`` accepts; ``start`` only if some sequence
    returns to it.  Frontier by frontier over (state, last mover) pairs."""
    seen: set[tuple[int, int]] = set()
    frontier: set[tuple[int, int | None]] = {(start, None)}
    while frontier:
        step = {
            (t, j)
            for state, last in frontier
            for j in coalition
            if j != last
            for t in model.moves[j][state]
            if allowed(j, state, t)
        }
        frontier = step - seen  # type: ignore[assignment]
        seen |= step
    return {t for t, _ in seen}


def graded_stable_naive(
    model: NaiveModel,
    degree: list[Callable[[int, int], float]],
    concept: str,
    dm: int,
    s: int,
    improve: float,
    sanction: float,
    credible: Sequence[float],
) -> bool:
    """The definitions, state by state: Nash / GMR / SMR / SEQ with graded preferences."""
    d = degree[dm]
    others = opponents(model, dm)
    improvements = [t for t in model.moves[dm][s] if d(t, s) >= improve - GRADED_EPS]
    if concept == "Nash":
        return not improvements

    def sanctions(s2: int) -> bool:
        if d(s2, s) >= sanction - GRADED_EPS:
            return False
        if concept == "SMR":
            return all(d(s3, s) < sanction - GRADED_EPS for s3 in model.moves[dm][s2])
        return True

    def credible_move(j: int, a: int, b: int) -> bool:
        return degree[j](b, a) >= credible[j] - GRADED_EPS

    def reached(s1: int) -> set[int]:
        if concept == "SEQ":
            return graded_reach(model, others, s1, credible_move)
        return coalition_reach(model, others, s1, improving=False)

    return all(any(sanctions(s2) for s2 in reached(s1)) for s1 in improvements)


# ---- h14-ordinal: unknown, strong/mild and hybrid preferences ----
# Li, Hipel, Kilgour & Fang (2004), IEEE SMC-A 34(4); Hamouda, Kilgour & Hipel (2004, 2006);
# Xu, Hipel, Kilgour & Chen (2010), Theory and Decision 69(4).  Every pair of states gets
# its relation from the model's fields, one pair at a time; the stability definitions are
# then transcribed set by set.


_ORDINAL_CACHE: dict[int, tuple[NaiveModel, dict[Any, Any]]] = {}


def _ordinal_memo(model: NaiveModel) -> dict[Any, Any]:
    """A memo per naive model (relations, entry positions, reach sets): the definitions are
    evaluated once per pair, not once per use."""
    entry = _ORDINAL_CACHE.get(id(model))
    if entry is None or entry[0] is not model:
        if len(_ORDINAL_CACHE) > 8:
            _ORDINAL_CACHE.clear()
        entry = (model, {})
        _ORDINAL_CACHE[id(model)] = entry
    return entry[1]


def _entry_positions(model: NaiveModel, dm: int) -> dict[int, int]:
    memo = _ordinal_memo(model)
    key = ("positions", dm)
    if key not in memo:
        prefs = model.conflict.decision_makers[dm].preferences
        position: dict[int, int] = {}
        for p, entry in enumerate(prefs.ranking or [], start=1):
            for ref in entry if isinstance(entry, list) else [entry]:
                position[model.resolve(ref)] = p
        memo[key] = position
    return memo[key]


def ordinal_relation(model: NaiveModel, dm: int, a: int, b: int) -> str:
    """DM ``dm``'s relation of state a to state b: '>>', '>', '~', 'U', '<' or '<<'."""
    memo = _ordinal_memo(model)
    key = ("relation", dm, a, b)
    if key not in memo:
        memo[key] = _relation(model, dm, a, b)
    return memo[key]


def _relation(model: NaiveModel, dm: int, a: int, b: int) -> str:
    if a == b:
        return "~"
    prefs = model.conflict.decision_makers[dm].preferences
    scores = model.scores[dm]
    position = _entry_positions(model, dm)
    if scores[a] == scores[b]:
        if prefs.unknown == "ties":
            return "U"
        if isinstance(prefs.unknown, list) and position[a] in prefs.unknown:
            return "U"
        return "~"
    better, worse = (a, b) if scores[a] > scores[b] else (b, a)
    strong = False
    if prefs.strong is not None and prefs.prioritization:
        exprs = [parse(model.conflict, text) for text in prefs.prioritization[: prefs.strong]]
        strong = any(
            evaluate(e, model.rep(better)) != evaluate(e, model.rep(worse)) for e in exprs
        )
    elif prefs.strong is not None:
        gaps = [prefs.strong] if isinstance(prefs.strong, int) else prefs.strong
        strong = any(position[better] <= k < position[worse] for k in gaps)
    if a == better:
        return ">>" if strong else ">"
    return "<<" if strong else "<"


def ordinal_uncertain_moves(model: NaiveModel, dm: int, s: int, *, unknown: bool) -> set[int]:
    """R+U_i(s) (``unknown``) or R+_i(s): moves to states i prefers (or may prefer)."""
    allowed = {">>", ">", "U"} if unknown else {">>", ">"}
    return {t for t in model.moves[dm][s] if ordinal_relation(model, dm, t, s) in allowed}


class _UncertainMoves:
    """A naive model seen through R+U: its "improvements" are the improvements or unknown
    moves of the mover, so :func:`coalition_reach` with ``improving=True`` is R+U_H."""

    def __init__(self, model: NaiveModel) -> None:
        self.model = model
        self.moves = model.moves
        self._reach_cache: dict[tuple[Any, ...], set[int]] = {}

    def improvements(self, dm: int, s: int) -> set[int]:
        return ordinal_uncertain_moves(self.model, dm, s, unknown=True)


def ordinal_coalition_reach(model: NaiveModel, coalition: Sequence[int], start: int) -> set[int]:
    """R+U_H(s): legal sequences (no member twice in a row) of moves each of which is an
    improvement or an unknown move for the member making it."""
    memo = _ordinal_memo(model)
    if "uncertain" not in memo:
        memo["uncertain"] = _UncertainMoves(model)
    return coalition_reach(memo["uncertain"], coalition, start, improving=True)


def ordinal_stable_state(model: NaiveModel, concept: str, dm: int, s: int) -> bool:
    """Stability of s for dm under a canonical concept name of the family (GMR_a, SEQ_d,
    SMR_strong, GMR_weak, SEQ_a_strong, ...), straight from the definitions."""
    base, *rest = concept.split("_")
    strong = rest[-1] == "strong"
    variant = "c" if rest in (["strong"], ["weak"]) else rest[0]

    def sanction(s2: int) -> bool:
        relation = ordinal_relation(model, dm, s, s2)  # how i sees s against s2
        if strong:
            return relation == ">>"
        if variant in ("a", "c"):
            return relation in (">>", ">", "~")  # Phi~_i(s)
        return relation in (">>", ">", "~", "U")  # Phi~U_i(s)

    moves = ordinal_uncertain_moves(model, dm, s, unknown=variant in ("a", "b"))
    if base == "Nash":
        return not moves
    others = opponents(model, dm)
    for s1 in moves:
        if base == "SEQ":
            reached = ordinal_coalition_reach(model, others, s1)
        else:
            reached = coalition_reach(model, others, s1, improving=False)
        if base == "SMR":
            ok = any(
                sanction(s2) and all(sanction(s3) for s3 in model.moves[dm][s2]) for s2 in reached
            )
        else:
            ok = any(sanction(s2) for s2 in reached)
        if not ok:
            return False
    return True


# ---- h14-dm: per-DM solution concepts ----
# GMCR II (Fang, Hipel, Kilgour & Peng 2003, IEEE SMC-C 33(1)): each DM is analysed under its
# own concept; a state is an equilibrium when every DM finds it stable under its own one.


def per_dm_table(model: NaiveModel, assignment: Sequence[str]) -> list[list[bool]]:
    """Row i: the states stable for DM i under ``assignment[i]`` (decided naively)."""
    return [stable(model, assignment[i], i) for i in range(model.n_dms)]


# ---- h14-dm: stability margins ----
# detente's own measure (no paper): the fewest exchanges of two states on adjacent levels of
# one DM's ranking that flip whether a state is an equilibrium.  Written straight from that
# sentence: every sequence of k exchanges is tried, for k = 1, 2, ...


def with_scores(model: NaiveModel, dm: int, scores: list[float]) -> NaiveModel:
    """The same model with DM ``dm``'s scores replaced (and no stale cached improvements)."""
    new = [list(s) for s in model.scores]
    new[dm] = list(scores)
    return dataclasses.replace(
        model, scores=new, _reach_cache={}, _improvement_cache={}, _member_cache={}
    )


def naive_equilibrium_mask(model: NaiveModel, concept: str) -> list[bool]:
    rows = [stable(model, concept, i) for i in range(model.n_dms)]
    return [all(row[s] for row in rows) for s in range(model.n)]


def naive_margins(model: NaiveModel, concept: str, dm: int, max_changes: int) -> list[int]:
    """Per state: the least k <= max_changes flipping its equilibrium verdict, else -1."""
    base = naive_equilibrium_mask(model, concept)
    distinct = sorted(set(model.scores[dm]))
    start = [distinct.index(v) for v in model.scores[dm]]  # levels, 0 = worst
    margin = [-1] * model.n

    def walk(levels: list[int], depth: int, left: int) -> None:
        if left == 0:
            return
        for x in range(model.n):
            for y in range(model.n):
                if levels[x] == levels[y] + 1:
                    swapped = list(levels)
                    swapped[x], swapped[y] = levels[y], levels[x]
                    mask = naive_equilibrium_mask(
                        with_scores(model, dm, [float(v) for v in swapped]), concept
                    )
                    for s in range(model.n):
                        if mask[s] != base[s] and (margin[s] < 0 or margin[s] > depth):
                            margin[s] = depth
                    walk(swapped, depth + 1, left - 1)

    walk(start, 1, max_changes)
    return margin
