"""Hypothesis strategies for random, valid, small conflicts in option form.

:func:`conflict_data` draws the plain data of a ``detente/1`` model (a dict, easy to print as
a reproducer); :func:`conflicts` validates it into a :class:`detente.model.Conflict`.

A drawn conflict has 2-5 decision makers and 1-8 options (every DM owns at least one), some
of them levelled (0..2 or 0..3, sometimes with a step), random directions, random
infeasibility conditions in every form (patterns, statements and the helpers
``mutually_exclusive``/``at_least_one``/``exactly_one``) that always leave a feasible state,
sometimes merge conditions, and preferences as rankings with ties, payoffs or option
prioritizations (statements with not/and/or/if/iff/->/<-> and comparisons on levels).  At
most 256 option combinations, so the naive reference in :mod:`tests.reference` stays fast.

Everything about the structure of a conflict is drawn choice by choice, so hypothesis shrinks
it well.  Rankings and payoffs over many states would take hundreds of draws each; above
:data:`DRAWN_PREFERENCES_UP_TO` states they come from a seeded generator instead (one draw),
which keeps generation fast while small failing examples still shrink fully.
"""

from __future__ import annotations

import os
import random
from collections import Counter
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from detente.model.conflict import Conflict

from .reference import NaiveModel, enumerate_feasible, feasible_combos, naive_model

#: Upper bound on the number of option combinations of a drawn conflict.
MAX_COMBINATIONS = 256
#: Rankings and payoffs over at most this many states are drawn value by value (shrinkable).
DRAWN_PREFERENCES_UP_TO = 16

#: ``DETENTE_PROPERTY_SCALE`` multiplies every property test's number of examples
#: (default 1), e.g. ``DETENTE_PROPERTY_SCALE=10`` for a long hunt.
SCALE = float(os.environ.get("DETENTE_PROPERTY_SCALE", "1"))


