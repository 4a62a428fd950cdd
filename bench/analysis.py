"""Analysis figures against same-run baselines: opening the quote bank, recomputing the matrix.

    python bench/analysis.py            # the 1,000-session study, one theme with 5,000 codings
    python bench/analysis.py --quick    # 100 sessions, 1,000 codings on the theme (a smoke run)

The study is bench/studygen.py's (seed 20081125, the one bench/storage.py imports), plus
extra codings onto one leaf theme so that it holds `--theme-codings` of them. It is imported
in this process into a temporary encrypted study.

1. Quote bank: what the app does when a theme is chosen (read the coded passages, then
   `services.quote_bank.quote_bank` for that theme) against a plain SQL query of the same
   rows (the theme's codings joined to their entries, sessions and speakers) on the same
   keyed connection, interleaved, median of `--reps`. Measured for the theme-only path the
   quote bank uses (`load_theme_corpus`) and, for reference, the full `load_corpus` that the
   matrix and the export read.
2. Matrix: `domain.passages.matrix` over the whole corpus (by kind, by an attribute, by
   person) against a plain Python count over the same passages: one pass that collects the
   participants per theme and group, then folds sub-themes into their parents.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import studygen
from storage import (
    PASSPHRASE,
    Figure,
    code_version,
    import_into_new_study,
    load_average,
    machine,
    print_table,
    ratio_at_most,
    value_at_most,
)

GOAL_QUOTE_BANK_RATIO = 3.0
GOAL_MATRIX_MS = 200.0
THEME_REF = "T7"  # a leaf theme (under T1), so its quote bank is its own codings


def add_theme_codings(doc: dict[str, Any], theme: str, total: int, seed: int) -> int:
    """Add codings of `theme` on entries it does not code yet until it has `total`."""
    rng = random.Random(seed)
    have = [c for c in doc["codings"] if c["theme"] == theme]
    coded = {c["entry"] for c in have}
    texts = [
        (e["ref"], e["text"])
        for s in doc["sessions"]
        for e in s["entries"]
        if "text" in e and e["ref"] not in coded
    ]
    added = 0
    for ref, text in rng.sample(texts, max(0, min(total - len(have), len(texts)))):
        coding: dict[str, Any] = {"entry": ref, "theme": theme}
        if rng.random() < 0.7:
            begin = rng.randrange(0, len(text) - 1)
            coding |= {"start": begin, "end": rng.randint(begin + 1, len(text))}
        doc["codings"].append(coding)
        added += 1
    return len(have) + added


BASELINE_SQL = (
    'SELECT c.id, c.theme_id, c.start, c."end", c.memo, c.exemplar,'
    " e.id, e.ref, e.position, e.text, e.question, e.verbatim, e.safeguarding_flagged_at,"
    " s.ref, s.kind, s.guide, s.position, p.ref, p.kind, p.attributes, p.withdrawn_on"
    " FROM coding c JOIN entry e ON e.id = c.entry_id JOIN session s ON s.id = e.session_id"
    " LEFT JOIN participant p ON p.id = e.speaker_id"
    " WHERE c.theme_id = ? ORDER BY s.position, e.position, c.start"
)


def median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000


def interleaved(sides: dict[str, Callable[[], object]], reps: int) -> dict[str, list[float]]:
    """Wall time of each side, `reps` times, interleaved (order rotated), after a warm pass."""
    for run in sides.values():
        run()
    names = list(sides)
    times: dict[str, list[float]] = {name: [] for name in names}
    for n in range(reps):
        for name in names[n % len(names) :] + names[: n % len(names)]:
            start = time.perf_counter()
            sides[name]()
            times[name].append(time.perf_counter() - start)
    return times


def plain_matrix(
    rows: list[tuple[uuid.UUID, str | None, str | None]],
    parents: dict[uuid.UUID, uuid.UUID | None],
) -> dict[uuid.UUID, dict[str, set[str]]]:
    """The baseline count: (theme, group, participant) of each counted passage in one pass,
    then every theme takes in its sub-themes' participants."""
    own: dict[uuid.UUID, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for theme_id, key, ref in rows:
        if key is not None and ref is not None:
            own[theme_id][key].add(ref)
    result: dict[uuid.UUID, dict[str, set[str]]] = {t: defaultdict(set) for t in parents}
    for theme_id, cells in own.items():
        current: uuid.UUID | None = theme_id
        while current is not None:
            for key, refs in cells.items():
                result[current][key] |= refs
            current = parents.get(current)
    return {t: {k: v for k, v in cells.items() if v} for t, cells in result.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 sessions (a smoke run)")
    parser.add_argument("--sessions", type=int, help="sessions to generate (default 1000)")
    parser.add_argument("--theme-codings", type=int, help="codings on the theme (default 5000)")
    parser.add_argument("--reps", type=int, default=7, help="timed runs of each side")
    parser.add_argument("--dir", type=Path, help="make the temporary directory under DIR")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--seed", type=int, default=studygen.StudyShape.seed)
    args = parser.parse_args(argv)

    from sqlalchemy import select

    from plrdesk.cli.study_commands import shipped_forms
    from plrdesk.domain import models as m
    from plrdesk.domain.passages import by_attribute, by_kind, by_person, matrix, raised_by
    from plrdesk.services.corpus import Corpus, load_corpus
    from plrdesk.services.permission_book import load_permission_book
    from plrdesk.services.quote_bank import load_theme_corpus, quote_bank
    from plrdesk.storage.study_file import StudyFile

    sessions = args.sessions or (100 if args.quick else 1000)
    on_theme = args.theme_codings or (1000 if args.quick else 5000)
    shape = studygen.StudyShape(sessions=sessions, seed=args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="plrdesk-bench-analysis-", dir=args.dir))
    print(f"plrdesk analysis benchmark, {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"machine: {machine()}")
    print(f"plrdesk: {code_version()}")
    print(f"load average at start: {load_average()}")
    try:
        start = time.perf_counter()
        doc = studygen.generate(shape)
        have = add_theme_codings(doc, THEME_REF, on_theme, args.seed)
        path = import_into_new_study(doc, workdir, "analysis.plr")
        print(
            f"\nstudy: {len(doc['participants'])} participants, {len(doc['sessions'])} sessions,"
            f" {shape.entries:,} entries, {len(doc['themes'])} themes,"
            f" {len(doc['codings']):,} codings ({have:,} on {THEME_REF});"
            f" generated and imported in {time.perf_counter() - start:.1f} s"
        )
        del doc
        forms = shipped_forms()
        with StudyFile.open(path, PASSPHRASE) as study:
            raw = study.raw_connection()
            with study.transaction() as db:
                theme = db.scalars(select(m.Theme.id).where(m.Theme.ref == THEME_REF)).one()
            theme_hex = theme.hex

            def app_theme_path() -> object:
                with study.transaction() as db:
                    return quote_bank(load_theme_corpus(db, forms, theme), theme, forms=forms)

            def app_full_path() -> object:
                with study.transaction() as db:
                    return quote_bank(load_corpus(db, forms), theme, forms=forms)

            def baseline() -> list[Any]:
                rows: list[Any] = raw.execute(BASELINE_SQL, (theme_hex,)).fetchall()
                return rows

            shown = app_theme_path()
            assert isinstance(shown, list)
            assert len(shown) == len(baseline()) == have, (len(shown), have)
            print(f"\n[1/2] quote bank for {THEME_REF}: {len(shown):,} rows")
            bank = interleaved(
                {"theme": app_theme_path, "full": app_full_path, "sql": baseline}, args.reps
            )

            def theme_load_only() -> object:
                with study.transaction() as db:
                    return load_theme_corpus(db, forms, theme)

            def book_only() -> object:
                with study.transaction() as db:
                    return load_permission_book(db, forms)

            def full_load_only() -> object:
                with study.transaction() as db:
                    return load_corpus(db, forms)

            loaded = theme_load_only()
            assert isinstance(loaded, Corpus)
            parts = interleaved(
                {
                    "permission book": book_only,
                    "load_theme_corpus": theme_load_only,
                    "quote_bank rows": lambda: quote_bank(loaded, theme, forms=forms),
                    "load_corpus (all codings)": full_load_only,
                },
                args.reps,
            )

            with study.transaction() as db:
                corpus = load_corpus(db, forms)
            passages, tree = corpus.passages, corpus.tree
            parents = {node.id: node.parent_id for node in tree.nodes.values()}
            counted = [p for p in passages if p.counts]
            print(f"[2/2] matrix: {len(passages):,} passages, {len(tree.nodes)} themes")
            groupings = {"kind": by_kind, "sector": by_attribute("sector"), "person": by_person}
            matrices: dict[str, dict[str, list[float]]] = {}
            for label, group in groupings.items():
                shared = matrix(passages, tree, group)
                plain = plain_matrix(
                    [(p.theme_id, group(p), p.speaker_ref) for p in counted], parents
                )
                assert shared == plain, f"the baseline disagrees with matrix() by {label}"
                matrices[label] = interleaved(
                    {
                        "matrix": lambda group=group: matrix(passages, tree, group),  # type: ignore[misc]
                        "plain": lambda group=group: plain_matrix(  # type: ignore[misc]
                            [(p.theme_id, group(p), p.speaker_ref) for p in counted], parents
                        ),
                    },
                    args.reps,
                )
            root = next(n.id for n in tree.nodes.values() if n.ref == "T1")
            one = interleaved({"raised_by": lambda: raised_by(passages, tree, root)}, args.reps)

        figures = [
            Figure(
                f"quote bank {THEME_REF}, theme path, median of {args.reps}",
                "ms",
                median_ms(bank["theme"]),
                median_ms(bank["sql"]),
                f"ratio <= {GOAL_QUOTE_BANK_RATIO:g}x",
                ratio_at_most(GOAL_QUOTE_BANK_RATIO),
            ),
            Figure(
                f"quote bank {THEME_REF}, full load_corpus, median of {args.reps}",
                "ms",
                median_ms(bank["full"]),
                median_ms(bank["sql"]),
            ),
        ]
        for label, times in matrices.items():
            figures.append(
                Figure(
                    f"matrix by {label}, median of {args.reps}",
                    "ms",
                    median_ms(times["matrix"]),
                    median_ms(times["plain"]),
                    f"<= {GOAL_MATRIX_MS:g} ms",
                    value_at_most(GOAL_MATRIX_MS),
                )
            )
        print()
        print_table(figures)
        print("\n  best of the runs (ms, plrdesk / baseline): the cost without other load")
        best = [("quote bank, theme path", bank["theme"], bank["sql"])]
        best += [(f"matrix by {label}", t["matrix"], t["plain"]) for label, t in matrices.items()]
        for label, ours, theirs in best:
            print(f"    {label:<28}{min(ours) * 1000:8.1f} / {min(theirs) * 1000:.1f}")
        print("\n  where the quote bank's time goes (median ms):")
        for label, part in parts.items():
            print(f"    {label:<28}{median_ms(part):8.1f}")
        print(f"  one raised_by (T1 with sub-themes): {median_ms(one['raised_by']):.1f} ms")
        print(f"\nload average at end: {load_average()}")
        failed = [f.name for f in figures if f.result == "FAIL"]
        print(f"\ngoals missed: {', '.join(failed) if failed else 'none'}")
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
