"""Misperception: first-level hypergame analysis in the graph model.

In a *first-level hypergame* every decision maker plays the game it believes it is in
(Bennett 1977, "Toward a theory of hypergames", Omega 5(6); Wang, Hipel & Fraser 1988,
"Modeling misperceptions in games", Behavioral Science 33(3); Wang, Hipel & Fraser 1989,
"Solution concepts in hypergames", Applied Mathematics and Computation 34; in the graph model:
Aljefri, Fang, Hipel & Madani 2014, "Modeling misperception of options and preferences in the
graph model for conflict resolution", IEEE SMC; Aljefri, Bashar, Fang & Hipel 2017,
"First-level hypergame for investigating misperception in conflicts", IEEE Trans. SMC:
Systems; Aljefri, Fang & Hipel 2018, "General hypergame analysis within the graph model for
conflict resolution", Int. J. Systems Science: Operations & Logistics).

**Perceived game G_i.**  DM i's perceived game is built from the model and the
:class:`~detente.model.Perception` entries whose ``holder`` is i:

* i keeps its own, true preferences (a first-level hypergame: nobody misperceives itself);
* every other DM j has the preferences i believes it has: ``preferences[j]`` of a perception
  held by i, or its true preferences when no perception of i mentions j;
* options i is ``unaware_of`` (options of other DMs it does not know exist, Aljefri et al.
  2014's "unknown options") are believed never to be used: in G_i no DM changes them, so
  every unilateral move that changes one of them is removed from the move lists of G_i.  A
  move changes option k when k's value differs between the two states; in a merged state an
  option left open ('-' in its label) is taken to agree with any value.  Nothing else
  changes: G_i has the same states (so results compare state by state), the same
  infeasibility and the same status quo.  A state in which an option unknown to i is taken
  (value other than 0) is one i cannot picture; such a state is *not perceived* by i.

**Stability and hyper-equilibria.**  A state s is stable for i in the hypergame under a
solution concept when it is stable for i in G_i, judged with G_i's moves and preferences
(Wang, Hipel & Fraser 1988: each DM's stability is determined in its own game).  A
*hyper-equilibrium* is a state stable for every DM in its own perceived game.  Those in
which some DM's unknown option is taken are flagged ``unforeseen``: they can happen, but some
DM did not see them coming (in the spirit of Aljefri et al.'s distinction between states
recognised by all DMs and by some only; detente does not reproduce their eight classes).

Because Nash, GMR and SMR stability for i depend only on i's own preferences and the moves,
a misperceived *preference* changes i's stability only under concepts in which i predicts
the others' reactions from their preferences (SEQ, SIM, SEQSIM, L_h, NM); an unknown
*option* can change any concept.

Each holder's *expected equilibria* are the equilibria of its own perceived game: what it
believes will be the outcome.  :func:`correct` repeats the analysis without one or more
perceptions ("what if that belief is corrected?") and lists the states that become or stop
being hyper-equilibria.

>>> import detente
>>> from detente.analyses.hypergame import hypergame_analysis
>>> result = hypergame_analysis(detente.load_case("prisoners-dilemma"), ["SEQ"])
>>> [result.space.label(s) for s in result.hyper_equilibria("SEQ")] == [
...     result.space.label(s) for s in result.true_equilibria("SEQ")]
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..engine.arrays import compact
from ..errors import DetenteError, ModelError
from ..model.conflict import Conflict, Perception
from ..space.state_space import (
    StateSpace,
    as_space,
    dense_rank,
    preference_scores,
)
from .presenting import present
from .stability import CONCEPTS, StabilityResult, analyze, concept_name, concept_names, stable_for

__all__ = [
    "Correction",
    "HypergameResult",
    "PerceivedGame",
    "correct",
    "hypergame_analysis",
    "perceived_games",
    "restrict_moves",
]


@dataclass
class PerceivedGame:
    """DM ``holder``'s picture of the conflict, on the true state space.

    ``ranks`` (n_dms x n) are the ranks of every DM as the holder believes them (its own row
    is true); ``moves`` are the move lists of G_i, or None when they are the true ones;
    ``perceived`` marks the states the holder can picture (no unknown option taken).
    """

    holder: int
    perceptions: list[str]
    misperceived_dms: list[int]
    unaware_of: list[int]
    ranks: np.ndarray
    moves: list[np.ndarray] | None
    perceived: np.ndarray

    @property
    def misperceives(self) -> bool:
        """Whether G_i differs from the true game."""
        return bool(self.misperceived_dms or self.unaware_of)


def restrict_moves(space: StateSpace, options: Sequence[int]) -> list[np.ndarray]:
    """Every DM's padded moves without those that change any of ``options``.

    A move s -> t changes option k when both states fix k (not left open by merging) and
    their values of k differ.  Vectorised over the (width, n) move arrays.

    >>> import detente
    >>> from detente.space import as_space
    >>> space = as_space(detente.load_case("north-korea"))
    >>> len(restrict_moves(space, [0])) == space.n_dms
    True
    """
    n = space.n_states
    out = []
    wanted = set(int(k) for k in options)
    for dm, targets in enumerate(space.moves):
        owned = [k for k in space.dm_options[dm].tolist() if k in wanted]
        if not owned or targets.shape[0] == 0:
            out.append(targets)
            continue
        changed = np.zeros(targets.shape, dtype=bool)
        for k in owned:
            values = space.values[:, k].astype(np.int16)
            fixed = np.ones(n, dtype=bool) if space.fixed is None else space.fixed[:, k]
            values_ext = np.append(values, np.int16(-1))
            fixed_ext = np.append(fixed, False)
            changed |= (
                (values_ext[targets] != values[None, :]) & fixed_ext[targets] & fixed[None, :]
            )
        out.append(compact(np.where(changed, np.int32(n), targets).astype(np.int32)))
    return out


def _not_perceived(space: StateSpace, options: Sequence[int]) -> np.ndarray:
    """States in which one of ``options`` is surely taken (fixed and not 0)."""
    hidden = np.zeros(space.n_states, dtype=bool)
    for k in options:
        fixed = np.ones(space.n_states, dtype=bool) if space.fixed is None else space.fixed[:, k]
        hidden |= fixed & (space.values[:, k] != 0)
    return hidden


def _select(conflict: Conflict, without: Iterable[str]) -> list[tuple[int, Perception]]:
    """The perceptions kept (with their position in the model), checking ``without``."""
    names = [p.name for p in conflict.perceptions]
    dropped = list(dict.fromkeys(without))
    for name in dropped:
        if name not in names:
            known = ", ".join(repr(n) for n in names) or "none"
            raise DetenteError(f"the model has no perception {name!r} (perceptions: {known})")
    return [(k, p) for k, p in enumerate(conflict.perceptions) if p.name not in dropped]


def perceived_games(space: StateSpace, without: Iterable[str] = ()) -> list[PerceivedGame]:
    """Every DM's perceived game G_i (see the module docstring), leaving out the
    perceptions named in ``without``.

    Several perceptions of one holder combine; two that give the same DM's preferences, or a
    perception that gives the holder's own preferences, are errors.

    >>> import detente
    >>> from detente.space import as_space
    >>> len(perceived_games(as_space(detente.load_case("north-korea"))))
    4
    """
    conflict = space.conflict
    kept = _select(conflict, without)
    dm_index = conflict.dm_index
    option_index = conflict.option_index
    games = []
    for holder in range(space.n_dms):
        ranks = space.ranks.copy()
        given: dict[int, str] = {}
        unaware: list[int] = []
        names = []
        for k, perception in kept:
            if dm_index[perception.holder] != holder:
                continue
            names.append(perception.name)
            for dm_name, prefs in perception.preferences.items():
                j = dm_index[dm_name]
                loc = ("perceptions", k, "preferences", dm_name)
                if j == holder:
                    raise ModelError(
                        f"a perception held by {perception.holder!r} gives its own preferences;"
                        " a first-level hypergame uses the holder's true preferences",
                        loc,
                    )
                if j in given:
                    raise ModelError(
                        f"perceptions {given[j]!r} and {perception.name!r} both give what"
                        f" {perception.holder!r} believes of {dm_name!r}; keep one",
                        loc,
                    )
                given[j] = perception.name
                ranks[j] = dense_rank(preference_scores(space, prefs, loc))
            for option in perception.unaware_of:
                if option_index[option] not in unaware:
                    unaware.append(option_index[option])
        # A perceived ranking identical to the true one is no misperception.
        misperceived = sorted(j for j in given if not np.array_equal(ranks[j], space.ranks[j]))
        games.append(
            PerceivedGame(
                holder=holder,
                perceptions=names,
                misperceived_dms=misperceived,
                unaware_of=sorted(unaware),
                ranks=ranks,
                moves=restrict_moves(space, unaware) if unaware else None,
                perceived=~_not_perceived(space, unaware),
            )
        )
    return games


@dataclass
class HypergameResult:
    """First-level hypergame analysis: stability in each DM's perceived game vs the truth.

    ``perceived[concept]`` and ``true.stable[concept]`` are (n_dms, n) boolean arrays: row i
    is stability for DM i in G_i, resp. in the true game.  ``expected[concept][i]`` is the
    boolean array of the equilibria of G_i (only for DMs that misperceive).
    """

    space: StateSpace
    games: list[PerceivedGame]
    true: StabilityResult
    perceived: dict[str, np.ndarray]
    expected: dict[str, dict[int, np.ndarray]]
    corrected: list[str] = field(default_factory=list)

    @property
    def concepts(self) -> list[str]:
        return list(self.perceived)

    @property
    def perceived_by_all(self) -> np.ndarray:
        """States every DM can picture (no option unknown to someone is taken)."""
        return np.logical_and.reduce([g.perceived for g in self.games])

    def hyper_equilibria(self, concept: str) -> np.ndarray:
        """0-based states stable for every DM in its own perceived game."""
        return np.flatnonzero(self.perceived[concept_name(concept)].all(axis=0))

    def unforeseen(self, concept: str) -> np.ndarray:
        """Hyper-equilibria in which an option unknown to some DM is taken."""
        eq = self.hyper_equilibria(concept)
        return eq[~self.perceived_by_all[eq]]

    def true_equilibria(self, concept: str) -> np.ndarray:
        return self.true.equilibria(concept)

    def expected_equilibria(self, concept: str, dm: int) -> np.ndarray:
        """Equilibria of DM ``dm``'s perceived game (the true ones if it misperceives
        nothing)."""
        name = concept_name(concept)
        if dm in self.expected[name]:
            return np.flatnonzero(self.expected[name][dm])
        return self.true_equilibria(name)

    @property
    def misperceiving(self) -> list[int]:
        return [g.holder for g in self.games if g.misperceives]

    # -- output ----------------------------------------------------------------------------
    def _states(self, states: Iterable[int]) -> list[dict[str, Any]]:
        return [{"id": int(s) + 1, "label": self.space.label(int(s))} for s in states]

    def to_json(self) -> dict[str, Any]:
        """The JSON contract of ``detente hypergame --format json`` (states from 1)."""
        space = self.space
        conflict = space.conflict
        perceptions = [
            {
                "name": p.name,
                "holder": p.holder,
                "about": list(p.preferences),
                "unaware_of": list(p.unaware_of),
                "corrected": p.name in self.corrected,
            }
            for p in conflict.perceptions
        ]
        results: dict[str, Any] = {}
        for concept in self.concepts:
            per_dm = {}
            for i, dm in enumerate(space.dm_names):
                per_dm[dm] = {
                    "perceived": [int(s) + 1 for s in np.flatnonzero(self.perceived[concept][i])],
                    "true": [int(s) + 1 for s in np.flatnonzero(self.true.stable[concept][i])],
                }
            results[concept] = {
                "hyper_equilibria": self._states(self.hyper_equilibria(concept)),
                "unforeseen": self._states(self.unforeseen(concept)),
                "true_equilibria": self._states(self.true_equilibria(concept)),
                "expected_equilibria": {
                    space.dm_names[i]: self._states(self.expected_equilibria(concept, i))
                    for i in self.misperceiving
                },
                "stable": per_dm,
            }
        return {
            "perceptions": perceptions,
            "corrected": list(self.corrected),
            "misperceiving": [space.dm_names[i] for i in self.misperceiving],
            "concepts": self.concepts,
            "results": results,
        }

    def to_frame(self):  # -> pandas.DataFrame
        """One row per state: per concept, stability per DM in its own game and in the true
        game, hyper-equilibrium and true equilibrium
        (:func:`detente.render.frames.hypergame_frame`)."""
        return present(self, "to_frame")

    def summary(self) -> str:
        lines = []
        for concept in self.concepts:
            hyper = ", ".join(str(s + 1) for s in self.hyper_equilibria(concept)) or "none"
            true = ", ".join(str(s + 1) for s in self.true_equilibria(concept)) or "none"
            lines.append(f"{concept}: hyper-equilibria {hyper}; true equilibria {true}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return present(self, "_repr_html_")


def _analyse(
    space: StateSpace,
    concepts: Sequence[str],
    without: Iterable[str],
    true: StabilityResult | None = None,
) -> HypergameResult:
    games = perceived_games(space, without)
    if true is None:
        true = analyze(space, concepts)
    perceived: dict[str, np.ndarray] = {}
    expected: dict[str, dict[int, np.ndarray]] = {}
    for concept in concepts:
        rows = []
        expected[concept] = {}
        for game in games:
            if not game.misperceives:
                rows.append(true.stable[concept][game.holder])
                continue
            stable = [
                stable_for(space, concept, j, ranks=game.ranks, moves=game.moves)
                for j in range(space.n_dms)
            ]
            rows.append(stable[game.holder])
            expected[concept][game.holder] = np.logical_and.reduce(stable)
        perceived[concept] = np.stack(rows)
    return HypergameResult(
        space=space,
        games=games,
        true=true,
        perceived=perceived,
        expected=expected,
        corrected=list(dict.fromkeys(without)),
    )


def hypergame_analysis(
    model: Conflict | StateSpace,
    concepts: Iterable[str] = CONCEPTS,
    *,
    without: Iterable[str] = (),
) -> HypergameResult:
    """First-level hypergame analysis of a model's perceptions (see the module docstring).

    ``without`` names perceptions to leave out (corrected misperceptions).

    >>> import detente
    >>> result = hypergame_analysis(detente.load_case("north-korea"), ["Nash"])
    >>> len(result.games)
    4
    """
    space = as_space(model)
    names = concept_names(concepts)
    return _analyse(space, names, without)


@dataclass
class Correction:
    """The hypergame before and after correcting misperceptions, and what changed."""

    before: HypergameResult
    after: HypergameResult
    corrected: list[str]

    @property
    def space(self) -> StateSpace:
        return self.before.space

    @property
    def concepts(self) -> list[str]:
        return self.before.concepts

    def _diff(self, concept: str) -> tuple[np.ndarray, np.ndarray]:
        name = concept_name(concept)
        old = self.before.perceived[name].all(axis=0)
        new = self.after.perceived[name].all(axis=0)
        return np.flatnonzero(new & ~old), np.flatnonzero(old & ~new)

    def became(self, concept: str) -> np.ndarray:
        """0-based states that become hyper-equilibria once corrected."""
        return self._diff(concept)[0]

    def stopped(self, concept: str) -> np.ndarray:
        """0-based states that stop being hyper-equilibria once corrected."""
        return self._diff(concept)[1]

    def stability_changes(self, concept: str) -> dict[str, dict[str, np.ndarray]]:
        """Per DM: states that become ('gained') or stop being ('lost') stable for it."""
        name = concept_name(concept)
        out = {}
        for i, dm in enumerate(self.space.dm_names):
            old, new = self.before.perceived[name][i], self.after.perceived[name][i]
            if (old != new).any():
                out[dm] = {"gained": np.flatnonzero(new & ~old), "lost": np.flatnonzero(old & ~new)}
        return out

    def expected_changes(self, concept: str, dm: int) -> tuple[np.ndarray, np.ndarray]:
        """States DM ``dm`` expects as equilibria (of its own perceived game) after the
        correction but not before, and before but not after."""
        old = np.zeros(self.space.n_states, dtype=bool)
        new = np.zeros(self.space.n_states, dtype=bool)
        old[self.before.expected_equilibria(concept, dm)] = True
        new[self.after.expected_equilibria(concept, dm)] = True
        return np.flatnonzero(new & ~old), np.flatnonzero(old & ~new)

    def to_json(self) -> dict[str, Any]:
        """``detente hypergame --correct NAME --format json``: both analyses and the changes."""
        states = self.before._states
        changes = {}
        for concept in self.concepts:
            changes[concept] = {
                "became_hyper_equilibria": states(self.became(concept)),
                "stopped_being_hyper_equilibria": states(self.stopped(concept)),
                "stability": {
                    dm: {k: [int(s) + 1 for s in v] for k, v in parts.items()}
                    for dm, parts in self.stability_changes(concept).items()
                },
                "expected_equilibria": {
                    self.space.dm_names[i]: dict(
                        zip(
                            ("now_expected", "no_longer_expected"),
                            (
                                [int(s) + 1 for s in part]
                                for part in self.expected_changes(concept, i)
                            ),
                            strict=True,
                        )
                    )
                    for i in self.before.misperceiving
                },
            }
        return {
            "corrected": list(self.corrected),
            "before": self.before.to_json(),
            "after": self.after.to_json(),
            "changes": changes,
        }

    def summary(self) -> str:
        lines = [f"corrected: {', '.join(self.corrected)}"]
        for concept in self.concepts:
            became = ", ".join(str(s + 1) for s in self.became(concept)) or "none"
            stopped = ", ".join(str(s + 1) for s in self.stopped(concept)) or "none"
            lines.append(f"{concept}: become hyper-equilibria {became}; stop being {stopped}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return present(self, "_repr_html_")


def correct(
    model: Conflict | StateSpace,
    names: str | Iterable[str],
    concepts: Iterable[str] = CONCEPTS,
) -> Correction:
    """ "What if that belief is corrected?": the hypergame with and without the perceptions
    ``names`` (one name or several), and the states that become / stop being
    hyper-equilibria.

    >>> import detente
    >>> model = detente.load_case("north-korea")
    >>> type(correct(model, model.perceptions[0].name, ["Nash"])).__name__
    'Correction'
    """
    space = as_space(model)
    dropped = [names] if isinstance(names, str) else list(dict.fromkeys(names))
    if not dropped:
        raise DetenteError("name a perception to correct")
    chosen = concept_names(concepts)
    before = _analyse(space, chosen, ())
    after = _analyse(space, chosen, dropped, before.true)
    return Correction(before=before, after=after, corrected=dropped)
