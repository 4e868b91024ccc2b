"""The bundled cases: each validates, compiles and has the documented number of states.

The Cuban missile crisis results are checked against a hand analysis (worked out state by
state from the definitions of Fang, Hipel & Kilgour 1993, ch. 4, and written down in the
comments below) and, for the reversible variant, against the published sequential-stability
result of Fraser & Hipel (1984).  For North Korea, the flagship case, the tests pin down the
structure of the model and the claims its header comment makes, not the full result lists.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from click.testing import CliRunner

from detente import Conflict, analyze, compile_conflict, list_cases, load_case
from detente.analyses.diagnose import bundled_history, diagnose, load_history
from detente.cases import DEFAULT_CASE, case_text
from detente.cli import main

#: Feasible states of the cases whose files do not say "Feasible states: N." in a comment
#: (they give the states in their own words: 2x2 games have 4, Elmira's published model 9).
DOCUMENTED_STATES = {"chicken": 4, "prisoners-dilemma": 4, "elmira": 9}

_STATES_COMMENT = re.compile(r"^#.*Feasible states:\s*([\d,]+)", re.MULTILINE)


def documented_states(name: str) -> int:
    """The number of feasible states a case's file documents."""
    match = _STATES_COMMENT.search(case_text(name))
    if match:
        return int(match.group(1).replace(",", ""))
    assert name in DOCUMENTED_STATES, (
        f"{name}.yaml should say 'Feasible states: N.' in a comment at the top"
    )
    return DOCUMENTED_STATES[name]


def test_the_flagship_cases_are_bundled() -> None:
    cases = list_cases()
    assert {"cuban-missile-crisis", "north-korea", "elmira"} <= set(cases)
    assert DEFAULT_CASE == "north-korea"


@pytest.mark.parametrize("name", list_cases())
def test_case_validates_and_compiles_to_the_documented_size(name: str) -> None:
    conflict = load_case(name)
    assert isinstance(conflict, Conflict)
    assert conflict.name and conflict.source, "a bundled case names itself and its source"
    space = compile_conflict(conflict)
    assert space.n_states == documented_states(name)
    assert space.status_quo is not None, "a bundled case has a status quo"
    for dm in range(space.n_dms):
        assert space.ranks[dm].shape == (space.n_states,)


@pytest.mark.parametrize("name", list_cases())
def test_cli_validates_case(name: str) -> None:
    result = CliRunner().invoke(main, ["validate", "--case", name])
    assert result.exit_code == 0, result.output
    assert f"{documented_states(name):,}" in result.output


# -- Cuban missile crisis ------------------------------------------------------------------
#
# State k is the published state with decimal code k - 1 (air strike 1, blockade 2,
# withdraw 4, escalate 8).  Preference vectors (Fraser & Hipel 1984), best first, by code:
#   USA  4 6 5 7 2 1 3 0 11 9 10 8        USSR 0 4 6 2 5 1 7 3 11 9 10 8
# Hand analysis with the air strike irreversible (codes; a sanction is a move by the other
# DM from the improved-to state back to one the mover likes no more than where it started):
#   Nash:  USA has no UI at codes {1, 2, 4, 5, 11}; USSR at {0, 5, 6, 7}.  Equilibrium {5}.
#   GMR:   USA's UIs from 0, 3, 6, 7 are all sanctioned (e.g. 0 -> 1 by USSR escalating to
#          9); its UIs from 8, 9, 10 to 11 are not (USSR can only reach 3 or 7).  USSR's UIs
#          from 1, 2, 4 are sanctioned (e.g. 4 -> 0 by an air strike, 1), those from 3, 8,
#          9, 10, 11 are not.  USA {0..7, 11}, USSR {0, 1, 2, 4, 5, 6, 7}.
#   SMR:   every GMR sanction above survives the sanctioned DM's counter-move: same as GMR.
#   SEQ:   only UIs sanction.  USA 6 -> 4 is met by the USSR's UI 4 -> 0; 0 -> 1 and
#          3 -> 1 are not (the USSR's only UI from 1 is 5, which the USA likes); 7 -> 5
#          is not (the USSR has no UI at 5).  USA {1, 2, 4, 5, 6, 11}; USSR 4 -> 0 is met
#          by any US UI from 0, the rest are not: USSR {0, 4, 5, 6, 7}.  Equilibria {4, 5, 6}.
# With the air strike reversible the USA also has 5 -> 6 (blockade instead of strike), which
# the USSR cannot answer, so SEQ gives {4, 6}: the published Fraser & Hipel (1984) result
# (4 = missiles withdrawn, 6 = withdrawn under a blockade, the historical outcome), which
# the same hand analysis confirms.  Both checks below are 1-based state numbers.


