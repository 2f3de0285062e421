"""The file the user edits, and the copies of what was graded."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path

from drillcli import paths
from drillcli.bank.challenges import Challenge
from drillcli.errors import DrillError


def workspace_file(challenge: Challenge, fresh: bool) -> tuple[Path, bool]:
    """The file the user edits; (path, resumed) where resumed means earlier work was kept."""
    folder = paths.workspace_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{challenge.id}.py"
        starter = challenge.starter_path.read_bytes()
        if fresh or not path.exists():
            if path.exists() and path.read_bytes() != starter:  # --fresh: the earlier work is kept first
                keep_copy(challenge.id, path.read_bytes())
            path.write_bytes(starter)
            return path, False
        return path, path.read_bytes() != starter
    except OSError as exc:
        raise DrillError(f"cannot write the workspace {folder}: {exc.strerror or exc}") from None


def read_source(path: Path) -> bytes | None:
    """The file's bytes; None while it is missing (an editor that saves by renaming)."""
    try:
        return path.read_bytes()
    except OSError:
        return None


def digest(source: bytes | None) -> str:
    return hashlib.sha1(source).hexdigest() if source is not None else ""


def keep_copy(challenge_id: str, source: bytes) -> Path:
    """A copy of what is graded, under attempts/, so history shows the code and not only the verdict."""
    folder = paths.attempts_dir() / challenge_id
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    target = folder / f"{stamp}.py"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source)
    except OSError as exc:
        raise DrillError(f"cannot keep a copy of the attempt in {folder}: {exc.strerror or exc}") from None
    return target
