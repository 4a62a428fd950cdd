"""Markdown: the title, the aims, a methods table, a section per theme (sub-themes nested)
with its description, counts and quotes as block quotes, an appendix of questions, with
--extracts an appendix of extracts by theme, and how it was anonymised."""

from __future__ import annotations

import re
from itertools import groupby
from typing import BinaryIO

from plrdesk.export import wording
from plrdesk.export.model import ExportBundle

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def escape(text: str) -> str:
    """Text as Markdown shows it literally, on one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def render(bundle: ExportBundle, out: BinaryIO) -> None:
    out.write(markdown(bundle).encode("utf-8"))


def markdown(bundle: ExportBundle) -> str:
    s = bundle.summary
    lines = [f"# {escape(s.study.title)}", "", f"*{wording.SUBTITLE}*", ""]
    if s.study.aims:
        lines += ["## Aims", "", *(f"- {escape(aim)}" for aim in s.study.aims), ""]
    lines += ["## Methods", "", "| Sessions | Number |", "|---|---|"]
    for kind, count in s.methods.sessions.items():
        lines.append(f"| {wording.session_name(kind, 2).capitalize()} | {count} |")
    lines += ["", "| Participants | Number |", "|---|---|"]
    for kind, count in s.methods.participants.items():
        lines.append(f"| {wording.kind_name(kind).capitalize()} | {count} |")
    lines.append(f"| Withdrew (left out of everything below) | {s.methods.withdrawn} |")
    lines += ["", f"Period: {wording.period(s.methods.period)}.", ""]
    overrides = wording.overrides(bundle)
    if overrides:
        lines += [escape(overrides), ""]
    lines += ["## Themes", ""]
    for index, (theme, place) in enumerate(zip(s.themes, bundle.outline, strict=True)):
        level = "#" * min(3 + place.depth, 6)
        lines += [f"{level} {escape(theme.name)}", ""]
        part_of = wording.part_of(bundle, index)
        if part_of:
            lines += [f"*{escape(part_of)}*", ""]
        if theme.description:
            lines += [escape(theme.description), ""]
        lines += [escape(wording.raised_by(theme.raised_by)), ""]
        for quote in theme.quotes:
            lines += [
                f"> {escape(quote.text)}",
                ">",
                f"> — {escape(wording.attribution(quote))}",
                "",
            ]
    if s.questions:
        lines += ["## Appendix: questions", ""]
        for guide, questions in groupby(s.questions, key=lambda q: q.guide):
            lines += [f"### {escape(wording.guide_title(bundle, guide))}", ""]
            for q in questions:
                figures = f"Responses: {q.responses}."
                if q.show_of_hands:
                    figures += f" Show of hands: {escape(wording.hands_text(q.show_of_hands))}."
                lines += [f"**{escape(q.label)}** (`{q.question}`)", "", figures, ""]
    if bundle.extracts:
        lines += _extracts(bundle)
    lines += ["## About this summary", "", *(f"- {escape(line)}" for line in wording.about(bundle))]
    return "\n".join(lines) + "\n"


def _extracts(bundle: ExportBundle) -> list[str]:
    lines = ["## Appendix: extracts by theme", "", escape(wording.EXTRACTS_INTRO), ""]
    for theme, place in zip(bundle.summary.themes, bundle.outline, strict=True):
        lines += [f"{'#' * min(3 + place.depth, 6)} {escape(theme.name)}", ""]
        if not theme.extracts:
            lines += [f"*{escape(wording.NO_EXTRACTS)}*", ""]
        for extract in theme.extracts or ():
            text = escape(extract.text)
            said = f"“{text}”" if extract.verbatim else text
            lines += [f"- {said} — *{escape(wording.extract_attribution(extract))}*"]
        lines += [""] if theme.extracts else []
    return lines
