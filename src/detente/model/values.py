"""Option values as users write them: ``Y``/``N``, levels, labels and patterns.

Pure functions over a :class:`~detente.model.conflict.Conflict`; the model's validators and
the compiled state space both resolve values here, so a value means the same everywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import Location, ModelError, name_hint

if TYPE_CHECKING:  # the Conflict validators call these while a Conflict is being built
    from .conflict import Conflict

__all__ = ["label_tokens", "option_value", "pattern_constraints"]


def option_value(raw: Any, top: int, name: str, loc: Location) -> int:
    """Turn Y/N/true/false/level into an integer option value."""
    if isinstance(raw, bool):
        value = int(raw)
    elif isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and raw.strip().upper() in ("Y", "N", "YES", "NO"):
        value = 1 if raw.strip().upper() in ("Y", "YES") else 0
        if top != 1:
            raise ModelError(f"option {name!r} has levels 0..{top}; give a level, not {raw!r}", loc)
    elif isinstance(raw, str) and raw.strip().isdigit():
        value = int(raw)
    else:
        raise ModelError(f"{raw!r} is not a value of option {name!r}", loc)
    if not 0 <= value <= top:
        raise ModelError(f"value {value} is outside 0..{top} for option {name!r}", loc)
    return value


def label_tokens(conflict: Conflict, text: str) -> list[str] | None:
    """Split a label or pattern into one token per option, or None if it cannot be."""
    m = len(conflict.options)
    stripped = text.strip()
    if any(sep in stripped for sep in (".", " ", ",", "/")):
        tokens = [t for t in stripped.replace(",", " ").replace(".", " ").replace("/", " ").split()]
    else:
        tokens = list(stripped)
    return tokens if len(tokens) == m else None


def pattern_constraints(
    conflict: Conflict, pattern: str | dict[str, Any], loc: Location
) -> list[tuple[int, int]]:
    """Resolve a condition pattern to ``[(option index, value), ...]``.

    A pattern is a mapping ``{option: value}`` or a string with one token per option (one
    character each when no option has more than ten levels, else separated by '.'), where
    '-' means "don't care".
    """
    index = conflict.option_index
    if isinstance(pattern, dict):
        out = []
        for name, raw in pattern.items():
            if name not in index:
                raise ModelError(f"unknown option {name!r}{name_hint(name, index)}", (*loc, name))
            k = index[name]
            out.append((k, option_value(raw, conflict.options[k].top, name, (*loc, name))))
        if not out:
            raise ModelError("an empty condition would match every state", loc)
        return out
    tokens = label_tokens(conflict, pattern)
    if tokens is None:
        raise ModelError(
            f"pattern {pattern!r} needs one entry per option ({len(conflict.options)}),"
            " '-' for don't care",
            loc,
        )
    out = []
    for k, token in enumerate(tokens):
        if token == "-":
            continue
        option = conflict.options[k]
        out.append((k, option_value(token, option.top, option.name, loc)))
    if not out:
        raise ModelError("an all-'-' pattern would match every state", loc)
    return out
