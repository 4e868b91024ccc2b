"""Documents as text: parsing YAML and JSON, finding a line for a place, and errors that say where.

Every problem becomes a one-line :class:`~detente.errors.ModelError` naming the file, the
line (when the parser knows it) and the path in the document.  The model readers
(:mod:`detente.io.files`, :mod:`detente.io.gmcr`) and the diagnosis history reader share it.
"""

from __future__ import annotations

import json
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import Location, ModelError, name_hint

__all__ = [
    "line_of",
    "parse_document",
    "parse_json",
    "read_text",
    "validation_to_model_error",
]


def parse_json(text: str, source: str) -> Any:
    """JSON text as Python data; malformed JSON, or more than :data:`MAX_DOCUMENT_NODES`
    values, is a one-line :class:`ModelError`."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelError(
            f"malformed JSON: {exc.msg} (column {exc.colno})", source=source, line=exc.lineno
        ) from None
    except RecursionError:
        raise ModelError("malformed JSON: nested too deeply", source=source) from None
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        raise ModelError(f"malformed JSON: {_first_clause(exc)}", source=source) from None
    if _too_many_values(data):  # before anything (the YAML composer, pydantic) walks it
        raise ModelError(_too_large_text(), source=source, line=1)
    return data


def _first_clause(exc: Exception) -> str:
    """An exception's message as one short clause (parsers' messages run over lines)."""
    return " ".join(str(exc).split(";")[0].split())


#: Largest number of nodes a document may hold once its aliases are expanded.  An alias
#: (``*name``) stands for a whole copy of the value anchored as ``&name``, so a small file
#: can name an enormous document (the "billion laughs": nine levels of nine aliases expand
#: to 9^9 nodes).  Every reader of the expanded data (pydantic, the model checks, the
#: workbench) pays for each copy, so the budget is checked, in time linear in the file,
#: before anything walks the data.  The largest bundled case (North Korea) holds 376
#: nodes; reading a document costs about 0.1 ms per node in pure-Python PyYAML, so the
#: budget also bounds the time a document can take to read.
MAX_DOCUMENT_NODES = 50_000


def _too_large_text() -> str:
    return (
        f"the document is too large: more than {MAX_DOCUMENT_NODES:,} values"
        " (aliases count every copy)"
    )


class _TooLarge(yaml.composer.ComposerError):
    """The document holds more than MAX_DOCUMENT_NODES nodes."""


#: Deepest nesting of lists and mappings a document may have.  A model is a few levels deep
#: (the bundled cases reach 6); without a bound, 50,000 nested brackets would exhaust the
#: composer's recursion, and in libyaml's compiled composer the C stack itself.
MAX_DOCUMENT_DEPTH = 100

#: libyaml's parser and composer where PyYAML was built with it (its wheels are): reading
#: is then compiled code, about ten times faster than PyYAML's pure-Python reader, which
#: matters for the workbench, where a hostile upload must not hold a request for seconds.
_Loader = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader

_NODE_EVENTS = (yaml.ScalarEvent, yaml.AliasEvent, yaml.CollectionStartEvent)


def _scan(text: str) -> None:
    """Walk the parser's events once, before anything is composed, and refuse a document
    that is too large, nested too deeply, or holds an alias inside the value it names.

    ``a: &a [*a]`` would compose into a list that contains itself; every walk over the data
    then loops forever.  The scan sees the alias while its anchor's value is still open, so
    the error names its line.  Counting events also stops a huge file early: composing it is
    itself the slow part.
    """
    loader = _Loader(text)
    nodes = 0
    open_anchors: list[str | None] = []  # one entry per open list or mapping
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, _NODE_EVENTS):
                nodes += 1
                if nodes > MAX_DOCUMENT_NODES:
                    raise _TooLarge(None, None, _too_large_text(), event.start_mark)
            if isinstance(event, yaml.AliasEvent) and event.anchor in open_anchors:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"alias *{event.anchor} is used inside the value it names, which would"
                    " then contain itself",
                    event.start_mark,
                )
            if isinstance(event, yaml.CollectionStartEvent):
                open_anchors.append(event.anchor)
                if len(open_anchors) > MAX_DOCUMENT_DEPTH:
                    raise yaml.composer.ComposerError(
                        None,
                        None,
                        f"nested too deeply (more than {MAX_DOCUMENT_DEPTH} levels)",
                        event.start_mark,
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                open_anchors.pop()
    finally:
        loader.dispose()


def _compose(text: str) -> yaml.Node | None:
    _scan(text)
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _construct(node: yaml.Node | None) -> Any:
    """Python data of a composed (and checked) YAML node tree."""
    if node is None:
        return None
    loader = _Loader("")
    try:
        return loader.construct_document(node)
    finally:
        loader.dispose()


def parse_document(text: str, source: str) -> tuple[Any, yaml.Node | None]:
    r"""Parse YAML or JSON text into Python data plus the YAML node tree (for line numbers).

    A ``.json`` file is read by the JSON parser (PyYAML reads YAML 1.1, which rejects some
    valid JSON, e.g. tab indentation); its node tree is then only used for line numbers.
    Aliases that would make the data contain itself, or expand it beyond
    :data:`MAX_DOCUMENT_NODES`, are located errors.

    >>> parse_document("a: &x [1, 2]\nb: *x\n", "m.yaml")[0]
    {'a': [1, 2], 'b': [1, 2]}
    >>> parse_document("a: &x [*x]\n", "m.yaml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    detente.errors.ModelError: m.yaml:1: malformed YAML: alias *x is used inside the value ...
    """
    if source.lower().endswith(".json"):
        data = parse_json(text, source)
        try:
            node = _compose(text)
        except _TooLarge as exc:
            line = exc.problem_mark.line + 1 if exc.problem_mark else None
            raise ModelError(_too_large_text(), source=source, line=line) from None
        except (yaml.YAMLError, RecursionError):
            node = None  # valid JSON that YAML 1.1 cannot read: no line numbers
        _check_nodes(node, source)
        return data, node
    try:
        node = _compose(text)
        _check_nodes(node, source)
        data = _construct(node)
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
        if isinstance(exc, _TooLarge):
            raise ModelError(_too_large_text(), source=source, line=line) from None
        raise ModelError(f"malformed YAML: {problem}", source=source, line=line) from None
    except yaml.YAMLError as exc:
        raise ModelError(f"malformed YAML: {_first_clause(exc)}", source=source) from None
    except RecursionError:
        raise ModelError("malformed YAML: nested too deeply", source=source) from None
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        raise ModelError(f"malformed YAML: {_first_clause(exc)}", source=source) from None
    return data, node


def _too_many_values(data: Any) -> bool:
    """Whether parsed JSON holds more than MAX_DOCUMENT_NODES values (JSON has no aliases)."""
    count = 0
    pending = [data]
    while pending:
        value = pending.pop()
        count += 1
        if count > MAX_DOCUMENT_NODES:
            return True
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_nodes(root: yaml.Node | None, source: str) -> None:
    """Refuse duplicate keys and documents too large once aliases are expanded.

    Each distinct node is visited once (an alias shares its anchor's node), so the check is
    linear in the file however much the aliases would expand.  A key given twice in one
    mapping is an error: the parsers would silently keep the last one, and the user's first
    value would be lost without a word.
    """
    if root is None:
        return
    # Post-order over distinct nodes: the expanded size of a node is 1 + its children's.
    size: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in size:
            continue
        children = _children(node)
        if not done:
            if isinstance(node, yaml.MappingNode):
                _reject_duplicate_keys(node, source)
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in size)
            continue
        total = 1 + sum(size[id(child)] for child in children)
        if total > MAX_DOCUMENT_NODES:
            raise ModelError(
                _too_large_text(),
                source=source,
                line=node.start_mark.line + 1,
            )
        size[id(node)] = total


def _reject_duplicate_keys(node: yaml.MappingNode, source: str) -> None:
    seen: dict[str, int] = {}
    for key, _ in node.value:
        name = str(key.value)
        line = key.start_mark.line + 1
        if name in seen and name != "<<":
            raise ModelError(
                f"duplicate key {name!r} (first given on line {seen[name]})",
                source=source,
                line=line,
            )
        seen[name] = line


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


def _models_in(annotation: Any) -> set[type[BaseModel]]:
    """The pydantic models a field's type holds, through lists, dicts, unions and Annotated."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return {annotation}
    found: set[type[BaseModel]] = set()
    for arg in typing.get_args(annotation):
        found |= _models_in(arg)
    return found


def _fields_at(model: type[BaseModel], loc: Location) -> list[str]:
    """The field names accepted at ``loc`` of a ``model`` document, to suggest a spelling.

    List indices and dictionary keys (a DM's name in a perception) leave the models as they
    are; a field name moves to the models its type holds.
    """
    models = {model}
    for part in loc:
        if isinstance(part, int):
            continue
        inner = {m for m in models if str(part) in m.model_fields}
        if inner:
            models = set().union(*(_models_in(m.model_fields[str(part)].annotation) for m in inner))
    names: list[str] = []
    for m in sorted(models, key=lambda m: m.__name__):
        for name, field in m.model_fields.items():
            names.append(field.alias or name)
    return names


def validation_to_model_error(
    exc: ValidationError, data: Any, model: type[BaseModel] | None = None
) -> ModelError:
    """The first pydantic error as a one-line ModelError with a document location.

    Given the ``model`` validated, an unknown field names the closest known one ("unknown
    field 'decision_maker' (did you mean 'decision_makers'?)").
    """
    errors = exc.errors(include_url=False)
    # Prefer the most specific error: the one with the longest location; at equal depth not
    # a missing field, since a misspelt field shows as the real one missing and as unknown.
    first = max(
        errors,
        key=lambda e: (len(_document_loc(e["loc"], data)), e["type"] != "missing"),
    )
    loc = _document_loc(first["loc"], data)
    message = _MESSAGES.get(first["type"], first["msg"])
    if first["type"] == "extra_forbidden" and model is not None and loc:
        message += name_hint(str(loc[-1]), _fields_at(model, loc[:-1]))
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
