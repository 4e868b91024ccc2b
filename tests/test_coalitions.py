"""Coalition analysis: coalitional improvements and CNash/CGMR/CSMR/CSEQ.

The fast code in :mod:`detente.coalitions` is compared with a naive transcription of the
definitions (plain Python sets over :mod:`tests.reference`'s naive model, which never uses
the compiled move arrays) on random small conflicts, and checked on the Elmira case
(Kilgour, Hipel, Fang & Peng 2001; Inohara & Hipel 2008).
"""

from __future__ import annotations

import itertools
import json
import math
from collections import deque

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente import analyze, compile_conflict, load_case
from detente.analyses.coalitions import (
    analyze_coalitions,
    coalition_class,
    coalition_members,
    coalition_reach,
    coalition_report,
    coalitional_improvements,
    reach_tree,
)
from detente.errors import DetenteError

from .conflicts import conflicts
from .reference import NaiveModel, naive_model
from .reference import coalition_reach as naive_reach

CONCEPTS = ("Nash", "GMR", "SMR", "SEQ")


# -- the naive reference ----------------------------------------------------------------------
class NaiveCoalitions:
    """Coalition analysis straight from the definitions (docstring of detente.coalitions)."""

    def __init__(self, model: NaiveModel, klass: list[tuple[int, ...]], sanctions: str) -> None:
        self.model = model
        self.klass = klass
        self.sanctions = sanctions
        self._ci: dict[tuple[tuple[int, ...], int], set[int]] = {}

    def better_for(self, coalition, t: int, s: int) -> bool:
        """Every member strictly prefers t to s."""
        return all(self.model.scores[i][t] > self.model.scores[i][s] for i in coalition)

    def reach(self, coalition, s: int) -> set[int]:
        """R_H(s): legal sequences of the members' unilateral moves."""
        return naive_reach(self.model, list(coalition), s, improving=False)

    def improvements(self, coalition, s: int) -> set[int]:
        """R_H^{++}(s)."""
        key = (tuple(coalition), s)
        if key not in self._ci:
            self._ci[key] = {
                t for t in self.reach(coalition, s) if self.better_for(coalition, t, s)
            }
        return self._ci[key]

    def outsiders(self, coalition) -> list[int]:
        return [j for j in range(self.model.n_dms) if j not in coalition]

    def groups(self, coalition) -> list[tuple[int, ...]]:
        """The sanctioning groups: coalitions of the class outside H, or single outsiders."""
        if self.sanctions == "individuals":
            return [(j,) for j in self.outsiders(coalition)]
        return [g for g in self.klass if not set(g) & set(coalition)]

    def group_reach(self, coalition, s1: int, *, credible: bool) -> set[int]:
        """States reached from s1 by a sequence of joint moves of the sanctioning groups, no
        group twice in a row; a joint move of G from x goes to R_G(x), or to R_G^{++}(x) when
        ``credible``.  For single DMs: R_{N\\H}(s1) and R+_{N\\H}(s1)."""
        groups = self.groups(coalition)
        reached: set[int] = set()
        seen: set[tuple[int, int]] = set()
        queue: deque[tuple[int, int | None]] = deque([(s1, None)])
        while queue:
            x, last = queue.popleft()
            for k, g in enumerate(groups):
                if k == last:
                    continue
                targets = self.improvements(g, x) if credible else self.reach(g, x)
                for t in targets:
                    if (t, k) not in seen:
                        seen.add((t, k))
                        reached.add(t)
                        queue.append((t, k))
        return reached

    def not_better(self, coalition, s2: int, s: int) -> bool:
        return not self.better_for(coalition, s2, s)

    def stable(self, concept: str, coalition, s: int) -> bool:
        ci = self.improvements(coalition, s)
        if concept == "Nash":
            return not ci
        outside = self.outsiders(coalition)
        for s1 in ci:
            responses = self.group_reach(coalition, s1, credible=concept == "SEQ")
            if self.sanctions == "individuals":
                # The same sets, by the reference's own reachability over single DMs.
                expected = naive_reach(self.model, outside, s1, improving=concept == "SEQ")
                assert responses == expected
            if concept in ("GMR", "SEQ"):
                ok = any(self.not_better(coalition, s2, s) for s2 in responses)
            else:  # SMR
                ok = any(
                    self.not_better(coalition, s2, s)
                    and all(self.not_better(coalition, s3, s) for s3 in self.reach(coalition, s2))
                    for s2 in responses
                )
            if not ok:
                return False
        return True


def small(conflict) -> bool:
    return math.prod(o.radix for o in conflict.options) <= 48


SMALL = conflicts(max_dms=4, max_options=5).filter(small)
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])


