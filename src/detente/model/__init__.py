"""The pure model: validated conflict data (pydantic) and the statement language; no I/O.

``conflict`` is the single source of the ``detente/1`` format, ``statements`` the language
of preference statements and conditions, ``values`` how option values are written, and
``schema`` the JSON Schema generated from the model.
"""

from .conflict import (
    FORMAT,
    Alternative,
    Condition,
    ConditionPattern,
    Conflict,
    DecisionMaker,
    Direction,
    Option,
    OptionValue,
    Outcome,
    Perception,
    Preferences,
    StateRef,
    Strategy,
    UncertainOrder,
)
from .statements import StatementError, parse_statement
from .values import pattern_constraints

__all__ = [
    "FORMAT",
    "Alternative",
    "Condition",
    "ConditionPattern",
    "Conflict",
    "DecisionMaker",
    "Direction",
    "Option",
    "OptionValue",
    "Outcome",
    "Perception",
    "Preferences",
    "StateRef",
    "StatementError",
    "Strategy",
    "UncertainOrder",
    "parse_statement",
    "pattern_constraints",
]
