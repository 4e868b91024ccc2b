"""Strategies and outcomes (detente.strategies), against a naive restriction of the graph.

The reference: take the naive graph of the full conflict (tests/reference.py), keep the states
where the commitment holds, keep each DM's moves between kept states (R'_i(s) = R_i(s) ∩ S'),
keep every state's score, and decide stability and reachability by the definitions (Fang,
Hipel & Kilgour 1993; status quo analysis as in Li, Kilgour & Hipel 2005).  The module
under test instead compiles a restricted state space and runs the engine and
:mod:`detente.paths` on it.  For merged states the reference is a restricted model written
by hand (Elmira).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import detente
from detente.analyses.strategies import (
    BASELINE,
    OTHER,
    CommittedSpace,
    commit,
    compare,
    outcome_table,
    outcomes_of,
    sweep,
)
from detente.cli import main
from detente.engine.moves import PaddedMoves
from detente.errors import DetenteError, ModelError
from detente.model.conflict import Conflict
from detente.space.state_space import StateSpace

from .conflicts import atoms, dial_conflicts
from .reference import (
    NAIVE_CONCEPTS,
    evaluate,
    feasible_combos,
    naive_distances,
    naive_equilibria,
    naive_graph,
    statement,
)


# -- random conflicts with a status quo, outcomes and a commitment --------------------------
@st.composite
def committed_conflicts(draw: st.DrawFn) -> tuple[Conflict, dict[str, int]]:
    """A dial conflict with a random status quo and outcomes, and a commitment of 1-2
    options (possibly of different DMs) to random values."""
    conflict = draw(dial_conflicts(max_combinations=48))
    combos = feasible_combos(conflict)
    sq = draw(st.sampled_from(combos))
    options = [o.model_dump(exclude_defaults=True) for o in conflict.options]
    outcomes = [
        {"name": f"out{k}", "when": draw(atoms(options))} for k in range(draw(st.integers(0, 3)))
    ]
    names = draw(
        st.lists(st.sampled_from([o.name for o in conflict.options]), min_size=1, max_size=2)
    )
    committed = {
        name: draw(st.integers(0, conflict.options[conflict.option_index[name]].top))
        for name in names
    }
    update = {
        "status_quo": {o.name: v for o, v in zip(conflict.options, sq, strict=True)},
        "outcomes": [detente.Outcome(**o) for o in outcomes],
    }
    return conflict.model_copy(update=update), committed


def _holds(conflict: Conflict, combo: tuple[int, ...], committed: dict[str, int]) -> bool:
    index = conflict.option_index
    return all(combo[index[name]] == value for name, value in committed.items())


@settings(max_examples=80, deadline=None)
@given(committed_conflicts())
def test_strategy_equals_the_naive_restriction(case: tuple[Conflict, dict[str, int]]) -> None:
    conflict, committed = case
    combos = feasible_combos(conflict)
    kept = [c for c in combos if _holds(conflict, c, committed)]
    result = compare(conflict, NAIVE_CONCEPTS, strategies=[{"name": "held", "commit": committed}])
    baseline, report = result.strategies
    assert baseline.name == BASELINE and report.name == "held"
    if not kept:
        assert report.n_states == 0 and report.note and report.start is None
        return
    graph = naive_graph(conflict, kept)
    full_index = {c: s for s, c in enumerate(combos)}
    assert report.n_states == len(kept)
    # The committed status quo: the status quo with the committed values.
    sq = tuple(conflict.status_quo[o.name] for o in conflict.options)
    start = tuple(committed.get(o.name, v) for o, v in zip(conflict.options, sq, strict=True))
    restricted_index = {c: s for s, c in enumerate(kept)}
    distances = (
        naive_distances(graph, restricted_index[start]) if start in restricted_index else None
    )
    if distances is None:
        assert report.start is None and "infeasible" in (report.note or "")
    else:
        assert report.start == full_index[start]
        assert report.reachable_states == len(distances)
    outcome_exprs = [(o.name, statement(conflict, o.when)) for o in conflict.outcomes]
    for concept in NAIVE_CONCEPTS:
        expected = naive_equilibria(graph, concept)
        rep = report.concepts[concept]
        assert [e.state for e in rep.equilibria] == [full_index[kept[s]] for s in expected]
        for e, s in zip(rep.equilibria, expected, strict=True):
            names = [name for name, expr in outcome_exprs if evaluate(expr, kept[s])]
            assert e.outcomes == (names or [OTHER])
            want = None if distances is None else distances.get(s)
            assert e.steps == want
            if want is not None:
                assert e.path is not None and len(e.path) == want


@settings(max_examples=60, deadline=None)
@given(committed_conflicts())
def test_committed_space_is_a_state_space(case: tuple[Conflict, dict[str, int]]) -> None:
    """The restricted space answers every analysis; its states map into the parent's."""
    conflict, committed = case
    parent = detente.compile_conflict(conflict)
    try:
        space = commit(parent, committed)
    except ModelError:
        assert not any(_holds(conflict, c, committed) for c in feasible_combos(conflict))
        return
    assert isinstance(space, CommittedSpace)
    index = conflict.option_index
    for name, value in committed.items():
        assert (parent.values[space.parent_state, index[name]] == value).all()
    # Scores are the parent's; ranks keep the parent's order.
    assert np.array_equal(space.scores, parent.scores[:, space.parent_state])
    # Its conflict (the parent's plus infeasibility conditions) compiles to the same states.
    assert np.array_equal(StateSpace(space.conflict).codes, space.codes)
    # Its fast move lists equal the general builder's; its move sets (dense blocks where
    # possible) agree with explicit target lists.
    general = StateSpace.moves.func(space)
    assert [m.tolist() for m in space.moves] == [m.tolist() for m in general]
    rng = np.random.default_rng(len(committed) + space.n_states)
    values = rng.integers(0, 5, space.n_states).astype(np.int32)
    for dm, fast in enumerate(space.move_sets):
        slow = PaddedMoves(space.moves[dm])
        assert np.array_equal(fast.min_over(values), slow.min_over(values))
        assert np.array_equal(fast.max_over(values), slow.max_over(values))
        rank = space.ranks[dm]
        assert np.array_equal(
            fast.improving(rank).min_over(values), slow.improving(rank).min_over(values)
        )
    # No move of anybody changes a committed option.
    n = space.n_states
    for moves in space.moves:
        for row in moves:
            valid = row < n
            targets = space.parent_state[row[valid]]
            sources = space.parent_state[np.nonzero(valid)[0]]
            for name in committed:
                k = index[name]
                assert (parent.values[targets, k] == parent.values[sources, k]).all()


