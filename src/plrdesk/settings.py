"""The app's own settings, as typed data with a schema version and defaults in one place.

Stored as JSON in the per-user config folder (platformdirs). They hold paths and
preferences only, never anything from inside a study. Window geometry is Qt's business
(QSettings) and lives apart.
"""

from __future__ import annotations

import json
from pathlib import Path

from platformdirs import user_config_path
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from plrdesk.storage.files import write_atomically

SCHEMA_VERSION = 1
MAX_RECENT = 8


class AppSettings(BaseModel):
    model_config = ConfigDict(extra="ignore")

    schema_version: int = SCHEMA_VERSION
    recent_studies: list[str] = Field(default_factory=list)
    auto_lock_minutes: int = Field(default=5, ge=1, le=240)

    def remember(self, path: Path) -> None:
        text = str(path.resolve())
        self.recent_studies = [text, *(p for p in self.recent_studies if p != text)][:MAX_RECENT]

    def forget(self, path: Path) -> None:
        text = str(path.resolve())
        self.recent_studies = [p for p in self.recent_studies if p != text]


def settings_path() -> Path:
    return user_config_path("plrdesk", appauthor=False) / "settings.json"


def load() -> AppSettings:
    """The saved settings, or defaults when there are none or they cannot be read."""
    try:
        return AppSettings.model_validate(json.loads(settings_path().read_text(encoding="utf-8")))
    except (OSError, ValueError, ValidationError):
        return AppSettings()


def save(settings: AppSettings) -> None:
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Private: the recent list names where the studies are.
    write_atomically(path, settings.model_dump_json(indent=2).encode("utf-8"), private=True)
