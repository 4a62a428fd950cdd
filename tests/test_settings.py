"""The app's settings file: read field by field, a wrong field costs only itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plrdesk import settings as app_settings
from plrdesk.settings import AppSettings


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    return app_settings.settings_path()


def test_saved_settings_load_back(config: Path) -> None:
    settings = AppSettings(auto_lock_minutes=12)
    settings.remember(Path("/studies/a.plr"))
    app_settings.save(settings)
    assert app_settings.load() == settings
    assert config.stat().st_mode & 0o077 == 0  # the recent list says where studies are


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("not json", AppSettings()),
        ("[1, 2]", AppSettings()),
        (
            '{"auto_lock_minutes": 0, "recent_studies": ["/a.plr"]}',
            AppSettings(recent_studies=["/a.plr"]),
        ),
        ('{"auto_lock_minutes": 241}', AppSettings()),
        ('{"auto_lock_minutes": true}', AppSettings()),
        ('{"auto_lock_minutes": "5"}', AppSettings()),
        ('{"auto_lock_minutes": 30, "recent_studies": [3]}', AppSettings(auto_lock_minutes=30)),
        ('{"auto_lock_minutes": 240, "colour": "blue"}', AppSettings(auto_lock_minutes=240)),
    ],
)
def test_a_wrong_field_is_defaulted_and_the_rest_kept(
    config: Path, text: str, expected: AppSettings
) -> None:
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text, encoding="utf-8")
    assert app_settings.load() == expected


def test_the_file_is_json_a_person_can_read(config: Path) -> None:
    app_settings.save(AppSettings(recent_studies=["/s.plr"]))
    assert json.loads(config.read_text(encoding="utf-8")) == {
        "schema_version": 1,
        "recent_studies": ["/s.plr"],
        "auto_lock_minutes": 5,
    }
