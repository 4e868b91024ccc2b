"""Random conflicts with probabilistic and fuzzy preferences (for tests/test_graded.py).

Each DM may get weighted alternatives (two or three, prioritizations or rankings), uncertain
pairs of its prioritization statements, or a fuzzy satisficing threshold; thresholds and
probabilities come from small grids so that boundary cases (a probability equal to a
threshold) occur often.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from detente.model.conflict import Conflict

from .conflicts import conflict_data, preferences
from .reference import naive_model

#: Parameter grid: ties between probabilities and thresholds are frequent on it.
LEVELS = (0.25, 1 / 3, 0.5, 2 / 3, 0.75, 1.0)


@st.composite
def graded_conflict_data(draw: st.DrawFn, *, max_dms: int = 4, max_options: int = 5) -> dict:
    """A random conflict in which some DMs have uncertain or fuzzy preferences."""
    data = draw(
        conflict_data(
            max_dms=max_dms, max_options=max_options, forms=("prioritization", "ranking", "payoffs")
        )
    )
    model = naive_model(Conflict.model_validate(data), with_preferences=False, with_moves=False)
    for dm in data["decision_makers"]:
        kind = draw(st.sampled_from(["plain", "alternatives", "order", "fuzzy"]))
        if kind == "alternatives":
            dm["alternatives"] = [
                {
                    "name": f"h{a}",
                    "weight": draw(st.sampled_from([0.5, 1.0, 2.0, 3.0])),
                    "preferences": draw(
                        preferences(model, data["options"], ("prioritization", "ranking"))
                    ),
                }
                for a in range(draw(st.integers(2, 3)))
            ]
        texts = dm["preferences"].get("prioritization") or []
        if kind == "order" and len(texts) >= 2:
            pair = st.tuples(st.integers(1, len(texts)), st.integers(1, len(texts)))
            pairs = draw(st.lists(pair.filter(lambda ab: ab[0] != ab[1]), min_size=1, max_size=2))
            dm["uncertain_order"] = [
                {"statements": list(ab), "probability": draw(st.sampled_from([0.25, 0.5, 1.0]))}
                for ab in pairs
            ]
        if kind == "fuzzy":
            dm["fuzzy"] = {"threshold": draw(st.sampled_from(LEVELS))}
    return data


def graded_conflicts(**kwargs: Any) -> st.SearchStrategy[Conflict]:
    return graded_conflict_data(**kwargs).map(Conflict.model_validate)
