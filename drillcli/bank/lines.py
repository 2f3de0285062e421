"""Line bookkeeping of parsed YAML (kept apart from yamlload so reading it does not import yaml)."""

from __future__ import annotations

from typing import Any

LINE_KEY = "__line__"


def strip_lines(value: Any) -> Any:
    """The same data without the line bookkeeping."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k not in (LINE_KEY, "__lines__")}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value


def line_of(mapping: Any, key: str | None = None) -> int:
    """Line of `key` in `mapping` (or of the mapping itself)."""
    if not isinstance(mapping, dict):
        return 0
    if key is not None:
        line = mapping.get("__lines__", {}).get(key)
        if line:
            return int(line)
    return int(mapping.get(LINE_KEY, 0))
