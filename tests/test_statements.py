"""The statement language of option prioritization, and prioritization scores.

The property tests draw random expression trees, write them as text (with every spelling of
every operator and only the parentheses the precedence rules require) and compare the
parser's vectorised evaluation with a naive recursive evaluation of the tree.  Prioritization
scores are checked against the definition: statement k of K weighs 2^(K-k) (Fang, Hipel,
Kilgour & Peng 2003, IEEE Trans. SMC C 33(1)), computed with exact Python integers.
"""

from __future__ import annotations

import itertools
import operator
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente import compile_conflict, parse_model
from detente.model.statements import (
    MAX_STATEMENT_DEPTH,
    MAX_STATEMENT_LENGTH,
    StatementError,
    parse_statement,
)
from detente.space.state_space import prioritization_scores

from . import reference

# Options: A (binary), B (levels 0..3), 'go on' (binary, needs quotes), C (binary).
OPTIONS = {"A": 0, "B": 1, "go on": 2, "C": 3}
LEVELS = {"A": 1, "B": 3, "go on": 1, "C": 1}
NAMES = list(OPTIONS)
ROWS = [
    dict(zip(NAMES, combo, strict=True))
    for combo in itertools.product(*(range(t + 1) for t in LEVELS.values()))
]
VALUES = np.array([[row[n] for n in NAMES] for row in ROWS], dtype=np.int8)


def truth(text: str) -> list[bool]:
    return parse_statement(text, OPTIONS, LEVELS).evaluate(VALUES).tolist()


def table(predicate) -> list[bool]:
    return [bool(predicate(row)) for row in ROWS]


def same(text: str, predicate) -> None:
    assert truth(text) == table(predicate), text


# -- operators and precedence --------------------------------------------------------------
def test_bare_name_means_taken() -> None:
    same("A", lambda r: r["A"] == 1)
    same("B", lambda r: r["B"] > 0)
    same("'go on'", lambda r: r["go on"] == 1)
    same('"go on"', lambda r: r["go on"] == 1)
    same("`go on`", lambda r: r["go on"] == 1)


@pytest.mark.parametrize("word", ["not ", "NOT ", "-", "!", "~"])
def test_negation_spellings(word: str) -> None:
    same(f"{word}A", lambda r: r["A"] == 0)


@pytest.mark.parametrize("word", ["and", "AND", "&", "&&"])
def test_conjunction_spellings(word: str) -> None:
    same(f"A {word} C", lambda r: r["A"] and r["C"])


@pytest.mark.parametrize("word", ["or", "Or", "|", "||"])
def test_disjunction_spellings(word: str) -> None:
    same(f"A {word} C", lambda r: r["A"] or r["C"])


def test_not_binds_tighter_than_and() -> None:
    same("not A and C", lambda r: (not r["A"]) and r["C"])
    same("-A & -C", lambda r: not r["A"] and not r["C"])
    same("not (A and C)", lambda r: not (r["A"] and r["C"]))


def test_and_binds_tighter_than_or() -> None:
    same("A or C and B", lambda r: r["A"] or (r["C"] and r["B"]))
    same("A and C or B", lambda r: (r["A"] and r["C"]) or r["B"])
    same("(A or C) and B", lambda r: (r["A"] or r["C"]) and r["B"])


def test_or_binds_tighter_than_if_and_iff() -> None:
    # "A or C if B" is "(A or C) if B", i.e. B implies (A or C).
    same("A or C if B", lambda r: (not r["B"]) or r["A"] or r["C"])
    same("A if B or C", lambda r: not (r["B"] or r["C"]) or r["A"])
    same("A iff C or B", lambda r: bool(r["A"]) == bool(r["C"] or r["B"]))
    same("A and C iff B", lambda r: bool(r["A"] and r["C"]) == bool(r["B"]))


def test_if_is_reverse_implication() -> None:
    # "A if B": B implies A.  Not the same as "B if A".
    same("A if B", lambda r: (not r["B"]) or r["A"])
    same("B if A", lambda r: (not r["A"]) or r["B"])
    assert truth("A if C") != truth("C if A")
    same("if B then A", lambda r: (not r["B"]) or r["A"])
    same("B -> A", lambda r: (not r["B"]) or r["A"])
    same("not A if not C", lambda r: r["C"] or not r["A"])


def test_conditionals_chain_to_the_left() -> None:
    # "A if B if C" = "(A if B) if C": C implies (B implies A).
    same("A if B if C", lambda r: (not r["C"]) or (not r["B"]) or r["A"])
    same("A -> B -> C", lambda r: (not ((not r["A"]) or r["B"])) or r["C"])
    same("A iff C iff B", lambda r: (bool(r["A"]) == bool(r["C"])) == bool(r["B"]))
    same("if A then B if C", lambda r: (not r["A"]) or (not r["C"]) or r["B"])


