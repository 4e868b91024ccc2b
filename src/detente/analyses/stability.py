"""Stability analysis of a whole conflict: every concept, every decision maker, every state.

>>> from detente import load_case, analyze
>>> result = analyze(load_case("prisoners-dilemma"))
>>> [result.space.label(s) for s in result.equilibria("Nash")]  # both defect: Y = defects
['YY']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..engine import gmr_stable, nash_stable, seq_stable, sim_stable, smr_stable
from ..engine.limited_move import limited_move_stable, nonmyopic_stable
from ..errors import DetenteError
from ..model.conflict import Conflict
from ..space.state_space import StateSpace, as_space
from . import per_dm
from .costs import CostEstimate, estimate_cost, over_budget
from .graded import graded_concept, graded_stable_for
from .ordinal import OrdinalConceptError, ordinal_concept, ordinal_stable_for
from .presenting import present

#: Concepts in the order they are reported.
CONCEPTS = ("Nash", "GMR", "SMR", "SEQ", "SIM", "SEQSIM")
DEFAULT_CONCEPTS = CONCEPTS

_ALIASES = {
    "nash": "Nash",
    "r": "Nash",
    "gmr": "GMR",
    "smr": "SMR",
    "seq": "SEQ",
    "sim": "SIM",
    "seqsim": "SEQSIM",
    "seq&sim": "SEQSIM",
    "seq+sim": "SEQSIM",
}


class ConceptError(DetenteError, ValueError):
    """An unknown solution concept name."""


def concept_name(text: str) -> str:
    """Canonical name of a solution concept ('nash' -> 'Nash', 'l3' -> 'L3', 'nm' -> 'NM')."""
    key = text.strip().lower()
    if per_dm.is_per_dm(text):  # each DM under its own concept (GMCR II): analyses/per_dm.py
        return per_dm.PER_DM
    if per_dm.is_assignment(text):
        return per_dm.assignment_name(text, concept_name)
    if key in _ALIASES:
        return _ALIASES[key]
    if re.fullmatch(r"l\d+", key):
        if int(key[1:]) < 1:
            raise ConceptError(f"limited-move horizon must be at least 1 (got {text!r})")
        return f"L{int(key[1:])}"
    if key in ("nm", "nonmyopic", "non-myopic"):
        return "NM"
    if (ordinal := ordinal_concept(key)) is not None:  # unknown/strong/hybrid preferences
        return ordinal
    try:  # probabilistic and fuzzy preferences: "0.7-Nash", "(0.7,0.5)-GMR", "FSEQ"
        graded = graded_concept(text)
    except ValueError as exc:
        raise ConceptError(str(exc)) from None
    if graded is not None:
        return graded.name
    known = ", ".join(
        (
            *CONCEPTS,
            "L<h>",
            "NM",
            "GMR_a..SEQ_d",
            "GMR_strong",
            "GMR_a_strong",
            "α-Nash",
            "(α,β)-GMR|SMR",
            "(α,β,γ)-SEQ",
            "FR",
            "DM=CONCEPT,...",
            per_dm.PER_DM,
        )
    )
    raise ConceptError(f"unknown solution concept {text!r} (known: {known})")


per_dm.use_canonical(concept_name)  # the cost estimates resolve per-DM names with it


def concept_names(concepts: str | Iterable[str] | Mapping[str, str]) -> list[str]:
    """Canonical names of ``concepts``, each once, in order; one name may be given alone.

    >>> concept_names("nash")
    ['Nash']
    >>> concept_names(["seq", "Nash", "SEQ"])
    ['SEQ', 'Nash']
    """
    if isinstance(concepts, Mapping):  # {"US": "SEQ", "*": "Nash"}: one per-DM concept
        concepts = [per_dm.from_mapping(concepts)]
    if isinstance(concepts, str):
        concepts = [concepts]
    return list(dict.fromkeys(concept_name(c) for c in concepts))


def _padded(space: StateSpace, moves: Sequence[np.ndarray] | None) -> Sequence[np.ndarray]:
    """Explicit target arrays (built on first use: the fast concepts never need them)."""
    return space.moves if moves is None else moves


def _sim(
    space: StateSpace,
    moves: Sequence[np.ndarray] | None,
    ranks: np.ndarray,
    dm: int,
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """SIM combines option values, so with merged states it works on their members: a
    move is made from one member, and a merged state is stable when every member is."""
    structure = (space.radices, space.owners)
    if not space.merged or moves is not None:
        return sim_stable(
            _padded(space, moves), ranks, dm, space.codes, *structure, progress=progress
        )
    member_stable = sim_stable(
        space.member_moves,
        ranks[:, space.member_state],
        dm,
        space.member_codes,
        *structure,
        progress=progress,
    )
    stable = np.ones(space.n_states, dtype=bool)
    np.logical_and.at(stable, space.member_state, member_stable)
    return stable


def stable_for(
    space: StateSpace,
    concept: str,
    dm: int,
    ranks: np.ndarray | None = None,
    moves: Sequence[np.ndarray] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Boolean array over states: stable for DM ``dm`` under ``concept``.

    ``ranks``/``moves`` default to the space's own; pass others to analyse perceived or
    sampled preferences on the same state space.  ``progress(done, total)`` follows SIM's
    search (pairs of a state and an improvement decided).
    """
    concept = concept_name(concept)
    if concept == per_dm.PER_DM or per_dm.is_assignment(concept):
        own = per_dm.concept_of(space, concept, dm, concept_name)
        return stable_for(space, own, dm, ranks=ranks, moves=moves, progress=progress)
    if ordinal_concept(concept.lower()) is not None:  # unknown/strong/hybrid preferences
        if ranks is not None or moves is not None:
            raise OrdinalConceptError(f"{concept} uses the model's own preferences only")
        return ordinal_stable_for(space, concept, dm)
    graded = graded_concept(concept)
    if graded is not None:
        return graded_stable_for(space if ranks is None else space.with_ranks(ranks), graded, dm)
    own_ranks = ranks is None
    ranks = space.ranks if ranks is None else ranks
    move_sets = space.move_sets if moves is None else moves
    if concept == "Nash":
        return nash_stable(move_sets, ranks, dm)
    if concept == "GMR":
        return gmr_stable(move_sets, ranks, dm)
    if concept == "SMR":
        return smr_stable(move_sets, ranks, dm)
    improving = space.improving_sets if own_ranks and moves is None else None
    if concept == "SEQ":
        return seq_stable(move_sets, ranks, dm, improving)
    if concept == "SIM":
        return _sim(space, moves, ranks, dm, progress)
    if concept == "SEQSIM":
        # SEQ *and* SIM (Fang, Hipel & Kilgour 1993, Interactive Decision Making, Wiley,
        # ch. 4), kept from detente's first version: the defining text could not be read, and
        # GMCR+ is reported to use SEQ *or* SIM instead.  docs/sources.md says what was read.
        seq = seq_stable(move_sets, ranks, dm, improving)
        return seq & _sim(space, moves, ranks, dm, progress)
    if concept == "NM":
        return nonmyopic_stable(_padded(space, moves), ranks, dm)
    return limited_move_stable(_padded(space, moves), ranks, dm, int(concept[1:]))


