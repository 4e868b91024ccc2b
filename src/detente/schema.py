"""The JSON Schema of the ``detente/1`` model format, generated from the pydantic model.

The published copy lives in ``docs/detente-1.schema.json``; a test keeps it current
(regenerate with ``detente schema > docs/detente-1.schema.json``).
"""

from __future__ import annotations

from typing import Any

from .model import Conflict

SCHEMA_ID = "https://detente.invalid/schema/detente-1.schema.json"


def model_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a ``detente/1`` model file."""
    schema = Conflict.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "detente/1 conflict model",
        **schema,
    }
