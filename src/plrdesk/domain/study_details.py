"""The study's own details (who runs it, how to reach them, who endorsed it) and the rules
for them, shared by the app's dialog, the service that saves them and the interchange
format that imports them, so all three refuse the same things in the same words.

Each rule looks at one field and answers with one plain sentence naming it, or None. The
contact is kept in three parts (see docs/decisions.md, "The study's contact details"):
a phone number, an e-mail address, and a free line (`other_contact`: what an older
plrdesk stored as its one contact line, or "via the school office"). Printed forms show
the three joined as one line, `contact_line`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from plrdesk.domain.dates import long_date

# A single line of text is plenty for any of these; a longer one is a paste gone wrong.
MAX_LINE = 300
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
# Digits with the usual separators, an optional leading +, an optional extension.
_PHONE = re.compile(r"\+?[0-9 ()\-.]+(?:\s*(?:ext\.?|x)\s*[0-9]+)?", re.IGNORECASE)
MIN_PHONE_DIGITS = 6

LABELS = {
    "title": "Title",
    "researcher": "Researcher",
    "organisation": "Organisation",
    "phone": "Phone",
    "email": "E-mail",
    "other_contact": "Other contact",
    "aims": "Aims",
    "endorsed_by": "Endorsed by",
    "endorser_role": "Endorser's role",
    "endorsed_on": "Endorsement date",
    "endorsement_notes": "Endorsement notes",
    "ethics_reference": "Ethics reference",
}
"""Each field's name as the dialog labels it (and as its problems begin)."""

ONE_LINE = (
    "title",
    "researcher",
    "organisation",
    "phone",
    "email",
    "other_contact",
    "endorsed_by",
    "endorser_role",
    "ethics_reference",
)


@dataclass(frozen=True)
class StudyDetails:
    """Every detail of the study a researcher types, as one value (None: not given)."""

    title: str
    researcher: str | None = None
    organisation: str | None = None
    phone: str | None = None
    email: str | None = None
    other_contact: str | None = None
    aims: tuple[str, ...] = ()
    endorsed_by: str | None = None
    endorser_role: str | None = None
    endorsed_on: dt.date | None = None
    endorsement_notes: str | None = None
    ethics_reference: str | None = None

    @property
    def contact(self) -> str | None:
        """The contact line forms print for `{study.contact}`."""
        return contact_line(self.phone, self.email, self.other_contact)

    def cleaned(self) -> StudyDetails:
        """Spaces trimmed, blanks as None, blank aims dropped (the dialog's empty lines)."""
        return StudyDetails(
            title=self.title.strip(),
            researcher=blank_to_none(self.researcher),
            organisation=blank_to_none(self.organisation),
            phone=blank_to_none(self.phone),
            email=blank_to_none(self.email),
            other_contact=blank_to_none(self.other_contact),
            aims=tuple(aim.strip() for aim in self.aims if aim.strip()),
            endorsed_by=blank_to_none(self.endorsed_by),
            endorser_role=blank_to_none(self.endorser_role),
            endorsed_on=self.endorsed_on,
            endorsement_notes=blank_to_none(self.endorsement_notes),
            ethics_reference=blank_to_none(self.ethics_reference),
        )


def blank_to_none(text: str | None) -> str | None:
    cleaned = (text or "").strip()
    return cleaned or None


def contact_line(*parts: str | None) -> str | None:
    """The parts given, in order, joined as one line (None when none is given)."""
    return ", ".join(part for part in parts if part) or None


# Each check below answers with the problem in words (without the field's name, which
# the dialog shows beside it and the interchange gives as a JSON path), or None.


def one_line_problem(text: str | None) -> str | None:
    if text is None:
        return None
    if "\n" in text or "\r" in text:
        return "keep it to one line."
    if len(text) > MAX_LINE:
        return f"too long ({len(text)} characters; at most {MAX_LINE})."
    return None


def email_problem(email: str | None) -> str | None:
    if email is None:
        return None
    if _EMAIL.fullmatch(email) is None:
        return (
            f"“{email}” is not an e-mail address"
            " (it needs an @ and a domain, like name@example.org)."
        )
    return None


def phone_problem(phone: str | None) -> str | None:
    if phone is None:
        return None
    digits = sum(ch.isdigit() for ch in phone)
    if _PHONE.fullmatch(phone) is None or digits < MIN_PHONE_DIGITS:
        return (
            f"“{phone}” is not a phone number"
            " (digits, spaces and + - ( ) only, like 020 7946 0000)."
        )
    return None


def endorsed_on_problem(on: dt.date | None, today: dt.date) -> str | None:
    if on is not None and on > today:
        return f"{long_date(on)} is in the future: give the day the study was endorsed."
    return None


def problems(details: StudyDetails, today: dt.date) -> dict[str, str]:
    """One sentence per field that cannot be saved ("E-mail: ..."), by field name in the
    dialog's order; empty when all is well. `details` should be `cleaned()` first (the
    service does)."""
    found: dict[str, str] = {}

    def note(name: str, problem: str | None) -> None:
        if problem is not None and name not in found:
            found[name] = f"{LABELS[name]}: {problem}"

    if not details.title:
        note("title", "the study needs a title.")
    for name in ONE_LINE:
        note(name, one_line_problem(getattr(details, name)))
    note("email", email_problem(details.email))
    note("phone", phone_problem(details.phone))
    note("endorsed_on", endorsed_on_problem(details.endorsed_on, today))
    given = [
        LABELS[name].lower()
        for name in ("endorser_role", "endorsed_on", "endorsement_notes")
        if getattr(details, name) is not None
    ]
    if given and details.endorsed_by is None:
        note("endorsed_by", f"say who endorsed the study ({in_words(given)} given without a name).")
    return {name: found[name] for name in LABELS if name in found}  # in the dialog's order


def in_words(words: Iterable[str]) -> str:
    """["researcher", "organisation", "contact"] -> "researcher, organisation and contact"."""
    items = list(words)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
