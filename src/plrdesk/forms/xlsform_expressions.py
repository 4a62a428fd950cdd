"""XLSForm (XPath) expressions rewritten into plrdesk's expression language.

The two languages share their syntax (`${name}`, `.`, `= != < <= > >=`, `and`, `or`,
`not()`, `selected()`, `count-selected()`, `string-length()`, 'strings'), so most
expressions only need their `${name}`s renamed to the new item ids. Also rewritten,
because the meaning would otherwise change:

- `true()` / `false()` become `true` / `false`;
- "answered" tests `X != ''` and `X = ''` (an unanswered item is not the empty string
  here): `string-length(X) > 0` / `= 0`, `count-selected(X) > 0` / `= 0` for a
  multi-choice, `X = yes` / `X != yes` for a statement (an acknowledge);
- `X = 'OK'` for an acknowledge, which XLSForm stores as 'OK', becomes `X = yes`.

Anything else the parser refuses (arithmetic, other functions, `..`, names of rows that
were not converted) raises Untranslatable, and the caller lists it as not converted.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from plrdesk.forms.expressions import ExpressionError, Token, parse, tokenise
from plrdesk.forms.schema import ItemType


class Untranslatable(ValueError):
    """The expression cannot be expressed in plrdesk's language; the text says why."""


def _end(token: Token, source: str) -> int:
    if token.kind == "ref":
        return source.index("}", token.position) + 1
    return token.position + len(token.text)


def _answered_test(operand: str, kind: ItemType | None, op: str, literal: str) -> str | None:
    """`operand op literal` for '' and 'OK', or None when it needs no rewrite."""
    if kind == ItemType.STATEMENT and literal in {"''", '""', "'OK'", '"OK"'}:
        answered = (op == "!=") if literal in {"''", '""'} else (op == "=")
        return f"{operand} {'=' if answered else '!='} yes"
    if literal not in {"''", '""'}:
        return None
    function = "count-selected" if kind == ItemType.MULTI_CHOICE else "string-length"
    return f"{function}({operand}) {'>' if op == '!=' else '='} 0"


class _Rewriter:
    def __init__(
        self,
        source: str,
        ids: Mapping[str, str],
        types: Mapping[str, ItemType],
        own: ItemType | None,
        missing: Mapping[str, str],
        ambiguous: Collection[str],
    ) -> None:
        self.source = source
        self.ambiguous = ambiguous
        self.ids = ids
        self.types = types
        self.own = own
        self.missing = missing
        self.tokens = tokenise(source)

    def operand(self, token: Token) -> tuple[str, ItemType | None] | None:
        if token.kind == "dot":
            return ".", self.own
        if token.kind == "ref":
            new = self.rename(token.text)
            return f"${{{new}}}", self.types.get(new)
        return None

    def rename(self, name: str) -> str:
        if name in self.ambiguous:
            raise Untranslatable(f"${{{name}}} is the name of several rows: it cannot say which")
        if name in self.ids:
            return self.ids[name]
        if name in self.missing:
            raise Untranslatable(f"${{{name}}} is {self.missing[name]}, which is not converted")
        raise Untranslatable(f"${{{name}}} is not a question in this form")

    def comparison(self, i: int) -> str | None:
        """A rewritten `operand op literal` (either way round) starting at token i."""
        if i + 3 > len(self.tokens):
            return None
        first, op, last = self.tokens[i : i + 3]
        if op.kind != "op" or op.text not in {"=", "!="}:
            return None
        left = self.operand(first) if last.kind == "string" else None
        if left is not None:
            return _answered_test(left[0], left[1], op.text, last.text)
        right = self.operand(last) if first.kind == "string" else None
        if right is not None:
            return _answered_test(right[0], right[1], op.text, first.text)
        return None

    def boolean_call(self, i: int) -> bool:
        """`true()` or `false()` starts at token i."""
        texts = [token.text for token in self.tokens[i : i + 3]]
        return texts in (["true", "(", ")"], ["false", "(", ")"]) and self.tokens[i].kind == "word"

    def run(self) -> str:
        pieces: list[str] = []
        done = 0  # source offset copied so far
        i = 0
        tokens = self.tokens
        while i < len(tokens):
            token = tokens[i]
            replacement: str | None = self.comparison(i)
            width = 3
            if replacement is None and self.boolean_call(i):
                replacement = token.text
            if replacement is None:
                width = 1
                if token.kind == "ref":
                    replacement = f"${{{self.rename(token.text)}}}"
            if replacement is not None:
                pieces += [self.source[done : token.position], replacement]
                done = _end(tokens[i + width - 1], self.source)
            i += width
        pieces.append(self.source[done:])
        return "".join(pieces)


def translate(
    source: str,
    ids: Mapping[str, str],
    types: Mapping[str, ItemType],
    *,
    own: ItemType | None = None,
    missing: Mapping[str, str] | None = None,
    ambiguous: Collection[str] = (),
) -> str:
    """`source` in plrdesk's language. `ids` maps XLSForm names to item ids, `types` item
    ids to types, `own` is the type of `.`; `missing` describes names that exist in the
    XLSForm but were not converted; `ambiguous` names several rows (in different groups).
    Raises Untranslatable."""
    try:
        result = _Rewriter(source, ids, types, own, missing or {}, ambiguous).run()
    except ExpressionError as exc:
        raise Untranslatable(str(exc)) from None
    try:
        parse(result)
    except ExpressionError as exc:
        try:
            parse(source)
        except ExpressionError as original:  # positions in the text the author wrote
            raise Untranslatable(str(original)) from None
        raise Untranslatable(str(exc)) from None
    return result