@dataclass
class StabilityResult:
    """Stability of every state for every DM under each concept.

    ``stable[concept]`` is an (n_dms, n_states) boolean array.
    """

    space: StateSpace
    stable: dict[str, np.ndarray] = field(default_factory=dict)
    #: Concepts left out because their estimated cost was over the budget (see analyze).
    skipped: dict[str, CostEstimate] = field(default_factory=dict)

    @property
    def concepts(self) -> list[str]:
        return list(self.stable)

    def equilibria(self, concept: str) -> np.ndarray:
        """0-based indices of the states stable for every DM under ``concept``."""
        return np.flatnonzero(self.stable[concept_name(concept)].all(axis=0))

    def stable_states(self, concept: str, dm: int | str) -> np.ndarray:
        """0-based indices of the states stable for one DM."""
        index = dm if isinstance(dm, int) else self.space.dm_names.index(dm)
        return np.flatnonzero(self.stable[concept_name(concept)][index])

    # -- output ----------------------------------------------------------------------------
    def to_json(self, *, summary: bool = False) -> dict[str, Any]:
        """The documented JSON contract of ``detente analyze --format json``.

        States are numbered from 1; ``values`` follow the model's option order.  With
        ``summary`` only counts and equilibria are given (for large conflicts).
        """
        space = self.space
        equilibria = {c: [int(s) + 1 for s in self.equilibria(c)] for c in self.stable}
        if summary:
            return {
                "n_states": space.n_states,
                "counts": {
                    c: {
                        "stable": {
                            dm: int(a.sum()) for dm, a in zip(space.dm_names, arr, strict=True)
                        },
                        "equilibria": len(equilibria[c]),
                    }
                    for c, arr in self.stable.items()
                },
                "equilibria": equilibria,
            }
        return {
            "states": [
                {
                    "id": s + 1,
                    "label": space.label(s),
                    "values": space.values[s].astype(int).tolist(),
                }
                for s in range(space.n_states)
            ],
            "stability": {
                c: {
                    dm: [int(s) + 1 for s in np.flatnonzero(arr[i])]
                    for i, dm in enumerate(space.dm_names)
                }
                for c, arr in self.stable.items()
            },
            "equilibria": equilibria,
        }

    def to_frame(self):  # -> pandas.DataFrame
        """One row per state: number, label, and a column per (concept, DM) plus equilibrium
        (:func:`detente.render.frames.stability_frame`)."""
        return present(self, "to_frame")

    def _repr_html_(self) -> str:
        return present(self, "_repr_html_")


