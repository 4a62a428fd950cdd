"""The words the reading formats (Markdown, PDF, DOCX) share, so they say the same thing:
group names, counts in a sentence, the study period, a quote's attribution."""

from __future__ import annotations

from collections.abc import Mapping

from plrdesk.domain.dates import month_and_year
from plrdesk.export.model import ExportBundle, Period, Quote

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
