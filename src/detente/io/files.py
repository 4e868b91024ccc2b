"""Model files: YAML (or JSON) in the ``detente/1`` format, with errors that say where.

Every problem becomes a one-line :class:`~detente.errors.ModelError` naming the file, the
line (when the parser knows it) and the path in the document.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import DetenteError, ModelError
from ..model.conflict import Conflict
from .documents import line_of, parse_document, read_text, validation_to_model_error
from .gmcr import gmcr_to_conflict

__all__ = [
    "dump_model",
    "load_model",
    "locate_error",
    "model_from_data",
    "model_to_data",
    "parse_model",
]


def model_from_data(data: Any, source: str = "<model>", node: yaml.Node | None = None) -> Conflict:
    """Validate parsed data as a :class:`Conflict`, locating any error in the document."""
    if not isinstance(data, dict):
        got = "nothing" if data is None else type(data).__name__
        raise ModelError(
            f"expected a model (a mapping of fields), got {got}", source=source, line=1
        )
    try:
        return Conflict.model_validate(data)
    except ValidationError as exc:
        error = validation_to_model_error(exc, data, Conflict)
    except ModelError as exc:
        error = exc
    raise error.located(source, line_of(node, error.loc))


def parse_model(text: str, source: str = "<model>") -> Conflict:
    """Parse and validate model text (YAML or JSON)."""
    data, node = parse_document(text, source)
    return model_from_data(data, source, node)


def load_model(path: str | Path) -> Conflict:
    """Load a model file: ``detente/1`` YAML or JSON, or a gmcr-py ``.gmcr`` save file."""
    path = Path(path)
    text = read_text(path)
    if path.suffix.lower() == ".gmcr":
        return gmcr_to_conflict(text, str(path))
    return parse_model(text, str(path))


def locate_error(error: ModelError, path: str | Path) -> ModelError:
    """Name ``path`` (and, for YAML/JSON, the line of ``error.loc``) in an error found after
    loading the file, e.g. while compiling its model."""
    if error.source is not None:
        return error
    line = None
    if error.loc and Path(path).suffix.lower() != ".gmcr":
        try:
            _, node = parse_document(read_text(path), str(path))
            line = line_of(node, error.loc)
        except DetenteError:
            pass
    return error.located(str(path), line)


def model_to_data(conflict: Conflict) -> dict[str, Any]:
    """Plain data for a model, leaving out fields at their defaults."""
    return conflict.model_dump(mode="json", exclude_defaults=True) | {"format": conflict.format}


def dump_model(conflict: Conflict, fmt: str = "yaml") -> str:
    """Serialise a model as ``detente/1`` YAML or JSON text."""
    data = model_to_data(conflict)
    ordered = {"format": data.pop("format"), **data}
    if fmt == "json":
        return json.dumps(ordered, indent=2) + "\n"
    if fmt != "yaml":
        raise DetenteError(f"unknown output format {fmt!r} (yaml or json)")
    return yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True, width=100)
