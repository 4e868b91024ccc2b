"""Uncertain preferences: detente.uncertainty.

The fast path groups scenarios by preference profile, analyses each profile once on views of
one compiled state space (in worker processes or on Dask) and aggregates.  The reference
does it the slow way: for every combination of choices it writes out an explicit conflict
(the chosen alternative as the DM's preferences, the prioritization reordered by hand),
decides stability with the naive definitions of ``tests/reference.py``, reachability from
the status quo by a naive breadth-first search over (state, last mover), and strategy
outcomes with :func:`detente.strategies.compare` on the explicit conflict; then it averages
with the combination's probability.
"""

from __future__ import annotations

import itertools
import json
from collections import deque
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import detente
from detente.analyses.strategies import compare
from detente.analyses.uncertainty import NONE_REACHABLE, _moved, uncertainty_analysis
from detente.cli import main
from detente.errors import DetenteError, ModelError
from detente.model.conflict import Conflict

from . import reference
from .conflicts import conflict_data, preferences, statements

CONCEPTS = ("Nash", "SEQ")


# --------------------------------------------------------------------------------------------
# The naive reference
# --------------------------------------------------------------------------------------------
def _reorder(texts: list[str], pairs: list[tuple[int, int]], moved: tuple[bool, ...]) -> list:
    """Written out by hand: for each moved pair (a, b), take statement b out and put it
    back just above statement a (statements keep their identity, first-written positions)."""
    current = [(k + 1, text) for k, text in enumerate(texts)]
    for (a, b), move in zip(pairs, moved, strict=True):
        if not move:
            continue
        item = next(x for x in current if x[0] == b)
        current.remove(item)
        where = next(i for i, x in enumerate(current) if x[0] == a)
        current.insert(where, item)
    return [text for _, text in current]


def _scenarios(data: dict[str, Any]):
    """Every combination: (probability, explicit model data)."""
    per_dm = []
    for dm in data["decision_makers"]:
        options = []
        if dm.get("alternatives"):
            total = sum(a["weight"] for a in dm["alternatives"])
            for alt in dm["alternatives"]:
                options.append((alt["weight"] / total, alt["preferences"]))
        elif dm.get("uncertain_order"):
            pairs = [tuple(u["statements"]) for u in dm["uncertain_order"]]
            texts = dm["preferences"]["prioritization"]
            for moved in itertools.product([False, True], repeat=len(pairs)):
                p = 1.0
                for u, move in zip(dm["uncertain_order"], moved, strict=True):
                    p *= u["probability"] if move else 1 - u["probability"]
                options.append((p, {"prioritization": _reorder(texts, pairs, moved)}))
        else:
            options.append((1.0, dm["preferences"]))
        per_dm.append(options)
    for combo in itertools.product(*per_dm):
        p = float(np.prod([c[0] for c in combo]))
        dms = [
            {"name": dm["name"], "options": dm["options"], "preferences": c[1]}
            for dm, c in zip(data["decision_makers"], combo, strict=True)
        ]
        yield p, {**data, "decision_makers": dms}


def _reachable(model: reference.NaiveModel, start: int) -> set[int]:
    """States reached from ``start`` by unilateral improvements, no DM twice in a row."""
    seen = {(start, None)}
    reached = {start}
    queue = deque([(start, None)])
    while queue:
        s, last = queue.popleft()
        for dm in range(model.n_dms):
            if dm == last:
                continue
            for t in model.improvements(dm, s):
                if (t, dm) not in seen:
                    seen.add((t, dm))
                    reached.add(t)
                    queue.append((t, dm))
    return reached


