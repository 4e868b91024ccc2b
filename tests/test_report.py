"""The case report (detente.report): its findings are the analyses' results.

Every finding is checked against a direct call of the analysis it comes from (compare,
sweep, evolution, inverse, correct, uncertainty_analysis, diagnose), or against the
definition (the agreement state's selection rule, the decisive statement of a
prioritization).  Changing the model changes the findings: the tests edit North Korea's
preferences and check that the corresponding answers flip.  The HTML must be one
self-contained page that parses.
"""

from __future__ import annotations

import itertools
import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import detente
from detente.analyses.design import design
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
    DiagnosisFinding,
    Report,
    build_report,
    choose_roles,
    decisive_statement,
)
from detente.report.findings import (
    build_findings,
    indistinguishable_groups,
    package_words,
    pct,
    reaches_test,
    recommendation_groups,
    row_name,
    statement_flags,
    tie_flags,
)

from .conflicts import conflict_data, conflicts, preferences, statements
from .reference import evaluate, naive_model, nash_tie_flips, parse, same_move_order

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


def test_without_a_record_the_brief_is_the_uncertainty_analysis(nk: Conflict) -> None:
    """Without a record, every strategy probability of the brief is what ``detente
    uncertainty`` gives for that strategy (the joint belief, the US's uncertain order
    included)."""
    report = build_report(nk, sections=FAST)
    f = report.findings
    assert f is not None and not f.belief.record
    assert [h.prior for h in f.belief.hypotheses] == [h.posterior for h in f.belief.hypotheses]
    direct = uncertainty_analysis(nk, report.concepts, jobs=1, progress=False)
    assert direct.complete
    assert {s.name for s in f.strategies} == set(direct.strategies)
    for s in f.strategies:
        for concept in report.concepts:
            assert s.outcomes[concept] == pytest.approx(direct.strategies[s.name][concept])


def test_with_a_record_every_probability_is_the_posterior(nk: Conflict, nk_report: Report) -> None:
    """Given the record, the belief's weights are the diagnosis' posteriors, and each strategy's
    probabilities are the uncertainty analysis of the model with the counterpart's
    alternatives weighted by them; the prior appears as 'before the record'."""
    f = nk_report.findings
    assert f is not None and f.belief.record
    diagnosis = diagnose(nk_report.space, load_history(bundled_history(NK)))
    (d,) = diagnosis.dms
    posterior = {h.name: h.posterior for h in d.hypotheses}
    assert {h.name: h.posterior for h in f.belief.hypotheses} == pytest.approx(posterior)
    dms = list(nk.decision_makers)
    weighted = [
        a.model_copy(update={"weight": posterior[a.name]})
        for a in dms[1].alternatives
        if posterior[a.name] > 0
    ]
    dms[1] = dms[1].model_copy(update={"alternatives": weighted})
    reweighted = nk.model_copy(update={"decision_makers": dms})
    after = uncertainty_analysis(reweighted, nk_report.concepts, jobs=1, progress=False)
    before = uncertainty_analysis(nk, nk_report.concepts, jobs=1, progress=False)
    for s in f.strategies:
        for concept in nk_report.concepts:
            assert s.outcomes[concept] == pytest.approx(after.strategies[s.name][concept])
            assert s.prior_outcomes[concept] == pytest.approx(before.strategies[s.name][concept])


def test_a_history_with_a_hypothesis_the_model_lacks_is_a_located_error(
    nk: Conflict, tmp_path: Path
) -> None:
    text = bundled_history(NK).read_text(encoding="utf-8")
    extra = (
        "hypotheses:\n"
        "  - name: something else\n"
        "    dm: NorthKorea\n"
        "    preferences:\n"
        "      prioritization: [not strike]\n"
    )
    path = tmp_path / "h.yaml"
    path.write_text(text.replace("model: north-korea", "model: north-korea") + extra, "utf-8")
    with pytest.raises(DetenteError) as caught:
        build_report(nk, history=path, sections=(*FAST, "diagnosis"))
    message = str(caught.value)
    assert "'something else'" in message and "alternatives" in message
    assert str(path) in message and len(message.splitlines()) == 1
    line = len(text.splitlines()) + 2  # the hypothesis' name
    assert f":{line}" in message


