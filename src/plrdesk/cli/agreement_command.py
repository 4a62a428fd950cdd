"""`plrdesk agreement STUDY --coders A B [--unit entry|sentence|character] [--format text|json]`.

Reads the study without taking its lock (reading is allowed while the app holds it, as
for `dump` and `export`), compares the two coders with `services.agreement` and prints
the figures: a table, or the JSON of docs/formats.md. It writes nothing.
"""

from __future__ import annotations

import argparse
import json

from plrdesk.cli.exit_codes import CliError, Exit
from plrdesk.cli.output import say
from plrdesk.cli.study_commands import opened
from plrdesk.services.agreement import Agreement, Unit
from plrdesk.services.agreement_data import (
    UnknownCoder,
    agreement_json,
    load_agreement_data,
    rounded,
)


def cmd_agreement(args: argparse.Namespace) -> int:
    coder_a, coder_b = args.coders
    unit = Unit(args.unit)
    with opened(args) as study, study.transaction() as db:
        data = load_agreement_data(db)
        try:
            result = data.compare(coder_a, coder_b, unit)
        except (UnknownCoder, ValueError) as exc:
            raise CliError(Exit.USAGE, f"{args.file}: {exc.args[0]}") from None
    if args.format == "json":
        say(json.dumps(agreement_json(result), ensure_ascii=False, indent=2))
    else:
        for line in _table(result):
            say(line)
    return Exit.OK


def _figure(value: object) -> str:
    return "-" if value is None else f"{value:.2f}"


def _table(result: Agreement) -> list[str]:
    a, b = result.coders
    lines = [f"agreement between {a} and {b}, by {result.unit.value}"]
    width = max([len("Overall (pooled)"), *(len(row.theme.name) for row in result.themes)])
    lines.append(f"{'Theme':<{width}}  agreement  kappa   units")
    for row in result.themes:
        agreement, kappa = rounded(row.agreement), rounded(row.kappa)
        lines.append(
            f"{row.theme.name:<{width}}  {_figure(agreement):>9}  {_figure(kappa):>5}"
            f"  {row.table.units:>6}"
        )
    overall = result.overall
    lines.append(
        f"{'Overall (pooled)':<{width}}  {_figure(rounded(overall.agreement)):>9}"
        f"  {_figure(rounded(overall.kappa)):>5}  {overall.units:>6}"
    )
    if not result.themes:
        lines.append("the study has no themes to compare")
    return lines