# -- outcomes -------------------------------------------------------------------------------
def test_outcome_table_evaluates_statements_per_state() -> None:
    conflict = detente.load_case("north-korea")
    space = detente.compile_conflict(conflict)
    names, table = outcome_table(space)
    assert names == [o.name for o in conflict.outcomes]
    assert table.shape == (space.n_states, len(names))
    for k, outcome in enumerate(conflict.outcomes):
        expr = statement(conflict, outcome.when)
        expected = [evaluate(expr, tuple(int(v) for v in row)) for row in space.values]
        assert table[:, k].tolist() == expected
    s = space.status_quo
    assert outcomes_of(space, s) == [n for n, hit in zip(names, table[s], strict=True) if hit]


def test_states_without_an_outcome_are_other() -> None:
    conflict = detente.load_case("elmira").model_copy(
        update={"outcomes": [detente.Outcome(name="cleanup", when="Accept and not Insist")]}
    )
    space = detente.compile_conflict(conflict)
    labels = {space.label(s): outcomes_of(space, s) for s in range(space.n_states)}
    assert labels["NNYNN"] == ["cleanup"]
    assert labels["NNYYN"] == [OTHER]
    assert labels["NYNNN"] == [OTHER]


def test_a_state_can_carry_several_outcomes() -> None:
    conflict = detente.load_case("elmira").model_copy(
        update={
            "outcomes": [
                detente.Outcome(name="modified", when="Modify"),
                detente.Outcome(name="accepted", when="Accept"),
            ]
        }
    )
    space = detente.compile_conflict(conflict)
    assert outcomes_of(space, space.state_index("YNYNN")) == ["modified", "accepted"]


