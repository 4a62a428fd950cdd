"""What Prepare export's review list says of the rule behind each proposal, and the
decisions on entries held back for repeating an excluded entry's words.

Every anonymiser find carries the rule that found it (`anonymise.types.Redaction.rule`).
`rule_text` puts it in words; a rule with no words here (a detector added since) reads as
its own name, hyphens as spaces, so nothing is ever shown blank or wrong, only plainer.

A held-back entry (export.overlap) is reviewed as a proposal of the layer `HELD_BACK`,
which no anonymiser layer proposes; its decision is kept in the same table as the others
(`RedactionDecision`), "reject" releasing the entry and "accept" keeping it out, under a
key made of the entry's id and a digest of the words it repeats, never the words.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.anonymise.engine import ACCEPT, REJECT
from plrdesk.domain.models import RedactionDecision

HELD_BACK = "held-back"  # the layer of a held-back entry's proposal and decision
HELD_BACK_LABEL = "whole entry left out"
HELD_BACK_RULE = "repeats-excluded"

RULE_TEXT = {
    # the register
    "registered": "registered name or identifier",
    "registered-word": "registered name that is also a word",
    "registered-variant": "registered name in another form",
    "registered-fuzzy": "registered name, one letter off",
    "registered-handle": "handle built on a registered name",
    # names and schools
    "titled-name": "title and name",
    "initial-name": "initial and surname",
    "first-name": "known first name",
    "first-name-lower": "known first name in lower case",
    "unknown-word": "word in no word list",
    "school-name": "school by its name",
    "school-short": "short form of a registered school",
    # patterns
    "phone": "phone number",
    "international-phone": "phone number, international form",
    "number-after-phone-word": "number after a word for phone",
    "email": "e-mail address",
    "url": "web address",
    "handle": "social media handle",
    "at-handle": "@handle",
    "handle-after-platform-name": "handle after a platform's name",
    "underscore-handle": "handle-like word",
    "postcode": "postcode",
    "nhs-number": "NHS number",
    "pupil-number": "pupil number (UPN)",
    "spaced-pupil-number": "pupil number (UPN) with spaces",
    "ni-number": "National Insurance number",
    "date-of-birth": "date of birth",
    "date-beside-name": "date beside a name",
    "date-beside-year-group": "date beside a year group",
    "birthday": "birthday",
    "address": "street address",
    "estate-block-address": "estate block and street",
    "lower-case-address": "street address in lower case",
    # the export
    HELD_BACK_RULE: "repeats an excluded entry",
}


def rule_text(rule: str) -> str:
    """`rule` in words for the review list: "phone" is "phone number"; a rule without
    words of its own reads as its name ("school-short-form" as "school short form")."""
    known = RULE_TEXT.get(rule)
    if known is not None:
        return known
    plain = " ".join(rule.replace("-", " ").replace("_", " ").split())
    return plain or "no rule named"


class HeldPassage(Protocol):
    """`plrdesk.export.overlap.HeldBack` as the review reads it."""

    @property
    def key(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def reason(self) -> str: ...
    @property
    def rule(self) -> str: ...


def record_held_back(db: Session, key: str, label: str, decision: str) -> RedactionDecision:
    """Keep the decision on a held-back entry: "reject" releases it, "accept" keeps it out.
    Not `anonymise.decisions.record_decision`, which takes only the anonymiser's layers."""
    if decision not in (ACCEPT, REJECT):
        raise ValueError(f"a decision is 'accept' or 'reject', not {decision!r}")
    row = db.scalars(select(RedactionDecision).filter_by(folded=key, layer=HELD_BACK)).one_or_none()
    if row is None:
        row = RedactionDecision(folded=key, layer=HELD_BACK)
        db.add(row)
    row.label = label
    row.decision = decision
    row.decided_at = dt.datetime.now(dt.UTC)
    db.flush()
    return row
