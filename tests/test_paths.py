"""Status quo analysis (detente.paths) against a naive breadth-first search.

The reference works on :mod:`tests.reference`'s naive model: R_i(s) enumerated from the
definitions (Fang, Hipel & Kilgour 1993) as Python sets, never from ``space.moves``.  Its
evolution is a textbook BFS over (state, last mover) pairs with a deque, following the
rule of Li, Kilgour & Hipel (2005): nobody moves twice in a row.
"""

from __future__ import annotations

import itertools
import json
from collections import deque
from collections.abc import Sequence

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import detente
from detente.analyses.paths import (
    MOVE_MODES,
    coalition_reachable,
    coalitional_improvements,
    evolution,
    free_coalition,
    labels_of,
    status_quo_analysis,
)
from detente.cli import main
from detente.errors import DetenteError, ModelError, SizeLimitError

from .conflicts import conflicts
from .reference import NaiveModel, coalition_reach, naive_model

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# -- the naive reference -------------------------------------------------------------------------
def naive_movers(model: NaiveModel, moves: str) -> list[tuple[int, ...]]:
    singles = [(i,) for i in range(model.n_dms)]
    if moves != "coalitions":
        return singles
    return singles + [
        c
        for size in range(2, model.n_dms + 1)
        for c in itertools.combinations(range(model.n_dms), size)
    ]


def naive_steps(model: NaiveModel, mover: tuple[int, ...], moves: str, s: int) -> set[int]:
    """The states ``mover`` may step to from s, straight from the definitions."""
    if len(mover) == 1:
        i = mover[0]
        if moves == "any":
            return set(model.moves[i][s])
        return {t for t in model.moves[i][s] if model.scores[i][t] > model.scores[i][s]}
    reach = coalition_reach(model, mover, s, improving=False)
    return {t for t in reach if all(model.scores[i][t] > model.scores[i][s] for i in mover)}


def naive_distances(
    model: NaiveModel,
    start: int,
    moves: str,
    *,
    consecutive: bool = False,
    max_depth: int | None = None,
) -> list[int]:
    """Least number of steps to every state (-1 if unreachable), by a plain BFS."""
    movers = naive_movers(model, moves)
    distance = [-1] * model.n
    distance[start] = 0
    seen: set[tuple[int, int | None]] = {(start, None)}
    queue: deque[tuple[int, int | None, int]] = deque([(start, None, 0)])
    while queue:
        state, last, d = queue.popleft()
        if max_depth is not None and d >= max_depth:
            continue
        for k, mover in enumerate(movers):
            if k == last and not consecutive:
                continue
            for t in naive_steps(model, mover, moves, state):
                key = (t, None if consecutive else k)
                if key in seen:
                    continue
                seen.add(key)
                if distance[t] < 0:
                    distance[t] = d + 1
                queue.append((t, key[1], d + 1))
    return distance


def check_path(
    model: NaiveModel,
    space: detente.StateSpace,
    evo,
    target: int,
    moves: str,
    consecutive: bool,
) -> None:
    """Every step is a legal step of its mover, the path is connected and as short as the
    distance, and (unless allowed) nobody moves twice in a row."""
    steps = evo.path(target)
    assert steps is not None
    assert len(steps) == evo.distance[target]
    state = evo.start
    previous = None
    for step in steps:
        assert step.before == state
        mover = tuple(sorted(space.dm_names.index(name) for name in step.mover))
        assert step.after in naive_steps(model, mover, moves, step.before)
        if not consecutive:
            assert mover != previous
        owned = {space.option_names[k] for i in mover for k in space.dm_options[i]}
        # A merged state may leave every changed option open; and a coalition's sequence
        # may pass through a merged state, whose members differ in other DMs' options.
        assert step.changes or space.merged
        if len(mover) == 1 or not space.merged:
            assert {c.option for c in step.changes} <= owned
        for change in step.changes:
            k = space.option_names.index(change.option)
            assert change.before == space.values[step.before, k]
            assert change.after == space.values[step.after, k]
        if len(mover) > 1:
            assert step.kind == "coalitional improvement"
        else:
            better = model.scores[mover[0]][step.after] > model.scores[mover[0]][step.before]
            assert step.kind == ("improvement" if better else "move")
        previous = mover
        state = step.after
    assert state == target


