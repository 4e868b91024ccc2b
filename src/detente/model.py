"""The conflict model in option form: pure, validated data with no I/O.

A :class:`Conflict` lists options (in the order that defines state codes), decision makers
(each owning some options and holding preferences), infeasibility conditions, optional merges
of indistinguishable states and a status quo.  These pydantic models are the single source
of truth for validation, for the JSON Schema of the ``detente/1`` file format and for the
docs.  Checks that need the state space (a ranking must cover every feasible state, the
status quo must be feasible, ...) happen when the model is compiled, see
:mod:`detente.space`.

Terms follow Fang, Hipel & Kilgour (1993), *Interactive Decision Making: The Graph Model for
Conflict Resolution*, Wiley.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .errors import ModelError
from .statements import StatementError, parse_statement

FORMAT = "detente/1"

Direction = Literal["both", "forward", "backward"]
OptionValue = Annotated[
    bool | int | str,
    Field(description="Y/N (or true/false) for a binary option, a level for a levelled one"),
]
StateRef = Annotated[
    int | str | dict[str, OptionValue],
    Field(
        description="A state: its number (1-based), its label (e.g. 'YNNY') or a mapping"
        " of every option to its value"
    ),
]
ConditionPattern = Annotated[
    str | dict[str, OptionValue],
    Field(
        description="Option values that must all hold: a mapping {option: value} (options"
        " left out don't matter) or a pattern with one character per option, '-' for"
        " don't care, e.g. 'Y-N'"
    ),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Option(_Strict):
    """A course of action one decision maker controls."""

    name: str = Field(min_length=1, description="Unique name, used in statements and labels")
    description: str = ""
    levels: int | str | None = Field(
        default=None,
        description="Omit for a binary (Y/N) option. For a dial, the levels as '0..10'"
        " (or just the top level, 10).",
    )
    direction: Direction = Field(
        default="both",
        description="Permitted moves: both ways, 'forward' only (N->Y, or up a dial) or"
        " 'backward' only (Y->N, or down a dial); irreversible options are forward or backward",
    )
    step: int | None = Field(
        default=None, ge=1, description="For a dial: the largest change in one move"
    )

    @field_validator("levels")
    @classmethod
    def _check_levels(cls, value: int | str | None) -> int | str | None:
        if value is None:
            return value
        top = _parse_levels(value)
        if top is None:
            raise ValueError("levels must look like '0..10' or be the top level (an integer >= 1)")
        return value

    @property
    def top(self) -> int:
        """Highest level: 1 for a binary option."""
        if self.levels is None:
            return 1
        top = _parse_levels(self.levels)
        assert top is not None
        return top

    @property
    def binary(self) -> bool:
        return self.levels is None

    @property
    def radix(self) -> int:
        """Number of values the option can take."""
        return self.top + 1


def _parse_levels(value: int | str) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 1 else None
    match = re.fullmatch(r"\s*0\s*\.\.\s*(\d+)\s*", str(value))
    if match and int(match.group(1)) >= 1:
        return int(match.group(1))
    return None


class Condition(_Strict):
    """A set of states, written in one of several forms.

    Exactly one field is given: ``when`` (option values that all hold), ``statement`` (a
    statement of the prioritization language), or one of the helpers
    ``mutually_exclusive`` (two or more of the options taken together),
    ``at_least_one`` (none of the options taken) and ``exactly_one`` (not exactly one
    taken).  As an infeasibility condition, a helper describes the states it rules out.
    """

    when: ConditionPattern | None = None
    statement: str | None = None
    mutually_exclusive: list[str] | None = Field(default=None, min_length=2)
    at_least_one: list[str] | None = Field(default=None, min_length=1)
    exactly_one: list[str] | None = Field(default=None, min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        # A bare pattern string or mapping of option values is the common case: accept it
        # without the "when:" key.
        if isinstance(data, str):
            return {"when": data}
        if isinstance(data, dict) and data and not set(data) & set(cls.model_fields):
            return {"when": data}
        return data

    @model_validator(mode="after")
    def _exactly_one_form(self) -> Condition:
        given = [name for name in type(self).model_fields if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of when, statement, mutually_exclusive, at_least_one,"
                f" exactly_one (got {', '.join(given) or 'none'})"
            )
        return self


class Preferences(_Strict):
    """One decision maker's preferences, in exactly one of three forms."""

    prioritization: list[str] | None = Field(
        default=None,
        min_length=1,
        description="Option prioritization: statements, most important first. Statement k"
        " of K weighs 2^(K-k); a state scores the weights of the statements it satisfies.",
    )
    ranking: list[StateRef | list[StateRef]] | None = Field(
        default=None,
        min_length=1,
        description="Every feasible state, most preferred first; a list groups tied states",
    )
    payoffs: dict[str, float] | list[tuple[StateRef, float]] | None = Field(
        default=None,
        description="A number per feasible state (higher is better), keyed by state number"
        " or label",
    )

    @model_validator(mode="after")
    def _one_form(self) -> Preferences:
        given = [name for name in ("prioritization", "ranking", "payoffs") if getattr(self, name)]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of prioritization, ranking, payoffs"
                f" (got {', '.join(given) or 'none'})"
            )
        return self

    @property
    def form(self) -> str:
        for name in ("prioritization", "ranking", "payoffs"):
            if getattr(self, name):
                return name
        raise AssertionError("validated preferences have a form")


