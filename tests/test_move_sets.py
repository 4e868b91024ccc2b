"""The move-set representations give identical answers.

:class:`~detente.engine.moves.BlockMoves` and :class:`~detente.engine.axis_moves.AxisMoves`
(reductions over the dense code space) must agree with
:class:`~detente.engine.moves.PaddedMoves` (explicit target lists) on every operation of the
:class:`~detente.engine.moves.MoveSet` protocol, and the whole analysis must not depend on
which one the engine picked.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import detente
from detente.engine.arrays import BOTTOM
from detente.engine.axis_moves import AxisMoves, AxisRule
from detente.engine.moves import BlockMoves, MoveReductions, PaddedMoves
from detente.model.conflict import Conflict

from .conflicts import conflicts, dial_conflicts


@st.composite
def free_conflicts(draw) -> Conflict:
    """Conflicts whose DMs own adjacent, free options (so BlockMoves applies), with
    dials, random infeasibility and tied preferences."""
    n_dms = draw(st.integers(2, 4))
    options, dms = [], []
    for d in range(n_dms):
        names = []
        for _ in range(draw(st.integers(1, 2 if d else 3))):
            name = f"o{len(options)}"
            top = draw(st.sampled_from([None, None, None, 2, 3]))
            options.append({"name": name} | ({"levels": f"0..{top}"} if top else {}))
            names.append(name)
        dms.append({"name": f"D{d}", "options": names})
    all_names = [o["name"] for o in options]
    for dm in dms:
        statements = [
            f"{'not ' if draw(st.booleans()) else ''}{draw(st.sampled_from(all_names))}"
            f" {draw(st.sampled_from(['and', 'or', 'iff', 'if']))}"
            f" {draw(st.sampled_from(all_names))}"
            for _ in range(draw(st.integers(1, 3)))
        ]
        dm["preferences"] = {"prioritization": statements}
    infeasible = []
    if draw(st.booleans()):
        a, b = draw(st.permutations(all_names))[:2] if len(all_names) > 1 else (all_names[0],) * 2
        if a != b:
            infeasible.append({"mutually_exclusive": [a, b]})
    return Conflict.model_validate(
        {"options": options, "decision_makers": dms, "infeasible": infeasible}
    )


def assert_same_reductions(fast: MoveReductions, slow: MoveReductions, values, what: str):
    """Both protocols' reductions agree, and ``empty`` never hides a move."""
    assert np.array_equal(fast.min_over(values), slow.min_over(values)), f"{what} min_over"
    assert np.array_equal(fast.max_over(values), slow.max_over(values)), f"{what} max_over"
    if fast.empty:
        assert slow.empty or (slow.max_over(values) == BOTTOM).all(), what


def assert_agrees_with_padded(space, seed: int) -> None:
    """Every DM's move set, and its improvements under random and own ranks, agree with
    the padded targets on random values (with ties, and with the extremes TOP/BOTTOM)."""
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 6, space.n_states).astype(np.int32)
    for dm, fast in enumerate(space.move_sets):
        slow = PaddedMoves(space.moves[dm])
        name = f"{type(fast).__name__} of DM {dm}"
        assert_same_reductions(fast, slow, values, name)
        other_rank = rng.integers(0, 4, space.n_states).astype(np.int32)
        for rank in (space.ranks[dm], other_rank):
            assert_same_reductions(
                fast.improving(rank), slow.improving(rank), values, f"improving {name}"
            )


@settings(max_examples=150, deadline=None)
@given(free_conflicts(), st.data())
def test_block_and_padded_moves_agree(conflict: Conflict, data) -> None:
    space = detente.compile_conflict(conflict)
    assert_agrees_with_padded(space, data.draw(st.integers(0, 2**32 - 1)))


@settings(max_examples=300, deadline=None)
@given(conflicts(merge=False), st.integers(0, 2**32 - 1))
def test_every_move_set_agrees_with_padded_moves(conflict: Conflict, seed: int) -> None:
    """Random conflicts of tests/conflicts.py: irreversible options, dials with and without
    steps, one-way dials, options in any order of the code, infeasible combinations."""
    assert_agrees_with_padded(detente.compile_conflict(conflict), seed)


@settings(max_examples=150, deadline=None)
@given(dial_conflicts(), st.integers(0, 2**32 - 1))
def test_dial_move_sets_agree_with_padded_moves(conflict: Conflict, seed: int) -> None:
    assert_agrees_with_padded(detente.compile_conflict(conflict), seed)


