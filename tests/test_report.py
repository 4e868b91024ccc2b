"""The case report (detente.report): its findings are the analyses' results.

Every finding is checked against a direct call of the analysis it comes from (compare,
sweep, evolution, inverse, correct, uncertainty_analysis, diagnose), or against the
definition (the agreement state's selection rule, the decisive statement of a
prioritization).  Changing the model changes the findings: the tests edit North Korea's
preferences and check that the corresponding answers flip.  The HTML must be one
self-contained page that parses.
"""

from __future__ import annotations

import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import detente
from detente.analyses.diagnose import bundled_history, diagnose, load_history
from detente.analyses.hypergame import correct
from detente.analyses.inverse import inverse
from detente.analyses.paths import evolution
from detente.analyses.strategies import analyse_strategy, compare, outcome_table, sweep
from detente.analyses.uncertainty import uncertainty_analysis
from detente.cli import main
from detente.errors import DetenteError
from detente.io import dump_model
from detente.model.conflict import Conflict, Outcome, Preferences, Strategy
from detente.report.brief import (
    DEFAULT_REPORT_CONCEPTS,
    Report,
    build_report,
    choose_roles,
    decisive_statement,
)

from .conflicts import conflicts, statements
from .reference import evaluate, parse

FAST = ("strategies", "dial", "agreement", "misperceptions")
NK = "north-korea"


@pytest.fixture(scope="module")
def nk() -> Conflict:
    return detente.load_case(NK)


@pytest.fixture(scope="module")
def nk_report(nk: Conflict) -> Report:
    return build_report(nk, history=bundled_history(NK))


@pytest.fixture(scope="module")
def nk_html(nk_report: Report) -> str:
    return nk_report.to_html()


def with_preferences(conflict: Conflict, dm: str, statements: list[str]) -> Conflict:
    """The conflict with one DM's prioritization replaced."""
    dms = [
        d.model_copy(update={"preferences": Preferences(prioritization=statements)})
        if d.name == dm
        else d
        for d in conflict.decision_makers
    ]
    return conflict.model_copy(update={"decision_makers": dms})


def nk_statements(conflict: Conflict) -> list[str]:
    prefs = conflict.decision_makers[conflict.dm_index["NorthKorea"]].preferences
    return list(prefs.prioritization or [])


# -- roles -----------------------------------------------------------------------------------------
def test_roles_of_north_korea(nk_report: Report) -> None:
    roles = nk_report.roles
    assert nk_report.counterpart == "NorthKorea"  # the DM with alternatives
    assert (roles.agreement_outcome, roles.table, roles.dial) == ("deal", "talks", "sanctions")
    assert nk_report.concepts == list(DEFAULT_REPORT_CONCEPTS)


def test_roles_follow_the_model(nk: Conflict) -> None:
    space = detente.compile_conflict(nk)
    named = choose_roles(
        space, counterpart="US", agreement="talks", table="stalemate", dial="sanctions"
    )
    assert (named.counterpart, named.agreement_outcome, named.table) == (0, "talks", "stalemate")
    state = choose_roles(space, agreement="381")
    assert (state.agreement_outcome, state.agreement_state) == (None, 380)
    # Without alternatives and perceptions, the counterpart is the first DM no strategy commits.
    plain = nk.model_copy(
        update={
            "perceptions": [],
            "decision_makers": [
                d.model_copy(update={"alternatives": [], "uncertain_order": []})
                for d in nk.decision_makers
            ],
        }
    )
    assert choose_roles(detente.compile_conflict(plain)).counterpart == 1  # NorthKorea
    with pytest.raises(DetenteError, match="unknown decision maker"):
        choose_roles(space, counterpart="Japan")
    with pytest.raises(DetenteError, match="neither an outcome"):
        choose_roles(space, agreement="peace")
    with pytest.raises(DetenteError, match="unknown outcome"):
        choose_roles(space, table="peace")


