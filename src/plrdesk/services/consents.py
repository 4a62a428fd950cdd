"""Recording consent: a consent, an assent or a verbal-consent script, as it was given.

`record_consent` is the one way a consent enters the study from the app. It checks the
record against the exact form version it was given on (the items it answers, what is
required, the skip logic, the constraints), that the person signing may sign it (a
guardian for their own child), and that the method fits (a phone script is verbal consent;
an electronic consent carries the signature drawn on screen). Then it stores the form
version's wording in the study, gives the consent the next free ref (K1, K2 ...) and writes
an audit event. A consent is a record: it is never edited or undone, only withdrawn.

The skip-logic and answer checks are pure functions (`visible_items`, `validate_answers`,
`clean_answers`), so the form on screen and the service agree on one truth.

Answers, by item type:
- statement: True (ticked) or False (left blank); a required statement must be ticked;
- yes-no: True or False; signature: True once signed (the image is stored separately);
- text, long-text: text; single-choice: a choice value; multi-choice: a list of values;
- number: a number; scale: a whole number from min to max;
- date: ISO text `2008-11-20`; time: ISO text `14:30`;
- show-of-hands: {choice value: count}; info items take no answer.
An unanswered item is simply absent (None, empty text and empty lists count as absent).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from plrdesk.domain import models as m
from plrdesk.domain.kinds import ConsentMethod, ParticipantKind
from plrdesk.forms.expressions import Expression, parse
from plrdesk.forms.schema import CONSENT_KINDS, FormDefinition, FormKind, Item, ItemType
from plrdesk.services import audit
from plrdesk.services.changes import Changes, Table
from plrdesk.services.refs import next_ref
from plrdesk.services.study_forms import catalog_for, store_if_new

if TYPE_CHECKING:
    from plrdesk.forms.catalog import FormCatalog

SCAN_TYPES: dict[str, bytes] = {
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/jpeg": b"\xff\xd8\xff",
    "application/pdf": b"%PDF-",
}
"""Media types a scanned paper form may have, with the bytes such a file starts with."""

MAX_SCAN_BYTES = 25 * 1024 * 1024
PNG_MAGIC = SCAN_TYPES["image/png"]


class InvalidConsent(ValueError):
    """The consent cannot be recorded; the message is one plain line naming what is wrong.

    `item_id` names the form item at fault, when one is."""

    def __init__(self, message: str, item_id: str | None = None) -> None:
        super().__init__(message)
        self.item_id = item_id


@dataclass(frozen=True)
class FieldProblem:
    """What is wrong with one item's answer, as shown under the item."""

    item_id: str
    message: str


# -- skip logic and validation (pure) ---------------------------------------------------------


@functools.lru_cache(maxsize=512)
def _expression(source: str) -> Expression:
    return parse(source)


def _holds(source: str, answers: Mapping[str, Any], own: Any = None) -> bool:
    """Evaluate an expression the schema has already parsed once; a fault counts as false."""
    try:
        return _expression(source).evaluate(answers, own)
    except (TypeError, ValueError):
        return False


def _present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, list | tuple | set | dict):
        return len(value) > 0
    return True


def visible_items(form: FormDefinition, answers: Mapping[str, Any]) -> set[str]:
    """Ids of the items shown for these answers: those whose `relevant` holds.

    A hidden item's answer counts as unanswered for the items that depend on it, so the
    skip logic is applied until nothing changes (hiding A may hide B, which A's rule read).
    """
    items = form.items()
    effective = dict(answers)
    shown: set[str] = set()
    for _ in range(len(items) + 1):
        shown = {i.id for i in items if i.relevant is None or _holds(i.relevant, effective)}
        narrowed = {key: value for key, value in answers.items() if key in shown}
        if narrowed == effective:
            break
        effective = narrowed
    return shown


