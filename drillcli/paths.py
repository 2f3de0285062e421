"""Where things live. `DRILL_HOME` moves all user state; the bundled bank ships with the package."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "drillcli"


def drill_home() -> Path:
    """The folder holding all user state: `$DRILL_HOME`, else the platform's user data folder."""
    env = os.environ.get("DRILL_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def db_path() -> Path:
    return drill_home() / "drill.db"


def config_path() -> Path:
    return drill_home() / "config.toml"


def workspace_dir() -> Path:
    """Where `drill code` writes the files the user edits."""
    return drill_home() / "workspace"


def attempts_dir() -> Path:
    """A copy of every graded submission, named by attempt."""
    return drill_home() / "attempts"


def cache_dir() -> Path:
    return drill_home() / "cache"


def bundled_bank_dir() -> Path:
    """The bank inside the wheel (`drillcli/questions`), or the checkout's `questions/` in development."""
    package_dir = Path(__file__).resolve().parent
    inside = package_dir / "questions"
    if inside.is_dir():
        return inside
    return package_dir.parent / "questions"


def bundled_challenges_dir() -> Path:
    return bundled_bank_dir() / "challenges"