# -- property tests -----------------------------------------------------------------------------
@FAST
@given(SMALL)
def test_coalitional_improvements_match_definition(conflict):
    space = compile_conflict(conflict)
    model = naive_model(conflict)
    naive = NaiveCoalitions(model, coalition_class(space), "coalitions")
    assert model.n == space.n_states
    for coalition in coalition_class(space):
        moves = coalitional_improvements(space, list(coalition))
        padded = moves.to_padded()
        for s in range(space.n_states):
            expected = naive.improvements(coalition, s)
            assert set(moves.targets(s).tolist()) == expected, (coalition, s)
            column = {int(t) for t in padded[:, s] if t < space.n_states}
            assert column == expected
            one = coalitional_improvements(space, list(coalition), s)
            assert set(one.tolist()) == expected
            assert set(coalition_reach(space, coalition, s).tolist()) == naive.reach(coalition, s)


@FAST
@given(SMALL, st.sampled_from(["coalitions", "individuals"]))
def test_coalition_stability_matches_definition(conflict, sanctions):
    space = compile_conflict(conflict)
    model = naive_model(conflict)
    result = analyze_coalitions(space, CONCEPTS, sanctions=sanctions)
    naive = NaiveCoalitions(model, result.coalitions, sanctions)
    for concept in CONCEPTS:
        for k, coalition in enumerate(result.coalitions):
            expected = [naive.stable(concept, coalition, s) for s in range(space.n_states)]
            assert result.stable[concept][k].tolist() == expected, (concept, coalition)


@FAST
@given(SMALL, st.data())
def test_chosen_class_matches_definition(conflict, data):
    """A user-chosen coalition: the class is the singletons plus that coalition."""
    space = compile_conflict(conflict)
    members = data.draw(
        st.lists(st.integers(0, space.n_dms - 1), min_size=2, max_size=space.n_dms, unique=True)
    )
    result = analyze_coalitions(space, CONCEPTS, [members])
    chosen = tuple(sorted(members))
    assert result.coalitions == [(i,) for i in range(space.n_dms)] + [chosen]
    naive = NaiveCoalitions(naive_model(conflict), result.coalitions, "coalitions")
    for concept in CONCEPTS:
        expected = [naive.stable(concept, chosen, s) for s in range(space.n_states)]
        assert result.stable_for(concept, list(chosen)).tolist() == expected


@FAST
@given(SMALL)
def test_singleton_class_is_the_noncooperative_analysis(conflict):
    """With only singletons, CNash/CGMR/CSMR/CSEQ are Nash/GMR/SMR/SEQ (Inohara & Hipel)."""
    space = compile_conflict(conflict)
    result = analyze_coalitions(space, CONCEPTS, [])
    individual = analyze(space, CONCEPTS)
    assert result.coalitions == [(i,) for i in range(space.n_dms)]
    for concept in CONCEPTS:
        assert (result.stable[concept] == individual.stable[concept]).all(), concept


@FAST
@given(SMALL)
def test_relationships_between_concepts(conflict):
    """CNash ⇒ CSMR ⇒ CGMR and CSEQ ⇒ CGMR, for every coalition and state."""
    result = analyze_coalitions(compile_conflict(conflict))
    nash, gmr, smr, seq = (result.stable[c] for c in CONCEPTS)
    assert (~nash | smr).all()
    assert (~smr | gmr).all()
    assert (~seq | gmr).all()


@FAST
@given(SMALL, st.data())
def test_witness_paths_are_legal_sequences(conflict, data):
    space = compile_conflict(conflict)
    model = naive_model(conflict)
    coalition = tuple(
        sorted(
            data.draw(
                st.lists(st.integers(0, space.n_dms - 1), min_size=1, max_size=3, unique=True)
            )
        )
    )
    source = data.draw(st.integers(0, space.n_states - 1))
    tree = reach_tree(space, coalition, source)
    reached = np.flatnonzero(tree.reached)
    assert set(reached.tolist()) == naive_reach(model, list(coalition), source, improving=False)
    distance = tree.distance()
    for target in reached:
        path = tree.path(space, int(target))
        assert len(path) == distance[target] >= 1
        assert path[0].source == source and path[-1].target == target
        for before, after in itertools.pairwise(path):
            assert before.target == after.source
            assert before.dm != after.dm  # nobody moves twice in a row
        for step in path:
            assert step.dm in coalition
            assert step.target in model.moves[step.dm][step.source]


