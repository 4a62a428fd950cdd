"""A large, deterministic study document in study-json-v1, for the benchmarks.

The same seed and shape always give the same document, byte for byte, so figures from
different runs (and from bench/storage.py, bench/analysis.py, bench/export.py) describe
the same study. Entry text is English-like: words drawn from a fixed vocabulary with a
Zipf-like frequency, so full-text queries match a realistic spread of entries (common
words thousands, rare words a handful).

    from studygen import StudyShape, generate, write_document
    doc = generate(StudyShape())            # 1,000 sessions x 50 entries, ~10 MB of text
    path = write_document(doc, directory)   # DIRECTORY/study.json
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any

Json = dict[str, Any]


def _split(words: str) -> tuple[str, ...]:
    return tuple(words.split())


# Roughly in order of frequency: function words first, then the vocabulary of
# children's-services fieldwork notes. Rank r is drawn with weight 1 / (r + 2).
VOCABULARY: tuple[str, ...] = _split(
    """
    the and to of a in was that it for with he she they we is not but on at had
    said be have about there them when this were who did from would his her all
    so if one could what were their out more felt then been only by very just as
    school child children parent parents mother father teacher worker project
    support help helped moving move secondary primary year transition meeting
    meetings week weeks time first new friends form tutor class lessons home
    family families staff head mentor learning social services service team
    information letter phone call told asked knew know think thought want wanted
    listened listen trust worried nervous lost corridors timetable bus uniform
    homework behaviour attendance plan plans referral referrals assessment common
    framework sharing system profile profiles record records agency agencies
    health visitor nurse police housing officer manager coordinator youth club
    holiday summer visit visits visited taster day days morning afternoon evening
    safe safety bullying bullied playground lunch dinner canteen money free
    sister brother grandmother carer carers foster kinship relationship
    relationships professional professionals voluntary sector statutory
    confidence confident cooperative difficult easy hard better worse problem
    problems issue issues concern concerns worry worries reassured reassuring
    explained explain understand understood decision decisions involved involve
    involvement consulted ignored respected listened heard views voice choice
    choices options advice advise suggested suggest recommended improve improved
    improvement barrier barriers facilitator enabling working together joined
    shared contact contacted contacts named person key link liaison handover
    transfer files file notes report reports review reviews outcome outcomes
    progress attainment reading maths english science music sport football
    drama art computer games friendsgroup group groups circle mentoring buddy
    buddies older younger pupils pupil students student classroom building
    site map maze stairs bell break registration assembly detention exclusion
    exclusions absence absent late sick anxious upset angry happy excited proud
    scared shy quiet loud lonely included welcome welcomed kind caring patient
    strict fair unfair rules consistent clear unclear confusing confused slow
    quick delay delays waiting wait list lists funding budget cuts resources
    training trained skills experience experienced new-starter coordinator
    special needs educational statement inclusion unit base room nurture
    counsellor counselling therapy speech language assessment diagnosis dyslexia
    autism adhd medication doctor appointment appointments hospital dentist
    transport taxi walk walking cycling journey route distance town estate
    village neighbourhood community church mosque temple library centre centres
    childrens services trust partnership board panel protocol guidance policy
    policies procedure procedures consent confidentiality permission privacy
    data records secure email text message letterhead leaflet booklet website
    evening session sessions workshop workshops course courses parenting class
    benefits work job shifts hours childcare nursery sibling siblings younger
    eldest youngest twins cousin cousins uncle aunt neighbour neighbours
    honestly basically really actually maybe probably sometimes always never
    usually often rarely mostly completely totally quite rather fairly almost
    """
)

# The shipped guides' question ids (as the demo study uses them under each guide).
QUESTIONS: dict[str, tuple[str, ...]] = {
    "practitioner-interview": (
        "role",
        "facilitators",
        "barriers",
        "tools",
        "relationships",
        "participation",
        "roles",
        "improvements",
    ),
    "parent-phone-interview": (
        "support-received",
        "involvement",
        "information",
        "what-helped",
        "what-could-improve",
    ),
    "children-focus-group": (
        "moving-up",
        "who-helped",
        "ideal-practitioner",
        "being-listened-to",
        "words-adults-use",
        "advice",
    ),
}

_FIRST = _split(
    "Helen Graham Aisha Karen Tunde Mary Sam Jordan Chloe Liam Tyler Ellie Amy Priya Omar "
    "Grace Daniel Sophie Ryan Zara Kofi Megan Ravi Lucy Connor Hannah Jamal Nia Owen Ruby"
)
_LAST = _split(
    "Whitaker Pritchard Rahman Lloyd Okafor Jones Harrington Ashworth Brooks Fletcher Patel "
    "Khan Evans Hughes Murphy Mensah Clarke Wright Shah Walsh Byrne Kaur Ali Price Doyle"
)
_SECTORS = ("voluntary", "school", "health", "social care", "youth service")
_ROLES = (
    "project worker",
    "head teacher",
    "learning mentor",
    "family support worker",
    "school nurse",
    "social worker",
    "transition coordinator",
)
_OUTCOMES = ("no-answer", "voicemail", "call-back")
_THEMES = (
    "Relationships between professionals",
    "Knowing and using common tools",
    "Engaging children and parents",
    "Information at the right time",
    "Feeling safe in a new school",
    "Named people and continuity",
)


@dataclass(frozen=True)
class StudyShape:
    """How big a study to make. The defaults are the full-size benchmark study."""

    sessions: int = 1000
    entries_per_session: int = 50
    participants: int = 200
    text_chars: int = 200  # mean characters of text per entry
    themes: int = 24
    codings: int = 2000
    seed: int = 20081125

    @property
    def entries(self) -> int:
        return self.sessions * self.entries_per_session


class _Words:
    """English-like text from VOCABULARY with a Zipf-like word frequency."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.cum_weights = list(accumulate(1.0 / (rank + 2) for rank in range(len(VOCABULARY))))

    def words(self, k: int) -> list[str]:
        return self.rng.choices(VOCABULARY, cum_weights=self.cum_weights, k=k)

    def text(self, mean_chars: int) -> str:
        target = self.rng.randint(mean_chars * 6 // 10, mean_chars * 14 // 10)
        out: list[str] = []
        length = 0
        sentence_start = True
        for word in self.words(target // 3 + 8):  # ~5.5 chars a word with its space
            if sentence_start:
                word = word.capitalize()
                sentence_start = False
            out.append(word)
            length += len(word) + 1
            if length >= target:
                break
            if self.rng.random() < 0.08:
                out[-1] += "."
                sentence_start = True
            elif self.rng.random() < 0.05:
                out[-1] += ","
        return " ".join(out) + "."


def _iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def generate(shape: StudyShape | None = None) -> Json:
    """The whole document as plain JSON data (dicts, lists, strings, numbers)."""
    shape = shape or StudyShape()
    rng = random.Random(shape.seed)
    words = _Words(rng)

    n_practitioners = shape.participants * 25 // 100
    n_parents = shape.participants * 30 // 100
    n_children = shape.participants - n_practitioners - n_parents

    def name() -> str:
        return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"

    def phone() -> str:
        return f"07700 9{rng.randint(0, 99999):05d}"

    participants: list[Json] = []
    practitioners = [f"P{i + 1}" for i in range(n_practitioners)]
    parents = [f"G{i + 1}" for i in range(n_parents)]
    children = [f"C{i + 1}" for i in range(n_children)]
    for ref in practitioners:
        participants.append(
            {
                "ref": ref,
                "kind": "practitioner",
                "name": name(),
                "contact": phone(),
                "attributes": {"sector": rng.choice(_SECTORS), "role": rng.choice(_ROLES)},
            }
        )
    for ref in parents:
        participants.append(
            {
                "ref": ref,
                "kind": "parent",
                "name": name(),
                "contact": phone(),
                "attributes": {"relationship": rng.choice(("mother", "father", "carer"))},
            }
        )
    guardians_of: dict[str, list[str]] = {}
    for i, ref in enumerate(children):
        guardians = [parents[i % n_parents]]
        if rng.random() < 0.2:
            other = rng.choice(parents)
            if other not in guardians:
                guardians.append(other)
        guardians_of[ref] = guardians
        age = rng.randint(10, 13)
        child: Json = {
            "ref": ref,
            "kind": "child",
            "name": name(),
            "guardians": guardians,
            "attributes": {
                "age": age,
                "gender": rng.choice(("boy", "girl")),
                "year_group": age - 5,
                "free_school_meals": rng.random() < 0.3,
            },
        }
        if rng.random() < 0.02:
            child["withdrawn_on"] = "2009-03-02"
            child["withdrawal_reason"] = "Asked to leave the study."
        participants.append(child)

    consents: list[Json] = []

    def consent(person: str, form: str, method: str, answers: Json, **extra: str) -> None:
        consents.append(
            {
                "ref": f"K{len(consents) + 1}",
                "participant": person,
                **extra,
                "form": form,
                "form_version": "1",
                "method": method,
                "given_on": "2008-11-20",
                "answers": answers,
            }
        )

    full = {"take-part": True, "quote": True, "audio": True, "future-contact": True}
    for ref in practitioners:
        consent(ref, "practitioner-consent", "written", full)
    for ref in parents:
        consent(ref, "parent-verbal-consent", "verbal", {"take-part": True, "quote": True})
    for ref in children:
        consent(guardians_of[ref][0], "parental-consent", "written", full, on_behalf_of=ref)
        consent(ref, "child-assent", "written", {"take-part": True, "quote": rng.random() < 0.9})

    sessions: list[Json] = []
    start = dt.datetime(2008, 11, 24, 9, 0, tzinfo=dt.UTC)
    entry_number = 0
    for s in range(shape.sessions):
        roll = s % 10
        day = start + dt.timedelta(days=s * 200 // max(shape.sessions, 1), hours=s % 8)
        session: Json = {"ref": f"S{s + 1}"}
        if roll < 4:
            members = [rng.choice(practitioners)]
            session |= {"kind": "practitioner-interview", "guide": "practitioner-interview"}
        elif roll < 7:
            members = [rng.choice(parents)]
            session |= {"kind": "phone-interview", "guide": "parent-phone-interview"}
        else:
            members = rng.sample(children, min(len(children), rng.randint(4, 8)))
            session |= {"kind": "focus-group", "guide": "children-focus-group"}
        questions = QUESTIONS[session["guide"]]
        minutes = shape.entries_per_session * 2
        session["participants"] = members
        session["started_at"] = _iso(day)
        session["ended_at"] = _iso(day + dt.timedelta(minutes=minutes))
        if session["kind"] == "phone-interview":
            tries: list[Json] = [
                {"at": _iso(day - dt.timedelta(days=n + 1)), "outcome": rng.choice(_OUTCOMES)}
                for n in range(rng.randint(0, 2))
            ]
            tries.append({"at": _iso(day), "outcome": "reached", "minutes": minutes})
            session["call_attempts"] = tries
        entries: list[Json] = []
        group = session["kind"] == "focus-group"
        for n in range(shape.entries_per_session):
            entry_number += 1
            entry: Json = {
                "ref": f"E{entry_number}",
                "question": questions[n * len(questions) // shape.entries_per_session],
            }
            hands = group and rng.random() < 0.04
            if not (group and rng.random() < 0.1):
                entry["speaker"] = rng.choice(members)
            if not hands or rng.random() < 0.5:
                entry["text"] = words.text(shape.text_chars)
            if hands:
                agree = rng.randint(0, len(members))
                entry["show_of_hands"] = {"agree": agree, "disagree": len(members) - agree}
            if rng.random() < 0.3:
                entry["verbatim"] = True
            entry["at"] = _iso(day + dt.timedelta(minutes=2 * n))
            if rng.random() < 0.001:
                entry["safeguarding"] = {
                    "flagged_at": entry["at"],
                    "action": "Passed to the designated safeguarding lead the same day",
                }
            entries.append(entry)
        session["entries"] = entries
        sessions.append(session)

    themes: list[Json] = []
    for t in range(shape.themes):
        theme: Json = {
            "ref": f"T{t + 1}",
            "name": _THEMES[t] if t < len(_THEMES) else f"{' '.join(words.words(3))} ({t + 1})",
            "description": words.text(80),
        }
        if t >= len(_THEMES):
            theme["parent"] = f"T{t % len(_THEMES) + 1}"
        themes.append(theme)

    texts = [(e["ref"], e["text"]) for s in sessions for e in s["entries"] if "text" in e]
    codings: list[Json] = []
    for ref, text in rng.sample(texts, min(shape.codings, len(texts))):
        coding: Json = {"entry": ref, "theme": rng.choice(themes)["ref"]}
        if rng.random() < 0.7:
            begin = rng.randrange(0, len(text) - 1)
            coding |= {"start": begin, "end": rng.randint(begin + 1, len(text))}
        if rng.random() < 0.3:
            coding["memo"] = words.text(60)
        codings.append(coding)

    identifiers = [
        {"text": f"{last} {kind.title()}", "kind": kind, "aliases": [last]}
        for last, kind in zip(_LAST[:20], ("school", "place") * 10, strict=True)
    ]

    return {
        "format": "plrdesk-study",
        "version": 1,
        "study": {
            "title": "Integrated working and the move to secondary school (benchmark)",
            "researcher": "A. Researcher",
            "organisation": "Example Youth Trust",
            "aims": ["What helps and what hinders the move to secondary school?"],
        },
        "identifiers": identifiers,
        "participants": participants,
        "consents": consents,
        "sessions": sessions,
        "themes": themes,
        "codings": codings,
    }


def entry_texts(doc: Json) -> list[str]:
    return [e["text"] for s in doc["sessions"] for e in s["entries"] if "text" in e]


def write_document(doc: Json, directory: Path, name: str = "study.json") -> Path:
    path = directory / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def search_queries(count: int, seed: int = 7) -> list[str]:
    """Varied search-box inputs: common and rare single words, pairs, triples, prefixes."""
    rng = random.Random(seed)
    content = [w for w in VOCABULARY[60:] if "-" not in w]  # past the function words
    queries: list[str] = []
    for i in range(count):
        kind = i % 5
        if kind == 0:
            queries.append(rng.choice(content[:40]))  # common
        elif kind == 1:
            queries.append(rng.choice(content[-200:]))  # rare
        elif kind == 2:
            queries.append(" ".join(rng.sample(content[:150], 2)))
        elif kind == 3:
            queries.append(" ".join(rng.sample(content, 3)))
        else:
            queries.append(rng.choice(content)[:4] + "*")
    return queries


def random_texts(count: int, *, seed: int = 11, mean_chars: int = 200) -> list[str]:
    """`count` entry texts of the same style as the study's (for edits)."""
    words = _Words(random.Random(seed))
    return [words.text(mean_chars) for _ in range(count)]