def _numbers(codes: list[int]) -> list[int]:
    return [code + 1 for code in codes]


CUBA_IRREVERSIBLE = {
    "Nash": ({"USA": [1, 2, 4, 5, 11], "USSR": [0, 5, 6, 7]}, [5]),
    "GMR": (
        {"USA": [0, 1, 2, 3, 4, 5, 6, 7, 11], "USSR": [0, 1, 2, 4, 5, 6, 7]},
        [0, 1, 2, 4, 5, 6, 7],
    ),
    "SMR": (
        {"USA": [0, 1, 2, 3, 4, 5, 6, 7, 11], "USSR": [0, 1, 2, 4, 5, 6, 7]},
        [0, 1, 2, 4, 5, 6, 7],
    ),
    "SEQ": ({"USA": [1, 2, 4, 5, 6, 11], "USSR": [0, 4, 5, 6, 7]}, [4, 5, 6]),
}


@pytest.mark.parametrize("concept", sorted(CUBA_IRREVERSIBLE))
def test_cuban_missile_crisis_hand_analysis(concept: str) -> None:
    per_dm, equilibria = CUBA_IRREVERSIBLE[concept]
    result = analyze(load_case("cuban-missile-crisis"), [concept])
    for dm, codes in per_dm.items():
        assert (result.stable_states(concept, dm) + 1).tolist() == _numbers(codes), dm
    assert (result.equilibria(concept) + 1).tolist() == _numbers(equilibria)


def test_cuban_missile_crisis_states_follow_the_published_codes() -> None:
    space = compile_conflict(load_case("cuban-missile-crisis"))
    assert space.option_names == ["air_strike", "blockade", "withdraw", "escalate"]
    weights = np.array([1, 2, 4, 8])
    assert (space.values.astype(int) @ weights).tolist() == list(range(12))
    assert space.status_quo == 0
    best_first = {
        "USA": [4, 6, 5, 7, 2, 1, 3, 0, 11, 9, 10, 8],
        "USSR": [0, 4, 6, 2, 5, 1, 7, 3, 11, 9, 10, 8],
    }
    for dm, order in best_first.items():
        rank = space.ranks[space.dm_names.index(dm)]
        assert sorted(range(12), key=lambda s: -rank[s]) == order


def test_cuban_missile_crisis_reversible_strike_gives_published_seq() -> None:
    data = load_case("cuban-missile-crisis").model_dump()
    data["options"][0]["direction"] = "both"
    result = analyze(Conflict.model_validate(data), ["Nash", "SEQ"])
    assert (result.equilibria("SEQ") + 1).tolist() == _numbers([4, 6])
    # The USA has a UI in every group of Soviet choices once the strike can be undone.
    assert result.equilibria("Nash").size == 0


# -- North Korea ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def korea():
    conflict = load_case("north-korea")
    space = compile_conflict(conflict)
    return conflict, space, analyze(space, ["Nash", "SEQ", "SIM", "GMR"])


def test_north_korea_structure(korea) -> None:
    conflict, space, _ = korea
    assert space.dm_names == ["US", "NorthKorea", "SouthKorea", "China"]
    assert space.option_names == [
        "sanctions",
        "strike",
        "assurance",
        "normalize",
        "tests",
        "talks",
        "denuclearize",
        "sunshine",
        "join_sanctions",
        "enforce",
    ]
    owners = {dm.name: dm.options for dm in conflict.decision_makers}
    assert owners == {
        "US": ["sanctions", "strike", "assurance", "normalize"],
        "NorthKorea": ["tests", "talks", "denuclearize"],
        "SouthKorea": ["sunshine", "join_sanctions"],
        "China": ["enforce"],
    }
    options = {o.name: o for o in conflict.options}
    assert options["sanctions"].top == 10 and options["sanctions"].step is None
    assert options["strike"].direction == "forward"
    assert all(dm.preferences.form == "prioritization" for dm in conflict.decision_makers)
    assert all(o.description for o in options.values())
    assert space.n_states == 1537
    assert space.label(space.status_quo) == "5.N.N.N.Y.N.N.N.N.N"


