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

import numpy as np
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
from detente.report.findings import commit_words, indistinguishable_groups, pct, tie_flags

from .conflicts import conflicts, statements
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
        assert r["steps"] is None or isinstance(r["steps"], int)
        assert isinstance(r["minimal"], bool)
    names = [s["name"] for s in data["strategies"]]
    assert names[0] == "no commitment"
    for s in data["strategies"]:
        assert set(s) == {"name", "commit", "outcomes"}
        assert set(s["outcomes"]) <= set(data["concepts"])
    for x in data["fragility"]:
        assert set(x) == {"kind", "claim", "detail"}
        assert x["kind"] in ("tie", "indistinguishable", "bound", "concept")


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
    for r in f.recommendations:
        row = " ".join(
            [commit_words(r.commit), r.outcome, *(pct(r.probability[c]) for c in f.concepts)]
        )
        assert row in text
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
    for r in data["recommendations"]:
        # A recommendation pasted into the model as a strategy reaches what it claims.
        if r["steps"] is None:
            continue
        result = compare(
            report.space, report.concepts, strategies=[{"name": "r", "commit": r["commit"]}]
        )
        row = next(s for s in result.strategies if s.name == "r")
        assert any(r["outcome"] in c.outcomes_reachable for c in row.concepts.values())


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
