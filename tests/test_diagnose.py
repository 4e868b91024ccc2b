"""Reading the counterpart (detente.diagnose): histories, revealed preferences, hypothesis
scores, posteriors, minimal changes and the strategy forecast.

Revealed constraints are checked against brute force over every weak order of the states of
small random conflicts; hypothesis verdicts against the naive reference stability of
tests/reference.py; minimal changes against every order of a few statements; and the
posterior against synthetic records simulated with the naive reference.
"""

from __future__ import annotations

import itertools
import json
import math
import random
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import detente
from detente.analyses.diagnose import (
    Observation,
    closure,
    diagnose,
    direct_constraints,
    resolve_history,
    unilateral_targets,
)
from detente.cases import bundled_history
from detente.cli import main
from detente.errors import ModelError
from detente.io.history import history_to_yaml, load_history, parse_history
from detente.model.conflict import Conflict, Preferences
from detente.model.history import HISTORY_FORMAT
from detente.render.markdown import diagnosis_markdown

from .conflicts import conflict_data, preferences
from .reference import naive_model, stable

NK_HISTORY = bundled_history("north-korea")


# -- the bundled North Korea history ---------------------------------------------------------------
@pytest.fixture(scope="module")
def nk_diagnosis():
    history = load_history(NK_HISTORY)
    return diagnose(detente.load_case("north-korea"), history)


def test_bundled_history_is_found_and_not_a_case():
    assert NK_HISTORY is not None and NK_HISTORY.parent.name == "histories"
    assert "north-korea" in detente.list_cases()
    assert not any("histor" in name for name in detente.list_cases())
    assert bundled_history("elmira") is None


def test_north_korea_record_supports_regime_survival(nk_diagnosis):
    (nk,) = nk_diagnosis.dms
    assert nk_diagnosis.space.dm_names[nk.dm] == "NorthKorea"
    by_name = {h.name: h for h in nk.hypotheses}
    assert set(by_name) == {
        "regime survival first",
        "sanctions relief first",
        "prestige first",
        "pressure works",
    }
    regime = by_name["regime survival first"]
    assert regime.consistency == 1.0
    assert regime.posterior == max(h.posterior for h in nk.hypotheses)
    steps = [o.step for o in nk.observations]
    # Prestige first cannot explain halting the tests at the table, nor not resuming them.
    prestige = by_name["prestige first"]
    assert [s for s, ok in zip(steps, prestige.explained, strict=True) if not ok] == [3, 4, 9, 10]
    # Pressure works cannot explain the famine, the 2017 stay, nor not disarming for relief.
    pressure = by_name["pressure works"]
    assert [s for s, ok in zip(steps, pressure.explained, strict=True) if not ok] == [1, 4, 10, 15]
    # The model's "sanctions relief first" orders North Korea's own moves like "regime
    # survival first": the record cannot separate them, and they keep their prior odds.
    relief = by_name["sanctions relief first"]
    assert relief.same_choices_as == ["regime survival first"]
    assert math.isclose(regime.posterior / relief.posterior, regime.prior / relief.prior)
    assert nk.closure.consistent


def test_north_korea_revealed_preferences_in_words(nk_diagnosis):
    (nk,) = nk_diagnosis.dms
    space = nk_diagnosis.space
    strict = [c for c in nk.constraints if c.strict]
    assert [c.steps for c in strict] == [(3, 9), (6, 12)]
    text = strict[0].text(space)
    assert "NorthKorea prefers 'talks, no tests'" in text or "prefers 'no tests, talks'" in text
    assert "assurance" in text and "normalize" in text
    weak = [c for c in nk.constraints if not c.strict]
    assert weak and all("at least as much as" in c.text(space) for c in weak)


def test_north_korea_report_section_has_the_diagnosis():
    history = load_history(NK_HISTORY)
    result = diagnose(detente.load_case("north-korea"), history, forecast=True)
    text = diagnosis_markdown(result)
    assert "## Reading the counterpart" in text
    assert "regime survival first" in text and "P given the record" in text
    forecast = result.forecast
    assert forecast is not None and "maximum pressure" in forecast.strategies
    # Mixtures: the posterior of an outcome is the posterior-weighted average.
    for name in forecast.strategies:
        for outcome, p in forecast.posterior[name].items():
            mixed = sum(
                w * forecast.by_hypothesis[h].get(name, {}).get(outcome, 0.0)
                for h, w in zip(forecast.hypotheses, forecast.posterior_weights, strict=True)
            )
            assert math.isclose(p, mixed, abs_tol=1e-12)


