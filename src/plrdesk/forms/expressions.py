"""A small, safe expression language for skip logic (`relevant`) and constraints.

Never `eval`: text is tokenised and parsed into a tree by hand, and only the operations
below exist. The syntax follows XLSForm, so converted forms keep their logic:

    ${take-part} = yes and not(${age} < 11)
    selected(${tools}, 'caf') or count-selected(${tools}) >= 2
    . >= 0 and string-length(.) <= 200        (`.` is the item's own answer)

Values: numbers, 'strings', true/false (also yes/no), ${item} answers, `.`.
An unanswered item is `None`: it equals nothing but itself and orders before nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Answers = Mapping[str, Any]


class ExpressionError(ValueError):
    """The expression cannot be parsed; `.position` is the character offset of the fault."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at character {position + 1})")
        self.position = position


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<ref>\$\{(?P<name>[A-Za-z_][\w.-]*)\})
      | (?P<number>\d+(?:\.\d+)?)
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<op><=|>=|!=|=|<|>|\(|\)|,)
      | (?P<word>[A-Za-z][\w-]*)
      | (?P<dot>\.)
    )""",
    re.VERBOSE,
)

_KEYWORDS = {"true": True, "false": False, "yes": True, "no": False}


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    position: int


def tokenise(source: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(source):
        if source[position:].strip() == "":
            break
        match = _TOKEN.match(source, position)
        if match is None or match.end() == position:
            at = len(source) - len(source[position:].lstrip())
            raise ExpressionError(f"unexpected {source[at]!r}", at)
        kind = match.lastgroup or ""
        if kind == "name":
            kind = "ref"
        start = match.start(kind)
        text = match.group("name") if kind == "ref" else match.group(kind)
        tokens.append(Token(kind, text, start))
        position = match.end()
    return tokens


Node = Callable[[Answers, Any], Any]


@dataclass
class Expression:
    """A parsed expression: call `evaluate(answers, own_value)`; `references` are ${names}."""

    source: str
    root: Node
    references: frozenset[str]

    def evaluate(self, answers: Answers, own: Any = None) -> bool:
        return bool(self.root(answers, own))


def parse(source: str) -> Expression:
    parser = _Parser(tokenise(source), source)
    root = parser.expression()
    if parser.peek() is not None:
        token = parser.peek()
        assert token is not None
        raise ExpressionError(f"unexpected {token.text!r}", token.position)
    return Expression(source, root, frozenset(parser.references))


def _compare(op: str, left: Any, right: Any) -> bool:
    if op == "=":
        return bool(_loose(left) == _loose(right))
    if op == "!=":
        return bool(_loose(left) != _loose(right))
    if left is None or right is None:
        return False
    a: float | str
    b: float | str
    try:
        a, b = _number(left), _number(right)
    except (TypeError, ValueError):
        a, b = str(left), str(right)
    return bool({"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op])  # type: ignore[operator]


def _loose(value: Any) -> Any:
    """Compare numbers as numbers even when one side came from text."""
    if isinstance(value, bool) or value is None:
        return value
    try:
        return _number(value)
    except (TypeError, ValueError):
        return value


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise TypeError("a yes/no is not a number")
    return float(value)


def _selected(values: Any, choice: Any) -> bool:
    if isinstance(values, list | tuple | set):
        return choice in values
    return bool(values == choice)


def _count_selected(values: Any) -> int:
    return len(values) if isinstance(values, list | tuple | set) else 0


def _string_length(value: Any) -> int:
    return 0 if value is None else len(str(value))


FUNCTIONS: dict[str, tuple[int, Callable[..., Any]]] = {
    "selected": (2, _selected),
    "count-selected": (1, _count_selected),
    "string-length": (1, _string_length),
}


class _Parser:
    def __init__(self, tokens: list[Token], source: str) -> None:
        self.tokens = tokens
        self.index = 0
        self.source = source
        self.references: set[str] = set()

    def peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, text: str | None = None) -> Token:
        token = self.peek()
        if token is None:
            raise ExpressionError("the expression ends too early", len(self.source))
        if text is not None and token.text != text:
            raise ExpressionError(f"expected {text!r}, found {token.text!r}", token.position)
        self.index += 1
        return token

    def _is_word(self, word: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "word" and token.text == word

    def expression(self) -> Node:
        left = self.conjunction()
        while self._is_word("or"):
            self.take()
            right = self.conjunction()
            left = _or(left, right)
        return left

    def conjunction(self) -> Node:
        left = self.negation()
        while self._is_word("and"):
            self.take()
            right = self.negation()
            left = _and(left, right)
        return left

    def negation(self) -> Node:
        if self._is_word("not"):
            self.take()
            inner = self.negation()
            return lambda answers, own: not inner(answers, own)
        return self.comparison()

    def comparison(self) -> Node:
        left = self.atom()
        token = self.peek()
        if (
            token is not None
            and token.kind == "op"
            and token.text in {"=", "!=", "<", "<=", ">", ">="}
        ):
            self.take()
            right = self.atom()
            op = token.text
            return lambda answers, own: _compare(op, left(answers, own), right(answers, own))
        return left

    def atom(self) -> Node:
        token = self.take()
        if token.kind == "number":
            number = float(token.text)
            return lambda answers, own: number
        if token.kind == "string":
            text = token.text[1:-1]
            return lambda answers, own: text
        if token.kind == "ref":
            name = token.text
            self.references.add(name)
            return lambda answers, own: answers.get(name)
        if token.kind == "dot":
            return lambda answers, own: own
        if token.text == "(":
            inner = self.expression()
            self.take(")")
            return inner
        if token.kind == "word" and token.text in _KEYWORDS:
            value = _KEYWORDS[token.text]
            return lambda answers, own: value
        if token.kind == "word" and self._next_is_open():
            return self.call(token)
        raise ExpressionError(f"unexpected {token.text!r}", token.position)

    def _next_is_open(self) -> bool:
        token = self.peek()
        return token is not None and token.text == "("

    def call(self, name: Token) -> Node:
        if name.text == "not":
            raise ExpressionError("unexpected 'not'", name.position)
        if name.text not in FUNCTIONS:
            known = ", ".join(sorted(FUNCTIONS))
            raise ExpressionError(f"unknown function {name.text!r} (known: {known})", name.position)
        arity, function = FUNCTIONS[name.text]
        self.take("(")
        args: list[Node] = []
        if not (self.peek() and self.peek().text == ")"):  # type: ignore[union-attr]
            args.append(self.expression())
            while self.peek() is not None and self.peek().text == ",":  # type: ignore[union-attr]
                self.take(",")
                args.append(self.expression())
        self.take(")")
        if len(args) != arity:
            raise ExpressionError(
                f"{name.text}() takes {arity} argument(s), not {len(args)}", name.position
            )
        return lambda answers, own: function(*(arg(answers, own) for arg in args))


def _or(left: Node, right: Node) -> Node:
    return lambda answers, own: bool(left(answers, own)) or bool(right(answers, own))


def _and(left: Node, right: Node) -> Node:
    return lambda answers, own: bool(left(answers, own)) and bool(right(answers, own))
