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
