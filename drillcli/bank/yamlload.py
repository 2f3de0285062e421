"""YAML with line numbers: PyYAML's C loader where present, each mapping remembering where it began."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from drillcli.bank.lines import LINE_KEY
from drillcli.errors import DrillError

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# A bank file is text someone typed: far below this. A larger one is refused before it is parsed.
MAX_YAML_BYTES = 8 * 1024 * 1024
ALIAS_REFUSED = "anchors and aliases (&name, *name) are not allowed in a bank; write the value out"


class _LineLoader(_Base):  # type: ignore[misc, valid-type]
    """Adds `__line__` (1-based) to every mapping; keys keep their own lines in `__lines__`.

    Aliases are refused: an alias makes the parser hand the same node over twice, and a few lines of them
    (a "billion laughs") would otherwise expand into gigabytes once the cards are copied and validated.
    """

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects or node in self.recursive_objects:
            raise yaml.constructor.ConstructorError(None, None, ALIAS_REFUSED, node.start_mark)
        return super().construct_object(node, deep=deep)

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
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise DrillError(f"{path}: {size / 2**20:.0f} MiB is too large for a bank file "
                             f"(at most {MAX_YAML_BYTES // 2**20} MiB; split it)")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DrillError(f"{path}: not UTF-8 text (byte {exc.start}: {exc.reason})") from None
    except OSError as exc:
        raise DrillError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a safe loader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = exc.problem or str(exc)
        raise YamlSyntaxError(path, line, f"invalid YAML: {reason}") from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(path, 1, f"invalid YAML: {exc}") from None
