"""Proof that nothing leaks: recall and precision by kind on the labelled corpus
(tests/data/anonymisation/corpus.json), against the goals of the issue.

    python -m pytest tests/anonymise/test_corpus.py -s     # prints the table
"""

from __future__ import annotations

import json
import sys
from typing import Any

import faker
import pytest

from plrdesk.anonymise.engine import Anonymiser
from plrdesk.anonymise.types import Redacted
from tests.anonymise.corpus_eval import (
    CORPUS,
    GOLD_KINDS,
    PATTERN_KINDS,
    Evaluation,
    corpus_anonymiser,
    evaluate,
    load_corpus,
    table,
)


@pytest.fixture(scope="module")
def corpus() -> dict[str, Any]:
    return load_corpus()


@pytest.fixture(scope="module")
def anonymiser(corpus: dict[str, Any]) -> Anonymiser:
    return corpus_anonymiser(corpus)


@pytest.fixture(scope="module")
def result(corpus: dict[str, Any], anonymiser: Anonymiser) -> Evaluation:
    evaluation = evaluate(corpus, anonymiser)
    sys.stdout.write("\n" + table(evaluation) + "\n")  # shown with pytest -s
    return evaluation


def test_the_corpus_covers_every_kind(corpus: dict[str, Any], result: Evaluation) -> None:
    sentences = corpus["sentences"]
    assert isinstance(sentences, list)
    assert len(sentences) >= 400
    for kind in GOLD_KINDS:
        assert result.gold[kind] >= 30, kind
    kept = {k["text"] for s in sentences for k in s["keep"]}
    assert {"Year 7", "CAF", "Children's Trust", "Monday", "May", "SENCO", "DSL"} <= kept
    forms = {g.get("form") for s in sentences for g in s["gold"] if g["kind"] == "registered"}
    assert {"full", "first", "surname", "possessive", "upper", "lower", "alias"} <= forms
    assert CORPUS.stat().st_size < 300_000


def test_registered_recall_is_total(result: Evaluation) -> None:
    assert result.recall("registered") == 1.0, result.misses


@pytest.mark.parametrize("kind", PATTERN_KINDS)
def test_pattern_recall(result: Evaluation, kind: str) -> None:
    assert result.recall(kind) >= 0.98, [m for m in result.misses if m[0] == kind]


def test_titled_name_recall(result: Evaluation) -> None:
    assert result.recall("titled-name") >= 0.95


def test_first_name_recall_is_reported(result: Evaluation) -> None:
    # No goal in the issue: lower-case unregistered names ("anthony rang") are out of reach
    # of a capitalised-word rule, and the corpus has a few on purpose.
    assert result.recall("first-name") >= 0.85


def test_precision(result: Evaluation) -> None:
    assert result.precision() > 0.90
    for rule in (*PATTERN_KINDS, "registered", "titled-name", "first-name"):
        assert result.precision(rule) > 0.90, (rule, result.false_positives)


def test_must_keep_terms_are_never_removed_without_review(result: Evaluation) -> None:
    assert result.keep_total >= 300
    assert result.keep_redacted == []
    # a registered name that is also a month ("June" the practitioner) is proposed for
    # review where it reads as the month; nothing else that must stay is even proposed
    assert all("June" in k for k in result.keep_for_review), result.keep_for_review


def test_no_gold_text_survives_in_the_redacted_text(
    corpus: dict[str, Any], anonymiser: Anonymiser
) -> None:
    sentences = corpus["sentences"]
    assert isinstance(sentences, list)
    for sentence in sentences:
        redacted: Redacted = anonymiser.redact(sentence["text"])
        for gold in sentence["gold"]:
            if gold["kind"] == "first-name" and gold.get("form") == "lower":
                continue  # the designed misses above
            value = sentence["text"][gold["start"] : gold["end"]]
            assert value not in redacted.text, (value, redacted.text)


def test_the_corpus_file_is_what_the_generator_writes(corpus: dict[str, Any]) -> None:
    if corpus["faker"] != faker.VERSION:
        pytest.skip(f"corpus made with Faker {corpus['faker']}, this is {faker.VERSION}")
    from tests.data.anonymisation.make_corpus import build, dumps

    assert json.loads(dumps(build())) == corpus
