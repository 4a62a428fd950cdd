"""The researcher's review decisions, kept in the study for the next export, and the way
a found name or number joins the register.

A decision is stored under the case-folded text (`text.fold_key`) and the layer that
proposed it, so "May" rejected once on the name layer stays unredacted by that layer in
every later export, whatever its case, while a registered "May" is still redacted by the
register. `add_to_register` makes an identifier, so the register catches the text (and its
aliases) from then on, without review.

These functions change the study but do not write the audit log: the caller (the export
or the review screen, in services) records what it did, as every service does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plrdesk.anonymise.engine import ACCEPT, REJECT, DecisionKey
from plrdesk.anonymise.register import identifier_label
from plrdesk.anonymise.text import fold_key, strip_possessive
from plrdesk.anonymise.types import Layer
from plrdesk.domain.models import Identifier, RedactionDecision

DECISIONS = (ACCEPT, REJECT)


def load_decisions(db: Session) -> dict[DecisionKey, str]:
    """Every decision as the Anonymiser takes them: (folded text, layer) -> decision."""
    return {(row.folded, row.layer): row.decision for row in db.scalars(select(RedactionDecision))}


def record_decision(
    db: Session, original: str, layer: Layer | str, label: str, decision: str
) -> RedactionDecision:
    """Keep (or change) the decision on a proposed redaction of `original` by `layer`."""
    if decision not in DECISIONS:
        raise ValueError(f"a decision is 'accept' or 'reject', not {decision!r}")
    layer = Layer(layer)
    folded = fold_key(original)
    if not folded:
        raise ValueError("nothing to decide on: the text is empty")
    row = db.scalars(
        select(RedactionDecision).filter_by(folded=folded, layer=layer.value)
    ).one_or_none()
    if row is None:
        row = RedactionDecision(folded=folded, layer=layer.value)
        db.add(row)
    row.label = label
    row.decision = decision
    row.decided_at = dt.datetime.now(dt.UTC)
    db.flush()
    return row


def forget_decision(db: Session, original: str, layer: Layer | str) -> bool:
    """Take a decision back (the text is proposed for review again). False if none."""
    row = db.scalars(
        select(RedactionDecision).filter_by(folded=fold_key(original), layer=Layer(layer).value)
    ).one_or_none()
    if row is None:
        return False
    db.delete(row)
    db.flush()
    return True


def add_to_register(db: Session, text: str, kind: str, aliases: Sequence[str] = ()) -> Identifier:
    """Register `text` (with `aliases`) as an identifier of `kind` (a label: person,
    school, phone ...). An identifier with the same text in any case gains the aliases
    instead; aliases it already has, in any case, are not repeated."""
    text = " ".join(strip_possessive(text.strip()).split())
    if not text:
        raise ValueError("nothing to register: the text is empty")
    kind = identifier_label(kind)
    key = fold_key(text)
    row = next((i for i in db.scalars(select(Identifier)) if fold_key(i.text) == key), None)
    if row is None:
        last = db.scalar(select(func.max(Identifier.position)))
        row = Identifier(text=text, kind=kind, aliases=[], position=0 if last is None else last + 1)
        db.add(row)
    have = {fold_key(a) for a in [row.text, *row.aliases]}
    new = list(row.aliases)
    for alias in aliases:
        alias = " ".join(alias.split())
        if alias and fold_key(alias) not in have:
            have.add(fold_key(alias))
            new.append(alias)
    row.aliases = new  # a new list, so the JSON column sees the change
    db.flush()
    return row
