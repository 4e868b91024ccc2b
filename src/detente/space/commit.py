"""Committed spaces: a conflict restricted to the states where a commitment holds.

A *commitment* holds some options at fixed values (a strategy of
:mod:`detente.analyses.strategies`).  While it is followed, the committing DM(s) never move
the committed options; since only an option's owner can change it, restricting the states
to those where the commitment holds and forbidding those moves are the same thing (the
graph model's reading of a DM that has "burnt its bridges" on an option: Fang, Hipel &
Kilgour 1993, *Interactive Decision Making*, ch. 3).  A :class:`CommittedSpace` is an
ordinary :class:`~detente.space.StateSpace`, so every analysis applies to it unchanged.

>>> import detente
>>> space = commit(detente.load_case("elmira"), {"Modify": "Y"})
>>> space.n_states, space.parent.n_states
(5, 9)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from ..errors import DetenteError, ModelError, name_hint
from ..model.conflict import Condition, Conflict, Strategy
from ..model.values import pattern_constraints
from ..words import value_text
from .state_space import StateSpace, as_space

__all__ = ["Commitment", "CommittedSpace", "commit", "commitment_of"]


@dataclass(frozen=True)
class Commitment:
    """Option values held fixed: ``values`` is ``((option index, value), ...)``."""

    name: str
    values: tuple[tuple[int, int], ...]
    description: str = ""

    def as_dict(self, space: StateSpace) -> dict[str, int]:
        """``{option name: value}`` (0/1 for binary options)."""
        return {space.option_names[k]: v for k, v in self.values}

    def text(self, space: StateSpace) -> str:
        """``sanctions=10, assurance=N`` (or ``nothing`` for the baseline)."""
        parts = [f"{space.option_names[k]}={value_text(space, k, v)}" for k, v in self.values]
        return ", ".join(parts) or "nothing"


def commitment_of(
    conflict: Conflict,
    strategy: Strategy | Mapping[str, Any] | str,
    loc: tuple[str | int, ...] = (),
) -> Commitment:
    """Resolve a strategy to a :class:`Commitment`.

    ``strategy`` is a :class:`~detente.model.Strategy`, the name of one of the model's
    strategies, or a mapping as written in a model file (``{"name": ..., "commit": {...}}``,
    or just ``{option: value}``).
    """
    if isinstance(strategy, str):
        for k, candidate in enumerate(conflict.strategies):
            if candidate.name == strategy:
                return commitment_of(conflict, candidate, ("strategies", k))
        hint = name_hint(strategy, [s.name for s in conflict.strategies], "strategies")
        raise DetenteError(f"unknown strategy {strategy!r}{hint}")
    if isinstance(strategy, Mapping):
        if "commit" in strategy:
            strategy = Strategy.model_validate(dict(strategy))
        else:
            values = pattern_constraints(conflict, dict(strategy), (*loc, "commit"))
            name = ", ".join(f"{k}={v}" for k, v in strategy.items())
            return Commitment(name=name, values=_unique_values(conflict, values, loc))
    values = pattern_constraints(conflict, strategy.commit, (*loc, "commit"))
    return Commitment(
        name=strategy.name,
        values=_unique_values(conflict, values, loc),
        description=strategy.description,
    )


def _unique_values(
    conflict: Conflict, values: list[tuple[int, int]], loc: tuple[str | int, ...]
) -> tuple[tuple[int, int], ...]:
    seen: dict[int, int] = {}
    for k, v in values:
        if k in seen and seen[k] != v:
            raise ModelError(f"option {conflict.options[k].name!r} is committed to two values", loc)
        seen[k] = v
    return tuple(sorted(seen.items()))


class CommittedSpace(StateSpace):
    """The state space of a conflict restricted to the states where a commitment holds.

    Build it with :func:`commit`.  It is a full :class:`~detente.space.StateSpace` (every
    analysis accepts it) with three additions: ``parent`` (the full conflict's space),
    ``commitment`` and ``parent_state`` (int64 array: the parent's 0-based index of each of
    its states).  Its ``conflict`` is the parent's with one infeasibility condition per
    excluded value of each committed option and the committed status quo; its preferences
    are the parent's scores (see the module docstring), not re-evaluated.
    """

    def __init__(self, parent: StateSpace, commitment: Commitment) -> None:
        self.parent = parent
        self.commitment = commitment
        self.status_quo_problem: str | None = None
        start = self._committed_status_quo()
        conflict = _committed_conflict(parent, commitment, start)
        # The parent's feasible combinations where the commitment holds: the set the
        # conflict's infeasibility conditions give, without decoding every combination.
        values = parent.member_values
        keep = np.ones(values.shape[0], dtype=bool)
        for k, v in commitment.values:
            keep &= values[:, k] == v
        super().__init__(
            conflict,
            max_states=parent.total_codes,
            max_memory=parent.max_memory,
            feasible=(parent.member_codes[keep], values[keep]),
            held_options=[k for k, _ in commitment.values],
        )
        self.parent_state = parent.states_of_codes(self.codes).astype(np.int64)
        if (self.parent_state < 0).any():  # pragma: no cover - a subset of feasible codes
            raise AssertionError("a committed state is not a state of the full conflict")

    def _committed_status_quo(self) -> dict[str, int] | None:
        """The parent's status quo with the committed values applied, as option values.

        For a merged status quo, its lowest-code member that stays feasible once the
        commitment is applied is used.  When none does, :attr:`status_quo_problem` says so.
        """
        parent = self.parent
        sq = parent.status_quo
        if sq is None:
            return None
        members = np.flatnonzero(parent.member_state == sq)
        values = parent.member_values[members].astype(np.int64)
        for k, v in self.commitment.values:
            values[:, k] = v
        feasible = np.flatnonzero(parent.states_of_codes(values @ parent.place) >= 0)
        if feasible.size == 0:
            self.status_quo_problem = (
                f"the status quo {sq + 1} ({parent.label(sq)}) becomes infeasible with"
                f" {self.commitment.text(parent)}"
            )
            return None
        row = values[feasible[0]]
        return {name: int(row[k]) for k, name in enumerate(parent.option_names)}

    @cached_property
    def scores(self) -> np.ndarray:
        """The parent's scores of the remaining states (preferences do not change)."""
        return self.parent.scores[:, self.parent_state]

    @cached_property
    def status_quo(self) -> int | None:
        """The committed status quo (None if the parent has none).  Raises
        :class:`~detente.errors.ModelError` when the commitment makes it infeasible."""
        if self.status_quo_problem is not None:
            raise ModelError(self.status_quo_problem, ("strategies",))
        ref = self.conflict.status_quo
        return None if ref is None else self.state_index(ref, ("status_quo",))


def _committed_conflict(
    parent: StateSpace, commitment: Commitment, status_quo: dict[str, int] | None
) -> Conflict:
    """The parent's conflict with the other values of every committed option infeasible and
    the committed status quo.  Strategies, perceptions and uncertain preferences are left
    out: they refer to the full conflict."""
    conflict = parent.conflict
    extra = []
    for k, value in commitment.values:
        name = parent.option_names[k]
        for other in range(int(parent.radices[k])):
            if other != value:
                extra.append(Condition(when={name: other}))
    return conflict.model_copy(
        update={
            "infeasible": [*conflict.infeasible, *extra],
            "status_quo": status_quo,
            "strategies": [],
            "perceptions": [],
            "decision_makers": [
                dm.model_copy(update={"alternatives": [], "uncertain_order": []})
                for dm in conflict.decision_makers
            ],
        }
    )


def commit(
    model: Conflict | StateSpace,
    strategy: Strategy | Commitment | Mapping[str, Any] | str,
) -> CommittedSpace:
    """The conflict restricted by a strategy (see the module docstring for the semantics).

    Raises :class:`~detente.errors.ModelError` if no feasible state satisfies the
    commitment.

    >>> import detente
    >>> space = commit(detente.load_case("elmira"), {"Modify": "Y"})
    >>> [space.parent.label(int(s)) for s in space.parent_state]
    ['YYNNN', 'YNYNN', 'YYNYN', 'YNYYN', '-NN-Y']
    """
    parent = as_space(model)
    commitment = (
        strategy if isinstance(strategy, Commitment) else commitment_of(parent.conflict, strategy)
    )
    if not commitment.values:
        raise DetenteError("a strategy must commit at least one option")
    values = parent.member_values
    keep = np.ones(values.shape[0], dtype=bool)
    for k, v in commitment.values:
        keep &= values[:, k] == v
    if not keep.any():
        raise ModelError(
            f"no feasible state has {commitment.text(parent)} (strategy {commitment.name!r})",
            ("strategies",),
        )
    return CommittedSpace(parent, commitment)