# -- property tests ------------------------------------------------------------------------------
@SETTINGS
@given(
    conflict=conflicts(max_dms=4, max_options=6),
    moves=st.sampled_from(MOVE_MODES),
    consecutive=st.booleans(),
    data=st.data(),
)
def test_evolution_matches_naive_bfs(conflict, moves, consecutive, data):
    space = detente.compile_conflict(conflict)
    model = naive_model(conflict)
    assert model.labels == space.labels
    start = data.draw(st.integers(0, space.n_states - 1), label="start")
    evo = evolution(space, start, moves, consecutive=consecutive)
    expected = naive_distances(model, start, moves, consecutive=consecutive)
    assert evo.distance.tolist() == expected
    assert evo.complete
    assert evo.level_counts() == np.bincount([d for d in expected if d >= 0]).tolist()
    for target in np.flatnonzero(evo.distance > 0):
        check_path(model, space, evo, int(target), moves, consecutive)
    for target in np.flatnonzero(evo.distance < 0):
        assert evo.path(int(target)) is None
    assert evo.path(start) == []
    # The vectorised short forms and JSON agree with the Step objects.
    everything = np.arange(space.n_states)
    assert labels_of(space, everything) == space.labels
    for state, text, steps, as_json in zip(
        everything,
        evo.path_strings(everything),
        evo.paths(everything),
        evo.paths_json(everything),
        strict=True,
    ):
        if steps is None:
            assert text == "" and as_json is None
            continue
        expected = "(the start)" if not steps else str(start + 1)
        expected += "".join(f" -{'+'.join(s.mover)}-> {s.after + 1}" for s in steps)
        assert text == expected
        assert as_json == [s.to_json(space) for s in steps]
        assert len(steps) == evo.distance[state]


@SETTINGS
@given(
    conflict=conflicts(max_dms=3, max_options=5),
    moves=st.sampled_from(MOVE_MODES),
    max_depth=st.integers(0, 3),
)
def test_depth_limit_cuts_the_search(conflict, moves, max_depth):
    space = detente.compile_conflict(conflict)
    model = naive_model(conflict)
    evo = evolution(space, 0, moves, max_depth=max_depth)
    assert evo.distance.tolist() == naive_distances(model, 0, moves, max_depth=max_depth)
    unlimited = evolution(space, 0, moves)
    if evo.complete:
        assert evo.distance.tolist() == unlimited.distance.tolist()
    if unlimited.depth > max_depth:
        assert not evo.complete


@SETTINGS
@given(conflict=conflicts(max_dms=4, max_options=6), data=st.data())
def test_coalition_reach_and_improvements_match_definitions(conflict, data):
    space = detente.compile_conflict(conflict)
    model = naive_model(conflict)
    size = data.draw(st.integers(1, space.n_dms), label="size")
    coalition = data.draw(
        st.lists(st.integers(0, space.n_dms - 1), min_size=size, max_size=size, unique=True),
        label="coalition",
    )
    starts = data.draw(
        st.lists(st.integers(0, space.n_states - 1), min_size=1, max_size=6), label="starts"
    )
    names = [space.dm_names[i] for i in coalition]
    got_s, got_t = coalition_reachable(space, names, starts)
    expected = sorted(
        (s, t)
        for s in set(starts)
        for t in coalition_reach(model, sorted(coalition), s, improving=False)
    )
    assert list(zip(got_s.tolist(), got_t.tolist(), strict=True)) == expected
    got_s, got_t = coalition_reachable(space, coalition, starts, improvements_only=True)
    expected = sorted(
        (s, t)
        for s in set(starts)
        for t in coalition_reach(model, sorted(coalition), s, improving=True)
    )
    assert list(zip(got_s.tolist(), got_t.tolist(), strict=True)) == expected
    got_s, got_t = coalitional_improvements(space, coalition, starts)
    expected = sorted(
        (s, t)
        for s in set(starts)
        for t in coalition_reach(model, sorted(coalition), s, improving=False)
        if all(model.scores[i][t] > model.scores[i][s] for i in coalition)
    )
    assert list(zip(got_s.tolist(), got_t.tolist(), strict=True)) == expected


def freed(conflict: detente.Conflict) -> detente.Conflict:
    """The same conflict with every option reversible, no step limit and no merging."""
    options = [o.model_copy(update={"direction": "both", "step": None}) for o in conflict.options]
    return conflict.model_copy(update={"options": options, "merge": []})


@SETTINGS
@given(conflict=conflicts(max_dms=4, max_options=6, merge=False), data=st.data())
def test_free_coalitions_use_components_and_match_definitions(conflict, data):
    conflict = freed(conflict)
    space = detente.compile_conflict(conflict)
    model = naive_model(conflict)
    assert free_coalition(space, list(range(space.n_dms)))
    size = data.draw(st.integers(2, space.n_dms), label="size")
    coalition = sorted(
        data.draw(
            st.lists(st.integers(0, space.n_dms - 1), min_size=size, max_size=size, unique=True)
        )
    )
    everything = range(space.n_states)
    got_s, got_t = coalitional_improvements(space, coalition, everything)
    expected = sorted(
        (s, t)
        for s in everything
        for t in coalition_reach(model, coalition, s, improving=False)
        if all(model.scores[i][t] > model.scores[i][s] for i in coalition)
    )
    assert list(zip(got_s.tolist(), got_t.tolist(), strict=True)) == expected
    start = data.draw(st.integers(0, space.n_states - 1), label="start")
    evo = evolution(space, start, "coalitions")
    assert evo.distance.tolist() == naive_distances(model, start, "coalitions")
    for target in np.flatnonzero(evo.distance > 0):
        check_path(model, space, evo, int(target), "coalitions", False)