def test_iff() -> None:
    same("A iff C", lambda r: bool(r["A"]) == bool(r["C"]))
    same("A <-> not C", lambda r: bool(r["A"]) != bool(r["C"]))


def test_constants() -> None:
    same("true", lambda r: True)
    same("false or A", lambda r: r["A"])


# -- comparisons and numbers --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "predicate"),
    [
        ("B >= 2", lambda r: r["B"] >= 2),
        ("B <= 1", lambda r: r["B"] <= 1),
        ("B > 2", lambda r: r["B"] > 2),
        ("B < 1", lambda r: r["B"] < 1),
        ("B = 3", lambda r: r["B"] == 3),
        ("B == 0", lambda r: r["B"] == 0),
        ("B != 0", lambda r: r["B"] != 0),
        ("B between 1 and 2", lambda r: 1 <= r["B"] <= 2),
        ("B between 2 and 2", lambda r: r["B"] == 2),
        ("A = Y", lambda r: r["A"] == 1),
        ("A = N", lambda r: r["A"] == 0),
        ("A != y", lambda r: r["A"] == 0),
        ("'go on' = 1", lambda r: r["go on"] == 1),
        ("B between 1 and 2 and A", lambda r: 1 <= r["B"] <= 2 and r["A"]),
        ("not B >= 2", lambda r: r["B"] < 2),
        ("B>=2&A", lambda r: r["B"] >= 2 and r["A"]),
    ],
)
def test_comparisons(text: str, predicate) -> None:
    same(text, predicate)


def test_option_numbers() -> None:
    # GMCR II style: options by their 1-based number.
    same("1", lambda r: r["A"])
    same("-1 and 4", lambda r: not r["A"] and r["C"])
    same("2 >= 2", lambda r: r["B"] >= 2)
    same("3", lambda r: r["go on"])


# -- errors -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty statement"),
        ("   ", "empty statement"),
        ("A and", "expected an option name, 'not' or '(' at column 6, found end of statement"),
        ("A @ C", "unexpected character '@' at column 3"),
        ("A and   #", "unexpected character '#' at column 9"),
        ("(A or C", "expected ')' at column 8, found end of statement"),
        ("A or C)", "unexpected text at column 7, found ')'"),
        ("A C", "unexpected text at column 3, found 'C'"),
        ("A and Zed", "unknown option 'Zed' at column 7 (options: A, B, go on, C)"),
        ("'go  on'", "unknown option 'go  on' at column 1 (did you mean 'go on'?)"),
        ("if A C", "expected 'then' at column 6, found 'C'"),
        ("5", "option number 5 at column 1 is out of range 1..4"),
        ("A and 0", "option number 0 at column 7 is out of range 1..4"),
        ("B >= 4", "level 4 at column 6 is outside 0..3 for option 'B'"),
        ("A = 2", "level 2 at column 5 is outside 0..1 for option 'A'"),
        ("B = Y", "expected a level of option 'B' at column 5, found 'Y'"),
        ("B >= C", "expected a level of option 'B' at column 6, found 'C'"),
        ("B between 3 and 1", "'between 3 and 1' is empty for option 'B'"),
        ("B between 1 or 2", "expected 'and' at column 13, found 'or'"),
        ("not", "expected an option name, 'not' or '(' at column 4, found end of statement"),
        ("'unterminated", 'unexpected character "\'" at column 1'),
    ],
)
def test_errors_say_where(text: str, message: str) -> None:
    with pytest.raises(StatementError) as info:
        parse_statement(text, OPTIONS, LEVELS)
    assert str(info.value) == message


def test_error_in_a_model_names_the_statement() -> None:
    from detente.errors import ModelError

    text = """
options: [{name: A}, {name: B}]
decision_makers:
  - {name: X, options: [A], preferences: {prioritization: [A, "B and (A or"]}}
  - {name: Y, options: [B], preferences: {prioritization: [B]}}
"""
    with pytest.raises(ModelError) as info:
        parse_model(text, "m.yaml")
    assert str(info.value) == (
        "m.yaml:4: decision_makers[0].preferences.prioritization[1]: statement 'B and (A or':"
        " expected an option name, 'not' or '(' at column 12, found end of statement"
    )


# -- random expressions against a naive evaluator -------------------------------------------------
# Precedence levels of the grammar: conditional < or < and < not < atom.
COND, OR, AND, NOT, ATOM = range(5)


def wrap(text: str, level: int, needed: int) -> str:
    return f"({text})" if level < needed else text


