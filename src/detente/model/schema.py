"""The JSON Schema of the ``detente/1`` model format, generated from the pydantic model.

The published copy lives in ``docs/detente-1.schema.json``; a test keeps it current
(regenerate with ``detente schema > docs/detente-1.schema.json``).
"""

from __future__ import annotations

from typing import Any

from .conflict import Conflict

SCHEMA_ID = "https://detente.invalid/schema/detente-1.schema.json"


def model_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a ``detente/1`` model file."""
    schema = Conflict.model_json_schema()
    _allow_condition_shorthand(schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "detente/1 conflict model",  # after **schema, which has its own title
    }


def _allow_condition_shorthand(schema: dict[str, Any]) -> None:
    """A condition may also be written bare, as a pattern or an ``{option: value}`` mapping
    (see ``Condition._shorthand``); pydantic's schema only knows the object form."""
    defs = schema.get("$defs", {})
    if "Condition" not in defs:
        return
    defs["ConditionFields"] = defs.pop("Condition")
    defs["Condition"] = {
        "description": "A condition: a pattern such as 'Y-N' (one entry per option, '-' for"
        " don't care), a mapping {option: value} of values that all hold, or an object with"
        " exactly one of the fields when, statement, mutually_exclusive, at_least_one,"
        " exactly_one",
        "anyOf": [
            {"type": "string"},
            {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": {
                    "anyOf": [{"type": "boolean"}, {"type": "integer"}, {"type": "string"}]
                },
            },
            {"$ref": "#/$defs/ConditionFields"},
        ],
    }
