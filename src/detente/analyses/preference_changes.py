"""Elementary changes of a decision maker's preferences, shared by the inverse analysis and
the diagnosis.

The inverse problem of the graph model (Kinsara, Kilgour & Hipel 2015, "Inverse approach to
the graph model for conflict resolution", IEEE Trans. SMC: Systems 45(5):734-742) asks for
the fewest preference changes that make a state an equilibrium; the diagnosis
(:mod:`detente.analyses.diagnose`) asks for the fewest that make a hypothesis explain a
record.  Both search the same neighbourhood, defined here:

* for **option prioritization**, moving one statement to another position (the DM now
  weighs that concern more or less than others) counts as one change;
* for a **ranking** or **payoffs**, swapping two states that are adjacent in the DM's
  ranking (the Kendall-tau unit) counts as one change.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..model.statements import parse_statement
from ..space.state_space import StateSpace, dense_rank, prioritization_scores

__all__ = ["LevelRanking", "PreferenceChange", "StatementOrder", "preference_representation"]


@dataclass(frozen=True)
class PreferenceChange:
    """One elementary change of one DM's preferences."""

    dm: str
    kind: str  # "move statement" or "swap states"
    detail: dict[str, Any]
    sentence: str

    def to_json(self) -> dict[str, Any]:
        return {"dm": self.dm, "kind": self.kind, **self.detail, "sentence": self.sentence}


class StatementOrder:
    """A DM's prioritization: a profile is the order in which its statements are weighed;
    one change moves one statement to another position."""

    def __init__(self, space: StateSpace, dm: int) -> None:
        prefs = space.conflict.decision_makers[dm].preferences
        self.texts = list(prefs.prioritization or [])
        index = space.conflict.option_index
        levels = {o.name: o.top for o in space.conflict.options}
        self.truth = np.stack(
            [parse_statement(t, index, levels).evaluate(space.values) for t in self.texts], axis=1
        )
        self.start: tuple[int, ...] = tuple(range(len(self.texts)))
        self.dm_name = space.dm_names[dm]

    def ranks(self, order: tuple[int, ...]) -> np.ndarray:
        return dense_rank(prioritization_scores(self.truth[:, list(order)]))

    def neighbours(
        self, order: tuple[int, ...]
    ) -> Iterator[tuple[tuple[int, ...], PreferenceChange]]:
        k = len(order)
        for p in range(k):
            for q in range(k):
                if p == q:
                    continue
                moved = list(order)
                statement = moved.pop(p)
                moved.insert(q, statement)
                text = self.texts[statement]
                if q < p:
                    other = self.texts[order[q]]
                    words = f"ranked '{text}' above '{other}'"
                else:
                    other = self.texts[order[q]]
                    words = f"ranked '{text}' below '{other}'"
                change = PreferenceChange(
                    dm=self.dm_name,
                    kind="move statement",
                    detail={"statement": text, "from_position": p + 1, "to_position": q + 1},
                    sentence=f"if {self.dm_name} {words}",
                )
                yield tuple(moved), change


class LevelRanking:
    """A DM's ranking (or payoffs) as levels: a profile is a tuple of levels per state; one
    change swaps two states on adjacent levels (the Kendall-tau unit)."""

    def __init__(self, space: StateSpace, dm: int) -> None:
        self.space = space
        self.start = tuple(int(r) for r in space.ranks[dm])
        self.dm_name = space.dm_names[dm]

    def ranks(self, levels: tuple[int, ...]) -> np.ndarray:
        return dense_rank(np.asarray(levels))

    def neighbours(
        self, levels: tuple[int, ...]
    ) -> Iterator[tuple[tuple[int, ...], PreferenceChange]]:
        arr = np.asarray(levels)
        space = self.space
        for x in range(arr.size):
            # Swap x with every state exactly one level below it.
            for y in np.flatnonzero(arr == arr[x] - 1):
                swapped = arr.copy()
                swapped[x], swapped[y] = arr[y], arr[x]
                change = PreferenceChange(
                    dm=self.dm_name,
                    kind="swap states",
                    detail={"up": int(y) + 1, "down": int(x) + 1},
                    sentence=(
                        f"if {self.dm_name} preferred state {y + 1} ({space.label(int(y))})"
                        f" to state {x + 1} ({space.label(int(x))})"
                    ),
                )
                yield tuple(int(v) for v in swapped), change


def preference_representation(space: StateSpace, dm: int) -> StatementOrder | LevelRanking:
    """DM ``dm``'s preferences as profiles and their elementary changes: a
    :class:`StatementOrder` for a prioritization, a :class:`LevelRanking` otherwise.

    ``start`` is the profile of the model; ``ranks(profile)`` the dense ranks it gives;
    ``neighbours(profile)`` every profile one change away, with the change.

    >>> import detente
    >>> space = detente.compile_conflict(detente.load_case("elmira"))
    >>> rep = preference_representation(space, 0)
    >>> type(rep).__name__, len(list(rep.neighbours(rep.start))) > 0
    ('LevelRanking', True)
    >>> profile, change = next(iter(rep.neighbours(rep.start)))
    >>> change.kind
    'swap states'
    """
    prefs = space.conflict.decision_makers[dm].preferences
    return StatementOrder(space, dm) if prefs.prioritization else LevelRanking(space, dm)
