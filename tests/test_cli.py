"""The command line's happy paths and the documented JSON contract of ``analyze``.

Expected values: the Prisoner's Dilemma stabilities are worked out by hand below from the
definitions (Fang, Hipel & Kilgour 1993, ch. 4); the Elmira equilibria are the published
ones (Hipel, Fang, Kilgour & Haight 1993): Nash and SEQ {5, 8, 9}, GMR and SMR
{1, 4, 5, 8, 9}.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from detente import __version__, analyze, load_case, load_model
from detente.analyses.stability import CONCEPTS
from detente.cases import case_text, list_cases
from detente.cli import main
from detente.model.schema import model_schema


def ok(*args: str) -> str:
    """Run the CLI, check it succeeded and return what it printed."""
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def analyze_json(*args: str) -> dict[str, Any]:
    return json.loads(ok("analyze", *args, "--format", "json"))


@pytest.fixture
def pd_file(tmp_path: Path) -> Path:
    path = tmp_path / "pd.yaml"
    path.write_text(ok("show-case", "prisoners-dilemma"), encoding="utf-8")
    return path


# -- validate, states, cases, show-case, schema --------------------------------------------------
def test_version() -> None:
    assert __version__ in ok("--version")


def test_validate_case_and_file(pd_file: Path) -> None:
    assert ok("validate", "--case", "elmira") == (
        "Elmira groundwater conflict: valid; 3 decision makers, 5 options, 9 feasible states\n"
    )
    assert ok("validate", str(pd_file)) == (
        "Prisoner's Dilemma: valid; 2 decision makers, 2 options, 4 feasible states\n"
    )


def test_states_json_and_csv() -> None:
    data = json.loads(ok("states", "--case", "elmira", "--format", "json"))
    assert data["options"] == ["Modify", "Delay", "Accept", "Insist", "Abandon"]
    assert [s["id"] for s in data["states"]] == list(range(1, 10))
    assert data["states"][0] == {"id": 1, "label": "NYNNN", "values": [0, 1, 0, 0, 0]}
    assert data["states"][8]["label"] == "-NN-Y"  # the merged abandonment state
    rows = list(csv.reader(io.StringIO(ok("states", "--case", "elmira", "--format", "csv"))))
    assert rows[0] == ["id", "label", "Modify", "Delay", "Accept", "Insist", "Abandon"]
    assert rows[8] == ["8", "YNYYN", "1", "0", "1", "1", "0"]
    assert len(rows) == 10


def test_states_table() -> None:
    out = ok("states", "--case", "prisoners-dilemma")
    assert "4 feasible states" in out
    for label in ("NN", "YN", "NY", "YY"):
        assert label in out


def test_cases_and_show_case() -> None:
    out = ok("cases")
    listed = [line.split()[0] for line in out.splitlines()]
    assert listed == list_cases()
    assert {"elmira", "prisoners-dilemma", "chicken"} <= set(listed)
    for name in ("elmira", "prisoners-dilemma"):
        text = ok("show-case", name)
        assert text == case_text(name)


def test_schema_command() -> None:
    assert json.loads(ok("schema")) == model_schema()


# -- analyze: the JSON contract ----------------------------------------------------------------
PD_STATES = [
    {"id": 1, "label": "NN", "values": [0, 0]},
    {"id": 2, "label": "YN", "values": [1, 0]},
    {"id": 3, "label": "NY", "values": [0, 1]},
    {"id": 4, "label": "YY", "values": [1, 1]},
]
# Worked out by hand.  A prefers YN > NN > YY > NY and toggles the first option; B is the
# mirror image.  Nash: A is stable where its move does not improve (2, 4).  At 1 A's
# improvement to 2 is met by B's move to 4 (YY, worse for A than NN): stable for GMR/SMR,
# and B's move is an improvement for B (SEQ), as is B's simultaneous move NN -> NY (SIM).
# At 3 A's improvement to 4 can only be answered by B moving to 2, which A prefers: unstable.
PD_STABILITY = {
    "Nash": {"A": [2, 4], "B": [3, 4]},
    "GMR": {"A": [1, 2, 4], "B": [1, 3, 4]},
    "SMR": {"A": [1, 2, 4], "B": [1, 3, 4]},
    "SEQ": {"A": [1, 2, 4], "B": [1, 3, 4]},
    "SIM": {"A": [1, 2, 4], "B": [1, 3, 4]},
    "SEQSIM": {"A": [1, 2, 4], "B": [1, 3, 4]},
}


def test_analyze_json_prisoners_dilemma(pd_file: Path) -> None:
    data = analyze_json(str(pd_file))
    assert data == {
        "states": PD_STATES,
        "stability": PD_STABILITY,
        "equilibria": {
            "Nash": [4],
            "GMR": [1, 4],
            "SMR": [1, 4],
            "SEQ": [1, 4],
            "SIM": [1, 4],
            "SEQSIM": [1, 4],
        },
    }
    assert list(data) == ["states", "stability", "equilibria"]
    assert list(data["stability"]) == list(CONCEPTS)
    # --case and FILE give the same answer.
    assert analyze_json("--case", "prisoners-dilemma") == data


def test_analyze_json_elmira() -> None:
    data = analyze_json("--case", "elmira")
    names = ["MoE", "Uniroyal", "LG"]
    assert [s["id"] for s in data["states"]] == list(range(1, 10))
    for state in data["states"]:
        assert set(state) == {"id", "label", "values"}
        assert all(isinstance(v, int) for v in state["values"])
        # Values follow the option order, matching the label (merged options show '-').
        for mark, value in zip(state["label"], state["values"], strict=True):
            assert mark == "-" or value == (1 if mark == "Y" else 0)
    assert data["states"][4] == {"id": 5, "label": "NYNYN", "values": [0, 1, 0, 1, 0]}
    assert list(data["stability"]) == list(CONCEPTS)
    for concept, per_dm in data["stability"].items():
        assert list(per_dm) == names
        for ids in per_dm.values():
            assert ids == sorted(set(ids)) and all(1 <= i <= 9 for i in ids)
        # An equilibrium is a state stable for every decision maker.
        common = set.intersection(*(set(ids) for ids in per_dm.values()))
        assert data["equilibria"][concept] == sorted(common)
    assert data["equilibria"]["Nash"] == [5, 8, 9]
    assert data["equilibria"]["GMR"] == [1, 4, 5, 8, 9]
    assert data["equilibria"]["SMR"] == [1, 4, 5, 8, 9]
    assert data["equilibria"]["SEQ"] == [5, 8, 9]
    # The CLI prints exactly the Python API's contract.
    assert data == json.loads(json.dumps(analyze(load_case("elmira")).to_json()))


def test_analyze_selected_concepts() -> None:
    data = analyze_json("--case", "elmira", "--concept", "seq", "--concept", "nash")
    assert list(data["stability"]) == ["SEQ", "Nash"]
    assert data["equilibria"] == {"SEQ": [5, 8, 9], "Nash": [5, 8, 9]}


def test_analyze_summary_json() -> None:
    data = analyze_json("--case", "elmira", "--summary")
    assert data["n_states"] == 9
    assert data["equilibria"]["GMR"] == [1, 4, 5, 8, 9]
    full = analyze_json("--case", "elmira")
    for concept, counts in data["counts"].items():
        assert counts["equilibria"] == len(full["equilibria"][concept])
        assert counts["stable"] == {dm: len(ids) for dm, ids in full["stability"][concept].items()}
    assert "states" not in data


def test_analyze_csv_agrees_with_json() -> None:
    out = ok("analyze", "--case", "prisoners-dilemma", "--format", "csv", "--concept", "GMR")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["id", "label", "GMR:A", "GMR:B", "GMR:equilibrium"]
    assert [r["label"] for r in rows] == ["NN", "YN", "NY", "YY"]
    for row in rows:
        state = int(row["id"])
        assert row["GMR:A"] == str(int(state in PD_STABILITY["GMR"]["A"]))
        assert row["GMR:B"] == str(int(state in PD_STABILITY["GMR"]["B"]))
        assert row["GMR:equilibrium"] == str(int(state in (1, 4)))


def test_analyze_table_and_summary() -> None:
    full = ok("analyze", "--case", "elmira")
    assert "Elmira groundwater conflict" in full
    assert "Status quo: state 1 (NYNNN)" in full
    assert "Equilibria per solution concept" in full
    assert "Modify, Accept, Insist" in full  # state 8 spelled out in the equilibria table
    summary = ok("analyze", "--case", "elmira", "--summary")
    assert "Equilibria per solution concept" in summary
    assert "Modify, Accept, Insist" not in summary


# -- convert ---------------------------------------------------------------------------------
def test_convert_yaml_json_round_trip(tmp_path: Path, pd_file: Path) -> None:
    as_json = tmp_path / "pd.json"
    assert ok("convert", str(pd_file), str(as_json)) == f"wrote {as_json}\n"
    data = json.loads(as_json.read_text(encoding="utf-8"))
    assert data["format"] == "detente/1"
    back = tmp_path / "back.yaml"
    ok("convert", str(as_json), str(back))
    assert yaml.safe_load(back.read_text(encoding="utf-8"))["format"] == "detente/1"
    assert load_model(back) == load_model(as_json) == load_model(pd_file)
    assert analyze_json(str(back)) == analyze_json(str(pd_file))


def test_convert_refuses_to_overwrite(tmp_path: Path, pd_file: Path) -> None:
    target = tmp_path / "out.yaml"
    target.write_text("precious\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["convert", str(pd_file), str(target)])
    assert result.exit_code == 2
    assert result.stderr == f"detente: error: {target} exists; use --force to overwrite it\n"
    assert target.read_text(encoding="utf-8") == "precious\n"
    ok("convert", str(pd_file), str(target), "--force")
    assert load_model(target) == load_model(pd_file)
    assert not list(tmp_path.glob("*.tmp"))


def test_convert_refuses_an_invalid_model(tmp_path: Path) -> None:
    source = tmp_path / "bad.yaml"
    source.write_text(case_text("chicken").replace("ranking: [YN, NN, NY, YY]", "ranking: [YN]"))
    target = tmp_path / "out.yaml"
    result = CliRunner().invoke(main, ["convert", str(source), str(target)])
    assert result.exit_code == 2
    assert "the ranking misses feasible state(s)" in result.stderr
    assert not target.exists()


def test_tables_are_whole_when_piped() -> None:
    # Rich cuts tables to 80 columns without a terminal; piped output must keep every cell.
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    out = subprocess.run(
        [sys.executable, "-m", "detente.cli", "states", "--case", "north-korea"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    assert "…" not in out
    header = next(line for line in out.splitlines() if "label" in line)
    assert "enforce" in header  # the last option's column is there
    assert "0.N.N.N.N.N.N.N.N.N" in out  # a whole label