# -- strategies and the dial -------------------------------------------------------------------
def check_strategies(report: Report) -> None:
    """Every strategy finding equals detente.strategies.compare on the same model."""
    space = report.space
    if space.conflict.strategies:
        direct = compare(space, report.concepts, baseline=True)
    else:
        direct = SimpleNamespace(strategies=[analyse_strategy(space, report.concepts)])
    order = [o.name for o in space.conflict.outcomes]
    good = set(order[: order.index(report.roles.table) + 1]) if report.roles.table else set()
    assert [s.name for s in report.strategies] == [r.name for r in direct.strategies]
    for finding, expected in zip(report.strategies, direct.strategies, strict=True):
        assert finding.start == expected.start
        assert finding.commitment == expected.commitment_text
        for concept, rep in expected.concepts.items():
            verdict = finding.verdicts[concept]
            assert set(verdict.outcomes) == set(rep.outcomes_reachable)
            assert dict(verdict.reached) == {o: rep.nearest(o) for o in rep.outcomes_reachable}
            assert verdict.equilibria == rep.count
            assert verdict.reachable == rep.reachable_count
            if report.roles.table is not None:
                assert verdict.at_table == bool(good & set(rep.outcomes_reachable))
            agreement = report.roles.agreement_outcome
            if agreement is None:
                assert verdict.agreement is None
            else:
                assert verdict.agreement == (agreement in rep.outcomes_reachable)
            if verdict.path_target is not None:
                hits = {e.state: e for e in rep.reachable}
                assert verdict.path_target in hits
                assert len(verdict.path or []) == hits[verdict.path_target].steps


def test_strategy_findings_are_compare_results(nk_report: Report) -> None:
    check_strategies(nk_report)
    # The case as modelled: only the assurance brings North Korea to the table.
    at_table = {s.name: s.verdicts["Nash"].at_table for s in nk_report.strategies}
    assert at_table["pressure with an assurance"] is True
    assert at_table["maximum pressure"] is False


def test_dial_findings_are_the_sweep(nk_report: Report) -> None:
    direct = sweep(nk_report.space, "sanctions", nk_report.concepts)
    assert nk_report.dial is not None
    assert nk_report.dial.cells == direct.cells(reachable=True)
    for concept in nk_report.concepts:
        expected = [
            level
            for level, cell in zip(direct.levels, direct.cells()[concept], strict=True)
            if {"deal", "talks"} & set(cell)
        ]
        assert nk_report.dial.table_levels[concept] == expected


# -- the agreement and the path to it -----------------------------------------------------------
def evolutions(space, counterpart: str) -> dict:
    """The three evolutions from the status quo the report uses, computed directly."""
    return {
        "improvements": evolution(space),
        "coalitions": evolution(
            space,
            None,
            "coalitions",
            coalitions=[(counterpart, d) for d in space.dm_names if d != counterpart],
        ),
        "any": evolution(space, None, "any"),
    }


def expected_agreement(space, concept: str, counterpart: int, evos: dict) -> tuple[int, bool]:
    """The selection rule of the module docstring, written out naively."""
    names, table = outcome_table(space)
    deal = table[:, names.index("deal")]
    stable = detente.analyze(space, [concept]).stable[concept].all(axis=0)
    pool = [s for s in range(space.n_states) if deal[s] and stable[s]]
    is_eq = bool(pool)
    if not pool:
        pool = [s for s in range(space.n_states) if deal[s]]

    def far(mode: str, s: int) -> float:
        d = int(evos[mode].distance[s])
        return float("inf") if d < 0 else d

    def key(s: int) -> tuple:
        return (
            far("improvements", s),
            -int(space.ranks[counterpart][s]),
            far("coalitions", s),
            far("any", s),
            s,
        )

    return min(pool, key=key), is_eq


def check_path(space, path, evo, target: int) -> None:
    """A path starts at the status quo, chains, ends at the target, has the evolution's
    length, and each step is of its kind; obstacles are exactly the movers not gaining."""
    assert path.steps is not None
    assert len(path.steps) == evo.distance[target]
    current = space.status_quo
    for step in path.steps:
        assert step.before == current
        current = step.after
        ranks = [space.ranks[space.dm_names.index(m)] for m in step.mover]
        gains = [r[step.after] > r[step.before] for r in ranks]
        if evo.moves != "any":
            assert all(gains)
        else:
            dm = space.dm_names.index(step.mover[0])
            assert step.after in space.moves[dm][:, step.before]
        assert [o.dm for o in step.obstacles] == [
            m for m, g in zip(step.mover, gains, strict=True) if not g
        ]
    assert current == target


