"""Ordinal extensions of a DM's preferences: unknown preferences and strength of preference.

Two optional fields of :class:`~detente.model.conflict.Preferences` say more than "s1 is
preferred to s2" without ever listing pairs of states (a list of pairs would grow as n x n):

* ``unknown`` marks *levels* of the DM's order whose states are mutually unknown instead of
  tied: ``unknown: [2, 4]`` for ranking entries 2 and 4 (each a group of states), or
  ``unknown: ties`` for every group of states the preferences leave tied (any form; with a
  prioritization these are the states that satisfy exactly the same statements).  Between
  levels the order stays known.  This is the preference uncertainty of Li, Hipel, Kilgour &
  Fang (2004), "Preference uncertainty in the graph model for conflict resolution", IEEE
  Trans. SMC-A 34(4), restricted to unknown blocks along the order.
* ``strong`` splits the order into bands: preference between states of different bands is
  strong (>>), within a band mild (>).  ``strong: [1, 3]`` puts a strong gap below ranking
  entries 1 and 3; with a prioritization ``strong: k`` makes the first k statements strong
  (states that differ in any of them are strongly ordered).  This is the strength of
  preference of Hamouda, Kilgour & Hipel (2004), "Strength of preference in the graph model
  for conflict resolution", Group Decision and Negotiation 13, and (2006), Applied
  Mathematics and Computation 179.

Both together are the hybrid preference of Xu, Hipel, Kilgour & Chen (2010), "Combining
strength and uncertainty for preferences in the graph model for conflict resolution with
multiple decision makers", Theory and Decision 69(4).

The checks that need the whole model live in :func:`check_ordinal_preferences`, which the
conflict's validator calls with the document locations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field

from ..errors import Location, ModelError

if TYPE_CHECKING:  # only for annotations: conflict.py imports this module for its fields
    from .conflict import Conflict, Preferences

UnknownLevels = Annotated[
    list[Annotated[int, Field(ge=1)]] | Literal["ties"] | None,
    Field(
        description="Levels whose states' mutual preference is unknown (not tied): ranking"
        " entries (1-based, each a group), or 'ties' for every group of tied states",
    ),
]
StrongGaps = Annotated[
    Annotated[int, Field(ge=1)] | list[Annotated[int, Field(ge=1)]] | None,
    Field(
        description="Strength of preference: ranking entries (1-based) with a strong gap"
        " below them, or for a prioritization the number of leading statements that are"
        " strong; preference across a strong gap is strong (>>), else mild (>)",
    ),
]


def check_ordinal_preferences(conflict: Conflict) -> None:
    """Every ``unknown`` and ``strong`` of the model's DMs names real entries or statements.

    >>> from detente.cases import load_case
    >>> check_ordinal_preferences(load_case("prisoners-dilemma"))  # none given: nothing to say
    """
    for i, dm in enumerate(conflict.decision_makers):
        _check(dm.preferences, ("decision_makers", i, "preferences"))


def _check(prefs: Preferences, loc: Location) -> None:
    if isinstance(prefs.unknown, list):
        where = (*loc, "unknown")
        if not prefs.ranking:
            raise ModelError(
                "unknown entries need a ranking; with a prioritization or payoffs write"
                " 'unknown: ties'",
                where,
            )
        _check_unique(prefs.unknown, where)
        for k, position in enumerate(prefs.unknown):
            if position > len(prefs.ranking):
                raise ModelError(
                    f"ranking entry {position} does not exist (1..{len(prefs.ranking)})",
                    (*where, k),
                )
            if not isinstance(prefs.ranking[position - 1], list):
                raise ModelError(
                    f"ranking entry {position} is one state: only a group of states can be"
                    " unknown among themselves",
                    (*where, k),
                )
    if prefs.strong is None:
        return
    where = (*loc, "strong")
    if prefs.payoffs:
        raise ModelError("strong needs a ranking or a prioritization, not payoffs", where)
    if prefs.prioritization:
        count = len(prefs.prioritization)
        if isinstance(prefs.strong, list):
            raise ModelError(
                "with a prioritization, strong is the number of leading statements that are"
                f" strong (1..{count})",
                where,
            )
        if prefs.strong > count:
            raise ModelError(f"there are only {count} statements", where)
        return
    assert prefs.ranking
    gaps = [prefs.strong] if isinstance(prefs.strong, int) else prefs.strong
    _check_unique(gaps, where)
    last = len(prefs.ranking) - 1
    for k, position in enumerate(gaps):
        if position > last:
            raise ModelError(
                f"a strong gap below entry {position} needs an entry below it (1..{last})",
                (*where, k) if isinstance(prefs.strong, list) else where,
            )


def _check_unique(values: list[int], loc: Location) -> None:
    seen: set[int] = set()
    for k, value in enumerate(values):
        if value in seen:
            raise ModelError(f"entry {value} is listed twice", (*loc, k))
        seen.add(value)
