"""Published stability results, reproduced by the engine and by the naive reference.

* Prisoner's Dilemma and Chicken as graph models: Fang, Hipel & Kilgour (1993),
  *Interactive Decision Making: The Graph Model for Conflict Resolution*, ch. 4 (the games
  themselves: Rapoport & Chammah 1965; Rapoport & Guyer 1966).
* The Elmira groundwater conflict: Hipel, Fang, Kilgour & Haight (1993), "Environmental
  conflict resolution using the graph model", Proc. IEEE SMC; Fang, Hipel & Kilgour (1993),
  ch. 5 (9 states, the four "Uniroyal abandons" combinations merged into state 9).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from detente import analyze, compile_conflict, load_case
from detente.model.conflict import Conflict

from . import reference

FOUR = ("Nash", "GMR", "SMR", "SEQ")

# The 2x2 games: C = cooperate (N), D = defect (Y); states CC=NN, DC=YN, CD=NY, DD=YY.
GAME_LABELS = {"CC": "NN", "DC": "YN", "CD": "NY", "DD": "YY"}
PUBLISHED_GAMES = {
    "prisoners-dilemma": {
        "Nash": {"DD"},
        "GMR": {"CC", "DD"},
        "SMR": {"CC", "DD"},
        "SEQ": {"CC", "DD"},
    },
    "chicken": {
        "Nash": {"DC", "CD"},
        "GMR": {"CC", "DC", "CD"},
        "SMR": {"CC", "DC", "CD"},
        "SEQ": {"DC", "CD"},
    },
}

ELMIRA_EQUILIBRIA = {
    "Nash": {5, 8, 9},
    "GMR": {1, 4, 5, 8, 9},
    "SMR": {1, 4, 5, 8, 9},
    "SEQ": {5, 8, 9},
}
ALL_NINE = frozenset(range(1, 10))
ELMIRA_BY_DM = {
    "MoE": {concept: ALL_NINE for concept in FOUR},
    "Uniroyal": {concept: {1, 4, 5, 8, 9} for concept in FOUR},
    "LG": {
        "Nash": {5, 6, 7, 8, 9},
        "GMR": ALL_NINE,
        "SMR": ALL_NINE,
        "SEQ": {2, 3, 5, 6, 7, 8, 9},
    },
}


def numbers(states: Any) -> set[int]:
    """1-based state numbers of 0-based indices."""
    return {int(s) + 1 for s in states}


# -- the 2x2 games ------------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(PUBLISHED_GAMES))
def test_games_engine(case: str) -> None:
    result = analyze(load_case(case), FOUR)
    space = result.space
    assert space.labels == ["NN", "YN", "NY", "YY"]
    for concept, expected in PUBLISHED_GAMES[case].items():
        wanted = {space.state_index(GAME_LABELS[name]) for name in expected}
        assert set(result.equilibria(concept).tolist()) == wanted, concept


@pytest.mark.parametrize("case", sorted(PUBLISHED_GAMES))
def test_games_reference(case: str) -> None:
    model = reference.naive_model(load_case(case))
    assert model.labels == ["NN", "YN", "NY", "YY"]
    table = reference.stability_table(model, FOUR)
    for concept, expected in PUBLISHED_GAMES[case].items():
        wanted = {model.resolve(GAME_LABELS[name]) for name in expected}
        assert set(reference.equilibria(table[concept])) == wanted, concept


# -- Elmira, 9 states as published -------------------------------------------------------------


def test_elmira_states() -> None:
    space = compile_conflict(load_case("elmira"))
    assert space.n_states == 9
    # 1..8: Modify x (Delay or Accept) x Insist; 9: Uniroyal abandons, whatever the others do.
    assert space.labels == [
        "NYNNN",
        "YYNNN",
        "NNYNN",
        "YNYNN",
        "NYNYN",
        "YYNYN",
        "NNYYN",
        "YNYYN",
        "-NN-Y",
    ]


def test_elmira_engine() -> None:
    result = analyze(load_case("elmira"), FOUR)
    for concept, expected in ELMIRA_EQUILIBRIA.items():
        assert numbers(result.equilibria(concept)) == expected, concept
    for dm, by_concept in ELMIRA_BY_DM.items():
        for concept, expected in by_concept.items():
            assert numbers(result.stable_states(concept, dm)) == expected, (dm, concept)


def test_elmira_reference() -> None:
    model = reference.naive_model(load_case("elmira"))
    table = reference.stability_table(model, FOUR)
    names = [dm.name for dm in model.conflict.decision_makers]
    for concept, expected in ELMIRA_EQUILIBRIA.items():
        assert numbers(reference.equilibria(table[concept])) == expected, concept
    for dm, by_concept in ELMIRA_BY_DM.items():
        row = names.index(dm)
        for concept, expected in by_concept.items():
            stable = table[concept][row]
            assert numbers(s for s in range(model.n) if stable[s]) == expected, (dm, concept)


# -- Elmira without merging: 12 states ---------------------------------------------------------


def elmira_unmerged() -> Conflict:
    """Elmira in plain option form: the four abandonment states kept apart (9..12).

    The bundled rankings number the merged states, so state 9 of each ranking becomes a tie
    of the four abandonment states, which come last in code order (Abandon is the last option).
    """
    data = load_case("elmira").model_dump(exclude_defaults=True)
    data.pop("merge")
    for dm in data["decision_makers"]:
        ranking = dm["preferences"]["ranking"]
        dm["preferences"] = {"ranking": [[9, 10, 11, 12] if r == 9 else r for r in ranking]}
    return Conflict.model_validate(data)


ABANDON = {9, 10, 11, 12}


def test_elmira_unmerged_states() -> None:
    space = compile_conflict(elmira_unmerged())
    assert space.n_states == 12
    merged = compile_conflict(load_case("elmira"))
    assert space.labels[:8] == merged.labels[:8]
    abandon = [space.label(s - 1) for s in sorted(ABANDON)]
    assert abandon == ["NNNNY", "YNNNY", "NNNYY", "YNNYY"]


@pytest.mark.parametrize("concept", FOUR)
def test_elmira_unmerged_engine(concept: str) -> None:
    merged = analyze(load_case("elmira"), [concept])
    result = analyze(elmira_unmerged(), [concept])
    equilibria = numbers(result.equilibria(concept))
    # The same equilibria among states 1..8, and every abandonment state is an equilibrium.
    assert equilibria == (ELMIRA_EQUILIBRIA[concept] - {9}) | ABANDON
    # Each DM's stability at states 1..8 is that of the merged model.
    assert np.array_equal(result.stable[concept][:, :8], merged.stable[concept][:, :8])


def test_elmira_unmerged_reference() -> None:
    model = reference.naive_model(elmira_unmerged())
    assert model.n == 12
    table = reference.stability_table(model, FOUR)
    for concept, expected in ELMIRA_EQUILIBRIA.items():
        assert numbers(reference.equilibria(table[concept])) == (expected - {9}) | ABANDON


def test_a_single_concept_name_is_one_concept() -> None:
    # analyze(space, "Nash") once read the string letter by letter ("unknown concept 'N'").
    from detente import analyze, compile_conflict, load_case
    from detente.analyses.uncertainty import uncertainty_analysis

    space = compile_conflict(load_case("elmira"))
    single, listed = analyze(space, "nash"), analyze(space, ["Nash"])
    assert single.concepts == ["Nash"]
    assert (single.stable["Nash"] == listed.stable["Nash"]).all()
    assert uncertainty_analysis(load_case("north-korea"), "SEQ", jobs=1).concepts == ["SEQ"]