@st.composite
def expressions(draw: st.DrawFn, depth: int = 3) -> tuple[Any, str, int]:
    """``(evaluate(row) -> bool, text, precedence level of text)``."""
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        return draw(atoms())
    kind = draw(st.sampled_from(["not", "and", "or", "if", "ifthen", "->", "iff"]))
    left_f, left_t, left_l = draw(expressions(depth - 1))
    if kind == "not":
        word = draw(st.sampled_from(["not ", "-", "!", "~", "NOT "]))
        return (lambda r, f=left_f: not f(r)), word + wrap(left_t, left_l, NOT), NOT
    right_f, right_t, right_l = draw(expressions(depth - 1))
    if kind == "and":
        word = draw(st.sampled_from([" and ", " & ", " && ", "&"]))
        text = wrap(left_t, left_l, AND) + word + wrap(right_t, right_l, AND + 1)
        return (lambda r, a=left_f, b=right_f: a(r) and b(r)), text, AND
    if kind == "or":
        word = draw(st.sampled_from([" or ", " | ", " || "]))
        text = wrap(left_t, left_l, OR) + word + wrap(right_t, right_l, OR + 1)
        return (lambda r, a=left_f, b=right_f: a(r) or b(r)), text, OR
    if kind == "iff":
        word = draw(st.sampled_from([" iff ", " <-> "]))
        text = wrap(left_t, left_l, COND) + word + wrap(right_t, right_l, OR)
        return (lambda r, a=left_f, b=right_f: a(r) == b(r)), text, COND
    if kind == "if":  # left if right: right implies left
        text = wrap(left_t, left_l, COND) + " if " + wrap(right_t, right_l, OR)
        return (lambda r, a=left_f, b=right_f: (not b(r)) or a(r)), text, COND
    if kind == "->":  # left -> right
        text = wrap(left_t, left_l, COND) + " -> " + wrap(right_t, right_l, OR)
        return (lambda r, a=left_f, b=right_f: (not a(r)) or b(r)), text, COND
    # "if left then right" reaches to the end of the text: parenthesise unless it stands alone
    text = f"if {left_t} then {right_t}"
    return (lambda r, a=left_f, b=right_f: (not a(r)) or b(r)), text, COND - 1


COMPARE = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "==": operator.eq,
    "=": operator.eq,
    "!=": operator.ne,
}


@st.composite
def atoms(draw: st.DrawFn) -> tuple[Any, str, int]:
    name = draw(st.sampled_from(NAMES))
    k = NAMES.index(name)
    top = LEVELS[name]
    written = draw(st.sampled_from([f"'{name}'", f'"{name}"', str(k + 1)]))
    if name.isidentifier():
        written = draw(st.sampled_from([name, written]))
    kind = draw(st.sampled_from(["taken", "compare", "between", "yn", "const"]))
    if kind == "const":
        value = draw(st.booleans())
        return (lambda r, v=value: v), str(value).lower(), ATOM
    if kind == "compare":
        op = draw(st.sampled_from([">=", "<=", ">", "<", "==", "=", "!="]))
        level = draw(st.integers(0, top))
        python = {"=": "=="}.get(op, op)
        return (
            (lambda r, n=name, o=python, v=level: eval(f"{r[n]} {o} {v}")),
            (f"{written} {op} {level}"),
            NOT,
        )
    if kind == "between":
        low = draw(st.integers(0, top))
        high = draw(st.integers(low, top))
        return (
            (lambda r, n=name, lo=low, hi=high: lo <= r[n] <= hi),
            (f"{written} between {low} and {high}"),
            NOT,
        )
    if kind == "yn" and top == 1:
        flag = draw(st.sampled_from(["Y", "N"]))
        return (lambda r, n=name, v=int(flag == "Y"): r[n] == v), f"{written} = {flag}", NOT
    return (lambda r, n=name: r[n] > 0), written, ATOM


@settings(max_examples=300, deadline=None)
@given(expressions())
def test_random_statements_match_naive_evaluation(expression: tuple[Any, str, int]) -> None:
    predicate, text, _ = expression
    same(text, predicate)


@settings(max_examples=200, deadline=None)
@given(expressions())
def test_printed_statement_parses_back(expression: tuple[Any, str, int]) -> None:
    predicate, text, _ = expression
    printed = str(parse_statement(text, OPTIONS, LEVELS))
    same(printed, predicate)


# -- prioritization scores -------------------------------------------------------------------
def naive_score(satisfied_row: list[bool]) -> int:
    """Sum of 2^(K-k) over the satisfied statements k = 1..K (exact integers)."""
    big_k = len(satisfied_row)
    return sum(2 ** (big_k - k) for k, ok in enumerate(satisfied_row, 1) if ok)


