"""Per-DM solution concepts (GMCR II: Fang, Hipel, Kilgour & Peng 2003, IEEE SMC-C 33(1)).

* On random conflicts, every DM's row under an assignment such as ``D0=SEQ, D1=Nash`` equals
  the naive definition of that DM's own concept (tests/reference.py), and the equilibria are
  the states every DM finds stable under its own concept.
* The model's ``concept:`` fields (``per-DM``) give the same verdicts as the assignment.
* A uniform assignment is the plain concept; the order of the entries does not matter.
* Inclusions carry over DM by DM: when each DM's concept is one of Nash ⊆ SMR ⊆ GMR or
  Nash ⊆ SEQ ⊆ GMR (Fang, Hipel & Kilgour 1989, EJOR 41), Nash equilibria ⊆ mixed
  equilibria ⊆ GMR equilibria.
* Bad assignments and bad ``concept:`` fields end in one located line.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from detente import analyze, compile_conflict, load_case
from detente.analyses.inverse import inverse
from detente.analyses.per_dm import PerDMConceptError
from detente.analyses.stability import concept_name
from detente.cli import main
from detente.errors import ModelError
from detente.model.conflict import Conflict

from . import reference
from .conflicts import conflict_data, examples


@st.composite
def conflicts_with_assignment(
    draw: st.DrawFn, concepts: tuple[str, ...] = reference.CONCEPTS
) -> tuple[dict[str, Any], list[str]]:
    data = draw(conflict_data(merge=False, max_options=6))
    chosen = [draw(st.sampled_from(concepts)) for _ in data["decision_makers"]]
    return data, chosen


def assignment_text(data: dict[str, Any], chosen: list[str]) -> str:
    names = [dm["name"] for dm in data["decision_makers"]]
    return ", ".join(f"{n}={c}" for n, c in zip(names, chosen, strict=True))


@examples(300)
@given(conflicts_with_assignment())
def test_assignment_matches_definitions(case: tuple[dict[str, Any], list[str]]) -> None:
    data, chosen = case
    conflict = Conflict.model_validate(data)
    space = compile_conflict(conflict)
    model = reference.naive_model(conflict)
    name = assignment_text(data, chosen)
    got = analyze(space, name)
    expected = np.array(reference.per_dm_table(model, chosen), dtype=bool)
    assert np.array_equal(got.stable[concept_name(name)], expected), name
    assert got.equilibria(name).tolist() == reference.equilibria(expected.tolist())


@examples(150)
@given(conflicts_with_assignment(), st.randoms(use_true_random=False))
def test_model_fields_entry_order_and_default(
    case: tuple[dict[str, Any], list[str]], rng: Any
) -> None:
    data, chosen = case
    name = assignment_text(data, chosen)
    explicit = analyze(compile_conflict(Conflict.model_validate(data)), name).stable[
        concept_name(name)
    ]
    # The same concepts from the model's concept: fields.
    own = {
        **data,
        "decision_makers": [
            {**dm, "concept": c} for dm, c in zip(data["decision_makers"], chosen, strict=True)
        ],
    }
    result = analyze(compile_conflict(Conflict.model_validate(own)))
    assert "per-DM" in result.concepts  # a model with concepts shows its mixed equilibria
    assert np.array_equal(result.stable["per-DM"], explicit)
    # Entry order does not matter; '*' covers the DMs not named.
    entries = name.split(", ")
    rng.shuffle(entries)
    shuffled = ", ".join([*entries[1:], f"*={chosen[int(entries[0].split('=')[0][1:])]}"])
    again = analyze(compile_conflict(Conflict.model_validate(data)), shuffled)
    assert np.array_equal(again.stable[concept_name(shuffled)], explicit)


@examples(100)
@given(conflict_data(merge=None, max_options=6), st.sampled_from(reference.CONCEPTS))
def test_uniform_assignment_is_the_concept(data: dict[str, Any], concept: str) -> None:
    space = compile_conflict(Conflict.model_validate(data))
    result = analyze(space, [concept, f"*={concept}"])
    assert np.array_equal(result.stable[concept], result.stable[f"*={concept}"])


@examples(200)
@given(conflicts_with_assignment(("Nash", "SMR", "SEQ", "GMR")))
def test_inclusions_carry_over(case: tuple[dict[str, Any], list[str]]) -> None:
    data, chosen = case
    space = compile_conflict(Conflict.model_validate(data))
    name = assignment_text(data, chosen)
    result = analyze(space, ["Nash", "GMR", name])
    mixed = set(result.equilibria(name).tolist())
    assert set(result.equilibria("Nash").tolist()) <= mixed <= set(result.equilibria("GMR"))


def test_north_korea_us_seq_others_nash() -> None:
    """The issue's example on the bundled case: the US under SEQ, every other DM Nash."""
    space = compile_conflict(load_case("north-korea"))
    result = analyze(space, ["Nash", "SEQ", "US=SEQ, *=Nash"])
    rows = result.stable["US=SEQ, *=Nash"]
    assert np.array_equal(rows[0], result.stable["SEQ"][0])
    assert np.array_equal(rows[1:], result.stable["Nash"][1:])
    mixed = set(result.equilibria("US=SEQ, *=Nash").tolist())
    assert set(result.equilibria("Nash").tolist()) <= mixed <= set(result.equilibria("SEQ"))


