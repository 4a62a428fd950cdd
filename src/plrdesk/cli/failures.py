"""Turning an exception into an exit code and one line for the user."""

from __future__ import annotations

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

    if isinstance(exc, NoConsentRecorded):
        return Exit.USAGE, str(exc)
    if isinstance(exc, FormErrors):
        more = f" (and {len(exc.problems) - 1} more)"
        return Exit.INVALID_INPUT, str(exc.problems[0]) + (more if len(exc.problems) > 1 else "")
    if isinstance(exc, storage_errors.WrongPassphrase):
        return Exit.WRONG_PASSPHRASE, str(exc)
    if isinstance(exc, storage_errors.NotAStudyFile | storage_errors.NotSQLCipher):
        return Exit.NOT_A_STUDY, str(exc)
    if isinstance(exc, storage_errors.StudyExists | storage_errors.InvalidBackupTarget):
        return Exit.USAGE, str(exc)
    if isinstance(exc, sqlcipher3.DatabaseError | sqlalchemy.exc.DatabaseError):
        reason = getattr(exc, "orig", exc)
        return Exit.NOT_A_STUDY, f"the study file is damaged ({reason}); see docs/recovery.md"
    if isinstance(exc, InvalidDocument):
        return Exit.INVALID_INPUT, str(exc)
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return Exit.FAILURE, f"{where}{exc.strerror or exc}"
    return Exit.FAILURE, f"unexpected error ({type(exc).__name__}); run again with --debug"
