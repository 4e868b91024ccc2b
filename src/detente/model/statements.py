"""The small logical language of option-prioritization statements.

A statement is a condition on a state, written over option names::

    Modify and not Insist
    Delay if Insist            # "Delay if Insist": Insist implies Delay
    if tests then not talks    # the same kind of implication, written forward
    Accept iff Modify
    sanctions >= 6
    sanctions between 3 and 5
    -Abandon                   # GMCR II's short form of "not Abandon"

A bare option name means "the option is taken" (Y, or a level above 0).  Names that are not
plain identifiers are written in quotes: ``'come to talks' and not tests``.

Option prioritization itself (statement k of K weighs 2^(K-k)) follows Fang, Hipel, Kilgour
& Peng (2003), "A decision support system for interactive decision making, Part I: model
formulation", IEEE Trans. SMC C 33(1), and Hipel, Kilgour & Fang, GMCR II.

The parser turns text into a tree of :class:`Expr` nodes whose ``evaluate`` works on a
whole ``(states x options)`` integer array at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

__all__ = [
    "And",
    "Compare",
    "Const",
    "Expr",
    "Iff",
    "Implies",
    "Not",
    "Or",
    "StatementError",
    "Taken",
    "parse_statement",
]


class StatementError(ValueError):
    """A statement does not parse or names an unknown option."""


class Expr:
    """A node of a parsed statement."""

    def evaluate(self, values: np.ndarray) -> np.ndarray:
        """Truth value for every row of ``values`` (states x options)."""
        raise NotImplementedError

    def options(self) -> set[int]:
        """Indices of the options the statement mentions."""
        raise NotImplementedError


@dataclass(frozen=True)
class Const(Expr):
    value: bool

    def evaluate(self, values: np.ndarray) -> np.ndarray:
        return np.full(values.shape[0], self.value, dtype=bool)

    def options(self) -> set[int]:
        return set()

    def __str__(self) -> str:
        return "true" if self.value else "false"


@dataclass(frozen=True)
class Taken(Expr):
    option: int
    name: str

    def evaluate(self, values: np.ndarray) -> np.ndarray:
        return values[:, self.option] > 0

    def options(self) -> set[int]:
        return {self.option}

    def __str__(self) -> str:
        return _quote(self.name)


_OPS = {
    ">=": np.greater_equal,
    "<=": np.less_equal,
    ">": np.greater,
    "<": np.less,
    "==": np.equal,
    "=": np.equal,
    "!=": np.not_equal,
}


@dataclass(frozen=True)
class Compare(Expr):
    option: int
    name: str
    op: str
    value: int

    def evaluate(self, values: np.ndarray) -> np.ndarray:
        return _OPS[self.op](values[:, self.option], self.value)

    def options(self) -> set[int]:
        return {self.option}

    def __str__(self) -> str:
        return f"{_quote(self.name)} {self.op} {self.value}"


@dataclass(frozen=True)
class Not(Expr):
    inner: Expr

    def evaluate(self, values: np.ndarray) -> np.ndarray:
        return ~self.inner.evaluate(values)

    def options(self) -> set[int]:
        return self.inner.options()

    def __str__(self) -> str:
        return f"not {_paren(self.inner)}"


@dataclass(frozen=True)
class And(Expr):
    left: Expr
    right: Expr

    def evaluate(self, values: np.ndarray) -> np.ndarray:
        return self.left.evaluate(values) & self.right.evaluate(values)

    def options(self) -> set[int]:
        return self.left.options() | self.right.options()

    def __str__(self) -> str:
        return f"{_paren(self.left)} and {_paren(self.right)}"


@dataclass(frozen=True)
class Or(Expr):
    left: Expr
    right: Expr

    def evaluate(self, values: np.ndarray) -> np.ndarray:
        return self.left.evaluate(values) | self.right.evaluate(values)

    def options(self) -> set[int]:
        return self.left.options() | self.right.options()

    def __str__(self) -> str:
        return f"{_paren(self.left)} or {_paren(self.right)}"


@dataclass(frozen=True)
class Implies(Expr):
    """``antecedent -> consequent``; written ``consequent if antecedent``."""

    antecedent: Expr
    consequent: Expr

    def evaluate(self, values: np.ndarray) -> np.ndarray:
        return ~self.antecedent.evaluate(values) | self.consequent.evaluate(values)

    def options(self) -> set[int]:
        return self.antecedent.options() | self.consequent.options()

    def __str__(self) -> str:
        return f"{_paren(self.consequent)} if {_paren(self.antecedent)}"


@dataclass(frozen=True)
class Iff(Expr):
    left: Expr
    right: Expr

    def evaluate(self, values: np.ndarray) -> np.ndarray:
        return self.left.evaluate(values) == self.right.evaluate(values)

    def options(self) -> set[int]:
        return self.left.options() | self.right.options()

    def __str__(self) -> str:
        return f"{_paren(self.left)} iff {_paren(self.right)}"


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _quote(name: str) -> str:
    return name if _IDENT.fullmatch(name) and name.lower() not in _KEYWORDS else f"'{name}'"


def _paren(expr: Expr) -> str:
    simple = isinstance(expr, Taken | Const | Compare | Not)
    return str(expr) if simple else f"({expr})"


_KEYWORDS = {"not", "and", "or", "if", "iff", "then", "between", "true", "false"}
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<num>\d+)
      | (?P<op>>=|<=|==|!=|<->|->|=|<|>|&&|\|\||[()&|!~-])
      | (?P<quoted>'[^']*'|"[^"]*"|`[^`]*`)
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str  # "num", "op", "name", "kw", "end"
    text: str
    column: int  # 1-based


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            column = pos + 1 + (len(text[pos:]) - len(text[pos:].lstrip()))
            raise StatementError(f"unexpected character {text[column - 1]!r} at column {column}")
        kind = match.lastgroup or ""
        raw = match.group(kind)
        column = match.start(kind) + 1
        if kind == "quoted":
            tokens.append(_Token("name", raw[1:-1], column))
        elif kind == "word":
            lower = raw.lower()
            tokens.append(
                _Token("kw", lower, column) if lower in _KEYWORDS else _Token("name", raw, column)
            )
        else:
            tokens.append(_Token(kind, raw, column))
        pos = match.end()
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


class _Parser:
    def __init__(self, text: str, options: Mapping[str, int], levels: Mapping[str, int]) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.pos = 0
        self.options = options
        self.levels = levels

    # -- helpers -------------------------------------------------------------------------
    def peek(self) -> _Token:
        return self.tokens[self.pos]

    def take(self) -> _Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def at(self, *texts: str) -> bool:
        token = self.peek()
        return token.kind in ("kw", "op") and token.text in texts

    def expect(self, text: str) -> None:
        if not self.at(text):
            self.fail(f"expected '{text}'")
        self.take()

    def fail(self, message: str) -> None:
        token = self.peek()
        found = "end of statement" if token.kind == "end" else repr(token.text)
        raise StatementError(f"{message} at column {token.column}, found {found}")

    # -- grammar (lowest precedence first) -----------------------------------------------
    def statement(self) -> Expr:
        expr = self.conditional()
        if self.peek().kind != "end":
            self.fail("unexpected text")
        return expr

    def conditional(self) -> Expr:
        if self.at("if"):
            self.take()
            antecedent = self.conditional()
            self.expect("then")
            return Implies(antecedent, self.conditional())
        left = self.disjunction()
        while self.at("if", "iff", "->", "<->"):
            word = self.take().text
            right = self.disjunction()
            if word == "if":
                left = Implies(right, left)
            elif word == "->":
                left = Implies(left, right)
            else:
                left = Iff(left, right)
        return left

    def disjunction(self) -> Expr:
        left = self.conjunction()
        while self.at("or", "|", "||"):
            self.take()
            left = Or(left, self.conjunction())
        return left

    def conjunction(self) -> Expr:
        left = self.negation()
        while self.at("and", "&", "&&"):
            self.take()
            left = And(left, self.negation())
        return left

    def negation(self) -> Expr:
        if self.at("not", "-", "!", "~"):
            self.take()
            return Not(self.negation())
        return self.atom()

    def atom(self) -> Expr:
        token = self.peek()
        if self.at("("):
            self.take()
            inner = self.conditional()
            self.expect(")")
            return inner
        if self.at("true", "false"):
            self.take()
            return Const(token.text == "true")
        if token.kind == "num":
            # GMCR II writes options by number: "3" is option 3 (1-based).
            self.take()
            number = int(token.text)
            names = list(self.options)
            if not 1 <= number <= len(names):
                raise StatementError(
                    f"option number {number} at column {token.column} is out of range"
                    f" 1..{len(names)}"
                )
            return self._compare_or_taken(names[number - 1])
        if token.kind == "name":
            self.take()
            if token.text not in self.options:
                known = ", ".join(self.options) or "none"
                raise StatementError(
                    f"unknown option {token.text!r} at column {token.column} (options: {known})"
                )
            return self._compare_or_taken(token.text)
        self.fail("expected an option name, 'not' or '('")
        raise AssertionError  # unreachable: fail() raises

    def _compare_or_taken(self, name: str) -> Expr:
        index = self.options[name]
        top = self.levels.get(name, 1)
        if self.at("between"):
            self.take()
            low = self._level(name, top)
            self.expect("and")
            high = self._level(name, top)
            if low > high:
                raise StatementError(f"'between {low} and {high}' is empty for option {name!r}")
            return And(Compare(index, name, ">=", low), Compare(index, name, "<=", high))
        if self.peek().kind == "op" and self.peek().text in _OPS:
            op = self.take().text
            return Compare(index, name, "==" if op == "=" else op, self._level(name, top))
        return Taken(index, name)

    def _level(self, name: str, top: int) -> int:
        token = self.take()
        if token.kind == "num":
            value = int(token.text)
        elif token.kind == "name" and token.text.upper() in ("Y", "N") and top == 1:
            value = 1 if token.text.upper() == "Y" else 0
        else:
            self.pos -= 1
            self.fail(f"expected a level of option {name!r}")
            raise AssertionError
        if not 0 <= value <= top:
            raise StatementError(
                f"level {value} at column {token.column} is outside 0..{top} for option {name!r}"
            )
        return value


def parse_statement(
    text: str, options: Mapping[str, int], levels: Mapping[str, int] | None = None
) -> Expr:
    """Parse ``text`` over the options ``{name: index}``.

    ``levels`` gives the top level of each levelled option (binary options have top level 1).

    >>> expr = parse_statement("Modify and not Insist", {"Modify": 0, "Insist": 1})
    >>> expr.evaluate(np.array([[1, 0], [1, 1]])).tolist()
    [True, False]
    """
    if not isinstance(text, str) or not text.strip():
        raise StatementError("empty statement")
    return _Parser(text, options, levels or {}).statement()
