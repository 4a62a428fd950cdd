"""The words the reading formats (Markdown, PDF, DOCX) share, so they say the same thing:
group names, counts in a sentence, the study period, a quote's and an extract's
attribution, and how participants admitted by a consent override were treated."""

from __future__ import annotations

from collections.abc import Mapping

from plrdesk.domain.dates import month_and_year
from plrdesk.export.model import ConsentOverrides, ExportBundle, Extract, Period, Quote

_KINDS = {
    "practitioner": ("practitioner", "practitioners"),
    "parent": ("parent or carer", "parents or carers"),
    "child": ("child", "children"),
    "other": ("other participant", "other participants"),
}
_SESSIONS = {
    "practitioner-interview": ("practitioner interview", "practitioner interviews"),
    "phone-interview": ("phone interview", "phone interviews"),
    "focus-group": ("focus group", "focus groups"),
    "other": ("other session", "other sessions"),
}

SUBTITLE = "Anonymised summary"


def kind_name(kind: str, count: int | str = 2) -> str:
    singular, plural = _KINDS.get(kind, (kind, kind))
    return singular if count == 1 else plural


def session_name(kind: str, count: int | str = 1) -> str:
    singular, plural = _SESSIONS.get(kind, (kind.replace("-", " "),) * 2)
    return singular if count == 1 else plural


def counted(count: int | str, kind: str) -> str:
    """ "6 practitioners", "1 child", "fewer than 3 children"."""
    return f"{count} {kind_name(kind, count)}"


def listing(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def raised_by(raised: Mapping[str, int | str]) -> str:
    """ "Raised by 4 practitioners, 1 parent or carer and no children."""
    parts = [
        f"no {kind_name(kind)}" if count == 0 else counted(count, kind)
        for kind, count in raised.items()
    ]
    return f"Raised by {listing(parts)}." if parts else "Raised by no one."


def month(text: str | None) -> str | None:
    if not text:
        return None
    year, number = text.split("-")
    return month_and_year(int(year), int(number))


def period(span: Period) -> str:
    first, last = month(span.start), month(span.to)
    if first is None or last is None:
        return "no dates recorded"
    return first if first == last else f"{first} to {last}"


def attribution(quote: Quote) -> str:
    return (
        f"{quote.descriptor[:1].upper()}{quote.descriptor[1:]}, {session_name(quote.session_kind)}"
    )


def extract_attribution(extract: Extract) -> str:
    """ "A parent or carer, phone interview; word for word" (or "; the researcher's note"):
    a writer must not put a note of what was said in quotation marks."""
    how = "word for word" if extract.verbatim else "the researcher's note, not word for word"
    said = f"{extract.descriptor[:1].upper()}{extract.descriptor[1:]}"
    return f"{said}, {session_name(extract.session_kind)}; {how}"


NO_EXTRACTS = "No passage under this theme may be quoted."
EXTRACTS_INTRO = (
    "Every coded passage that may be quoted (the speaker agreed to be quoted, has not"
    " withdrawn, and nothing in it was flagged as a safeguarding concern), theme by theme, in"
    " the order it was said. Passages in quotation marks are the speaker's words; the"
    " others are the researcher's notes of what was said and are not to be quoted as words."
)


def _admitted(overrides: ConsentOverrides) -> str:
    return listing([counted(n, kind) for kind, n in overrides.admitted.items()])


def overrides(bundle: ExportBundle) -> str | None:
    """The methods' sentence on participants admitted through a consent override who still
    lack the consent to take part, saying how the figures treat them; None when none."""
    found = bundle.overrides
    if not found.admitted:
        return None
    treated = (
        "They are counted in the figures below, as the researcher chose; none of their"
        " words is quoted without their permission to be quoted."
        if found.counted
        else "They are left out of every figure, quote and extract below."
    )
    return (
        f"Consent overrides: {_admitted(found)} joined a session before the consent"
        " needed to take part was recorded (the researcher recorded why), and it has not"
        f" been recorded since. {treated}"
    )


def overrides_report(found: ConsentOverrides) -> str | None:
    """The command's report line on the same (after "consent overrides: ")."""
    if not found.admitted:
        return None
    if found.counted:
        return f"{_admitted(found)} without the consent to take part: counted, as asked"
    return (
        f"{_admitted(found)} without the consent to take part: left out of every figure,"
        " quote and extract (--count-consent-overrides counts them)"
    )


def part_of(bundle: ExportBundle, index: int) -> str | None:
    """ "Part of the theme 'X'." for a sub-theme (`summary.themes[index]`), else None."""
    parent = bundle.outline[index].parent_id
    for place, theme in zip(bundle.outline, bundle.summary.themes, strict=True):
        if parent is not None and place.theme_id == parent:
            return f"Part of the theme “{theme.name}”."
    return None


def guide_title(bundle: ExportBundle, guide: str) -> str:
    return bundle.guide_titles.get(guide) or guide.replace("-", " ").capitalize()


def about(bundle: ExportBundle) -> list[str]:
    """What was done to make the summary anonymous, in sentences for the reader."""
    disclosure = bundle.summary.disclosure
    total = sum(disclosure.redactions.values())
    if total:
        labels = ", ".join(f"{label} {n}" for label, n in disclosure.redactions.items())
        lines = [
            "Names and other identifying details were replaced by labels in square brackets,"
            f" such as [{next(iter(disclosure.redactions))}] ({total} in all: {labels})."
        ]
    else:
        lines = ["No names or other identifying details needed replacing in this summary."]
    lines.append(
        "People are described only by their group and a few general details; "
        + (
            f"{disclosure.descriptors_coarsened} description(s) were made less specific so"
            " that none fits only one person."
            if disclosure.descriptors_coarsened
            else "no description fits only one person."
        )
    )
    lines.append(
        "Participants who withdrew and anything flagged as a safeguarding concern are left out."
    )
    if bundle.suppress_below is not None:
        lines.append(
            f"Counts under {bundle.suppress_below} are shown as"
            f" “fewer than {bundle.suppress_below}”."
        )
    return lines


def hands_text(hands: Mapping[str, int | str]) -> str:
    return ", ".join(f"{answer}: {count}" for answer, count in hands.items())