def examples(n: int) -> settings:
    """Settings for a property test with about ``n`` examples (times the scale)."""
    return settings(
        max_examples=max(1, round(n * SCALE)),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def reproducer(data: dict[str, Any]) -> str:
    """The model as YAML, to paste into a file when a property fails."""
    return yaml.safe_dump({"format": "detente/1", **data}, sort_keys=False)


T = TypeVar("T")


class Chooser(Protocol):
    """Where random choices come from: hypothesis draws or a seeded generator."""

    def integer(self, low: int, high: int) -> int: ...

    def choice(self, items: Sequence[T]) -> T: ...

    def permutation(self, n: int) -> list[int]: ...


class _Draws:
    """Choices drawn from hypothesis: they shrink."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw

    def integer(self, low: int, high: int) -> int:
        return self.draw(st.integers(low, high))

    def choice(self, items: Sequence[T]) -> T:
        return items[self.draw(st.integers(0, len(items) - 1))]

    def permutation(self, n: int) -> list[int]:
        return list(self.draw(st.permutations(range(n))))


class _Seeded:
    """Choices from a seeded generator: one hypothesis draw for any number of choices."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def choice(self, items: Sequence[T]) -> T:
        return items[self.rng.randrange(len(items))]

    def permutation(self, n: int) -> list[int]:
        order = list(range(n))
        self.rng.shuffle(order)
        return order


def _top(option: dict[str, Any]) -> int:
    levels = option.get("levels")
    if levels is None:
        return 1
    return levels if isinstance(levels, int) else int(str(levels).split("..")[1])


def _value_token(choose: Chooser, top: int) -> str:
    """A label/pattern token for one option value."""
    value = choose.integer(0, top)
    if top == 1:
        return "Y" if value else "N"
    return str(value)


def _raw_value(choose: Chooser, top: int) -> Any:
    """An option value as a model file may write it: Y/N, true/false or a level."""
    value = choose.integer(0, top)
    if top == 1:
        return choose.choice([bool(value), "Y" if value else "N", value])
    return value


# -- statements and conditions ---------------------------------------------------------------


def random_statement(choose: Chooser, options: list[dict[str, Any]], depth: int = 2) -> str:
    """A statement of the prioritization language over ``options``."""
    if depth <= 0 or choose.integer(0, 2) == 0:
        return _atom(choose, options)
    form = choose.choice(["not", "and", "or", "if", "ifthen", "iff", "->", "<->"])
    left = random_statement(choose, options, depth - 1)
    if form == "not":
        return f"{choose.choice(['not ', '-', '!', '~'])}({left})"
    right = random_statement(choose, options, depth - 1)
    if form == "and":
        return f"({left}) {choose.choice(['and', '&', '&&'])} ({right})"
    if form == "or":
        return f"({left}) {choose.choice(['or', '|', '||'])} ({right})"
    if form == "ifthen":
        return f"if ({left}) then ({right})"
    return f"({left}) {form} ({right})"


def _atom(choose: Chooser, options: list[dict[str, Any]]) -> str:
    k = choose.integer(0, len(options) - 1)
    option = options[k]
    top = _top(option)
    name = option["name"]
    kind = choose.choice(["taken", "taken", "compare", "between", "number", "const"])
    if kind == "const":
        return choose.choice(["true", "false"])
    if kind == "number":
        return str(k + 1)  # GMCR II style: an option by its 1-based number
    if kind == "compare":
        op = choose.choice([">=", "<=", ">", "<", "==", "=", "!="])
        if top == 1 and choose.integer(0, 1):
            return f"{name} {op} {choose.choice(['Y', 'N'])}"
        return f"{name} {op} {choose.integer(0, top)}"
    if kind == "between":
        low = choose.integer(0, top)
        return f"{name} between {low} and {choose.integer(low, top)}"
    return name


def random_condition(choose: Chooser, options: list[dict[str, Any]]) -> Any:
    """One condition (infeasibility or merge) in any of its forms."""
    names = [o["name"] for o in options]
    m = len(options)
    form = choose.choice(
        ["pattern", "pattern", "mapping", "statement", "exclusive", "least", "exactly"]
    )
    if form == "pattern":
        tokens = ["-"] * m
        for _ in range(choose.integer(1, 3)):
            k = choose.integer(0, m - 1)
            tokens[k] = _value_token(choose, _top(options[k]))
        text = "".join(tokens)
        return text if choose.integer(0, 1) else {"when": text}
    if form == "mapping":
        chosen = sorted({choose.integer(0, m - 1) for _ in range(choose.integer(1, 2))})
        return {names[k]: _raw_value(choose, _top(options[k])) for k in chosen}
    if form == "statement":
        return {"statement": random_statement(choose, options)}
    order = choose.permutation(m)
    if form == "exclusive" and m >= 2:
        return {"mutually_exclusive": [names[k] for k in order[: choose.integer(2, min(3, m))]]}
    picked = [names[k] for k in order[: choose.integer(1, min(3, m))]]
    return {"exactly_one" if form == "exactly" else "at_least_one": picked}


@st.composite
def statements(draw: st.DrawFn, options: list[dict[str, Any]], depth: int = 2) -> str:
    """A random statement of the prioritization language over ``options`` (option dicts)."""
    return random_statement(_Draws(draw), options, depth)


@st.composite
def conditions(draw: st.DrawFn, options: list[dict[str, Any]]) -> Any:
    """A random condition (infeasibility or merge) over ``options`` (option dicts)."""
    return random_condition(_Draws(draw), options)


# -- preferences ------------------------------------------------------------------------------


def random_preferences(
    choose: Chooser, model: NaiveModel, options: list[dict[str, Any]], form: str
) -> dict[str, Any]:
    """One DM's preferences over the states of a naive model, in the given form."""
    n = model.n
    labels = model.labels
    counts = Counter(labels)
    unique_label = {s for s in range(n) if counts[labels[s]] == 1}

    def ref(s: int) -> Any:
        kinds = ["number", "number"]
        if s in unique_label:
            kinds.append("label")
        if len(model.states[s]) == 1:
            kinds.append("mapping")
        kind = choose.choice(kinds)
        if kind == "label":
            return labels[s]
        if kind == "mapping":
            combo = model.rep(s)
            return {o["name"]: combo[k] for k, o in enumerate(options)}
        return s + 1

    if form == "prioritization":
        return {
            "prioritization": [
                random_statement(choose, options) for _ in range(choose.integer(1, 5))
            ]
        }
    order = choose.permutation(n)
    if form == "ranking":
        groups: list[list[int]] = [[order[0]]]
        for s in order[1:]:
            if choose.integer(0, 2) == 0:
                groups[-1].append(s)  # tied with the previous state
            else:
                groups.append([s])
        entries = [
            [ref(s) for s in g] if len(g) > 1 or choose.integer(0, 3) == 0 else ref(g[0])
            for g in groups
        ]
        return {"ranking": entries}
    values = [
        float(choose.integer(-3, 3)) if choose.integer(0, 1) else choose.integer(-100, 100) / 8
        for _ in range(n)
    ]
    if len(unique_label) == n and choose.integer(0, 1):
        return {"payoffs": {labels[s]: v for s, v in zip(order, values, strict=True)}}
    return {"payoffs": [[ref(s), v] for s, v in zip(order, values, strict=True)]}


@st.composite
def preferences(
    draw: st.DrawFn,
    model: NaiveModel,
    options: list[dict[str, Any]],
    forms: tuple[str, ...] = ("ranking", "payoffs", "prioritization"),
) -> dict[str, Any]:
    """One DM's preferences over the states of ``model`` (a naive model of the conflict)."""
    form = draw(st.sampled_from(forms))
    if form != "prioritization" and model.n > DRAWN_PREFERENCES_UP_TO:
        choose: Chooser = _Seeded(draw(st.integers(0, 2**32 - 1)))
    else:
        choose = _Draws(draw)
    return random_preferences(choose, model, options, form)


# -- whole conflicts --------------------------------------------------------------------------


def _options(choose: Chooser, n_options: int) -> list[dict[str, Any]]:
    options: list[dict[str, Any]] = []
    combinations = 1
    for k in range(n_options):
        remaining = n_options - k - 1
        budget = MAX_COMBINATIONS // (combinations * 2**remaining)
        radix = choose.choice([2, 2, 2] + [r for r in (3, 4) if r <= budget])
        combinations *= radix
        option: dict[str, Any] = {"name": f"o{k}"}
        if radix > 2:
            top = radix - 1
            option["levels"] = choose.choice([f"0..{top}", top])
            if choose.integer(0, 2) == 0:
                option["step"] = choose.integer(1, top - 1)
        direction = choose.choice(["both", "both", "forward", "backward"])
        if direction != "both" or choose.integer(0, 1):
            option["direction"] = direction
        options.append(option)
    return options


@st.composite
def conflict_data(
    draw: st.DrawFn,
    *,
    min_dms: int = 2,
    max_dms: int = 5,
    max_options: int = 8,
    merge: bool | None = None,
    forms: tuple[str, ...] = ("ranking", "payoffs", "prioritization"),
) -> dict[str, Any]:
    """The data of a random valid conflict (a dict in the ``detente/1`` format).

    ``merge`` forces (True) or forbids (False) merge conditions; by default about one
    conflict in four has some.  ``forms`` are the preference forms to draw from.
    """
    choose = _Draws(draw)
    n_dms = choose.integer(min_dms, max_dms)
    n_options = choose.integer(n_dms, max(n_dms, max_options))
    options = _options(choose, n_options)
    names = [o["name"] for o in options]
    order = choose.permutation(n_options)
    owner = [0] * n_options
    for position, k in enumerate(order):
        owner[k] = position if position < n_dms else choose.integer(0, n_dms - 1)
    dms = [
        {"name": f"D{i}", "options": [names[k] for k in order if owner[k] == i]}
        for i in range(n_dms)
    ]
    # A placeholder ranking: the model validates, and rankings are only checked on compiling.
    skeleton = [{**dm, "preferences": {"ranking": [1]}} for dm in dms]
    data: dict[str, Any] = {"options": options, "decision_makers": skeleton}

    # Infeasibility conditions, skipping any that would leave no feasible state.
    infeasible: list[Any] = []
    for _ in range(choose.integer(0, 3)):
        candidate = random_condition(choose, options)
        trial = Conflict.model_validate({**data, "infeasible": [*infeasible, candidate]})
        if enumerate_feasible(trial):
            infeasible.append(candidate)
    if infeasible:
        data["infeasible"] = infeasible
    with_merge = choose.integer(0, 3) == 0 if merge is None else merge
    if with_merge:
        data["merge"] = [random_condition(choose, options) for _ in range(choose.integer(1, 2))]

    model = naive_model(Conflict.model_validate(data), with_preferences=False, with_moves=False)
    data["decision_makers"] = [
        {**dm, "preferences": draw(preferences(model, options, forms))} for dm in dms
    ]
    return data


def conflicts(**kwargs: Any) -> st.SearchStrategy[Conflict]:
    """Random valid conflicts (see :func:`conflict_data` for the keyword arguments)."""
    return conflict_data(**kwargs).map(Conflict.model_validate)


# -- random dial conflicts (moved from tests/test_dial.py) -----------------------------------
@st.composite
def dial_conflicts(draw: st.DrawFn, max_combinations: int = 96) -> Conflict:
    """Small conflicts with at least one dial: random tops, steps and directions, binary
    options, comparisons in preferences and infeasibility, 2-3 DMs."""
    n_dms = draw(st.integers(2, 3))
    options: list[dict[str, Any]] = []
    owners: list[int] = []
    total = 1
    for d in range(n_dms):
        for _ in range(draw(st.integers(1, 2))):
            top = draw(st.sampled_from([None, None, 2, 3, 4]))
            if not options:
                top = draw(st.sampled_from([2, 3, 4, 5]))  # the first option is a dial
            radix = 2 if top is None else top + 1
            if total * radix > max_combinations:
                top, radix = None, 2
                if total * 2 > max_combinations:
                    break
            option: dict[str, Any] = {"name": f"o{len(options)}"}
            if top is not None:
                option["levels"] = draw(st.sampled_from([f"0..{top}", top]))
                if draw(st.booleans()):
                    option["step"] = draw(st.integers(1, top))
            option["direction"] = draw(st.sampled_from(["both", "both", "forward", "backward"]))
            options.append(option)
            owners.append(d)
            total *= radix
    used = sorted(set(owners))
    dms = [
        {
            "name": f"D{d}",
            "options": [o["name"] for o, w in zip(options, owners, strict=True) if w == d],
        }
        for d in used
    ]
    for dm in dms:
        dm["preferences"] = {
            "prioritization": [draw(atoms(options)) for _ in range(draw(st.integers(1, 4)))]
        }
    infeasible_conditions: list[dict[str, Any]] = []
    if draw(st.booleans()):
        infeasible_conditions.append({"statement": draw(atoms(options))})
    data = {"options": options, "decision_makers": dms, "infeasible": infeasible_conditions}
    conflict = Conflict.model_validate(data)
    if not feasible_combos(conflict):
        conflict = Conflict.model_validate({**data, "infeasible": []})
    return conflict


@st.composite
def atoms(draw: st.DrawFn, options: list[dict[str, Any]]) -> str:
    """A statement: a comparison on a dial, 'between', a bare option, or a combination."""
    option = draw(st.sampled_from(options))
    name, top = option["name"], _top(option)
    kind = draw(st.sampled_from(["compare", "between", "taken", "and", "not"]))
    if kind == "compare":
        op = draw(st.sampled_from([">=", "<=", ">", "<", "==", "=", "!="]))
        return f"{name} {op} {draw(st.integers(0, top))}"
    if kind == "between":
        low = draw(st.integers(0, top))
        return f"{name} between {low} and {draw(st.integers(low, top))}"
    if kind == "taken":
        return name
    other = draw(st.sampled_from(options))
    if kind == "and":
        return f"{name} >= {draw(st.integers(0, top))} and not {other['name']}"
    return f"not {name} if {other['name']} < {draw(st.integers(1, _top(other)))}"


# -- a model that keeps a worker busy (web job and cancellation tests) -------------------------
def slow_model() -> dict[str, Any]:
    """A model whose SIM analysis takes seconds (16 binary options, 2 DMs)."""
    names = [f"o{k}" for k in range(16)]
    statements = [f"o{k} iff not o{(k * 7 + 3) % 16}" for k in range(16)]
    return {
        "options": [{"name": n} for n in names],
        "decision_makers": [
            {"name": "A", "options": names[:8], "preferences": {"prioritization": statements}},
            {
                "name": "B",
                "options": names[8:],
                "preferences": {"prioritization": statements[::-1]},
            },
        ],
    }
