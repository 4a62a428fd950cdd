"""The redaction report the command line prints after an export (the app shows the same in
its Prepare export screen): redactions by label, descriptors made less specific, notes,
and how many redactions need the researcher's review.

Words flagged for review are counted and placed ("in a quote under theme '...'"), never
printed: a terminal's scrollback and logs are plain text outside the encrypted study, and
the app's review screen shows them where they belong. Everything printed here has itself
been through the anonymiser.
"""

from __future__ import annotations

from collections import Counter

from plrdesk.export.model import ExportBundle

REVIEW_HINT = "run Prepare export in the app to review them"


def report_lines(bundle: ExportBundle, fmt: str | None = None) -> list[str]:
    """What the researcher needs to know about the file just written in `fmt`: the QDPX
    carries the coded entries besides the summary, so its figures cover both; every other
    format carries the summary's content. Review items are the study's, whatever the format.
    """
    whole = fmt in {None, "qdpx"}
    counts = bundle.redaction_counts if whole else bundle.summary.disclosure.redactions
    warnings = bundle.warnings if whole else bundle.summary.disclosure.warnings
    total = sum(counts.values())
    listed = ", ".join(f"{label} {n}" for label, n in counts.items())
    lines = [f"redactions: {total}" + (f" ({listed})" if counts else "")]
    lines.append(f"descriptors coarsened: {len(warnings)}")
    lines += [f"  {warning}" for warning in warnings]
    if bundle.suppress_below is not None:
        below = bundle.suppress_below
        lines.append(f"counts under {below} shown as 'fewer than {below}'")
    lines += [f"note: {note}" for note in bundle.notes]
    if bundle.review:
        n = len(bundle.review)
        what = "unregistered name" if all(r.label == "name" for r in bundle.review) else "redaction"
        lines.append(
            f"{n} {what}{'s' if n != 1 else ''} need{'s' if n == 1 else ''} review"
            f" (redacted for now; the words are not printed here): {REVIEW_HINT}"
        )
        places = Counter(f"[{r.label}] {r.where}" for r in bundle.review)
        lines += [f"  {place}" + (f" (x{k})" if k > 1 else "") for place, k in places.items()]
    else:
        lines.append("nothing needs review")
    return lines
