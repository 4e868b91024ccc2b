"""Per-DM solution concepts: each decision maker analysed under its own concept.

GMCR II (Fang, Hipel, Kilgour & Peng 2003, "A decision support system for interactive
decision making — Part I: model formulation", IEEE Trans. SMC-C 33(1):42-55) lets the
analyst assign a solution concept to each decision maker, because DMs differ in how far
ahead they look and in how much risk they take (Fang, Hipel & Kilgour 1993, *Interactive
Decision Making*, ch. 4 and 5, discuss the concepts as models of such behaviour).  A state
is then an equilibrium when it is stable for every DM *under that DM's own concept*: the
stability of a state for DM i depends only on i's concept (the definitions of Nash, GMR,
SMR, SEQ, ... are all "stable for i"), so a mixed equilibrium is the conjunction of the
per-DM verdicts — nothing else changes.

Two ways to name such a concept, both accepted wherever a concept name is:

* an explicit assignment ``"US=SEQ, North Korea=Nash"`` — entries ``DM=CONCEPT`` separated
  by commas (or semicolons), with ``*=CONCEPT`` for every DM not named.  A CONCEPT is any
  name :func:`detente.analyses.stability.concept_name` knows (including ``L3``, ``NM`` and
  the other families' names); commas inside brackets, as in ``(0.7,0.5)-GMR``, do not split;
* ``per-DM`` (also ``own``): the concept given by each DM's ``concept:`` field in the model;
* in Python, a mapping ``{"US": "SEQ", "North Korea": "Nash"}`` passed to ``analyze``.

This module only parses and resolves names; :func:`detente.analyses.stability.stable_for`
computes the verdict of DM i under the concept resolved for i, with the same engine as
every other analysis.  It takes the canonicaliser as an argument so that it need not
import :mod:`detente.analyses.stability` (which imports it).

>>> assignment_name("us = seq ; North Korea=nash", str.upper)
'us=SEQ, North Korea=NASH'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ..errors import DetenteError, ModelError
from ..space.state_space import StateSpace

__all__ = [
    "DEFAULT_KEY",
    "PER_DM",
    "PerDMConceptError",
    "assignment_name",
    "concept_of",
    "from_mapping",
    "has_own_concepts",
    "is_assignment",
    "is_per_dm",
    "parse_assignment",
    "parts",
    "with_own_concepts",
]

#: The concept name meaning "each DM under its model's ``concept:`` field".
PER_DM = "per-DM"
#: The key of an assignment's default entry (every DM not named).
DEFAULT_KEY = "*"
_PER_DM_ALIASES = ("per-dm", "perdm", "own", "per dm")


_CANONICAL: list[Callable[[str], str]] = []


def use_canonical(canonical: Callable[[str], str]) -> None:
    """Register the canonicaliser of concept names (:mod:`detente.analyses.stability` does,
    on import), for modules below it that must resolve per-DM names (the cost estimates)."""
    _CANONICAL[:] = [canonical]


def registered_canonical() -> Callable[[str], str]:
    """The registered canonicaliser (names reaching here went through it already)."""
    return _CANONICAL[0]


class PerDMConceptError(DetenteError, ValueError):
    """A per-DM concept assignment that cannot be read or does not fit the model."""


def is_per_dm(text: str) -> bool:
    """Whether ``text`` names the model's own per-DM concepts (``per-DM``, ``own``).

    >>> is_per_dm("Own"), is_per_dm("SEQ")
    (True, False)
    """
    return text.strip().lower() in _PER_DM_ALIASES


def is_assignment(text: str) -> bool:
    """Whether ``text`` is an explicit assignment ``DM=CONCEPT, ...``.

    >>> is_assignment("US=SEQ"), is_assignment("(0.7,0.5)-GMR")
    (True, False)
    """
    return "=" in text


def _split(text: str) -> list[str]:
    """Split on commas and semicolons outside brackets (concept names may hold commas)."""
    parts: list[str] = []
    depth = 0
    current = ""
    for char in text:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if char in ",;" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts


def parse_assignment(text: str, canonical: Callable[[str], str]) -> list[tuple[str, str]]:
    """``(DM name or '*', canonical concept)`` pairs of an assignment, in order, the
    default entry (if any) last.

    >>> parse_assignment("*=gmr, A=nash", str.upper)
    [('A', 'NASH'), ('*', 'GMR')]
    """
    entries: list[tuple[str, str]] = []
    default: list[tuple[str, str]] = []
    seen: set[str] = set()
    for part in _split(text):
        if not part.strip():
            raise PerDMConceptError(f"per-DM concept {text!r}: an empty entry (two commas?)")
        dm, sep, concept = part.partition("=")
        dm, concept = dm.strip(), concept.strip()
        if not sep or not dm or not concept:
            raise PerDMConceptError(
                f"per-DM concept {text!r}: entry {part.strip()!r} is not DM=CONCEPT"
            )
        if dm in seen:
            raise PerDMConceptError(f"per-DM concept {text!r}: {dm!r} is given twice")
        seen.add(dm)
        if is_assignment(concept) or is_per_dm(concept):
            raise PerDMConceptError(
                f"per-DM concept {text!r}: {dm}'s concept must be a single concept"
            )
        (default if dm == DEFAULT_KEY else entries).append((dm, canonical(concept)))
    return entries + default


def assignment_name(text: str, canonical: Callable[[str], str]) -> str:
    """The canonical name of an assignment: ``DM=CONCEPT`` entries joined by ', '."""
    return ", ".join(f"{dm}={concept}" for dm, concept in parse_assignment(text, canonical))


def concept_of(space: StateSpace, name: str, dm: int, canonical: Callable[[str], str]) -> str:
    """The single concept that the per-DM concept ``name`` (canonical: ``per-DM`` or an
    assignment) gives DM ``dm`` of ``space``.

    >>> from detente import compile_conflict, load_case
    >>> from detente.analyses.stability import concept_name
    >>> space = compile_conflict(load_case("prisoners-dilemma"))
    >>> [concept_of(space, f"{space.dm_names[0]}=SEQ, *=Nash", i, concept_name) for i in (0, 1)]
    ['SEQ', 'Nash']
    """
    names = space.dm_names
    if name == PER_DM:
        given = space.conflict.decision_makers[dm].concept
        if given is None:
            missing = [d.name for d in space.conflict.decision_makers if d.concept is None]
            raise PerDMConceptError(
                f"concept {PER_DM}: decision maker(s) {', '.join(map(repr, missing))} have no"
                " concept: field in the model (give one each, or name the concepts as"
                " 'DM=CONCEPT, ...')"
            )
        try:
            return canonical(given)
        except DetenteError as exc:
            raise ModelError(str(exc), ("decision_makers", dm, "concept")) from None
    entries = dict(parse_assignment(name, canonical))
    unknown = [d for d in entries if d != DEFAULT_KEY and d not in names]
    if unknown:
        raise PerDMConceptError(
            f"per-DM concept {name!r}: unknown decision maker {unknown[0]!r}"
            f" (known: {', '.join(names)})"
        )
    if names[dm] in entries:
        return entries[names[dm]]
    if DEFAULT_KEY in entries:
        return entries[DEFAULT_KEY]
    missing = [d for d in names if d not in entries]
    raise PerDMConceptError(
        f"per-DM concept {name!r} gives no concept to {', '.join(map(repr, missing))}"
        f" (name them, or add '{DEFAULT_KEY}=CONCEPT' for the rest)"
    )


def parts(space: StateSpace, name: str, canonical: Callable[[str], str]) -> list[str]:
    """The single concepts a (canonical) name stands for: itself, or its DMs' concepts
    (a per-DM analysis costs at most as much as its costliest part for every DM)."""
    if name != PER_DM and not is_assignment(name):
        return [name]
    return list(dict.fromkeys(concept_of(space, name, dm, canonical) for dm in range(space.n_dms)))


def from_mapping(concepts: Mapping[str, str]) -> str:
    """The assignment ``{"US": "SEQ", "*": "Nash"}`` written as a name.

    >>> from_mapping({"US": "SEQ", "*": "Nash"})
    'US=SEQ, *=Nash'
    """
    for dm in concepts:
        if any(char in dm for char in "=,;"):
            raise PerDMConceptError(
                f"decision maker {dm!r}: a name with '=', ',' or ';' cannot be given a concept"
            )
    return ", ".join(f"{dm}={concept}" for dm, concept in concepts.items())


def has_own_concepts(space: StateSpace) -> bool:
    """Whether any DM of the model has a ``concept:`` field."""
    return any(d.concept is not None for d in space.conflict.decision_makers)


def with_own_concepts(concepts: Sequence[str], space: StateSpace) -> list[str]:
    """``concepts`` followed by ``per-DM`` when the model gives its DMs their own concepts
    (so that a model with ``concept:`` fields shows its mixed equilibria by default).

    >>> from detente import compile_conflict, load_case
    >>> with_own_concepts(["Nash"], compile_conflict(load_case("chicken")))
    ['Nash']
    """
    out = list(concepts)
    if has_own_concepts(space) and PER_DM not in out:
        out.append(PER_DM)
    return out
