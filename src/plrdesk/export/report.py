"""What an export did, as one `ExportReport`: the figures the command line prints, the app's
Prepare export shows in its log and status line, and the audit log records, all read from
this one record, so no two of them can disagree.

`redactions` is Prepare export's figure: every redaction the anonymiser made in the texts
the export read, each distinct text once, counted by the review's own function
(`services.export_review.made_redactions`, over `ExportBundle.made`). A review that lists
one redaction is followed by a report that says 1, whatever the format; the line under it
says how many of them are in the summary's own text (the JSON's `disclosure.redactions`),
since a note's name outside its quoted span, or in a note only the QDPX carries, is
redacted but not in a Markdown file.

Words flagged for review are counted and placed ("in a quote under theme '...'"), never
printed: a terminal's scrollback and logs are plain text outside the encrypted study, and
the app's review screen shows them where they belong. Everything printed here has itself
been through the anonymiser.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from plrdesk.export import wording
from plrdesk.export.model import ExportBundle

REVIEW_HINT = "run Prepare export in the app to review them"


@dataclass(frozen=True)
class ExportReport:
    """What an export did, without any of its words. `lines` is made from the fields."""

    fmt: str
    redactions: int  # every redaction made in what the export read (the review's figure)
    by_label: tuple[tuple[str, int], ...]
    in_summary: int  # of them in the summary's own text (disclosure.redactions)
    needs_review: int  # redactions the anonymiser was not sure of and nobody decided
    suppress_below: int | None
    extracts: int | None  # the extracts the file carries; None without --extracts
    warnings: tuple[str, ...] = ()  # descriptors coarsened in what this format carries
    notes: tuple[str, ...] = ()
    review_places: tuple[str, ...] = ()  # "[name] source 'Practitioner interview 2' (x2)"
    overrides: str | None = None  # how those admitted by a consent override were treated

    @property
    def lines(self) -> tuple[str, ...]:
        """The redaction report, as the command prints it and the app shows it."""
        listed = ", ".join(f"{label} {n}" for label, n in self.by_label)
        lines = [f"redactions: {self.redactions}" + (f" ({listed})" if listed else "")]
        if self.fmt != "qdpx" and self.in_summary != self.redactions:
            lines.append(
                f"  {self.in_summary} of them in the summary's own text; the others in notes,"
                " or parts of notes, that it does not quote"
            )
        lines.append(f"descriptors coarsened: {len(self.warnings)}")
        lines += [f"  {warning}" for warning in self.warnings]
        if self.extracts is not None:
            lines.append(f"extracts: {self.extracts}")
        if self.overrides is not None:
            lines.append(f"consent overrides: {self.overrides}")
        if self.suppress_below is not None:
            below = self.suppress_below
            lines.append(f"counts under {below} shown as 'fewer than {below}'")
        lines += [f"note: {note}" for note in self.notes]
        if self.needs_review:
            n = self.needs_review
            lines.append(
                f"{n} {self._review_what()}{'s' if n != 1 else ''} need{'s' if n == 1 else ''}"
                f" review (redacted for now; the words are not printed here): {REVIEW_HINT}"
            )
            lines += [f"  {place}" for place in self.review_places]
        else:
            lines.append("nothing needs review")
        return tuple(lines)

    def _review_what(self) -> str:
        names = all(place.startswith("[name] ") for place in self.review_places)
        return "unregistered name" if names else "redaction"


def export_report(bundle: ExportBundle, fmt: str) -> ExportReport:
    """The report of `bundle` written as `fmt`: the QDPX carries the coded entries besides
    the summary, so its descriptor warnings cover both; every other format carries the
    summary's. Redactions and review items are the export's, whatever the format."""
    warnings = bundle.warnings if fmt == "qdpx" else bundle.summary.disclosure.warnings
    places = Counter(f"[{r.label}] {r.where}" for r in bundle.review)
    extracts = None
    if bundle.extracts:
        extracts = sum(len(theme.extracts or ()) for theme in bundle.summary.themes)
    return ExportReport(
        fmt=fmt,
        redactions=sum(bundle.made.values()),
        by_label=tuple(bundle.made.items()),
        in_summary=sum(bundle.summary.disclosure.redactions.values()),
        needs_review=len(bundle.review),
        suppress_below=bundle.suppress_below,
        extracts=extracts,
        warnings=tuple(warnings),
        notes=tuple(bundle.notes),
        review_places=tuple(place + (f" (x{k})" if k > 1 else "") for place, k in places.items()),
        overrides=wording.overrides_report(bundle.overrides),
    )


def report_lines(bundle: ExportBundle, fmt: str) -> list[str]:
    """The redaction report's lines (`export_report(bundle, fmt).lines`)."""
    return list(export_report(bundle, fmt).lines)