def test_north_korea_war_is_one_absorbing_state(korea) -> None:
    _, space, result = korea
    strike = space.option_names.index("strike")
    war = np.flatnonzero(space.values[:, strike] == 1)
    assert war.size == 1
    for moves in space.moves:
        assert (moves[:, war[0]] == space.n_states).all(), "nobody moves out of war"
    for concept in result.stable:
        assert war[0] in result.equilibria(concept)
    # War is every decision maker's worst state.
    assert (space.ranks[:, war[0]] == 0).all()


def _has(space, states: np.ndarray, option: str) -> np.ndarray:
    return space.values[states, space.option_names.index(option)] > 0


def test_north_korea_status_quo(korea) -> None:
    _, space, result = korea
    sq = space.status_quo
    north_korea = space.dm_names.index("NorthKorea")
    # North Korea does not come to the table, or stop testing, on its own.
    assert result.stable["Nash"][north_korea, sq]
    # The others do move: the status quo is no equilibrium.
    for concept in ("Nash", "SEQ", "SIM"):
        assert sq not in result.equilibria(concept)
    us = space.dm_names.index("US")
    assert not result.stable["Nash"][us, sq]


def test_north_korea_pressure_alone_does_not_disarm(korea) -> None:
    _, space, result = korea
    for concept in ("Nash", "SEQ", "SIM"):
        eq = result.equilibria(concept)
        peace = eq[~_has(space, eq, "strike")]
        unassured = peace[~_has(space, peace, "assurance")]
        # Without an assurance North Korea never disarms and always keeps testing...
        assert not _has(space, unassured, "denuclearize").any(), concept
        assert _has(space, unassured, "tests").all(), concept
    # ... even under maximum, coordinated pressure, which is a Nash equilibrium.
    stalemate = space.state_index("10.N.N.N.Y.N.N.Y.Y.Y")
    assert stalemate in result.equilibria("Nash")


def test_north_korea_assurance_makes_a_deal_possible(korea) -> None:
    _, space, result = korea
    # With an assurance North Korea comes to talks and stops testing, even at maximum pressure.
    talks = space.state_index("10.N.Y.N.N.Y.N.Y.N.N")
    assert talks in result.equilibria("Nash")
    # The deal: assurance, normalisation with the dial turned down, talks, denuclearisation.
    deal = space.state_index("0.N.Y.Y.N.Y.Y.Y.N.N")
    for concept in result.stable:
        assert deal in result.equilibria(concept), concept
    # Every denuclearised equilibrium comes with an assurance and talks.
    for concept in ("Nash", "SEQ", "SIM"):
        eq = result.equilibria(concept)
        disarmed = eq[_has(space, eq, "denuclearize")]
        assert disarmed.size > 0
        assert _has(space, disarmed, "assurance").all() and _has(space, disarmed, "talks").all()
    # Everybody prefers the deal to the stalemate of maximum pressure.
    stalemate = space.state_index("10.N.N.N.Y.N.N.Y.Y.Y")
    assert (space.ranks[:, deal] > space.ranks[:, stalemate]).all()


def test_north_korea_strike_threat_makes_gmr_permissive(korea) -> None:
    # GMR counts sanctions the sanctioner would not carry out: the strike deters every move
    # by the three others, so they are GMR-stable everywhere (see the file's header).
    result = korea[2]
    assert result.stable["GMR"][1:].all()
    assert result.equilibria("GMR").size > 10 * result.equilibria("SEQ").size


# -- Iran 2012-2015 -------------------------------------------------------------------------
#
# The facts below were read off the model (detente analyze / diagnose --case iran) and checked
# against the record summarised in docs/cases.md; they are pinned so that a change of the case
# that changes what it says about history shows up here.  Where the model disagrees with
# history, the disagreement is pinned too (docs/cases.md says so in words).


@pytest.fixture(scope="module")
def iran():
    conflict = load_case("iran")
    space = compile_conflict(conflict)
    return conflict, space, analyze(space, ["Nash", "SEQ", "SIM", "GMR"])


