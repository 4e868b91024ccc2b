"""Reading and writing observed histories (``detente-history/1``, YAML or JSON).

Errors name the file and line.  The models are :mod:`detente.model.history`.

>>> from detente.cases import bundled_history
>>> history = load_history(bundled_history("north-korea"))
>>> history_to_yaml(history).splitlines()[0]
'format: detente-history/1'
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import yaml
from pydantic import ValidationError

from ..errors import ModelError
from ..model.history import HISTORY_FORMAT, History
from .documents import line_of, parse_document, read_text, validation_to_model_error

__all__ = ["history_to_yaml", "load_history", "parse_history"]


def parse_history(text: str, source: str = "<history>") -> History:
    """Parse and validate history text (YAML or JSON), locating any error in the document."""
    data, node = parse_document(text, source)
    if not isinstance(data, dict):
        got = "nothing" if data is None else type(data).__name__
        raise ModelError(
            f"expected a history (a mapping of fields), got {got}", source=source, line=1
        )
    if data.get("format") != HISTORY_FORMAT:
        where = ("format",)
        found = data.get("format")
        message = (
            f"this is a model file (format {found}), not a history"
            if found == "detente/1"
            else f"a history starts with 'format: {HISTORY_FORMAT}'"
            + (f" (got {found!r})" if found is not None else "")
        )
        raise ModelError(message, where, source=source, line=line_of(node, where))
    try:
        history = History.model_validate(data)
    except ValidationError as exc:
        error = validation_to_model_error(exc, data, History)
        raise error.located(source, line_of(node, error.loc)) from None
    except ModelError as exc:
        raise exc.located(source, line_of(node, exc.loc)) from None
    history._path = Path(source)
    history._line_of = partial(line_of, node)
    return history


def load_history(path: str | Path) -> History:
    """Load a ``detente-history/1`` file (YAML or JSON)."""
    text = read_text(path)
    return parse_history(text, str(path))


def history_to_yaml(history: History) -> str:
    """A history as YAML text (for examples and tests)."""
    data = history.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    data = {"format": HISTORY_FORMAT, **{k: v for k, v in data.items() if k != "format"}}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