@FAST
@given(SMALL, st.sampled_from(CONCEPTS))
def test_report_lists_exactly_the_breaks(conflict, concept):
    space = compile_conflict(conflict)
    report = coalition_report(space, concept, routes=2)
    model = naive_model(conflict)
    naive = NaiveCoalitions(model, report.coalitions, "coalitions")
    equilibria = analyze(space, [concept]).equilibria(concept).tolist()
    assert report.equilibria.tolist() == equilibria
    expected_pairs = {
        (s, coalition)
        for s in equilibria
        for coalition in report.coalitions
        if not naive.stable(concept, coalition, s)
    }
    assert {(b.equilibrium, b.coalition) for b in report.breaks} == expected_pairs
    for b in report.breaks:
        improvements = naive.improvements(b.coalition, b.equilibrium)
        assert set(b.targets) <= improvements
        if concept == "Nash":
            assert set(b.targets) == improvements
        else:
            # The listed targets are exactly the improvements no sanction deters: removing
            # them would leave the equilibrium stable for the coalition.
            for t in improvements:
                single = NaiveCoalitions(model, report.coalitions, "coalitions")
                single._ci[(b.coalition, b.equilibrium)] = {t}
                assert single.stable(concept, b.coalition, b.equilibrium) == (t not in b.targets)
        assert 1 <= len(b.routes) <= 2
        assert {r.target for r in b.routes} <= set(b.targets)
        for route in b.routes:
            assert route.path[0].source == b.equilibrium and route.path[-1].target == route.target
            assert {step.dm for step in route.path} <= set(b.coalition)
    json.dumps(report.to_json())


# -- Elmira -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def elmira():
    return compile_conflict(load_case("elmira"))


def test_elmira_coalitional_improvements(elmira):
    """Coalitional improvements per coalition (1-based states), as in notes/coalitions.md."""
    expected = {
        "MoE": {},
        "Uniroyal": {2: [4, 9], 3: [9], 6: [8, 9], 7: [9]},
        "LG": {1: [5], 2: [6], 3: [7], 4: [8]},
        "MoE+Uniroyal": {2: [4], 5: [8], 6: [8]},
        "MoE+LG": {1: [5], 3: [7]},
        "Uniroyal+LG": {2: [4, 8], 6: [8]},
        "MoE+Uniroyal+LG": {2: [4, 8], 6: [8]},
    }
    for name, table in expected.items():
        got = {}
        for s in range(elmira.n_states):
            targets = coalitional_improvements(elmira, name, s)
            if targets.size:
                got[s + 1] = (targets + 1).tolist()
        assert got == table, name


def test_elmira_status_quo_path_and_coalition_move(elmira):
    """From the status quo (1: Uniroyal delays) LG insisting leads to the Nash equilibrium 5;
    from 5, MoE and Uniroyal together reach 8, which both prefer."""
    sq = elmira.status_quo
    assert sq == 0
    lg = elmira.dm_names.index("LG")
    assert 4 in elmira.moves[lg][:, sq]
    assert 4 in analyze(elmira, ["Nash"]).equilibria("Nash")
    moe_u = coalition_members(elmira, "MoE+Uniroyal")
    assert coalitional_improvements(elmira, moe_u, 4).tolist() == [7]
    for i in moe_u:
        assert elmira.ranks[i][7] > elmira.ranks[i][4]
    assert elmira.ranks[lg][7] < elmira.ranks[lg][4]


def test_elmira_coalition_equilibria(elmira):
    result = analyze_coalitions(elmira)
    assert len(result.coalitions) == 7
    assert (result.equilibria("Nash") + 1).tolist() == [8, 9]
    assert (result.equilibria("SEQ") + 1).tolist() == [8, 9]
    # Individual GMR/SMR equilibria are 1, 4, 5, 8, 9; the coalition removes 5 only.
    assert (result.equilibria("GMR") + 1).tolist() == [1, 4, 8, 9]
    assert (result.equilibria("SMR") + 1).tolist() == [1, 4, 8, 9]
    for concept in CONCEPTS:
        assert not result.stable_for(concept, "MoE+Uniroyal")[4]
        assert result.stable_for(concept, "Uniroyal+LG")[4]


