"""Failures of the study file, each with a one-line message fit for a user."""


class StudyFileError(Exception):
    """Base class: something is wrong with the study file itself."""


class WrongPassphrase(StudyFileError):
    """The passphrase does not open this file."""


class NotAStudyFile(StudyFileError):
    """The file is not a plrdesk study, or it is damaged."""


class NotSQLCipher(StudyFileError):
    """The database driver has no encryption: refuse rather than write plaintext."""


class StudyExists(StudyFileError):
    """Refusing to overwrite an existing file."""


class PragmaNotApplied(StudyFileError):
    """A safety setting (WAL, synchronous, secure_delete ...) did not take effect."""


class WouldOverwriteStudy(StudyFileError):
    """An output path names a study file or one of its sidecars."""


class StudyBusy(StudyFileError):
    """Another plrdesk process holds the study's write lock (the app, or a command)."""


class ReadOnlyLocation(StudyFileError):
    """The study is on a read-only disk or in a read-only folder, and this needs to write."""


class DiskFull(StudyFileError):
    """No space left for the study's pages or its -wal; nothing was changed."""


class StudyReplaced(StudyFileError):
    """The study file was moved, replaced or changed by someone else while it was open."""


class DatabaseRefused(StudyFileError):
    """SQLite refused an operation (a constraint, say): the driver's reason, never the SQL."""
