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

from ..errors import name_hint

__all__ = [
    "MAX_STATEMENT_DEPTH",
    "MAX_STATEMENT_LENGTH",
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
    "quoted_statement",
]


class StatementError(ValueError):
    """A statement does not parse or names an unknown option."""


class Expr:
    """A node of a parsed statement."""

    def children(self) -> tuple[Expr, ...]:
        """The node's operands, in order (none for a leaf)."""
        return ()

    def combine(self, values: np.ndarray, operands: list[np.ndarray]) -> np.ndarray:
        """This node's truth values from its operands' (``values`` for leaves)."""
        raise NotImplementedError

    def evaluate(self, values: np.ndarray) -> np.ndarray:
        """Truth value for every row of ``values`` (states x options).

        Post-order with explicit stacks, not recursion, so a long or deep statement never
        exhausts Python's call stack.
        """
        results: list[np.ndarray] = []
        pending: list[tuple[Expr, bool]] = [(self, False)]
        while pending:
            node, ready = pending.pop()
            operands = node.children()
            if operands and not ready:
                pending.append((node, True))
                pending.extend((operand, False) for operand in reversed(operands))
                continue
            taken = results[len(results) - len(operands) :] if operands else []
            if operands:
                del results[len(results) - len(operands) :]
            results.append(node.combine(values, taken))
        return results[0]

    def options(self) -> set[int]:
        """Indices of the options the statement mentions."""
        found: set[int] = set()
        pending: list[Expr] = [self]
        while pending:
            node = pending.pop()
            option = getattr(node, "option", None)
            if option is not None:
                found.add(option)
            pending.extend(node.children())
        return found


@dataclass(frozen=True)
class Const(Expr):
    value: bool

    def combine(self, values: np.ndarray, operands: list[np.ndarray]) -> np.ndarray:
        return np.full(values.shape[0], self.value, dtype=bool)

    def __str__(self) -> str:
        return "true" if self.value else "false"


@dataclass(frozen=True)
class Taken(Expr):
    option: int
    name: str

    def combine(self, values: np.ndarray, operands: list[np.ndarray]) -> np.ndarray:
        return values[:, self.option] > 0

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

    def combine(self, values: np.ndarray, operands: list[np.ndarray]) -> np.ndarray:
        return _OPS[self.op](values[:, self.option], self.value)

    def __str__(self) -> str:
        return f"{_quote(self.name)} {self.op} {self.value}"


@dataclass(frozen=True)
class Not(Expr):
    inner: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.inner,)

    def combine(self, values: np.ndarray, operands: list[np.ndarray]) -> np.ndarray:
        return ~operands[0]

    def __str__(self) -> str:
        return f"not {_paren(self.inner)}"


@dataclass(frozen=True)
class And(Expr):
    left: Expr
    right: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)

    def combine(self, values: np.ndarray, operands: list[np.ndarray]) -> np.ndarray:
        return operands[0] & operands[1]

    def __str__(self) -> str:
        return f"{_paren(self.left)} and {_paren(self.right)}"


@dataclass(frozen=True)
class Or(Expr):
    left: Expr
    right: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)

    def combine(self, values: np.ndarray, operands: list[np.ndarray]) -> np.ndarray:
        return operands[0] | operands[1]

    def __str__(self) -> str:
        return f"{_paren(self.left)} or {_paren(self.right)}"


@dataclass(frozen=True)
class Implies(Expr):
    """``antecedent -> consequent``; written ``consequent if antecedent``."""

    antecedent: Expr
    consequent: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.antecedent, self.consequent)

    def combine(self, values: np.ndarray, operands: list[np.ndarray]) -> np.ndarray:
        return ~operands[0] | operands[1]

    def __str__(self) -> str:
        return f"{_paren(self.consequent)} if {_paren(self.antecedent)}"


@dataclass(frozen=True)
class Iff(Expr):
    left: Expr
    right: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)

    def combine(self, values: np.ndarray, operands: list[np.ndarray]) -> np.ndarray:
        return operands[0] == operands[1]

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


