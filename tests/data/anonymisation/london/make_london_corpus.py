"""Write the London anonymisation corpus: tests/data/anonymisation/london/london.json.

    python -m tests.data.anonymisation.london.make_london_corpus

Deterministic: one seeded `random.Random`, no Faker (the names are chosen by hand from
the borough's communities, see people.py), so every run writes the same file for the
same `phonenumbers` version (recorded in the file: it checks the international numbers).

The corpus is a study register (participants with kinds and contacts, schools, places,
key staff) and about 500 notes: practitioner notes, phone notes, referral lines and
focus-group lines typed by children. Every identifying item has a gold span
{start, end, kind, form}; the kinds are the rows of issue 13's table:

    registered, registered-variant, word-name, unregistered-name, school-short,
    phone, postcode, address, upn, date-of-birth, handle

Words that must stay have a keep span {start, end, text, category}. A few notes are
excluded entries (`"excluded": "withdrawn" | "safeguarding"`); a passage of one of them is
repeated word for word in another note, marked there as `"repeats": [{note, start, end}]`.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

import phonenumbers

from tests.data.anonymisation.london import templates as t
from tests.data.anonymisation.london.forms import MONTHS
from tests.data.anonymisation.london.people import (
    UNREG_FIRST,
    UNREG_SURNAMES,
    WORD_NAMES,
    Register,
    build_register,
)
from tests.data.anonymisation.london.slots import Segment, Slots

SEED = 20240913
HERE = Path(__file__).resolve().parent
OUT = HERE / "london.json"
GOLD_KINDS = (
    "registered",
    "registered-variant",
    "word-name",
    "unregistered-name",
    "school-short",
    "phone",
    "postcode",
    "address",
    "upn",
    "date-of-birth",
    "handle",
)
NOTE_COUNTS = {"practitioner": 230, "phone": 110, "focus-group": 100, "referral": 50}
Json = dict[str, Any]

_SLOT = re.compile(r"\{(\w+)\}|\[\[([^\]]+)\]\]")
_MONTHS = MONTHS
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_TERMS = ("CAF", "SENCO", "DSL", "TAC", "LA", "EHCP", "CAMHS", "MASH", "Ofsted")
# Automatic keep spans, longest first: (category, compiled expression).
_AUTO_KEEP = (
    ("public-place", re.compile("|".join(re.escape(p) for p in t.PUBLIC_PLACES))),
    ("year-group", re.compile(r"\b(?:[Yy]ear|[Yy]r|Y) ?\d{1,2}s?\b")),
    ("term", re.compile(rf"\b(?:{'|'.join(_TERMS)})\b")),
    ("capitalised-term", re.compile(rf"\b(?:{'|'.join(map(re.escape, t.CAPITALISED_TERMS))})")),
    ("lower-term", re.compile(rf"\b(?:{'|'.join(t.LOWER_TERMS)})\b")),
    ("country", re.compile(rf"\b(?:{'|'.join(t.COUNTRIES)})\b")),
    ("weekday", re.compile(rf"\b(?:{'|'.join(_WEEKDAYS)})\b")),
    ("word-name", re.compile(rf"\b(?i:{'|'.join(sorted(WORD_NAMES))})\b")),
    ("month", re.compile(rf"\b(?:{'|'.join(_MONTHS)})\b")),
)


def expand(template: str, slots: Slots) -> list[Segment]:
    table = slots.table()
    segments: list[Segment] = []
    position = 0
    for m in _SLOT.finditer(template):
        segments.append(Segment(template[position : m.start()]))
        if m.group(1):
            segments.extend(table[m.group(1)]())
        else:
            segments.append(Segment(m.group(2), keep="marked"))
        position = m.end()
    segments.append(Segment(template[position:]))
    return [s for s in segments if s.text]


def render(segments: list[Segment]) -> Json:
    text = ""
    gold: list[Json] = []
    keep: list[Json] = []
    repeats: list[Json] = []
    for seg in segments:
        start = len(text)
        text += seg.text
        if seg.kind:
            gold.append({"start": start, "end": len(text), "kind": seg.kind, "form": seg.form})
        elif seg.keep:
            keep.append({"start": start, "end": len(text), "text": seg.text, "category": seg.keep})
        if seg.repeat:
            repeats.append({"start": start, "end": len(text)})
    taken = [(g["start"], g["end"]) for g in gold] + [(k["start"], k["end"]) for k in keep]
    for category, expression in _AUTO_KEEP:
        for m in expression.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            word = m.group()
            if category == "word-name" and word in _MONTHS and _date_context(text, m.start()):
                category_here = "month"
            else:
                category_here = category
            keep.append(
                {"start": m.start(), "end": m.end(), "text": word, "category": category_here}
            )
            taken.append((m.start(), m.end()))
    for k in keep:  # the [[marked]] ones get the category of what they are
        if k["category"] == "marked":
            k["category"] = "word-name" if k["text"].lower() in WORD_NAMES else "word"
    keep.sort(key=lambda k: k["start"])
    note: Json = {"text": text, "gold": gold, "keep": keep}
    if repeats:
        note["_repeat"] = repeats
    return note


def _date_context(text: str, start: int) -> bool:
    before = text[max(0, start - 8) : start].lower()
    return bool(re.search(r"(?:\d(?:st|nd|rd|th)?|\bof|\bin|\bby) $", before))


def _sentences(pool: tuple[str, ...], slots: Slots, rng: random.Random, n: int) -> list[Segment]:
    segments: list[Segment] = []
    for i, template in enumerate(rng.sample(pool, n)):
        if i:
            segments.append(Segment("\n" if rng.random() < 0.3 else " "))
        segments.extend(expand(template, slots))
    return segments


def make_note(kind: str, reg: Register, rng: random.Random) -> Json:
    child = rng.choice(reg.of_kind("child"))
    slots = Slots(reg, rng, child)
    if kind == "practitioner":
        segments = _sentences(t.PRACTITIONER, slots, rng, rng.choice((1, 2, 2, 3, 3, 4)))
    elif kind == "phone":
        hour = f"{rng.randint(8, 17)}:{rng.choice(('00', '15', '30', '45'))}"
        segments = expand(f"Phone call, {{day}} {hour}. ", slots)
        segments += _sentences(t.PHONE, slots, rng, rng.choice((1, 2, 2, 3)))
    elif kind == "referral":
        segments = expand(rng.choice(t.REFERRAL), slots)
        if rng.random() < 0.5:
            segments += [Segment(" "), *_sentences(t.PRACTITIONER, slots, rng, 1)]
    else:
        group = rng.choice(("girls", "boys", "mixed"))
        segments = expand(f"Focus group {rng.randint(1, 9)} ({{yr}} {group})\n", slots)
        for i, template in enumerate(rng.sample(t.CHILD, rng.choice((2, 3, 3, 4)))):
            speaker = Segment(f"{'' if i == 0 else chr(10)}P{rng.randint(1, 8)}: ")
            segments += [speaker, *expand(template, slots)]
    note = render(segments)
    note["type"] = kind
    note["about"] = child["id"]
    return note


def excluded_pairs(reg: Register, rng: random.Random) -> list[Json]:
    """Each disclosure once in an excluded entry and again, word for word, elsewhere."""
    withdrawn = [c for c in reg.of_kind("child") if c.get("withdrawn")]
    notes: list[Json] = []
    for i, disclosure in enumerate(t.DISCLOSURE):
        template = t.EXCLUDED[i % len(t.EXCLUDED)]
        why = "withdrawn" if "withdrawn" in template else "safeguarding"
        child = rng.choice(withdrawn) if why == "withdrawn" else rng.choice(reg.of_kind("child"))
        slots = Slots(reg, rng, child)
        slots.disclosure = disclosure
        first = render(expand(template, slots))
        first.update(type="practitioner", about=child["id"], excluded=why)
        other = Slots(reg, rng, rng.choice([c for c in reg.of_kind("child") if c is not child]))
        other.disclosure = disclosure
        second = render(expand(rng.choice(t.REPEATS), other))
        second.update(type="practitioner", about=other.child["id"])
        second["_repeats_of"] = len(notes)
        notes += [first, second]
    return notes


def build(seed: int = SEED) -> Json:
    rng = random.Random(seed)
    reg = build_register(rng)
    registered = {w for p in reg.participants for w in (p["first"], p["last"])}
    assert not registered & (set(UNREG_FIRST) | set(UNREG_SURNAMES)), "pools overlap"
    notes = [make_note(k, reg, rng) for k, n in NOTE_COUNTS.items() for _ in range(n)]
    pairs = excluded_pairs(reg, rng)
    every = notes + pairs
    order = list(range(len(every)))
    rng.shuffle(order)  # order[rank] = index: the note that gets id n{rank + 1}
    ids = {index: f"n{rank + 1:03d}" for rank, index in enumerate(order)}
    out: list[Json] = []
    for index in order:
        note = every[index]
        repeat_spans = note.pop("_repeat", [])
        if "_repeats_of" in note:
            source = ids[len(notes) + note.pop("_repeats_of")]
            note["repeats"] = [{"note": source, **span} for span in repeat_spans]
        out.append({"id": ids[index], **note})
    participants = [
        {k: p[k] for k in ("id", "kind", "name", "contact", "withdrawn") if k in p}
        for p in reg.participants
    ]
    return {
        "format": "plrdesk-anonymisation-corpus-london",
        "version": 1,
        "seed": seed,
        # international numbers are checked against phonenumbers' metadata, which changes
        "phonenumbers": phonenumbers.__version__,
        "gold_kinds": list(GOLD_KINDS),
        "register": {"participants": participants, "identifiers": reg.identifiers},
        "notes": out,
    }


def dumps(corpus: Json) -> str:
    """JSON with one note a line (small diffs, easy to read)."""
    head = {k: v for k, v in corpus.items() if k != "notes"}
    lines = [json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "notes": [']
    body = [json.dumps(n, ensure_ascii=False, separators=(",", ":")) for n in corpus["notes"]]
    lines.append(",\n".join("  " + b for b in body))
    lines.append(" ]\n}\n")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.data.anonymisation.london.make_london_corpus"
    )
    parser.add_argument("--seed", type=int, default=SEED, help="another draw of the same templates")
    parser.add_argument(
        "--out", type=Path, default=OUT, help=f"where to write (default {OUT.name})"
    )
    args = parser.parse_args(argv)
    text = dumps(build(args.seed))
    json.loads(text)  # it must parse
    args.out.write_text(text, encoding="utf-8")
    sys.stderr.write(f"wrote {args.out} ({len(text.encode()) / 1024:.0f} KB)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
