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

from ..errors import ModelError, name_hint
from .fuzzy_preferences import FuzzyPreferences
from .ordinal_preferences import StrongGaps, UnknownLevels, check_ordinal_preferences
from .per_dm import CONCEPT_FIELD, check_own_concepts
from .statements import StatementError, parse_statement, quoted_statement
from .values import pattern_constraints

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

    @field_validator("levels", mode="before")
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
    payoffs: dict[int | str, float] | list[tuple[StateRef, float]] | None = Field(
        default=None,
        description="A number per feasible state (higher is better), keyed by state number"
        " or label",
    )
    unknown: UnknownLevels = None
    strong: StrongGaps = None

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


class Alternative(_Strict):
    """One hypothesis about a decision maker's preferences, with its weight.

    Used when we do not know a DM's deeper fears: each alternative is a full preference
    specification; weights need not sum to 1 (they are normalised).
    """

    name: str = Field(min_length=1, description="e.g. 'regime survival first'")
    description: str = ""
    weight: float = Field(default=1.0, gt=0, description="Prior weight (normalised)")
    preferences: Preferences


class UncertainOrder(_Strict):
    """Two prioritization statements whose order is uncertain: with ``probability`` the
    second named statement is placed just above the first."""

    statements: tuple[int, int] = Field(
        description="1-based positions of two statements in the DM's prioritization"
    )
    probability: float = Field(default=0.5, ge=0, le=1)


class DecisionMaker(_Strict):
    name: str = Field(min_length=1)
    description: str = ""
    options: list[str] = Field(min_length=1, description="Names of the options it controls")
    preferences: Preferences
    alternatives: list[Alternative] = Field(
        default_factory=list,
        description="Uncertain preferences: weighted hypotheses that replace `preferences`"
        " in the uncertainty analysis",
    )
    uncertain_order: list[UncertainOrder] = Field(
        default_factory=list,
        description="Pairs of prioritization statements whose order is uncertain",
    )
    fuzzy: FuzzyPreferences | None = Field(
        default=None, description="Fuzzy preferences: the fuzzy satisficing threshold"
    )
    concept: str | None = Field(default=None, min_length=1, description=CONCEPT_FIELD)


class Outcome(_Strict):
    """A named set of states ('talks', 'deal', 'war'), given by a statement."""

    name: str = Field(min_length=1)
    description: str = ""
    when: str = Field(description="A statement; the outcome holds in the states satisfying it")


class Strategy(_Strict):
    """A named commitment of one DM (or allies) to option values, e.g. 'maximum pressure'.

    While a strategy is followed, the committed options keep these values: the committing
    DMs never move them, and the analysis starts from the status quo with the commitment
    applied.
    """

    name: str = Field(min_length=1)
    description: str = ""
    commit: dict[str, OptionValue] = Field(
        min_length=1, description="Option values held fixed, {option: value}"
    )


class Perception(_Strict):
    """How one DM sees the conflict: a first-level hypergame (Wang, Hipel & Fraser 1988,
    "Modeling misperceptions in games", Behavioral Science 33(3)).

    ``preferences`` gives the preferences the holder believes other DMs have (DMs left out
    are perceived correctly); ``unaware_of`` lists options the holder does not know exist
    (it believes they are never taken).
    """

    name: str = Field(min_length=1, description="e.g. 'NK believes the US seeks regime change'")
    description: str = ""
    holder: str = Field(description="The DM whose picture of the conflict this is")
    preferences: dict[str, Preferences] = Field(default_factory=dict)
    unaware_of: list[str] = Field(default_factory=list)


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
    outcomes: list[Outcome] = Field(default_factory=list)
    strategies: list[Strategy] = Field(default_factory=list)
    perceptions: list[Perception] = Field(default_factory=list)

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
                    raise ModelError(
                        f"unknown option {option!r}{name_hint(option, option_names)}", loc
                    )
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
        self._check_extensions(index, levels)
        check_ordinal_preferences(self)
        check_own_concepts(self.decision_makers)
        return self

    def _check_extensions(self, index: dict[str, int], levels: dict[str, int]) -> None:
        """Uncertain preferences, outcomes, strategies and perceptions name real things."""
        dms = self.dm_index
        for i, dm in enumerate(self.decision_makers):
            _check_unique(
                [a.name for a in dm.alternatives],
                ("decision_makers", i, "alternatives"),
                "alternative",
            )
            for a, alternative in enumerate(dm.alternatives):
                for k, text in enumerate(alternative.preferences.prioritization or []):
                    loc = (
                        "decision_makers",
                        i,
                        "alternatives",
                        a,
                        "preferences",
                        "prioritization",
                        k,
                    )
                    _check_statement(text, index, levels, loc)
            count = len(dm.preferences.prioritization or [])
            for u, pair in enumerate(dm.uncertain_order):
                loc = ("decision_makers", i, "uncertain_order", u, "statements")
                if not count:
                    raise ModelError("uncertain_order needs prioritization preferences", loc)
                for position in pair.statements:
                    if not 1 <= position <= count:
                        raise ModelError(f"statement {position} does not exist (1..{count})", loc)
                if pair.statements[0] == pair.statements[1]:
                    raise ModelError("name two different statements", loc)
        _check_unique([o.name for o in self.outcomes], ("outcomes",), "outcome")
        for k, outcome in enumerate(self.outcomes):
            _check_statement(outcome.when, index, levels, ("outcomes", k, "when"))
        _check_unique([s.name for s in self.strategies], ("strategies",), "strategy")
        for k, strategy in enumerate(self.strategies):
            pattern_constraints(self, strategy.commit, ("strategies", k, "commit"))
        _check_unique([p.name for p in self.perceptions], ("perceptions",), "perception")
        for k, perception in enumerate(self.perceptions):
            loc = ("perceptions", k)
            if perception.holder not in dms:
                hint = name_hint(perception.holder, dms)
                raise ModelError(
                    f"unknown decision maker {perception.holder!r}{hint}", (*loc, "holder")
                )
            for name, prefs in perception.preferences.items():
                where = (*loc, "preferences", name)
                if name not in dms:
                    raise ModelError(
                        f"unknown decision maker {name!r}{name_hint(name, dms)}", where
                    )
                for j, text in enumerate(prefs.prioritization or []):
                    _check_statement(text, index, levels, (*where, "prioritization", j))
            own = set(self.decision_makers[dms[perception.holder]].options)
            for j, option in enumerate(perception.unaware_of):
                where = (*loc, "unaware_of", j)
                if option not in index:
                    raise ModelError(f"unknown option {option!r}{name_hint(option, index)}", where)
                if option in own:
                    raise ModelError(
                        f"{perception.holder!r} cannot be unaware of its own option {option!r}",
                        where,
                    )

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
        raise ModelError(f"statement {quoted_statement(text)}: {exc}", loc) from None


def _check_condition(condition: Condition, conflict: Conflict, loc: tuple[str | int, ...]) -> None:
    index = conflict.option_index
    for field in ("mutually_exclusive", "at_least_one", "exactly_one"):
        names = getattr(condition, field)
        for j, name in enumerate(names or []):
            if name not in index:
                raise ModelError(
                    f"unknown option {name!r}{name_hint(name, index)}", (*loc, field, j)
                )
    if condition.statement is not None:
        levels = {o.name: o.top for o in conflict.options}
        _check_statement(condition.statement, index, levels, (*loc, "statement"))
    if condition.when is not None:
        # Resolving the pattern reports unknown options and bad values.
        pattern_constraints(conflict, condition.when, (*loc, "when"))