@SETTINGS
@given(conflict=conflicts(max_dms=3, max_options=5), moves=st.sampled_from(MOVE_MODES))
def test_status_quo_result_reports_every_equilibrium(conflict, moves):
    space = detente.compile_conflict(conflict)
    stability = detente.analyze(space, ["Nash", "GMR"])
    target = space.n_states - 1
    result = status_quo_analysis(space, 0, targets=[target], moves=moves, stability=stability)
    listed = {t.state for t in result.targets}
    for concept in ("Nash", "GMR"):
        for s in stability.equilibria(concept):
            report = result.target(int(s))
            assert concept in report.equilibrium
    assert target in listed and result.target(target).requested
    for report in result.targets:
        assert report.reachable == (result.evolution.distance[report.state] >= 0)
        if report.reachable:
            assert report.steps == result.evolution.distance[report.state]
            assert report.path is not None and len(report.path) == report.steps
    data = json.loads(json.dumps(result.to_json()))
    assert [t["id"] for t in data["targets"]] == [t.state + 1 for t in result.targets]
    frame = result.to_frame()
    assert list(frame.index) == [t.state + 1 for t in result.targets]


# -- Elmira (Li, Kilgour & Hipel 2005; notes/status_quo.md) ---------------------------------------
@pytest.fixture(scope="module")
def elmira():
    return detente.compile_conflict(detente.load_case("elmira"))


def test_elmira_status_quo_reaches_nash_5_by_local_government(elmira):
    result = status_quo_analysis(elmira)
    assert result.start == 0  # state 1: Uniroyal delays, nobody else acts
    assert elmira.label(0) == "NYNNN"
    five = result.target(4)
    assert "Nash" in five.equilibrium
    assert five.reachable and five.steps == 1
    (step,) = five.path
    assert step.mover == ("LG",)
    assert (step.before, step.after) == (0, 4)
    assert step.kind == "improvement"
    assert [(c.option, c.before, c.after) for c in step.changes] == [("Insist", 0, 1)]
    # At 5 Uniroyal still delays; nobody has a unilateral improvement, so the evolution stops.
    assert elmira.describe(4)["Delay"] == 1
    assert result.evolution.reachable_states.tolist() == [0, 4]
    assert not result.target(7).reachable and not result.target(8).reachable
    assert result.path_text(4) == "1 NYNNN  -[LG: Insist N→Y]->  5 NYNYN"


def test_elmira_unrestricted_distances(elmira):
    evo = evolution(elmira, moves="any")
    # notes/status_quo.md §3 [C]: 2, 3, 5, 9 in one step; 4, 6, 7 in two; 8 in three.
    assert (evo.distance + 0).tolist() == [0, 1, 1, 2, 1, 2, 2, 3, 1]


def test_elmira_coalition_moves_reach_8_through_5(elmira):
    result = status_quo_analysis(elmira, moves="coalitions", concepts=["Nash"])
    eight = result.target(7)
    assert eight.steps == 2
    assert [(s.mover, s.before + 1, s.after + 1) for s in eight.path] == [
        (("LG",), 1, 5),
        (("MoE", "Uniroyal"), 5, 8),
    ]
    assert eight.path[1].kind == "coalitional improvement"
    assert not result.target(8).reachable  # abandoning is nobody's improvement


def test_elmira_coalitional_improvements(elmira):
    # notes/coalitions.md §4 [C]: every coalition's improvements (states numbered from 1).
    expected = {
        ("MoE",): {},
        ("Uniroyal",): {2: [4, 9], 3: [9], 6: [8, 9], 7: [9]},
        ("LG",): {1: [5], 2: [6], 3: [7], 4: [8]},
        ("MoE", "Uniroyal"): {2: [4], 5: [8], 6: [8]},
        ("MoE", "LG"): {1: [5], 3: [7]},
        ("Uniroyal", "LG"): {2: [4, 8], 6: [8]},
        ("MoE", "Uniroyal", "LG"): {2: [4, 8], 6: [8]},
    }
    everything = np.arange(elmira.n_states)
    for coalition, table in expected.items():
        starts, targets = coalitional_improvements(elmira, coalition, everything)
        got: dict[int, list[int]] = {}
        for s, t in zip(starts.tolist(), targets.tolist(), strict=True):
            got.setdefault(s + 1, []).append(t + 1)
        assert got == table, coalition


