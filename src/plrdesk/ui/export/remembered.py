"""What Prepare export remembers between exports: for each study, the format and the folder
of its last export from the app, so the dialog opens where the researcher left it.

Typed data with a schema version and its defaults here (as `plrdesk.settings`), kept in
its own file beside the app's settings (`export.json` in the per-user config folder):
`AppSettings` drops keys it does not know when the app saves it, so the two cannot share
one file until these fields move into it. Only paths and a format name are stored, never
a file name (it is made from the study's name and the format) nor anything from inside a
study; the file is private like the settings, since the paths say where the studies are.

Per study, not one global choice: a researcher keeps each study's reports beside it, and
a folder chosen for one study is the wrong place for the next. A study with nothing
remembered starts as before (JSON, beside the study). At most `MAX_STUDIES` are kept, the
most recently exported first.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from plrdesk.export.formats import FORMATS
from plrdesk.settings import settings_path
from plrdesk.storage.files import write_atomically

SCHEMA_VERSION = 1
MAX_STUDIES = 50
DEFAULT_FORMAT = "json"


class LastExport(BaseModel):
    model_config = ConfigDict(extra="ignore")

    format: str = DEFAULT_FORMAT
    folder: str


class RememberedExports(BaseModel):
    model_config = ConfigDict(extra="ignore")

    schema_version: int = SCHEMA_VERSION
    # The study's resolved path -> its last export; the most recent first.
    studies: dict[str, LastExport] = Field(default_factory=dict)

    def last(self, study: Path) -> LastExport | None:
        found = self.studies.get(_key(study))
        if found is None or found.format not in FORMATS:
            return None
        return found

    def remember(self, study: Path, fmt: str, folder: Path) -> None:
        key = _key(study)
        others = [(k, v) for k, v in self.studies.items() if k != key]
        done = LastExport(format=fmt, folder=str(folder))
        self.studies = dict([(key, done), *others][:MAX_STUDIES])


def _key(study: Path) -> str:
    return str(study.expanduser().resolve())


def remembered_path() -> Path:
    return settings_path().with_name("export.json")


def load() -> RememberedExports:
    """What was remembered, or nothing when there is none or it cannot be read (a damaged
    file costs the researcher a choice of format, never an export)."""
    try:
        text = remembered_path().read_text(encoding="utf-8")
        return RememberedExports.model_validate(json.loads(text))
    except (OSError, ValueError, ValidationError):
        return RememberedExports()


def save(remembered: RememberedExports) -> None:
    path = remembered_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, remembered.model_dump_json(indent=2).encode("utf-8"), private=True)


def remember_export(study: Path, fmt: str, written: Path) -> None:
    """After an export from the app: its format and folder for `study`'s next one. A
    failure to store it is not the export's: the file is written, so it is ignored."""
    remembered = load()
    remembered.remember(study, fmt, written.parent)
    with contextlib.suppress(OSError):  # a read-only config folder costs the convenience
        save(remembered)
