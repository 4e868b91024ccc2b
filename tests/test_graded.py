"""Probabilistic (Rêgo & dos Santos 2015) and fuzzy (Bashar, Kilgour & Hipel 2012)
preferences: the engine against the naive definitions of tests/reference.py on random
conflicts, the inclusions and monotonicities of the definitions, the reductions to the
standard concepts, and the faces (YAML, CLI, API, located errors)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente import analyze, load_case
from detente.analyses.graded import GradedConcept, graded_concept, probability_degrees
from detente.analyses.stability import ConceptError, concept_name, stable_for
from detente.cli import main
from detente.model.conflict import Conflict
from detente.space.state_space import as_space

from . import reference
from .conflicts import conflicts
from .graded_conflicts import LEVELS, graded_conflict_data

BASES = ("Nash", "GMR", "SMR", "SEQ")
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
#: The two comparisons with the naive definitions draw more conflicts.
MANY = settings(SETTINGS, max_examples=200)
levels = st.sampled_from(LEVELS)


def _stable(space, concept: GradedConcept) -> np.ndarray:
    return np.stack([stable_for(space, concept.name, dm) for dm in range(space.n_dms)])


def _naive(model, degree, concept: str, improve, sanction, credible) -> np.ndarray:
    """The naive verdicts; ``improve``, ``sanction`` and ``credible`` are per DM."""
    return np.array(
        [
            [
                reference.graded_stable_naive(
                    model, degree, concept, dm, s, improve[dm], sanction[dm], credible
                )
                for s in range(model.n)
            ]
            for dm in range(model.n_dms)
        ]
    )


@MANY
@given(graded_conflict_data(), st.sampled_from(BASES), levels, levels, levels)
def test_probabilistic_matches_the_definitions(data, base, alpha, beta, gamma) -> None:
    conflict = Conflict.model_validate(data)
    concept = graded_concept(GradedConcept("probabilistic", base, alpha, beta, gamma).name)
    assert concept is not None
    model = reference.naive_model(conflict)
    table = reference.probability_table(model)
    expected = _naive(
        model,
        table,
        base,
        [concept.alpha] * model.n_dms,
        [concept.beta] * model.n_dms,
        [concept.gamma] * model.n_dms,
    )
    np.testing.assert_array_equal(_stable(as_space(conflict), concept), expected)


@MANY
@given(graded_conflict_data(), st.sampled_from(BASES))
def test_fuzzy_matches_the_definitions(data, base) -> None:
    conflict = Conflict.model_validate(data)
    model = reference.naive_model(conflict)
    degree, thresholds = reference.fuzzy_table(model)
    expected = _naive(model, degree, base, thresholds, thresholds, thresholds)
    concept = GradedConcept("fuzzy", base)
    np.testing.assert_array_equal(_stable(as_space(conflict), concept), expected)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conflicts(max_dms=4, max_options=5), st.sampled_from(BASES), levels, levels, levels)
def test_certain_preferences_give_the_standard_concepts(conflict, base, alpha, beta, gamma):
    """Without uncertainty P is 0 or 1: every (α, β, γ) in (0, 1] gives the standard
    concept, and so do the fuzzy concepts for crisp DMs."""
    space = as_space(conflict)
    standard = analyze(space, base).stable[base]
    for concept in (
        GradedConcept("probabilistic", base, alpha, beta, gamma),
        GradedConcept("fuzzy", base),
    ):
        np.testing.assert_array_equal(_stable(space, concept), standard)


@SETTINGS
@given(graded_conflict_data(), levels, levels, levels, levels)
def test_inclusions_and_monotonicity(data, alpha, beta, gamma, more) -> None:
    """α-Nash ⊆ (α,β)-SMR ⊆ (α,β)-GMR and α-Nash ⊆ (α,β,γ)-SEQ ⊆ (α,β)-GMR; raising α or β
    only adds stable states; raising γ (fewer credible sanctions) only removes them."""
    space = as_space(Conflict.model_validate(data))

    def of(base: str, a: float, b: float, c: float) -> np.ndarray:
        return _stable(space, GradedConcept("probabilistic", base, a, b, c))

    nash, gmr = of("Nash", alpha, beta, gamma), of("GMR", alpha, beta, gamma)
    smr, seq = of("SMR", alpha, beta, gamma), of("SEQ", alpha, beta, gamma)
    assert (nash <= smr).all() and (smr <= gmr).all()
    assert (nash <= seq).all() and (seq <= gmr).all()
    up = max(alpha, more)
    for base in BASES:
        low = of(base, alpha, beta, gamma)
        assert (low <= of(base, up, beta, gamma)).all()
        if base != "Nash":
            assert (low <= of(base, alpha, max(beta, more), gamma)).all()
    assert (of("SEQ", alpha, beta, max(gamma, more)) <= seq).all()


@SETTINGS
@given(graded_conflict_data())
def test_fuzzy_inclusions(data) -> None:
    """FR ⊆ FSMR ⊆ FGMR and FR ⊆ FSEQ ⊆ FGMR (Bashar, Kilgour & Hipel 2012)."""
    space = as_space(Conflict.model_validate(data))
    fr, fgmr, fsmr, fseq = (_stable(space, GradedConcept("fuzzy", b)) for b in BASES)
    assert (fr <= fsmr).all() and (fsmr <= fgmr).all()
    assert (fr <= fseq).all() and (fseq <= fgmr).all()


def _with_thresholds(data: dict, thresholds: list[float | None]) -> Conflict:
    dms = []
    for dm, t in zip(data["decision_makers"], thresholds, strict=True):
        dm = {k: v for k, v in dm.items() if k != "fuzzy"}
        if t is not None:
            dm["fuzzy"] = {"threshold": t}
        dms.append(dm)
    return Conflict.model_validate({**data, "decision_makers": dms})


@SETTINGS
@given(
    conflicts(max_dms=4, max_options=5).map(lambda c: c.model_dump(exclude_defaults=True)),
    st.data(),
)
def test_fuzzy_reductions_and_monotonicity(data, draw) -> None:
    """A threshold no larger than the smallest gap between fuzzy degrees makes the fuzzy
    concepts the standard ones; a DM's larger threshold only adds states stable for it
    under FR, FGMR and FSMR (fewer fuzzy improvements, easier sanctions)."""
    n_dms = len(data["decision_makers"])
    space = as_space(Conflict.model_validate(data))
    tiny: list[float | None] = []
    for dm in range(n_dms):
        scores = np.unique(space.scores[dm])
        gaps = np.diff((scores - scores[0]) / (scores[-1] - scores[0])) if scores.size > 1 else []
        tiny.append(float(min(gaps, default=1.0)) / 2)
    crisp_space = as_space(_with_thresholds(data, tiny))
    for base in BASES:
        np.testing.assert_array_equal(
            _stable(crisp_space, GradedConcept("fuzzy", base)), analyze(space, base).stable[base]
        )
    low = [draw.draw(levels) for _ in range(n_dms)]
    dm = draw.draw(st.integers(0, n_dms - 1))
    high = list(low)
    high[dm] = max(low[dm], draw.draw(levels))
    spaces = [as_space(_with_thresholds(data, t)) for t in (low, high)]
    for base in ("Nash", "GMR", "SMR"):
        a, b = (stable_for(s, GradedConcept("fuzzy", base).name, dm) for s in spaces)
        assert (a <= b).all()


def test_two_level_degrees_are_crisp() -> None:
    """Fuzzy degrees 0 and 1 only (a crisp relation): every threshold gives the standard
    concepts."""
    data = {
        "options": [{"name": "A"}, {"name": "B"}, {"name": "C"}],
        "decision_makers": [
            {
                "name": "X",
                "options": ["A"],
                "preferences": {"prioritization": ["A iff B"]},
                "fuzzy": {"threshold": 0.3},
            },
            {"name": "Y", "options": ["B", "C"], "preferences": {"prioritization": ["not A", "C"]}},
        ],
    }
    space = as_space(Conflict.model_validate(data))
    for base in BASES:
        assert np.array_equal(
            _stable(space, GradedConcept("fuzzy", base))[0], analyze(space, base).stable[base][0]
        )


def test_north_korea_probabilities_come_from_the_alternatives() -> None:
    """North Korea's weighted alternatives and the US's uncertain pair: P_i(a > b) is the
    weight of the scenarios ranking a above b (checked against the naive scenarios on
    random pairs), and a larger alpha only adds stable states on the bundled case."""
    conflict = load_case("north-korea")
    space = as_space(conflict)
    model = reference.naive_model(conflict)
    table = reference.probability_table(model)
    degrees = probability_degrees(space)
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, space.n_states, size=(2, 300))
    for dm in range(space.n_dms):
        expected = [table[dm](int(x), int(y)) for x, y in zip(a, b, strict=True)]
        np.testing.assert_allclose(degrees[dm].degree(a, b), expected, atol=1e-12)
    assert any(len(set(np.round(degrees[dm].degree(a, b), 9))) > 2 for dm in range(2))
    loose, strict = (analyze(space, f"({x},0.5)-GMR").stable[f"({x},0.5)-GMR"] for x in (0.9, 0.5))
    assert (strict <= loose).all()


def test_concept_names() -> None:
    assert concept_name("(0.7,0.5)-GMR") == "(0.7,0.5)-GMR"
    assert concept_name(" (0.7, 0.50)-smr") == "(0.7,0.5)-SMR"
    assert concept_name("0.7-nash") == "0.7-Nash"
    assert concept_name("(0.7)-Nash") == "0.7-Nash"
    assert concept_name("(0.7,0.5)-SEQ") == "(0.7,0.5,0.7)-SEQ"
    assert concept_name("fgmr") == "FGMR" and concept_name("FNash") == "FR"
    for bad, message in (
        ("(1.5,0.5)-GMR", "alpha must be in"),
        ("(0.5,0)-GMR", "beta must be in"),
        ("0-Nash", "alpha must be in"),
        ("(0.5,0.5,0.5)-GMR", "only SEQ takes a third parameter"),
        ("(0.5)-GMR", "unknown solution concept"),
    ):
        with pytest.raises(ConceptError, match=message):
            concept_name(bad)


YAML = """\
format: detente/1
options: [{name: A}, {name: B}]
decision_makers:
  - name: X
    options: [A]
    preferences:
      payoffs: {NN: 0.0, YN: 0.4, NY: 0.7, YY: 1.0}
    fuzzy:
      threshold: {threshold}
  - name: Y
    options: [B]
    preferences:
      prioritization: [B, A]