def test_iran_structure(iran) -> None:
    conflict, space, _ = iran
    assert space.dm_names == ["US", "EU", "China", "Iran", "Israel"]
    owners = {dm.name: dm.options for dm in conflict.decision_makers}
    assert owners == {
        "US": ["sanctions"],
        "EU": ["embargo", "swift"],
        "China": ["china_cuts"],
        "Iran": ["enrichment", "inspections", "talks"],
        "Israel": ["strike"],
    }
    options = {o.name: o for o in conflict.options}
    assert options["sanctions"].top == 3 and options["enrichment"].top == 2
    assert options["strike"].direction == "forward"
    assert all(o.description for o in options.values())
    assert space.n_states == 321
    assert space.label(space.status_quo) == "1NNN1NNN"
    iran_dm = next(dm for dm in conflict.decision_makers if dm.name == "Iran")
    assert [a.name for a in iran_dm.alternatives] == [
        "economy first",
        "resistance first",
        "weapon sought",
    ]
    # The baseline preferences are the first hypothesis, as the file says.
    assert iran_dm.preferences == iran_dm.alternatives[0].preferences


def unsourced_statements(text: str) -> list[int]:
    """Line numbers of preference statements with no comment above them.

    A statement is sourced when the nearest line above it that is not another statement is
    a comment (a comment may cover the run of statements below it).  A list whose comment
    sits above its ``preferences:`` line (Iran's baseline, a copy of its first hypothesis)
    is covered by that comment.
    """
    lines = text.splitlines()
    missing: list[int] = []
    listed = False
    for k, line in enumerate(lines):
        stripped = line.strip()
        if stripped == "prioritization:":
            listed = True
            continue
        if not stripped.startswith(("- ", "#")):
            listed = False
        if not listed or not stripped.startswith("- "):
            continue
        above = k - 1
        while lines[above].strip().startswith("- "):
            above -= 1
        if lines[above].strip() == "prioritization:":
            covered = lines[above - 1].strip() == "preferences:" and lines[above - 2].strip()
            if covered and covered.startswith("#"):
                continue
        if not lines[above].strip().startswith("#"):
            missing.append(k + 1)
    return missing


def test_iran_every_statement_is_sourced() -> None:
    text = case_text("iran")
    assert unsourced_statements(text) == []
    # The check can fail: a statement put in without a comment is reported.
    anchor = "      prioritization:\n        # [Obama-AIPAC]"
    assert anchor in text
    unsourced = text.replace(
        anchor, "      prioritization:\n        - talks\n        # [Obama-AIPAC]"
    )
    assert len(unsourced_statements(unsourced)) == 1
    # Every option has a comment above it too.
    lines = text.splitlines()
    for k, line in enumerate(lines):
        if line.startswith("  - name:") and k < lines.index("decision_makers:"):
            assert lines[k - 1].strip().startswith("#"), line


def test_iran_merged_war_ranks_the_same_whichever_member_scores_it(iran) -> None:
    # The merged war state scores as its lowest-code member (README); the case file argues
    # that no DM's ranking depends on that choice.  Check it on the unmerged model: for every
    # DM, each peaceful state is either above every war state or below every one.
    data = iran[0].model_dump()
    data["merge"] = []
    space = compile_conflict(Conflict.model_validate(data))
    strike = space.option_names.index("strike")
    war = space.values[:, strike] == 1
    assert war.sum() > 1
    for dm in range(space.n_dms):
        war_ranks = space.ranks[dm, war]
        peace_ranks = space.ranks[dm, ~war]
        between = (peace_ranks >= war_ranks.min()) & (peace_ranks <= war_ranks.max())
        assert not between.any(), space.dm_names[dm]
    # War is everybody's worst state but Israel's, which puts it just above a breakout.
    merged = iran[1]
    war_state = int(np.flatnonzero(merged.values[:, strike] == 1)[0])
    israel = merged.dm_names.index("Israel")
    for dm in range(merged.n_dms):
        if dm != israel:
            assert merged.ranks[dm, war_state] == 0, merged.dm_names[dm]
    enrichment = merged.option_names.index("enrichment")
    breakout = merged.values[:, enrichment] == 2
    peaceful = merged.values[:, strike] == 0
    assert (merged.ranks[israel, war_state] > merged.ranks[israel, breakout & peaceful]).all()
    assert (merged.ranks[israel, war_state] < merged.ranks[israel, ~breakout & peaceful]).all()


def test_iran_breakout_is_never_an_equilibrium(iran) -> None:
    # Iran never crossed the red line (Netanyahu, UN, 27 September 2012) nor built a weapon.
    _, space, result = iran
    strike = space.option_names.index("strike")
    enrichment = space.option_names.index("enrichment")
    for concept in result.stable:
        eq = result.equilibria(concept)
        peace = eq[space.values[eq, strike] == 0]
        assert not (space.values[peace, enrichment] == 2).any(), concept