# -- Elmira: merged states, irreversible options, rankings ----------------------------------
ELMIRA_MODIFIED = """
format: detente/1
name: Elmira with the modification made (written by hand)
options:
  - {name: Modify, direction: forward}
  - {name: Delay, direction: backward}
  - {name: Accept}
  - {name: Insist}
  - {name: Abandon, direction: forward}
decision_makers:
  # States 1..5 here are states 2, 4, 6, 8, 9 of the published 9-state model; the rankings
  # are the published ones restricted to them (MoE 7,3,4,8,5,1,2,6,9 -> 4,8,2,6,9 ...).
  - {name: MoE, options: [Modify], preferences: {ranking: [2, 4, 1, 3, 5]}}
  - {name: Uniroyal, options: [Delay, Accept, Abandon], preferences: {ranking: [2, 4, 5, 1, 3]}}
  - {name: LG, options: [Insist], preferences: {ranking: [4, 3, 2, 1, 5]}}
infeasible:
  - exactly_one: [Delay, Accept, Abandon]
  - {Modify: N}
merge:
  - {Abandon: Y}
status_quo: 1
"""
#: States of the hand-written model, as states (1-based) of the full Elmira model.
ELMIRA_MAP = [2, 4, 6, 8, 9]


def test_elmira_commitment_equals_a_hand_restricted_model() -> None:
    """MoE commits to modifying the control order: the same equilibria and paths as the
    model restricted by hand (Hipel, Fang, Kilgour & Haight 1993; Fang, Hipel & Kilgour
    1993, ch. 5)."""
    from detente.analyses.paths import status_quo_analysis

    hand = detente.parse_model(ELMIRA_MODIFIED, "elmira-modified.yaml")
    concepts = ["Nash", "GMR", "SMR", "SEQ", "SIM", "SEQSIM"]
    expected = detente.analyze(hand, concepts)
    hand_paths = status_quo_analysis(hand, concepts=concepts)
    result = compare(
        detente.load_case("elmira"),
        concepts,
        strategies=[{"name": "MoE modifies", "commit": {"Modify": "Y"}}],
    )
    report = result.strategy("MoE modifies")
    assert report.start == ELMIRA_MAP[0] - 1
    assert report.reachable_states == int((hand_paths.evolution.distance >= 0).sum())
    for concept in concepts:
        rep = report.concepts[concept]
        want = [ELMIRA_MAP[s] - 1 for s in expected.equilibria(concept)]
        assert [e.state for e in rep.equilibria] == want
        for e in rep.equilibria:
            hand_state = ELMIRA_MAP.index(e.state + 1)
            assert e.steps == hand_paths.target(hand_state).steps
    # The historical resolution: the order modified and accepted, LG insisting (state 8).
    nash = report.concepts["Nash"]
    assert 8 - 1 in [e.state for e in nash.reachable]


def test_elmira_baseline_is_the_plain_status_quo_analysis() -> None:
    from detente.analyses.paths import status_quo_analysis

    conflict = detente.load_case("elmira")
    result = compare(conflict, ["Nash", "SEQ"], strategies=[{"Modify": "Y"}])
    baseline = result.strategies[0]
    plain = status_quo_analysis(conflict, concepts=["Nash", "SEQ"])
    assert baseline.baseline and baseline.commitment == {}
    for concept in ("Nash", "SEQ"):
        rep = baseline.concepts[concept]
        assert [e.state for e in rep.equilibria] == list(plain.stability.equilibria(concept))
        assert [e.steps for e in rep.equilibria] == [
            plain.target(e.state).steps for e in rep.equilibria
        ]
    # A bare mapping is a strategy named after its values.
    assert result.strategies[1].name == "Modify=Y"


# -- the North Korea case, structurally -----------------------------------------------------
@pytest.fixture(scope="module")
def nk() -> Conflict:
    return detente.load_case("north-korea")


@pytest.fixture(scope="module")
def nk_comparison(nk: Conflict):
    return compare(nk, ["Nash", "GMR", "SEQ"])


def test_north_korea_declares_strategies_and_outcomes(nk: Conflict) -> None:
    assert len(nk.strategies) >= 4
    assert {"deal", "talks", "stalemate", "war"} <= {o.name for o in nk.outcomes}
    assert any(o.levels is not None for o in nk.options)