def _brute_force(data: dict[str, Any], concepts=CONCEPTS) -> dict[str, Any]:
    n = None
    p_eq: dict[str, np.ndarray] = {}
    p_eq_reach: dict[str, np.ndarray] = {}
    p_reach = None
    outcomes: dict[str, dict[str, dict[str, float]]] = {}
    for p, scenario in _scenarios(data):
        if p == 0:
            continue
        conflict = Conflict.model_validate(scenario)
        model = reference.naive_model(conflict)
        n = model.n
        table = reference.stability_table(model, concepts)
        start = model.resolve(conflict.status_quo)
        reach = np.zeros(n, dtype=bool)
        reach[list(_reachable(model, start))] = True
        p_reach = (p_reach if p_reach is not None else np.zeros(n)) + p * reach
        for c in concepts:
            eq = np.array([all(row[s] for row in table[c]) for s in range(n)])
            p_eq[c] = p_eq.get(c, np.zeros(n)) + p * eq
            p_eq_reach[c] = p_eq_reach.get(c, np.zeros(n)) + p * (eq & reach)
        if conflict.strategies or conflict.outcomes:
            for report in compare(
                conflict, concepts, strategies=list(conflict.strategies)
            ).strategies:
                if report.start is None:
                    continue
                for c, rep in report.concepts.items():
                    per = outcomes.setdefault(report.name, {}).setdefault(c, {})
                    for o in rep.outcomes_reachable or [NONE_REACHABLE]:
                        per[o] = per.get(o, 0.0) + p
    return {"eq": p_eq, "eq_reach": p_eq_reach, "reach": p_reach, "outcomes": outcomes}


# --------------------------------------------------------------------------------------------
# Random conflicts with uncertain preferences
# --------------------------------------------------------------------------------------------
@st.composite
def uncertain_conflicts(draw: st.DrawFn) -> dict[str, Any]:
    data = draw(conflict_data(max_dms=3, max_options=4, merge=False, forms=("prioritization",)))
    model = reference.naive_model(Conflict.model_validate(data), with_preferences=False)
    dms = data["decision_makers"]
    # DM 0: two or three weighted alternatives.
    k = draw(st.integers(2, 3))
    dms[0]["alternatives"] = [
        {
            "name": f"h{a}",
            "weight": draw(st.sampled_from([0.5, 1.0, 2.0, 3.0])),
            "preferences": draw(preferences(model, data["options"], ("prioritization", "ranking"))),
        }
        for a in range(k)
    ]
    # DM 1: up to two uncertain pairs of its prioritization.
    texts = dms[1]["preferences"]["prioritization"]
    if len(texts) >= 2:
        pairs = draw(
            st.lists(
                st.tuples(st.integers(1, len(texts)), st.integers(1, len(texts))).filter(
                    lambda ab: ab[0] != ab[1]
                ),
                max_size=2,
            )
        )
        dms[1]["uncertain_order"] = [
            {"statements": list(ab), "probability": draw(st.sampled_from([0.0, 0.25, 0.5, 1.0]))}
            for ab in pairs
        ]
    data["status_quo"] = draw(st.integers(1, model.n))
    data["outcomes"] = [
        {"name": f"out{j}", "when": draw(statements(data["options"]))} for j in range(2)
    ]
    first = data["options"][0]
    value = draw(st.integers(0, int(str(first.get("levels", "0..1")).split("..")[-1])))
    data["strategies"] = [{"name": "hold", "commit": {first["name"]: value}}]
    return data


def _assert_matches(result, expected, tol: float = 1e-9) -> None:
    for c in CONCEPTS:
        np.testing.assert_allclose(result.p_equilibrium[c], expected["eq"][c], atol=tol)
        np.testing.assert_allclose(
            result.p_equilibrium_reached[c], expected["eq_reach"][c], atol=tol
        )
    np.testing.assert_allclose(result.p_reached, expected["reach"], atol=tol)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(uncertain_conflicts())
def test_exact_enumeration_equals_brute_force(data: dict[str, Any]) -> None:
    result = uncertainty_analysis(Conflict.model_validate(data), CONCEPTS, jobs=1)
    assert result.method == "exact" and result.complete
    expected = _brute_force(data)
    _assert_matches(result, expected)
    for name, by_concept in expected["outcomes"].items():
        for c, per in by_concept.items():
            got = result.strategies[name][c]
            assert set(got) == {o for o, p in per.items() if p > 1e-12}
            for o, p in per.items():
                assert got.get(o, 0.0) == pytest.approx(p, abs=1e-9)