def test_agreement_findings(nk_report: Report) -> None:
    space = nk_report.space
    evos = evolutions(space, nk_report.counterpart)
    for finding in nk_report.agreement:
        target, is_eq = expected_agreement(
            space, finding.concept, nk_report.roles.counterpart, evos
        )
        assert (finding.state, finding.is_equilibrium) == (target, is_eq)
        reached = evos["improvements"].distance[target] >= 0
        assert finding.paths["improvements"].reachable == reached
        for moves, path in finding.paths.items():
            assert path.reachable == (evos[moves].distance[target] >= 0)
            if path.reachable:
                check_path(space, path, evos[moves], target)
    # As modelled: the deal is an equilibrium that unilateral improvements do not reach, and a
    # joint move of the US and North Korea does.
    nash = nk_report.agreement_for("Nash")
    assert nash.is_equilibrium and nash.reached_by == "coalitions"


def test_obstacle_is_the_decisive_statement(nk_report: Report) -> None:
    space = nk_report.space
    path = nk_report.agreement_for("Nash").paths["any"]
    assert path.obstacles
    for step, obstacle in path.obstacles:
        dm = space.dm_names.index(obstacle.dm)
        assert obstacle.reason == decisive_statement(space, dm, step.before, step.after)
        assert obstacle.reason is not None and obstacle.reason.before and not obstacle.reason.after


def test_inverse_findings_are_the_inverse_analysis(nk_report: Report) -> None:
    space = nk_report.space
    for finding in nk_report.agreement:
        got = finding.inverse
        assert got is not None
        direct = inverse(
            space,
            finding.state + 1,
            concept=finding.concept,
            dms=["NorthKorea"],
            reachable=True,
            max_changes=got.max_changes,
            max_candidates=5_000,
        )
        assert (got.already, got.found, got.size) == (direct.already, direct.found, direct.size)
        assert got.evaluated == direct.evaluated
        assert got.solutions == [[c.to_json() for c in s] for s in direct.solutions]


def test_misperception_findings_are_the_correction(nk_report: Report) -> None:
    space = nk_report.space
    assert [p.name for p in nk_report.perceptions] == [p.name for p in space.conflict.perceptions]
    for p in nk_report.perceptions:
        fix = correct(space, p.name, nk_report.concepts)
        holder = space.dm_names.index(p.holder)
        for concept, values in p.concepts.items():
            now, no_longer = fix.expected_changes(concept, holder)
            assert values["holder_now_expects"] == now.tolist()
            assert values["holder_no_longer_expects"] == no_longer.tolist()
            assert values["became_hyper_equilibria"] == fix.became(concept).tolist()
            target = nk_report.agreement_for(concept).state
            after = fix.after.expected_equilibria(concept, holder)
            assert values["agreement_expected_after"] == bool(target in after)


def test_robustness_findings_are_the_uncertainty_analysis(nk_report: Report) -> None:
    space = nk_report.space
    direct = uncertainty_analysis(space, nk_report.concepts, samples=1000, jobs=1, progress=False)
    r = nk_report.robustness
    assert r is not None
    assert (r.method, r.scenarios, r.profiles) == (direct.method, direct.scenarios, direct.profiles)
    for concept in nk_report.concepts:
        target = nk_report.agreement_for(concept).state
        assert r.p_agreement_equilibrium[concept] == pytest.approx(
            direct.p_equilibrium[concept][target]
        )
        assert r.p_agreement_reached[concept] == pytest.approx(
            direct.p_equilibrium_reached[concept][target]
        )
    for name, by in direct.strategies.items():
        for concept, per in by.items():
            assert r.strategies[name][concept] == pytest.approx(per)
            # P(at the table) = weight of the profiles where talks or deal is reached.
            p = sum(
                row["weight"]
                for row in direct.profile_table
                if {"talks", "deal"} & set(row["outcomes"][name][concept] or [])
            )
            assert r.p_table[name][concept] == pytest.approx(p)
    # Per hypothesis: is the agreement still an equilibrium with North Korea's ranks replaced?
    nk_dm = space.conflict.decision_makers[1]
    for check, alternative in zip(r.hypotheses, nk_dm.alternatives, strict=True):
        ranks = space.ranks.copy()
        scores = detente.space.preference_scores(space, alternative.preferences, ())
        ranks[1] = detente.space.dense_rank(scores)
        for concept, ok in check.equilibrium.items():
            target = nk_report.agreement_for(concept).state
            stable = detente.analyze(space, [concept], ranks=ranks).stable[concept]
            assert ok == bool(stable[:, target].all())


