"""Errors a user can act on.

Every problem with a user's model ends in a :class:`ModelError`: one line that says which
file, where in it (the path in the document and, when the YAML parser gives one, the line)
and what is wrong.  Interfaces print ``str(error)`` and exit with status 2; they never show
a traceback for bad input.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

Location = tuple[str | int, ...]


def format_location(loc: Location) -> str:
    """Render a document path such as ``("decision_makers", 1, "preferences")``.

    >>> format_location(("decision_makers", 1, "preferences"))
    'decision_makers[1].preferences'
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def name_hint(name: str, known: Iterable[str], listing: str | None = None) -> str:
    """What to say after "unknown option 'x'": the close known name, if one is close.

    One home for every "did you mean" so that a typo in a file, a command option or a
    statement is answered the same way.  Closeness is :func:`difflib.get_close_matches`
    (ratio 0.6, ignoring case, since names are also matched case-insensitively elsewhere).
    With no close name and a ``listing`` word, the known names are listed instead.

    >>> name_hint("decision_maker", ["options", "decision_makers"])
    " (did you mean 'decision_makers'?)"
    >>> name_hint("zzz", ["sanctions", "talks"], "options")
    ' (options: sanctions, talks)'
    >>> name_hint("zzz", ["sanctions"])
    ''
    """
    names = list(dict.fromkeys(str(k) for k in known))
    folded = {k.casefold(): k for k in reversed(names)}
    close = difflib.get_close_matches(str(name).casefold(), list(folded), n=1, cutoff=0.6)
    if close:
        return f" (did you mean {folded[close[0]]!r}?)"
    if listing is not None:
        return f" ({listing}: {', '.join(names) or 'none'})"
    return ""


class DetenteError(Exception):
    """Base class of every error detente raises on purpose."""


class ModelError(DetenteError):
    """A model (or a file holding one) is invalid.

    Deliberately not a ``ValueError``: pydantic would wrap it and lose its location.

    ``loc`` is the path inside the document, ``source`` the file name and ``line`` the
    1-based line number when known.
    """

    def __init__(
        self,
        message: str,
        loc: Location = (),
        *,
        source: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.loc = tuple(loc)
        self.source = source
        self.line = line

    def located(self, source: str | None = None, line: int | None = None) -> ModelError:
        """Return a copy (of the same class) that also names the file and line."""
        return type(self)(
            self.message,
            self.loc,
            source=source if source is not None else self.source,
            line=line if line is not None else self.line,
        )

    def __str__(self) -> str:
        head = ""
        if self.source:
            head = self.source + (f":{self.line}" if self.line else "") + ": "
        elif self.line:
            head = f"line {self.line}: "
        where = format_location(self.loc)
        return f"{head}{where + ': ' if where else ''}{self.message}"


class SizeLimitError(ModelError):
    """A model whose state space or memory need exceeds a configured limit."""
