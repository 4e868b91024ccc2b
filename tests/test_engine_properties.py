"""The stability engine against the naive reference, on thousands of random conflicts.

For every random conflict drawn by :mod:`tests.conflicts`:

* the compiled state space (feasible combinations, numbering, merging, labels, code lookup,
  preference scores) equals a naive enumeration (:mod:`tests.reference`);
* every DM's compiled move array holds exactly the naive R_i(s) of every state;
* Nash, GMR, SMR, SEQ, SIM and SEQSIM stability of every state for every DM equal the
  definitions of Fang, Hipel & Kilgour (1993), ch. 4, transcribed naively;
* the known inclusions hold: Nash ⊆ SMR ⊆ GMR, Nash ⊆ SEQ ⊆ GMR, Nash ⊆ SIM and
  SEQSIM = SEQ ∩ SIM (Fang, Hipel & Kilgour 1989, EJOR 41);
* results do not depend on the order of the options or of the decision makers.

``DETENTE_PROPERTY_SCALE`` multiplies every test's number of examples (default 1), e.g.
``DETENTE_PROPERTY_SCALE=10`` for a long hunt.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from detente import analyze, compile_conflict
from detente.model.conflict import Conflict
from detente.space.state_space import StateSpace, dense_rank

from . import reference
from .conflicts import conflict_data, dial_conflicts, examples, reproducer


def compare_stability(
    data: dict[str, Any], concepts: tuple[str, ...]
) -> tuple[StateSpace, reference.NaiveModel]:
    """Assert that the engine and the reference agree on every concept, DM and state."""
    conflict = Conflict.model_validate(data)
    space = compile_conflict(conflict)
    model = reference.naive_model(conflict)
    assert space.codes.tolist() == model.codes(), "numbering differs: see test_numbering"
    result = analyze(space, concepts)
    for concept in concepts:
        expected = np.array(reference.stability_table(model, [concept])[concept], dtype=bool)
        got = result.stable[concept]
        if not np.array_equal(got, expected):
            dm, s = (int(x[0]) for x in np.nonzero(got != expected))
            raise AssertionError(
                f"{concept} for {space.dm_names[dm]} at state {s + 1} ({space.label(s)}):"
                f" engine says {'stable' if got[dm, s] else 'unstable'}, the definition"
                f" {'stable' if expected[dm, s] else 'unstable'}.  States where they differ"
                f" for this DM: {[int(t) + 1 for t in np.flatnonzero(got[dm] != expected[dm])]}"
                f"\n{reproducer(data)}"
            )
    return space, model


# -- stability: engine == definitions ---------------------------------------------------------


@examples(600)
@given(conflict_data(merge=False))
def test_engine_matches_definitions(data: dict[str, Any]) -> None:
    compare_stability(data, reference.CONCEPTS)


@examples(250)
@given(conflict_data(merge=True))
def test_engine_matches_definitions_with_merged_states(data: dict[str, Any]) -> None:
    compare_stability(data, ("Nash", "GMR", "SMR", "SEQ"))


# Regression examples: two small conflicts where the engine's SIM with merged states was
# wrong (found by the test below; fixed in ee7f1da).  In the first, states NN and YY are
# merged into state 1 ('--', representative NN).
# A's only UI from state 1 is NN -> YN (state 2); B's only UI from state 1 is YY -> YN, made
# from the other member, so it cannot meet A's move: A is SIM-unstable at state 1.  Adding
# code differences of representatives instead (code(2) - code(1) for A, the same for B,
# although B's move changes B's option, not A's) gives 0 + 1 + 1 = 2: a carry into B's digit,
# the unrelated state NY, which the engine took for a sanction.
MERGED_SIM_CARRY: dict[str, Any] = {
    "options": [{"name": "o0"}, {"name": "o1"}],
    "decision_makers": [
        {"name": "A", "options": ["o0"], "preferences": {"prioritization": ["o0"]}},
        {"name": "B", "options": ["o1"], "preferences": {"prioritization": ["o0"]}},
    ],
    "merge": [{"exactly_one": ["o0", "o1"]}],
}
# States: 1 = 'N--' (every combination with o0 = N, representative NNN), 2 = YNN, 3 = YYN,
# 4 = YNY, 5 = YYY.  A (o1, o2) prefers 2 > 3 > 1 > 4 > 5, B (o0) prefers 1 > 2 > 3 > 4 > 5.
# At state 3 (YYN) A's UI is YYN -> YNN (state 2); B's UI YYN -> NYN (state 1) at the same
# time gives NNN, in state 1, which A likes less than state 3: A is SIM-stable at 3.  The
# engine added code(2) - code(3) = -2 and code(1) - code(3) = -3 (the representative NNN of
# state 1 also differs in A's option o1) to code 3 and got -2, no state: no sanction.
MERGED_SIM_REPRESENTATIVE: dict[str, Any] = {
    "options": [{"name": "o0"}, {"name": "o1"}, {"name": "o2"}],
    "decision_makers": [
        {"name": "A", "options": ["o1", "o2"], "preferences": {"ranking": [2, 3, 1, 4, 5]}},
        {"name": "B", "options": ["o0"], "preferences": {"ranking": [1, 2, 3, 4, 5]}},
    ],
    "merge": ["N--"],
}


@examples(200)
@given(conflict_data(merge=True))
@example(MERGED_SIM_CARRY)
@example(MERGED_SIM_REPRESENTATIVE)
def test_sim_matches_definition_with_merged_states(data: dict[str, Any]) -> None:
    """SIM with merged states, where a DM's move is made from one member of a merged state.

    See :func:`tests.reference.sim`: moves are combined at the level of the combinations
    they really change, never by adding code differences of merged representatives.
    """
    compare_stability(data, ("SIM", "SEQSIM"))


@examples(100)
@given(conflict_data(min_dms=4, max_dms=5, merge=False))
def test_engine_matches_definitions_many_decision_makers(data: dict[str, Any]) -> None:
    # Coalitions of three or four opponents: the longest legal sequences.
    compare_stability(data, reference.CONCEPTS)


@st.composite
def one_way_conflict_data(draw: st.DrawFn) -> dict[str, Any]:
    """Random conflicts (no merging) where at least one option is irreversible: the ones
    whose DMs get :class:`~detente.engine.axis_moves.AxisMoves` instead of padded targets."""
    data = draw(conflict_data(merge=False))
    options = [dict(o) for o in data["options"]]
    for option in options:
        if draw(st.integers(0, 2)) == 0:
            option["direction"] = draw(st.sampled_from(["forward", "backward"]))
    k = draw(st.integers(0, len(options) - 1))
    options[k]["direction"] = options[k].get("direction", "forward")
    if options[k]["direction"] == "both":
        options[k]["direction"] = "forward"
    return {**data, "options": options}


def structured_kinds(space: StateSpace) -> set[str]:
    return {type(m).__name__ for m in space.move_sets}


@examples(300)
@given(one_way_conflict_data())
def test_structured_moves_match_definitions(data: dict[str, Any]) -> None:
    """Irreversible options, dials, steps, options anywhere in the code and infeasible
    states, through the structured move sets: Nash, GMR, SMR and SEQ equal the definitions."""
    compare_stability(data, ("Nash", "GMR", "SMR", "SEQ"))


@examples(150)
@given(dial_conflicts())
def test_dial_moves_match_definitions(conflict: Conflict) -> None:
    data = conflict.model_dump(mode="json", exclude_defaults=True)
    compare_stability(data, ("Nash", "GMR", "SMR", "SEQ"))


def test_structured_moves_are_drawn() -> None:
    """The strategies above really reach the structured representation."""
    seen: set[str] = set()

    @settings(max_examples=60, deadline=None, database=None)
    @given(st.one_of(one_way_conflict_data(), dial_conflicts()))
    def collect(drawn: Any) -> None:
        conflict = drawn if isinstance(drawn, Conflict) else Conflict.model_validate(drawn)
        seen.update(structured_kinds(compile_conflict(conflict)))

    collect()
    assert "AxisMoves" in seen


# -- the compiled space == a naive enumeration ------------------------------------------------


@examples(200)
@given(conflict_data())
def test_numbering_and_feasibility(data: dict[str, Any]) -> None:
    conflict = Conflict.model_validate(data)
    space = compile_conflict(conflict)
    model = reference.naive_model(conflict)
    codes = [model.code(c) for c in model.feasible]
    assert space.member_codes.tolist() == codes
    assert space.n_states == model.n
    # States are numbered 1..n in strictly ascending order of their (lowest) codes.
    assert space.codes.tolist() == model.codes()
    assert all(a < b for a, b in zip(model.codes(), model.codes()[1:], strict=False))
    assert [space.member_state[k] for k in range(len(codes))] == [
        model.state_of[c] for c in model.feasible
    ]
    assert space.values.tolist() == [list(model.rep(s)) for s in range(model.n)]
    assert space.labels == model.labels
    lookup = space.states_of_codes(np.arange(space.total_codes))
    expected = [-1] * space.total_codes
    for combo, s in model.state_of.items():
        expected[model.code(combo)] = s
    assert lookup.tolist() == expected
    for s in range(model.n):
        assert space.state_index(s + 1) == s
        if len(model.states[s]) == 1 or model.labels.count(model.labels[s]) == 1:
            assert space.state_index(model.labels[s]) == s


@examples(200)
@given(conflict_data())
def test_preference_scores(data: dict[str, Any]) -> None:
    conflict = Conflict.model_validate(data)
    space = compile_conflict(conflict)
    model = reference.naive_model(conflict)
    for i in range(model.n_dms):
        expected = np.array(model.scores[i])
        # The same order and ties (scores of prioritization may be rescaled, never reordered).
        assert dense_rank(expected).tolist() == space.ranks[i].tolist()
        assert dense_rank(space.scores[i]).tolist() == space.ranks[i].tolist()


@examples(200)
@given(conflict_data())
def test_move_arrays_hold_unilateral_moves(data: dict[str, Any]) -> None:
    conflict = Conflict.model_validate(data)
    space = compile_conflict(conflict)
    model = reference.naive_model(conflict, with_preferences=False)
    n = space.n_states
    for i, moves in enumerate(space.moves):
        assert moves.dtype == np.int32
        assert moves.ndim == 2 and moves.shape[1] == n
        assert ((moves >= 0) & (moves <= n)).all()
        for s in range(n):
            column = [int(t) for t in moves[:, s] if t != n]
            assert len(column) == len(set(column)), f"duplicate moves of DM {i} from {s + 1}"
            assert set(column) == model.moves[i][s], (
                f"R_{space.dm_names[i]}({s + 1}): engine {sorted(t + 1 for t in column)},"
                f" definition {sorted(t + 1 for t in model.moves[i][s])}\n{reproducer(data)}"
            )


# -- invariants -------------------------------------------------------------------------------


@examples(300)
@given(conflict_data())
def test_inclusions_between_concepts(data: dict[str, Any]) -> None:
    result = analyze(compile_conflict(Conflict.model_validate(data)))
    stable = result.stable
    assert not (stable["Nash"] & ~stable["SMR"]).any(), "Nash ⊆ SMR"
    assert not (stable["SMR"] & ~stable["GMR"]).any(), "SMR ⊆ GMR"
    assert not (stable["Nash"] & ~stable["SEQ"]).any(), "Nash ⊆ SEQ"
    assert not (stable["SEQ"] & ~stable["GMR"]).any(), "SEQ ⊆ GMR"
    assert not (stable["Nash"] & ~stable["SIM"]).any(), "Nash ⊆ SIM"
    assert np.array_equal(stable["SEQSIM"], stable["SEQ"] & stable["SIM"]), "SEQSIM = SEQ ∩ SIM"


def _name_based(conflict: Conflict, condition: Any) -> Any:
    """A condition that names its options (patterns and option numbers depend on order)."""
    if isinstance(condition, str) or (isinstance(condition, dict) and "when" in condition):
        pattern = condition if isinstance(condition, str) else condition["when"]
        if isinstance(pattern, dict):
            return pattern
        names = [o.name for o in conflict.options]
        return {names[k]: v for k, v in reference.pattern_pairs(conflict, pattern)}
    if isinstance(condition, dict) and "statement" in condition:
        return {"statement": str(reference.parse(conflict, condition["statement"]))}
    return condition


def reordered(
    data: dict[str, Any], space: StateSpace, option_order: list[int], dm_order: list[int]
) -> dict[str, Any]:
    """The same conflict with options and DMs listed in another order.

    Preferences become payoffs on states given by their option values, so that they do not
    depend on the numbering; patterns and statements are rewritten to name their options.
    """
    conflict = space.conflict
    names = space.option_names

    def state_ref(s: int) -> dict[str, int]:
        return {names[k]: int(v) for k, v in enumerate(space.values[s])}

    dms = []
    for i in dm_order:
        payoffs = [[state_ref(s), float(space.scores[i][s])] for s in range(space.n_states)]
        dms.append({**data["decision_makers"][i], "preferences": {"payoffs": payoffs}})
    out: dict[str, Any] = {
        "options": [data["options"][k] for k in option_order],
        "decision_makers": dms,
    }
    for field in ("infeasible", "merge"):
        if data.get(field):
            out[field] = [_name_based(conflict, c) for c in data[field]]
    return out


@examples(200)
@given(st.data())
def test_results_do_not_depend_on_option_or_dm_order(draw: st.DataObject) -> None:
    data = draw.draw(conflict_data(), label="conflict")
    space = compile_conflict(Conflict.model_validate(data))
    option_order = draw.draw(st.permutations(range(space.n_options)), label="option order")
    dm_order = draw.draw(st.permutations(range(space.n_dms)), label="DM order")
    other_data = reordered(data, space, option_order, dm_order)
    other = compile_conflict(Conflict.model_validate(other_data))
    assert other.n_states == space.n_states
    # State s of the original is the state of the other holding the same option values.
    values = space.values[:, option_order].astype(np.int64)
    image = other.states_of_codes(values @ other.place)
    assert sorted(image.tolist()) == list(range(space.n_states))
    concepts = reference.CONCEPTS
    first, second = analyze(space, concepts), analyze(other, concepts)
    for concept in concepts:
        for position, i in enumerate(dm_order):
            assert np.array_equal(
                second.stable[concept][position][image], first.stable[concept][i]
            ), (
                f"{concept} for {space.dm_names[i]} changes when options/DMs are reordered"
                f"\n{reproducer(data)}\nreordered:\n{reproducer(other_data)}"
            )
