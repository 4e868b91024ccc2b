"""Limited-move stability L_h and non-myopic stability (NM): detente.engine.limited_move.

The vectorised engine is compared with a naive, recursive, per-state reference written
directly from the definition (Kilgour, Hipel & Fang 1987, "The graph model for conflicts",
Automatica 23(1):41-55; Fang, Hipel & Kilgour 1993, ch. 4; the recursion as written out in
notes/limited_move.md, section 2), using the same documented tie rule. Random small two-DM
conflicts are used.  Known values for the Prisoner's Dilemma, Chicken, a cycling 2x2 game and
the Cuban missile crisis were checked by hand or against an independent script (see each test).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import detente
from detente.engine import limited_move as lm
from detente.errors import DetenteError
from detente.model.conflict import Conflict, DecisionMaker, Option, Preferences

HORIZONS = range(1, 7)

# --------------------------------------------------------------------------------------------
# Naive reference, straight from the definition
# --------------------------------------------------------------------------------------------


class Reference:
    """G_h(i, s) by recursion, one state at a time (memoised only to keep it fast).

    G_0(i, s) = s.  For h >= 1, with j the other DM, i considers every move q in R_i(s) and
    anticipates G_{h-1}(j, q).  If no anticipated outcome is strictly better for i than s, i
    stays and G_h(i, s) = s.  Otherwise i takes a best move.  ``tie`` picks which best move:
    "lowest" (detente's documented rule, the lowest-numbered q) or "highest".
    """

    def __init__(
        self, reach: list[list[list[int]]], pref: list[list[int]], tie: str = "lowest"
    ) -> None:
        self.reach = reach  # reach[i][s]: states DM i reaches from s in one move
        self.pref = pref  # pref[i][s]: DM i's payoff of s (higher is better)
        self.tie = tie
        self.n = len(pref[0])
        self.outcome = functools.lru_cache(maxsize=None)(self._outcome)

    def _outcome(self, i: int, s: int, h: int) -> int:
        if h == 0:
            return s
        j = 1 - i
        anticipated = {q: self.outcome(j, q, h - 1) for q in self.reach[i][s]}
        better = [q for q, t in anticipated.items() if self.pref[i][t] > self.pref[i][s]]
        if not better:
            return s
        top = max(self.pref[i][anticipated[q]] for q in better)
        best = [q for q in better if self.pref[i][anticipated[q]] == top]
        chosen = min(best) if self.tie == "lowest" else max(best)
        return anticipated[chosen]

    def table(self, h: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return tuple(tuple(self.outcome(i, s, h) for s in range(self.n)) for i in (0, 1))

    def stable(self, i: int, h: int) -> list[bool]:
        return [self.outcome(i, s, h) == s for s in range(self.n)]

    @functools.cached_property
    def cycle(self) -> tuple[int, int]:
        """(h0, p): the whole tables G_h repeat from level h0 with period p.

        The table at level h is a fixed function of the table at level h - 1, so the first
        repeat of a table marks the start of the cycle.
        """
        seen: dict[tuple, int] = {}
        for h in range(2000):
            table = self.table(h)
            if table in seen:
                return seen[table], h - seen[table]
            seen[table] = h
        raise AssertionError("no cycle within 2000 levels")

    def table_at(self, h: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The table at any level h, using the periodicity for large h."""
        h0, p = self.cycle
        return self.table(h if h < h0 else h0 + (h - h0) % p)

    def nonmyopic(self, i: int) -> list[int]:
        """lim G_h(i, s), or -1 where G_h(i, s) keeps changing on the cycle."""
        h0, p = self.cycle
        on_cycle = [self.table(h)[i] for h in range(h0, h0 + p)]
        return [on_cycle[0][s] if len({t[s] for t in on_cycle}) == 1 else -1 for s in range(self.n)]


def reference_of(space: detente.StateSpace, tie: str = "lowest") -> Reference:
    n = space.n_states
    reach = [
        [sorted(int(t) for t in space.moves[i][:, s] if t < n) for s in range(n)] for i in (0, 1)
    ]
    return Reference(reach, space.ranks.tolist(), tie)


# --------------------------------------------------------------------------------------------
# Random two-DM conflicts
# --------------------------------------------------------------------------------------------


def two_dm_conflict(
    directions: Sequence[str],
    n_a: int,
    infeasible: Sequence[str],
    payoffs: Sequence[Sequence[float]] | None,
) -> Conflict:
    """A conflict of DM A (options a0..) and DM B (options b0..).  ``payoffs[i][k]`` is DM
    i's payoff of state k + 1; without payoffs a placeholder preference is used."""
    names = [f"a{k}" for k in range(n_a)] + [f"b{k}" for k in range(len(directions) - n_a)]
    options = [Option(name=nm, direction=d) for nm, d in zip(names, directions, strict=True)]

    def prefs(i: int) -> Preferences:
        if payoffs is None:
            return Preferences(prioritization=[names[0]])
        return Preferences(payoffs=[(k + 1, float(v)) for k, v in enumerate(payoffs[i])])

    dms = [
        DecisionMaker(name="A", options=names[:n_a], preferences=prefs(0)),
        DecisionMaker(name="B", options=names[n_a:], preferences=prefs(1)),
    ]
    return Conflict(options=options, decision_makers=dms, infeasible=list(infeasible))


@st.composite
def conflicts(draw: st.DrawFn, strict: bool = False) -> Conflict:
    """2 DMs with 1-4 binary options each, random directions, random infeasible patterns
    that spare one drawn state, and random payoffs (ties allowed unless ``strict``)."""
    n_a = draw(st.integers(1, 4))
    m = n_a + draw(st.integers(1, 4))
    directions = draw(
        st.lists(st.sampled_from(["both", "forward", "backward"]), min_size=m, max_size=m)
    )
    keep = draw(st.lists(st.sampled_from("YN"), min_size=m, max_size=m))
    patterns = draw(st.lists(st.lists(st.sampled_from("YN--"), min_size=m, max_size=m), max_size=5))
    infeasible = [
        "".join(p)
        for p in patterns
        if any(c != "-" for c in p)
        and not all(c in ("-", kept) for c, kept in zip(p, keep, strict=True))
    ]
    n = detente.compile_conflict(two_dm_conflict(directions, n_a, infeasible, None)).n_states
    if strict:
        payoffs = [draw(st.permutations(range(n))) for _ in (0, 1)]
    else:
        levels = draw(st.integers(1, 4))
        payoffs = [draw(st.lists(st.integers(0, levels), min_size=n, max_size=n)) for _ in (0, 1)]
    return two_dm_conflict(directions, n_a, infeasible, payoffs)


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def engine_args(conflict: Conflict) -> tuple[detente.StateSpace, list[np.ndarray], np.ndarray]:
    space = detente.compile_conflict(conflict)
    return space, space.moves, space.ranks


# --------------------------------------------------------------------------------------------
# Property tests against the reference
# --------------------------------------------------------------------------------------------


@PROPERTY
@given(conflicts())
def test_matches_reference_for_small_horizons(conflict: Conflict) -> None:
    space, moves, ranks = engine_args(conflict)
    ref = reference_of(space)
    for h in HORIZONS:
        for dm in (0, 1):
            outcome = lm.anticipated_outcome(moves, ranks, dm, h)
            assert outcome.tolist() == list(ref.table(h)[dm]), (h, dm)
            stable = lm.limited_move_stable(moves, ranks, dm, h)
            assert stable.dtype == bool
            assert stable.tolist() == ref.stable(dm, h), (h, dm)


@PROPERTY
@given(conflicts())
def test_nonmyopic_matches_reference(conflict: Conflict) -> None:
    space, moves, ranks = engine_args(conflict)
    ref = reference_of(space)
    for dm in (0, 1):
        expected = ref.nonmyopic(dm)
        assert lm.nonmyopic_outcome(moves, ranks, dm).tolist() == expected
        stable = lm.nonmyopic_stable(moves, ranks, dm)
        assert stable.tolist() == [t == s for s, t in enumerate(expected)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conflicts(), st.integers(7, lm.MAX_HORIZON))
def test_long_horizons_follow_the_cycle(conflict: Conflict, horizon: int) -> None:
    """Large h goes through the engine's cycle shortcut; the reference uses periodicity."""
    space, moves, ranks = engine_args(conflict)
    ref = reference_of(space)
    for dm in (0, 1):
        expected = ref.table_at(horizon)[dm]
        assert lm.anticipated_outcome(moves, ranks, dm, horizon).tolist() == list(expected)


@PROPERTY
@given(conflicts(strict=True))
def test_tie_rule_is_irrelevant_for_strict_preferences(conflict: Conflict) -> None:
    """With strict preferences all best moves lead to the same outcome state."""
    space, moves, ranks = engine_args(conflict)
    other = reference_of(space, tie="highest")
    for h in HORIZONS:
        for dm in (0, 1):
            assert lm.anticipated_outcome(moves, ranks, dm, h).tolist() == list(other.table(h)[dm])
    for dm in (0, 1):
        assert lm.nonmyopic_outcome(moves, ranks, dm).tolist() == other.nonmyopic(dm)


def test_tie_rule_matters_with_ties() -> None:
    """With ties the documented rule (the lowest-numbered best move) decides L_2 stability.

    Options a0, a1 (A) and b0 (B).  a0 and a1 cannot both be taken.  States (a0 a1 b0):
    1 NNN, 2 YNN, 3 NYN, 4 NNY, 5 YNY, 6 NYY.  A moves within {1, 2, 3} and within {4, 5, 6}.
    B toggles b0: 1<->4, 2<->5, 3<->6.
    Payoffs: A 1:2 2:2 3:0 4:0 5:3 6:3; B 1:2 2:2 3:3 4:2 5:3 6:0.
    Hand check: from 4, A's improvements are 5 and 6, both worth 3 to A.  The rule takes 5, so
    G_1(A, 4) = 5, while "highest" would give 6.  B at state 1 (h = 2) has one move, to 4, and
    anticipates G_1(A, 4).  With 5 (B: 3 > 2) B moves, so state 1 is L_2-unstable for B.  With
    6 (B: 0) B would stay, and state 1 would be stable.
    """
    conflict = two_dm_conflict(
        ["both", "both", "both"], 2, ["YY-"], [[2, 2, 0, 0, 3, 3], [2, 2, 3, 2, 3, 0]]
    )
    space, moves, ranks = engine_args(conflict)
    assert [space.label(s) for s in range(6)] == ["NNN", "YNN", "NYN", "NNY", "YNY", "NYY"]
    assert lm.anticipated_outcome(moves, ranks, 0, 1)[3] == 4  # state 4 -> state 5
    assert not lm.limited_move_stable(moves, ranks, 1, 2)[0]
    ref_low, ref_high = reference_of(space, "lowest"), reference_of(space, "highest")
    assert ref_low.stable(1, 2)[0] is False and ref_high.stable(1, 2)[0] is True
    for h in HORIZONS:
        for dm in (0, 1):
            outcome = lm.anticipated_outcome(moves, ranks, dm, h)
            assert outcome.tolist() == list(ref_low.table(h)[dm])


# --------------------------------------------------------------------------------------------
# Relations with the other concepts
# --------------------------------------------------------------------------------------------


@PROPERTY
@given(conflicts())
def test_relations_with_nash_gmr_seq(conflict: Conflict) -> None:
    """L_1 == Nash; L_h => GMR for every h and NM => GMR; L_2 => SEQ.

    Proofs (two DMs, ties allowed, any tie rule), with the lemma P_i(G_h(i, x)) >= P_i(x)
    (i moves only toward something strictly better, so it never ends worse than x):
    * L_1: M_1(i, s) is the set of i's unilateral improvements, so L_1 is Nash.
    * L_h => GMR: let q be an improvement of i from an L_h-stable s, and t = G_{h-1}(j, q), so
      P_i(t) <= P_i(s) < P_i(q).  Then j moves from q (else t = q) to some q2 with
      t = G_{h-2}(i, q2), and by the lemma P_i(q2) <= P_i(t) <= P_i(s): q2 sanctions q.
    * L_2 => SEQ: the same with h = 2.  t = G_1(j, q) is one of j's own improvements from q,
      and P_i(t) <= P_i(s), so it is a credible sanction.
    """
    concepts = ["Nash", "GMR", "SEQ", "NM", *(f"L{h}" for h in HORIZONS)]
    result = detente.analyze(conflict, concepts)
    stable = result.stable
    np.testing.assert_array_equal(stable["L1"], stable["Nash"])
    for name in ("NM", *(f"L{h}" for h in HORIZONS)):
        assert not (stable[name] & ~stable["GMR"]).any(), name
    assert not (stable["L2"] & ~stable["SEQ"]).any()
    space = result.space
    for h in HORIZONS:
        for dm in (0, 1):
            outcome = lm.anticipated_outcome(space.moves, space.ranks, dm, h)
            assert (space.ranks[dm][outcome] >= space.ranks[dm]).all()


# --------------------------------------------------------------------------------------------
# Known values
# --------------------------------------------------------------------------------------------


def equilibria(case: str | Conflict, concept: str) -> list[str]:
    conflict = detente.load_case(case) if isinstance(case, str) else case
    result = detente.analyze(conflict, [concept])
    return [result.space.label(s) for s in result.equilibria(concept)]


def stable_labels(case: str | Conflict, concept: str, dm: int) -> list[str]:
    conflict = detente.load_case(case) if isinstance(case, str) else case
    result = detente.analyze(conflict, [concept])
    return [result.space.label(s) for s in result.stable_states(concept, dm)]


def test_prisoners_dilemma() -> None:
    """Labels read (A defects, B defects): NN = CC, YN = DC, NY = CD, YY = DD.

    Hand check from the definition (P_A: DC 4, CC 3, DD 2, CD 1; P_B symmetric):
    G_1(A) = CC->DC, DC, CD->DD, DD; G_1(B) = CC->CD, CD, DC->DD, DD.  So L_1 = {DD}.
    G_2(A): at CC, the move to DC leads to G_1(B, DC) = DD, worse for A than CC, so A stays.  At
    DC, the move to CC leads to G_1(B, CC) = CD, which A likes least, so A stays.  At CD,
    the move to DD leads to DD (better), so A moves.  At DD, the move to CD stays at CD, which
    is worse, so A stays.  A is L_2-stable at CC, DC, DD, and B symmetrically at CC, CD, DD.
    G_3 uses G_2(B) and gives the same choices as G_2 (CC->DC->DD; DC->CC stays CC, worse
    for A than DC; CD->DD; DD->CD), so the tables are fixed from h = 2.  This agrees with
    notes/limited_move.md section 4.1.
    """
    assert equilibria("prisoners-dilemma", "L1") == ["YY"]
    for h in range(2, 9):
        assert equilibria("prisoners-dilemma", f"L{h}") == ["NN", "YY"]
        assert stable_labels("prisoners-dilemma", f"L{h}", 0) == ["NN", "YN", "YY"]
        assert stable_labels("prisoners-dilemma", f"L{h}", 1) == ["NN", "NY", "YY"]
    assert equilibria("prisoners-dilemma", "NM") == ["NN", "YY"]


def test_chicken() -> None:
    """Labels read (A goes straight, B goes straight): NN = SS, YN = TS, NY = ST, YY = TT.

    Hand check (P_A: TS 4, SS 3, ST 2, TT 1; P_B: ST 4, SS 3, TS 2, TT 1):
    G_1(A) = SS->TS, TS, ST, TT->ST; G_1(B) = SS->ST, ST, TS, TT->TS.  So L_1 = {ST, TS}.
    G_2(A): at SS, the move to TS stays at TS (better), so A moves.  At TS, the move to SS
    leads to ST (worse), so A stays.  At ST, the move to TT leads to TS (best for A), so A
    moves.  At TT, the move to ST stays at ST (better), so A moves.  A is stable only at TS,
    B only at ST, and L_2 has no equilibrium.
    G_3(A) uses G_2(B) = SS->ST, ST, TS->ST, TT->TS.  At SS, the move to TS leads to ST,
    worse than SS, so A stays.  At TS, the move to SS leads to ST, so A stays.  At ST, the move
    to TT leads to TS, so A moves.  At TT, the move to ST stays at ST, so A moves.  A is
    stable at SS and TS, B at SS and ST, and L_3 = {SS}.  G_4 computed from G_3 repeats
    G_3, so L_h = {SS} for every h >= 3, and NM = {SS}.  This agrees with
    notes/limited_move.md section 4.2.
    """
    assert equilibria("chicken", "L1") == ["YN", "NY"]
    assert equilibria("chicken", "L2") == []
    assert stable_labels("chicken", "L2", 0) == ["YN"]
    assert stable_labels("chicken", "L2", 1) == ["NY"]
    for h in range(3, 9):
        assert equilibria("chicken", f"L{h}") == ["NN"]
        assert stable_labels("chicken", f"L{h}", 0) == ["NN", "YN"]
        assert stable_labels("chicken", f"L{h}", 1) == ["NN", "NY"]
    assert equilibria("chicken", "NM") == ["NN"]


def cycling_game() -> Conflict:
    """A strict 2x2 game whose anticipated outcomes cycle (found by searching all 576 strict
    2x2 games; 136 of them have some G_h(i, s) without a limit)."""
    return Conflict(
        options=[Option(name="a"), Option(name="b")],
        decision_makers=[
            DecisionMaker(
                name="A", options=["a"], preferences=Preferences(ranking=["NY", "YY", "YN", "NN"])
            ),
            DecisionMaker(
                name="B", options=["b"], preferences=Preferences(ranking=["YY", "NN", "NY", "YN"])
            ),
        ],
    )


def test_cycling_game() -> None:
    """Hand check (P_A: NY 3, YY 2, YN 1, NN 0; P_B: YY 3, NN 2, NY 1, YN 0):
    G_1(A) = NN->YN, YN, NY, YY->NY            G_1(B) = NN, YN->YY, NY->NN, YY
    G_2(A) = NN->YY, YN, NY, YY (NY->NN: 0<2)  G_2(B) = NN, YN->NY, NY, YY
    G_3(A) = NN->NY, YN, NY, YY->NY            G_3(B) = NN, YN->YY, NY->YY, YY
    G_4(A) = NN->YY, YN, NY, YY (YY->NY->YY: equal, stays)
    G_4(B) = NN, YN->NY, NY (NY->NN->NY: equal, stays), YY
    G_4 = G_2, so the tables alternate with period 2 from h = 2.  A at YY is L_h-stable for
    even h and unstable for odd h, so it is NM-unstable (no limit).  G_h(A, NN) alternates
    between YY and NY.
    """
    game = cycling_game()
    space, moves, ranks = engine_args(game)
    labels = [space.label(s) for s in range(4)]
    assert labels == ["NN", "YN", "NY", "YY"]
    for h in range(2, 12):
        expected_a = ["YY", "YN", "NY", "YY"] if h % 2 == 0 else ["NY", "YN", "NY", "NY"]
        expected_b = ["NN", "NY", "NY", "YY"] if h % 2 == 0 else ["NN", "YY", "YY", "YY"]
        assert [labels[t] for t in lm.anticipated_outcome(moves, ranks, 0, h)] == expected_a
        assert [labels[t] for t in lm.anticipated_outcome(moves, ranks, 1, h)] == expected_b
    assert lm.nonmyopic_outcome(moves, ranks, 0).tolist() == [-1, 1, 2, -1]
    assert lm.nonmyopic_outcome(moves, ranks, 1).tolist() == [0, -1, -1, 3]
    assert stable_labels(game, "NM", 0) == ["YN", "NY"]
    assert stable_labels(game, "NM", 1) == ["NN", "YY"]
    assert stable_labels(game, "L4", 0) == ["YN", "NY", "YY"]
    assert stable_labels(game, "L5", 0) == ["YN", "NY"]
    with pytest.raises(DetenteError, match="did not start repeating within 3 moves"):
        lm.nonmyopic_outcome(moves, ranks, 0, max_levels=3)


def cuban_missile_crisis(air_strike: str) -> Conflict:
    """The 12-state model of notes/cases.md (Fraser & Hipel 1984 preference vectors by
    decimal code, air strike = 1, blockade = 2, withdraw = 4, escalate = 8)."""

    def label(code: int) -> str:
        return "".join("Y" if code >> k & 1 else "N" for k in range(4))

    usa = [4, 6, 5, 7, 2, 1, 3, 0, 11, 9, 10, 8]
    ussr = [0, 4, 6, 2, 5, 1, 7, 3, 11, 9, 10, 8]
    return Conflict(
        options=[
            Option(name="air_strike", direction=air_strike),
            Option(name="blockade"),
            Option(name="withdraw"),
            Option(name="escalate"),
        ],
        decision_makers=[
            DecisionMaker(
                name="USA",
                options=["air_strike", "blockade"],
                preferences=Preferences(ranking=[label(c) for c in usa]),
            ),
            DecisionMaker(
                name="USSR",
                options=["withdraw", "escalate"],
                preferences=Preferences(ranking=[label(c) for c in ussr]),
            ),
        ],
        infeasible=[{"mutually_exclusive": ["withdraw", "escalate"]}],
    )


@pytest.mark.parametrize(
    ("air_strike", "expected"),
    [
        ("forward", {1: [5], 2: [4, 5, 6], **{h: [4, 5] for h in range(3, 9)}}),
        ("both", {1: [], 2: [4, 6], **{h: [4] for h in range(3, 9)}}),
    ],
)
def test_cuban_missile_crisis(air_strike: str, expected: dict[int, list[int]]) -> None:
    """Regression values [C] of notes/limited_move.md section 4.3, which the note's author
    computed with a separate script (not from a publication).  They are decimal codes.  With
    this option order, state index = decimal code."""
    conflict = cuban_missile_crisis(air_strike)
    space = detente.compile_conflict(conflict)
    assert space.codes.tolist() == [c for c in range(16) if not (c & 4 and c & 8)]
    result = detente.analyze(space, [f"L{h}" for h in expected])
    for h, codes in expected.items():
        assert space.codes[result.equilibria(f"L{h}")].tolist() == codes, h


# --------------------------------------------------------------------------------------------
# Errors and the command line
# --------------------------------------------------------------------------------------------


def test_refuses_more_than_two_decision_makers() -> None:
    with pytest.raises(DetenteError, match="defined for two decision makers; this model has 3"):
        detente.analyze(detente.load_case("elmira"), ["L2"])
    with pytest.raises(DetenteError, match="this model has 3"):
        detente.analyze(detente.load_case("elmira"), ["NM"])


@pytest.mark.parametrize("horizon", [0, -1, lm.MAX_HORIZON + 1, 10**9, 2.0, True])
def test_refuses_bad_horizons(horizon) -> None:
    space = detente.compile_conflict(detente.load_case("chicken"))
    with pytest.raises(DetenteError, match="horizon"):
        lm.limited_move_stable(space.moves, space.ranks, 0, horizon)


def test_largest_horizon_is_accepted() -> None:
    space = detente.compile_conflict(detente.load_case("chicken"))
    stable = lm.limited_move_stable(space.moves, space.ranks, 0, lm.MAX_HORIZON)
    assert stable.tolist() == [True, True, False, False]  # as for every h >= 3


def test_command_line_end_to_end() -> None:
    from detente.cli import main

    runner = CliRunner()
    out = runner.invoke(
        main,
        ["analyze", "--case", "chicken", "--concept", "L3", "--concept", "nm", "--format", "json"],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["equilibria"] == {"L3": [1], "NM": [1]}
    assert data["stability"]["L3"] == {"A": [1, 2], "B": [1, 3]}
    table = runner.invoke(main, ["analyze", "--case", "prisoners-dilemma", "--concept", "L2"])
    assert table.exit_code == 0 and "L2" in table.output
    for args, message in [
        (["--case", "elmira", "--concept", "L3"], "this model has 3"),
        (["--case", "chicken", "--concept", f"L{lm.MAX_HORIZON + 1}"], "too large"),
        (["--case", "chicken", "--concept", "L0"], "horizon must be at least 1"),
    ]:
        bad = runner.invoke(main, ["analyze", *args])
        assert bad.exit_code == 2, bad.output
        assert message in bad.output and "Traceback" not in bad.output
