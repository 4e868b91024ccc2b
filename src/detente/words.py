"""The words users see: states, option values, decision makers and lists, said one way.

One home for the vocabulary every analysis, renderer and face shares, so that a state reads
the same in a table, an explanation, the brief and the workbench ("sanctions at 6,
assurance").  Pure functions over a compiled :class:`~detente.space.StateSpace`.

>>> import detente
>>> space = detente.compile_conflict(detente.load_case("elmira"))
>>> state_phrase(space, 4)
'state 5 (Delay, Insist)'
>>> join_words(["MoE", "Uniroyal", "LG"])
'MoE, Uniroyal and LG'
>>> dm_index(space, "moe")
0
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np

from .errors import DetenteError, Location, ModelError, name_hint

if TYPE_CHECKING:
    from .space.state_space import StateSpace
    from .space.steps import Change


class Move(Protocol):
    """What :func:`move_phrase` reads of a step: the state reached and the changes made, as
    (option index, old value, new value)."""

    @property
    def target(self) -> int: ...

    @property
    def changes(self) -> tuple[tuple[int, int, int], ...]: ...


__all__ = [
    "changes_text",
    "describe_state",
    "dm_index",
    "join_words",
    "move_phrase",
    "ordinal",
    "state_phrase",
    "value_text",
]


def describe_state(
    space: StateSpace, state: int, skip: Iterable[int] = (), empty: str = "no option taken"
) -> str:
    """What is taken in a state, in the model's names: 'Delay, Insist', 'sanctions at 6'.

    Binary options are named when taken; dials are given with their level.  Options in
    ``skip`` and options whose value differs inside a merged state are left out; ``empty``
    is said when nothing is left.
    """
    skipped = set(skip)
    parts = []
    for k, option in enumerate(space.conflict.options):
        if k in skipped or (space.fixed is not None and not space.fixed[state, k]):
            continue
        value = int(space.values[state, k])
        if option.binary:
            if value:
                parts.append(option.name)
        else:
            parts.append(f"{option.name} at {value}")
    return ", ".join(parts) or empty


def state_phrase(space: StateSpace, state: int, empty: str = "no option taken") -> str:
    """'state 5 (Delay, Insist)': the 1-based number and what is taken."""
    return f"state {state + 1} ({describe_state(space, state, empty=empty)})"


def value_text(space: StateSpace, option: int, value: int) -> str:
    """An option value as in a label: 'Y'/'N' for a binary option, the level for a dial."""
    if space.radices[option] == 2:
        return "Y" if value else "N"
    return str(int(value))


def changes_text(space: StateSpace, changes: Iterable[Change]) -> str:
    """What a step changes, option by option: ``Insist N→Y, Delay Y→N``."""
    parts = []
    for c in changes:
        option = space.option_names.index(c.option)
        before, after = value_text(space, option, c.before), value_text(space, option, c.after)
        parts.append(f"{c.option} {before}→{after}")
    return ", ".join(parts)


def dm_index(
    space: StateSpace, ref: str | int, loc: Location | None = None, *, exact: bool = False
) -> int:
    """The 0-based index of a decision maker given by index or by name.

    A name typed by a user matches case-insensitively when the exact name is not found;
    ``exact=True`` (names in a file that must match the model's) turns that off.  An unknown
    one is a :class:`~detente.errors.DetenteError` naming the known ones, or a located
    :class:`~detente.errors.ModelError` when ``loc`` (its place in a document) is given.
    """
    if isinstance(ref, int | np.integer) and not isinstance(ref, bool):
        if 0 <= int(ref) < space.n_dms:
            return int(ref)
        message = f"decision maker index {ref} is out of range 0..{space.n_dms - 1}"
    else:
        text = str(ref) if exact else str(ref).strip()
        if text in space.dm_names:
            return space.dm_names.index(text)
        folded = [name.casefold() for name in space.dm_names]
        if not exact and text.casefold() in folded:
            return folded.index(text.casefold())
        message = f"unknown decision maker {text!r}{name_hint(text, space.dm_names, 'known')}"
    if loc is not None:
        raise ModelError(message, loc)
    raise DetenteError(message)


def join_words(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st, ..."""
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


_VERBS = {
    "ing": ("taking", "dropping", "raising", "lowering"),
    "base": ("take", "drop", "raise", "lower"),
    "s": ("takes", "drops", "raises", "lowers"),
}


def move_phrase(space: StateSpace, step: Move, form: str = "ing") -> str:
    """The move as words, in the mover's options: 'taking Modify', 'dropping Delay and
    taking Accept', 'taking tests and talks', 'raising sanctions to 6'.

    ``form`` is 'ing' (taking), 'base' (take) or 's' (takes).

    >>> import detente
    >>> from detente.analyses.coalitions import Step
    >>> space = detente.compile_conflict(detente.load_case("elmira"))
    >>> move_phrase(space, Step.of(space, 0, 0, 1))
    'taking Modify'
    >>> move_phrase(space, Step.of(space, 0, 0, 1), "s")
    'takes Modify'
    """
    take, drop, raise_, lower = _VERBS[form]
    grouped: dict[str, list[str]] = {}
    for k, old, new in step.changes:
        option = space.conflict.options[k]
        if option.binary:
            grouped.setdefault(take if new else drop, []).append(option.name)
        else:
            verb = raise_ if new > old else lower
            grouped.setdefault(verb, []).append(f"{option.name} to {new}")
    if not grouped:
        move = {"ing": "moving", "base": "move", "s": "moves"}[form]
        return f"{move} to state {step.target + 1}"
    return join_words([f"{verb} {join_words(objects)}" for verb, objects in grouped.items()])
