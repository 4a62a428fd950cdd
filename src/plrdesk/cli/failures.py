"""Turning an exception into an exit code and one line for the user."""

from __future__ import annotations

from pathlib import Path

from plrdesk.cli.exit_codes import Exit
from plrdesk.interchange.errors import InvalidDocument
from plrdesk.storage import errors as storage_errors


def classify(exc: BaseException) -> tuple[Exit, str]:
    """An exception as (exit code, one-line message)."""
    # Imported here, not at the top: the happy path of `info` must not load them.
    import sqlalchemy.exc
    import sqlcipher3

    from plrdesk.forms.problems import FormErrors
    from plrdesk.printing.form_pdf import NoConsentRecorded
    from plrdesk.storage import driver_errors

    if isinstance(exc, NoConsentRecorded):
        return Exit.USAGE, str(exc)
    if isinstance(exc, FormErrors):
        more = f" (and {len(exc.problems) - 1} more)"
        return Exit.INVALID_INPUT, str(exc.problems[0]) + (more if len(exc.problems) > 1 else "")
    if isinstance(exc, InvalidDocument):
        return Exit.INVALID_INPUT, str(exc)
    known = driver_errors.classify(exc, _where(exc))
    if known is not None:
        return _STUDY_EXITS.get(type(known), Exit.FAILURE), str(known)
    if isinstance(exc, sqlcipher3.DatabaseError | sqlalchemy.exc.DatabaseError):
        reason = getattr(exc, "orig", exc)
        return Exit.NOT_A_STUDY, f"the study file is damaged ({reason}); see docs/recovery.md"
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return Exit.FAILURE, f"{where}{exc.strerror or exc}"
    return Exit.FAILURE, f"unexpected error ({type(exc).__name__}); run again with --debug"


_STUDY_EXITS: dict[type[storage_errors.StudyFileError], Exit] = {
    storage_errors.WrongPassphrase: Exit.WRONG_PASSPHRASE,
    storage_errors.NotAStudyFile: Exit.NOT_A_STUDY,
    storage_errors.NotSQLCipher: Exit.NOT_A_STUDY,
    storage_errors.StudyExists: Exit.USAGE,
    storage_errors.WouldOverwriteStudy: Exit.USAGE,
    storage_errors.StudyBusy: Exit.BUSY,
    storage_errors.DiskFull: Exit.FAILURE,
    storage_errors.ReadOnlyLocation: Exit.FAILURE,
    storage_errors.StudyReplaced: Exit.FAILURE,
}


def _where(exc: BaseException) -> Path:
    """The file an OSError names (for the free-space figure), else the working folder."""
    name = getattr(exc, "filename", None)
    return Path(name) if isinstance(name, str) else Path.cwd()
