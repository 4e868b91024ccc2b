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

from ..errors import DetenteError, Location, ModelError
from ..model import Conflict

__all__ = [
    "dump_model",
    "line_of",
    "load_model",
    "locate_error",
    "parse_document",
    "parse_model",
]


def parse_json(text: str, source: str) -> Any:
    """JSON text as Python data; malformed JSON is a one-line :class:`ModelError`."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelError(
            f"malformed JSON: {exc.msg} (column {exc.colno})", source=source, line=exc.lineno
        ) from None
    except RecursionError:
        raise ModelError("malformed JSON: nested too deeply", source=source) from None


def parse_document(text: str, source: str) -> tuple[Any, yaml.Node | None]:
    """Parse YAML or JSON text into Python data plus the YAML node tree (for line numbers).

    A ``.json`` file is read by the JSON parser (PyYAML reads YAML 1.1, which rejects some
    valid JSON, e.g. tab indentation); its node tree is then only used for line numbers.
    """
    if source.lower().endswith(".json"):
        data = parse_json(text, source)
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except (yaml.YAMLError, RecursionError):
            node = None  # valid JSON that YAML 1.1 cannot read: no line numbers
        _reject_duplicate_keys(node, source)
        return data, node
    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "malformed"
        if mark is not None:
            problem += f" (column {mark.column + 1}"
            context = exc.context_mark
            if exc.context and context is not None and context.line != mark.line:
                problem += f"; {exc.context} started on line {context.line + 1}"
            problem += ")"
        raise ModelError(f"malformed YAML: {problem}", source=source, line=line) from None
    except yaml.YAMLError as exc:
        raise ModelError(f"malformed YAML: {exc}", source=source) from None
    except RecursionError:
        raise ModelError("malformed YAML: nested too deeply", source=source) from None
    _reject_duplicate_keys(node, source)
    return data, node


def _reject_duplicate_keys(root: yaml.Node | None, source: str) -> None:
    """A key given twice in one mapping is an error: the parsers would silently keep the
    last one, and the user's first value would be lost without a word."""
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                name = str(key.value)
                line = key.start_mark.line + 1
                if name in seen and name != "<<":
                    raise ModelError(
                        f"duplicate key {name!r} (first given on line {seen[name]})",
                        source=source,
                        line=line,
                    )
                seen[name] = line
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def line_of(node: yaml.Node | None, loc: Location) -> int | None:
    """Line (1-based) of the deepest node along ``loc`` that the document has."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if str(key.value) == str(part):
                    node = value
                    line = key.start_mark.line + 1
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if 0 <= part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                return line
        else:
            return line
    return line


_MESSAGES = {
    "extra_forbidden": "unknown field",
    "missing": "required field is missing",
}


def _document_loc(loc: tuple[Any, ...], data: Any) -> Location:
    """Drop the union-branch tags pydantic adds (e.g. 'list[...]', 'int') from a location."""
    out: list[str | int] = []
    node = data
    for part in loc:
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            out.append(part)
            node = node[part]
        elif (
            isinstance(node, dict)
            and not isinstance(part, int)
            and "[" not in str(part)
            and (str(part) not in ("str", "int", "float", "bool", "dict", "list", "tuple"))
        ):
            out.append(part)  # a missing or unknown key
            node = None
    return tuple(out)


def validation_to_model_error(exc: ValidationError, data: Any) -> ModelError:
    """The first pydantic error as a one-line ModelError with a document location."""
    errors = exc.errors(include_url=False)
    # Prefer the most specific error: the one with the longest location.
    first = max(errors, key=lambda e: len(_document_loc(e["loc"], data)))
    loc = _document_loc(first["loc"], data)
    message = _MESSAGES.get(first["type"], first["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if (
        first["type"] not in ("missing", "extra_forbidden")
        and "input" in first
        and "(got " not in message
    ):
        shown = repr(first["input"])
        if len(shown) <= 60:
            message += f" (got {shown})"
    return ModelError(message, loc)


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
        error = validation_to_model_error(exc, data)
    except ModelError as exc:
        error = exc
    raise error.located(source, line_of(node, error.loc))


def parse_model(text: str, source: str = "<model>") -> Conflict:
    """Parse and validate model text (YAML or JSON)."""
    data, node = parse_document(text, source)
    return model_from_data(data, source, node)


def read_text(path: str | Path) -> str:
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ModelError("no such file", source=str(path)) from None
    except IsADirectoryError:
        raise ModelError("is a directory, not a model file", source=str(path)) from None
    except UnicodeDecodeError:
        raise ModelError("not a UTF-8 text file", source=str(path)) from None
    except OSError as exc:
        raise ModelError(f"cannot read: {exc.strerror}", source=str(path)) from None


def load_model(path: str | Path) -> Conflict:
    """Load a model file: ``detente/1`` YAML or JSON, or a gmcr-py ``.gmcr`` save file."""
    path = Path(path)
    text = read_text(path)
    if path.suffix.lower() == ".gmcr":
        from .gmcr import gmcr_to_conflict

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
