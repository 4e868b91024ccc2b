"""One-line notes where detente used to stay silent (issue 15 §4): outcomes that leave
states uncovered, a sweep that overrides its strategy's own value, and a DM whose moves are
all infeasible."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import detente
from detente.analyses.explain import explain
from detente.analyses.strategies import outcomes_of, sweep, uncovered_states
from detente.cli import main
from detente.io.files import parse_model
from detente.render.terminal import coverage_note
from detente.space import as_space

MODEL = """\
format: detente/1
options:
  - name: a
  - name: b
    direction: forward
decision_makers:
  - name: X
    options: [a]
    preferences: {ranking: [NN, NY, YY]}
  - name: Y
    options: [b]
    preferences: {ranking: [YY, NY, NN]}
infeasible:
  - statement: a and not b
"""


def invoke(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def test_validate_notes_uncovered_states(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(MODEL + "outcomes:\n  - {name: both, when: a and b}\n", encoding="utf-8")
    lines = invoke("validate", str(path)).splitlines()
    # States: 1 NN, 2 NY, 3 YY (YN is infeasible); only state 3 is 'both'.
    assert lines[1:] == ["note: states 1 and 2 match no outcome; they show as 'other'"]
    path.write_text(MODEL + "outcomes:\n  - {name: all, when: 'true'}\n", encoding="utf-8")
    assert len(invoke("validate", str(path)).splitlines()) == 1
    # Without outcomes every state is 'other' by design: nothing to note.
    assert len(invoke("validate", "--case", "elmira").splitlines()) == 1


CONFLICT = detente.load_case("north-korea")
SUBSETS = [
    list(c) for r in range(5) for c in combinations(["deal", "talks", "stalemate", "war"], r)
]


@pytest.mark.parametrize("keep", SUBSETS, ids="+".join)
def test_uncovered_states_are_the_other_states(keep: list[str]) -> None:
    conflict = CONFLICT.model_copy(
        update={"outcomes": [o for o in CONFLICT.outcomes if o.name in keep]}
    )
    space = as_space(conflict)
    found = uncovered_states(space)
    if not keep:
        assert found.size == 0
        return
    # Definition-level: a state is uncovered when its outcomes are just 'other'.
    expected = [s for s in range(space.n_states) if outcomes_of(space, s) == ["other"]]
    assert found.tolist() == expected
    note = coverage_note(found)
    assert (note is None) == (not expected)


def test_coverage_note_counts_the_rest() -> None:
    assert coverage_note(np.arange(1000)) == (
        "note: states 1, 2, 3, 4, 5 and 995 more match no outcome; they show as 'other'"
    )


def test_sweep_says_it_overrides_the_strategy() -> None:
    result = sweep(CONFLICT, "sanctions", ["Nash"], strategy="maximum pressure")
    assert result.overridden == 10
    assert sweep(CONFLICT, "strike", ["Nash"], strategy="maximum pressure").overridden is None
    out = invoke(
        "sweep", "--case", "north-korea", "--option", "sanctions",
        "--strategy", "maximum pressure", "--concept", "Nash",
    )  # fmt: skip
    note = "Note: 'maximum pressure' sets sanctions=10 itself; each row replaces it"
    assert note in out.replace("\n", " ")
    out = invoke(
        "sweep", "--case", "north-korea", "--option", "strike",
        "--strategy", "maximum pressure", "--concept", "Nash",
    )  # fmt: skip
    assert "replaces it" not in out


def test_explain_says_the_moves_are_infeasible() -> None:
    conflict = parse_model(MODEL)
    # At NN, X's only move (taking a) reaches YN, which is infeasible.
    sentence = explain(conflict, "NN", "X", ["Nash"]).items[0].sentences()[0]
    assert sentence == (
        "At state 1 (no option taken), every move X could make leads to an infeasible"
        " state, so the state is Nash stable for X."
    )
    # At NY, Y's option is taken and may only move forward: truly no move, not infeasible.
    sentence = explain(conflict, "NY", "Y", ["Nash"]).items[0].sentences()[0]
    assert sentence.startswith("At state 2 (b), Y has no move of its own")
