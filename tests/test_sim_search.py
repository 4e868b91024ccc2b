"""SIM's branch search (detente.engine.stability.sim_stable) on its less travelled paths.

tests/test_engine_properties.py compares SIM with the definition (tests/reference.py) on
random conflicts, with and without merged states.  Here the same comparison runs with the
search forced down the paths small conflicts rarely take: a branch budget of one row (the
depth-first chunking) and opponents' choices deduplicated by sorting instead of by bit set
(opponents whose relevant options have more than 16 combinations).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from detente import compile_conflict
from detente.analyses import stability as analyses_stability
from detente.engine import stability as engine_stability
from detente.model.conflict import Conflict

from . import reference
from .conflicts import conflict_data

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,  # the patch is the same for every example
    ],
)


def _check_sim(data: dict[str, Any]) -> None:
    conflict = Conflict.model_validate(data)
    space = compile_conflict(conflict)
    model = reference.naive_model(conflict)
    expected = np.array(reference.stability_table(model, ["SIM"])["SIM"], dtype=bool)
    got = np.stack([analyses_stability.stable_for(space, "SIM", i) for i in range(space.n_dms)])
    assert np.array_equal(got, expected), (got.astype(int), expected.astype(int))


@pytest.fixture
def tiny_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    original = engine_stability.sim_stable

    def one_row_at_a_time(*args: Any, **kwargs: Any) -> np.ndarray:
        return original(*args, **{**kwargs, "budget": 1})

    monkeypatch.setattr(analyses_stability, "sim_stable", one_row_at_a_time)


@pytest.fixture
def sorted_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine_stability, "_BIT_SET_UP_TO", 1)


@SETTINGS
@given(conflict_data(merge=True))
def test_sim_with_a_budget_of_one_row(tiny_budget: None, data: dict[str, Any]) -> None:
    _check_sim(data)


@SETTINGS
@given(conflict_data(min_dms=3, max_dms=5, merge=True))
def test_sim_with_choices_deduplicated_by_sorting(
    sorted_choices: None, data: dict[str, Any]
) -> None:
    _check_sim(data)


def test_opponents_whose_options_do_not_matter_are_skipped() -> None:
    """B's option never changes A's rank, so A's relevant options are A's own only, and
    A's UI from NN escapes: SIM-unstable, as the definition says."""
    conflict = Conflict.model_validate(
        {
            "options": [{"name": "a"}, {"name": "b"}],
            "decision_makers": [
                {"name": "A", "options": ["a"], "preferences": {"prioritization": ["a"]}},
                {"name": "B", "options": ["b"], "preferences": {"prioritization": ["a"]}},
            ],
        }
    )
    space = compile_conflict(conflict)
    relevant = engine_stability.sim_relevant_options(space.ranks[0], space.codes, space.radices)
    assert relevant.tolist() == [True, False]
    model = reference.naive_model(conflict)
    assert analyses_stability.stable_for(space, "SIM", 0).tolist() == reference.stable(
        model, "SIM", 0
    )