# A fixed small case: one DM with three alternatives, another with two uncertain pairs.
SMALL = {
    "options": [{"name": "a"}, {"name": "b", "levels": "0..2"}, {"name": "c"}],
    "decision_makers": [
        {
            "name": "Row",
            "options": ["a"],
            "preferences": {"prioritization": ["a iff c", "b >= 1"]},
            "alternatives": [
                {"name": "hawk", "weight": 0.6, "preferences": {"prioritization": ["not c", "a"]}},
                {
                    "name": "dove",
                    "weight": 0.3,
                    "preferences": {"prioritization": ["not a", "b == 2"]},
                },
                {"name": "mixed", "weight": 0.1, "preferences": {"prioritization": ["a iff c"]}},
            ],
        },
        {
            "name": "Col",
            "options": ["b", "c"],
            "preferences": {"prioritization": ["not a", "b >= 1", "c", "not (b == 2 and c)"]},
            "uncertain_order": [
                {"statements": [1, 3], "probability": 0.3},
                {"statements": [2, 4], "probability": 0.5},
            ],
        },
    ],
    "status_quo": {"a": "N", "b": 0, "c": "N"},
    "outcomes": [{"name": "calm", "when": "not a and not c"}, {"name": "clash", "when": "a and c"}],
    "strategies": [{"name": "row commits", "commit": {"a": "Y"}}],
}


def test_small_case_exact_and_brute_force() -> None:
    result = uncertainty_analysis(Conflict.model_validate(SMALL), CONCEPTS, jobs=1)
    assert result.scenarios == 12 and result.method == "exact"
    _assert_matches(result, _brute_force(SMALL))
    total = sum(row["weight"] for row in result.profile_table)
    assert total == pytest.approx(1.0)


def test_monte_carlo_converges_to_the_exact_probabilities() -> None:
    """Seeded, so deterministic: 20,000 samples are within 4 standard errors (plus a little)
    of the exact probabilities for every state, concept and strategy outcome."""
    conflict = Conflict.model_validate(SMALL)
    exact = uncertainty_analysis(conflict, CONCEPTS, jobs=1)
    sampled = uncertainty_analysis(
        conflict, CONCEPTS, jobs=1, method="sample", samples=20_000, seed=7
    )
    assert sampled.method == "sample" and sampled.evaluated == 20_000
    bound = 4 * np.sqrt(0.25 / 20_000) + 1e-9
    for c in CONCEPTS:
        assert np.abs(sampled.p_equilibrium[c] - exact.p_equilibrium[c]).max() <= bound
        assert (
            np.abs(sampled.p_equilibrium_reached[c] - exact.p_equilibrium_reached[c]).max() <= bound
        )
    for name, by_concept in exact.strategies.items():
        for c, per in by_concept.items():
            for o, p in per.items():
                assert abs(sampled.strategies[name][c].get(o, 0.0) - p) <= bound
    # Same seed, same answer; another seed, (almost surely) other estimates.
    again = uncertainty_analysis(
        conflict, CONCEPTS, jobs=1, method="sample", samples=20_000, seed=7
    )
    assert all((again.p_equilibrium[c] == sampled.p_equilibrium[c]).all() for c in CONCEPTS)


def test_reordering_statements() -> None:
    texts = ["s1", "s2", "s3", "s4"]
    assert _moved(texts, [(2, 4)], [True]) == ["s1", "s4", "s2", "s3"]
    assert _moved(texts, [(2, 4)], [False]) == texts
    # Applied in order, to statements by their first-written positions.
    assert _moved(texts, [(1, 3), (2, 3)], [True, True]) == ["s1", "s3", "s2", "s4"]
    assert _moved(texts, [(3, 1)], [True]) == ["s2", "s1", "s3", "s4"]
    for pairs in itertools.permutations([(1, 2), (3, 4), (4, 1)], 2):
        for moved in itertools.product([False, True], repeat=2):
            assert _moved(texts, list(pairs), list(moved)) == _reorder(texts, list(pairs), moved)


def test_parallel_pool_and_dask_give_the_local_results() -> None:
    distributed = pytest.importorskip("distributed")
    conflict = Conflict.model_validate(SMALL)
    local = uncertainty_analysis(conflict, CONCEPTS, jobs=1)
    pool = uncertainty_analysis(conflict, CONCEPTS, jobs=2)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        remote = uncertainty_analysis(conflict, CONCEPTS, scheduler=cluster.scheduler_address)
    for other in (pool, remote):
        assert other.complete and other.profiles == local.profiles
        for c in CONCEPTS:
            np.testing.assert_array_equal(other.p_equilibrium[c], local.p_equilibrium[c])
            np.testing.assert_array_equal(
                other.p_equilibrium_reached[c], local.p_equilibrium_reached[c]
            )
        assert other.strategies == local.strategies


