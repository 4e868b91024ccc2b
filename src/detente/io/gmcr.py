"""Import gmcr-py save files (``.gmcr``, JSON) as detente :class:`~detente.model.Conflict`\\ s.

Written from a description of the file layout only (no gmcr-py code or example file was
used).  A save file is a JSON object with

``options``
    a list of ``{"name": ..., "permittedDirection": "both" | "fwd" | "back"}``;
``decisionMakers``
    a list of ``{"name": ..., "options": [0-based option indices], "preferences":
    [statement, ...]}``, optionally with ``preferenceRanking`` (older files:
    ``preferenceVector``): 1-based state numbers, most preferred first, a nested list for a
    tie.  A statement is either a list of ``[option index, "Y" | "N"]`` pairs (all must hold)
    or ``{"compound": true, "members": [pair lists]}`` (any member must hold);
``infeasibles``
    a list of pair lists, each ruling out the states where all its pairs hold;
``useManualPreferenceRanking`` (older files: ``useManualPreferenceVectors``)
    true to use the rankings instead of the statements.

Rankings number states the GMCR way (Fang, Hipel & Kilgour 1993, *Interactive Decision
Making*, ch. 3): with the options grouped by decision maker in decision-maker order, a
state's code is the sum of 2^k over the options taken, and the feasible states are numbered
1..n in ascending code order.  detente numbers states by the model's option order, which
here stays the file's own option order; when the two orders differ, ranked states are
written as labels (one Y/N per option in the file's order) so that they mean the same
states.

``decisionMakers[i].misperceptions``
    a list of pair lists: the states matching one are states decision maker i does not see,
    so the moves to and from them are removed from i's picture of the conflict.  Read as
    detente :class:`~detente.model.Perception`\\ s (see :meth:`_Reader._perception`): a
    single ``[k, "Y"]`` pair on another decision maker's option k becomes ``unaware_of``
    option k; any other pattern has no detente equivalent and is a located error;
``coalitions``
    a list of decision-maker indices or lists of them (a list of two or more is a coalition).
    detente does not import coalitions (its coalition analysis takes them as an argument);
    a file that groups decision makers gets a warning naming the line.

Two options, or two decision makers, with the same name are an error naming both (renaming
one would change what the file means without a word).  Nothing is dropped in silence (issue
15): a key this reader does not understand, and a coalition it does not import, give a
:class:`GmcrImportWarning` (Python's :mod:`warnings`; the command line prints them on
stderr) naming the file, the line and the key.  Every malformed entry raises a
:class:`~detente.errors.ModelError` located in the file, e.g.
``decisionMakers[1].preferences[2]``.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import ValidationError

from ..errors import Location, ModelError, SizeLimitError, format_location
from ..limits import DEFAULT_MAX_STATES
from ..model.conflict import Conflict
from ..model.statements import StatementError, Taken, parse_statement
from .documents import line_of, parse_json, validation_to_model_error

__all__ = ["GmcrImportWarning", "gmcr_to_conflict"]

_DIRECTIONS = {"both": "both", "fwd": "forward", "back": "backward"}
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_QUOTES = ("'", '"', "`")


#: Top-level keys, and keys of an option and of a decision maker, that the reader reads or
#: knows to carry nothing of the model (``program`` and ``version`` name the writer;
#: ``coalitionsFull`` repeats ``coalitions`` with names).  Any other key gets a warning.
_KNOWN_KEYS = frozenset(
    {
        "options",
        "decisionMakers",
        "infeasibles",
        "useManualPreferenceRanking",
        "useManualPreferenceVectors",
        "coalitions",
        "coalitionsFull",
        "program",
        "version",
    }
)
_KNOWN_OPTION_KEYS = frozenset({"name", "permittedDirection"})
_KNOWN_DM_KEYS = frozenset(
    {"name", "options", "preferences", "preferenceRanking", "preferenceVector", "misperceptions"}
)


class GmcrImportWarning(UserWarning):
    """Something in a ``.gmcr`` file that the import does not carry into the model.

    The message is one line naming the file, the line when known, the place in the document
    and what is left out, as a :class:`~detente.errors.ModelError` would.
    """


def gmcr_to_conflict(text: str, source: str) -> Conflict:
    """Read the text of a gmcr-py save file as a detente conflict.

    ``source`` names the file in error messages and warnings.  Raises
    :class:`~detente.errors.ModelError` (naming the file, the line when known and the place
    in the document) for anything malformed; warns with :class:`GmcrImportWarning` for
    anything it reads but does not import.

    >>> import json, warnings
    >>> document = {
    ...     "options": [{"name": "a"}],
    ...     "decisionMakers": [{"name": "A", "options": [0], "preferences": []}],
    ...     "colour": "blue",
    ... }
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     conflict = gmcr_to_conflict(json.dumps(document, indent=1), "m.gmcr")
    >>> [str(w.message) for w in caught]
    ["m.gmcr:16: colour: key 'colour' is not part of the gmcr-py format detente reads; ignored"]
    """
    data = parse_json(text, source)
    lines = _Lines(text)
    try:
        return _Reader(data, Path(source).name, source, lines).conflict()
    except ModelError as exc:
        if exc.source is not None:
            raise
        raise exc.located(source, lines(exc.loc)) from None


class _Lines:
    """Line of a document location in the JSON text (JSON is YAML, so the YAML composer
    knows lines); the text is composed once, and only when a line is asked for."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.node: yaml.Node | None = None
        self.composed = False

    def __call__(self, loc: Location) -> int | None:
        if not loc:
            return None
        if not self.composed:
            self.composed = True
            try:
                self.node = yaml.compose(self.text, Loader=yaml.SafeLoader)
            except (yaml.YAMLError, RecursionError):
                self.node = None
        return None if self.node is None else line_of(self.node, loc)