def test_north_korea_comparison_is_consistent(nk: Conflict, nk_comparison) -> None:
    result = nk_comparison
    space = result.space
    assert [r.name for r in result.strategies] == [BASELINE, *(s.name for s in nk.strategies)]
    sq_values = space.values[space.status_quo]
    names, table = outcome_table(space)
    for report, strategy in zip(result.strategies, [None, *nk.strategies], strict=True):
        committed = {} if strategy is None else _committed_values(space, strategy.commit)
        assert report.commitment == {space.option_names[k]: v for k, v in committed.items()}
        # The start is the status quo with the commitment applied.
        assert report.start is not None
        start_values = space.values[report.start]
        for k in range(space.n_options):
            assert start_values[k] == committed.get(k, sq_values[k])
        for concept, rep in report.concepts.items():
            assert concept in ("Nash", "GMR", "SEQ")
            for e in rep.equilibria:
                described = space.describe(e.state)
                for k, v in committed.items():
                    assert described[space.option_names[k]] in (v, None)
                assert e.outcomes == [
                    n for n, hit in zip(names, table[e.state], strict=True) if hit
                ]
                if e.reachable:
                    path = [step.to_json(space) for step in e.path or []]
                    _check_path(space, report.start, e.state, path, committed)
            reachable = rep.reachable
            if reachable:
                assert rep.verdict.startswith("reaches: ")
                for outcome in rep.outcomes_reachable:
                    assert outcome in rep.verdict
            elif rep.equilibria:
                assert rep.verdict == "no reachable equilibrium"


def _committed_values(space, commit_map: dict[str, Any]) -> dict[int, int]:
    from detente.model.values import pattern_constraints

    return dict(pattern_constraints(space.conflict, commit_map, ()))


def _check_path(space, start: int, target: int, path: list[dict], committed: dict[int, int]):
    """A path starts at the start, chains, ends at the target, never moves a committed
    option, and no DM takes two steps in a row."""
    if start == target:
        assert path == []
        return
    assert path[0]["from"] == start + 1 and path[-1]["to"] == target + 1
    for a, b in itertools.pairwise(path):
        assert a["to"] == b["from"]
        assert a["mover"] != b["mover"]
    names = {space.option_names[k] for k in committed}
    for step in path:
        assert not names & {c["option"] for c in step["changes"]}


def test_north_korea_comparison_outputs(nk_comparison) -> None:
    data = json.loads(json.dumps(nk_comparison.to_json()))
    assert data["concepts"] == ["Nash", "GMR", "SEQ"]
    assert data["strategies"][0]["name"] == BASELINE
    first = data["strategies"][1]
    assert set(first) >= {"name", "commit", "start", "concepts", "reachable_states", "note"}
    assert set(first["concepts"]["Nash"]) >= {"verdict", "count", "equilibria"}
    frame = nk_comparison.to_frame()
    assert frame.shape[0] == len(nk_comparison.strategies) * 3
    assert "verdict" in frame.columns
    assert "<table" in nk_comparison._repr_html_()


def test_north_korea_sweep_holds_each_level(nk: Conflict, nk_comparison) -> None:
    result = sweep(nk, "sanctions", ["Nash", "GMR", "SEQ"])
    space = result.space
    assert result.levels == list(range(11))
    for level, row in zip(result.levels, result.rows, strict=True):
        assert row.commitment == {"sanctions": level}
        for rep in row.concepts.values():
            for e in rep.equilibria:
                assert space.describe(e.state)["sanctions"] in (level, None)
    cells = result.cells()
    assert set(cells) == {"Nash", "GMR", "SEQ"}
    assert all(len(row) == 11 for row in cells.values())
    # A sweep row is the same analysis as the strategy with that single commitment.
    single = compare(nk, ["Nash", "SEQ"], strategies=[{"sanctions": 6}], baseline=False)
    for concept in ("Nash", "SEQ"):
        assert [e.state for e in result.cell(6, concept).equilibria] == [
            e.state for e in single.strategies[0].concepts[concept].equilibria
        ]
    frame = result.to_frame()
    assert frame.shape[0] == 11 * 3
    assert json.loads(json.dumps(result.to_json()))["levels"] == list(range(11))


def test_sweep_within_a_strategy(nk: Conflict) -> None:
    strategy = nk.strategies[0]
    result = sweep(nk, "sanctions", ["Nash"], strategy=strategy.name)
    assert result.within == strategy.name
    held = {k: v for k, v in strategy.commit.items() if k != "sanctions"}
    for level, row in zip(result.levels, result.rows, strict=True):
        assert row.commitment["sanctions"] == level
        for name in held:
            assert name in row.commitment


