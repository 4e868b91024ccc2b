"""Inverse analysis against brute force over every preference order."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import detente
from detente.analyses.inverse import inverse
from detente.model.conflict import Conflict

from .reference import naive_model, stable


def _is_equilibrium(model, scores: list[float], dm: int, target: int, concept: str) -> bool:
    model.scores[dm] = scores
    model.clear_caches()
    return all(stable(model, concept, i)[target] for i in range(model.n_dms))


@st.composite
def small_conflicts(draw, prioritization: bool) -> Conflict:
    n_dms = draw(st.integers(2, 3))
    n_options = draw(st.integers(n_dms, 3))
    # Brute force tries every order of the states: keep at most 5 of them.
    infeasible = ["YYY", "NNN", "YNY"] if n_options == 3 else []
    owners = list(range(n_dms)) + [
        draw(st.integers(0, n_dms - 1)) for _ in range(n_options - n_dms)
    ]
    names = [f"o{k}" for k in range(n_options)]
    labels = [
        label
        for code in range(2**n_options)
        if (label := "".join("Y" if (code >> k) & 1 else "N" for k in range(n_options)))
        not in infeasible
    ]
    dms = []
    for d in range(n_dms):
        if prioritization and d == 0:
            atoms = [
                f"{'not ' if draw(st.booleans()) else ''}{draw(st.sampled_from(names))}"
                for _ in range(4)
            ]
            prefs = {
                "prioritization": [
                    f"{a} or {b}" if draw(st.booleans()) else a
                    for a, b in zip(atoms, atoms[1:] + atoms[:1], strict=True)
                ]
            }
        else:
            prefs = {"ranking": draw(st.permutations(labels))}
        dms.append(
            {
                "name": f"D{d}",
                "options": [n for n, o in zip(names, owners, strict=True) if o == d],
                "preferences": prefs,
            }
        )
    return Conflict.model_validate(
        {"options": [{"name": n} for n in names], "decision_makers": dms, "infeasible": infeasible}
    )


def _kendall(a: np.ndarray, b: np.ndarray) -> int:
    """Discordant pairs between two strict rankings given as scores."""
    n = a.size
    return sum(1 for i in range(n) for j in range(i + 1, n) if (a[i] - a[j]) * (b[i] - b[j]) < 0)


def _lis(seq: list[int]) -> int:
    best = [1] * len(seq)
    for i in range(len(seq)):
        for j in range(i):
            if seq[j] < seq[i]:
                best[i] = max(best[i], best[j] + 1)
    return max(best, default=0)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_conflicts(prioritization=False), st.sampled_from(["Nash", "GMR", "SEQ"]), st.data())
def test_ranking_changes_are_minimal_kendall_distance(
    conflict: Conflict, concept: str, data
) -> None:
    space = detente.compile_conflict(conflict)
    target = data.draw(st.integers(0, space.n_states - 1))
    model = naive_model(conflict)
    original = np.asarray(model.scores[0], dtype=float)
    best = None
    for perm in itertools.permutations(range(space.n_states)):
        scores = [float(v) for v in perm]
        if _is_equilibrium(model, scores, 0, target, concept):
            distance = _kendall(original, np.asarray(scores))
            best = distance if best is None else min(best, distance)
    result = inverse(
        space, target + 1, concept=concept, dms=["D0"], max_changes=10, max_candidates=10**6
    )
    assert result.exhaustive
    assert result.size == best


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_conflicts(prioritization=True), st.sampled_from(["Nash", "GMR", "SMR"]), st.data())
def test_statement_moves_are_minimal(conflict: Conflict, concept: str, data) -> None:
    space = detente.compile_conflict(conflict)
    target = data.draw(st.integers(0, space.n_states - 1))
    texts = conflict.decision_makers[0].preferences.prioritization
    model = naive_model(conflict)
    truth = np.array(
        [
            [
                detente.model.parse_statement(t, conflict.option_index).evaluate(space.values)[
                    s
                ]
                for t in texts
            ]
            for s in range(space.n_states)
        ]
    )
    best = None
    for order in itertools.permutations(range(len(texts))):
        weights = 2.0 ** np.arange(len(texts) - 1, -1, -1)
        scores = (truth[:, list(order)] @ weights).tolist()
        if _is_equilibrium(model, scores, 0, target, concept):
            distance = len(texts) - _lis(list(order))  # fewest "move one statement" steps
            best = distance if best is None else min(best, distance)
    result = inverse(
        space, target + 1, concept=concept, dms=["D0"], max_changes=3, max_candidates=10**6
    )
    assert result.size == best


def test_prisoners_dilemma_cooperation_needs_both_to_value_it() -> None:
    result = inverse(detente.load_case("prisoners-dilemma"), "NN", concept="Nash")
    assert result.size == 2
    assert {change.dm for change in result.solutions[0]} == {"A", "B"}
    assert "preferred state 1 (NN)" in result.summary()
    # Under GMR mutual cooperation is already stable: nothing has to change.
    assert inverse(detente.load_case("prisoners-dilemma"), "NN", concept="GMR").size == 0


def test_reachability_can_be_required() -> None:
    elmira = detente.load_case("elmira")
    plain = inverse(elmira, 8, concept="Nash")
    assert plain.size == 0  # 8 is a Nash equilibrium already ...
    reachable = inverse(elmira, 8, concept="Nash", reachable=True)
    assert reachable.size == 1  # ... but the conflict does not get there by itself

    change = reachable.solutions[0][0]
    assert change.kind == "swap states"
    assert change.dm in {"MoE", "Uniroyal", "LG"}
