"""The pressure dial: multi-level options, end to end, against a naive computation.

A dial is an option with ordered integer levels 0..top.  Its states are mixed-radix codes
(option k has radix r_k = top_k + 1 and place value w_k = r_0 * ... * r_{k-1}); a move of
its owner changes it by any number of levels, or by at most ``step``; ``direction`` allows
only moves up (forward) or down (backward); statements compare levels (``d >= 6``,
``d between 3 and 5``); labels show the level of each dial, separated by '.' when some
option has more than ten levels.

Everything below is recomputed here from the model with plain Python (itertools, sets,
loops): feasible combinations, codes, labels, unilateral moves R_i(s), prioritization
scores (Fang, Hipel, Kilgour & Peng 2003: statement k of K weighs 2^(K-k)), and Nash, GMR,
SMR, SEQ and SIM stability as defined by Fang, Hipel & Kilgour (1993), *Interactive Decision
Making*, ch. 4.  The statement parser is trusted (it has its own tests); the parsed tree is
evaluated by the small walker :func:`truth`.  :mod:`tests.test_strategies` reuses these
helpers.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import detente
from detente.model.conflict import Conflict
from detente.model.statements import Expr, parse_statement

from .reference import evaluate  # the naive statement walker

Combo = tuple[int, ...]

# -- naive model ----------------------------------------------------------------------------


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
    """R_H(start) (or R+_H): states reached by a legal sequence of moves of the members,
    none moving twice in a row (Fang, Hipel & Kilgour 1993)."""
    reached: set[int] = set()
    seen: set[tuple[int, int]] = set()
    queue: deque[tuple[int, int | None]] = deque([(start, None)])
    while queue:
        state, last = queue.popleft()
        for mover in coalition:
            if mover == last:
                continue
            targets = graph.improvements(mover, state) if improving else graph.moves[mover][state]
            for t in targets:
                if (t, mover) not in seen:
                    seen.add((t, mover))
                    reached.add(t)
                    queue.append((t, mover))
    return reached


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


# -- random dial conflicts ------------------------------------------------------------------
@st.composite
def dial_conflicts(draw: st.DrawFn, max_combinations: int = 96) -> Conflict:
    """Small conflicts with at least one dial: random tops, steps and directions, binary
    options, comparisons in preferences and infeasibility, 2-3 DMs."""
    n_dms = draw(st.integers(2, 3))
    options: list[dict[str, Any]] = []
    owners: list[int] = []
    total = 1
    for d in range(n_dms):
        for _ in range(draw(st.integers(1, 2))):
            top = draw(st.sampled_from([None, None, 2, 3, 4]))
            if not options:
                top = draw(st.sampled_from([2, 3, 4, 5]))  # the first option is a dial
            radix = 2 if top is None else top + 1
            if total * radix > max_combinations:
                top, radix = None, 2
                if total * 2 > max_combinations:
                    break
            option: dict[str, Any] = {"name": f"o{len(options)}"}
            if top is not None:
                option["levels"] = draw(st.sampled_from([f"0..{top}", top]))
                if draw(st.booleans()):
                    option["step"] = draw(st.integers(1, top))
            option["direction"] = draw(st.sampled_from(["both", "both", "forward", "backward"]))
            options.append(option)
            owners.append(d)
            total *= radix
    used = sorted(set(owners))
    dms = [
        {
            "name": f"D{d}",
            "options": [o["name"] for o, w in zip(options, owners, strict=True) if w == d],
        }
        for d in used
    ]
    for dm in dms:
        dm["preferences"] = {
            "prioritization": [draw(atoms(options)) for _ in range(draw(st.integers(1, 4)))]
        }
    infeasible_conditions: list[dict[str, Any]] = []
    if draw(st.booleans()):
        infeasible_conditions.append({"statement": draw(atoms(options))})
    data = {"options": options, "decision_makers": dms, "infeasible": infeasible_conditions}
    conflict = Conflict.model_validate(data)
    if not feasible_combos(conflict):
        conflict = Conflict.model_validate({**data, "infeasible": []})
    return conflict


def _top(option: dict[str, Any]) -> int:
    levels = option.get("levels")
    if levels is None:
        return 1
    return int(str(levels).split("..")[-1])


@st.composite
def atoms(draw: st.DrawFn, options: list[dict[str, Any]]) -> str:
    """A statement: a comparison on a dial, 'between', a bare option, or a combination."""
    option = draw(st.sampled_from(options))
    name, top = option["name"], _top(option)
    kind = draw(st.sampled_from(["compare", "between", "taken", "and", "not"]))
    if kind == "compare":
        op = draw(st.sampled_from([">=", "<=", ">", "<", "==", "=", "!="]))
        return f"{name} {op} {draw(st.integers(0, top))}"
    if kind == "between":
        low = draw(st.integers(0, top))
        return f"{name} between {low} and {draw(st.integers(low, top))}"
    if kind == "taken":
        return name
    other = draw(st.sampled_from(options))
    if kind == "and":
        return f"{name} >= {draw(st.integers(0, top))} and not {other['name']}"
    return f"not {name} if {other['name']} < {draw(st.integers(1, _top(other)))}"


# -- tests ----------------------------------------------------------------------------------
@settings(max_examples=120, deadline=None)
@given(dial_conflicts())
def test_codes_labels_and_values_match_the_naive_enumeration(conflict: Conflict) -> None:
    space = detente.compile_conflict(conflict)
    combos = feasible_combos(conflict)
    assert space.n_states == len(combos)
    assert space.codes.tolist() == [code(conflict, c) for c in combos]
    assert [tuple(int(v) for v in row) for row in space.values] == combos
    labels = [naive_label(conflict, c) for c in combos]
    assert space.labels == labels
    for s, label in enumerate(labels):
        assert space.state_index(label) == s
        assert (
            space.state_index({o.name: v for o, v in zip(conflict.options, combos[s], strict=True)})
            == s
        )


@settings(max_examples=120, deadline=None)
@given(dial_conflicts())
def test_moves_respect_size_step_and_direction(conflict: Conflict) -> None:
    space = detente.compile_conflict(conflict)
    graph = naive_graph(conflict)
    n = space.n_states
    for dm in range(space.n_dms):
        table = space.moves[dm]
        engine = [set(int(t) for t in table[:, s] if t < n) for s in range(n)]
        assert engine == graph.moves[dm]


@settings(max_examples=120, deadline=None)
@given(dial_conflicts())
def test_comparisons_in_statements(conflict: Conflict) -> None:
    """Prioritization scores (which evaluate the comparisons) equal the naive ones."""
    space = detente.compile_conflict(conflict)
    graph = naive_graph(conflict)
    assert space.scores.tolist() == graph.scores


@settings(max_examples=60, deadline=None)
@given(dial_conflicts(max_combinations=48))
def test_stability_with_dials_matches_the_definitions(conflict: Conflict) -> None:
    space = detente.compile_conflict(conflict)
    graph = naive_graph(conflict)
    result = detente.analyze(space, NAIVE_CONCEPTS)
    for concept in NAIVE_CONCEPTS:
        for dm in range(space.n_dms):
            expected = [naive_stable(graph, concept, dm, s) for s in range(space.n_states)]
            assert result.stable[concept][dm].tolist() == expected, (concept, dm)


def _one_dial(**dial: Any) -> Conflict:
    """A dial d (owner A) and a binary option x (owner B)."""
    return Conflict.model_validate(
        {
            "options": [{"name": "d", **dial}, {"name": "x"}],
            "decision_makers": [
                {"name": "A", "options": ["d"], "preferences": {"prioritization": ["d >= 2"]}},
                {"name": "B", "options": ["x"], "preferences": {"prioritization": ["x"]}},
            ],
        }
    )


def _targets(conflict: Conflict, label: str) -> list[str]:
    space = detente.compile_conflict(conflict)
    s = space.state_index(label)
    n = space.n_states
    return sorted(space.label(int(t)) for t in space.moves[0][:, s] if t < n)


@pytest.mark.parametrize(
    ("dial", "start", "expected"),
    [
        ({"levels": "0..4"}, "2N", ["0N", "1N", "3N", "4N"]),  # any size, both ways
        ({"levels": "0..4", "step": 1}, "2N", ["1N", "3N"]),
        ({"levels": "0..4", "step": 2}, "0N", ["1N", "2N"]),
        ({"levels": "0..4", "direction": "forward"}, "2N", ["3N", "4N"]),
        ({"levels": "0..4", "direction": "backward"}, "2N", ["0N", "1N"]),
        ({"levels": "0..4", "direction": "forward", "step": 1}, "4N", []),
        ({"levels": 4, "direction": "backward", "step": 3}, "4N", ["1N", "2N", "3N"]),
    ],
)
def test_dial_moves_by_hand(dial: dict[str, Any], start: str, expected: list[str]) -> None:
    assert _targets(_one_dial(**dial), start) == expected


def test_labels_of_a_wide_dial_are_separated() -> None:
    conflict = _one_dial(levels="0..10")
    space = detente.compile_conflict(conflict)
    assert space.label(space.state_index({"d": 10, "x": "Y"})) == "10.Y"
    assert space.state_index("10.Y") == space.state_index({"d": 10, "x": True})
    # Mixed radix: d has place value 1, x has place value 11.
    assert int(space.codes[space.state_index("3.Y")]) == 3 + 11
    narrow = detente.compile_conflict(_one_dial(levels="0..9"))
    assert narrow.label(narrow.state_index({"d": 9, "x": "N"})) == "9N"


def test_comparison_statements_by_hand() -> None:
    conflict = _one_dial(levels="0..10")
    space = detente.compile_conflict(conflict)
    d = space.values[:, 0]
    for text, expected in [
        ("d >= 6", d >= 6),
        ("d between 3 and 5", (d >= 3) & (d <= 5)),
        ("d == 10 and not x", (d == 10) & (space.values[:, 1] == 0)),
        ("d", d > 0),
        ("d != 0 -> x", (d == 0) | (space.values[:, 1] == 1)),
    ]:
        assert statement(conflict, text).evaluate(space.values).tolist() == expected.tolist()
    # Infeasibility by comparison removes exactly those states.
    restricted = conflict.model_copy(
        update={"infeasible": [detente.Condition(statement="d between 3 and 5")]}
    )
    assert detente.compile_conflict(restricted).n_states == space.n_states - 3 * 2


def test_a_dial_changes_equilibria_as_the_definitions_say() -> None:
    """A hand-checked dial conflict: A wants d >= 2 but turns the dial one level at a time,
    forward only; B wants x exactly when d is at 3."""
    conflict = Conflict.model_validate(
        {
            "options": [
                {"name": "d", "levels": "0..3", "step": 1, "direction": "forward"},
                {"name": "x"},
            ],
            "decision_makers": [
                {"name": "A", "options": ["d"], "preferences": {"prioritization": ["d >= 2"]}},
                {
                    "name": "B",
                    "options": ["x"],
                    "preferences": {"prioritization": ["x iff d == 3"]},
                },
            ],
        }
    )
    space = detente.compile_conflict(conflict)
    result = detente.analyze(space, ["Nash"])
    labels = sorted(space.label(int(s)) for s in result.equilibria("Nash"))
    # At d = 0 A's only move (to 1) is no improvement: a stepped dial can stall myopic
    # pressure.  At 1 A moves up to 2; at 2 and 3 A is satisfied and B matches x to d == 3.
    assert labels == ["0N", "2N", "3Y"]
    graph = naive_graph(conflict)
    assert (
        sorted(naive_label(conflict, graph.states[s]) for s in naive_equilibria(graph, "Nash"))
        == labels
    )
