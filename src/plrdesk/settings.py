"""The app's own settings, as typed data with a schema version and defaults in one place.

Stored as JSON in the per-user config folder (platformdirs). They hold paths and
preferences only, never anything from inside a study. Window geometry is Qt's business
(QSettings) and lives apart.

A dataclass, not a pydantic model: the welcome window reads these before anything else,
and pydantic cost ~100 ms of start-up for three fields (docs/performance.md, "Start-up").
`from_json` checks each field and gives its default when the check fails, so a settings
file edited by hand cannot stop the app from starting, nor cost the other settings.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from platformdirs import user_config_path

from plrdesk.storage.files import write_atomically

SCHEMA_VERSION = 1
MAX_RECENT = 8
AUTO_LOCK_RANGE = range(1, 241)  # minutes


@dataclass
class AppSettings:
    schema_version: int = SCHEMA_VERSION
    recent_studies: list[str] = field(default_factory=list)
    auto_lock_minutes: int = 5

    @classmethod
    def from_json(cls, data: Any) -> AppSettings:
        """Settings from parsed JSON; unknown keys are ignored, a wrong field is defaulted."""
        settings = cls()
        if not isinstance(data, dict):
            return settings
        version = data.get("schema_version")
        if _is_int(version):
            settings.schema_version = version
        recent = data.get("recent_studies")
        if isinstance(recent, list) and all(isinstance(p, str) for p in recent):
            settings.recent_studies = recent[:MAX_RECENT]
        minutes = data.get("auto_lock_minutes")
        if _is_int(minutes) and minutes in AUTO_LOCK_RANGE:
            settings.auto_lock_minutes = minutes
        return settings

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

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
        return AppSettings.from_json(json.loads(settings_path().read_text(encoding="utf-8")))
    except (OSError, ValueError):  # no file, unreadable, not JSON (or not UTF-8)
        return AppSettings()


def save(settings: AppSettings) -> None:
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Private: the recent list names where the studies are.
    write_atomically(path, settings.to_json().encode("utf-8"), private=True)


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)
