"""The gmcr-py (``.gmcr``) reader: conversions, ranking translation and every error.

The fixtures in ``tests/data/*.gmcr`` were written by hand for these tests from the published
models (Prisoner's Dilemma, Chicken: Rapoport & Guyer 1966; Elmira: Hipel, Fang, Kilgour &
Haight 1993), not taken from any other program.  The naive reference below implements the
GMCR numbering from its definition (Fang, Hipel & Kilgour 1993, ch. 3): options grouped by
decision maker, code = sum of 2^k over the options taken, feasible states numbered 1..n in
ascending code order; option prioritization: statement k of K weighs 2^(K-k).
"""

from __future__ import annotations

import copy
import itertools
import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente import analyze, compile_conflict, load_case, load_model
from detente.analyses.hypergame import hypergame_analysis
from detente.analyses.stability import CONCEPTS
from detente.cli import main
from detente.errors import ModelError, SizeLimitError
from detente.io.files import parse_model
from detente.io.gmcr import GmcrImportWarning, gmcr_to_conflict

DATA = Path(__file__).parent / "data"


def read(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def convert(document: Any, source: str = "test.gmcr"):
    return gmcr_to_conflict(json.dumps(document, indent=1), source)


def labels_of(result, states) -> set[str]:
    return {result.space.label(int(s)) for s in states}


# -- conversions of the fixtures ----------------------------------------------------------------
def cli_convert(tmp_path: Path, name: str) -> Path:
    target = tmp_path / (Path(name).stem + ".yaml")
    result = CliRunner().invoke(main, ["convert", str(DATA / name), str(target)])
    assert result.exit_code == 0, result.output
    return target


@pytest.mark.parametrize("name", ["prisoners-dilemma.gmcr", "prisoners-dilemma-statements.gmcr"])
def test_prisoners_dilemma_round_trip(tmp_path: Path, name: str) -> None:
    converted = load_model(cli_convert(tmp_path, name))
    assert converted == load_model(DATA / name)  # YAML keeps everything the import made
    ours = analyze(converted)
    bundled = analyze(load_case("prisoners-dilemma"))
    for concept in CONCEPTS:
        assert labels_of(ours, ours.equilibria(concept)) == labels_of(
            bundled, bundled.equilibria(concept)
        ), concept
        np.testing.assert_array_equal(ours.stable[concept], bundled.stable[concept])
    assert labels_of(ours, ours.equilibria("Nash")) == {"YY"}


def test_prisoners_dilemma_ranking_keeps_numbers() -> None:
    # Options already grouped by decision maker: GMCR numbers are detente numbers.
    conflict = load_model(DATA / "prisoners-dilemma.gmcr")
    assert conflict.decision_makers[0].preferences.ranking == [2, 1, 4, 3]
    assert conflict.decision_makers[1].preferences.ranking == [3, 1, 4, 2]


def test_statements_are_translated() -> None:
    conflict = load_model(DATA / "prisoners-dilemma-statements.gmcr")
    assert conflict.decision_makers[0].preferences.prioritization == [
        "not B_defects",
        "A_defects",
    ]


def test_old_format_with_reordered_decision_makers(tmp_path: Path) -> None:
    """preferenceVector / useManualPreferenceVectors; DM order B, A reverses the GMCR codes."""
    conflict = load_model(cli_convert(tmp_path, "chicken-old-format.gmcr"))
    assert [o.name for o in conflict.options] == ["A_defects", "B_defects"]
    # GMCR state 2 has B's option only (B comes first), which is detente's 'NY'.
    assert conflict.decision_makers[0].preferences.ranking == ["NY", "NN", "YN", "YY"]
    ours = analyze(conflict)
    bundled = analyze(load_case("chicken"))
    for concept in CONCEPTS:
        assert labels_of(ours, ours.equilibria(concept)) == labels_of(
            bundled, bundled.equilibria(concept)
        )
        for dm in ("A", "B"):
            assert labels_of(ours, ours.stable_states(concept, dm)) == labels_of(
                bundled, bundled.stable_states(concept, dm)
            )


def bundled_elmira_state(label: str) -> str:
    """The bundled Elmira state an unmerged state corresponds to (all abandon states: 9)."""
    return "abandon" if label[4] == "Y" else label


def test_elmira_matches_bundled_case(tmp_path: Path) -> None:
    """The file lists options Modify, Delay, Accept, Insist, Abandon but groups them by DM as
    Modify | Delay, Accept, Abandon | Insist, so every ranked number must be translated.  The
    .gmcr model does not merge the four abandonment states (the bundled case does); they are
    tied in every ranking, so the equilibria agree state for state."""
    conflict = load_model(cli_convert(tmp_path, "elmira.gmcr"))
    assert [o.name for o in conflict.options] == ["Modify", "Delay", "Accept", "Insist", "Abandon"]
    assert [o.direction for o in conflict.options] == [
        "forward",
        "backward",
        "both",
        "both",
        "forward",
    ]
    # GMCR state 9 is Accept + Insist (code 4 + 16); detente's label order is the file's.
    assert conflict.decision_makers[0].preferences.ranking[0] == "NNYYN"
    ours = analyze(conflict)
    assert ours.space.n_states == 12
    bundled = analyze(load_case("elmira"))

    def mapped(result, states) -> set[str]:
        return {bundled_elmira_state(result.space.label(int(s))) for s in states}

    for concept in CONCEPTS:
        assert mapped(ours, ours.equilibria(concept)) == mapped(
            bundled, bundled.equilibria(concept)
        ), concept
    # Published Elmira equilibria (Hipel et al. 1993): Nash {5, 8, 9}, GMR/SMR {1, 4, 5, 8, 9}.
    assert mapped(ours, ours.equilibria("Nash")) == {"NYNYN", "YNYYN", "abandon"}
    assert mapped(ours, ours.equilibria("GMR")) == {
        "NYNNN",
        "YNYNN",
        "NYNYN",
        "YNYYN",
        "abandon",
    }


def test_ranking_and_statements_both_present_follow_the_flag() -> None:
    document = read("prisoners-dilemma.gmcr")
    document["useManualPreferenceRanking"] = False
    conflict = convert(document)
    assert conflict.decision_makers[0].preferences.form == "prioritization"


def test_no_statements_means_indifference() -> None:
    document = read("prisoners-dilemma-statements.gmcr")
    document["decisionMakers"][1]["preferences"] = []
    conflict = convert(document)
    dm = conflict.decision_makers[1]
    assert "indifferent" in dm.description
    space = compile_conflict(conflict)
    assert (space.ranks[1] == 0).all()


def test_compound_statements_and_awkward_names() -> None:
    document = {
        "options": [
            {"name": "raise prices"},
            {"name": "not"},
            {"name": ""},
            {"name": "Sue", "permittedDirection": "fwd"},
            {"name": "Sue 2", "permittedDirection": "back"},
            {"name": 'it\'s "fine"'},
        ],
        "decisionMakers": [
            {
                "name": "Firm",
                "options": [0, 1, 2],
                "preferences": [
                    {"compound": True, "members": [[[0, "Y"], [1, "N"]], [[2, "Y"]]]},
                    [[3, "N"], [4, "N"]],
                    {"compound": True, "members": [[[5, "Y"]]]},
                ],
            },
            {"name": "", "options": [3, 4, 5], "preferences": [[[0, "N"]]]},
        ],
        "infeasibles": [[[3, "Y"], [4, "Y"]], [[0, "Y"], [0, "N"]]],
    }
    conflict = convert(document)
    names = [o.name for o in conflict.options]
    assert names == ["raise prices", "not", "option 3", "Sue", "Sue 2", 'it\'s "fine"']
    assert "no name" in conflict.options[2].description
    assert [o.direction for o in conflict.options][3:5] == ["forward", "backward"]
    assert conflict.decision_makers[1].name == "decision maker 2"
    assert conflict.decision_makers[0].preferences.prioritization == [
        "('raise prices' and not 'not') or 'option 3'",
        "not Sue and not 'Sue 2'",
        '`it\'s "fine"`',
    ]
    # The contradictory infeasibility rules out nothing and is dropped.
    assert len(conflict.infeasible) == 1
    assert compile_conflict(conflict).n_states == 48


def test_name_collisions_when_naming() -> None:
    document = {
        "options": [
            {"name": "A"},
            {"name": ""},
            {"name": "option 2"},
            {"name": ""},
            {"name": "option 4 (2)"},
            {"name": "option 4"},
        ],
        "decisionMakers": [{"name": "X", "options": [0, 1, 2, 3, 4, 5]}],
    }
    names = [o.name for o in convert(document).options]
    assert names == ["A", "option 2 (2)", "option 2", "option 4 (3)", "option 4 (2)", "option 4"]
    assert len(set(names)) == len(names)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            {
                "options": [{"name": "A"}, {"name": "B"}, {"name": "A"}],
                "decisionMakers": [{"name": "X", "options": [0, 1, 2]}],
            },
            "options[2].name: option name 'A' is given twice (options[0] and"
            " options[2]); detente needs distinct names",
        ),
        (
            {
                "options": [{"name": "A"}, {"name": "B"}],
                "decisionMakers": [{"name": "X", "options": [0]}, {"name": "X", "options": [1]}],
            },
            "decisionMakers[1].name: decision maker name 'X' is given twice"
            " (decisionMakers[0] and decisionMakers[1]); detente needs distinct names",
        ),
    ],
)
def test_repeated_names_are_errors(document: dict[str, Any], message: str) -> None:
    """Issue 15: two DMs (or options) called X are never renamed 'X (2)' silently."""
    with pytest.raises(ModelError) as info:
        convert(document)
    where, text = str(info.value).split(": ", 1)
    assert where.startswith("test.gmcr:") and text == message  # file:line, then the place