def analyze(
    model: Conflict | StateSpace,
    concepts: str | Iterable[str] | Mapping[str, str] = DEFAULT_CONCEPTS,
    *,
    ranks: np.ndarray | None = None,
    budget: float | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> StabilityResult:
    """Stability of every state for every DM under each of ``concepts`` (one name, or
    several; a mapping ``{"US": "SEQ", "*": "Nash"}`` is one concept per DM, see
    :mod:`detente.analyses.per_dm`).

    Every concept asked for is computed, however long it takes, unless ``budget`` (seconds)
    is given: then a concept whose estimated cost (:func:`detente.analyses.costs.estimate_cost`)
    is above it is left out and listed in ``result.skipped`` with its estimate.  The command
    line passes :data:`~detente.analyses.costs.DEFAULT_BUDGET_SECONDS` for its default
    concepts.  ``progress(concept, fraction)`` is called as each concept advances (0 to 1).

    >>> from detente import load_case
    >>> analyze(load_case("chicken"), "Nash").concepts
    ['Nash']
    >>> sorted(analyze(load_case("chicken"), ["Nash", "SIM"], budget=0).skipped)
    ['Nash', 'SIM']
    """
    space = as_space(model)
    result = StabilityResult(space)
    if concepts is DEFAULT_CONCEPTS:
        concepts = per_dm.with_own_concepts(concepts, space)
    for name in concept_names(concepts):
        if budget is not None:
            estimate = max(  # a per-DM concept: its costliest part
                (estimate_cost(space, c) for c in per_dm.parts(space, name, concept_name)),
                key=lambda e: e.seconds,
            )
            if over_budget(estimate, budget):
                result.skipped[name] = estimate
                continue
        rows = []
        for dm in range(space.n_dms):
            step = None
            if progress is not None:
                progress(name, dm / space.n_dms)
                step = _progress_of(progress, name, dm, space.n_dms)
            rows.append(stable_for(space, name, dm, ranks=ranks, progress=step))
        result.stable[name] = np.stack(rows)
        if progress is not None:
            progress(name, 1.0)
    return result


def _progress_of(
    progress: Callable[[str, float], None], name: str, dm: int, n_dms: int
) -> Callable[[int, int], None]:
    """A DM's (done, total) progress as the fraction of the whole concept."""
    return lambda done, total: progress(name, (dm + done / max(1, total)) / n_dms)
