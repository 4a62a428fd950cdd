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


class InvalidBackupTarget(StudyFileError):
    """A backup may not overwrite the study it copies."""
