"""Stability margins (detente's own measure; see detente.analyses.margins).

* On random conflicts the breadth-first search equals the naive definition (every sequence
  of exchanges tried; tests/reference.py) for Nash, GMR, SMR and SEQ.
* For DMs with rankings or payoffs, the margin of a non-equilibrium is the size of the
  inverse analysis's answer for that DM alone (Kinsara, Kilgour & Hipel 2015): the same unit,
  found by :func:`detente.analyses.inverse.inverse`, the public function.
* Bad arguments are one-line errors; the command line prints the margins beside the verdicts.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from detente import compile_conflict, load_case
from detente.analyses.inverse import inverse
from detente.analyses.margins import stability_margins
from detente.cli import main
from detente.errors import DetenteError
from detente.model.conflict import Conflict

from . import reference
from .conflicts import conflict_data, examples

CONCEPTS = ("Nash", "GMR", "SMR", "SEQ")


@examples(60)
@given(
    conflict_data(max_dms=3, max_options=3, merge=False),
    st.sampled_from(CONCEPTS),
    st.integers(1, 2),
)
def test_margins_match_definition(data: dict[str, Any], concept: str, depth: int) -> None:
    conflict = Conflict.model_validate(data)
    space = compile_conflict(conflict)
    model = reference.naive_model(conflict)
    result = stability_margins(space, concept, max_changes=depth, max_candidates=10**6)
    assert not result.incomplete
    assert result.equilibrium.tolist() == reference.naive_equilibrium_mask(model, concept)
    for dm in range(space.n_dms):
        expected = reference.naive_margins(model, concept, dm, depth)
        assert result.margin[dm].tolist() == expected, (space.dm_names[dm], concept)


@examples(30)
@given(
    conflict_data(max_dms=3, max_options=3, merge=False, forms=("ranking", "payoffs")),
    st.sampled_from(CONCEPTS),
)
def test_non_equilibria_margins_are_the_inverse_answer(data: dict[str, Any], concept: str) -> None:
    space = compile_conflict(Conflict.model_validate(data))
    result = stability_margins(space, concept, max_changes=2, max_candidates=10**6)
    for s in np.flatnonzero(~result.equilibrium)[:2]:
        for dm, name in enumerate(space.dm_names):
            answer = inverse(
                space,
                space.label(int(s)),
                concept=concept,
                dms=[name],
                max_changes=2,
                max_candidates=10**6,
            )
            assert answer.exhaustive
            assert result.margin[dm, s] == (answer.size if answer.found else -1), (name, s)


def test_equilibria_margins_on_the_prisoners_dilemma() -> None:
    """Both defect (YY) is the Nash equilibrium; one exchange in either prisoner's ranking
    (defecting alone no longer beats mutual defection... or mutual defection beats being the
    sucker) flips it."""
    result = stability_margins(load_case("prisoners-dilemma"), "Nash")
    space = result.space
    yy = space.state_index("YY", ("state",))
    assert result.equilibrium[yy]
    assert result.state_margin()[yy] == 1
    assert sorted(result.weakest(yy)) == sorted(space.dm_names)
    frame = result.to_frame()
    assert list(frame.columns) == ["label", "equilibrium", "margin", *space.dm_names]
    payload = result.to_json()
    assert [row["label"] for row in payload["states"]] == ["YY"]


def test_bad_arguments() -> None:
    space = compile_conflict(load_case("chicken"))
    with pytest.raises(DetenteError, match="unknown decision maker 'Z'"):
        stability_margins(space, dms=["Z"])
    with pytest.raises(DetenteError, match="--max-changes must be 1 or more"):
        stability_margins(space, max_changes=0)


def test_search_bound_is_reported() -> None:
    result = stability_margins(load_case("elmira"), "SEQ", max_candidates=3)
    assert result.incomplete == result.dms


def test_cli_margins() -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["margins", "--case", "prisoners-dilemma", "--concept", "Nash"])
    assert out.exit_code == 0, out.output
    assert "YY" in out.output and "margin" in out.output
    out = runner.invoke(
        main, ["margins", "--case", "chicken", "--concept", "SEQ", "--format", "json", "--all"]
    )
    assert out.exit_code == 0, out.output
    assert len(json.loads(out.output)["states"]) == 4
    bad = runner.invoke(main, ["margins", "--case", "chicken", "--dm", "Z"])
    assert bad.exit_code == 2 and bad.stderr.startswith("detente: error: unknown decision maker")