def clean_answers(form: FormDefinition, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers to keep: those of items shown, answered, and not info (unknown ids kept,
    so that `validate_answers` can name them)."""
    shown = visible_items(form, answers)
    kept: dict[str, Any] = {}
    for key, value in answers.items():
        item = form.item(key)
        if item is None or (key in shown and _present(value)):
            kept[key] = value
    return kept


def _type_problem(item: Item, value: Any) -> str | None:
    """Why `value` is not an answer of the item's type, or None."""
    kind = item.type
    values = {c.value for c in item.choices}
    if kind == ItemType.INFO:
        return "This is information to read: it takes no answer."
    if kind in {ItemType.STATEMENT, ItemType.YES_NO, ItemType.SIGNATURE}:
        return None if isinstance(value, bool) else "The answer must be yes or no."
    if kind in {ItemType.TEXT, ItemType.LONG_TEXT}:
        return None if isinstance(value, str) else "The answer must be text."
    if kind == ItemType.SINGLE_CHOICE:
        return None if isinstance(value, str) and value in values else "Choose one of the options."
    if kind == ItemType.MULTI_CHOICE:
        if (
            isinstance(value, list)
            and all(isinstance(v, str) and v in values for v in value)
            and len(set(value)) == len(value)
        ):
            return None
        return "Choose from the options listed."
    if kind == ItemType.NUMBER:
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return None
        return "Type a number, such as 12 or 3.5."
    if kind == ItemType.SCALE:
        assert item.min is not None  # the schema demands both ends
        assert item.max is not None
        low, high = sorted((item.min, item.max))
        whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        if whole and not isinstance(value, bool) and low <= value <= high:
            return None
        return f"Choose a number from {low} to {high}."
    if kind == ItemType.DATE:
        try:
            dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            return "Give a date, such as 2008-11-20."
        return None
    if kind == ItemType.TIME:
        try:
            dt.time.fromisoformat(value)
        except (TypeError, ValueError):
            return "Give a time, such as 14:30."
        return None
    if kind == ItemType.SHOW_OF_HANDS:
        if isinstance(value, dict) and all(
            key in values and isinstance(n, int) and not isinstance(n, bool) and n >= 0
            for key, n in value.items()
        ):
            return None
        return "Give a count of zero or more for each option."
    return None  # pragma: no cover - every type is handled above


def _missing(item: Item, value: Any) -> bool:
    if item.type == ItemType.STATEMENT:
        return value is not True
    if item.type == ItemType.SHOW_OF_HANDS and isinstance(value, dict):
        return not any(value.values())
    return not _present(value)


def validate_answers(form: FormDefinition, answers: Mapping[str, Any]) -> list[FieldProblem]:
    """Every problem with `answers`, in form order; empty when they can be saved.

    Unknown item ids come first. Items hidden by skip logic are neither required nor
    checked (their answers are dropped when saved). Constraints apply only to answers given.
    """
    problems = [
        FieldProblem(key, f"The form {form.id} has no item {key!r}.")
        for key in answers
        if form.item(key) is None
    ]
    shown = visible_items(form, answers)
    effective = {k: v for k, v in answers.items() if k in shown and _present(v)}
    for item in form.items():
        if item.id not in shown:
            continue
        value = effective.get(item.id)
        if value is not None:
            wrong = _type_problem(item, value)
            if wrong is not None:
                problems.append(FieldProblem(item.id, wrong))
                continue
        if item.required and _missing(item, value):
            needed = (
                "This must be ticked before the form can be saved."
                if item.type == ItemType.STATEMENT
                else "An answer is needed."
            )
            problems.append(FieldProblem(item.id, needed))
            continue
        if value is None:
            continue
        for constraint in item.constraints:
            if not _holds(constraint.rule, effective, value):
                problems.append(FieldProblem(item.id, constraint.message))
                break
    return problems


def takes_a_time(item: Item) -> bool:
    """Whether a verbal consent keeps the time this item was agreed to: its confirmations,
    the statements and yes-no questions (`record_consent` checks those times)."""
    return item.type in {ItemType.STATEMENT, ItemType.YES_NO}


def short_text(text: str, limit: int = 60) -> str:
    """The start of an item's wording, cut at a word, for messages and accessible names."""
    words = " ".join(text.split())
    if len(words) <= limit:
        return words
    cut = words[:limit].rsplit(" ", 1)[0].rstrip(",.;:")
    return cut + "…"


def describe(form: FormDefinition, problem: FieldProblem) -> str:
    """One plain line for a problem, naming the item by id and by the start of its words."""
    item = form.item(problem.item_id)
    if item is None:
        return problem.message
    return f'{problem.message} (item "{item.id}": {short_text(item.text)})'


# -- recording --------------------------------------------------------------------------------


def record_consent(
    db: Session,
    forms: FormCatalog,
    *,
    participant_ref: str,
    form_id: str,
    form_version: str,
    method: str,
    given_on: dt.date,
    answers: Mapping[str, Any],
    on_behalf_of_ref: str | None = None,
    signature_png: bytes | None = None,
    second_signature_png: bytes | None = None,
    scan_image: bytes | None = None,
    scan_media_type: str | None = None,
    confirmations: Mapping[str, str] | None = None,
    recorded_by: str | None = None,
) -> Changes:
    """Record one consent as given; raise InvalidConsent (one plain line) before writing."""
    signer = _participant(db, participant_ref)
    if signer.withdrawn_on is not None:
        raise InvalidConsent(f"{signer.ref} has withdrawn from the study.")
    catalog = catalog_for(db, forms)
    form = catalog.get(form_id, form_version)
    if form is None:
        raise InvalidConsent(f"There is no form {form_id!r} version {form_version!r}.")
    if form.kind not in CONSENT_KINDS:
        raise InvalidConsent(
            f"{form_id} is a{_article(form.kind)} {form.kind}, not a consent form."
        )
    consent_method = _method(method, form)
    if form.kind == FormKind.ASSENT and on_behalf_of_ref is not None:
        raise InvalidConsent("An assent is the child's own: record it for the child themselves.")
    fits = form_fits(form, ParticipantKind(signer.kind))
    if fits is None:
        raise InvalidConsent(f"{form.id} is not a form for a {signer.kind}.")
    if fits.for_child and on_behalf_of_ref is None:
        raise InvalidConsent(f"{form.id} is given for a child: choose which child.")
    if not fits.for_child and on_behalf_of_ref is not None:
        raise InvalidConsent(f"{form.id} is not given on a child's behalf.")
    child = _on_behalf_of(db, signer, on_behalf_of_ref)
    if given_on > dt.date.today():
        raise InvalidConsent(f"The date given, {given_on.isoformat()}, is after today.")

    kept = clean_answers(form, answers)
    problems = validate_answers(form, kept)
    if problems:
        raise InvalidConsent(describe(form, problems[0]), problems[0].item_id)
    times = _confirmations(form, consent_method, kept, confirmations or {})
    _media(consent_method, form, signature_png, second_signature_png, scan_image, scan_media_type)

    study = db.scalars(select(m.Study)).first()
    if consent_method == ConsentMethod.VERBAL and recorded_by is None and study is not None:
        recorded_by = study.researcher
    changes = Changes()
    consent = m.Consent(
        ref=_next_ref(db),
        participant=signer,
        on_behalf_of=child,
        form=form.id,
        form_version=form.version,
        method=consent_method.value,
        given_on=given_on,
        answers=kept,
        signature_png=signature_png,
        second_signature_png=second_signature_png,
        scan_image=scan_image,
        scan_media_type=scan_media_type if scan_image is not None else None,
        confirmations=times,
        recorded_by=(recorded_by or "").strip() or None,
        position=_next_position(db),
    )
    db.add(consent)
    if store_if_new(db, catalog, form.id, form.version):
        stored = db.scalars(
            select(m.StoredForm).filter_by(form_id=form.id, version=form.version)
        ).one()
        changes.add(Table.FORM_VERSION, stored.id)
    db.flush()
    changes.add(Table.CONSENT, consent.id)
    audit.record(
        db,
        "record-consent",
        [consent.id, signer.id, *([child.id] if child else [])],
        form=form.id,
        version=form.version,
        method=consent_method.value,
    )
    return changes


@dataclass(frozen=True)
class ConsentRequest:
    """One consent as the recorder has it on screen (see `record_consent`)."""

    participant_ref: str
    form_id: str
    form_version: str
    method: ConsentMethod
    given_on: dt.date
    answers: Mapping[str, Any]
    on_behalf_of_ref: str | None = None
    signature_png: bytes | None = None
    second_signature_png: bytes | None = None
    scan_image: bytes | None = None
    scan_media_type: str | None = None
    confirmations: Mapping[str, str] | None = None
    recorded_by: str | None = None


def record_requested_consent(db: Session, forms: FormCatalog, request: ConsentRequest) -> Changes:
    """`record_consent` for a request the recorder built."""
    return record_consent(
        db,
        forms,
        participant_ref=request.participant_ref,
        form_id=request.form_id,
        form_version=request.form_version,
        method=request.method.value,
        given_on=request.given_on,
        answers=request.answers,
        on_behalf_of_ref=request.on_behalf_of_ref,
        signature_png=request.signature_png,
        second_signature_png=request.second_signature_png,
        scan_image=request.scan_image,
        scan_media_type=request.scan_media_type,
        confirmations=request.confirmations,
        recorded_by=request.recorded_by,
    )


def _article(word: str) -> str:
    return "n" if word[:1] in "aeiou" else ""


def _participant(db: Session, ref: str) -> m.Participant:
    person = db.scalars(select(m.Participant).filter_by(ref=ref)).first()
    if person is None:
        raise InvalidConsent(f"There is no participant {ref} in this study.")
    return person


def _method(method: str, form: FormDefinition) -> ConsentMethod:
    try:
        chosen = ConsentMethod(method)
    except ValueError:
        known = ", ".join(ConsentMethod)
        raise InvalidConsent(f"Unknown method {method!r}: use one of {known}.") from None
    if form.kind == FormKind.VERBAL_CONSENT_SCRIPT and chosen != ConsentMethod.VERBAL:
        raise InvalidConsent(
            f"{form.id} is a script read aloud: record it as verbal consent, not {chosen}."
        )
    return chosen


def _on_behalf_of(db: Session, signer: m.Participant, ref: str | None) -> m.Participant | None:
    if ref is None:
        return None
    child = _participant(db, ref)
    if child.kind != ParticipantKind.CHILD:
        raise InvalidConsent(
            f"{child.ref} is not a child: consent on their behalf is not possible."
        )
    if signer not in child.guardians:
        raise InvalidConsent(f"{signer.ref} is not a parent or carer of {child.ref}.")
    if child.withdrawn_on is not None:
        raise InvalidConsent(f"{child.ref} has withdrawn from the study.")
    return child


def _confirmations(
    form: FormDefinition,
    method: ConsentMethod,
    answers: Mapping[str, Any],
    given: Mapping[str, str],
) -> dict[str, str]:
    if given and method != ConsentMethod.VERBAL:
        raise InvalidConsent("Confirmation times belong to verbal consent only.")
    times: dict[str, str] = {}
    for key, when in given.items():
        item = form.item(key)
        if item is None or item.type not in {ItemType.STATEMENT, ItemType.YES_NO}:
            raise InvalidConsent(f"The form {form.id} has no confirmation {key!r}.", key)
        if key not in answers:
            continue  # hidden by skip logic: dropped with its answer
        if answers[key] is not True:
            raise InvalidConsent(f'A time is recorded for item "{key}", but it is not ticked.', key)
        try:
            moment = dt.datetime.fromisoformat(when)
        except (TypeError, ValueError):
            raise InvalidConsent(
                f'The time for item "{key}" is not a date and time.', key
            ) from None
        if moment.tzinfo is None:
            raise InvalidConsent(f'The time for item "{key}" has no time zone.', key)
        times[key] = moment.isoformat()
    return times


def _media(
    method: ConsentMethod,
    form: FormDefinition,
    signature: bytes | None,
    second: bytes | None,
    scan: bytes | None,
    scan_type: str | None,
) -> None:
    if method == ConsentMethod.ELECTRONIC and not signature:
        raise InvalidConsent("An electronic consent needs the signature drawn on screen.")
    if method != ConsentMethod.ELECTRONIC and (signature or second):
        raise InvalidConsent(f"A {method} consent is signed on paper or not at all, not on screen.")
    if second and len(form.signers) < 2:
        raise InvalidConsent(f"The form {form.id} has no second signer.")
    for image in (signature, second):
        if image and not image.startswith(PNG_MAGIC):
            raise InvalidConsent("A signature must be a PNG image.")
    if scan is None:
        return
    if method != ConsentMethod.WRITTEN:
        raise InvalidConsent("A scan belongs to a consent given on a paper form.")
    if scan_type not in SCAN_TYPES:
        raise InvalidConsent("A scan must be a PNG or JPEG image or a PDF.")
    if not scan.startswith(SCAN_TYPES[scan_type]):
        raise InvalidConsent(f"The scanned file is not a {scan_type.split('/')[1].upper()} file.")
    if len(scan) > MAX_SCAN_BYTES:
        raise InvalidConsent(
            f"The scan is too large ({len(scan) // 1024 // 1024} MB): the limit is "
            f"{MAX_SCAN_BYTES // 1024 // 1024} MB. Scan at a lower resolution."
        )


def _next_ref(db: Session) -> str:
    return next_ref(db.scalars(select(m.Consent.ref)), "K")


def _next_position(db: Session) -> int:
    current = db.scalar(select(func.max(m.Consent.position)))
    return 0 if current is None else int(current) + 1


def withdraw_consent(db: Session, consent_ref: str, on: dt.date) -> Changes:
    """Mark the consent withdrawn from `on`. What it granted is no longer held from then."""
    consent = db.scalars(select(m.Consent).filter_by(ref=consent_ref)).first()
    if consent is None:
        raise InvalidConsent(f"There is no consent {consent_ref} in this study.")
    if consent.withdrawn_on is not None:
        raise InvalidConsent(
            f"{consent_ref} was already withdrawn on {consent.withdrawn_on.isoformat()}."
        )
    if on < consent.given_on:
        raise InvalidConsent(
            f"{consent_ref} was given on {consent.given_on.isoformat()}: it cannot be withdrawn"
            " before then."
        )
    if on > dt.date.today():
        raise InvalidConsent(f"The date given, {on.isoformat()}, is after today.")
    consent.withdrawn_on = on
    changes = Changes()
    changes.update(Table.CONSENT, consent.id)
    audit.record(db, "withdraw-consent", [consent.id, consent.participant_id])
    return changes


# -- reading, for display ---------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentRow:
    """One recorded consent as the app lists it."""

    id: uuid.UUID
    ref: str
    form_id: str
    form_version: str
    method: str
    given_on: dt.date
    withdrawn_on: dt.date | None
    signer_ref: str
    signer_name: str
    on_behalf_of_ref: str | None
    on_behalf_of_name: str | None
    answers: dict[str, Any]
    has_signature: bool
    has_scan: bool
    recorded_by: str | None

    @property
    def subject_ref(self) -> str:
        """Whom the consent speaks for: the child it was given for, else the signer."""
        return self.on_behalf_of_ref or self.signer_ref


def consents_of(db: Session, participant_ref: str) -> list[ConsentRow]:
    """Consents the participant gave, or that were given on their behalf, oldest first."""
    person = _participant(db, participant_ref)
    rows = db.scalars(
        select(m.Consent)
        .where(or_(m.Consent.participant_id == person.id, m.Consent.on_behalf_of_id == person.id))
        .options(selectinload(m.Consent.participant), selectinload(m.Consent.on_behalf_of))
        .order_by(m.Consent.given_on, m.Consent.position)
    )
    return [_row(consent) for consent in rows]


def _row(consent: m.Consent) -> ConsentRow:
    child = consent.on_behalf_of
    return ConsentRow(
        id=consent.id,
        ref=consent.ref,
        form_id=consent.form,
        form_version=consent.form_version,
        method=consent.method,
        given_on=consent.given_on,
        withdrawn_on=consent.withdrawn_on,
        signer_ref=consent.participant.ref,
        signer_name=consent.participant.name,
        on_behalf_of_ref=child.ref if child else None,
        on_behalf_of_name=child.name if child else None,
        answers=dict(consent.answers or {}),
        has_signature=consent.signature_png is not None,
        has_scan=consent.scan_image is not None,
        recorded_by=consent.recorded_by,
    )


# -- what the recorder offers -----------------------------------------------------------------

# Which participants each shipped consent form is for, and whether it speaks for a child.
# Forms a study brings itself are offered by kind: an assent to children; a consent or a
# verbal script to adults, for a child when its signers name a child besides the signer.
_SHIPPED_FOR: dict[str, tuple[frozenset[ParticipantKind], bool]] = {
    "parental-consent": (frozenset({ParticipantKind.PARENT}), True),
    "child-assent": (frozenset({ParticipantKind.CHILD}), False),
    "practitioner-consent": (frozenset({ParticipantKind.PRACTITIONER}), False),
    "parent-verbal-consent": (frozenset({ParticipantKind.PARENT}), False),
}
_ADULTS = frozenset(set(ParticipantKind) - {ParticipantKind.CHILD})


@dataclass(frozen=True)
class FormChoice:
    """A consent form the participant can give, at its latest version."""

    definition: FormDefinition
    for_child: bool  # a parent or carer gives it on a child's behalf

    @property
    def form_id(self) -> str:
        return self.definition.id

    @property
    def version(self) -> str:
        return self.definition.version


@dataclass(frozen=True)
class Person:
    ref: str
    name: str


@dataclass(frozen=True)
class RecorderSetup:
    """Everything the consent recorder shows for one participant."""

    participant: Person
    kind: ParticipantKind
    withdrawn: bool
    children: list[Person]  # children this person is a guardian of, still taking part
    researcher: str | None
    placeholders: dict[str, str | None]
    choices: list[FormChoice]
    consents: list[ConsentRow] = field(default_factory=list)


def form_fits(form: FormDefinition, kind: ParticipantKind) -> FormChoice | None:
    """The form as a choice for a participant of `kind`, or None when it is not for them."""
    if form.kind not in CONSENT_KINDS:
        return None
    if form.id in _SHIPPED_FOR:
        kinds, for_child = _SHIPPED_FOR[form.id]
    elif form.kind == FormKind.ASSENT:
        kinds, for_child = frozenset({ParticipantKind.CHILD}), False
    else:
        kinds = _ADULTS
        for_child = form.kind == FormKind.CONSENT and any(
            "child" in signer.lower() for signer in form.signers[1:]
        )
    return FormChoice(form, for_child) if kind in kinds else None


def recorder_setup(db: Session, forms: FormCatalog, participant_ref: str) -> RecorderSetup:
    """The participant, the consent forms that fit them, their children and consents so far."""
    person = _participant(db, participant_ref)
    kind = ParticipantKind(person.kind)
    study = db.scalars(select(m.Study)).first()
    catalog = catalog_for(db, forms)
    choices = []
    for form_id in sorted(catalog.ids()):
        form = catalog.get(form_id)
        choice = form_fits(form, kind) if form is not None else None
        if choice is not None:
            choices.append(choice)
    children = db.scalars(
        select(m.Participant)
        .join(m.Guardianship, m.Guardianship.child_id == m.Participant.id)
        .where(m.Guardianship.guardian_id == person.id, m.Participant.withdrawn_on.is_(None))
        .order_by(m.Participant.position)
    )
    placeholders: dict[str, str | None] = {
        "study.title": study.title if study else None,
        "study.researcher": study.researcher if study else None,
        "study.organisation": study.organisation if study else None,
        "study.contact": study.contact if study else None,
    }
    return RecorderSetup(
        participant=Person(person.ref, person.name),
        kind=kind,
        withdrawn=person.withdrawn_on is not None,
        children=[Person(c.ref, c.name) for c in children],
        researcher=study.researcher if study else None,
        placeholders=placeholders,
        choices=sorted(choices, key=_choice_order),
        consents=consents_of(db, participant_ref),
    )


def _choice_order(choice: FormChoice) -> tuple[int, str]:
    """Written forms first, then scripts; by title within each."""
    return (choice.definition.kind == FormKind.VERBAL_CONSENT_SCRIPT, choice.definition.title)
