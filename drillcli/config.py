"""User settings from `$DRILL_HOME/config.toml`; every key is optional.

```toml
banks = ["~/my-cards"]          # extra bank folders, merged with the bundled one
desired_retention = 0.9         # FSRS target recall probability
new_per_day = 10                # new cards introduced per day
session_limit = 50              # cards per session at most
learn_ahead_minutes = 20        # at the end of a session, learning cards due this soon are shown early
challenge_minutes_per_day = 25  # `drill` offers due challenges after the cards, within this many minutes
interview_date = 2026-12-10     # set by `drill plan --interview DATE`: countdown and daily plan
```
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from drillcli import paths
from drillcli.errors import DrillError


@dataclass(frozen=True)
class Config:
    banks: list[Path] = field(default_factory=list)
    desired_retention: float = 0.9
    new_per_day: int = 10
    session_limit: int = 50
    include_bundled: bool = True
    learn_ahead_minutes: int = 20
    challenge_minutes_per_day: int = 25
    interview_date: date | None = None


def load_config(path: Path | None = None) -> Config:
    path = path or paths.config_path()
    if not path.is_file():
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise DrillError(f"{path}: not UTF-8 text (byte {exc.start}: {exc.reason}); save it as UTF-8") from None
    except OSError as exc:
        raise DrillError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise DrillError(f"{path}: invalid TOML: {exc}") from None
    return _from_dict(data, path)


def _from_dict(data: dict[str, object], path: Path) -> Config:
    known = {"banks", "desired_retention", "new_per_day", "session_limit", "include_bundled",
             "learn_ahead_minutes", "challenge_minutes_per_day", "interview_date"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise DrillError(f"{path}: unknown setting(s): {', '.join(unknown)}")
    banks = data.get("banks", [])
    if not isinstance(banks, list) or not all(isinstance(b, str) for b in banks):
        raise DrillError(f"{path}: banks must be a list of folder paths")
    retention = data.get("desired_retention", 0.9)
    if not isinstance(retention, (int, float)) or not 0.7 <= float(retention) <= 0.99:
        raise DrillError(f"{path}: desired_retention must be a number between 0.7 and 0.99")
    return Config(
        banks=[_resolve(b, path.parent) for b in banks],
        desired_retention=float(retention),
        new_per_day=_count(data, "new_per_day", 10, path),
        session_limit=_count(data, "session_limit", 50, path, least=1),
        learn_ahead_minutes=_count(data, "learn_ahead_minutes", 20, path),
        include_bundled=_flag(data, "include_bundled", True, path),
        challenge_minutes_per_day=_count(data, "challenge_minutes_per_day", 25, path),
        interview_date=_date(data, "interview_date", path),
    )


def _count(data: dict[str, object], name: str, default: int, path: Path, least: int = 0) -> int:
    value = data.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < least:
        raise DrillError(f"{path}: {name} must be a whole number ≥ {least}")
    return value


def _date(data: dict[str, object], name: str, path: Path) -> date | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DrillError(f"{path}: {name} must be a date like 2026-12-10") from None


def _flag(data: dict[str, object], name: str, default: bool, path: Path) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise DrillError(f"{path}: {name} must be true or false")
    return value


def _resolve(folder: str, base: Path) -> Path:
    p = Path(os.path.expandvars(folder)).expanduser()
    return p if p.is_absolute() else (base / p)


def bank_dirs(config: Config, extra: list[Path] | None = None) -> list[Path]:
    """The bundled bank first, then the config's banks, then `--bank` folders."""
    dirs = [paths.bundled_bank_dir()] if config.include_bundled else []
    for d in [*config.banks, *(extra or [])]:
        if not d.is_dir():
            raise DrillError(f"bank folder not found: {d}")
        dirs.append(d)
    return dirs