def test_sweep_of_a_binary_option_and_the_plot(nk: Conflict, tmp_path: Path) -> None:
    result = sweep(nk, "assurance", ["Nash", "SEQ"])
    assert result.levels == [0, 1]
    assert [result.level_text(v) for v in result.levels] == ["N", "Y"]
    for suffix in (".png", ".svg"):
        target = tmp_path / f"sweep{suffix}"
        figure = result.plot(target)
        assert target.stat().st_size > 1000
        assert len(figure.axes) == 2


def test_strategy_problems_are_reported_not_raised(nk: Conflict) -> None:
    # normalize is infeasible with sanctions >= 5 (the case says so): no state is left.
    result = compare(
        nk,
        ["Nash"],
        strategies=[
            {"name": "impossible", "commit": {"normalize": "Y", "sanctions": 9}},
            {"name": "relief", "commit": {"normalize": "Y"}},
        ],
    )
    impossible, relief = result.strategies[1:]
    assert impossible.n_states == 0 and "no feasible state" in (impossible.note or "")
    assert impossible.concepts["Nash"].equilibria == []
    # The status quo has sanctions at 5, so normalisation makes it infeasible.
    assert relief.n_states > 0 and relief.start is None
    assert "infeasible" in (relief.note or "")
    assert relief.concepts["Nash"].verdict.startswith("no status quo")


def test_bad_strategies_raise_clear_errors(nk: Conflict) -> None:
    with pytest.raises(ModelError, match=r"outside 0\.\.10"):
        compare(nk, ["Nash"], strategies=[{"sanctions": 11}])
    with pytest.raises(ModelError, match="unknown option"):
        compare(nk, ["Nash"], strategies=[{"name": "x", "commit": {"nope": 1}}])
    with pytest.raises(DetenteError, match="unknown strategy"):
        sweep(nk, "sanctions", ["Nash"], strategy="nope")
    with pytest.raises(DetenteError, match="unknown option 'nope'"):
        sweep(nk, "nope", ["Nash"])
    with pytest.raises(DetenteError, match="no strategies"):
        compare(detente.load_case("elmira"), ["Nash"])
    with pytest.raises(DetenteError, match="two strategies"):
        compare(nk, ["Nash"], strategies=[{"sanctions": 1}, {"sanctions": 1}])


# -- command line ---------------------------------------------------------------------------
def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_cli_compare_table_and_json() -> None:
    result = _run("compare", "--case", "north-korea", "--concept", "nash", "--concept", "seq")
    assert result.exit_code == 0, result.output
    conflict = detente.load_case("north-korea")
    for strategy in conflict.strategies:
        assert strategy.name.split()[0] in result.output
    result = _run("compare", "--case", "north-korea", "--concept", "nash", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["concepts"] == ["Nash"]
    assert len(data["strategies"]) == len(conflict.strategies) + 1


def test_cli_sweep_table_json_and_plot(tmp_path: Path) -> None:
    plot = tmp_path / "sweep.png"
    result = _run(
        "sweep", "--case", "north-korea", "--option", "sanctions", "--concept", "nash",
        "--plot", str(plot),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert plot.stat().st_size > 1000
    assert f"wrote {plot}" in result.output
    result = _run(
        "sweep", "--case", "north-korea", "--option", "sanctions", "--concept", "seq",
        "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0
    assert json.loads(result.output)["levels"] == list(range(11))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sweep", "--case", "north-korea", "--option", "nope"], "unknown option 'nope'"),
        (["sweep", "--case", "north-korea"], "Missing option '--option'"),
        (["compare", "--case", "elmira"], "defines no strategies"),
        (["sweep", "--case", "north-korea", "--option", "sanctions", "--plot", "x.txt"], ".png"),
        (
            ["sweep", "--case", "north-korea", "--option", "tests", "--strategy", "x"],
            "unknown strategy",
        ),
        (["compare", "--case", "north-korea", "--concept", "bogus"], "unknown solution concept"),
    ],
)
def test_cli_errors_are_one_line(args: list[str], message: str) -> None:
    result = _run(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_cli_sweep_on_a_binary_option_of_a_model_without_outcomes() -> None:
    result = _run("sweep", "--case", "elmira", "--option", "Insist", "--concept", "nash")
    assert result.exit_code == 0, result.output
    assert OTHER in result.output


def test_docstring_examples_run() -> None:
    import doctest

    import detente.analyses.strategies

    outcome = doctest.testmod(detente.analyses.strategies)
    assert outcome.attempted > 0 and outcome.failed == 0
