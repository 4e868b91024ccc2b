"""Explanations: the reasons agree with the engine and with the definitions; the sentences
name the right decision makers, options and states."""

from __future__ import annotations

import itertools
import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from detente import analyze, compile_conflict, load_case
from detente.analyses.explain import EXPLAIN_CONCEPTS, explain
from detente.cli import main
from detente.errors import DetenteError

from .conflicts import conflicts
from .reference import coalition_reach as naive_reach
from .reference import naive_model

FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_sequential(model, dm, s, ui, sanction, *, credible: bool) -> None:
    """A sequential sanction: the opponents' legal sequence from the UI's target to a state
    the DM does not prefer to s (each step an improvement for its mover if credible)."""
    assert sanction.kind == "sequential"
    path = sanction.path
    assert path, "a sanction needs at least one move"
    assert path[0].source == ui.target and path[-1].target == sanction.state
    for before, after in itertools.pairwise(path):
        assert before.target == after.source and before.dm != after.dm
    for step in path:
        assert step.dm != dm
        assert step.target in model.moves[step.dm][step.source]
        if credible:
            assert model.scores[step.dm][step.target] > model.scores[step.dm][step.source]
    assert model.scores[dm][sanction.state] <= model.scores[dm][s]


def _check_simultaneous(model, dm, s, ui, sanction) -> None:
    """Each responder takes one of its own UIs from s at the same time as the DM; some
    member (combination) of s, with the DM's move from it to a member of the UI's target and
    each responder's change of its own options from it to a member of its step's target,
    combines into a member of the sanction state (the member-level SIM of
    :func:`tests.reference.sim`)."""
    movers = [step.dm for step in sanction.path]
    assert len(movers) == len(set(movers)) and dm not in movers
    for step in sanction.path:
        assert step.source == s and step.target in model.improvements(step.dm, s)
    assert model.scores[dm][sanction.state] <= model.scores[dm][s]

    def own_moves(j, member, state):
        """Member-level moves of j from ``member`` to a combination of ``state``."""
        out = []
        for combo in model.states[state]:
            if combo != member and all(
                combo[k] == member[k] for k in range(len(member)) if k not in model.dm_options[j]
            ):
                out.append(combo)
        return out

    found = False
    for member in model.states[s]:
        picks = [own_moves(step.dm, member, step.target) for step in sanction.path]
        for moved in own_moves(dm, member, ui.target):
            for choice in itertools.product(*picks):
                combined = list(moved)
                for step, pick in zip(sanction.path, choice, strict=True):
                    for k in model.dm_options[step.dm]:
                        combined[k] = pick[k]
                found |= model.state_of.get(tuple(combined)) == sanction.state
    assert found


@FAST
@given(conflicts(max_dms=4, max_options=6))
def test_explanations_agree_with_engine_and_definitions(conflict):
    space = compile_conflict(conflict)
    model = naive_model(conflict)
    result = analyze(space, EXPLAIN_CONCEPTS)
    for s in range(space.n_states):
        explanation = explain(space, s + 1, concepts=EXPLAIN_CONCEPTS)
        assert len(explanation.items) == space.n_dms * len(EXPLAIN_CONCEPTS)
        for item in explanation.items:
            dm, concept = item.dm, item.concept
            assert item.stable == bool(result.stable[concept][dm, s]), (s, dm, concept)
            assert set(item.moves) == model.moves[dm][s]
            assert {ui.target for ui in item.improvements} == model.improvements(dm, s)
            others = [j for j in range(space.n_dms) if j != dm]
            for ui in item.improvements:
                assert ui.move.source == s and ui.move.dm == dm
                if concept == "Nash":
                    assert ui.escapes and ui.sanction is None
                elif concept == "GMR":
                    if ui.sanction:
                        _check_sequential(model, dm, s, ui, ui.sanction, credible=False)
                    else:
                        reach = naive_reach(model, others, ui.target, improving=False)
                        assert all(model.scores[dm][x] > model.scores[dm][s] for x in reach)
                    assert ui.escapes == (ui.sanction is None)
                elif concept == "SMR":
                    if ui.sanction:
                        _check_sequential(model, dm, s, ui, ui.sanction, credible=False)
                        s2 = ui.sanction.state
                        assert set(ui.sanction.counter_moves) == model.moves[dm][s2]
                        assert all(
                            model.scores[dm][c] <= model.scores[dm][s]
                            for c in ui.sanction.counter_moves
                        )
                    elif ui.defeated is not None:
                        _check_sequential(model, dm, s, ui, ui.defeated, credible=False)
                        counter = ui.counter
                        assert counter.source == ui.defeated.state and counter.dm == dm
                        assert counter.target in model.moves[dm][counter.source]
                        assert model.scores[dm][counter.target] > model.scores[dm][s]
                    assert ui.escapes == (ui.sanction is None)
                elif concept in ("SEQ", "SEQSIM"):
                    if ui.sanction:
                        _check_sequential(model, dm, s, ui, ui.sanction, credible=True)
                    else:
                        reach = naive_reach(model, others, ui.target, improving=True)
                        assert all(model.scores[dm][x] > model.scores[dm][s] for x in reach)
                if concept == "SIM" and ui.sanction:
                    _check_simultaneous(model, dm, s, ui, ui.sanction)
                if concept == "SEQSIM" and ui.simultaneous:
                    _check_simultaneous(model, dm, s, ui, ui.simultaneous)
            for sentence in item.sentences():
                assert space.dm_names[dm] in sentence
                assert f"state {s + 1}" in sentence
        json.dumps(explanation.to_json())
        assert explanation.to_frame().shape[0] >= len(explanation.items)


