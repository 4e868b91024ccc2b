"""Random conflicts with unknown levels and strong gaps in their DMs' preferences.

Draws a conflict with :func:`tests.conflicts.conflict_data` and then, DM by DM, marks some
groups of tied ranking entries unknown (or ``unknown: ties`` in any form) and puts strong
gaps into rankings and prioritizations.  Unknown levels need a model without merged states,
so ``unknown=True`` draws none; strength alone keeps the merges.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from .conflicts import conflict_data


@st.composite
def ordinal_conflict_data(
    draw: st.DrawFn, *, unknown: bool = True, strong: bool = True, **kwargs: Any
) -> dict[str, Any]:
    """The data of a random conflict whose preferences may say ``unknown`` and ``strong``."""
    if unknown:
        kwargs["merge"] = False
    data = draw(conflict_data(**kwargs))
    for dm in data["decision_makers"]:
        prefs = dm["preferences"]
        if unknown and draw(st.integers(0, 3)):
            groups = [
                k for k, e in enumerate(prefs.get("ranking", []), start=1) if isinstance(e, list)
            ]
            if groups and draw(st.booleans()):
                prefs["unknown"] = draw(st.lists(st.sampled_from(groups), unique=True))
            elif draw(st.booleans()):
                prefs["unknown"] = "ties"
        if strong and draw(st.integers(0, 3)):
            if "ranking" in prefs and len(prefs["ranking"]) > 1:
                last = len(prefs["ranking"]) - 1
                prefs["strong"] = draw(
                    st.lists(st.integers(1, last), min_size=1, max_size=3, unique=True)
                )
            elif "prioritization" in prefs:
                prefs["strong"] = draw(st.integers(1, len(prefs["prioritization"])))
    return data