"""


def test_cli_analyze_with_graded_concepts(tmp_path: Path) -> None:
    path = tmp_path / "fuzzy.yaml"
    path.write_text(YAML.replace("{threshold}", "0.5"))
    result = CliRunner().invoke(
        main,
        [
            "analyze",
            str(path),
            "--concept",
            "FGMR",
            "--concept",
            "(0.7,0.5)-GMR",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out["equilibria"]) == {"FGMR", "(0.7,0.5)-GMR"}
    # X's move NN -> YN (degree 0.4) falls short of 0.5: NN is fuzzy stable for X.
    assert 1 in out["stability"]["FGMR"]["X"]
    result = CliRunner().invoke(
        main, ["analyze", "--case", "north-korea", "--concept", "(0.7,0.5)-SMR"]
    )
    assert result.exit_code == 0, result.output


def test_bad_threshold_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(YAML.replace("{threshold}", "1.5"))
    result = CliRunner().invoke(main, ["analyze", str(path), "--concept", "FR"])
    assert result.exit_code == 2
    message = result.stderr
    assert message.count("\n") == 1 and "Traceback" not in message
    assert "bad.yaml" in message and "threshold" in message and ":9:" in message
    result = CliRunner().invoke(main, ["analyze", "--case", "chicken", "--concept", "(2,0.5)-GMR"])
    assert result.exit_code == 2 and "alpha must be in (0, 1]" in result.stderr