def test_iran_coordinated_sanctions_and_talks_is_the_nash_equilibrium(iran) -> None:
    # 2013: earnest talks under the full coordinated sanctions, the programme not yet limited.
    # Besides war it is the only Nash equilibrium, and it is an equilibrium under every concept.
    _, space, result = iran
    talks_under_sanctions = space.state_index("3YYY1NYN")
    war = space.state_index("-------Y")
    assert sorted(result.equilibria("Nash").tolist()) == sorted([talks_under_sanctions, war])
    for concept in result.stable:
        assert talks_under_sanctions in result.equilibria(concept), concept


def test_iran_the_deal_holds_by_the_threat_of_renewed_sanctions(iran) -> None:
    # The JCPOA state (limits, inspections, sanctions lifted) is not Nash-stable for Iran: it
    # would gain by dropping the limits if nobody answered.  It is SEQ-stable: the EU would
    # answer by reimposing its embargo and SWIFT cut-off (the JCPOA's snap-back logic).
    _, space, result = iran
    deal = space.state_index("0NNN0YYN")
    iran_dm = space.dm_names.index("Iran")
    assert not result.stable["Nash"][iran_dm, deal]
    assert deal in result.equilibria("SEQ")
    assert deal not in result.equilibria("Nash")
    # A disagreement with history, pinned: the JPOA state (limits under the full sanctions)
    # is not SEQ-stable for Iran - the model has no partial relief to hold it (docs/cases.md).
    interim = space.state_index("3YYY0YYN")
    assert not result.stable["SEQ"][iran_dm, interim]


def test_iran_history_diagnoses_and_rules_out_a_weapon_sought() -> None:
    history = load_history(bundled_history("iran"))
    result = diagnose(load_case("iran"), history)
    (iran_dm,) = result.dms
    posterior = {h.name: h.posterior for h in iran_dm.hypotheses}
    assert posterior.keys() == {"economy first", "resistance first", "weapon sought"}
    assert sum(posterior.values()) == pytest.approx(1.0)
    # Staying below the red line and accepting limits speaks against a weapon sought.
    assert posterior["weapon sought"] < 0.05
    # Under SEQ the record favours the economic reading (Harrell's).
    seq = diagnose(load_case("iran"), history, concept="SEQ").dms[0]
    best = seq.best()
    assert best is not None and best.name == "economy first" and best.posterior > 0.9


def test_cli_runs_the_iran_analyses() -> None:
    runner = CliRunner()
    for command in (
        ["analyze", "--case", "iran", "--format", "json"],
        ["paths", "--case", "iran", "--format", "json", "--summary"],
        ["compare", "--case", "iran"],
        ["uncertainty", "--case", "iran"],
        ["diagnose", "--case", "iran"],
    ):
        result = runner.invoke(main, command)
        assert result.exit_code == 0, (command, result.output)


def test_north_korea_deal_rests_on_a_tie(korea) -> None:
    # docs/cases.md: North Korea ranks the deal exactly equal to the same state without
    # denuclearising, so "the deal is a Nash equilibrium" rests on an indifference; the seed
    # supports no preference that breaks it, and the brief must flag it.
    conflict, space, _ = korea
    north_korea = space.dm_names.index("NorthKorea")
    deal = space.state_index("0.N.Y.Y.N.Y.Y.Y.N.N")
    twin = space.state_index("0.N.Y.Y.N.Y.N.Y.N.N")
    assert space.ranks[north_korea, deal] == space.ranks[north_korea, twin]
    # Broken against the deal, the deal is no longer a Nash (or SIM) equilibrium, but it
    # stays one under SEQ: the US would answer a relapse (the table in docs/cases.md).
    data = conflict.model_dump()
    nk = next(dm for dm in data["decision_makers"] if dm["name"] == "NorthKorea")
    nk["preferences"]["prioritization"].append("not denuclearize")
    broken = analyze(Conflict.model_validate(data), ["Nash", "SEQ", "SIM"])
    assert broken.space.ranks[north_korea, deal] < broken.space.ranks[north_korea, twin]
    assert deal not in broken.equilibria("Nash")
    assert deal not in broken.equilibria("SIM")
    assert deal in broken.equilibria("SEQ")
    assert broken.equilibria("Nash").size == 3
