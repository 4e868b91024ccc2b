"""Documents as text: parsing YAML and JSON, finding a line for a place, and errors that say where.

Every problem becomes a one-line :class:`~detente.errors.ModelError` naming the file, the
line (when the parser knows it) and the path in the document.  The model readers
(:mod:`detente.io.files`, :mod:`detente.io.gmcr`) and the diagnosis history reader share it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import Location, ModelError

__all__ = [
    "line_of",
    "parse_document",
    "parse_json",
    "read_text",
    "validation_to_model_error",
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