# -- command line ----------------------------------------------------------------------------------
def test_cli_diagnose_north_korea_json():
    runner = CliRunner()
    result = runner.invoke(main, ["diagnose", "--case", "north-korea", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["concept"] == "Nash" and data["epsilon"] == 0.05
    assert len(data["observations"]) == 15
    (nk,) = data["diagnoses"]
    posts = {h["name"]: h["posterior"] for h in nk["hypotheses"]}
    assert max(posts, key=posts.get) == "regime survival first"
    assert math.isclose(sum(posts.values()), 1.0, abs_tol=1e-5)
    assert set(data["forecast"]["strategies"]) >= {"maximum pressure", "sunshine"}


def test_cli_diagnose_table_and_markdown():
    runner = CliRunner()
    result = runner.invoke(
        main, ["diagnose", "--case", "north-korea", "--no-forecast", "--concept", "SEQ"]
    )
    assert result.exit_code == 0, result.output
    assert "Hypotheses about NorthKorea" in result.output
    assert "SEQ-stable" in result.output
    result = runner.invoke(
        main,
        ["diagnose", "--case", "north-korea", "--history", str(NK_HISTORY), "--format", "markdown"],
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("## Reading the counterpart")


ELMIRA_HISTORY = """\
format: detente-history/1
name: a short Elmira record
model: elmira
start: 1
steps:
  - set: {Modify: Y}
    by: MoE
    date: 1990
  - stayed: [Uniroyal, LG]
    period: 1991
hypotheses:
  - name: modify is cheap
    dm: MoE
    preferences:
      ranking: [7, 3, 4, 8, 5, 2, 1, 6, 9]
"""


def test_cli_diagnose_other_model_with_model_named_in_history(tmp_path):
    path = tmp_path / "elmira-history.yaml"
    path.write_text(ELMIRA_HISTORY, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["diagnose", "--history", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [d["dm"] for d in data["diagnoses"]] == ["MoE", "Uniroyal", "LG"]
    moe = data["diagnoses"][0]
    posts = {h["name"]: h for h in moe["hypotheses"]}
    assert posts["modify is cheap"]["explained"] == [1]
    assert posts["as modelled"]["contradicted"] == [1]
    assert posts["as modelled"]["minimal_change"]["size"] == 1
    assert data["observations"][0]["date"] == "1990"
    result = runner.invoke(
        main, ["diagnose", "--case", "elmira", "--history", str(path), "--dm", "LG"]
    )
    assert result.exit_code == 0, result.output
    assert "Hypotheses about LG" in result.output and "MoE" not in result.output.split("==")[-1]


# -- bad input: one line, the file and the line ----------------------------------------------------
def _run_bad(tmp_path: Path, text: str, case: str = "north-korea") -> str:
    path = tmp_path / "h.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["diagnose", "--case", case, "--history", str(path)])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0]


NK_HEAD = "format: detente-history/1\ndm: NorthKorea\nsteps:\n"


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ("  - state: XYZ\n    by: US\n", "h.yaml:4: steps[0].state:"),
        ("  - set: {tests: N}\n    by: US\n", "impossible move: US cannot move"),
        ("  - set: {tests: N}\n    by: US\n", "'tests' belongs to NorthKorea, not US"),
        ("  - set: {tests: N}\n    by: Pyongyang\n", "unknown decision maker 'Pyongyang'"),
        ("  - stayed: Pyongyang\n", "h.yaml:4: steps[0].stayed: unknown decision maker"),
        ("  - set: {tests: Y}\n", "does not change the state"),
        ("  - set: {tests: N, sanctions: 6}\n", "options of several decision makers change"),
        ("  - set: {bombs: Y}\n    by: US\n", "unknown option 'bombs'"),
        ("  - set: {sanctions: 5}\n    by: US\n    when: 1994\n", "steps[0].when: unknown field"),
        ("  - set: {sanctions: 12}\n    by: US\n", "outside 0..10"),
        ("  - set: {normalize: Y}\n    by: US\n", "is infeasible"),
        ("  - by: US\n", "give 'state' or 'set'"),
        ("  - stayed: US\n    set: {tests: N}\n", "not both"),
    ],
)
def test_bad_history_steps(tmp_path, steps, expected):
    line = _run_bad(tmp_path, NK_HEAD + steps)
    assert line.startswith("detente: error: ") and str(tmp_path / "h.yaml") in line
    assert expected in line, line


def test_bad_history_forward_only_option(tmp_path):
    text = (
        "format: detente-history/1\nsteps:\n"
        "  - set: {air_strike: Y}\n    by: USA\n"
        "  - set: {air_strike: N}\n    by: USA\n"
    )
    line = _run_bad(tmp_path, text, case="cuban-missile-crisis")
    assert "h.yaml:6" in line and "can only go forward" in line, line


def test_bad_history_files(tmp_path):
    assert "malformed YAML" in _run_bad(tmp_path, "format: detente-history/1\nsteps: [\n")
    line = _run_bad(tmp_path, "format: detente/1\n")
    assert "a model file" in line
    assert "format: detente-history/1" in _run_bad(tmp_path, "steps: []\n")
    assert "h.yaml:2" in _run_bad(tmp_path, "format: detente-history/1\nsteps: []\n")
    line = _run_bad(
        tmp_path,
        NK_HEAD
        + "  - stayed: NorthKorea\nhypotheses:\n  - name: x\n    dm: NorthKorea\n"
        + "    preferences: {prioritization: [bombs]}\n",
    )
    assert "h.yaml:8" in line and "hypotheses[0].preferences.prioritization[0]" in line, line
    line = _run_bad(tmp_path, NK_HEAD + "  - stayed: NorthKorea\nepsilon: 0.7\n")
    assert "epsilon" in line
    result = CliRunner().invoke(main, ["diagnose", "--case", "elmira"])
    assert result.exit_code == 2 and "--history" in result.output


def test_docs_example_history_works():
    doc = (Path(__file__).resolve().parent.parent / "docs" / "diagnose.md").read_text("utf-8")
    example = doc.split("## The history file")[1].split("```yaml\n")[1].split("```")[0]
    history = parse_history(example, "example.yaml")
    result = diagnose(detente.load_case("elmira"), history)
    assert [result.space.dm_names[d.dm] for d in result.dms] == ["MoE"]
    assert [o.kind for o in result.observations] == ["move", "move", "stay", "stay"]


def test_history_dates_stay_text_and_round_trip():
    history = parse_history(NK_HEAD + "  - stayed: NorthKorea\n    period: 1994\n")
    assert history.steps[0].period == "1994" and history.format == HISTORY_FORMAT
    bundled = load_history(NK_HISTORY)
    assert parse_history(history_to_yaml(bundled)).model_dump() == bundled.model_dump()


# -- revealed constraints against brute force ------------------------------------------------------
def _small_conflicts(max_states: int = 6):
    @st.composite
    def draw(draw_) -> tuple[Conflict, object]:
        data = draw_(conflict_data(max_dms=3, max_options=3))
        conflict = Conflict.model_validate(data)
        model = naive_model(conflict)
        assume(model.n <= max_states)
        return conflict, model

    return draw()


@st.composite
def _records(draw, model, n_obs: int = 4) -> list[Observation]:
    """Random observations: moves along the naive model's moves (not necessarily
    improvements) and stays, all by one DM or by several."""
    out: list[Observation] = []
    state = draw(st.integers(0, model.n - 1))
    # Often one DM acts throughout: its moves then chain (s -> t -> u implies u > s).
    only = draw(st.one_of(st.none(), st.integers(0, model.n_dms - 1)))
    for step in range(1, draw(st.integers(1, n_obs)) + 1):
        dm = only if only is not None else draw(st.integers(0, model.n_dms - 1))
        targets = sorted(model.moves[dm][state])
        if targets and draw(st.booleans()):
            target = draw(st.sampled_from(targets))
            out.append(Observation(step, "move", dm, state, target))
            state = target
        else:
            out.append(Observation(step, "stay", dm, state, None))
        if draw(st.integers(0, 3)) == 0:
            state = draw(st.integers(0, model.n - 1))
    return out


def _weak_orders(n: int) -> np.ndarray:
    """Every assignment of levels 0..n-1 to n states (each weak order appears)."""
    return np.array(list(itertools.product(range(n), repeat=n)), dtype=np.int8).reshape(-1, n)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), pair=_small_conflicts())
def test_revealed_constraints_match_brute_force(data, pair):
    conflict, model = pair
    space = detente.compile_conflict(conflict)
    record = data.draw(_records(model, n_obs=6))
    dm = data.draw(st.integers(0, model.n_dms - 1))
    own = [o for o in record if o.dm == dm]
    assume(own)
    levels = _weak_orders(model.n)
    ok = np.ones(levels.shape[0], dtype=bool)
    for o in own:  # the definitions, on the naive model's moves
        if o.kind == "move":
            ok &= levels[:, o.target] > levels[:, o.source]
        else:
            for t in model.moves[dm][o.source]:
                ok &= levels[:, t] <= levels[:, o.source]
    for o in own:
        if o.kind == "stay":
            assert (
                set(unilateral_targets(space, dm, o.source).tolist()) == model.moves[dm][o.source]
            )
    result = closure(direct_constraints(space, own, "Nash"))
    assert result.consistent == bool(ok.any())
    if not ok.any():
        assert set(result.cycle) <= {o.step for o in own}
        return
    consistent = levels[ok]
    index = {int(s): k for k, s in enumerate(result.states)}
    for a, b in itertools.permutations(range(model.n), 2):
        always_strict = bool((consistent[:, a] > consistent[:, b]).all())
        always_weak = bool((consistent[:, a] >= consistent[:, b]).all())
        if a in index and b in index:
            assert bool(result.strict[index[a], index[b]]) == always_strict, (a, b)
            assert bool(result.weak[index[a], index[b]]) == always_weak, (a, b)
        else:
            assert not always_strict and not always_weak


# -- hypothesis verdicts against the naive reference -----------------------------------------------
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), concept=st.sampled_from(["Nash", "GMR", "SMR", "SEQ", "SIM"]))
def test_verdicts_match_reference_stability(data, concept):
    raw = data.draw(conflict_data(max_dms=3, max_options=4))
    conflict = Conflict.model_validate(raw)
    model = naive_model(conflict)
    assume(model.n <= 40)
    dm = data.draw(st.integers(0, model.n_dms - 1))
    record = data.draw(_records(model, n_obs=6))
    own = [o for o in record if o.dm == dm]
    assume(own)
    options = raw["options"]
    hypothesis_prefs = data.draw(preferences(model, options))
    name = conflict.decision_makers[dm].name
    result = diagnose(
        conflict,
        record,
        dms=[name],
        concept=concept,
        hypotheses={name: [("other", Preferences.model_validate(hypothesis_prefs), 2.0)]},
        max_changes=0,
    )
    (d,) = result.dms
    assert [h.name for h in d.hypotheses] == ["as modelled", "other"]
    for report, prefs in zip(
        d.hypotheses,
        [conflict.decision_makers[dm].preferences.model_dump(), hypothesis_prefs],
        strict=True,
    ):
        dms = [dm_.model_dump() for dm_ in conflict.decision_makers]
        dms[dm]["preferences"] = prefs
        ref = naive_model(Conflict.model_validate({**raw, "decision_makers": dms}))
        verdicts = stable(ref, concept, dm)
        for o, explained in zip(own, report.explained, strict=True):
            if o.kind == "move":
                assert explained == (ref.scores[dm][o.target] > ref.scores[dm][o.source])
            else:
                assert explained == verdicts[o.source]
    # The posterior is prior x (1-e)^explained x e^contradicted, normalised.
    e = result.epsilon
    raw_post = [h.prior * (1 - e) ** h.n_explained * e**h.n_contradicted for h in d.hypotheses]
    assert [h.prior for h in d.hypotheses] == pytest.approx([1 / 3, 2 / 3])
    for h, p in zip(d.hypotheses, raw_post, strict=True):
        assert h.posterior == pytest.approx(p / sum(raw_post))


