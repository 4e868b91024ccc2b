"""Every kind of bad input ends in one line: file, place in it, what is wrong; exit status 2.

Each case runs the real command line (click's test runner, and a few through the installed
``detente`` script) and checks the whole message: it names the file, the line where the
parser gives one, the path in the document and the problem, and there is no traceback.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from detente.cli import main

BASE = """\
format: detente/1
name: bad input test
options:
  - name: A
  - name: B
decision_makers:
  - name: X
    options: [A]
    preferences:
      ranking: [NN, YN, NY, YY]
  - name: Y
    options: [B]
    preferences:
      ranking: [YY, NY, YN, NN]
"""


def run(*args: str) -> str:
    """Run the CLI, check it failed cleanly with status 2 and return its one-line message."""
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.stdout == ""
    message = result.stderr
    assert message.endswith("\n") and message.count("\n") == 1, message
    assert "Traceback" not in message
    assert message.startswith("detente: error: ")
    return message[len("detente: error: ") :].rstrip("\n")


def write(tmp_path: Path, text: str, name: str = "model.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_with(text: str, marker: str) -> int:
    """1-based number of the (only) line containing ``marker`` (starting with it: '^marker')."""
    if marker.startswith("^"):
        found = [k for k, line in enumerate(text.splitlines(), 1) if line.startswith(marker[1:])]
    else:
        found = [k for k, line in enumerate(text.splitlines(), 1) if marker in line]
    assert len(found) == 1, (marker, found)
    return found[0]


def check(
    tmp_path: Path,
    text: str,
    marker: str | None,
    loc: str,
    fragment: str,
    *,
    name: str = "model.yaml",
    command: tuple[str, ...] = ("validate",),
) -> str:
    """Write ``text``, run ``command`` on it and check the message names file, line, loc."""
    path = write(tmp_path, text, name)
    message = run(*command, str(path))
    where = f"{path}:{line_with(text, marker)}: " if marker else f"{path}: "
    assert message.startswith(where + (f"{loc}: " if loc else "")), message
    assert fragment in message, message
    return message


RANKING = "ranking: [NN, YN, NY, YY]"


def replace(old: str, new: str, text: str = BASE) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


# -- syntax ----------------------------------------------------------------------------------
def test_malformed_yaml(tmp_path: Path) -> None:
    text = replace("  - name: B\n", "  - {name: B\n")
    # libyaml says "did not find expected ...", PyYAML's pure-Python reader "expected ...".
    message = check(tmp_path, text, "decision_makers:", "", "expected ',' or '}'")
    assert "malformed YAML: " in message and "flow mapping started on line 5" in message


def test_tab_in_yaml(tmp_path: Path) -> None:
    text = replace("  - name: B\n", "\t- name: B\n")
    message = check(tmp_path, text, "\t- name: B", "", "malformed YAML: found ")
    assert "tab" in message or "'\\t'" in message, message


def test_malformed_json(tmp_path: Path) -> None:
    text = '{"format": "detente/1",\n "options": [{"name": "A"}]\n "decision_makers": []}\n'
    check(
        tmp_path,
        text,
        '"decision_makers"',
        "",
        "malformed JSON: Expecting ',' delimiter (column 2)",
        name="model.json",
    )


def test_json_with_tabs_is_valid_json(tmp_path: Path) -> None:
    import json

    import yaml

    text = json.dumps(yaml.safe_load(BASE), indent="\t")
    path = write(tmp_path, text, "model.json")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output


def test_json_error_has_a_line(tmp_path: Path) -> None:
    import json

    import yaml

    data = yaml.safe_load(BASE)
    data["options"][1]["colour"] = "red"
    text = json.dumps(data, indent=2)
    check(tmp_path, text, '"colour"', "options[1].colour", "unknown field", name="model.json")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("", "got nothing"), ("- a\n- b\n", "got list"), ("just words\n", "got str")],
)
def test_not_a_mapping(tmp_path: Path, text: str, fragment: str) -> None:
    path = write(tmp_path, text)
    message = run("validate", str(path))
    assert message == f"{path}:1: expected a model (a mapping of fields), {fragment}"


# -- types and fields --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("old", "new", "marker", "loc", "fragment"),
    [
        ("options: [B]", "options: B", "options: B", "decision_makers[1].options", "valid list"),
        ("  - name: B\n", "  - name: [B]\n", "name: [B]", "options[1].name", "valid string"),
        (
            "decision_makers:\n",
            "decision_makers: {}\nrest:\n",
            "decision_makers: {}",
            "decision_makers",
            "valid list (got {})",
        ),
        (
            "ranking: [NN, YN, NY, YY]",
            "prioritization: A",
            "prioritization: A",
            "decision_makers[0].preferences.prioritization",
            "valid list (got 'A')",
        ),
        (
            "  - name: B\n",
            "  - name: B\n    direction: sideways\n",
            "sideways",
            "options[1].direction",
            "'both', 'forward' or 'backward' (got 'sideways')",
        ),
        (
            "format: detente/1",
            "format: detente/2",
            "detente/2",
            "format",
            "'detente/1' (got 'detente/2')",
        ),
    ],
)
def test_wrong_types(
    tmp_path: Path, old: str, new: str, marker: str, loc: str, fragment: str
) -> None:
    check(tmp_path, replace(old, new), marker, loc, fragment)


def test_two_preference_forms(tmp_path: Path) -> None:
    text = replace(RANKING, RANKING + "\n      payoffs: {NN: 1}")
    path = write(tmp_path, text)
    message = run("validate", str(path))
    # The error is about the preferences mapping: the line of its key.
    line = line_with(text, RANKING) - 1
    assert message == (
        f"{path}:{line}: decision_makers[0].preferences: give exactly one of prioritization,"
        " ranking, payoffs (got ranking, payoffs)"
    )


def test_unknown_field(tmp_path: Path) -> None:
    text = replace("  - name: A\n", "  - name: A\n    colour: red\n")
    message = check(tmp_path, text, "colour", "options[0].colour", "unknown field")
    assert message.endswith("options[0].colour: unknown field")


def test_unknown_top_level_field(tmp_path: Path) -> None:
    text = BASE + "decision_maker: [oops]\n"
    check(tmp_path, text, "decision_maker:", "decision_maker", "unknown field")


def test_missing_field(tmp_path: Path) -> None:
    text = replace("    options: [B]\n", "")
    check(tmp_path, text, "  - name: Y", "decision_makers[1].options", "required field is missing")


# -- names and owners -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("old", "new", "marker", "loc", "fragment"),
    [
        ("  - name: B\n", "  - name: A\n", None, "options[1].name", "duplicate option name 'A'"),
        ("  - name: Y\n", "  - name: X\n", None, "decision_makers[1].name", "duplicate decision"),
        (
            "options: [B]",
            "options: [C]",
            "options: [C]",
            "decision_makers[1].options[0]",
            "unknown option 'C'",
        ),
        (
            "options: [B]",
            "options: [A, B]",
            "options: [A, B]",
            "decision_makers[1].options[0]",
            "option 'A' has two owners: 'X' and 'Y'",
        ),
        (
            "  - name: B\n",
            "  - name: B\n  - name: C\n",
            "name: C",
            "options[2]",
            "option 'C' has no owner",
        ),
    ],
)
def test_names_and_owners(
    tmp_path: Path, old: str, new: str, marker: str | None, loc: str, fragment: str
) -> None:
    text = replace(old, new)
    if marker is None:
        # Duplicate names: the line of the second holder of the name.
        name = new.split("name: ")[1].strip()
        lines = [k for k, line in enumerate(text.splitlines(), 1) if f"name: {name}" in line]
        path = write(tmp_path, text)
        message = run("validate", str(path))
        assert message.startswith(f"{path}:{lines[1]}: {loc}: "), message
        assert fragment in message
        return
    check(tmp_path, text, marker, loc, fragment)


# -- statements ------------------------------------------------------------------------------
def test_statement_does_not_parse(tmp_path: Path) -> None:
    text = replace("ranking: [NN, YN, NY, YY]", "prioritization: ['A and (B or']")
    message = check(
        tmp_path,
        text,
        "A and (B or",
        "decision_makers[0].preferences.prioritization[0]",
        "statement 'A and (B or': expected an option name, 'not' or '(' at column 12,"
        " found end of statement",
    )
    assert "column 12" in message


def test_statement_unknown_option(tmp_path: Path) -> None:
    text = replace("ranking: [NN, YN, NY, YY]", "prioritization: [A and not Q]")
    check(
        tmp_path,
        text,
        "Q]",
        "decision_makers[0].preferences.prioritization[0]",
        "unknown option 'Q' at column 11 (options: A, B)",
    )


def test_infeasibility_statement_unknown_option(tmp_path: Path) -> None:
    text = BASE + "infeasible:\n  - statement: A and Zed\n"
    check(tmp_path, text, "Zed", "infeasible[0].statement", "unknown option 'Zed' at column 7")


def test_condition_with_two_forms(tmp_path: Path) -> None:
    text = BASE + "infeasible:\n  - {statement: A, when: Y-}\n"
    check(
        tmp_path,
        text,
        "statement: A",
        "infeasible[0]",
        "give exactly one of when, statement, mutually_exclusive, at_least_one, exactly_one"
        " (got when, statement)",
    )


def test_pattern_value(tmp_path: Path) -> None:
    text = BASE + "infeasible:\n  - {when: {A: Q}}\n"
    check(tmp_path, text, "A: Q", "infeasible[0].when.A", "'Q' is not a value of option 'A'")


# -- rankings and states ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("new", "loc", "fragment"),
    [
        ("ranking: [NN, YN, NY]", "ranking", "the ranking misses feasible state(s) 4 (YY)"),
        (
            "ranking: [NN, YN, NY, YY, NN]",
            "ranking[4]",
            "state 1 (NN) appears twice in the ranking",
        ),
        (
            "ranking: [NN, [YN, NY, NN], YY]",
            "ranking[1][2]",
            "state 1 (NN) appears twice in the ranking",
        ),
        ("ranking: [1, 2, 3, 4, 7]", "ranking[4]", "state 7 does not exist: states are numbered"),
        ("ranking: [NN, YN, NY, YYY]", "ranking[3]", "'YYY' is neither a state number nor a label"),
        (
            "ranking: [NN, YN, NY, {A: Y}]",
            "ranking[3]",
            "state needs a value for every option; missing ['B']",
        ),
        ("payoffs: {1: 3, 2: 4, 3: 0}", "payoffs", "the payoffs misses feasible state(s) 4 (YY)"),
        ("payoffs: {1: 3, 2: 4, 3: 0, 4: 1, 5: 2}", "payoffs.5", "state 5 does not exist"),
    ],
)
def test_rankings(tmp_path: Path, new: str, loc: str, fragment: str) -> None:
    text = replace(RANKING, new)
    check(tmp_path, text, new, f"decision_makers[0].preferences.{loc}", fragment)


def test_ranking_names_an_infeasible_state(tmp_path: Path) -> None:
    text = replace("[YY, NY, YN, NN]", "[NY, YN, NN]") + "infeasible: [YY]\n"
    check(
        tmp_path,
        text,
        RANKING,
        "decision_makers[0].preferences.ranking[3]",
        "state YY is infeasible",
    )


def test_no_feasible_state(tmp_path: Path) -> None:
    text = BASE + "infeasible:\n  - statement: A or not A\n"
    check(tmp_path, text, "infeasible:", "infeasible", "no feasible state is left")


def test_infeasible_status_quo(tmp_path: Path) -> None:
    text = (
        replace("[YY, NY, YN, NN]", "[NY, YN, NN]", replace(RANKING, "ranking: [NN, YN, NY]"))
        + "infeasible: [YY]\nstatus_quo: YY\n"
    )
    check(
        tmp_path,
        text,
        "status_quo",
        "status_quo",
        "the status quo is infeasible (state YY is infeasible)",
    )


def test_status_quo_that_does_not_exist(tmp_path: Path) -> None:
    check(tmp_path, BASE + "status_quo: 9\n", "status_quo", "status_quo", "state 9 does not exist")


# -- levels ------------------------------------------------------------------------------------
@pytest.mark.parametrize("levels", ["0..x", "0", "-3", "1..5", "true", "[0, 3]"])
def test_bad_levels(tmp_path: Path, levels: str) -> None:
    text = replace("  - name: B\n", f"  - name: B\n    levels: {levels}\n")
    check(
        tmp_path,
        text,
        "levels:",
        "options[1].levels",
        "levels must look like '0..10' or be the top level (an integer >= 1)",
    )


def test_level_out_of_range_in_statement(tmp_path: Path) -> None:
    text = replace("  - name: B\n", "  - name: B\n    levels: 0..3\n")
    text = replace(RANKING, "prioritization: ['B >= 4']", text)
    check(
        tmp_path,
        text,
        "B >= 4",
        "decision_makers[0].preferences.prioritization[0]",
        "level 4 at column 6 is outside 0..3 for option 'B'",
    )


def test_step_on_a_binary_option(tmp_path: Path) -> None:
    text = replace("  - name: B\n", "  - name: B\n    step: 2\n")
    check(tmp_path, text, "step: 2", "options[1].step", "'step' needs a levelled option")


# -- size ------------------------------------------------------------------------------------
def test_state_space_over_the_limit(tmp_path: Path) -> None:
    check(
        tmp_path,
        BASE,
        "^options:",
        "options",
        "the model has 4 option combinations, more than the limit of 3; raise the limit"
        " (--max-states)",
        command=("analyze", "--max-states", "3"),
    )


def test_huge_state_space_is_refused_before_allocating(tmp_path: Path) -> None:
    """2^60 combinations could never be allocated: a clean refusal shows none was tried."""
    names = [f"o{k}" for k in range(60)]
    text = (
        "options:\n"
        + "".join(f"  - name: {n}\n" for n in names)
        + "decision_makers:\n  - name: X\n    options: ["
        + ", ".join(names)
        + "]\n    preferences:\n      prioritization: [o1]\n"
    )
    check(
        tmp_path,
        text,
        "^options:",
        "options",
        "the model has 1,152,921,504,606,846,976 option combinations, more than the limit",
        command=("analyze",),
    )


def test_bundled_case_over_the_limit() -> None:
    message = run("validate", "--case", "elmira", "--max-states", "10")
    assert re.fullmatch(
        r".*elmira\.yaml:\d+: options: the model has 32 option combinations, more than the"
        r" limit of 10; .*",
        message,
    ), message


# -- files, cases, concepts ------------------------------------------------------------------
def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    for command in (["validate"], ["analyze"], ["states"], ["convert"]):
        args = [*command, str(path)] + (
            [str(tmp_path / "out.yaml")] if command == ["convert"] else []
        )
        assert run(*args) == f"{path}: no such file"


def test_directory(tmp_path: Path) -> None:
    assert run("validate", str(tmp_path)) == f"{tmp_path}: is a directory, not a model file"
    assert run("convert", str(tmp_path), str(tmp_path / "x.yaml")) == (
        f"{tmp_path}: is a directory, not a model file"
    )


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: Gen\xe8ve\n".encode("latin-1"))
    assert run("validate", str(path)) == f"{path}: not a UTF-8 text file"


@pytest.mark.parametrize("command", [["analyze", "--case"], ["validate", "--case"], ["show-case"]])
def test_unknown_case(command: list[str]) -> None:
    message = run(*command, "atlantis")
    assert message.startswith("no bundled case 'atlantis' (bundled: ")
    assert "elmira" in message


def test_file_and_case_together(tmp_path: Path) -> None:
    path = write(tmp_path, BASE)
    assert run("analyze", str(path), "--case", "elmira") == "give a FILE or --case, not both"


def test_no_model_given() -> None:
    assert "give a model FILE or --case NAME" in run("validate")


@pytest.mark.parametrize("concept", ["foo", "GMRR"])
def test_unknown_concept(concept: str) -> None:
    message = run("analyze", "--case", "prisoners-dilemma", "--concept", concept)
    assert message.startswith(f"unknown solution concept {concept!r} (known: Nash, GMR")


def test_limited_move_horizon_below_one() -> None:
    message = run("analyze", "--case", "prisoners-dilemma", "--concept", "L0")
    assert message == "limited-move horizon must be at least 1 (got 'L0')"


# -- a real process: no traceback either -------------------------------------------------------
def detente_script() -> list[str]:
    script = Path(sys.executable).parent / "detente"
    return [str(script)] if script.exists() else [sys.executable, "-m", "detente.cli"]


@pytest.mark.parametrize(
    ("text", "args", "fragment"),
    [
        ("options: [\n", (), "malformed YAML"),
        (BASE, ("--max-states", "2"), "the model has 4 option combinations"),
        (replace(RANKING, "ranking: [NN]"), (), "the ranking misses feasible state(s)"),
    ],
)
def test_installed_script(tmp_path: Path, text: str, args: tuple[str, ...], fragment: str) -> None:
    path = write(tmp_path, text)
    done = subprocess.run(
        [*detente_script(), "analyze", str(path), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"detente: error: {path}:")
    assert fragment in done.stderr


def test_duplicate_keys_are_refused_not_silently_overwritten(tmp_path) -> None:
    from click.testing import CliRunner

    from detente.cli import main

    for name, text in {
        "dup.yaml": "format: detente/1\noptions:\n  - name: a\noptions:\n  - name: b\n",
        "dup.json": '{"format": "detente/1",\n "name": "x",\n "name": "y"}',
    }.items():
        path = tmp_path / name
        path.write_text(text)
        result = CliRunner().invoke(main, ["validate", str(path)])
        assert result.exit_code == 2
        assert "duplicate key" in result.output
        assert f"{name}:" in result.output and "first given on line" in result.output