# -- Elmira -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def elmira():
    return compile_conflict(load_case("elmira"))


def test_elmira_gmr_sanction_sentence(elmira):
    """From the status quo, LG gains by insisting (to 5), but Uniroyal can abandon (9)."""
    item = explain(elmira, 1, "LG", ["GMR"]).get("LG", "GMR")
    assert item.stable
    (ui,) = item.improvements
    assert ui.target == 4 and not ui.escapes
    assert ui.sanction.state == 8
    assert [elmira.dm_names[step.dm] for step in ui.sanction.path] == ["Uniroyal"]
    sentence = item.sentences()[0]
    for words in (
        "From state 1 (Delay)",
        "LG would gain by taking Insist",
        "state 5 (Delay, Insist)",
        "Uniroyal can then drop Delay and take Abandon",
        "state 9 (Abandon)",
        "leaves LG worse off than at state 1",
        "deterred (GMR)",
    ):
        assert words in sentence, words


def test_elmira_unstable_sentences(elmira):
    explanation = explain(elmira, "NYNNN", "LG", ["Nash", "SEQ", "SIM"])
    nash = explanation.get("LG", "Nash")
    assert not nash.stable
    assert "not Nash stable for LG" in nash.sentences()[0]
    seq = explanation.get("LG", "SEQ")
    assert not seq.stable and seq.improvements[0].escapes
    assert "MoE and Uniroyal" in seq.sentences()[0]
    assert "not deterred (SEQ)" in seq.sentences()[0]
    assert "not SEQ-stable for LG" in seq.sentences()[-1]
    sim = explanation.get("LG", "SIM")
    assert "at the same time" in sim.sentences()[0]


def test_elmira_no_improvement_sentence(elmira):
    explanation = explain(elmira, 5)
    assert all(item.stable and not item.improvements for item in explanation.items)
    text = explanation.text()
    assert text.count("\n") == 2  # one sentence per decision maker
    assert "none of Uniroyal's moves (to states 7 and 9) leads to a state it prefers" in text
    assert "stable for LG under every concept" in text
    assert "MoE has no move" not in text
    moe = explain(elmira, 8, "MoE").text()
    assert "MoE has no move of its own" in moe


def test_elmira_several_improvements(elmira):
    item = explain(elmira, 6, "Uniroyal", ["Nash"]).get("Uniroyal", "Nash")
    assert [ui.target + 1 for ui in item.improvements] == [8, 9]
    sentence = item.sentences()[0]
    assert "dropping Delay and taking Accept, moving to state 8" in sentence
    assert "taking Abandon, moving to state 9 (Abandon)" in sentence


def test_explain_errors(elmira):
    with pytest.raises(DetenteError, match="does not exist"):
        explain(elmira, 10)
    with pytest.raises(DetenteError, match="unknown decision maker"):
        explain(elmira, 1, "Ontario")
    with pytest.raises(DetenteError, match="explanations cover"):
        explain(elmira, 1, concepts=["L2"])


# -- command line --------------------------------------------------------------------------------
def test_cli_explain_text_and_json():
    runner = CliRunner()
    out = runner.invoke(main, ["explain", "--case", "elmira", "1", "--dm", "LG"])
    assert out.exit_code == 0, out.output
    assert "Uniroyal can then drop Delay and take Abandon" in out.output
    out = runner.invoke(
        main, ["explain", "--case", "elmira", "NYNNN", "--concept", "gmr", "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["state"]["id"] == 1 and data["state"]["description"] == "Delay"
    lg = next(e for e in data["explanations"] if e["dm"] == "LG")
    assert lg["improvements"][0]["sanction"]["state"] == 9
    assert lg["improvements"][0]["sanction"]["moves"][0]["dm"] == "Uniroyal"


def test_cli_explain_errors():
    runner = CliRunner()
    out = runner.invoke(main, ["explain", "--case", "elmira", "99"])
    assert out.exit_code == 2 and "does not exist" in out.output
    out = runner.invoke(main, ["explain", "--case", "elmira"])
    assert out.exit_code == 2 and "STATE" in out.output


def test_cli_coalitions():
    runner = CliRunner()
    out = runner.invoke(main, ["coalitions", "--case", "elmira", "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["coalition_equilibria"] == [8, 9]
    assert [(b["equilibrium"], b["coalition"], b["targets"]) for b in data["breaks"]] == [
        (5, ["MoE", "Uniroyal"], [8])
    ]
    out = runner.invoke(main, ["coalitions", "--case", "elmira"])
    assert out.exit_code == 0, out.output
    assert "MoE and Uniroyal can move together to state 8" in out.output
    out = runner.invoke(main, ["coalitions", "--case", "elmira", "--format", "csv"])
    assert out.output.splitlines()[1].startswith("5,NYNYN,MoE+Uniroyal,1,8,YNYYN")
    out = runner.invoke(main, ["coalitions", "--case", "elmira", "--coalition", "MoE+Nobody"])
    assert out.exit_code == 2 and "unknown decision maker" in out.output