# -- minimal change against every order of the statements ------------------------------------------
def _lcs(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            table[i + 1][j + 1] = (
                table[i][j] + 1 if x == y else max(table[i][j + 1], table[i + 1][j])
            )
    return table[-1][-1]


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), concept=st.sampled_from(["Nash", "SEQ"]))
def test_minimal_change_matches_brute_force(data, concept):
    raw = data.draw(conflict_data(max_dms=3, max_options=3, forms=("prioritization",)))
    conflict = Conflict.model_validate(raw)
    model = naive_model(conflict)
    statements = conflict.decision_makers[0].preferences.prioritization
    assume(statements is not None and 2 <= len(statements) <= 4)
    record = [o for o in data.draw(_records(model, n_obs=5)) if o.dm == 0]
    assume(record)
    k = len(statements)
    result = diagnose(
        conflict,
        record,
        dms=[conflict.decision_makers[0].name],
        concept=concept,
        max_changes=k,
        max_candidates=10_000,
    )
    change = result.dms[0].hypotheses[0].change
    best = None
    for order in itertools.permutations(range(k)):
        dms = [d.model_dump() for d in conflict.decision_makers]
        dms[0]["preferences"] = {"prioritization": [statements[j] for j in order]}
        ref = naive_model(Conflict.model_validate({**raw, "decision_makers": dms}))
        verdicts = stable(ref, concept, 0)
        fits = all(
            (ref.scores[0][o.target] > ref.scores[0][o.source])
            if o.kind == "move"
            else verdicts[o.source]
            for o in record
        )
        if fits:
            distance = k - _lcs(tuple(range(k)), order)
            best = distance if best is None else min(best, distance)
    if change.reason is not None:  # a self-contradicting record under Nash
        assert best is None
        return
    assert change.exhaustive
    assert change.size == best