class DecisionMaker(_Strict):
    name: str = Field(min_length=1)
    description: str = ""
    options: list[str] = Field(min_length=1, description="Names of the options it controls")
    preferences: Preferences


class Conflict(_Strict):
    """A conflict in option form (the ``detente/1`` file format)."""

    format: Literal["detente/1"] = Field(default=FORMAT, description="File format version")
    name: str = ""
    description: str = ""
    source: str = Field(default="", description="Where the model comes from (citation)")
    options: list[Option] = Field(
        min_length=1, description="All options; their order defines state codes"
    )
    decision_makers: list[DecisionMaker] = Field(min_length=1)
    infeasible: list[Condition] = Field(
        default_factory=list, description="Conditions that rule states out"
    )
    merge: list[Condition] = Field(
        default_factory=list,
        description="Each condition's feasible states are indistinguishable and become one"
        " state (as GMCR II's state merging)",
    )
    status_quo: StateRef | None = None

    @model_validator(mode="after")
    def _check_names(self) -> Conflict:
        _check_unique([o.name for o in self.options], ("options",), "option")
        _check_unique(
            [d.name for d in self.decision_makers], ("decision_makers",), "decision maker"
        )
        owners: dict[str, str] = {}
        option_names = {o.name for o in self.options}
        for i, dm in enumerate(self.decision_makers):
            for j, option in enumerate(dm.options):
                loc = ("decision_makers", i, "options", j)
                if option not in option_names:
                    raise ModelError(f"unknown option {option!r}", loc)
                if option in owners:
                    raise ModelError(
                        f"option {option!r} has two owners: {owners[option]!r} and {dm.name!r}",
                        loc,
                    )
                owners[option] = dm.name
        for k, option in enumerate(self.options):
            if option.name not in owners:
                raise ModelError(
                    f"option {option.name!r} has no owner: list it under one decision maker",
                    ("options", k),
                )
            if option.step is not None and option.binary:
                raise ModelError("'step' needs a levelled option", ("options", k, "step"))
        index = self.option_index
        levels = {o.name: o.top for o in self.options}
        for i, dm in enumerate(self.decision_makers):
            for k, text in enumerate(dm.preferences.prioritization or []):
                _check_statement(
                    text, index, levels, ("decision_makers", i, "preferences", "prioritization", k)
                )
        for field in ("infeasible", "merge"):
            for k, condition in enumerate(getattr(self, field)):
                _check_condition(condition, self, (field, k))
        return self

    # -- derived facts ---------------------------------------------------------------------
    @property
    def option_index(self) -> dict[str, int]:
        return {o.name: k for k, o in enumerate(self.options)}

    @property
    def dm_index(self) -> dict[str, int]:
        return {d.name: k for k, d in enumerate(self.decision_makers)}

    def owner_of(self, option: str) -> int:
        for i, dm in enumerate(self.decision_makers):
            if option in dm.options:
                return i
        raise KeyError(option)


def _check_unique(names: list[str], loc: tuple[str | int, ...], what: str) -> None:
    seen: set[str] = set()
    for k, name in enumerate(names):
        if name in seen:
            raise ModelError(f"duplicate {what} name {name!r}", (*loc, k, "name"))
        seen.add(name)


def _check_statement(
    text: str, index: dict[str, int], levels: dict[str, int], loc: tuple[str | int, ...]
) -> None:
    try:
        parse_statement(text, index, levels)
    except StatementError as exc:
        raise ModelError(f"statement {text!r}: {exc}", loc) from None


def _check_condition(condition: Condition, conflict: Conflict, loc: tuple[str | int, ...]) -> None:
    index = conflict.option_index
    for field in ("mutually_exclusive", "at_least_one", "exactly_one"):
        names = getattr(condition, field)
        for j, name in enumerate(names or []):
            if name not in index:
                raise ModelError(f"unknown option {name!r}", (*loc, field, j))
    if condition.statement is not None:
        levels = {o.name: o.top for o in conflict.options}
        _check_statement(condition.statement, index, levels, (*loc, "statement"))
    if condition.when is not None:
        # Resolving the pattern reports unknown options and bad values.
        from .space import pattern_constraints

        pattern_constraints(conflict, condition.when, (*loc, "when"))
