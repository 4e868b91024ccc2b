"""Unknown, strong/mild and hybrid preferences against their naive definitions.

* Every concept of the family (Nash_a .. SEQ_d of Li, Hipel, Kilgour & Fang 2004; GMR/SMR/
  SEQ strong and weak of Hamouda, Kilgour & Hipel 2004/2006; the strong variants of (a)-(d),
  the hybrid of Xu, Hipel, Kilgour & Chen 2010) equals the definition transcribed naively
  (:func:`tests.reference.ordinal_stable_state`) on random conflicts.
* The inclusions the definitions imply: (a) ⊆ (b) ⊆ (d) and (a) ⊆ (c) ⊆ (d) (more moves to
  deter, fewer sanctions that deter); strong ⊆ weak; without unknown levels (a)-(d) are the
  standard concepts; without strong gaps strong stability is Nash stability.
* The concept names parse case-insensitively; bad fields give one located line.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from detente import analyze, compile_conflict, load_case
from detente.analyses.ordinal import ordinal_structure
from detente.analyses.stability import ConceptError, concept_name
from detente.cli import main
from detente.engine.moves import BlockMoves
from detente.engine.ordinal import UncertainBlockMoves, uncertain_improvements
from detente.errors import ModelError
from detente.model.conflict import Conflict

from . import reference
from .conflicts import examples, reproducer
from .ordinal_conflicts import ordinal_conflict_data

UNKNOWN = [f"{c}_{x}" for c in ("Nash", "GMR", "SMR", "SEQ") for x in "abcd"]
STRENGTH = [f"{c}_{s}" for c in ("GMR", "SMR", "SEQ") for s in ("strong", "weak")]
HYBRID = [f"{c}_{x}_strong" for c in ("GMR", "SMR", "SEQ") for x in "ac"]
ALL = UNKNOWN + STRENGTH + HYBRID


def assert_definitions(data: dict[str, Any], concepts: list[str]) -> None:
    """The engine and the naive definitions agree on every concept, DM and state."""
    conflict = Conflict.model_validate(data)
    space = compile_conflict(conflict)
    model = reference.naive_model(conflict)
    result = analyze(space, concepts)
    for concept in concepts:
        for dm in range(space.n_dms):
            expected = [
                reference.ordinal_stable_state(model, concept, dm, s) for s in range(model.n)
            ]
            got = result.stable[concept][dm].tolist()
            assert got == expected, f"{concept} for D{dm}:\n{reproducer(data)}"


@examples(80)
@given(ordinal_conflict_data())
def test_family_matches_definitions(data: dict[str, Any]) -> None:
    assert_definitions(data, ALL)


@examples(50)
@given(ordinal_conflict_data(unknown=False))
def test_strength_with_merges_matches_definitions(data: dict[str, Any]) -> None:
    assert_definitions(data, STRENGTH + HYBRID)


@examples(150)
@given(ordinal_conflict_data())
def test_inclusions(data: dict[str, Any]) -> None:
    result = analyze(compile_conflict(Conflict.model_validate(data)), [*ALL, "Nash"])
    stab = result.stable
    for c in ("Nash", "GMR", "SMR", "SEQ"):
        a, b, cc, d = (stab[f"{c}_{x}"] for x in "abcd")
        assert not (a & ~b).any() and not (b & ~d).any(), reproducer(data)
        assert not (a & ~cc).any() and not (cc & ~d).any(), reproducer(data)
    for c in ("GMR", "SMR", "SEQ"):
        assert not (stab[f"{c}_strong"] & ~stab[f"{c}_weak"]).any(), reproducer(data)
        assert not (stab[f"{c}_a_strong"] & ~stab[f"{c}_a"]).any(), reproducer(data)
        assert not (stab[f"{c}_a_strong"] & ~stab[f"{c}_c_strong"]).any(), reproducer(data)
        # Nash stability needs no sanction, so it is strongly stable too.
        assert not (stab["Nash"] & ~stab[f"{c}_strong"]).any(), reproducer(data)
    # Strong SMR and strong SEQ imply strong GMR, as the standard concepts do.
    assert not (stab["SMR_strong"] & ~stab["GMR_strong"]).any()
    assert not (stab["SEQ_strong"] & ~stab["GMR_strong"]).any()


@examples(100)
@given(ordinal_conflict_data(unknown=False, strong=False))
def test_plain_preferences_reduce_to_standard(data: dict[str, Any]) -> None:
    """No unknown levels: (a)-(d) and weak are the standard concepts; no strong gaps:
    strong stability is Nash stability (no sanction is strong)."""
    space = compile_conflict(Conflict.model_validate(data))
    result = analyze(space, [*ALL, "Nash", "GMR", "SMR", "SEQ"])
    stab = result.stable
    for c in ("Nash", "GMR", "SMR", "SEQ"):
        for x in "abcd":
            assert np.array_equal(stab[f"{c}_{x}"], stab[c]), reproducer(data)
    for c in ("GMR", "SMR", "SEQ"):
        assert np.array_equal(stab[f"{c}_weak"], stab[c])
        assert np.array_equal(stab[f"{c}_strong"], stab["Nash"])
        assert np.array_equal(stab[f"{c}_a_strong"], stab["Nash"])


@examples(200)
@given(ordinal_conflict_data(strong=False), st.integers(0, 2**32 - 1))
def test_uncertain_block_moves_equal_listed_moves(data: dict[str, Any], seed: int) -> None:
    """R+U over the dense blocks (no targets) reduces like R+U over the listed targets."""
    space = compile_conflict(Conflict.model_validate(data))
    structure = ordinal_structure(space)
    rng = np.random.default_rng(seed)
    for j, moves in enumerate(space.move_sets):
        if not isinstance(moves, BlockMoves):
            continue
        fast = UncertainBlockMoves(moves, space.ranks[j], structure.unknown[j])
        listed = uncertain_improvements(space.moves[j], space.ranks[j], structure.unknown[j])
        values = rng.integers(-5, 5, space.n_states).astype(np.int32)
        assert np.array_equal(fast.min_over(values), listed.min_over(values)), reproducer(data)
        assert np.array_equal(fast.max_over(values), listed.max_over(values)), reproducer(data)
        # Empty may be conservative (infeasible cells), but never claimed with real moves.
        if fast.empty:
            assert not (listed.targets < space.n_states).any(), reproducer(data)


def test_concept_names() -> None:
    assert concept_name("gmr_A") == "GMR_a"
    assert concept_name(" SEQ_d ") == "SEQ_d"
    assert concept_name("Smr_Strong") == "SMR_strong"
    assert concept_name("gmr_WEAK") == "GMR_weak"
    assert concept_name("seq_b_strong") == "SEQ_a_strong"
    assert concept_name("seq_d_strong") == "SEQ_c_strong"
    assert concept_name("gmr_c_weak") == "GMR_c"
    for bad in ("nash_strong", "gmr_e", "gmr_a_mild", "gmr_strong_a"):
        with pytest.raises(ConceptError, match="unknown solution concept"):
            concept_name(bad)


BASE = {
    "options": [{"name": "A"}, {"name": "B"}],
    "decision_makers": [
        {"name": "X", "options": ["A"], "preferences": {"ranking": ["NN", ["YN", "NY"], "YY"]}},
        {"name": "Y", "options": ["B"], "preferences": {"ranking": ["YY", "NY", "YN", "NN"]}},
    ],
}


def with_prefs(**fields: Any) -> dict[str, Any]:
    data = yaml.safe_load(yaml.safe_dump(BASE))
    data["decision_makers"][0]["preferences"].update(fields)
    return data


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"unknown": [4]}, "decision_makers[0].preferences.unknown[0]: ranking entry 4 does not"),
        ({"unknown": [1]}, "ranking entry 1 is one state"),
        ({"unknown": [2, 2]}, "entry 2 is listed twice"),
        ({"strong": [3]}, "a strong gap below entry 3 needs an entry below it"),
        ({"strong": 0}, "greater than or equal to 1"),
    ],
)
def test_bad_fields(fields: dict[str, Any], message: str) -> None:
    pattern = re.escape(message)
    with pytest.raises((ModelError, ValueError), match=pattern):
        Conflict.model_validate(with_prefs(**fields))


def test_bad_forms() -> None:
    data = with_prefs()
    payoffs = {"NN": 1, "YN": 2, "NY": 3, "YY": 4}
    data["decision_makers"][0]["preferences"] = {"payoffs": payoffs, "strong": 1}
    with pytest.raises(ModelError, match="strong needs a ranking or a prioritization"):
        Conflict.model_validate(data)
    data["decision_makers"][0]["preferences"] = {"prioritization": ["A", "B"], "strong": [1]}
    with pytest.raises(ModelError, match="number of leading statements"):
        Conflict.model_validate(data)
    data["decision_makers"][0]["preferences"] = {"prioritization": ["A", "B"], "strong": 3}
    with pytest.raises(ModelError, match="only 2 statements"):
        Conflict.model_validate(data)
    data["decision_makers"][0]["preferences"] = {"prioritization": ["A"], "unknown": [1]}
    with pytest.raises(ModelError, match="unknown entries need a ranking"):
        Conflict.model_validate(data)


def test_unknown_with_merge_is_refused() -> None:
    data = with_prefs()
    data["decision_makers"][0]["preferences"] = {"prioritization": ["B"], "unknown": "ties"}
    data["decision_makers"][1]["preferences"] = {"prioritization": ["A"]}
    data["merge"] = [{"when": {"A": "Y"}}]
    space = compile_conflict(Conflict.model_validate(data))
    with pytest.raises(ModelError, match="without merged states"):
        ordinal_structure(space)


def test_structure_of_a_small_model() -> None:
    space = compile_conflict(Conflict.model_validate(with_prefs(unknown=[2], strong=[1])))
    s = ordinal_structure(space)
    labels = space.labels
    assert {labels[k] for k in np.flatnonzero(s.unknown[0])} == {"YN", "NY"}
    assert {labels[k] for k in np.flatnonzero(s.bands[0] == 1)} == {"NN"}


def cuban_missile_crisis_with_doubts() -> dict[str, Any]:
    """The bundled Cuban missile crisis with the doubts of docs/preferences/ordinal.md: the
    USSR's order of 'withdraw under a blockade' (NYYN) and 'blockade, missiles stay' (NYNN)
    is unknown, and strong gaps split both orders (escalation is strongly worse for both)."""
    data = load_case("cuban-missile-crisis").model_dump(exclude_defaults=True)
    usa, ussr = data["decision_makers"]
    ranking = ussr["preferences"]["ranking"]
    assert ranking[2:4] == ["NYYN", "NYNN"]
    ussr["preferences"]["ranking"] = [*ranking[:2], ranking[2:4], *ranking[4:]]
    ussr["preferences"]["unknown"] = [3]
    ussr["preferences"]["strong"] = [7]
    usa["preferences"]["strong"] = [4, 8]
    return data


def test_worked_example() -> None:
    data = cuban_missile_crisis_with_doubts()
    assert_definitions(data, ALL)
    result = analyze(Conflict.model_validate(data), ["SEQ_a", "SEQ_c", "GMR_strong", "GMR"])
    labels = result.space.labels
    # If the USSR may take NYNN for an improvement over the historical outcome, NYYN stops
    # being sequentially stable; with known improvements only it stays.
    assert "NYYN" in {labels[s] for s in result.equilibria("SEQ_c")}
    assert "NYYN" not in {labels[s] for s in result.equilibria("SEQ_a")}
    # Strong GMR drops the air strike with missiles staying (YNNN) and the unopposed
    # withdrawal (NNYN): there the USSR's improvements meet only mild sanctions.
    dropped = set(result.equilibria("GMR")) - set(result.equilibria("GMR_strong"))
    assert {labels[s] for s in dropped} == {"YNNN", "NNYN"}


def test_command_line(tmp_path: Any) -> None:
    """The concept names and the fields work from the command line; a bad entry is one line
    naming the file, the line and the place."""
    path = tmp_path / "doubts.yaml"
    path.write_text(yaml.safe_dump({"format": "detente/1", **with_prefs(unknown=[2])}))
    args = ["analyze", str(path), "--concept", "gmr_a", "--concept", "SEQ_strong"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "GMR_a" in result.output and "SEQ_strong" in result.output
    path.write_text(yaml.safe_dump({"format": "detente/1", **with_prefs(unknown=[5])}))
    result = CliRunner().invoke(main, ["analyze", str(path)])
    assert result.exit_code == 2
    assert "ranking entry 5 does not exist (1..3)" in result.output
    assert "decision_makers[0].preferences.unknown[0]" in result.output
    assert len(result.output.strip().splitlines()) == 1
