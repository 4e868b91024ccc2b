"""Strategy design (detente.analyses.design) against brute force with compare."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import detente
from detente.analyses.design import default_side, design
from detente.analyses.strategies import compare
from detente.errors import DetenteError
from detente.model.conflict import Conflict

from . import reference
from .conflicts import conflict_data, statements

CONCEPTS = ["Nash", "SEQ"]


@st.composite
def designed_conflicts(draw: st.DrawFn) -> dict[str, Any]:
    data = draw(conflict_data(max_dms=3, max_options=4, merge=False))
    model = reference.naive_model(Conflict.model_validate(data), with_preferences=False)
    data["status_quo"] = draw(st.integers(1, model.n))
    data["outcomes"] = [
        {"name": f"out{j}", "when": draw(statements(data["options"]))} for j in range(2)
    ]
    return data


@settings(max_examples=25, deadline=None)
@given(designed_conflicts(), st.integers(0, 1))
def test_design_equals_brute_force(data: dict[str, Any], who: int) -> None:
    conflict = Conflict.model_validate(data)
    side = [conflict.decision_makers[who].name]
    result = design(conflict, side=side, concepts=CONCEPTS)
    for outcome in ("out0", "out1"):
        expected = reference.naive_design(conflict, side, outcome, CONCEPTS)
        got = {
            tuple(sorted((conflict.options[k].name, v) for k, v in p.values)): p
            for p in result.packages[outcome]
        }
        # Supersets of a package that works everywhere are pruned, never minimal.
        assert set(got) <= set(expected)
        assert {k for k, p in got.items() if p.minimal} == {
            k for k, (_, minimal) in expected.items() if minimal
        }
        for key, package in got.items():
            hit, minimal = expected[key]
            assert package.minimal == minimal
            assert {c for c, p in package.probability.items() if p > 0} == hit
            assert all(p in (0.0, 1.0) for p in package.probability.values())


def test_north_korea_top_package_reaches_the_deal_when_committed() -> None:
    conflict = detente.load_case("north-korea")
    result = design(conflict, jobs=2)
    assert result.side == default_side(conflict) == ["US", "SouthKorea", "China"]
    assert result.complete and result.analysed + result.pruned == result.candidates
    top = result.recommendations("deal")[0]
    assert top.minimal and min(top.probability.values()) > 0
    # Committed as a strategy, the package reaches what it claims (compare, model's
    # preferences: the likeliest scenario of the belief).
    report = compare(conflict, CONCEPTS, strategies=[{"name": "top", "commit": top.commit}])
    reached = report.strategy("top").concepts
    assert any("deal" in reached[c].outcomes_reachable for c in CONCEPTS)
    # No subset of it does as well.
    for k in range(len(top.values)):
        smaller = top.values[:k] + top.values[k + 1 :]
        others = [p for p in result.packages["deal"] if p.values == smaller]
        assert not others or any(
            others[0].probability[c] < top.probability[c] for c in CONCEPTS
        )
    lines = result.summary_lines()
    assert lines and "→ deal" in lines[0]


def test_every_recommendation_committed_reaches_its_outcome() -> None:
    conflict = detente.load_case("north-korea")
    result = design(conflict, side=["US"], concepts=["Nash"])
    for p in result.recommendations():
        if not p.commit:
            continue
        # the model's own preferences are one scenario of the belief
        strategy = [{"name": "p", "commit": p.commit}]
        rep = compare(conflict, ["Nash"], strategies=strategy).strategy("p").concepts["Nash"]
        if p.probability["Nash"] == 1.0:
            assert p.outcome in rep.outcomes_reachable


def test_bad_input_is_one_line() -> None:
    conflict = detente.load_case("north-korea")
    with pytest.raises(DetenteError, match="unknown decision maker"):
        design(conflict, side=["Nobody"])
    with pytest.raises(DetenteError, match="unknown outcome"):
        design(conflict, side=["China"], agreement="peace")
    with pytest.raises(DetenteError, match="not one of the model's hypotheses"):
        design(conflict, side=["China"], belief={"aliens": 1.0})
    with pytest.raises(DetenteError, match="no outcomes"):
        design(detente.load_case("elmira"), side=["MoE"])
