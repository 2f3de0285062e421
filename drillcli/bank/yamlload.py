"""YAML with line numbers: PyYAML's C loader where present, each mapping remembering where it began."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from drillcli.bank.lines import LINE_KEY
from drillcli.errors import DrillError

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)



class _LineLoader(_Base):  # type: ignore[misc, valid-type]
    """Adds `__line__` (1-based) to every mapping; keys keep their own lines in `__lines__`."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[str, Any]:
        mapping: dict[str, Any] = super().construct_mapping(node, deep=deep)
        mapping[LINE_KEY] = node.start_mark.line + 1
        mapping["__lines__"] = {
            str(key.value): key.start_mark.line + 1 for key, _ in node.value if hasattr(key, "value")
        }
        return mapping


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping
)


class YamlSyntaxError(DrillError):
    def __init__(self, path: Path, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.reason = path, line, message


def load_yaml(path: Path) -> Any:
    """Parse one file; a syntax error becomes `YamlSyntaxError` naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DrillError(f"{path}: cannot read: {exc}") from None
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a safe loader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = exc.problem or str(exc)
        raise YamlSyntaxError(path, line, f"invalid YAML: {reason}") from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(path, 1, f"invalid YAML: {exc}") from None