def test_weights_worked_example() -> None:
    # Three statements weigh 4, 2, 1: satisfying only the first beats the other two together.
    satisfied = np.array([[1, 0, 0], [0, 1, 1], [1, 0, 1], [0, 0, 0]], dtype=bool)
    assert prioritization_scores(satisfied).tolist() == [4.0, 3.0, 5.0, 0.0]


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 70).flatmap(
        lambda k: st.lists(st.lists(st.booleans(), min_size=k, max_size=k), min_size=1, max_size=12)
    )
)
def test_prioritization_scores_order_like_the_definition(rows: list[list[bool]]) -> None:
    scores = prioritization_scores(np.array(rows, dtype=bool))
    exact = [naive_score(row) for row in rows]
    if len(rows[0]) <= 52:
        assert scores.tolist() == [float(x) for x in exact]
    for i, j in itertools.product(range(len(rows)), repeat=2):
        assert (scores[i] < scores[j]) == (exact[i] < exact[j])
        assert (scores[i] == scores[j]) == (exact[i] == exact[j])


def test_compiled_prioritization_matches_the_definition() -> None:
    statements = ["Sue iff not Talk", "Talk if Sue", "not Sue", "Threat >= 2", "Talk"]
    text = f"""
options:
  - {{name: Talk}}
  - {{name: Sue}}
  - {{name: Threat, levels: 0..3}}
decision_makers:
  - {{name: X, options: [Talk, Sue], preferences: {{prioritization: {statements!r}}}}}
  - {{name: Y, options: [Threat], preferences: {{prioritization: [Threat]}}}}
infeasible: ["YY-"]
"""
    space = compile_conflict(parse_model(text, "p.yaml"))
    predicates = [
        lambda r: bool(r["Sue"]) == (not r["Talk"]),
        lambda r: (not r["Sue"]) or bool(r["Talk"]),
        lambda r: not r["Sue"],
        lambda r: r["Threat"] >= 2,
        lambda r: bool(r["Talk"]),
    ]
    for s in range(space.n_states):
        row = dict(zip(space.option_names, space.values[s].tolist(), strict=True))
        assert row["Talk"] + row["Sue"] < 2  # the infeasible combination is gone
        expected = naive_score([p(row) for p in predicates])
        assert space.scores[0, s] == expected, (space.label(s), expected)


CHAINS = [" and ", " & ", " or ", " || ", " iff ", " <-> ", " if ", " -> "]


# -- against the naive recursive-descent reference, and hostile sizes -------------------------
@settings(max_examples=300, deadline=None)
@given(expressions(depth=4))
def test_parser_matches_the_reference_parser(expression: tuple[Any, str, int]) -> None:
    """detente's stack parser and the reference's one-function-per-rule reading agree."""
    _, text, _ = expression
    expected = [reference.statement_truth(OPTIONS, text, combo) for combo in VALUES.tolist()]
    assert truth(text) == expected, text


@settings(max_examples=100, deadline=None)
@given(st.lists(expressions(depth=2), min_size=2, max_size=40), st.sampled_from(CHAINS))
def test_long_chains_match_the_reference(parts: list[tuple[Any, str, int]], word: str) -> None:
    """Runs of one operator are built as balanced trees; the meaning is the left fold."""
    text = word.join(f"({t})" for _, t, _ in parts)
    expected = [reference.statement_truth(OPTIONS, text, combo) for combo in VALUES.tolist()]
    assert truth(text) == expected, text


def test_a_long_flat_statement_is_fine() -> None:
    """A flat chain as long as the size limit allows parses (linearly) and evaluates without
    recursion; it is never called nested."""
    terms = (MAX_STATEMENT_LENGTH - 1) // len("A and ")
    text = " and ".join(["A"] * terms)
    assert truth(text) == table(lambda r: r["A"])
    assert truth(" or ".join(["-C"] * terms)) == table(lambda r: not r["C"])
    assert truth(" iff ".join(["A"] * (2 * (terms // 2)))) == table(lambda r: True)


def test_statement_too_long_is_one_line() -> None:
    text = " and ".join(["A"] * 60_000)
    with pytest.raises(StatementError, match=r"^statement too long: 359,995 characters"):
        parse_statement(text, OPTIONS, LEVELS)


@pytest.mark.parametrize(
    "text",
    [
        "not " * (MAX_STATEMENT_DEPTH + 1) + "A",
        "(" * (MAX_STATEMENT_DEPTH + 1) + "A" + ")" * (MAX_STATEMENT_DEPTH + 1),
        " if ".join(["A"] * (MAX_STATEMENT_DEPTH + 2)),
        "if A then " * (MAX_STATEMENT_DEPTH + 1) + "A",
    ],
)
def test_deep_nesting_has_its_own_error(text: str) -> None:
    with pytest.raises(StatementError, match=r"^nested too deeply at column \d+: more than 100"):
        parse_statement(text, OPTIONS, LEVELS)


def test_nesting_up_to_the_limit_is_fine() -> None:
    depth = MAX_STATEMENT_DEPTH - 1
    same("not " * depth + "A", lambda r: bool(r["A"]) == (depth % 2 == 0))
    same("(" * depth + "A" + ")" * depth, lambda r: r["A"])