def test_consecutive_moves_change_only_path_lengths_on_elmira(elmira):
    strict = evolution(elmira, moves="any")
    loose = evolution(elmira, moves="any", consecutive=True)
    assert (strict.distance >= 0).tolist() == (loose.distance >= 0).tolist()
    assert (loose.distance <= strict.distance).all()


def test_result_outputs(elmira):
    result = status_quo_analysis(elmira, targets=["YNYYN"], concepts=["Nash", "GMR"])
    data = result.to_json()
    assert data["start"] == {"id": 1, "label": "NYNNN"}
    assert data["equilibria"] == {"Nash": [5, 8, 9], "GMR": [1, 4, 5, 8, 9]}
    assert data["levels"] == [1, 1] and data["reachable"] == 2 and data["complete"]
    by_id = {t["id"]: t for t in data["targets"]}
    assert by_id[8]["requested"] and not by_id[8]["reachable"] and by_id[8]["path"] is None
    assert by_id[5]["path"] == [
        {
            "mover": ["LG"],
            "kind": "improvement",
            "from": 1,
            "from_label": "NYNNN",
            "to": 5,
            "to_label": "NYNYN",
            "changes": [{"option": "Insist", "from": 0, "to": 1}],
        }
    ]
    frame = result.to_frame()
    assert frame.loc[5, "steps"] == 1 and bool(frame.loc[5, "Nash"])
    assert frame.loc[5, "path"] == "1 -LG-> 5"
    steps = result.steps_frame(4)
    assert steps.loc[1, "mover"] == "LG" and steps.loc[1, "changes"] == "Insist N→Y"
    assert "<table" in result._repr_html_()
    assert evolution(elmira).to_frame().index.tolist() == [1, 5]
    assert "2 of 9 states reachable" in evolution(elmira)._repr_html_()


def test_bad_input_is_a_detente_error(elmira):
    with pytest.raises(ModelError, match="does not exist"):
        status_quo_analysis(elmira, "10")
    with pytest.raises(DetenteError, match="unknown kind of moves"):
        evolution(elmira, moves="teleport")
    with pytest.raises(DetenteError, match="unknown decision maker"):
        coalitional_improvements(elmira, ["MoE", "Nobody"], [0])
    with pytest.raises(DetenteError, match="only used with"):
        evolution(elmira, coalitions=[["MoE", "LG"]])
    conflict = detente.load_case("prisoners-dilemma").model_copy(update={"status_quo": None})
    with pytest.raises(DetenteError, match="no status quo"):
        status_quo_analysis(conflict)


def test_coalition_budget_gives_a_clear_error(elmira):
    with pytest.raises(SizeLimitError, match="coalition"):
        coalition_reachable(elmira, ["MoE", "Uniroyal", "LG"], range(9), budget=10)


# -- command line ----------------------------------------------------------------------------------
def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_cli_paths_table():
    result = run("paths", "--case", "elmira")
    assert result.exit_code == 0, result.output
    assert "1 -LG-> 5" in result.output
    assert "Insist N→Y" in result.output


def test_cli_paths_json_with_target_and_coalitions():
    result = run(
        "paths",
        "--case",
        "elmira",
        "--moves",
        "coalitions",
        "--coalition",
        "MoE+Uniroyal",
        "--to",
        "8",
        "--concept",
        "nash",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    eight = next(t for t in data["targets"] if t["id"] == 8)
    assert eight["steps"] == 2
    assert [s["mover"] for s in eight["path"]] == [["LG"], ["MoE", "Uniroyal"]]


def test_cli_paths_json_summary_has_no_paths():
    result = run("paths", "--case", "elmira", "--format", "json", "--summary")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["targets"] and all("path" not in t for t in data["targets"])
    assert {t["id"]: t["steps"] for t in data["targets"]}[5] == 1


def test_cli_paths_from_label_and_depth():
    result = run(
        "paths",
        "--case",
        "elmira",
        "--from",
        "NNYNN",
        "--moves",
        "any",
        "--max-depth",
        "1",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["start"]["id"] == 3 and data["max_depth"] == 1
    assert all(t["steps"] in (None, 0, 1) for t in data["targets"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "12"), "does not exist"),
        (("--to", "ZZZ"), "neither a state number nor a label"),
        (("--moves", "any", "--coalition", "MoE+LG"), "only used with"),
        (("--moves", "coalitions", "--coalition", "MoE+Mayor"), "unknown decision maker"),
    ],
)
def test_cli_paths_errors_are_one_line(args: Sequence[str], message: str):
    result = run("paths", "--case", "elmira", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