def test_name_with_every_quote_character() -> None:
    document = {
        "options": [{"name": "a'b\"c`d"}],
        "decisionMakers": [{"name": "X", "options": [0], "preferences": [[[0, "Y"]]]}],
    }
    conflict = convert(document)
    assert conflict.options[0].name == "a'b\"cd"
    assert compile_conflict(conflict).ranks[0].tolist() == [0, 1]


# -- property tests against a naive GMCR reading -----------------------------------------------
@st.composite
def gmcr_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A random, valid gmcr-py document with 1-6 options and 1-3 decision makers."""
    m = draw(st.integers(1, 6))
    n_dms = draw(st.integers(1, min(3, m)))
    order = draw(st.permutations(range(m)))
    cuts = (
        sorted(
            draw(
                st.lists(st.integers(1, m - 1), min_size=n_dms - 1, max_size=n_dms - 1, unique=True)
            )
        )
        if n_dms > 1
        else []
    )
    groups = [list(order[a:b]) for a, b in itertools.pairwise([0, *cuts, m])]
    pair = st.tuples(st.integers(0, m - 1), st.sampled_from(["Y", "N"])).map(list)
    and_list = st.lists(pair, min_size=1, max_size=3)
    statement = st.one_of(
        and_list,
        st.builds(
            lambda members: {"compound": True, "members": members},
            st.lists(and_list, min_size=1, max_size=3),
        ),
    )
    # Distinct names (a repeated one is an error); blank ones ("", " ") are named by position.
    names = draw(
        st.lists(
            st.sampled_from(["A", "B", "go on", "not", "", " ", "x1", "Y"]),
            min_size=m,
            max_size=m,
            unique=True,
        )
    )
    document: dict[str, Any] = {
        "options": [
            {"name": name, "permittedDirection": draw(st.sampled_from(["both", "fwd", "back"]))}
            for name in names
        ],
        "decisionMakers": [
            {
                "name": f"D{i}",
                "options": group,
                "preferences": draw(st.lists(statement, max_size=4)),
            }
            for i, group in enumerate(groups)
        ],
        "infeasibles": draw(st.lists(and_list, max_size=3)),
    }
    feasible = naive_gmcr_states(document)
    if not feasible:
        document["infeasibles"] = []
        feasible = naive_gmcr_states(document)
    if draw(st.booleans()):
        document["useManualPreferenceRanking"] = True
        for dm in document["decisionMakers"]:
            numbers = draw(st.permutations(range(1, len(feasible) + 1)))
            ranking: list[Any] = []
            for number in numbers:
                if ranking and draw(st.integers(0, 3)) == 0:
                    last = ranking.pop()
                    ranking.append([*last, number] if isinstance(last, list) else [last, number])
                else:
                    ranking.append(number)
            dm["preferenceRanking"] = ranking
    return document


def holds(and_list: list[list[Any]], taken: dict[int, bool]) -> bool:
    return all(taken[k] == (flag == "Y") for k, flag in and_list)


def naive_gmcr_states(document: dict[str, Any]) -> list[dict[int, bool]]:
    """Feasible states in GMCR order: ``{option index: taken}`` per state, state 1 first."""
    grouped = [k for dm in document["decisionMakers"] for k in dm["options"]]
    states = []
    for code in range(2 ** len(grouped)):
        taken = {k: bool(code >> bit & 1) for bit, k in enumerate(grouped)}
        if not any(holds(condition, taken) for condition in document["infeasibles"]):
            states.append(taken)
    return states


def statement_holds(statement: Any, taken: dict[int, bool]) -> bool:
    if isinstance(statement, dict):
        return any(holds(member, taken) for member in statement["members"])
    return holds(statement, taken)


def naive_scores(document: dict[str, Any], dm: dict[str, Any], states) -> list[float]:
    """Higher is better: the ranking position, or the prioritization score."""
    if document.get("useManualPreferenceRanking"):
        score: dict[int, float] = {}
        for position, entry in enumerate(dm["preferenceRanking"]):
            for number in entry if isinstance(entry, list) else [entry]:
                score[number] = -position
        return [score[number] for number in range(1, len(states) + 1)]
    statements = dm["preferences"]
    big_k = len(statements)
    return [
        sum(2 ** (big_k - k) for k, s in enumerate(statements, 1) if statement_holds(s, taken))
        for taken in states
    ]


def same_order(a: list[float], b: list[float]) -> bool:
    return all(
        (a[i] < a[j]) == (b[i] < b[j]) and (a[i] == a[j]) == (b[i] == b[j])
        for i in range(len(a))
        for j in range(len(a))
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(gmcr_documents())
def test_import_agrees_with_naive_gmcr_reading(document: dict[str, Any]) -> None:
    space = compile_conflict(convert(document))
    states = naive_gmcr_states(document)
    # Same feasible option combinations (detente numbers them in its own order).
    ours = {tuple(row) for row in space.values.astype(int).tolist()}
    m = len(document["options"])
    theirs = {tuple(int(taken[k]) for k in range(m)) for taken in states}
    assert ours == theirs
    assert space.n_states == len(states)
    # Every decision maker orders the states the same way.
    index = {tuple(row): s for s, row in enumerate(space.values.astype(int).tolist())}
    for i, dm in enumerate(document["decisionMakers"]):
        expected = naive_scores(document, dm, states)
        got = [
            float(space.ranks[i][index[tuple(int(taken[k]) for k in range(m))]]) for taken in states
        ]
        assert same_order(got, expected)
    # Directions survive.
    mapping = {"both": "both", "fwd": "forward", "back": "backward"}
    assert [o.direction for o in space.conflict.options] == [
        mapping[o["permittedDirection"]] for o in document["options"]
    ]


@settings(max_examples=40, deadline=None)
@given(gmcr_documents())
def test_yaml_round_trip_keeps_the_model(document: dict[str, Any]) -> None:
    from detente.io.files import dump_model

    conflict = convert(document)
    assert parse_model(dump_model(conflict), "round.yaml") == conflict


# -- errors -----------------------------------------------------------------------------------
PD = read("prisoners-dilemma.gmcr")


def mutate(path: tuple[Any, ...], value: Any, base: dict[str, Any] | None = None) -> dict:
    """A copy of ``base`` (default: the PD fixture) with ``value`` at ``path`` (or the key
    deleted if ``value`` is ``DELETE``)."""
    document = copy.deepcopy(PD if base is None else base)
    node = document
    for part in path[:-1]:
        node = node[part]
    if value is DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return document


DELETE = object()
DM0 = ("decisionMakers", 0)

ERRORS = [
    # (document, location, message fragment)
    ([1, 2], "", "expected a gmcr-py save file"),
    (mutate(("options",), DELETE), "", "'options' is missing"),
    (mutate(("decisionMakers",), DELETE), "", "'decisionMakers' is missing"),
    (mutate(("options",), {}), "options", "expected options (a list), got an object"),
    (mutate(("options",), []), "options", "got an empty list"),
    (mutate(("options", 1), "B"), "options[1]", 'expected an option (an object), got "B"'),
    (mutate(("options", 1, "name"), DELETE), "options[1]", "'name' is missing"),
    (mutate(("options", 1, "name"), 7), "options[1].name", "name must be a string, got 7"),
    (
        mutate(("options", 0, "permittedDirection"), "forward"),
        "options[0].permittedDirection",
        "'both', 'fwd' or 'back', got \"forward\"",
    ),
    (
        mutate(("options", 0, "permittedDirection"), ["fwd"]),
        "options[0].permittedDirection",
        "got a list",
    ),
    (mutate(("decisionMakers",), []), "decisionMakers", "empty list"),
    (mutate((*DM0, "name"), DELETE), "decisionMakers[0]", "'name' is missing"),
    (mutate((*DM0, "options"), DELETE), "decisionMakers[0]", "'options' is missing"),
    (mutate((*DM0, "options"), []), "decisionMakers[0].options", "empty list"),
    (mutate((*DM0, "options"), [2]), "decisionMakers[0].options[0]", "out of range 0..1"),
    (mutate((*DM0, "options"), ["0"]), "decisionMakers[0].options[0]", 'got "0"'),
    (mutate((*DM0, "options"), [0.5]), "decisionMakers[0].options[0]", "got 0.5"),
    (mutate((*DM0, "options"), [True]), "decisionMakers[0].options[0]", "got true"),
    (mutate((*DM0, "options"), [0, 0]), "decisionMakers[0].options[1]", "listed twice"),
    (
        mutate((*DM0, "options"), [0, 1]),
        "decisionMakers[1].options[0]",
        "option 1 ('B_defects') has two owners: 'A' and 'B'",
    ),
    (
        mutate(("decisionMakers", 1, "options"), [0]),
        "decisionMakers[1].options[0]",
        "has two owners",
    ),
    (
        mutate(("options",), [*PD["options"], {"name": "C"}]),
        "options[2]",
        "option 2 ('C') has no owner",
    ),
    (mutate((*DM0, "preferences"), "x"), "decisionMakers[0].preferences", 'got "x"'),
    (
        mutate((*DM0, "preferences", 1), 3),
        "decisionMakers[0].preferences[1]",
        "expected a statement",
    ),
    (mutate((*DM0, "preferences", 1), []), "decisionMakers[0].preferences[1]", "empty list"),
    (
        mutate((*DM0, "preferences", 1), [[0, "Y", 1]]),
        "decisionMakers[0].preferences[1][0]",
        "expected a pair",
    ),
    (
        mutate((*DM0, "preferences", 1), [[5, "Y"]]),
        "decisionMakers[0].preferences[1][0][0]",
        "option index 5 is out of range 0..1",
    ),
    (
        mutate((*DM0, "preferences", 1), [[0, "maybe"]]),
        "decisionMakers[0].preferences[1][0][1]",
        'expected "Y" or "N", got "maybe"',
    ),
    (
        mutate((*DM0, "preferences", 1), {"compound": True}),
        "decisionMakers[0].preferences[1]",
        "needs 'members'",
    ),
    (
        mutate((*DM0, "preferences", 1), {"compound": "yes", "members": [[[0, "Y"]]]}),
        "decisionMakers[0].preferences[1]",
        "'compound' must be true or false",
    ),
    (
        mutate((*DM0, "preferences", 1), {"compound": True, "members": []}),
        "decisionMakers[0].preferences[1].members",
        "empty list",
    ),
    (
        mutate((*DM0, "preferences", 1), {"compound": True, "members": [[[0, "Y"]], [[9, "N"]]]}),
        "decisionMakers[0].preferences[1].members[1][0][0]",
        "out of range",
    ),
    (mutate(("infeasibles",), {}), "infeasibles", "expected infeasibility conditions"),
    (mutate(("infeasibles",), [[]]), "infeasibles[0]", "empty list"),
    (mutate(("infeasibles",), [[["0", "Y"]]]), "infeasibles[0][0][0]", 'got "0"'),
    (
        mutate(("infeasibles",), [[[0, "Y"]], [[0, "N"]]]),
        "infeasibles",
        "no feasible state is left",
    ),
    (
        mutate(("useManualPreferenceRanking",), "true"),
        "useManualPreferenceRanking",
        "true or false",
    ),
    (
        mutate((*DM0, "preferenceRanking"), DELETE),
        "decisionMakers[0]",
        "useManualPreferenceRanking is true but this decision maker has no preferenceRanking",
    ),
    (
        mutate((*DM0, "preferenceRanking"), [2, 1, 4]),
        "decisionMakers[0].preferenceRanking",
        "the ranking misses feasible state(s) 3 (states are numbered 1..4)",
    ),
    (
        mutate((*DM0, "preferenceRanking"), [2, 1, 4, 3, 2]),
        "decisionMakers[0].preferenceRanking[4]",
        "state 2 appears twice in the ranking (also at decisionMakers[0].preferenceRanking[0])",
    ),
    (
        mutate((*DM0, "preferenceRanking"), [2, [1, 4], 3, 5]),
        "decisionMakers[0].preferenceRanking[3]",
        "state 5 does not exist: the feasible states are numbered 1..4",
    ),
    (
        mutate((*DM0, "preferenceRanking"), [2, [1, 0], 4, 3]),
        "decisionMakers[0].preferenceRanking[1][1]",
        "state 0 does not exist",
    ),
    (
        mutate((*DM0, "preferenceRanking"), [2, [], 1, 4, 3]),
        "decisionMakers[0].preferenceRanking[1]",
        "an empty group of tied states",
    ),
    (
        mutate((*DM0, "preferenceRanking"), [2, "1", 4, 3]),
        "decisionMakers[0].preferenceRanking[1]",
        'expected a state number, got "1"',
    ),
    (mutate((*DM0, "preferenceRanking"), []), "decisionMakers[0].preferenceRanking", "empty"),
]


def error_of(document: Any) -> ModelError:
    with pytest.raises(ModelError) as info:
        gmcr_to_conflict(json.dumps(document, indent=2), "bad.gmcr")
    return info.value


@pytest.mark.parametrize(("document", "loc", "fragment"), ERRORS)
def test_error_locations(document: Any, loc: str, fragment: str) -> None:
    error = error_of(document)
    text = str(error)
    assert text.startswith("bad.gmcr"), text
    assert fragment in error.message
    from detente.errors import format_location

    assert format_location(error.loc) == loc
    if loc:
        assert error.line is not None and error.line > 1, text
        assert f"bad.gmcr:{error.line}: {loc}: " in text


def test_old_keys_are_read() -> None:
    document = mutate((*DM0, "preferenceRanking"), DELETE)
    document["decisionMakers"][0]["preferenceVector"] = [2, 1, 4, 3, 1]
    del document["useManualPreferenceRanking"]
    document["useManualPreferenceVectors"] = True
    error = error_of(document)
    assert error.loc == (*DM0, "preferenceVector", 4)
    assert "appears twice" in error.message


def test_new_keys_win_over_old_ones() -> None:
    document = mutate(("decisionMakers", 1, "preferenceVector"), [1, 2, 3])
    document["useManualPreferenceVectors"] = False  # useManualPreferenceRanking (true) wins
    conflict = convert(document)
    assert conflict.decision_makers[1].preferences.ranking == [3, 1, 4, 2]


def test_error_line_numbers_point_at_the_entry() -> None:
    text = (DATA / "elmira.gmcr").read_text(encoding="utf-8").replace('"back"', '"up"')
    with pytest.raises(ModelError) as info:
        gmcr_to_conflict(text, "elmira.gmcr")
    lines = text.splitlines()
    assert '"up"' in lines[info.value.line - 1]


def test_malformed_json() -> None:
    with pytest.raises(ModelError) as info:
        gmcr_to_conflict('{"options": [\n  {"name": "A"},\n]}', "x.gmcr")
    assert str(info.value).startswith("x.gmcr:3: malformed JSON: ")
    assert "column 1" in info.value.message


def test_too_many_options_for_a_ranking() -> None:
    document = {
        "options": [{"name": f"o{k}"} for k in range(40)],
        "decisionMakers": [{"name": "X", "options": list(range(40)), "preferenceRanking": [1]}],
        "useManualPreferenceRanking": True,
    }
    with pytest.raises(SizeLimitError) as info:
        convert(document)
    assert "2^40 = 1,099,511,627,776 option combinations" in str(info.value)


def test_cli_reports_gmcr_errors(tmp_path: Path) -> None:
    bad = tmp_path / "broken.gmcr"
    bad.write_text(json.dumps(mutate((*DM0, "preferences", 1), [[0, "maybe"]]), indent=2))
    for args in (["validate", str(bad)], ["convert", str(bad), str(tmp_path / "out.yaml")]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2
        assert isinstance(result.exception, SystemExit)
        message = result.stderr.strip()
        assert "\n" not in message
        assert message.startswith(f"detente: error: {bad}:")
        assert "decisionMakers[0].preferences[1][0][1]: expected" in message
    assert not (tmp_path / "out.yaml").exists()


def test_cli_size_error_for_gmcr_names_the_file(tmp_path: Path) -> None:
    document = {
        "options": [{"name": f"o{k}"} for k in range(12)],
        "decisionMakers": [{"name": "X", "options": list(range(12))}],
    }
    path = tmp_path / "wide.gmcr"
    path.write_text(json.dumps(document))
    result = CliRunner().invoke(main, ["validate", str(path), "--max-states", "100"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"detente: error: {path}: options: the model has 4,096")


def test_analyze_json_of_a_gmcr_file_uses_the_file_option_order() -> None:
    result = CliRunner().invoke(
        main, ["analyze", str(DATA / "elmira.gmcr"), "--format", "json", "--concept", "Nash"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # Options in the file: Modify, Delay, Accept, Insist, Abandon.
    assert data["states"][0] == {"id": 1, "label": "NYNNN", "values": [0, 1, 0, 0, 0]}
    for state in data["states"]:
        assert state["values"] == [1 if mark == "Y" else 0 for mark in state["label"]]
    nash = {data["states"][i - 1]["label"] for i in data["equilibria"]["Nash"]}
    assert {bundled_elmira_state(label) for label in nash} == {"NYNYN", "YNYYN", "abandon"}


# -- issue 15: nothing in a .gmcr file is dropped in silence -------------------------------------
def small_document() -> dict[str, Any]:
    """Two DMs with one option each (a GMCR+-style file written for these tests)."""
    return {
        "options": [
            {"name": "strike", "permittedDirection": "both"},
            {"name": "talks", "permittedDirection": "both"},
        ],
        "decisionMakers": [
            # From 'neither', A gains by striking but B's answer (talks) hurts A: a sanction
            # A cannot picture when it misperceives the talks.
            {"name": "A", "options": [0], "preferences": [[[1, "N"]], [[0, "Y"]]]},
            {"name": "B", "options": [1], "preferences": [[[0, "Y"], [1, "Y"]], [[1, "N"]]]},
        ],
        "infeasibles": [],
        "useManualPreferenceRanking": False,
        "program": "gmcr-py",
        "version": "0.3.5",
    }


def import_warnings(document: dict[str, Any], source: str = "w.gmcr") -> list[str]:
    """Convert ``document`` (indented, so that entries sit on their own lines) and return the
    import's warnings."""
    with pytest.warns() as caught:
        convert(document, source)
    return [str(w.message) for w in caught if issubclass(w.category, GmcrImportWarning)]


