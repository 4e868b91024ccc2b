"""The two move-set representations give identical answers.

:class:`~detente.engine.moves.BlockMoves` (reductions over the dense code space) must agree
with :class:`~detente.engine.moves.PaddedMoves` (explicit target lists) on every operation,
and the whole analysis must not depend on which one the engine picked.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import detente
from detente.engine.moves import BlockMoves, PaddedMoves
from detente.model.conflict import Conflict


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


@settings(max_examples=150, deadline=None)
@given(free_conflicts(), st.data())
def test_block_and_padded_moves_agree(conflict: Conflict, data) -> None:
    space = detente.compile_conflict(conflict)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    values = rng.integers(0, 6, space.n_states).astype(np.int32)
    for dm, fast in enumerate(space.move_sets):
        slow = PaddedMoves(space.moves[dm])
        if isinstance(fast, BlockMoves):
            assert (fast.min_over(values) == slow.min_over(values)).all()
            assert (fast.max_over(values) == slow.max_over(values)).all()
        fast_up, slow_up = fast.improving(space.ranks[dm]), slow.improving(space.ranks[dm])
        assert (fast_up.min_over(values) == slow_up.min_over(values)).all()
        assert (fast_up.max_over(values) == slow_up.max_over(values)).all()


@settings(max_examples=60, deadline=None)
@given(free_conflicts())
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
    # Elmira merges states and has irreversible options: explicit targets are needed.
    elmira = detente.compile_conflict(detente.load_case("elmira"))
    assert not any(isinstance(m, BlockMoves) for m in elmira.move_sets)