def test_elmira_report(elmira):
    report = coalition_report(elmira)
    assert (report.equilibria + 1).tolist() == [5, 8, 9]
    assert (report.coalition_equilibria + 1).tolist() == [8, 9]
    assert len(report.breaks) == 1
    (b,) = report.breaks
    assert (b.equilibrium, b.targets) == (4, [7])
    assert [elmira.dm_names[i] for i in b.coalition] == ["MoE", "Uniroyal"]
    (route,) = b.routes
    assert route.target == 7 and len(route.path) == 2
    assert {elmira.dm_names[step.dm] for step in route.path} == {"MoE", "Uniroyal"}
    changed = {elmira.option_names[k] for step in route.path for k, _, _ in step.changes}
    assert changed == {"Modify", "Delay", "Accept"}
    data = report.to_json()
    assert data["equilibria"] == [5, 8, 9]
    assert data["coalition_equilibria"] == [8, 9]
    (item,) = data["breaks"]
    assert item["coalition"] == ["MoE", "Uniroyal"] and item["targets"] == [8]
    assert item["routes"][0]["positions"]["MoE"] == {"from": 5, "to": 4}
    assert item["routes"][0]["positions"]["Uniroyal"] == {"from": 4, "to": 3}
    assert data["stability"]["MoE+Uniroyal"] == [1, 3, 4, 7, 8, 9]
    sentence = b.sentence(elmira)
    for word in ("state 5", "state 8", "MoE", "Uniroyal", "Modify", "Accept", "Delay"):
        assert word in sentence
    frame = report.to_frame()
    assert frame.shape[0] == 1
    assert frame.loc[0, "coalition"] == "MoE+Uniroyal"
    assert "<table" in report._repr_html_()
    # Under every coalition concept, {MoE, Uniroyal} breaks state 5 the same way.
    for concept in ("GMR", "SMR", "SEQ"):
        other = coalition_report(elmira, concept)
        assert [(x.equilibrium, x.coalition, x.targets) for x in other.breaks] == [(4, (0, 1), [7])]


def test_elmira_frame_and_json(elmira):
    result = analyze_coalitions(elmira, ["Nash"])
    frame = result.to_frame()
    assert frame.shape == (9, 1 + 7 + 1)
    assert frame[("CNash", "equilibrium")].tolist() == [False] * 7 + [True, True]
    assert result.to_json()["equilibria"] == {"Nash": [8, 9]}


def test_errors(elmira):
    with pytest.raises(DetenteError, match="unknown decision maker"):
        coalition_members(elmira, "MoE+Nobody")
    with pytest.raises(DetenteError, match="coalition analysis covers"):
        analyze_coalitions(elmira, ["SIM"])
    with pytest.raises(DetenteError):
        coalition_members(elmira, "")
    assert coalition_members(elmira, "uniroyal, moe") == (0, 1)
    assert coalition_class(elmira, ["LG+MoE"])[-1] == (0, 2)


def test_joint_sanctions_let_a_dm_move_twice():
    """B needs two moves in a row (its dial steps by one) to punish A, and C can move only
    once.  Single DMs cannot sanction (B may not move twice in a row), but the coalitions {B}
    and then {B, C} can: R_{𝒞(N\\H)} is larger than R_{N\\H}."""
    from detente.model.conflict import Conflict

    conflict = Conflict.model_validate(
        {
            "options": [
                {"name": "a"},
                {"name": "b", "levels": "0..2", "step": 1},
                {"name": "c", "direction": "forward"},
            ],
            "decision_makers": [
                {
                    "name": "A",
                    "options": ["a"],
                    "preferences": {"prioritization": ["not (b >= 2 and not c)", "a"]},
                },
                {"name": "B", "options": ["b"], "preferences": {"prioritization": ["b"]}},
                {"name": "C", "options": ["c"], "preferences": {"prioritization": ["c"]}},
            ],
        }
    )
    space = compile_conflict(conflict)
    start = space.state_index("N0N")
    joint = analyze_coalitions(space, ["GMR", "SMR"], sanctions="coalitions")
    single = analyze_coalitions(space, ["GMR", "SMR"], sanctions="individuals")
    assert joint.stable_for("GMR", "A")[start]
    assert joint.stable_for("SMR", "A")[start]
    assert not single.stable_for("GMR", "A")[start]
    assert not analyze(space, ["GMR"]).stable["GMR"][0, start]
    model = naive_model(conflict)
    for sanctions, result in (("coalitions", joint), ("individuals", single)):
        naive = NaiveCoalitions(model, result.coalitions, sanctions)
        for concept in ("GMR", "SMR"):
            for k, coalition in enumerate(result.coalitions):
                expected = [naive.stable(concept, coalition, s) for s in range(space.n_states)]
                assert result.stable[concept][k].tolist() == expected


@FAST
@given(SMALL)
def test_csmr_batches_of_one_state(conflict):
    """CSMR's exact fixpoints, one state at a time, give the batched result (the batch
    size follows the element budget)."""
    import detente.analyses.coalitions as coalitions

    space = compile_conflict(conflict)
    expected = analyze_coalitions(space, ["SMR"]).stable["SMR"]
    saved = coalitions._BUDGET
    coalitions._BUDGET = 0
    try:
        one_by_one = analyze_coalitions(space, ["SMR"]).stable["SMR"]
    finally:
        coalitions._BUDGET = saved
    assert (one_by_one == expected).all()
