"""The pressure dial: multi-level options, end to end, against a naive computation.

A dial is an option with ordered integer levels 0..top.  Its states are mixed-radix codes
(option k has radix r_k = top_k + 1 and place value w_k = r_0 * ... * r_{k-1}); a move of
its owner changes it by any number of levels, or by at most ``step``; ``direction`` allows
only moves up (forward) or down (backward); statements compare levels (``d >= 6``,
``d between 3 and 5``); labels show the level of each dial, separated by '.' when some
option has more than ten levels.

Everything is recomputed by the dial reference of tests/reference.py from the model with
plain Python (itertools, sets, loops): feasible combinations, codes, labels, unilateral
moves R_i(s), prioritization scores (Fang, Hipel, Kilgour & Peng 2003: statement k of K
weighs 2^(K-k)), and Nash, GMR, SMR, SEQ and SIM stability as defined by Fang, Hipel &
Kilgour (1993), *Interactive Decision Making*, ch. 4.  The statement parser is trusted (it
has its own tests); the parsed tree is evaluated by the reference's small walker
``evaluate``.  The random dial conflicts are ``tests.conflicts.dial_conflicts``;
:mod:`tests.test_strategies` uses the same helpers.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings

import detente
from detente.model.conflict import Conflict

from .conflicts import dial_conflicts
from .reference import (
    NAIVE_CONCEPTS,
    code,
    feasible_combos,
    naive_equilibria,
    naive_graph,
    naive_label,
    naive_stable,
    statement,
)


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
