"""Cost estimates before an analysis starts (detente.analyses.costs) and what the faces do
with them: the API computes what it is asked unless given a budget; ``detente analyze``
skips a default concept over the budget with one line saying how to force it, and runs a
concept named with ``--concept`` whatever its estimate.  No test here measures time."""

from __future__ import annotations

import json
import random
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from detente import analyze, compile_conflict, load_case
from detente.analyses import costs
from detente.analyses.stability import CONCEPTS
from detente.cli import main
from detente.model.conflict import Conflict

ESTIMATED = (*CONCEPTS, "NM", "L2")


def binary_conflict(sizes: list[int], seed: int, n_dms_preferring: int = 0) -> dict[str, Any]:
    """Binary options shared by DMs as ``sizes`` says; each DM ranks states by statements
    over the options of the first ``sum(sizes[:-1])`` options only, so that an option added
    to the last DM changes nobody's preferences."""
    rng = random.Random(seed)
    names = [f"o{k}" for k in range(sum(sizes))]
    mentioned = names[: max(2, sum(sizes[:-1]))]
    dms, start = [], 0
    for d, size in enumerate(sizes):
        statements = [
            f"{rng.choice(['', 'not '])}{a} {rng.choice(['and', 'or', 'iff'])} {b}"
            for a, b in (rng.sample(mentioned, 2) for _ in range(3))
        ]
        dms.append(
            {
                "name": f"D{d}",
                "options": names[start : start + size],
                "preferences": {"prioritization": statements},
            }
        )
        start += size
    return {"options": [{"name": n} for n in names], "decision_makers": dms}


@settings(max_examples=25, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 3), min_size=2, max_size=4),
    seed=st.integers(0, 10_000),
)
def test_estimates_grow_with_states_and_moves(sizes: list[int], seed: int) -> None:
    """One more option for the last DM doubles the states and adds moves: no estimate of
    any concept goes down, and every one goes up."""
    if len(sizes) > 2:
        sizes = sizes[:2]  # the limited-move concepts are for two DMs; keep every concept
    small = compile_conflict(Conflict.model_validate(binary_conflict(sizes, seed)))
    larger_data = binary_conflict([*sizes[:-1], sizes[-1] + 1], seed)
    # The same preferences: the added option is mentioned by no statement.
    for before, after in zip(
        binary_conflict(sizes, seed)["decision_makers"],
        larger_data["decision_makers"],
        strict=True,
    ):
        after["preferences"] = before["preferences"]
    larger = compile_conflict(Conflict.model_validate(larger_data))
    for concept in ESTIMATED:
        a, b = costs.estimate_cost(small, concept), costs.estimate_cost(larger, concept)
        assert b.steps > a.steps, concept
        assert b.seconds > a.seconds, concept


def test_sim_estimate_grows_with_opponents_choices() -> None:
    """A statement of A's that mentions B's option makes B's choices matter to A's SIM."""
    data = binary_conflict([2, 2], 1)
    data["decision_makers"][0]["preferences"] = {"prioritization": ["o0"]}
    blind = costs.estimate_cost(compile_conflict(Conflict.model_validate(data)), "SIM")
    data["decision_makers"][0]["preferences"] = {"prioritization": ["o0", "o2 or o3"]}
    seeing = costs.estimate_cost(compile_conflict(Conflict.model_validate(data)), "SIM")
    assert seeing.steps > blind.steps


def test_seqsim_costs_seq_and_sim() -> None:
    space = compile_conflict(load_case("elmira"))
    seq, sim, both = (costs.estimate_cost(space, c) for c in ("SEQ", "SIM", "SEQSIM"))
    assert both.steps == seq.steps + sim.steps


def test_api_computes_what_it_is_asked_unless_given_a_budget() -> None:
    space = compile_conflict(load_case("elmira"))
    everything = analyze(space)
    assert everything.concepts == list(CONCEPTS) and not everything.skipped
    sim = costs.estimate_cost(space, "SIM")
    nash = costs.estimate_cost(space, "Nash")
    assert nash.seconds < sim.seconds
    budget = (nash.seconds + sim.seconds) / 2
    cheap = analyze(space, ["Nash", "SIM"], budget=budget)
    assert cheap.concepts == ["Nash"] and list(cheap.skipped) == ["SIM"]
    assert np.array_equal(cheap.stable["Nash"], everything.stable["Nash"])


def test_progress_runs_from_zero_to_one_for_each_concept() -> None:
    seen: dict[str, list[float]] = {}

    def record(concept: str, fraction: float) -> None:
        seen.setdefault(concept, []).append(fraction)

    analyze(load_case("elmira"), ["GMR", "SIM"], progress=record)
    assert list(seen) == ["GMR", "SIM"]
    for fractions in seen.values():
        assert fractions[0] == 0 and fractions[-1] == 1
        assert fractions == sorted(fractions)


@pytest.fixture
def sim_over_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """A budget that Elmira's SIM and SEQSIM are over and its other concepts are not."""
    space = compile_conflict(load_case("elmira"))
    estimates = costs.estimate_costs(space, CONCEPTS)
    cheap = max(e.seconds for c, e in estimates.items() if c not in ("SIM", "SEQSIM"))
    assert cheap < estimates["SIM"].seconds
    monkeypatch.setattr(costs, "DEFAULT_BUDGET_SECONDS", (cheap + estimates["SIM"].seconds) / 2)


def test_default_concepts_over_the_budget_are_skipped_with_one_line(sim_over_budget: None) -> None:
    result = CliRunner().invoke(main, ["analyze", "--case", "elmira", "--format", "json"])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("detente: skipped SIM (estimated ")
    assert "SEQSIM (estimated" in lines[0]
    assert lines[0].endswith("run them with --concept SIM --concept SEQSIM")
    out = json.loads(result.stdout)
    assert list(out["equilibria"]) == ["Nash", "GMR", "SMR", "SEQ"]


def test_a_concept_named_runs_whatever_its_estimate(sim_over_budget: None) -> None:
    result = CliRunner().invoke(
        main, ["analyze", "--case", "elmira", "--concept", "SIM", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert "skipped" not in result.stderr
    expected = analyze(load_case("elmira"), ["SIM"]).equilibria("SIM")
    assert json.loads(result.stdout)["equilibria"]["SIM"] == [int(s) + 1 for s in expected]


def test_ctrl_c_stops_with_one_line_and_status_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("detente.cli.analyze", interrupted)
    result = CliRunner().invoke(main, ["analyze", "--case", "elmira", "--concept", "SIM"])
    assert result.exit_code == 130
    assert result.stderr == "detente: interrupted (Ctrl-C); no result\n"
