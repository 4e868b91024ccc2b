"""Inverse analysis: what would have to change for an agreement to hold?

Given a target state (the agreement) and a solution concept, find the smallest change in
the preferences of chosen decision makers that makes the target an equilibrium — and, if
asked, reachable from the status quo by unilateral improvements.  This is the inverse
problem of the graph model (Kinsara, Kilgour & Hipel 2015, "Inverse approach to the graph
model for conflict resolution", IEEE Trans. SMC: Systems 45(5):734-742), solved here by an
exact breadth-first search over elementary preference changes:

* for **option prioritization**, moving one statement to another position (the DM now
  weighs that concern more or less than others) counts as one change;
* for a **ranking** or **payoffs**, swapping two states that are adjacent in the DM's
  ranking (the Kendall-tau unit) counts as one change.

Every combination of up to ``max_changes`` changes is tried in order of size, so the first
solutions found are minimal, and all minimal solutions are reported (up to ``max_solutions``).
``max_candidates`` bounds the number of preference profiles evaluated; when it is reached
the result says the search was not exhaustive.  Each candidate is checked with the same
engine as every other analysis (only the changed DM's ranks are recomputed).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import DetenteError
from ..model.conflict import Conflict
from ..space.state_space import (
    StateSpace,
    as_space,
)
from .paths import evolution
from .preference_changes import PreferenceChange, preference_representation
from .presenting import present
from .stability import concept_name, stable_for

__all__ = ["InverseResult", "PreferenceChange", "inverse"]


@dataclass
class InverseResult:
    """Minimal preference changes that make ``target`` an equilibrium."""

    space: StateSpace
    target: int
    concept: str
    dms: list[str]
    reachable_required: bool
    already: bool
    solutions: list[list[PreferenceChange]] = field(default_factory=list)
    evaluated: int = 0
    exhaustive: bool = True
    max_changes: int = 0

    @property
    def found(self) -> bool:
        return self.already or bool(self.solutions)

    @property
    def size(self) -> int | None:
        """Number of changes in a minimal solution (0 if nothing needs to change)."""
        if self.already:
            return 0
        return len(self.solutions[0]) if self.solutions else None

    def summary(self) -> str:
        space = self.space
        what = f"state {self.target + 1} ({space.label(self.target)})"
        goal = f"a {self.concept} equilibrium" + (
            " reachable from the status quo" if self.reachable_required else ""
        )
        if self.already:
            return f"{what} is already {goal}; no preference needs to change."
        if not self.solutions:
            bound = (
                f"with up to {self.max_changes} change(s)"
                if self.exhaustive
                else f"within the search bound ({self.evaluated:,} preference profiles tried)"
            )
            return f"No change of {', '.join(self.dms)}'s preferences {bound} makes {what} {goal}."
        first = self.solutions[0]
        count = len(self.solutions)
        changes = "; and ".join(change.sentence for change in first)
        more = f" ({count} minimal solutions; this is the first)" if count > 1 else ""
        return f"{what} becomes {goal} with {len(first)} change(s){more}: {changes}."

    def to_json(self) -> dict[str, Any]:
        return {
            "target": {"id": self.target + 1, "label": self.space.label(self.target)},
            "concept": self.concept,
            "dms": self.dms,
            "reachable_required": self.reachable_required,
            "already": self.already,
            "found": self.found,
            "size": self.size,
            "exhaustive": self.exhaustive,
            "evaluated": self.evaluated,
            "solutions": [[c.to_json() for c in solution] for solution in self.solutions],
            "summary": self.summary(),
        }

    def to_frame(self):  # -> pandas.DataFrame
        """One row per change of each minimal solution
        (:func:`detente.render.frames.inverse_frame`)."""
        return present(self, "to_frame")

    def _repr_html_(self) -> str:
        return present(self, "_repr_html_")


# -- preference representations ---------------------------------------------------------


# -- search -------------------------------------------------------------------------------


def _is_goal(
    space: StateSpace,
    ranks: np.ndarray,
    target: int,
    concept: str,
    reachable: bool,
) -> bool:
    for dm in range(space.n_dms):
        if not stable_for(space, concept, dm, ranks=ranks)[target]:
            return False
    if not reachable or space.status_quo is None:
        return True
    reached = evolution(space.with_ranks(ranks), space.status_quo, "improvements")
    return bool(reached.distance[target] >= 0)


def inverse(
    model: Conflict | StateSpace,
    target: int | str,
    *,
    concept: str = "Nash",
    dms: Iterable[str] | None = None,
    reachable: bool = False,
    max_changes: int = 3,
    max_candidates: int = 20_000,
    max_solutions: int = 20,
) -> InverseResult:
    """The fewest preference changes of ``dms`` (default: every DM) that make ``target``
    (a 1-based number, a label, or a 0-based index given as ``int`` via the space) an
    equilibrium under ``concept`` — and reachable from the status quo if ``reachable``.

    >>> import detente
    >>> result = inverse(detente.load_case("prisoners-dilemma"), "NN", concept="Nash")
    >>> result.size
    2
    """
    space = as_space(model)
    concept = concept_name(concept)
    target_index = space.state_index(target, ("target",))
    names = list(dms) if dms is not None else list(space.dm_names)
    unknown = [name for name in names if name not in space.dm_names]
    if unknown:
        raise DetenteError(
            f"unknown decision maker {unknown[0]!r} (known: {', '.join(space.dm_names)})"
        )
    if max_changes < 0:
        raise DetenteError("--max-changes must be 0 or more")
    if reachable and space.status_quo is None:
        raise DetenteError("the model has no status quo, so reachability cannot be required")
    chosen = [space.dm_names.index(name) for name in names]
    reps = {dm: preference_representation(space, dm) for dm in chosen}
    result = InverseResult(
        space=space,
        target=target_index,
        concept=concept,
        dms=names,
        reachable_required=reachable,
        already=False,
        max_changes=max_changes,
    )
    base_ranks = space.ranks
    result.evaluated = 1
    if _is_goal(space, base_ranks, target_index, concept, reachable):
        result.already = True
        return result

    # Profiles: one preference representation per chosen DM.  Breadth-first by the number
    # of changes; a profile reached twice is evaluated once.
    start = tuple(reps[dm].start for dm in chosen)
    seen = {start}
    frontier: list[tuple[tuple[Any, ...], list[PreferenceChange]]] = [(start, [])]
    cache: dict[tuple[int, Any], np.ndarray] = {}

    def ranks_of(profile: Sequence[Any]) -> np.ndarray:
        ranks = base_ranks.copy()
        for dm, pref in zip(chosen, profile, strict=True):
            key = (dm, pref)
            if key not in cache:
                cache[key] = reps[dm].ranks(pref)
            ranks[dm] = cache[key]
        return ranks

    for _depth in range(1, max_changes + 1):
        next_frontier: list[tuple[tuple[Any, ...], list[PreferenceChange]]] = []
        for profile, changes in frontier:
            for position, dm in enumerate(chosen):
                for pref, change in reps[dm].neighbours(profile[position]):
                    candidate = (*profile[:position], pref, *profile[position + 1 :])
                    if candidate in seen:
                        continue
                    seen.add(candidate)
                    if result.evaluated >= max_candidates:
                        result.exhaustive = False
                        return result
                    result.evaluated += 1
                    if _is_goal(space, ranks_of(candidate), target_index, concept, reachable):
                        if len(result.solutions) < max_solutions:
                            result.solutions.append([*changes, change])
                    else:
                        next_frontier.append((candidate, [*changes, change]))
        if result.solutions:
            return result
        frontier = next_frontier
    return result
