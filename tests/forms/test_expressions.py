"""The skip-logic language: what it accepts, what it refuses, and how it evaluates."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plrdesk.forms.expressions import ExpressionError, parse


@pytest.mark.parametrize(
    ("source", "answers", "own", "expected"),
    [
        ("${a} = yes", {"a": True}, None, True),
        ("${a} = yes", {"a": False}, None, False),
        ("${a} = yes", {}, None, False),
        ("${a} != yes", {}, None, True),
        ("${age} >= 11 and ${age} <= 13", {"age": 12}, None, True),
        ("${age} >= 11 and ${age} <= 13", {"age": "14"}, None, False),
        ("not(${age} < 11)", {"age": 10}, None, False),
        ("${x} = 'b' or ${y} = 2", {"x": "a", "y": 2}, None, True),
        ("selected(${tools}, 'caf')", {"tools": ["caf", "ehm"]}, None, True),
        ("selected(${tools}, 'caf')", {"tools": []}, None, False),
        ("count-selected(${tools}) >= 2", {"tools": ["a", "b"]}, None, True),
        ("string-length(.) <= 3", {}, "abcd", False),
        (". > 0", {}, None, False),
        ("(${a} = 1 or ${b} = 1) and ${c} = 1", {"a": 1, "c": 1}, None, True),
        ("${a} < ${b}", {"a": "apple", "b": "banana"}, None, True),
    ],
)
def test_evaluation(source: str, answers: dict[str, Any], own: Any, expected: bool) -> None:
    assert parse(source).evaluate(answers, own) is expected


def test_references_are_collected() -> None:
    assert parse("${a} = 1 and selected(${b-c}, 'x')").references == {"a", "b-c"}


@pytest.mark.parametrize(
    "source",
    [
        "${a} =",
        "${a} == 1",
        "foo(1)",
        "__import__('os')",
        "(1",
        "1)",
        "selected(${a})",
        "'x' @",
        "",
    ],
)
def test_malformed_expressions_are_refused(source: str) -> None:
    with pytest.raises(ExpressionError):
        parse(source)


@given(st.text(max_size=30))
def test_no_input_escapes_the_language(source: str) -> None:
    """Anything is either refused with ExpressionError or evaluates without error."""
    try:
        expression = parse(source)
    except ExpressionError:
        return
    expression.evaluate({}, None)