#: Longest statement text, in characters, that detente parses.  Parsing and evaluation are
#: linear in the length, so this is generous (about 15,000 terms); it keeps a pasted or
#: generated monster from costing seconds per statement.
MAX_STATEMENT_LENGTH = 100_000

#: Deepest nesting a statement may have: open parentheses, ``not``s and ``if ... then``s
#: waiting for their operand, or conditionals chained into one another.  A long flat chain of
#: ``and``, ``or`` or ``iff`` is not nesting: it is kept as a balanced tree.
MAX_STATEMENT_DEPTH = 100

_REST_IS_SPACE = re.compile(r"\s*\Z")


def _tokenize(text: str) -> list[_Token]:
    """Tokens of ``text``, in one left-to-right pass (linear in its length)."""
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        if _REST_IS_SPACE.match(text, pos):
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


# Binary operators and their precedence (all associate to the left).  A conditional's right
# operand is a disjunction, so "A if B iff C" is "(A if B) iff C".
_BINARY = {
    "if": 1, "iff": 1, "->": 1, "<->": 1,
    "or": 2, "|": 2, "||": 2,
    "and": 3, "&": 3, "&&": 3,
}  # fmt: skip
_KIND = {"<->": "iff", "|": "or", "||": "or", "&": "and", "&&": "and"}
_NOT = ("not", "-", "!", "~")
_GROUPS = ("(", "if...")  # an open parenthesis, or a prefix "if" waiting for its "then"


@dataclass
class _Operand:
    """A parsed operand: one node, or a flat run of one associative operator (and, or, iff)
    kept as a list until it is used, then built as a balanced tree (depth log2 of its length)."""

    kind: str  # "node", "and", "or", "iff"
    parts: list[Expr]
    depth: int


_FLAT = {"and": And, "or": Or, "iff": Iff}


