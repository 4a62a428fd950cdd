"""Recall and precision of the anonymiser on the labelled corpus, by kind.

    python -m tests.anonymise.corpus_eval      # prints the table (and each miss)

Recall of a gold kind: the share of its gold spans whose every non-space character is
inside some redaction. Precision of a rule: the share of its redactions that overlap a
gold span. `keep` spans (Year 7, CAF, Monday, May the month ...) must overlap no
redaction at all.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plrdesk.anonymise.engine import Anonymiser
from plrdesk.anonymise.register import IdentifierEntry, PersonEntry, build_register
from plrdesk.anonymise.types import Redacted

CORPUS = Path(__file__).resolve().parents[1] / "data" / "anonymisation" / "corpus.json"
PATTERN_KINDS = (
    "phone",
    "email",
    "url",
    "postcode",
    "nhs-number",
    "pupil-number",
    "ni-number",
    "date-of-birth",
    "address",
)
GOLD_KINDS = ("registered", *PATTERN_KINDS, "titled-name", "first-name")


def load_corpus(path: Path = CORPUS) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def corpus_anonymiser(corpus: dict[str, Any]) -> Anonymiser:
    register = corpus["register"]
    people = [PersonEntry(p["name"], p["kind"], p.get("contact")) for p in register["participants"]]
    identifiers = [
        IdentifierEntry(i["text"], i["kind"], tuple(i["aliases"])) for i in register["identifiers"]
    ]
    return Anonymiser(build_register(people, identifiers))


@dataclass
class Evaluation:
    gold: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)  # gold spans fully covered
    predicted: Counter[str] = field(default_factory=Counter)  # redactions by rule
    correct: Counter[str] = field(default_factory=Counter)  # ... that overlap a gold span
    keep_total: int = 0
    keep_redacted: list[str] = field(default_factory=list)  # removed without review
    keep_for_review: list[str] = field(default_factory=list)  # proposed, the researcher decides
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # kind, span, sentence
    false_positives: list[tuple[str, str, str]] = field(default_factory=list)

    def recall(self, kind: str) -> float:
        return self.found[kind] / self.gold[kind] if self.gold[kind] else 1.0

    def precision(self, rule: str | None = None) -> float:
        if rule is None:
            total, right = sum(self.predicted.values()), sum(self.correct.values())
        else:
            total, right = self.predicted[rule], self.correct[rule]
        return right / total if total else 1.0

    def recall_of(self, kinds: tuple[str, ...]) -> float:
        total = sum(self.gold[k] for k in kinds)
        return sum(self.found[k] for k in kinds) / total if total else 1.0


def covered(redacted: Redacted, start: int, end: int) -> bool:
    text = redacted.original
    return all(
        text[i].isspace() or any(r.start <= i < r.end for r in redacted.redactions)
        for i in range(start, end)
    )


def evaluate(corpus: dict[str, Any], anonymiser: Anonymiser | None = None) -> Evaluation:
    anonymiser = anonymiser or corpus_anonymiser(corpus)
    result = Evaluation()
    for sentence in corpus["sentences"]:
        text = sentence["text"]
        redacted = anonymiser.redact(text)
        for gold in sentence["gold"]:
            result.gold[gold["kind"]] += 1
            if covered(redacted, gold["start"], gold["end"]):
                result.found[gold["kind"]] += 1
            else:
                result.misses.append((gold["kind"], text[gold["start"] : gold["end"]], text))
        for r in redacted.redactions:
            result.predicted[r.rule] += 1
            if any(g["start"] < r.end and r.start < g["end"] for g in sentence["gold"]):
                result.correct[r.rule] += 1
            else:
                result.false_positives.append((r.rule, r.original, text))
        for keep in sentence["keep"]:
            result.keep_total += 1
            hits = [
                r for r in redacted.redactions if keep["start"] < r.end and r.start < keep["end"]
            ]
            where = f"{keep['text']!r} in {text!r}"
            if any(not r.needs_review for r in hits):
                result.keep_redacted.append(where)
            elif hits:
                result.keep_for_review.append(where)
    return result


def table(result: Evaluation) -> str:
    lines = [
        f"{'kind':<15} {'gold':>5} {'recall':>8}   {'rule':<16} {'found':>6} {'precision':>9}",
        "-" * 66,
    ]
    rules = sorted(result.predicted, key=lambda r: (-result.predicted[r], r))
    for i in range(max(len(GOLD_KINDS), len(rules))):
        left = right = ""
        if i < len(GOLD_KINDS):
            kind = GOLD_KINDS[i]
            left = f"{kind:<15} {result.gold[kind]:>5} {result.recall(kind):>8.1%}"
        if i < len(rules):
            rule = rules[i]
            right = f"{rule:<16} {result.predicted[rule]:>6} {result.precision(rule):>9.1%}"
        lines.append(f"{left:<31}   {right}".rstrip())
    lines.append("-" * 66)
    lines.append(
        f"{'all patterns':<15} {sum(result.gold[k] for k in PATTERN_KINDS):>5}"
        f" {result.recall_of(PATTERN_KINDS):>8.1%}   {'all':<16}"
        f" {sum(result.predicted.values()):>6} {result.precision():>9.1%}"
    )
    lines.append(
        f"must-keep terms: {result.keep_total}; redacted: {len(result.keep_redacted)};"
        f" proposed for review: {len(result.keep_for_review)}"
    )
    return "\n".join(lines)


def main() -> int:
    result = evaluate(load_corpus())
    lines = [table(result)]
    lines += [f"MISS {kind}: {span!r} in {text!r}" for kind, span, text in result.misses]
    lines += [
        f"FALSE POSITIVE {r}: {span!r} in {text!r}" for r, span, text in result.false_positives
    ]
    lines += [f"KEEP REDACTED: {keep}" for keep in result.keep_redacted]
    lines += [f"KEEP PROPOSED FOR REVIEW: {keep}" for keep in result.keep_for_review]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
