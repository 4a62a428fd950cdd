"""Export benchmark: anonymiser throughput, and full exports of the benchmark study.

    python bench/export.py            # 10 MB of notes; the 1,000-session study
    python bench/export.py --quick    # 1 MB; 100 sessions (a smoke run)
    python bench/export.py --no-full  # only the throughput figures (or --no-throughput)

1. Anonymiser throughput: `Anonymiser.redact` over every entry text of 10 MB of notes
   (bench/studygen.py's English-like text generator, seed 11, ~200 characters an entry,
   with registered names, unregistered names, phone numbers, postcodes and dates of
   birth written into some entries, as notes have them) with a 500-term register built
   from 170 participants and 20 identifiers. Baseline, in the same run over the same
   texts: a plain `str.replace` of one word per entry. Both sides take the best of
   `--reps` runs, interleaved. The goal is 5 MB/s or more.

   A second line runs the same register over the labelled corpus's sentences
   (tests/data/anonymisation/corpus.json, every sentence holding names or personal data),
   repeated to the same size: the dense case, for reference (no goal).

2. Full export: `plrdesk export STUDY --format F -o OUT` as a subprocess (so start-up and
   imports count, as they do for the researcher) for each of json, md, csv, pdf, docx and
   qdpx, on bench/studygen.py's 1,000-session study (seed 20081125, the study
   bench/storage.py and bench/analysis.py use: 50,000 entries, 200 participants, 24
   themes) with codings added up to `--codings` (5,000) so there are many quotes and QDPX
   selections, and a quarter of the coded entries made to mention someone (a
   participant's name or first name with a possessive, their phone number, a titled
   surname, a school) so the anonymiser has real work in every format. Imported in this
   process into a temporary encrypted study. Baseline, in the same run: `plrdesk info
   STUDY` (the same start-up, key derivation and opening of the same file). Each format
   runs `--export-reps` times, formats interleaved (order rotated), after one warm run;
   the figure is the median. Goals: every format 10 s or less, JSON 3 s or less. An
   in-process breakdown follows (build_summary once, then each renderer), and a check that
   no participant's name is in the JSON, Markdown or CSV written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import studygen
from storage import (
    PASSPHRASE,
    Figure,
    Run,
    code_version,
    fmt,
    import_into_new_study,
    load_average,
    machine,
    plrdesk_argv,
    print_table,
    run_measured,
    value_at_most,
)

GOAL_ANONYMISER_MB_S = 5.0
REGISTER_TERMS = 500
GOAL_EXPORT_S = 10.0
GOAL_JSON_EXPORT_S = 3.0
EXPORT_FORMATS = ("json", "md", "csv", "pdf", "docx", "qdpx")
EXPORT_CODINGS = 5000


def notes(megabytes: float, seed: int = 11) -> tuple[list[str], list[tuple[str, str]]]:
    """Entry texts adding up to `megabytes` of characters, and the people in them."""
    rng = random.Random(seed)
    names = [f"{first} {last}" for first in studygen._FIRST for last in studygen._LAST]
    people = [
        (name, ("practitioner", "parent", "child")[i % 3])
        for i, name in enumerate(rng.sample(names, 170))
    ]
    count = int(megabytes * 1_000_000 / 205)
    texts = studygen.random_texts(count, seed=seed, mean_chars=200)
    extras: list[Callable[[], str]] = [
        lambda: rng.choice(people)[0],
        lambda: rng.choice(people)[0].split()[0] + "'s",
        lambda: f"Mr {rng.choice(studygen._LAST)}",
        lambda: f"07700 9{rng.randint(0, 99999):05d}",
        lambda: rng.choice(["LS1 4AP", "M1 1AE", "B33 8TH"]),
        lambda: f"born on {rng.randint(1, 28)} March {rng.randint(1996, 2002)}",
        lambda: rng.choice(["Year 7", "the CAF", "the SENCO", "on Monday", "in May"]),
    ]
    for i in range(0, len(texts), 4):  # a quarter of the entries mention something
        words = texts[i].split(" ")
        words.insert(rng.randrange(len(words)), rng.choice(extras)())
        texts[i] = " ".join(words)
    return texts, people


def dense_texts(megabytes: float) -> list[str]:
    """The corpus's sentences, repeated to `megabytes` of characters."""
    path = Path(__file__).resolve().parents[1] / "tests/data/anonymisation/corpus.json"
    sentences = [s["text"] for s in json.loads(path.read_text(encoding="utf-8"))["sentences"]]
    texts: list[str] = []
    total = 0
    while total < megabytes * 1_000_000:
        texts.extend(sentences)
        total += sum(len(t) for t in sentences)
    return texts