class _Parser:
    """Operator precedence parsing with explicit stacks (Dijkstra's shunting yard): linear in
    the number of tokens and never recursive, whatever the statement's length or nesting."""

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

    def too_deep(self) -> None:
        raise StatementError(
            f"nested too deeply at column {self.peek().column}: more than"
            f" {MAX_STATEMENT_DEPTH} levels of parentheses, 'not' or conditionals"
        )

    # -- operands ------------------------------------------------------------------------
    def node(self, operand: _Operand) -> tuple[Expr, int]:
        """The operand as one node (a flat run becomes a balanced tree), with its depth."""
        parts, depth = operand.parts, operand.depth
        if operand.kind == "node":
            return parts[0], depth
        build = _FLAT[operand.kind]
        while len(parts) > 1:
            paired = [build(parts[k], parts[k + 1]) for k in range(0, len(parts) - 1, 2)]
            parts = paired + ([parts[-1]] if len(parts) % 2 else [])
            depth += 1
        return parts[0], depth

    def single(self, operand: _Operand) -> tuple[list[Expr], int]:
        expr, depth = self.node(operand)
        return [expr], depth

    def make(self, expr: Expr, *depths: int) -> _Operand:
        depth = 1 + max(depths, default=0)
        if depth > MAX_STATEMENT_DEPTH:
            self.too_deep()
        return _Operand("node", [expr], depth)

    def reduce(self, ops: list[tuple[str, object]], values: list[_Operand]) -> None:
        """Apply the operator on top of ``ops`` to the operands on top of ``values``."""
        op, payload = ops.pop()
        if op in _NOT:
            inner, depth = self.node(values.pop())
            values.append(self.make(Not(inner), depth))
            return
        if op == "then":  # "if A then B": payload is A
            assert isinstance(payload, _Operand)
            antecedent, left_depth = self.node(payload)
            consequent, right_depth = self.node(values.pop())
            values.append(self.make(Implies(antecedent, consequent), left_depth, right_depth))
            return
        right = values.pop()
        left = values.pop()
        kind = _KIND.get(op, op)
        if kind in _FLAT:
            # Grow the left run in place: copying it each time would make a chain quadratic.
            run = left if left.kind == kind else _Operand(kind, *self.single(left))
            if right.kind == kind:
                run.parts.extend(right.parts)
                run.depth = max(run.depth, right.depth)
            else:
                expr, depth = self.node(right)
                run.parts.append(expr)
                run.depth = max(run.depth, depth)
            values.append(run)
            return
        (a, da), (b, db) = self.node(left), self.node(right)
        expr = Implies(b, a) if kind == "if" else Implies(a, b)
        values.append(self.make(expr, da, db))

    @staticmethod
    def open_group(ops: list[tuple[str, object]]) -> str | None:
        """The innermost open parenthesis or ``if``, if any."""
        for op, _ in reversed(ops):
            if op in _GROUPS:
                return op
        return None

    def misplaced(self, ops: list[tuple[str, object]]) -> None:
        """Fail at a token that cannot follow a complete operand here."""
        group = self.open_group(ops)
        if group == "(":
            self.fail("expected ')'")
        if group == "if...":
            self.fail("expected 'then'")
        self.fail("unexpected text")

    def close_group(self, ops: list[tuple[str, object]], values: list[_Operand]) -> str | None:
        """Reduce everything back to the innermost open group, which is popped and returned."""
        while ops and ops[-1][0] not in _GROUPS:
            self.reduce(ops, values)
        return ops.pop()[0] if ops else None

    # -- grammar -------------------------------------------------------------------------
    def statement(self) -> Expr:
        ops: list[tuple[str, object]] = []
        values: list[_Operand] = []
        want_operand = True
        conditional_allowed = True  # a prefix "if" may start here (a whole conditional)
        while True:
            token = self.peek()
            if want_operand:
                if len(ops) >= MAX_STATEMENT_DEPTH:
                    self.too_deep()
                if self.at("(") or (conditional_allowed and self.at("if")):
                    ops.append(("(" if self.take().text == "(" else "if...", None))
                    conditional_allowed = True
                elif self.at(*_NOT):
                    ops.append((self.take().text, None))
                    conditional_allowed = False
                else:
                    values.append(self.make(self.atom()))
                    want_operand = False
                continue
            if token.kind in ("kw", "op") and token.text in _BINARY:
                precedence = _BINARY[token.text]
                while ops and (
                    ops[-1][0] in _NOT
                    or (ops[-1][0] in _BINARY and _BINARY[ops[-1][0]] >= precedence)
                ):
                    self.reduce(ops, values)
                ops.append((self.take().text, None))
                want_operand, conditional_allowed = True, False
            elif self.at(")"):
                if self.open_group(ops) != "(":
                    self.misplaced(ops)
                self.close_group(ops, values)
                self.take()
            elif self.at("then"):
                if self.open_group(ops) != "if...":
                    self.misplaced(ops)
                self.close_group(ops, values)
                self.take()
                ops.append(("then", values.pop()))
                want_operand, conditional_allowed = True, True
            elif token.kind == "end":
                if self.open_group(ops) is not None:
                    self.misplaced(ops)
                while ops:
                    self.reduce(ops, values)
                return self.node(values.pop())[0]
            else:
                self.misplaced(ops)

    def atom(self) -> Expr:
        token = self.peek()
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
                hint = name_hint(token.text, self.options, "options")
                raise StatementError(
                    f"unknown option {token.text!r} at column {token.column}{hint}"
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


def quoted_statement(text: str, width: int = 60) -> str:
    """A statement quoted for an error message, cut (with its length) when it is long, so an
    error about a 100,000-character statement stays one short line.

    >>> quoted_statement("A and B")
    "'A and B'"
    >>> quoted_statement(" and ".join(["A"] * 1000))
    "'A and A and A and A and A and A and A and A and A and A and …' (5,995 characters)"
    """
    if len(text) <= width:
        return repr(text)
    return f"{text[:width] + '…'!r} ({len(text):,} characters)"


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
    if len(text) > MAX_STATEMENT_LENGTH:
        raise StatementError(
            f"statement too long: {len(text):,} characters (at most {MAX_STATEMENT_LENGTH:,})"
        )
    return _Parser(text, options, levels or {}).statement()