def test_diagnosis_findings_are_the_diagnosis(nk_report: Report) -> None:
    d = nk_report.diagnosis
    assert d is not None
    space = nk_report.space
    direct = diagnose(space, load_history(bundled_history(NK)), forecast=True)
    expected = sorted(direct.dms[0].hypotheses, key=lambda h: -h.posterior)
    assert [h["name"] for h in d.hypotheses] == [h.name for h in expected]
    assert [h["posterior"] for h in d.hypotheses] == pytest.approx([h.posterior for h in expected])
    assert direct.forecast is not None and d.forecast is not None
    for name in direct.forecast.strategies:
        assert d.forecast[name]["posterior"] == pytest.approx(direct.forecast.posterior[name])


# -- the findings change with the model ---------------------------------------------------------
def test_pressure_brings_talks_when_the_preference_says_so(nk: Conflict) -> None:
    before = build_report(nk, sections=FAST)
    statements = nk_statements(nk)
    edited = with_preferences(
        nk, "NorthKorea", [statements[0], "talks if sanctions == 10", *statements[1:]]
    )
    after = build_report(edited, sections=FAST)
    check_strategies(after)
    was = before.strategy("maximum pressure").verdicts
    now = after.strategy("maximum pressure").verdicts
    assert all(v.at_table is False for v in was.values())
    assert all(v.at_table is True for v in now.values())
    assert after.dial is not None and 10 in after.dial.table_levels["Nash"]
    assert before.dial is not None and not before.dial.table_levels["Nash"]
    assert "Does 'maximum pressure' bring NorthKorea to the table? No" in "\n".join(
        f"{q} {a}" for q, a in before.questions()
    )
    assert "Does 'maximum pressure' bring NorthKorea to the table? Yes" in "\n".join(
        f"{q} {a}" for q, a in after.questions()
    )


def test_without_the_assurance_in_its_preferences_nothing_brings_talks(nk: Conflict) -> None:
    statements = [s for s in nk_statements(nk) if "assurance" not in s]
    after = build_report(with_preferences(nk, "NorthKorea", statements), sections=FAST)
    check_strategies(after)
    assert all(
        v.at_table is False for s in after.strategies if not s.baseline for v in s.verdicts.values()
    )
    # The obstacle on the way to a deal is no longer the fear of regime change.
    reasons = {
        o.reason.text for a in after.agreement for _, o in a.paths["any"].obstacles if o.reason
    }
    assert "assurance if denuclearize" not in reasons
    assert "No (Nash and SEQ)" in after.strategy_answer(
        after.strategy("pressure with an assurance")
    )


def test_the_fear_is_found_in_the_preferences(nk_report: Report) -> None:
    reasons = {
        o.reason.text
        for a in nk_report.agreement
        for _, o in a.paths["any"].obstacles
        if o.dm == "NorthKorea" and o.reason
    }
    assert reasons == {"assurance if denuclearize"}
    assert "'assurance if denuclearize'" in nk_report.fear_answer()


# -- other models ------------------------------------------------------------------------------
def elmira_with_extras() -> Conflict:
    elmira = detente.load_case("elmira")
    return elmira.model_copy(
        update={
            "outcomes": [
                Outcome(name="deal", when="Accept"),
                Outcome(name="appeal", when="Delay"),
                Outcome(name="exit", when="Abandon"),
            ],
            "strategies": [Strategy(name="modify", commit={"Modify": "Y"})],
        }
    )


