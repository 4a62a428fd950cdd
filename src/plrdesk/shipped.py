"""Where the shipped data lives: forms/ and resources/ at the top of the project.

They are data a researcher may read and adapt, so they stay as plain files at the top
of the repository rather than hidden inside the package; the project runs from its
checkout (`make run` installs it in editable mode). PLRDESK_HOME overrides the location.
"""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    override = os.environ.get("PLRDESK_HOME")
    return Path(override) if override else Path(__file__).resolve().parents[2]


def resources_dir() -> Path:
    return project_root() / "resources"


def forms_dir() -> Path:
    return project_root() / "forms"


def demo_study_json() -> Path:
    return resources_dir() / "demo" / "demo-study.json"
