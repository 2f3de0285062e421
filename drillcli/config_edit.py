"""Writing one setting into `config.toml` while keeping everything else the user wrote (other keys,
comments, blank lines, order). Only top-level keys with a plain value are written."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

from drillcli import paths
from drillcli.errors import DrillError


def set_setting(name: str, toml_value: str, path: Path | None = None) -> Path:
    """Set the top-level key `name` to `toml_value` (already TOML, e.g. `2026-12-10` or `"x"`).

    An existing `name = ...` line is replaced, keeping its trailing comment; else the line goes before the
    first table (`[section]`), where a top-level key must be. The file is replaced in one rename.
    """
    path = path or paths.config_path()
    old = _read(path)
    new = with_setting(old, name, toml_value)
    try:
        tomllib.loads(new)
    except tomllib.TOMLDecodeError as exc:  # the user's file was already broken, or the value is bad
        raise DrillError(f"{path}: cannot set {name}: {exc}") from None
    _write(path, new)
    return path


def with_setting(text: str, name: str, toml_value: str) -> str:
    """`text` with `name = toml_value` set (the pure part of `set_setting`)."""
    lines = text.splitlines(keepends=True)
    key = re.compile(rf"^\s*{re.escape(name)}\s*=")
    table = re.compile(r"^\s*\[")
    for i, line in enumerate(lines):
        if table.match(line):
            break
        if key.match(line):
            lines[i] = f"{name} = {toml_value}{_comment(line)}\n"
            return "".join(lines)
    at = next((i for i, line in enumerate(lines) if table.match(line)), len(lines))
    if at and not lines[at - 1].endswith("\n"):
        lines[at - 1] += "\n"
    lines.insert(at, f"{name} = {toml_value}\n")
    return "".join(lines)


def _comment(line: str) -> str:
    """The trailing `# ...` of a simple `key = value` line ("" when none or when unsure)."""
    value = line.split("=", 1)[1]
    if '"' in value or "'" in value or "#" not in value:
        return ""
    return "  " + value[value.index("#"):].rstrip("\n")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8") if path.is_file() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise DrillError(f"{path}: cannot read: {exc}") from None


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DrillError(f"cannot write {path}: {exc.strerror or exc}") from None