def test_elmira_with_an_outcome_and_a_strategy() -> None:
    report = build_report(elmira_with_extras(), concepts=["Nash", "GMR", "SEQ"])
    check_strategies(report)
    assert report.counterpart == "Uniroyal"  # the first DM the strategy does not commit
    assert report.roles.table is None and report.dial is None
    assert "no levelled option" in report.dial_answer()
    for finding in report.agreement:
        names, table = outcome_table(report.space)
        assert table[finding.state, names.index("deal")]
        for moves, path in finding.paths.items():
            if path.reachable and moves != "coalitions":
                check_path(report.space, path, evolution(report.space, None, moves), finding.state)
    assert report.robustness is None and "no uncertainty" in report.robustness_answer()
    assert report.perceptions == [] and report.diagnosis is None
    html = report.to_html()
    assert_self_contained(html)
    assert "Where does 'modify' lead?" in unescape(html)


def test_a_model_without_strategies_or_outcomes_degrades() -> None:
    report = build_report(detente.load_case("prisoners-dilemma"))
    assert [s.name for s in report.strategies] == ["no commitment"]
    assert "defines no strategies" in (report.strategies_note or "")
    assert report.agreement == [] and "defines no outcomes" in (report.agreement_note or "")
    summary = report.summary()
    assert "defines no outcomes" in summary and "no uncertainty" in summary
    # Without outcomes, the states reached are named instead of 'other'.
    direct = analyse_strategy(report.space, report.concepts)
    for concept, rep in direct.concepts.items():
        verdict = report.strategies[0].verdicts[concept]
        expected = sorted((e.state, e.steps) for e in rep.reachable)
        assert sorted(verdict.states) == expected
        for state, _ in expected[:3]:
            assert f"state {state + 1} (" in summary
    assert 5 <= len(summary.splitlines()) <= 20
    assert_self_contained(report.to_html())
    json.dumps(report.to_json())


def test_a_model_without_status_quo() -> None:
    conflict = elmira_with_extras().model_copy(update={"status_quo": None})
    report = build_report(conflict, concepts=["Nash"])
    assert report.status_quo is None
    assert "no status quo" in report.summary().lower()
    assert report.agreement and all(a.paths == {} for a in report.agreement)
    assert_self_contained(report.to_html())


@st.composite
def conflicts_with_extras(draw: st.DrawFn) -> Conflict:
    """A random conflict with a status quo (sometimes none), random outcomes and strategies."""
    conflict = draw(conflicts(max_dms=3, max_options=5))
    space = detente.compile_conflict(conflict)
    options = [{"name": o.name, "levels": o.levels} for o in conflict.options]
    outcomes = [
        Outcome(name=name, when=draw(statements(options)))
        for name in draw(st.sampled_from([[], ["deal"], ["deal", "talks"], ["talks", "x"]]))
    ]
    strategies = []
    for k in range(draw(st.integers(0, 2))):
        option = draw(st.sampled_from(conflict.options))
        value = draw(st.integers(0, option.top))
        strategies.append(Strategy(name=f"s{k}", commit={option.name: value}))
    status_quo = draw(st.one_of(st.none(), st.integers(1, space.n_states)))
    return conflict.model_copy(
        update={"outcomes": outcomes, "strategies": strategies, "status_quo": status_quo}
    )


@settings(max_examples=25, deadline=None)
@given(conflicts_with_extras())
def test_report_on_random_conflicts(conflict: Conflict) -> None:
    """Any valid model gives a report whose strategy findings are compare's, and a page that
    parses; sections that lack something say so."""
    report = build_report(
        conflict,
        concepts=["Nash", "SEQ"],
        sections=["strategies", "dial", "agreement", "joint", "inverse", "misperceptions"],
    )
    if conflict.status_quo is not None:
        check_strategies(report)
    assert_self_contained(report.to_html())
    json.dumps(report.to_json())
    assert 3 <= len(report.summary().splitlines()) <= 20 + len(conflict.strategies)
    for finding in report.agreement:
        assert finding.state is not None
        for moves, path in finding.paths.items():
            if path.reachable:
                evo = report._evolutions[moves]
                check_path(report.space, path, evo, finding.state)