def bench_anonymiser(megabytes: float, reps: int) -> list[Figure]:
    from plrdesk.anonymise.engine import Anonymiser
    from plrdesk.anonymise.register import IdentifierEntry, PersonEntry, build_register
    from plrdesk.anonymise.types import RegisterTerm

    texts, people = notes(megabytes)
    register = build_register(
        [
            PersonEntry(name, kind, f"07700 9{i:05d}" if i < 40 else None)
            for i, (name, kind) in enumerate(people)
        ],
        [
            IdentifierEntry(f"{last} {kind}", kind.split()[-1].lower(), (last,))
            for last, kind in zip(
                studygen._LAST[:20], ["Primary School", "Academy"] * 10, strict=True
            )
        ],
    )
    extra = 0
    while len(register) < REGISTER_TERMS:  # top up with places to exactly 500 terms
        extra += 1
        register.append(RegisterTerm(f"Hamlet {extra}", "place"))
    register = register[:REGISTER_TERMS]
    start = time.perf_counter()
    anonymiser = Anonymiser(register)
    build_s = time.perf_counter() - start
    figures: list[Figure] = []
    for n, (name, sample) in enumerate(
        [("notes", texts), ("dense corpus sentences", dense_texts(megabytes))], start=1
    ):
        size = sum(len(t) for t in sample) / 1_000_000
        best, redactions = _race(anonymiser, sample, reps)
        rate = size / best["anonymise"]
        print(
            f"\n[1.{n}] anonymiser on {name}: {len(sample):,} texts, {size:.1f} MB, register of"
            f" {len(register)} terms (built in {build_s * 1000:.0f} ms),"
            f" {redactions:,} redactions a run"
        )
        print(
            f"    anonymiser {rate:.2f} MB/s, str.replace {size / best['replace']:.0f} MB/s,"
            f" ratio {best['anonymise'] / best['replace']:.0f}x"
        )
        goal = n == 1
        figures.append(
            Figure(
                f"anonymise {size:.0f} MB of {name}, best of {reps}",
                "s",
                best["anonymise"],
                best["replace"],
                f">= {GOAL_ANONYMISER_MB_S:g} MB/s ({fmt(size / GOAL_ANONYMISER_MB_S)} s)"
                if goal
                else "-",
                _meets_throughput(size) if goal else None,
            )
        )
    return figures


def _meets_throughput(size: float) -> Callable[[Figure], bool]:
    """The pass test of the throughput goal for `size` MB of text."""

    def meets(figure: Figure) -> bool:
        return size / figure.plrdesk >= GOAL_ANONYMISER_MB_S

    return meets


def _race(anonymiser: Any, texts: list[str], reps: int) -> tuple[dict[str, float], int]:
    """Best time of each side over `reps` interleaved runs, and the redactions a run."""

    def anonymise() -> int:
        return sum(len(anonymiser.redact(t).redactions) for t in texts)

    def replace() -> int:
        return sum(len(t.replace("school", "[school]")) for t in texts)

    best = {"anonymise": float("inf"), "replace": float("inf")}
    redactions = 0
    for _ in range(reps):
        for name, work in (("anonymise", anonymise), ("replace", replace)):
            t0 = time.perf_counter()
            value = work()
            best[name] = min(best[name], time.perf_counter() - t0)
            if name == "anonymise":
                redactions = value
    return best, redactions


# -- 2. full export -------------------------------------------------------------------


