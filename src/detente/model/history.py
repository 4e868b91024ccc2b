"""An observed history of a model: the ``detente-history/1`` file format (pydantic).

A history lists what the decision makers were seen to do, step by step (a move to a state,
or a stay), optionally with hypotheses about one DM's preferences.  Reading files is
:mod:`detente.io.history`; the analysis is :mod:`detente.analyses.diagnose`.  The step class
is :class:`ObservedStep` (``steps:`` in the file), not to be confused with a path's
:class:`detente.space.Step`.

>>> from detente.cases import bundled_history

>>> from detente.io.history import load_history
>>> history = load_history(bundled_history("north-korea"))
>>> history.format, isinstance(history.steps[0], ObservedStep)
('detente-history/1', True)
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from ..errors import ModelError
from .conflict import OptionValue, Preferences, StateRef

__all__ = ["DEFAULT_EPSILON", "HISTORY_FORMAT", "History", "HistoryHypothesis", "ObservedStep"]


#: The ``format:`` line every history file starts with.
HISTORY_FORMAT = "detente-history/1"
#: Probability that a DM errs on one observation (the error model).
DEFAULT_EPSILON = 0.05


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _as_text(value: Any) -> Any:
    """YAML reads 1994 as an int and 2017-09-03 as a date: keep them as written."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | datetime.date):
        return str(value)
    return value


class ObservedStep(_Strict):
    """One observation: a move (``state`` or ``set``, and ``by``) or a stay (``stayed``).

    ``state`` names the state reached (its number, label or a mapping of every option);
    ``set`` gives only the options that changed, ``{option: value}``, applied to the previous
    state.  ``by`` is the DM who moved (it may be left out when every changed option belongs
    to one DM).  ``stayed`` names the DM(s) that could have moved from the current state and
    did not (for ``period``).
    """

    state: StateRef | None = None
    changes: dict[str, OptionValue] | None = Field(
        default=None,
        alias="set",
        description="The options that changed, {option: value}, applied to the previous state",
    )
    by: str | None = Field(default=None, description="Who moved")
    stayed: str | list[str] | None = Field(
        default=None, description="DM(s) that could have moved from the current state and did not"
    )
    date: str | None = None
    period: str | None = Field(default=None, description="How long the stay lasted")
    note: str = ""
    source: str = Field(default="", description="Where the observation comes from")

    @field_validator("date", "period", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return _as_text(value)

    @model_validator(mode="after")
    def _one_kind(self) -> ObservedStep:
        move = self.state is not None or self.changes is not None
        if self.state is not None and self.changes is not None:
            raise ValueError("give the state reached ('state') or the changes ('set'), not both")
        if move and self.stayed is not None:
            raise ValueError("a step is a move ('state' or 'set') or a stay ('stayed'), not both")
        if not move and self.stayed is None:
            raise ValueError("give 'state' or 'set' (with 'by') for a move, or 'stayed' for a stay")
        if self.stayed is not None and self.by is not None:
            raise ValueError("'by' belongs to a move; a stay names its DM(s) in 'stayed'")
        if self.changes is not None and not self.changes:
            raise ValueError("'set' needs at least one option")
        return self

    @property
    def stayers(self) -> list[str]:
        if self.stayed is None:
            return []
        return [self.stayed] if isinstance(self.stayed, str) else list(self.stayed)


class HistoryHypothesis(_Strict):
    """A hypothesis about one DM's preferences, carried by the history file."""

    name: str = Field(min_length=1)
    description: str = ""
    dm: str = Field(description="The decision maker whose preferences this is")
    weight: float = Field(default=1.0, gt=0, description="Prior weight (normalised)")
    preferences: Preferences


class History(_Strict):
    """An observed history of a model (the ``detente-history/1`` file format)."""

    format: Literal["detente-history/1"] = Field(
        default=HISTORY_FORMAT, description="File format version"
    )
    name: str = ""
    description: str = ""
    source: str = ""
    model: str | None = Field(
        default=None,
        description="The model it belongs to: a bundled case name or a path relative to this file",
    )
    dm: str | list[str] | None = Field(
        default=None, description="Whose preferences to diagnose by default"
    )
    epsilon: float = Field(
        default=DEFAULT_EPSILON, gt=0, lt=0.5, description="Probability that a DM errs"
    )
    start: StateRef | None = Field(
        default=None, description="The first state (default: the model's status quo)"
    )
    start_date: str | None = None
    start_note: str = ""
    steps: list[ObservedStep] = Field(min_length=1)
    hypotheses: list[HistoryHypothesis] = Field(default_factory=list)

    _path: Path | None = PrivateAttr(default=None)
    # Where each field sits in the file it was read from: set by io.history, which knows
    # the YAML tree; the model itself does no I/O.
    _line_of: Callable[[tuple], int | None] | None = PrivateAttr(default=None)

    @field_validator("start_date", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return _as_text(value)

    @model_validator(mode="after")
    def _unique_hypotheses(self) -> History:
        seen: set[tuple[str, str]] = set()
        for k, hypothesis in enumerate(self.hypotheses):
            key = (hypothesis.dm, hypothesis.name)
            if key in seen:
                raise ModelError(
                    f"duplicate hypothesis name {hypothesis.name!r} for {hypothesis.dm!r}",
                    ("hypotheses", k, "name"),
                )
            seen.add(key)
        return self

    @property
    def dms(self) -> list[str]:
        if self.dm is None:
            return []
        return [self.dm] if isinstance(self.dm, str) else list(self.dm)

    def locate(self, error: ModelError) -> ModelError:
        """Name this history's file and line in an error found while resolving it."""
        if error.source is not None or self._path is None:
            return error
        line = self._line_of(error.loc) if self._line_of is not None else None
        return error.located(str(self._path), line)
