"""Stability margins: how much one DM's preferences must change to flip a state's verdict.

An equilibrium found with a preference ranking we only half believe is worth little if the
smallest change of that ranking destroys it.  For every state and every decision maker i,
the *margin* is the fewest elementary changes of i's preferences after which the state's
equilibrium verdict under the chosen concept flips: an equilibrium stops being one, or a
non-equilibrium becomes one.  A large margin says the verdict is robust to errors in our
picture of i; a margin of 1 says that one misjudged comparison of i's decides it.

**This is detente's own measure.**  The issue that asked for it refers to "recent
GDELT-based GMCR work"; we could not find or read such a paper, so nothing here is
attributed to one.  The definition is ours, chosen to be transparent and to use the unit of
the inverse analysis (Kinsara, Kilgour & Hipel 2015, "Inverse approach to the graph model
for conflict resolution", IEEE Trans. SMC: Systems 45(5)) — see :mod:`detente.analyses.inverse`:

* an *elementary change* of DM i's preferences exchanges the places of two states that are
  adjacent in i's ranking (state x one level above state y: afterwards y is where x was and
  x where y was) — the Kendall-tau unit that :func:`~detente.analyses.inverse.inverse`
  uses for rankings and payoffs.  For a DM with option prioritization it is applied to the
  ranking the statements produce (a finer unit than the inverse analysis's statement
  moves, so that margins of every DM count the same thing);
* ``margin[i, s]`` is the least k <= ``max_changes`` such that some sequence of k elementary
  changes of i's preferences (everyone else's fixed) flips whether s is an equilibrium
  under ``concept``, and -1 when none does within the bound;
* the margin of a state is the least margin over the DMs: the cheapest single-DM
  misjudgement that flips it.

Changing i's preferences can change other DMs' verdicts too (under SEQ the opponents'
sanctions must be their own improvements), which is why the whole equilibrium verdict is
what is flipped.  The search is breadth-first over i's rankings, as the inverse analysis's,
so the first depth at which a state flips is its margin; every candidate ranking is checked
for all states at once with the same engine as every other analysis
(:func:`~detente.analyses.stability.stable_for` with the candidate ranks), so any concept
name works, per-DM assignments included.  ``max_candidates`` bounds the rankings tried per
DM; a DM whose search hit it is listed in ``incomplete`` and its -1s mean "not found".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import DetenteError
from ..model.conflict import Conflict
from ..space.state_space import StateSpace, as_space
from .presenting import present
from .stability import concept_name, stable_for

__all__ = ["MarginResult", "adjacent_swaps", "stability_margins"]


@dataclass
class MarginResult:
    """Margins of every state's equilibrium verdict, per DM whose preferences may change.

    ``margin`` is (n_dms, n_states): -1 where no change within ``max_changes`` flips the
    verdict or the DM was not searched (``dms`` names the searched ones).
    """

    space: StateSpace
    concept: str
    dms: list[str]
    max_changes: int
    equilibrium: np.ndarray
    margin: np.ndarray
    evaluated: int = 0
    incomplete: list[str] = field(default_factory=list)

    def state_margin(self) -> np.ndarray:
        """Per state: the least margin over the searched DMs (-1 if none flips it)."""
        found = np.where(self.margin > 0, self.margin, np.iinfo(np.int32).max)
        best = found.min(axis=0)
        return np.where(best == np.iinfo(np.int32).max, -1, best).astype(np.int32)

    def weakest(self, state: int) -> list[str]:
        """The DMs whose preferences flip ``state`` (0-based) with the fewest changes."""
        best = self.state_margin()[state]
        if best < 0:
            return []
        return [self.space.dm_names[i] for i in np.flatnonzero(self.margin[:, state] == best)]

    def to_json(self, *, states: Iterable[int] | None = None) -> dict[str, Any]:
        """Margins of ``states`` (0-based; default: the equilibria), numbered from 1."""
        space = self.space
        chosen = np.flatnonzero(self.equilibrium) if states is None else list(states)
        overall = self.state_margin()
        return {
            "concept": self.concept,
            "dms": self.dms,
            "max_changes": self.max_changes,
            "incomplete": self.incomplete,
            "evaluated": self.evaluated,
            "states": [
                {
                    "id": int(s) + 1,
                    "label": space.label(int(s)),
                    "equilibrium": bool(self.equilibrium[s]),
                    "margin": _json_margin(overall[s]),
                    "weakest": self.weakest(int(s)),
                    "by_dm": {
                        dm: _json_margin(self.margin[space.dm_names.index(dm), s])
                        for dm in self.dms
                    },
                }
                for s in chosen
            ],
        }

    def to_frame(self):  # -> pandas.DataFrame
        """One row per state: label, equilibrium, margin, and the margin per searched DM."""
        return present(self, "to_frame")

    def _repr_html_(self) -> str:
        return present(self, "_repr_html_")


def _json_margin(value: int) -> int | None:
    return int(value) if value > 0 else None


def adjacent_swaps(levels: np.ndarray) -> Iterator[np.ndarray]:
    """Every ranking one elementary change away: two states x, y with level(x) =
    level(y) + 1 exchange their levels (levels are dense, higher is better).

    >>> [s.tolist() for s in adjacent_swaps(np.array([2, 0, 1]))]
    [[2, 1, 0], [1, 0, 2]]
    """
    order = np.argsort(levels, kind="stable")
    bounds = np.searchsorted(levels[order], np.arange(int(levels.max(initial=-1)) + 2))
    for level in range(1, bounds.size - 1):
        below = order[bounds[level - 1] : bounds[level]]
        above = order[bounds[level] : bounds[level + 1]]
        for y in below:
            for x in above:
                swapped = levels.copy()
                swapped[x], swapped[y] = levels[y], levels[x]
                yield swapped


def _equilibria(space: StateSpace, concept: str, ranks: np.ndarray) -> np.ndarray:
    stable = np.ones(space.n_states, dtype=bool)
    for dm in range(space.n_dms):
        stable &= stable_for(space, concept, dm, ranks=ranks)
    return stable


def stability_margins(
    model: Conflict | StateSpace,
    concept: str = "Nash",
    *,
    dms: Iterable[str] | None = None,
    max_changes: int = 2,
    max_candidates: int = 20_000,
) -> MarginResult:
    """Margins of every state's equilibrium verdict under ``concept``: the fewest elementary
    changes of one DM's ranking (each of ``dms``, default every DM) that flip it.

    >>> import detente
    >>> result = stability_margins(detente.load_case("prisoners-dilemma"), "Nash")
    >>> [(detente.compile_conflict(detente.load_case("prisoners-dilemma")).label(int(s)),
    ...   int(result.state_margin()[s])) for s in np.flatnonzero(result.equilibrium)]
    [('YY', 1)]
    """
    space = as_space(model)
    concept = concept_name(concept)
    names = list(dms) if dms is not None else list(space.dm_names)
    for name in names:
        if name not in space.dm_names:
            raise DetenteError(
                f"unknown decision maker {name!r} (known: {', '.join(space.dm_names)})"
            )
    if max_changes < 1:
        raise DetenteError("--max-changes must be 1 or more")
    if max_candidates < 1:
        raise DetenteError("--max-candidates must be 1 or more")
    base = _equilibria(space, concept, space.ranks)
    result = MarginResult(
        space=space,
        concept=concept,
        dms=names,
        max_changes=max_changes,
        equilibrium=base,
        margin=np.full((space.n_dms, space.n_states), -1, dtype=np.int32),
    )
    for name in names:
        dm = space.dm_names.index(name)
        if not _search(space, concept, dm, base, result, max_candidates):
            result.incomplete.append(name)
    return result


def _search(
    space: StateSpace,
    concept: str,
    dm: int,
    base: np.ndarray,
    result: MarginResult,
    max_candidates: int,
) -> bool:
    """Breadth-first over DM ``dm``'s rankings; fills ``result.margin[dm]``.  Returns
    whether the search was exhaustive within ``result.max_changes``."""
    start = space.ranks[dm].astype(np.int32)
    seen = {start.tobytes()}
    frontier = [start]
    open_ = np.ones(space.n_states, dtype=bool)  # states whose margin is not yet known
    ranks = space.ranks.copy()
    tried = 0
    for depth in range(1, result.max_changes + 1):
        next_frontier: list[np.ndarray] = []
        for levels in frontier:
            for candidate in adjacent_swaps(levels):
                key = candidate.tobytes()
                if key in seen:
                    continue
                if tried >= max_candidates:
                    return False
                seen.add(key)
                tried += 1
                result.evaluated += 1
                ranks[dm] = candidate
                flipped = open_ & (_equilibria(space, concept, ranks) != base)
                result.margin[dm, flipped] = depth
                open_ &= ~flipped
                if not open_.any():
                    return True
                next_frontier.append(candidate)
        frontier = next_frontier
    return True