def line_with(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_known_keys_give_no_warning() -> None:
    document = small_document()
    document["coalitions"] = [0, 1]  # what gmcr-py writes when there is no coalition
    document["coalitionsFull"] = [{"name": "A", "options": [0]}, {"name": "B", "options": [1]}]
    document["decisionMakers"][0]["preferenceRanking"] = [1, 2, 3, 4]
    with warnings.catch_warnings():
        warnings.simplefilter("error", GmcrImportWarning)
        convert(document)


@pytest.mark.parametrize(
    ("path", "loc"),
    [
        (("colour",), "colour"),
        (("options", 1, "weight"), "options[1].weight"),
        (("decisionMakers", 0, "notes"), "decisionMakers[0].notes"),
    ],
)
def test_unknown_keys_warn_with_file_line_and_key(path: tuple[Any, ...], loc: str) -> None:
    document = mutate(path, "something", small_document())
    text = json.dumps(document, indent=1)
    messages = import_warnings(document)
    assert len(messages) == 1, messages
    line = line_with(text, f'"{path[-1]}"')
    assert messages[0] == (
        f"w.gmcr:{line}: {loc}: key {path[-1]!r} is not part of the gmcr-py format detente"
        " reads; ignored"
    )


def test_coalitions_warn_with_file_and_line() -> None:
    document = small_document()
    document["coalitions"] = [[0, 1]]
    text = json.dumps(document, indent=1)
    (message,) = import_warnings(document)
    line = text.splitlines().index("  [") + 1  # the coalition's own list
    assert message.startswith(f"w.gmcr:{line}: coalitions[0]: the coalition of 'A', 'B' is not")
    assert message.endswith("; ignored")


def test_cli_validate_prints_import_warnings_on_stderr(tmp_path: Path) -> None:
    document = small_document()
    document["coalitions"] = [[0, 1]]
    document["colour"] = "blue"
    path = tmp_path / "m.gmcr"
    path.write_text(json.dumps(document, indent=1))
    for args in (["validate", str(path)], ["convert", str(path), str(tmp_path / "m.yaml")]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        lines = result.stderr.splitlines()
        assert [line.split(": ")[2] for line in lines] == ["colour", "coalitions[0]"], lines
        assert all(line.startswith(f"warning: {path}:") for line in lines)
        assert "warning" not in result.stdout


def conflict_state(space: Any, label: str) -> int:
    return next(s for s in range(space.n_states) if space.label(s) == label)


def misperceiving(*patterns: Any, holder: int = 0) -> dict[str, Any]:
    document = small_document()
    document["decisionMakers"][holder]["misperceptions"] = list(patterns)
    return document


def test_misperception_becomes_a_perception() -> None:
    document = misperceiving([[1, "Y"]], [[1, "y"], [1, "Y"]], [[0, "Y"], [0, "N"]])
    with pytest.warns(GmcrImportWarning) as caught:
        conflict = convert(document, "w.gmcr")
    messages = [str(w.message) for w in caught]
    (perception,) = conflict.perceptions
    assert (perception.holder, perception.unaware_of) == ("A", ["talks"])
    assert len(messages) == 1 and "unaware of option 'talks'" in messages[0]
    assert (
        messages[0].startswith("w.gmcr:") and "decisionMakers[0].misperceptions[0]" in messages[0]
    )
    # The same model written by hand in detente/1 gives the same hypergame.
    handmade = parse_model(
        """
options: [{name: strike}, {name: talks}]
decision_makers:
  - {name: A, options: [strike], preferences: {prioritization: [not talks, strike]}}
  - {name: B, options: [talks], preferences: {prioritization: [strike and talks, not talks]}}
perceptions:
  - {name: A misses talks, holder: A, unaware_of: [talks]}
"""
    )
    ours = hypergame_analysis(conflict, list(CONCEPTS))
    theirs = hypergame_analysis(handmade, list(CONCEPTS))
    for concept in CONCEPTS:
        assert ours.hyper_equilibria(concept).tolist() == theirs.hyper_equilibria(concept).tolist()
    # The misperception matters: 'neither' is a GMR equilibrium only while A sees the talks.
    neither = conflict_state(ours.space, "NN")
    assert neither in ours.true_equilibria("GMR").tolist()
    assert neither not in ours.hyper_equilibria("GMR").tolist()
    # The key is not ignored: without it the model has no perception at all.
    assert not convert(small_document()).perceptions


@pytest.mark.parametrize(
    ("patterns", "holder", "fragment"),
    [
        ([[[1, "N"]]], 0, "does not see the states where not talks: detente can import only"),
        ([[[1, "Y"], [0, "N"]]], 0, "where talks and not strike: detente can import only"),
        ([[[0, "Y"]]], 0, "its own option 'strike' is taken: detente has no equivalent"),
        ([{"compound": True, "members": [[[1, "Y"]]]}], 1, "misperceives a compound pattern"),
    ],
)
def test_misperceptions_without_a_detente_meaning_are_located_errors(
    patterns: list[Any], holder: int, fragment: str
) -> None:
    document = misperceiving(*patterns, holder=holder)
    error = error_of(document)
    assert error.loc == ("decisionMakers", holder, "misperceptions", 0)
    assert fragment in error.message, error.message
    assert str(error).startswith(
        f"bad.gmcr:{error.line}: decisionMakers[{holder}].misperceptions[0]: "
    )
    text = json.dumps(document, indent=2)
    assert text.splitlines()[error.line - 1].strip().startswith(("[", "{"))


def test_top_level_misperceptions_are_an_error_not_a_warning() -> None:
    document = small_document()
    document["misperceptions"] = [[[1, "Y"]]]
    error = error_of(document)
    assert error.loc == ("misperceptions",) and error.line is not None
    assert "detente cannot tell whose these are" in error.message