# -- recovery of the true hypothesis on synthetic records ------------------------------------------
def _random_conflict(rng: random.Random, n_hypotheses: int) -> tuple[dict, list[list[float]]]:
    """3 DMs over 5 binary options (32 states); DM 0 gets ``n_hypotheses`` random strict
    payoff hypotheses, the others random payoffs."""
    names = [f"o{k}" for k in range(5)]
    owners = [0, 1, 2, rng.randrange(3), rng.randrange(3)]
    labels = ["".join("Y" if (c >> k) & 1 else "N" for k in range(5)) for c in range(32)]

    def payoffs() -> dict[str, float]:
        values = list(range(32))
        rng.shuffle(values)
        return {label: float(v) for label, v in zip(labels, values, strict=True)}

    hyps = [payoffs() for _ in range(n_hypotheses)]
    data = {
        "format": "detente/1",
        "options": [{"name": n} for n in names],
        "decision_makers": [
            {
                "name": f"D{i}",
                "options": [n for n, o in zip(names, owners, strict=True) if o == i],
                "preferences": {"payoffs": hyps[0] if i == 0 else payoffs()},
                **(
                    {
                        "alternatives": [
                            {"name": f"h{j}", "preferences": {"payoffs": h}}
                            for j, h in enumerate(hyps)
                        ]
                    }
                    if i == 0
                    else {}
                ),
            }
            for i in range(3)
        ],
    }
    return data, [list(h.values()) for h in hyps]