def test_tie_flags_match_the_naive_definition(nk_report: Report) -> None:
    """North Korea likes the deal exactly as much as the same state without disarming: the
    brief flags that the deal's stability for it rests on that tie."""
    f = nk_report.findings
    ties = [x for x in f.fragility if x.kind == "tie"]
    assert any("for NorthKorea (Nash)" in x.claim for x in ties)
    assert any("for NorthKorea" in line for line in f.recommendation)


@settings(max_examples=30, deadline=None)
@given(conflicts(max_dms=3, max_options=4, forms=("prioritization",)), st.data())
def test_tie_flags_on_random_conflicts(conflict: Conflict, data: st.DataObject) -> None:
    space = detente.compile_conflict(conflict)
    naive = naive_model(conflict)
    state = data.draw(st.integers(0, space.n_states - 1))
    flagged = {
        x.claim.split(" is stable for ")[1].split(" (")[0]
        for x in tie_flags(space, state, "Nash", "S")
    }
    expected = {space.dm_names[i] for i in range(space.n_dms) if nash_tie_flips(naive, i, state)}
    assert flagged == expected


@settings(max_examples=30, deadline=None)
@given(conflicts(max_dms=2, max_options=4, forms=("prioritization",)), st.data())
def test_indistinguishable_groups_on_random_conflicts(
    conflict: Conflict, data: st.DataObject
) -> None:
    space = detente.compile_conflict(conflict)
    naive = naive_model(conflict)
    dm = data.draw(st.integers(0, space.n_dms - 1))
    shuffled = np.asarray(data.draw(st.permutations(list(space.ranks[dm]))))
    ranks = np.stack([space.ranks[dm], shuffled, space.ranks[dm] // 2])
    groups = indistinguishable_groups(space, dm, ranks)
    for a in range(len(ranks)):
        for b in range(len(ranks)):
            same = same_move_order(
                naive, dm, list(map(float, ranks[a])), list(map(float, ranks[b]))
            )
            assert (groups[a] == groups[b]) == same


def test_north_korea_groups_are_the_diagnosis(nk_report: Report) -> None:
    f = nk_report.findings
    (d,) = nk_report.diagnosis.result.dms
    for h in d.hypotheses:
        group = next(g for g in f.belief.groups if h.name in g)
        assert set(group) == {h.name, *h.same_choices_as}


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
    assert any("no uncertainty" in note for note in report.findings.notes)
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
    # Without outcomes, the findings still list the states reached (in the appendix data).
    direct = analyse_strategy(report.space, report.concepts)
    for concept, rep in direct.concepts.items():
        verdict = report.strategies[0].verdicts[concept]
        expected = sorted((e.state, e.steps) for e in rep.reachable)
        assert sorted(verdict.states) == expected
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
    for a in nk_report.findings.answers:
        assert " ".join(a.question.split()) in text
        assert " ".join(a.answer.split()) in text
        for e in a.evidence:
            assert " ".join(e.split()) in text


def check_contract(data: dict) -> None:
    """The JSON contract of docs/report.md."""
    belief = data["belief"]
    assert isinstance(belief["counterpart"], str) and isinstance(belief["record"], bool)
    for h in belief["hypotheses"]:
        assert set(h) == {"name", "prior", "posterior"}
        if not belief["record"]:
            assert h["prior"] == h["posterior"]
    assert sum(h["posterior"] for h in belief["hypotheses"]) == pytest.approx(1, abs=1e-5)
    for r in data["recommendations"]:
        assert {"commit", "outcome", "probability", "steps", "minimal"} <= set(r)
        assert set(r["probability"]) == set(data["concepts"])
        assert isinstance(r["steps"], int) and r["minimal"] is True
    names = [s["name"] for s in data["strategies"]]
    assert names[0] == "no commitment"
    for s in data["strategies"]:
        assert set(s) == {"name", "commit", "outcomes"}
        assert set(s["outcomes"]) <= set(data["concepts"])
    for x in data["fragility"]:
        assert set(x) == {"kind", "claim", "detail"}
        assert x["kind"] in ("tie", "indistinguishable", "bound", "concept", "statement")


def test_json_and_summary_carry_the_findings(nk_report: Report) -> None:
    data = json.loads(json.dumps(nk_report.to_json()))
    check_contract(data)
    f = nk_report.findings
    assert data["belief"]["counterpart"] == "NorthKorea" and data["belief"]["record"]
    strategies = {s["name"]: s for s in data["strategies"]}
    assert strategies["pressure with an assurance"]["outcomes"]["Nash"]["talks"] == pytest.approx(
        f.strategy("pressure with an assurance").p("Nash", "talks")
    )
    assert strategies["maximum pressure"]["commit"] == {"sanctions": 10, "assurance": "N"}
    summary = nk_report.summary()
    assert 10 <= len(summary.splitlines()) <= 25
    for s in nk_report.strategies:
        assert s.name in summary
    # Every strategy line and the recommendation are the findings' own sentences.
    for a in f.answers[: len(f.strategies)]:
        assert a.answer in summary
    for sentence in f.recommendation:
        assert sentence in summary


def test_the_page_shows_the_findings_numbers(nk_report: Report, nk_html: str) -> None:
    """Every probability on the page comes from the findings: the belief table and the
    recommendations table print exactly the findings' values."""
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", nk_html)).split())
    f = nk_report.findings
    for h in f.belief.hypotheses:
        assert f"{h.name} {pct(h.prior)} {pct(h.posterior)}" in text
    for r in recommendation_groups(f):
        row = " ".join([package_words(r), r.outcome, *(pct(r.probability[c]) for c in f.concepts)])
        assert row in text
    assert f.dial is not None
    for row in f.dial.rows:
        assert " ".join([row_name(row), *(c.text() for c in row.cells)]) in text
    # The recommendation comes first, before any table.
    assert nk_html.index('id="recommendation"') < nk_html.index("<table")
    # Words, not codes: no '(its statement N)', no bare state numbers outside the appendix.
    # (The state-graph pictures number their nodes; their SVG is left out of this check.)
    body = re.sub(r"<svg.*?</svg>", "", nk_html.split('<details class="appendix">')[0], flags=re.S)
    assert "its statement" not in body and not re.search(r"\bstate \d+\b", body)


def test_names_in_the_model_are_escaped() -> None:
    conflict = elmira_with_extras()
    dms = list(conflict.decision_makers)
    dms[0] = dms[0].model_copy(update={"description": "<script>alert(1)</script>"})
    hostile = conflict.model_copy(
        update={"decision_makers": dms, "name": "<script>alert(2)</script>"}
    )
    html = build_report(hostile, concepts=["Nash"]).to_html()
    assert "<script>" not in html and "&lt;script&gt;alert(2)" in html
    assert_self_contained(html)


@pytest.mark.parametrize("case", detente.list_cases())
def test_json_contract_on_every_bundled_case(case: str) -> None:
    report = build_report(detente.load_case(case), history=bundled_history(case))
    data = json.loads(json.dumps(report.to_json()))
    check_contract(data)
    if not data["recommendations"]:
        return
    # Each recommendation pasted into the model as a strategy reaches what it claims: the
    # compare machinery run over the belief (uncertainty_analysis) gives its probability.
    posterior = {h["name"]: h["posterior"] for h in data["belief"]["hypotheses"]}
    model = reweighted(report.space.conflict, data["belief"]["counterpart"], posterior)
    strategies = [
        Strategy(name=f"r{k}", commit=r["commit"])
        for k, r in enumerate(data["recommendations"])
        if r["commit"]
    ]
    direct = uncertainty_analysis(
        model.model_copy(update={"strategies": strategies}), report.concepts, progress=False
    )
    for k, r in enumerate(data["recommendations"]):
        name = f"r{k}" if r["commit"] else "no commitment"
        for concept, p in r["probability"].items():
            got = direct.strategies[name][concept].get(r["outcome"], 0.0)
            assert got == pytest.approx(p, abs=1e-5), (r, concept)


def reweighted(conflict: Conflict, counterpart: str, weights: dict[str, float]) -> Conflict:
    """The model with the counterpart's alternatives weighted by ``weights`` (zero ones
    dropped); unchanged when it has none."""
    dms = list(conflict.decision_makers)
    i = conflict.dm_index[counterpart]
    if not dms[i].alternatives:
        return conflict
    kept = [
        a.model_copy(update={"weight": weights[a.name]})
        for a in dms[i].alternatives
        if weights.get(a.name, 0.0) > 0
    ]
    dms[i] = dms[i].model_copy(update={"alternatives": kept})
    return conflict.model_copy(update={"decision_makers": dms})


def test_no_sentence_contradicts_another() -> None:
    """'Nothing blocks the agreement' and 'what blocks it' never stand in one answer for the
    same concepts (the Iran-style contradiction of issue 11)."""
    for case in detente.list_cases():
        report = build_report(detente.load_case(case), sections=(*FAST, "inverse"))
        fear = report.fear_answer()
        if "Nothing blocks the agreement:" in fear:  # for every concept
            assert "what blocks it" not in fear and "blockage" not in fear


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


# -- recommendations: the strategy design's minimal packages ------------------------------------
def test_north_korea_recommends_the_designs_top_package(nk_report: Report) -> None:
    """The brief recommends what `detente design` finds (under the brief's belief): sanctions
    at most 4 + assurance + normalize, and says why the dial cannot go higher."""
    f = nk_report.findings
    top = f.recommendations[0]
    assert top.group == "sanctions at most 4 + assurance + normalize" and top.outcome == "deal"
    members = [r for r in f.recommendations if r.group == top.group and r.outcome == "deal"]
    assert sorted(r.commit["sanctions"] for r in members) == [0, 1, 2, 3, 4]
    assert all(r.minimal for r in f.recommendations)
    assert f.recommendation[0] == "Commit to sanctions at most 4, assurance and normalize."
    assert any("'normalize and sanctions >= 5'" in s for s in f.recommendation)
    assert f.search["complete"] and f.search["candidates"] == 8748
    # Ranked as the design ranks: probability (smallest over the concepts, then the sum).
    for outcome in ("deal", "talks"):
        ps = [r.probability for r in f.recommendations if r.outcome == outcome]
        keys = [(-round(min(p.values()), 9), -round(sum(p.values()), 9)) for p in ps]
        assert keys == sorted(keys)
    # Its probability is the uncertainty analysis of the package under the posterior (the
    # package judged hypothesis by hypothesis).
    judged = next(c for c in f.candidates if c.commit == top.commit)
    for concept in f.concepts:
        assert judged.p(concept, "deal") == pytest.approx(top.probability[concept], abs=1e-6)


def test_the_dial_table_under_each_package(nk: Conflict, nk_report: Report) -> None:
    """Each cell of the dial × commitment table is the uncertainty analysis (compare over the
    belief) of that row's commitment with the dial at that level; a level a row cannot hold
    is named with the infeasibility condition that rules it out."""
    f = nk_report.findings
    table = f.dial
    assert table is not None and table.option == "sanctions" and table.levels == list(range(11))
    names = [" = ".join(r.names) for r in table.rows]
    assert "assurance = 'pressure with an assurance'" in names
    assert any("'maximum pressure'" in n for n in names) and "sanctions alone" in names
    top = next(r for r in table.rows if frozenset(f.recommendations[0].commit.items()) in r.sources)
    assert [c.outcome for c in top.cells[:5]] == ["deal"] * 5
    assert [c.status for c in top.cells[5:]] == ["infeasible"] * 6
    assert [(c.condition, c.levels) for c in top.constraints] == [
        ("'normalize and sanctions >= 5'", list(range(5, 11)))
    ]
    posterior = {h.name: h.posterior for h in f.belief.hypotheses}
    strategies = [
        Strategy(name=f"{n}@{lv}", commit={**row.commit, "sanctions": lv})
        for n, row in enumerate(table.rows)
        for lv in table.levels
        if row.cells[lv].status == "ok"
    ]
    model = reweighted(nk, "NorthKorea", posterior).model_copy(update={"strategies": strategies})
    direct = uncertainty_analysis(model, f.concepts, progress=False)
    for n, row in enumerate(table.rows):
        for lv, cell in zip(table.levels, row.cells, strict=True):
            if cell.status != "ok":
                continue
            got = direct.strategies[f"{n}@{lv}"]
            best = next(
                (o for o in ("deal", "talks") if max(got[c].get(o, 0) for c in f.concepts) >= 0.01),
                None,
            )
            assert cell.outcome == best
            for c in f.concepts:
                expected = got[c].get(best, 0.0) if best else 0.0
                assert cell.probability.get(c, 0.0) == pytest.approx(expected, abs=1e-6)
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", nk_report.to_html())).split())
    assert "The dial under each commitment" in text and "cannot be held" in text


def test_tie_flags_name_the_difference_in_words(nk_report: Report) -> None:
    ties = [x for x in nk_report.findings.fragility if x.kind == "tie"]
    details = " ".join(x.detail for x in ties)
    assert "exactly as much as deal (" not in details
    assert "the same deal without normalize" in details
    assert "talks (the same state without denuclearize)" in details


def test_state_pictures_are_in_words(nk_report: Report, nk_html: str) -> None:
    """The path the top package opens is drawn state by state in words; the numbered state
    graphs are in the technical appendix only."""
    picture = nk_report.findings.picture
    assert picture is not None and picture.states[-1].outcome == "deal"
    assert picture.states[0].outcome == "stalemate" and picture.states[0].mover is None
    body, appendix = nk_html.split('<details class="appendix">')
    assert '<figure class="graph">' in appendix and '<figure class="graph">' not in body
    assert '<ol class="path">' in body


@st.composite
def believed_conflicts(draw: st.DrawFn) -> tuple[Conflict, dict[str, float]]:
    """A random conflict with a status quo, two outcomes, strategies committing the other
    DMs' options, weighted alternatives for DM 0 (the counterpart) and a random posterior
    (as a record would give; some hypotheses ruled out)."""
    data = draw(conflict_data(max_dms=3, max_options=4, merge=False))
    model = naive_model(Conflict.model_validate(data), with_preferences=False)
    options = data["options"]
    data["status_quo"] = draw(st.integers(1, model.n))
    data["outcomes"] = [
        {"name": name, "when": draw(statements(options))} for name in ("deal", "talks")
    ]
    dms = data["decision_makers"]
    dms[0]["alternatives"] = [
        {
            "name": f"h{a}",
            "weight": draw(st.sampled_from([1.0, 2.0])),
            "preferences": draw(preferences(model, options, ("prioritization", "ranking"))),
        }
        for a in range(draw(st.integers(2, 3)))
    ]
    ours = [o for dm in dms[1:] for o in dm["options"]]
    tops = {o.name: o.top for o in Conflict.model_validate(data).options}
    data["strategies"] = [
        {"name": f"s{k}", "commit": {name: draw(st.integers(0, tops[name]))}}
        for k, name in enumerate(draw(st.lists(st.sampled_from(ours), max_size=2, unique=True)))
    ]
    weights = [draw(st.sampled_from([0.0, 0.25, 1.0])) for _ in dms[0]["alternatives"]]
    if not any(weights):
        weights[0] = 1.0
    names = [a["name"] for a in dms[0]["alternatives"]]
    posterior = {h: w / sum(weights) for h, w in zip(names, weights, strict=True)}
    return Conflict.model_validate(data), posterior


def with_hypothesis(conflict: Conflict, dm: int, name: str) -> Conflict:
    """The model with DM ``dm``'s preferences replaced by its alternative ``name``."""
    dms = list(conflict.decision_makers)
    alt = next(a for a in dms[dm].alternatives if a.name == name)
    dms[dm] = dms[dm].model_copy(update={"preferences": alt.preferences, "alternatives": []})
    return conflict.model_copy(update={"decision_makers": dms})


def with_record(report: Report, posterior: dict[str, float]) -> Report:
    """The report as if a record had given this posterior (what a diagnosis hands on)."""
    report.diagnosis = DiagnosisFinding(
        history="drawn",
        dm=report.counterpart,
        concept="Nash",
        observations=0,
        hypotheses=[{"name": h, "prior": 0.0, "posterior": w} for h, w in posterior.items()],
        sentences=[],
        consistent=None,
        forecast=None,
        forecast_concept=None,
    )
    report.findings = build_findings(report, samples=100, seed=0, jobs=1)
    return report


@settings(max_examples=15, deadline=None)
@given(believed_conflicts())
def test_recommendations_reach_what_they_claim_on_random_models(
    drawn: tuple[Conflict, dict[str, float]],
) -> None:
    """Committing each recommendation as a strategy and running compare under each
    hypothesis reaches its outcome with exactly the claimed probability (the posterior mass
    of the hypotheses where it does), in the claimed fewest steps; no smaller commitment
    reaches it in every (hypothesis, concept) where it does (minimal); and they are the
    design's minimal packages under the belief."""
    conflict, posterior = drawn
    concepts = ["Nash", "SEQ"]
    report = build_report(conflict, concepts=concepts, sections=["strategies", "design"])
    f = with_record(report, posterior).findings
    assert f is not None and f.belief.record
    hypotheses = [h for h, w in posterior.items() if w > 0]

    def success(commitment: dict) -> tuple[dict, dict]:
        hits: dict[str, set] = {}
        steps: dict[str, list] = {}
        for h in hypotheses:
            model = with_hypothesis(conflict, 0, h)
            if commitment:
                strategy = [{"name": "r", "commit": commitment}]
                rep = compare(model, concepts, strategies=strategy).strategy("r")
            else:  # no commitment: the conflict as it is (compare's baseline)
                rep = analyse_strategy(detente.compile_conflict(model), concepts)
            if rep.start is None:
                continue
            for c in concepts:
                for o in ("deal", "talks"):
                    if o in rep.concepts[c].outcomes_reachable:
                        hits.setdefault(o, set()).add((h, c))
                        steps.setdefault(o, []).append(rep.concepts[c].nearest(o))
        return hits, steps

    expected = design(
        conflict,
        side=f.search["side"],
        agreement="deal",
        table="talks",
        concepts=concepts,
        belief=posterior,
    )
    wanted = [
        (p.outcome, p.commit)
        for o in ("deal", "talks")
        for p in expected.recommendations(o)
        if max(p.probability.values()) >= 0.01
    ]
    got = [(r.outcome, r.commit) for r in f.recommendations]
    assert sorted(map(str, got)) == sorted(map(str, wanted))
    for r in f.recommendations:
        hits, steps = success(r.commit)
        mine = hits.get(r.outcome, set())
        for c in concepts:
            claimed = sum(posterior[h] for h, cc in mine if cc == c)
            assert r.probability[c] == pytest.approx(claimed, abs=1e-9)
        assert r.steps == min(steps[r.outcome])
        items = list(r.commit.items())
        for size in range(len(items)):
            for subset in itertools.combinations(items, size):
                smaller, _ = success(dict(subset))
                assert not mine <= smaller.get(r.outcome, set())


@settings(max_examples=25, deadline=None)
@given(conflicts(max_dms=3, max_options=4, forms=("prioritization",)), st.data())
def test_statement_flags_match_a_recompiled_model(conflict: Conflict, data: st.DataObject) -> None:
    """Leave one statement out: the statements flagged for 'the commitment reaches the
    outcome' are exactly those whose removal from the written model (recompiled from
    scratch, run through compare) stops it reaching under some concept where it did."""
    concepts = ["Nash", "SEQ"]
    space = detente.compile_conflict(conflict)
    sq = data.draw(st.integers(1, space.n_states))
    options = [{"name": o.name, "levels": o.levels} for o in conflict.options]
    outcome = Outcome(name="goal", when=data.draw(statements(options)))
    option = data.draw(st.sampled_from(conflict.options))
    commitment = {option.name: data.draw(st.integers(0, option.top))}
    conflict = conflict.model_copy(update={"status_quo": sq, "outcomes": [outcome]})
    space = detente.compile_conflict(conflict)
    test = reaches_test(space, commitment, "goal", concepts)
    if test is None:
        return
    flagged = {x.detail for x in statement_flags(space, concepts, [("c", test)])}

    def reached(model: Conflict) -> dict[str, bool]:
        rep = compare(model, concepts, strategies=[{"name": "r", "commit": commitment}])
        r = rep.strategy("r")
        return {c: "goal" in r.concepts[c].outcomes_reachable for c in concepts}

    before = reached(conflict)
    expected = set()
    for dm in conflict.decision_makers:
        texts = dm.preferences.prioritization or []
        if len(texts) < 2:
            continue
        for k, text in enumerate(texts):
            after = reached(with_preferences(conflict, dm.name, texts[:k] + texts[k + 1 :]))
            if any(before[c] and not after[c] for c in concepts):
                expected.add((dm.name, text))
    got = {
        (d.split("'s statement")[0].removeprefix("It rests on "), d.split("'s statement '")[1])
        for d in flagged
    }
    got = {(dm, text.split("': without it")[0]) for dm, text in got}
    assert got == expected