def export_study(shape: studygen.StudyShape, codings: int) -> tuple[dict[str, Any], int]:
    """The benchmark study with codings added up to `codings`, and a quarter of the coded
    entries mentioning someone; returns the document and how many entries were changed."""
    doc = studygen.generate(shape)
    rng = random.Random(shape.seed + 1)
    texted = [e for s in doc["sessions"] for e in s["entries"] if "text" in e]
    themes = [t["ref"] for t in doc["themes"]]
    have = {(c["entry"], c["theme"]) for c in doc["codings"]}
    while len(doc["codings"]) < codings:
        entry = rng.choice(texted)
        theme = rng.choice(themes)
        if (entry["ref"], theme) in have:
            continue
        have.add((entry["ref"], theme))
        coding: dict[str, Any] = {"entry": entry["ref"], "theme": theme}
        if rng.random() < 0.7:
            begin = rng.randrange(0, len(entry["text"]) - 1)
            coding |= {"start": begin, "end": rng.randint(begin + 1, len(entry["text"]))}
        doc["codings"].append(coding)
    # Mentions go at the end of the text: the coded spans stay where they were.
    people = doc["participants"]
    schools = [i["aliases"][0] for i in doc["identifiers"] if i["kind"] == "school"]
    mentions: list[Callable[[], str]] = [
        lambda: f"{rng.choice(people)['name']} said so.",
        lambda: f"{rng.choice(people)['name'].split()[0]}'s mum agreed.",
        lambda: f"Ring {rng.choice([p for p in people if p.get('contact')])['contact']}.",
        lambda: f"Mr {rng.choice(people)['name'].split()[-1]} came too.",
        lambda: f"At {rng.choice(schools)} it was better.",
    ]
    coded = sorted({c["entry"] for c in doc["codings"]})
    by_ref = {e["ref"]: e for e in texted}
    changed = 0
    for ref in coded[::4]:
        entry = by_ref[ref]
        entry["text"] = f"{entry['text']} {rng.choice(mentions)()}"
        changed += 1
    return doc, changed


def bench_full_export(
    sessions: int, codings: int, reps: int, workdir: Path
) -> tuple[list[Figure], list[str]]:
    """Each format's `plrdesk export` wall time against `plrdesk info`; the problems found."""
    start = time.perf_counter()
    doc, mentioned = export_study(studygen.StudyShape(sessions=sessions), codings)
    names = [p["name"] for p in doc["participants"]]
    study = import_into_new_study(doc, workdir, "export.plr")
    print(
        f"\n[2] full export: {len(doc['sessions']):,} sessions,"
        f" {sum(len(s['entries']) for s in doc['sessions']):,} entries,"
        f" {len(doc['participants'])} participants, {len(doc['codings']):,} codings"
        f" ({mentioned:,} coded entries mention someone); study made and imported in"
        f" {time.perf_counter() - start:.1f} s ({study.stat().st_size / 1e6:.0f} MB)"
    )
    del doc
    env = {**os.environ, "PLRDESK_PASSPHRASE": PASSPHRASE}
    out = {f: workdir / f"summary.{f}" for f in EXPORT_FORMATS}

    def export(f: str) -> Run:
        argv = [*plrdesk_argv(), "export", str(study), "--format", f, "-o", str(out[f])]
        return run_measured(argv, env, workdir)

    def info() -> Run:
        return run_measured([*plrdesk_argv(), "info", str(study)], env, workdir)

    info()  # warm the page cache
    first = {f: export(f) for f in EXPORT_FORMATS}  # warm, and the reports
    runs: dict[str, list[Run]] = {f: [] for f in ("info", *EXPORT_FORMATS)}
    sides = ["info", *EXPORT_FORMATS]
    for n in range(reps):
        for side in sides[n % len(sides) :] + sides[: n % len(sides)]:
            runs[side].append(info() if side == "info" else export(side))
    for side, side_runs in runs.items():
        walls = ", ".join(f"{r.wall_s:.2f}" for r in side_runs)
        peak = max(r.max_rss_mib for r in side_runs)
        size = f", {out[side].stat().st_size / 1e6:.1f} MB" if side in out else ""
        print(f"  {side:<5} wall s: {walls};  peak RSS {peak:.0f} MiB{size}")
    report = first["json"].stdout.splitlines()
    print("  report (json): " + "; ".join(line.strip() for line in report[1:3]))
    print("  report (qdpx): " + first["qdpx"].stdout.splitlines()[1].strip())
    problems = leaked_names(out, names)
    breakdown_in_process(study)
    baseline = statistics.median(r.wall_s for r in runs["info"])
    figures = []
    for f in EXPORT_FORMATS:
        goal = GOAL_JSON_EXPORT_S if f == "json" else GOAL_EXPORT_S
        figures.append(
            Figure(
                f"export {f}, {sessions:,} sessions, median of {reps}",
                "s",
                statistics.median(r.wall_s for r in runs[f]),
                baseline,
                f"<= {goal:g} s",
                value_at_most(goal),
            )
        )
    return figures, problems