def _simulate(rng: random.Random, data: dict, truth: int, length: int) -> list[Observation]:
    """A record of DM 0 of the given length: random DMs take random unilateral improvements
    (the naive reference's), stay where they have none; at an equilibrium an exogenous shock
    moves the conflict to a random state (not an observation)."""
    dms = [dict(d) for d in data["decision_makers"]]
    dms[0]["preferences"] = dms[0]["alternatives"][truth]["preferences"]
    model = naive_model(Conflict.model_validate({**data, "decision_makers": dms}))
    state = rng.randrange(model.n)
    out: list[Observation] = []
    step = 0
    while len(out) < length:
        if all(not model.improvements(i, state) for i in range(model.n_dms)):
            state = rng.randrange(model.n)
            continue
        dm = rng.randrange(model.n_dms)
        better = sorted(model.improvements(dm, state))
        step += 1
        if better:
            target = rng.choice(better)
            if dm == 0:
                out.append(Observation(step, "move", 0, state, target))
            state = target
        elif dm == 0:
            out.append(Observation(step, "stay", 0, state, None))
    return out


def test_true_hypothesis_is_recovered_from_simulated_records():
    rng = random.Random(20170905)
    wins = 0.0
    draws = 30
    for _ in range(draws):
        data, _ = _random_conflict(rng, 3)
        truth = rng.randrange(3)
        record = _simulate(rng, data, truth, 20)
        result = diagnose(Conflict.model_validate(data), record, dms=["D0"], max_changes=0)
        posts = np.array([h.posterior for h in result.dms[0].hypotheses])
        top = np.flatnonzero(np.isclose(posts, posts.max()))
        wins += (truth in top) / top.size
    assert wins / draws >= 0.8


def test_resolve_history_on_api_objects():
    conflict = detente.load_case("north-korea")
    space = detente.compile_conflict(conflict)
    history = load_history(NK_HISTORY)
    observations = resolve_history(space, history)
    assert [o.kind for o in observations].count("stay") == 4
    with pytest.raises(ModelError) as info:
        resolve_history(space, history.model_copy(update={"start": "bogus"}))
    assert "start" in str(info.value)
