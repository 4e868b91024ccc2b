"""Coalition reachability (detente.analyses.reach) against the naive definitions.

R_H(s) and R_H^{++}(s) (Fang, Hipel & Kilgour 1993; Kilgour, Hipel, Fang & Peng 2001) come
from :func:`tests.reference.coalition_reach`, a breadth-first search over (state, last
mover) on the naive model, which never uses the compiled move arrays.  The block grouping
and the maximal-point reduction only start above a few hundred states, so the tests shrink
those thresholds to a few states to run every path on small random conflicts.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import detente.analyses.reach as reach
from detente import compile_conflict

from .conflicts import conflicts
from .reference import coalition_reach, naive_model

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


@pytest.fixture(params=[(1 << 9, 512), (3, 2)], ids=["default", "tiny groups"])
def thresholds(request, monkeypatch):
    group, front = request.param
    monkeypatch.setattr(reach, "GROUP_STATES", group)
    monkeypatch.setattr(reach, "_FRONT_FROM", front)
    return request.param


def _coalition(data, n_dms: int) -> tuple[int, ...]:
    members = data.draw(
        st.lists(st.integers(0, n_dms - 1), min_size=1, max_size=n_dms, unique=True)
    )
    return tuple(sorted(members))


@SETTINGS
@given(conflict=conflicts(max_dms=4, max_options=6), data=st.data())
def test_reach_and_improvements_match_definitions(thresholds, conflict, data):
    space = compile_conflict(conflict)
    model = naive_model(conflict)
    coalition = _coalition(data, space.n_dms)
    everything = np.arange(space.n_states)
    for improving in (False, True):
        got_s, got_t = reach.coalition_reachable(
            space, coalition, everything, improvements_only=improving
        )
        expected = sorted(
            (s, t)
            for s in everything.tolist()
            for t in coalition_reach(model, list(coalition), s, improving=improving)
        )
        assert list(zip(got_s.tolist(), got_t.tolist(), strict=True)) == expected
    moves = reach.coalitional_improvements(space, coalition)
    for s in range(space.n_states):
        expected_t = {
            t
            for t in coalition_reach(model, list(coalition), s, improving=False)
            if all(model.scores[i][t] > model.scores[i][s] for i in coalition)
        }
        assert set(moves.targets(s).tolist()) == expected_t
        assert set(reach.coalitional_improvements(space, coalition, s).tolist()) == expected_t


@SETTINGS
@given(conflict=conflicts(max_dms=4, max_options=6), data=st.data())
def test_reach_dominates_matches_definition(thresholds, conflict, data):
    """Some t in R_H(s) with v_k(t) > r_k(s) for every member, for v the ranks and for a
    random v <= the ranks (as the sanctions' least ranks are)."""
    space = compile_conflict(conflict)
    model = naive_model(conflict)
    coalition = _coalition(data, space.n_dms)
    ranks = space.ranks[list(coalition)]
    seed = data.draw(st.integers(0, 2**16))
    lowered = ranks - np.random.default_rng(seed).integers(0, 3, size=ranks.shape).astype(np.int32)
    got = reach.reach_dominates(space, coalition, [ranks, lowered])
    for v, found in zip([ranks, lowered], got, strict=True):
        expected = [
            any(
                all(v[k][t] > ranks[k][s] for k in range(len(coalition)))
                for t in coalition_reach(model, list(coalition), s, improving=False)
            )
            for s in range(space.n_states)
        ]
        assert found.tolist() == expected


@SETTINGS
@given(conflict=conflicts(max_dms=4, max_options=6), data=st.data())
def test_reach_min_rows_is_the_engine_kernel_row_by_row(conflict, data):
    from detente.engine import coalition_reach_min

    space = compile_conflict(conflict)
    coalition = _coalition(data, space.n_dms)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    values = rng.integers(0, 5, size=(3, space.n_states)).astype(np.int32)
    got = reach.reach_min_rows([space.moves[i] for i in coalition], values)
    sets = [space.move_sets[i] for i in coalition]
    assert got.tolist() == [coalition_reach_min(sets, row).tolist() for row in values]


def test_maximal_points():
    points = np.array([[3, 1, 2, 3, 0], [0, 2, 2, 0, 1]])
    assert sorted(map(tuple, reach._maximal(points, chunk=2).tolist())) == [(2, 2), (3, 0)]


def test_budget_and_bad_states_are_clear_errors():
    from detente import load_case
    from detente.errors import DetenteError, SizeLimitError

    space = compile_conflict(load_case("elmira"))
    with pytest.raises(SizeLimitError, match="coalition"):
        reach.coalitional_improvements(space, "MoE+Uniroyal+LG", None, budget=1)
    with pytest.raises(DetenteError, match="outside"):
        reach.coalitional_improvements(space, "MoE", 9)
    with pytest.raises(DetenteError, match="0-based"):
        reach.coalition_reachable(space, "MoE", [-1])


@SETTINGS
@given(
    conflict=conflicts(max_dms=4, max_options=6, merge=False), free=st.booleans(), data=st.data()
)
def test_beaten_within_reach_matches_definition(thresholds, conflict, free, data):
    """Some t in {x} ∪ R_H(x) beats the levels for every member, on free coalitions (by
    the blocks' maximal points) and on any (by the pulled-back fixpoint)."""
    if free:
        options = [
            o.model_copy(update={"direction": "both", "step": None}) for o in conflict.options
        ]
        conflict = conflict.model_copy(update={"options": options, "merge": []})
    space = compile_conflict(conflict)
    model = naive_model(conflict)
    coalition = _coalition(data, space.n_dms)
    assert reach.free_coalition(space, coalition) or not free
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    ranks = space.ranks[list(coalition)]
    levels = ranks[:, rng.integers(0, space.n_states, size=3)] - rng.integers(0, 2, size=(1, 3))
    got = reach.beaten_within_reach(space, coalition, levels.astype(np.int32))
    for j in range(levels.shape[1]):
        expected = [
            any(
                all(ranks[k][t] > levels[k, j] for k in range(len(coalition)))
                for t in {x} | coalition_reach(model, list(coalition), x, improving=False)
            )
            for x in range(space.n_states)
        ]
        assert got[j].tolist() == expected