def test_interrupt_keeps_the_finished_profiles(tmp_path) -> None:
    conflict = Conflict.model_validate(SMALL)
    full = uncertainty_analysis(conflict, CONCEPTS, jobs=1)

    def stop_after_first(done: int, total: int) -> None:
        if done == 1:
            raise KeyboardInterrupt

    out = tmp_path / "partial.json"
    partial = uncertainty_analysis(conflict, CONCEPTS, jobs=1, on_result=stop_after_first, out=out)
    assert partial.interrupted and not partial.complete and "interrupted" in partial.note
    assert partial.profiles == 1 and 0 < partial.evaluated < partial.scenarios
    # Exact runs do the most probable profile first; the partial result is that profile alone.
    first = max(full.profile_table, key=lambda row: row["weight"])
    assert partial.covered == pytest.approx(first["weight"])
    eq = np.zeros(full.space.n_states)
    eq[np.array(first["equilibria"]["Nash"], dtype=int) - 1] = 1
    np.testing.assert_array_equal(partial.p_equilibrium["Nash"], eq)
    saved = json.loads(out.read_text())
    assert saved["interrupted"] is True and saved["evaluated"] == partial.evaluated
    # A Monte Carlo run stopped early covers a prefix of its sample sequence.
    sampled = uncertainty_analysis(
        conflict, CONCEPTS, jobs=1, method="sample", samples=500, on_result=stop_after_first
    )
    assert sampled.interrupted and 0 < sampled.evaluated < 500
    assert "first" in sampled.note


def test_errors() -> None:
    both = json.loads(json.dumps(SMALL))
    both["decision_makers"][0]["uncertain_order"] = [{"statements": [1, 2]}]
    with pytest.raises(ModelError, match="both alternatives and uncertain_order"):
        uncertainty_analysis(Conflict.model_validate(both), CONCEPTS, jobs=1)
    with pytest.raises(DetenteError, match="unknown method"):
        uncertainty_analysis(Conflict.model_validate(SMALL), CONCEPTS, method="guess")
    with pytest.raises(DetenteError, match="Dask scheduler"):
        uncertainty_analysis(
            Conflict.model_validate(SMALL),
            CONCEPTS,
            scheduler="tcp://127.0.0.1:9",
            connect_timeout=1,
        )


def test_no_uncertainty_is_one_certain_scenario() -> None:
    result = uncertainty_analysis(detente.load_case("elmira"), CONCEPTS, jobs=1)
    assert result.scenarios == 1 and result.complete
    truth = detente.analyze(detente.load_case("elmira"), CONCEPTS)
    for c in CONCEPTS:
        np.testing.assert_array_equal(result.p_equilibrium[c], truth.stable[c].all(axis=0))


def test_cli_uncertainty_on_north_korea(tmp_path) -> None:
    out = tmp_path / "nk.json"
    run = CliRunner().invoke(
        main,
        [
            "uncertainty",
            "--case",
            "north-korea",
            "--concept",
            "Nash",
            "--jobs",
            "1",
            "--format",
            "json",
            "--out",
            str(out),
        ],
    )
    assert run.exit_code == 0, run.output
    data = json.loads(run.stdout)
    kinds = {(f["dm"], f["kind"]) for f in data["factors"]}
    assert ("NorthKorea", "alternative") in kinds and ("US", "order") in kinds
    # 4 alternatives of North Korea x 2 orders of the US.
    assert data["complete"] and data["method"] == "exact" and data["scenarios"] == 8
    assert "maximum pressure" in data["strategies"]
    for per in data["strategies"].values():
        assert sum(per["Nash"].values()) >= 1 - 1e-9
    assert json.loads(out.read_text())["complete"]
    table = CliRunner().invoke(
        main, ["uncertainty", "--case", "north-korea", "--concept", "SEQ", "--jobs", "1"]
    )
    assert table.exit_code == 0 and "P(equilibrium)" in table.output