def leaked_names(out: dict[str, Path], names: list[str]) -> list[str]:
    """Participants' full names found in the text formats (the test suite checks every
    format in depth; this only makes sure the benchmark measured a real export)."""
    pattern = re.compile("|".join(re.escape(n) for n in names), re.IGNORECASE)
    problems = []
    for f in ("json", "md", "csv"):
        found = pattern.findall(out[f].read_text(encoding="utf-8-sig"))
        if found:
            problems.append(f"{len(found)} participant names in the {f} export")
    print(f"  names of participants in json, md, csv: {len(problems) or 'none'}")
    return problems


def breakdown_in_process(study: Path) -> None:
    """Where an export's time goes, in this (warm) process: building the summary once,
    then each renderer; and a plain `json.dumps` of the summary, the floor for JSON."""
    from plrdesk.cli.study_commands import shipped_forms
    from plrdesk.export.build import build_summary
    from plrdesk.export.formats import renderer
    from plrdesk.export.study import study_anonymiser
    from plrdesk.storage.study_file import StudyFile

    forms = shipped_forms()
    with StudyFile.open(study, PASSPHRASE) as opened, opened.transaction() as db:
        start = time.perf_counter()
        bundle = build_summary(db, forms, study_anonymiser(db))
        built = time.perf_counter() - start
    parts = [f"build_summary {built:.2f} s"]
    with tempfile.TemporaryFile() as sink:
        for f in EXPORT_FORMATS:
            render = renderer(f)  # imported before the clock starts (the CLI pays it)
            sink.seek(0)
            start = time.perf_counter()
            render(bundle, sink)
            parts.append(f"{f} {time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    json.dumps(bundle.summary.to_jsonable(), ensure_ascii=False, indent=2)
    parts.append(f"plain json.dumps of the summary {1000 * (time.perf_counter() - start):.0f} ms")
    quotes = sum(len(t.quotes) for t in bundle.summary.themes)
    print(
        f"  in process: {'; '.join(parts)}"
        f"\n  summary: {len(bundle.summary.themes)} themes, {quotes:,} quotes,"
        f" {len(bundle.sources):,} QDPX sources, {sum(bundle.redaction_counts.values()):,}"
        f" redactions ({sum(bundle.summary.disclosure.redactions.values()):,} in the summary)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 MB, 100 sessions (smoke run)")
    parser.add_argument("--megabytes", type=float, help="MB of notes (default 10)")
    parser.add_argument("--reps", type=int, default=3, help="timed runs of each side")
    parser.add_argument("--sessions", type=int, help="sessions of the study (default 1000)")
    parser.add_argument("--codings", type=int, default=EXPORT_CODINGS, help="codings in all")
    parser.add_argument("--export-reps", type=int, default=3, help="timed exports per format")
    parser.add_argument("--no-throughput", action="store_true", help="skip figure 1")
    parser.add_argument("--no-full", action="store_true", help="skip figure 2")
    parser.add_argument("--dir", type=Path, help="make the temporary directory under DIR")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    megabytes = args.megabytes or (1.0 if args.quick else 10.0)
    sessions = args.sessions or (100 if args.quick else 1000)
    codings = min(args.codings, 500) if args.quick else args.codings
    print(f"plrdesk export benchmark, {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"machine: {machine()}")
    print(f"plrdesk: {code_version()}")
    print(f"load average at start: {load_average()}")
    figures: list[Figure] = []
    problems: list[str] = []
    if not args.no_throughput:
        figures += bench_anonymiser(megabytes, args.reps)
    if not args.no_full:
        workdir = Path(tempfile.mkdtemp(prefix="plrdesk-bench-export-", dir=args.dir))
        try:
            full, problems = bench_full_export(sessions, codings, args.export_reps, workdir)
            figures += full
        finally:
            if args.keep:
                print(f"kept {workdir}")
            else:
                shutil.rmtree(workdir, ignore_errors=True)
    print()
    print_table(figures)
    print(f"\nload average at end: {load_average()}")
    failed = [f.name for f in figures if f.result == "FAIL"]
    print(f"\ngoals missed: {', '.join(failed) if failed else 'none'}")
    for problem in problems:
        print(f"INVALID RUN: {problem}")
    return 0 if not failed and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
