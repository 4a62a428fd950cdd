"""Export benchmark. So far one figure: anonymiser throughput.

    python bench/export.py            # 10 MB of notes, a 500-term register
    python bench/export.py --quick    # 1 MB (a smoke run)

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

Other export figures (whole-study exports to JSON, PDF, DOCX) are to be added here as
functions beside `bench_anonymiser`, each returning its Figures for `main` to print.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import studygen
from storage import Figure, code_version, fmt, load_average, machine, print_table

GOAL_ANONYMISER_MB_S = 5.0
REGISTER_TERMS = 500


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 MB of notes (a smoke run)")
    parser.add_argument("--megabytes", type=float, help="MB of notes (default 10)")
    parser.add_argument("--reps", type=int, default=3, help="timed runs of each side")
    args = parser.parse_args(argv)
    megabytes = args.megabytes or (1.0 if args.quick else 10.0)
    print(f"plrdesk export benchmark, {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"machine: {machine()}")
    print(f"plrdesk: {code_version()}")
    print(f"load average at start: {load_average()}")
    figures = bench_anonymiser(megabytes, args.reps)
    print()
    print_table(figures)
    return 0 if all(f.result != "FAIL" for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