def test_concept_names() -> None:
    assert concept_name(" us = seq ; *=nash") == "us=SEQ, *=Nash"
    assert concept_name("*=l3, A=nm") == "A=NM, *=L3"
    assert concept_name("own") == concept_name("Per-DM") == "per-DM"


# -- bad input: one line, located ----------------------------------------------------------

MODEL = """\
format: detente/1
options: [{name: a}, {name: b}]
decision_makers:
  - name: A
    options: [a]
    preferences: {ranking: [2, 1, 3, 4]}
    concept: SEQ
  - name: B
    options: [b]
    preferences: {ranking: [1, 2, 3, 4]}
"""


def cli_error(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 2, (result.output, result.exception)
    message = result.stderr
    assert message.count("\n") == 1 and "Traceback" not in message, message
    return message.removeprefix("detente: error: ").rstrip("\n")


@pytest.mark.parametrize(
    ("concept", "expected"),
    [
        ("X=SEQ", "per-DM concept 'X=SEQ': unknown decision maker 'X' (known: A, B)"),
        ("A=SEQ", "per-DM concept 'A=SEQ' gives no concept to 'B' (name them, or add"),
        ("A=SEQ,,B=Nash", "per-DM concept 'A=SEQ,,B=Nash': an empty entry"),
        ("A=SEQ, B", "per-DM concept 'A=SEQ, B': entry 'B' is not DM=CONCEPT"),
        ("A=SEQ, A=Nash", "per-DM concept 'A=SEQ, A=Nash': 'A' is given twice"),
        ("A=B=SEQ", "per-DM concept 'A=B=SEQ': A's concept must be a single concept"),
        ("A=foo", "unknown solution concept 'foo'"),
        ("per-DM", "concept per-DM: decision maker(s) 'A', 'B' have no concept:"),
    ],
)
def test_bad_assignment(concept: str, expected: str) -> None:
    message = cli_error("analyze", "--case", "prisoners-dilemma", "--concept", concept)
    assert message.startswith(expected), message


def test_concept_given_to_some_dms_only(tmp_path: Any) -> None:
    path = tmp_path / "partial.yaml"
    path.write_text(MODEL)
    message = cli_error("analyze", str(path))
    assert message == (
        f"{path}:8: decision_makers[1].concept: this DM has no concept: give every decision"
        " maker one (others do), or none"
    )


def test_unknown_concept_in_the_model_is_located(tmp_path: Any) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(MODEL.replace("[1, 2, 3, 4]}", "[1, 2, 3, 4]}\n    concept: SQE"))
    message = cli_error("analyze", str(path))
    assert message.startswith(f"{path}:11: decision_makers[1].concept: unknown solution concept")


def test_api_errors_are_detente_errors() -> None:
    space = compile_conflict(load_case("chicken"))
    with pytest.raises(PerDMConceptError):
        analyze(space, "nobody=SEQ")
    with pytest.raises(ModelError):
        Conflict.model_validate(
            {
                "options": [{"name": "a"}, {"name": "b"}],
                "decision_makers": [
                    {"name": "A", "options": ["a"], "preferences": {"ranking": [1, 2, 3, 4]}},
                    {
                        "name": "B",
                        "options": ["b"],
                        "preferences": {"ranking": [1, 2, 3, 4]},
                        "concept": "Nash",
                    },
                ],
            }
        )


def test_cli_json_lists_the_mixed_equilibria() -> None:
    result = CliRunner().invoke(
        main,
        ["analyze", "--case", "prisoners-dilemma", "--concept", "*=SEQ", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    assert '"*=SEQ"' in result.output


def test_other_analyses_take_per_dm_names() -> None:
    """Any analysis that takes a concept name takes an assignment (here: inverse), and an
    assignment may use limited-move and non-myopic horizons."""
    space = compile_conflict(load_case("prisoners-dilemma"))
    mixed = inverse(space, "NN", concept="A=Nash, B=Nash")
    plain = inverse(space, "NN", concept="Nash")
    assert mixed.size == plain.size == 2
    result = analyze(space, ["A=L2, B=NM", "L2", "NM"])
    rows = result.stable["A=L2, B=NM"]
    assert np.array_equal(rows[0], result.stable["L2"][0])
    assert np.array_equal(rows[1], result.stable["NM"][1])


def test_a_mapping_is_one_per_dm_concept() -> None:
    space = compile_conflict(load_case("north-korea"))
    by_map = analyze(space, {"US": "SEQ", "*": "Nash"})
    assert by_map.concepts == ["US=SEQ, *=Nash"]
    assert np.array_equal(
        by_map.stable["US=SEQ, *=Nash"], analyze(space, "*=Nash, US=seq").stable["US=SEQ, *=Nash"]
    )
    with pytest.raises(PerDMConceptError, match="a name with '=', ',' or ';'"):
        analyze(space, {"US=1": "SEQ"})