@settings(max_examples=100, deadline=None)
@given(st.one_of(free_conflicts(), conflicts(merge=False), dial_conflicts()))
def test_analysis_does_not_depend_on_representation(conflict: Conflict) -> None:
    fast_space = detente.compile_conflict(conflict)
    slow_space = detente.compile_conflict(conflict)
    padded = [PaddedMoves(m) for m in slow_space.moves]
    slow_space.__dict__["move_sets"] = padded
    slow_space.__dict__["improving_sets"] = [
        m.improving(slow_space.ranks[i]) for i, m in enumerate(padded)
    ]
    concepts = ["Nash", "GMR", "SMR", "SEQ"]
    fast = detente.analyze(fast_space, concepts)
    slow = detente.analyze(slow_space, concepts)
    for concept in concepts:
        assert (fast.stable[concept] == slow.stable[concept]).all(), concept


def test_block_moves_are_used_for_free_adjacent_options() -> None:
    space = detente.compile_conflict(detente.load_case("chicken"))
    assert all(isinstance(m, BlockMoves) for m in space.move_sets)
    # Elmira merges states: explicit targets are needed.
    elmira = detente.compile_conflict(detente.load_case("elmira"))
    assert not any(isinstance(m, (BlockMoves, AxisMoves)) for m in elmira.move_sets)


def structured(rules: dict[str, dict], owners: list[list[str]], infeasible=()) -> Conflict:
    names = list(rules)
    return Conflict.model_validate(
        {
            "options": [{"name": n, **rules[n]} for n in names],
            "decision_makers": [
                {"name": f"D{i}", "options": opts, "preferences": {"prioritization": [opts[0]]}}
                for i, opts in enumerate(owners)
            ],
            "infeasible": list(infeasible),
        }
    )


def test_axis_moves_serve_irreversible_stepped_and_scattered_options() -> None:
    conflict = structured(
        {
            "a": {"direction": "forward"},
            "b": {},
            "c": {"levels": "0..4", "step": 1},
            "d": {"levels": "0..5", "direction": "backward"},
            "e": {},
        },
        [["a", "b"], ["c", "e"], ["d"]],
        [{"when": {"a": "Y", "c": 4}}],
    )
    space = detente.compile_conflict(conflict)
    kinds = [type(m) for m in space.move_sets]
    assert kinds == [AxisMoves, AxisMoves, AxisMoves]  # one-way; not adjacent; one-way dial
    assert_agrees_with_padded(space, 7)
    assert AxisRule(2, "forward").interval(1) == (1, 1)
    assert AxisRule(5, "both", 1).interval(4) == (3, 4)


def test_sparse_spaces_keep_padded_moves() -> None:
    """Below the dense threshold (a quarter of the combinations feasible) padded moves stay."""
    conflict = structured(
        {"a": {}, "b": {}, "c": {}, "d": {}},
        [["a", "b"], ["c", "d"]],
        [
            {"at_least_one": ["a", "b"]},
            {"at_least_one": ["c", "d"]},
            {"mutually_exclusive": ["a", "b"]},
            {"mutually_exclusive": ["c", "d"]},
        ],
    )
    space = detente.compile_conflict(conflict)
    assert space.n_states == 4  # of 16 combinations: exactly the threshold, still dense
    assert all(isinstance(m, BlockMoves) for m in space.move_sets)
    sparse = structured(
        {"a": {}, "b": {}, "c": {}, "d": {}, "e": {}},
        [["a", "b", "e"], ["c", "d"]],
        [
            {"at_least_one": ["a", "b"]},
            {"at_least_one": ["c", "d"]},
            {"mutually_exclusive": ["a", "b"]},
            {"mutually_exclusive": ["c", "d"]},
            {"when": {"e": "Y", "a": "Y"}},
        ],
    )
    space = detente.compile_conflict(sparse)
    assert space.n_states < space.total_codes / 4
    assert all(isinstance(m, PaddedMoves) for m in space.move_sets)
    assert_agrees_with_padded(space, 3)


def test_a_dm_whose_options_are_all_committed_has_no_improvements() -> None:
    """A commitment can fix every option of a DM whose moves are axis moves (options not
    adjacent in the code): its move set is then empty, and so are its improvements (found by
    the strategy design's brute-force test)."""
    from detente.space.commit import commit

    conflict = structured({"a": {}, "b": {}, "c": {}}, [["b"], ["a", "c"]], [])
    space = commit(detente.compile_conflict(conflict), {"a": "N", "c": "Y"})
    assert isinstance(space.move_sets[1], AxisMoves) and space.move_sets[1].empty
    assert space.improving_sets[1].empty
    stable = detente.analyze(space, ["Nash", "GMR", "SEQ"])
    # With the second DM unable to move, the first is stable exactly where it is at its best.
    best = space.ranks[0] >= space.move_sets[0].max_over(space.ranks[0])
    for concept in ("Nash", "GMR", "SEQ"):
        assert (stable.stable[concept][0] == best).all()
        assert stable.stable[concept][1].all()