# -- the decisive statement ------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(conflicts(forms=("prioritization",)), st.data())
def test_decisive_statement_matches_the_definition(conflict: Conflict, data: st.DataObject) -> None:
    space = detente.compile_conflict(conflict)
    dm = data.draw(st.integers(0, space.n_dms - 1))
    a = data.draw(st.integers(0, space.n_states - 1))
    b = data.draw(st.integers(0, space.n_states - 1))
    found = decisive_statement(space, dm, a, b)
    statements = conflict.decision_makers[dm].preferences.prioritization or []
    combo_a = tuple(int(v) for v in space.values[a])
    combo_b = tuple(int(v) for v in space.values[b])
    expected = None
    for k, text in enumerate(statements):
        expr = parse(conflict, text)
        if evaluate(expr, combo_a) != evaluate(expr, combo_b):
            expected = (k + 1, text, evaluate(expr, combo_a), evaluate(expr, combo_b))
            break
    got = None if found is None else (found.position, found.text, found.before, found.after)
    assert got == expected
    # It decides the DM's preference between the two states.
    ra, rb = int(space.ranks[dm][a]), int(space.ranks[dm][b])
    if found is None:
        assert ra == rb
    else:
        assert (rb > ra) == found.after


# -- the HTML ------------------------------------------------------------------------------------
class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def assert_self_contained(html: str) -> _Collector:
    parser = _Collector()
    parser.feed(html)
    parser.close()
    names = [t for t, _ in parser.tags]
    assert names[0] == "html" and "body" in names
    assert "script" not in names and "link" not in names and "iframe" not in names
    for tag, attrs in parser.tags:
        for key in ("src", "href", "xlink:href"):
            value = attrs.get(key) or ""
            assert not re.match(r"\s*(https?:)?//", value), (tag, key, value)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)
    assert "@import" not in html
    return parser


def test_html_is_self_contained_with_picture_and_chart(nk_report: Report, nk_html: str) -> None:
    parser = assert_self_contained(nk_html)
    figures = [attrs.get("class") for tag, attrs in parser.tags if tag == "figure"]
    assert "graph" in figures and "chart" in figures
    assert nk_html.count("<svg") >= len(nk_report._graphs) + 1
    # No id is defined twice on the page (the two pictures' ids are prefixed).
    ids = re.findall(r'\bid="([^"]+)"', nk_html)
    assert len(ids) == len(set(ids))
    text = " ".join(" ".join(parser.text).split())
    for question, answer in nk_report.questions():
        assert " ".join(question.split()) in text
        assert " ".join(answer.split()) in text


def test_json_and_summary_carry_the_findings(nk_report: Report) -> None:
    data = json.loads(json.dumps(nk_report.to_json()))
    assert data["roles"]["counterpart"] == "NorthKorea"
    strategies = {s["name"]: s for s in data["strategies"]}
    assert strategies["pressure with an assurance"]["verdicts"]["Nash"]["at_table"] is True
    target = nk_report.agreement_for("Nash").state
    assert data["agreement"][0]["state"]["id"] == target + 1
    summary = nk_report.summary()
    assert 10 <= len(summary.splitlines()) <= 20
    assert f"state {target + 1}" in summary
    for s in nk_report.strategies:
        assert s.name in summary


# -- command line -------------------------------------------------------------------------------
def test_cli_report_on_a_model_file(tmp_path: Path) -> None:
    model = tmp_path / "elmira.yaml"
    model.write_text(dump_model(elmira_with_extras()), encoding="utf-8")
    out = tmp_path / "sub" / "report.html"
    result = CliRunner().invoke(
        main,
        [
            "report",
            str(model),
            "--out",
            str(out),
            "--concept",
            "Nash",
            "--json",
            str(tmp_path / "r.json"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.is_file() and "Report written to" in result.output
    assert "Uniroyal" in result.output
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["concepts"] == ["Nash"]
    assert_self_contained(out.read_text(encoding="utf-8"))


def test_cli_report_errors_are_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "report",
            "--case",
            "elmira",
            "--counterpart",
            "Nobody",
            "--out",
            str(tmp_path / "r.html"),
        ],
    )
    assert result.exit_code == 2
    assert result.output.strip().startswith("detente: error: unknown decision maker 'Nobody'")
    assert len(result.output.strip().splitlines()) == 1