# -- small checkers that say where ---------------------------------------------------------
def _kind(value: Any) -> str:
    """How a wrong value reads in a message: scalars as written in JSON, else their kind."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _expect_list(value: Any, loc: Location, what: str, *, non_empty: bool = False) -> list[Any]:
    if not isinstance(value, list):
        raise ModelError(f"expected {what} (a list), got {_kind(value)}", loc)
    if non_empty and not value:
        raise ModelError(f"expected {what}, got an empty list", loc)
    return value


def _expect_object(value: Any, loc: Location, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ModelError(f"expected {what} (an object), got {_kind(value)}", loc)
    return value


def _expect_index(value: Any, size: int, loc: Location, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ModelError(f"expected {what} (a whole number), got {_kind(value)}", loc)
    if not 0 <= value < size:
        raise ModelError(f"{what} {value} is out of range 0..{size - 1}", loc)
    return value


def _unique_names(
    raw_names: list[str], fallback: str, loc: Location
) -> tuple[list[str], dict[int, str]]:
    """Make names non-empty; return them and a note for each one made up.

    A name given twice is an error naming both places: renaming one silently would change
    what the statements and results mean to the reader (issue 15).  An empty name becomes
    ``'<fallback> <k>'`` (1-based position), with ``' (2)'``, ``' (3)'``, ... appended if the
    file already uses that name.
    """
    first: dict[str, int] = {}
    for k, name in enumerate(raw_names):
        if name in first:
            raise ModelError(
                f"{fallback} name {name!r} is given twice ({format_location((*loc, first[name]))}"
                f" and {format_location((*loc, k))}); detente needs distinct names",
                (*loc, k, "name"),
            )
        if name:
            first[name] = k
    used = {name for name in raw_names if name}
    kept: set[str] = set()
    names: list[str] = []
    notes: dict[int, str] = {}
    for k, name in enumerate(raw_names):
        if name and name not in kept:
            names.append(name)
            kept.add(name)
            continue
        base, note = f"{fallback} {k + 1}", "the .gmcr file gives no name"
        candidate = base
        count = 1
        while not candidate or candidate in used:
            count += 1
            candidate = f"{base} ({count})"
        used.add(candidate)
        kept.add(candidate)
        names.append(candidate)
        notes[k] = f"renamed: {note}"
    return names, notes


def _clean_name(value: Any, loc: Location) -> str:
    if not isinstance(value, str):
        raise ModelError(f"a name must be a string, got {_kind(value)}", loc)
    name = value.strip()
    if all(q in name for q in _QUOTES):
        # Statements quote such names with a character they do not contain; drop backquotes
        # so that one is free.
        name = name.replace("`", "").strip()
    return name


def _statement_name(name: str) -> str:
    """An option name as written in a statement: bare if it reads as itself, else quoted."""
    if _IDENTIFIER.fullmatch(name):
        try:
            if isinstance(parse_statement(name, {name: 0}), Taken):
                return name
        except StatementError:
            pass  # a keyword such as 'not': quote it
    quote = next(q for q in _QUOTES if q not in name)
    return f"{quote}{name}{quote}"


# -- the reader ------------------------------------------------------------------------------
class _Reader:
    def __init__(
        self, data: Any, filename: str, source: str, lines: Callable[[Location], int | None]
    ) -> None:
        self.data = _expect_object(
            data, (), "a gmcr-py save file: an object with options and decisionMakers"
        )
        self.filename = filename
        self.source = source
        self.lines = lines

    def _warn(self, message: str, loc: Location) -> None:
        located = ModelError(message, loc).located(self.source, self.lines(loc))
        # The message names its place in the .gmcr file; the Python line it is attributed to
        # matters little (the reader's depth varies), so no stacklevel is tuned.
        warnings.warn(str(located), GmcrImportWarning, stacklevel=2)

    def _warn_unknown_keys(
        self, entry: dict[str, Any], known: frozenset[str], loc: Location
    ) -> None:
        for key in entry:
            if key not in known:
                self._warn(
                    f"key {key!r} is not part of the gmcr-py format detente reads; ignored",
                    (*loc, key),
                )

    def conflict(self) -> Conflict:
        if "misperceptions" in self.data:
            # Misperceptions change the answer; a set detente cannot attribute to a DM must
            # stop the import rather than be dropped with a warning.
            raise ModelError(
                "misperceptions belong to a decision maker (decisionMakers[i].misperceptions);"
                " detente cannot tell whose these are",
                ("misperceptions",),
            )
        self._warn_unknown_keys(self.data, _KNOWN_KEYS, ())
        options = self._options()
        self.option_names = [o["name"] for o in options]
        dms = self._decision_makers()
        self._coalitions(dms)
        self.grouped = [k for dm in dms for k in dm["option_indices"]]
        self._check_owners(dms)
        infeasible = self._infeasibles()
        use_ranking, flag_key = self._use_ranking()
        self._feasible: np.ndarray | None = None
        if self._small_enough_to_enumerate(use_ranking):
            self._check_something_feasible()
        decision_makers = []
        for i, dm in enumerate(dms):
            entry: dict[str, Any] = {"name": dm["name"], "options": dm["options"]}
            statements = self._statements(i, dm["raw"])
            if use_ranking:
                entry["preferences"] = {"ranking": self._ranking(i, dm["raw"], flag_key)}
            elif statements:
                entry["preferences"] = {"prioritization": statements}
            else:
                entry["preferences"] = {"prioritization": ["true"]}
                entry["description"] = (
                    "no preference statements in the .gmcr file: indifferent between all states"
                )
            if dm.get("note"):
                entry["description"] = "; ".join(
                    part for part in (dm["note"], entry.get("description")) if part
                )
            decision_makers.append(entry)
        perceptions = [p for i, dm in enumerate(dms) if (p := self._perception(i, dm)) is not None]
        document = {
            "name": Path(self.filename).stem,
            "description": f"Imported from the gmcr-py save file {self.filename}.",
            "options": options,
            "decision_makers": decision_makers,
            "infeasible": infeasible,
        }
        if perceptions:
            document["perceptions"] = perceptions
        try:
            return Conflict.model_validate(document)
        except ValidationError as exc:  # pragma: no cover - the reader builds valid models
            raise ModelError(
                f"cannot convert: {validation_to_model_error(exc, document)}"
            ) from None
        except ModelError as exc:  # pragma: no cover
            raise ModelError(f"cannot convert: {exc}") from None

    # -- options and decision makers -------------------------------------------------------
    def _options(self) -> list[dict[str, Any]]:
        if "options" not in self.data:
            raise ModelError("required field 'options' is missing", ())
        raw = _expect_list(self.data["options"], ("options",), "options", non_empty=True)
        names: list[str] = []
        directions: list[str] = []
        for k, entry in enumerate(raw):
            loc = ("options", k)
            entry = _expect_object(entry, loc, "an option")
            self._warn_unknown_keys(entry, _KNOWN_OPTION_KEYS, loc)
            if "name" not in entry:
                raise ModelError("required field 'name' is missing", loc)
            names.append(_clean_name(entry["name"], (*loc, "name")))
            direction = entry.get("permittedDirection", "both")
            if not isinstance(direction, str) or direction not in _DIRECTIONS:
                raise ModelError(
                    f"permittedDirection must be 'both', 'fwd' or 'back', got {_kind(direction)}",
                    (*loc, "permittedDirection"),
                )
            directions.append(_DIRECTIONS[direction])
        unique, notes = _unique_names(names, "option", ("options",))
        out = []
        for k, (name, direction) in enumerate(zip(unique, directions, strict=True)):
            option: dict[str, Any] = {"name": name}
            if direction != "both":
                option["direction"] = direction
            if k in notes:
                option["description"] = notes[k]
            out.append(option)
        return out

    def _decision_makers(self) -> list[dict[str, Any]]:
        if "decisionMakers" not in self.data:
            raise ModelError("required field 'decisionMakers' is missing", ())
        raw = _expect_list(
            self.data["decisionMakers"], ("decisionMakers",), "decision makers", non_empty=True
        )
        m = len(self.option_names)
        names: list[str] = []
        out: list[dict[str, Any]] = []
        for i, entry in enumerate(raw):
            loc = ("decisionMakers", i)
            entry = _expect_object(entry, loc, "a decision maker")
            self._warn_unknown_keys(entry, _KNOWN_DM_KEYS, loc)
            for key in ("name", "options"):
                if key not in entry:
                    raise ModelError(f"required field {key!r} is missing", loc)
            names.append(_clean_name(entry["name"], (*loc, "name")))
            indices = _expect_list(
                entry["options"], (*loc, "options"), "the indices of its options", non_empty=True
            )
            checked: list[int] = []
            for j, value in enumerate(indices):
                index = _expect_index(value, m, (*loc, "options", j), "option index")
                if index in checked:
                    raise ModelError(
                        f"option {index} ({self.option_names[index]!r}) is listed twice",
                        (*loc, "options", j),
                    )
                checked.append(index)
            out.append({"raw": entry, "option_indices": checked})
        unique, notes = _unique_names(names, "decision maker", ("decisionMakers",))
        for i, dm in enumerate(out):
            dm["name"] = unique[i]
            dm["options"] = [self.option_names[k] for k in dm["option_indices"]]
            dm["note"] = notes.get(i)
        return out

    def _check_owners(self, dms: list[dict[str, Any]]) -> None:
        owner: dict[int, int] = {}
        for i, dm in enumerate(dms):
            for j, k in enumerate(dm["option_indices"]):
                if k in owner:
                    raise ModelError(
                        f"option {k} ({self.option_names[k]!r}) has two owners:"
                        f" {dms[owner[k]]['name']!r} and {dm['name']!r}",
                        ("decisionMakers", i, "options", j),
                    )
                owner[k] = i
        for k, name in enumerate(self.option_names):
            if k not in owner:
                raise ModelError(
                    f"option {k} ({name!r}) has no owner: no decision maker lists it",
                    ("options", k),
                )

    def _coalitions(self, dms: list[dict[str, Any]]) -> None:
        """Warn about each coalition of two or more decision makers: detente does not import
        them.  gmcr-py writes every decision maker as its own one-member entry when there is
        no coalition, so those are nothing to warn about."""
        if "coalitions" not in self.data:
            return
        loc: Location = ("coalitions",)
        raw = self.data["coalitions"]
        if not isinstance(raw, list):
            self._warn(f"expected a list of coalitions, got {_kind(raw)}; ignored", loc)
            return
        names = [dm["name"] for dm in dms]
        for k, entry in enumerate(raw):
            if not isinstance(entry, list) or len(entry) < 2:
                continue
            members = ", ".join(
                repr(names[i])
                if isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(names)
                else _kind(i)
                for i in entry
            )
            self._warn(
                f"the coalition of {members} is not imported (detente's coalition analysis"
                " takes coalitions as arguments: detente coalitions --coalition A+B); ignored",
                (*loc, k),
            )

    def _perception(self, i: int, dm: dict[str, Any]) -> dict[str, Any] | None:
        """Decision maker ``i``'s misperceived states as a detente perception, or ``None``.

        In gmcr-py a decision maker does not see the states matching a misperceived pattern:
        the moves to and from them are removed from its picture.  detente's nearest notion is
        a first-level hypergame perception whose holder is unaware of an option (Aljefri,
        Fang, Hipel & Madani 2014, "Modeling misperception of options and preferences in the
        graph model for conflict resolution", IEEE SMC; see
        :mod:`detente.analyses.hypergame`): the holder pictures no move that changes the
        option, so no move between a state it sees and one where the option is taken.  So
        only the pattern "option k of another decision maker is taken" (``[[k, "Y"]]``)
        carries over, as ``unaware_of: [k]``, and only on the states the holder sees: among
        the states where k is taken, detente keeps the moves that leave k alone (it marks
        those states 'unforeseen') where gmcr-py removes them, so each such mapping warns.
        A pattern with "not taken", with two or more options, or on the holder's own option
        means something detente cannot say, and is an error rather than an approximation.
        """
        loc: Location = ("decisionMakers", i, "misperceptions")
        raw = _expect_list(dm["raw"].get("misperceptions", []), loc, "misperceived states")
        holder = dm["name"]
        unaware: list[str] = []
        for k, value in enumerate(raw):
            where = (*loc, k)
            if isinstance(value, dict):
                raise ModelError(
                    f"{holder!r} misperceives a compound pattern; detente imports only"
                    ' [[option, "Y"]] (the holder is unaware of another DM\'s option)',
                    where,
                )
            required = self._required(value, where)
            if required is None:
                continue  # asks one option to be both Y and N: it hides no state
            pattern = self._conjunction(value, where)
            if len(required) != 1 or not next(iter(required.values())):
                raise ModelError(
                    f"{holder!r} does not see the states where {pattern}: detente can import"
                    ' only a misperception of one option taken ([[option, "Y"]], read as'
                    " being unaware of that option)",
                    where,
                )
            index = next(iter(required))
            option = self.option_names[index]
            if index in dm["option_indices"]:
                raise ModelError(
                    f"{holder!r} does not see the states where its own option {option!r} is"
                    " taken: detente has no equivalent (a DM can be unaware only of other"
                    " DMs' options)",
                    where,
                )
            if option not in unaware:
                unaware.append(option)
                self._warn(
                    f"read as {holder!r} being unaware of option {option!r}: gmcr-py removes"
                    f" every move to and from the states where {option!r} is taken from"
                    f" {holder!r}'s picture, detente the moves that change {option!r}; on"
                    " those states (marked 'unforeseen' by detente hypergame) results may"
                    " differ",
                    where,
                )
        if not unaware:
            return None
        return {
            "name": f"{holder} does not see states where {', '.join(unaware)} is taken",
            "description": (
                f"Imported from decisionMakers[{i}].misperceptions of {self.filename}: in"
                f" {holder}'s picture no move changes {', '.join(unaware)}."
            ),
            "holder": holder,
            "unaware_of": unaware,
        }

    # -- conditions ------------------------------------------------------------------------
    def _pairs(self, value: Any, loc: Location) -> list[tuple[int, bool]]:
        """A list of ``[option index, "Y" | "N"]`` pairs, all of which must hold."""
        what = 'a list of [option index, "Y" or "N"] pairs'
        pairs = _expect_list(value, loc, what)
        if not pairs:
            raise ModelError(f"expected {what}, got an empty list", loc)
        out = []
        for j, pair in enumerate(pairs):
            where = (*loc, j)
            if not isinstance(pair, list) or len(pair) != 2:
                raise ModelError(
                    f'expected a pair [option index, "Y" or "N"], got {_kind(pair)}', where
                )
            index = _expect_index(pair[0], len(self.option_names), (*where, 0), "option index")
            flag = pair[1]
            if not isinstance(flag, str) or flag.upper() not in ("Y", "N"):
                raise ModelError(f'expected "Y" or "N", got {_kind(flag)}', (*where, 1))
            out.append((index, flag.upper() == "Y"))
        return out

    def _required(self, value: Any, loc: Location) -> dict[int, bool] | None:
        """The pair list ``value`` as {option index: taken}, or ``None`` when it asks one
        option to be both taken and not (no state matches it)."""
        required: dict[int, bool] = {}
        contradictory = False
        for index, taken in self._pairs(value, loc):  # every pair is checked, even past a clash
            contradictory |= required.setdefault(index, taken) != taken
        return None if contradictory else required

    def _infeasibles(self) -> list[dict[str, Any]]:
        raw = _expect_list(
            self.data.get("infeasibles", []), ("infeasibles",), "infeasibility conditions"
        )
        self.infeasible_pairs: list[list[tuple[int, bool]]] = []
        out = []
        for k, entry in enumerate(raw):
            required = self._required(entry, ("infeasibles", k))
            if required is None:
                continue  # asks one option to be both Y and N: it rules out no state
            self.infeasible_pairs.append(list(required.items()))
            when = {
                self.option_names[index]: "Y" if taken else "N" for index, taken in required.items()
            }
            out.append({"when": when})
        return out

    def _statement(self, value: Any, loc: Location) -> str:
        if isinstance(value, dict):
            compound = value.get("compound", True)
            if not isinstance(compound, bool):
                raise ModelError(f"'compound' must be true or false, got {_kind(compound)}", loc)
            if "members" not in value:
                raise ModelError("a compound statement needs 'members'", loc)
            members = _expect_list(
                value["members"],
                (*loc, "members"),
                "the members (lists of pairs)",
                non_empty=True,
            )
            parts = [self._conjunction(m, (*loc, "members", j)) for j, m in enumerate(members)]
            if len(parts) == 1:
                return parts[0]
            return " or ".join(f"({p})" if " and " in p else p for p in parts)
        if isinstance(value, list):
            return self._conjunction(value, loc)
        raise ModelError(
            'expected a statement: a list of [option index, "Y" or "N"] pairs or'
            f' {{"compound": true, "members": [...]}}, got {_kind(value)}',
            loc,
        )

    def _conjunction(self, value: Any, loc: Location) -> str:
        terms = []
        for index, taken in self._pairs(value, loc):
            term = _statement_name(self.option_names[index])
            term = term if taken else f"not {term}"
            if term not in terms:
                terms.append(term)
        return " and ".join(terms)

    def _statements(self, i: int, dm: dict[str, Any]) -> list[str]:
        loc = ("decisionMakers", i, "preferences")
        raw = _expect_list(dm.get("preferences", []), loc, "preference statements")
        return [self._statement(value, (*loc, k)) for k, value in enumerate(raw)]

    # -- rankings --------------------------------------------------------------------------
    def _use_ranking(self) -> tuple[bool, str]:
        for key in ("useManualPreferenceRanking", "useManualPreferenceVectors"):
            if key in self.data:
                value = self.data[key]
                if not isinstance(value, bool):
                    raise ModelError(f"expected true or false, got {_kind(value)}", (key,))
                return value, key
        return False, "useManualPreferenceRanking"

    def _small_enough_to_enumerate(self, needed: bool) -> bool:
        m = len(self.option_names)
        if needed:
            if m > 62 or 2**m > DEFAULT_MAX_STATES:
                raise SizeLimitError(
                    f"the model has 2^{m} = {2**m:,} option combinations, more than the limit"
                    f" of {DEFAULT_MAX_STATES:,} for translating preference rankings",
                    ("options",),
                )
            return True
        return m <= 16

    @property
    def feasible_codes(self) -> np.ndarray:
        """GMCR codes (options grouped by decision maker) of the feasible states, ascending."""
        if self._feasible is None:
            m = len(self.option_names)
            position = {k: bit for bit, k in enumerate(self.grouped)}
            codes = np.arange(2**m, dtype=np.int64)
            keep = np.ones(codes.size, dtype=bool)
            for pairs in self.infeasible_pairs:
                mask = sum(1 << position[k] for k, _ in pairs)
                want = sum(1 << position[k] for k, taken in pairs if taken)
                keep &= (codes & mask) != want
            self._feasible = codes[keep]
        return self._feasible

    def _check_something_feasible(self) -> None:
        if self.feasible_codes.size == 0:
            raise ModelError(
                "no feasible state is left: the infeasibility conditions rule out every"
                " combination",
                ("infeasibles",),
            )

    def _state_ref(self, number: int) -> int | str:
        """A detente reference to GMCR state ``number`` (1-based)."""
        if self.grouped == list(range(len(self.grouped))):
            return number  # same option order: the numbers agree
        code = int(self.feasible_codes[number - 1])
        taken = {k for bit, k in enumerate(self.grouped) if code >> bit & 1}
        return "".join("Y" if k in taken else "N" for k in range(len(self.option_names)))

    def _ranking(self, i: int, dm: dict[str, Any], flag_key: str) -> list[Any]:
        key = next((k for k in ("preferenceRanking", "preferenceVector") if k in dm), None)
        if key is None:
            raise ModelError(
                f"{flag_key} is true but this decision maker has no preferenceRanking",
                ("decisionMakers", i),
            )
        loc: Location = ("decisionMakers", i, key)
        raw = _expect_list(dm[key], loc, "a ranking of state numbers", non_empty=True)
        n = int(self.feasible_codes.size)
        seen: dict[int, Location] = {}
        out: list[Any] = []

        def state(value: Any, where: Location) -> int | str:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ModelError(f"expected a state number, got {_kind(value)}", where)
            if not 1 <= value <= n:
                raise ModelError(
                    f"state {value} does not exist: the feasible states are numbered 1..{n}",
                    where,
                )
            if value in seen:
                raise ModelError(
                    f"state {value} appears twice in the ranking (also at"
                    f" {format_location(seen[value])})",
                    where,
                )
            seen[value] = where
            return self._state_ref(value)

        for j, entry in enumerate(raw):
            if isinstance(entry, list):
                if not entry:
                    raise ModelError("an empty group of tied states", (*loc, j))
                out.append([state(v, (*loc, j, t)) for t, v in enumerate(entry)])
            else:
                out.append(state(entry, (*loc, j)))
        missing = [s for s in range(1, n + 1) if s not in seen]
        if missing:
            shown = ", ".join(map(str, missing[:8])) + (
                f" and {len(missing) - 8} more" if len(missing) > 8 else ""
            )
            raise ModelError(
                f"the ranking misses feasible state(s) {shown} (states are numbered 1..{n})",
                loc,
            )
        return out
