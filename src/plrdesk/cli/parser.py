"""The argument parser: one subcommand per operation, each with its own --help."""

from __future__ import annotations

import argparse
from pathlib import Path

from plrdesk import __version__

EPILOG = """\
passphrases: --passphrase-file FILE (the whole file, less one final newline), or
PLRDESK_PASSPHRASE, or a hidden prompt.
A new passphrase comes from PLRDESK_NEW_PASSPHRASE (passwd) or the prompt, asked twice.

exit codes: 0 ok, 1 other failure, 2 usage, 3 wrong passphrase,
4 not a study file or damaged, 5 invalid input file.
"""


class Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line (the usage text is in --help)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def build() -> Parser:
    top = Parser(add_help=False)
    top.add_argument("--debug", action="store_true", help="show tracebacks on failure")
    top.add_argument(
        "--passphrase-file", type=Path, metavar="FILE", help="read the passphrase from FILE"
    )
    # The same options after the subcommand; SUPPRESS keeps a subcommand from resetting
    # what was given before it (`plrdesk --debug info FILE`).
    common = Parser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks"
    )
    common.add_argument(
        "--passphrase-file",
        type=Path,
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="read the passphrase from FILE",
    )
    weak = Parser(add_help=False)
    weak.add_argument(
        "--allow-weak", action="store_true", help="accept a passphrase zxcvbn scores below 3"
    )

    parser = Parser(
        prog="plrdesk",
        description=(
            "plrdesk: an encrypted fieldwork desk for practitioner-researchers."
            " With no command, it starts the desktop app."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[top],
    )
    parser.add_argument("--version", action="version", version=f"plrdesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    def add(name: str, help_text: str, *parents: Parser) -> argparse.ArgumentParser:
        parser_parents = [common, *parents]
        return sub.add_parser(
            name,
            help=help_text,
            description=help_text,
            parents=parser_parents,
            epilog=EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    p = add("open", "open a study in the desktop app (asks for its passphrase)")
    p.add_argument("file", type=Path, metavar="FILE")

    p = add("new", "create a new, empty, encrypted study file", weak)
    p.add_argument("file", type=Path, metavar="FILE", help="the study file to create (.plr)")
    p.add_argument("--title", required=True, help="the study's title")

    p = add("info", "show a study's title and counts")
    p.add_argument("file", type=Path, metavar="FILE")

    p = add("import", "import a study-json-v1 file (all or nothing)", weak)
    p.add_argument("file", type=Path, metavar="FILE", help="the study (created if missing)")
    p.add_argument("data", type=Path, metavar="DATA.json")
    p.add_argument(
        "--merge", action="store_true", help="update records whose ref the study already has"
    )

    p = add("dump", "write the whole study as study-json-v1 (plain text: identifiable!)")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("-o", "--output", required=True, metavar="DATA.json", help="'-' for stdout")
    p.add_argument("--yes", action="store_true", help="do not ask before writing plaintext")

    p = add("passwd", "change a study's passphrase (re-encrypts every page)", weak)
    p.add_argument("file", type=Path, metavar="FILE")

    p = add("backup", "write an encrypted copy of a study (same passphrase)")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("dest", type=Path, metavar="DEST")
    p.add_argument("--overwrite", action="store_true", help="replace an existing file at DEST")

    p = add("check", "check a study's pages and encryption (integrity and HMACs)")
    p.add_argument("file", type=Path, metavar="FILE")

    p = add("merge", "bring another copy of the study into TARGET (all or nothing)")
    p.add_argument("file", type=Path, metavar="TARGET", help="the study to merge into")
    p.add_argument(
        "source",
        type=Path,
        metavar="SOURCE",
        help="a copy of it (cp, backup, another laptop) or a coding copy; only read"
        " (its passphrase: PLRDESK_SOURCE_PASSPHRASE, else TARGET's, else asked)",
    )
    p.add_argument("--dry-run", action="store_true", help="say what would come in; change nothing")

    p = add("withdraw", "withdraw a participant from every count, quote and export")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("ref", metavar="REF", help="the participant's ref, e.g. C3")
    p.add_argument("--reason", help="why (kept in the study, never exported)")
    p.add_argument(
        "--erase",
        action="store_true",
        help="also delete everything they said or signed, then compact the file",
    )

    p = add("demo", "create a fictional demo study of the typical shape", weak)
    p.add_argument("file", type=Path, metavar="FILE")

    p = add("export", "write the anonymised summary of a study (names replaced by [labels])")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument(
        "--format",
        required=True,
        choices=["json", "md", "pdf", "docx", "csv", "qdpx"],
        help="json: summary-json-v1; qdpx: a REFI-QDA project for QDA software",
    )
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT")
    p.add_argument(
        "--suppress-below",
        type=int,
        metavar="N",
        help='show counts under N as "fewer than N" (N is 2 or more)',
    )
    p.add_argument(
        "--extracts",
        action="store_true",
        help="add every quotable coded passage, verbatim or not, under its theme",
    )
    p.add_argument(
        "--count-consent-overrides",
        action="store_true",
        help="count people admitted by a consent override who still lack consent"
        " (left out by default)",
    )

    codebook = add("codebook", "exchange the theme tree with QDA software (REFI-QDA .qdc, CSV)")
    codebook_sub = codebook.add_subparsers(
        dest="codebook_command", metavar="ACTION", parser_class=Parser
    )
    codebook_sub.required = True

    def add_codebook(name: str, help_text: str) -> argparse.ArgumentParser:
        return codebook_sub.add_parser(
            name,
            help=help_text,
            description=help_text,
            parents=[common],
            epilog=EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    p = add_codebook("export", "write the study's themes as a codebook file (no participant data)")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument(
        "--format",
        choices=["qdc", "csv"],
        help="qdc: REFI-QDA codebook (NVivo, ATLAS.ti, MAXQDA, QualCoder); csv: a spreadsheet"
        " (default: csv for an OUT ending .csv, else qdc)",
    )
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT")

    p = add_codebook(
        "import", "merge a .qdc or .csv codebook into the study's themes (all or nothing)"
    )
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument(
        "codebook", type=Path, metavar="CODEBOOK", help="a .csv file, or a REFI-QDA .qdc/.qde/.xml"
    )

    p = add("agreement", "percent agreement and Cohen's kappa between two coders, per theme")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument(
        "--coders", nargs=2, required=True, metavar=("A", "B"), help="the two coders' names"
    )
    p.add_argument(
        "--unit",
        choices=["entry", "sentence", "character"],
        default="entry",
        help="what one unit of comparison is (default: entry)",
    )
    p.add_argument("--format", choices=["text", "json"], default="text")

    p = add(
        "coding-copy",
        "write a blind copy of a study for a second coder (no codings; a new passphrase)",
        weak,
    )
    p.add_argument("file", type=Path, metavar="STUDY")
    p.add_argument("out", type=Path, metavar="OUT", help="the copy to create (.plr)")
    p.add_argument("--coder", required=True, metavar="NAME", help="the second coder's name")
    p.add_argument(
        "--anonymised",
        action="store_true",
        help="every text anonymised, people by descriptor, withdrawn and flagged entries left out",
    )

    forms = add("forms", "check, measure, print and convert form definitions")
    forms_sub = forms.add_subparsers(dest="forms_command", metavar="ACTION", parser_class=Parser)
    forms_sub.required = True

    def add_forms(name: str, help_text: str) -> argparse.ArgumentParser:
        return forms_sub.add_parser(
            name,
            help=help_text,
            description=help_text,
            parents=[common],
            epilog=EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    p = add_forms("check", "report every problem in form files as file:line: message")
    p.add_argument(
        "paths", type=Path, nargs="*", metavar="PATH", help="files or folders (default: forms/)"
    )
    p.add_argument(
        "--study", type=Path, metavar="FILE", help="also compare with the versions FILE stored"
    )

    p = add_forms("readability", "print each participant-facing item's reading grade and jargon")
    p.add_argument("form", metavar="FORM", help="a form id or a .yaml file")

    p = add_forms("print", "render a form as a PDF to print (blank, or a participant's consent)")
    p.add_argument("form", metavar="FORM", help="a form id or a .yaml file")
    p.add_argument("--study", type=Path, metavar="FILE", required=True)
    p.add_argument("-o", "--output", type=Path, metavar="OUT.pdf", required=True)
    p.add_argument("--large-print", action="store_true", help="large type for easier reading")
    p.add_argument("--participant", metavar="REF", help="print this participant's recorded consent")

    p = add_forms("import-xlsform", "convert an ODK/KoboToolbox XLSForm to a form definition")
    p.add_argument("xlsx", type=Path, metavar="FILE.xlsx|.xlsm|.xls")
    p.add_argument(
        "-o",
        "--output",
        type=str,  # a str keeps a trailing "/": `-o forms/` names a folder, never a file
        metavar="NAME.yaml|FOLDER",
        required=True,
        help="the form file, or a folder to write <form id>.yaml in",
    )
    p.add_argument("--language", help="which label::language column to keep")
    return parser
