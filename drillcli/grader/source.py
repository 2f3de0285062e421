"""Checks of the submission's source before any process starts: syntax and the entry point."""

from __future__ import annotations

import ast
from pathlib import Path


def syntax_problem(source: bytes, path: Path) -> str | None:
    try:
        compile(source, str(path), "exec", dont_inherit=True)
    except SyntaxError as exc:
        line = (exc.text or "").rstrip("\n")
        where = f"line {exc.lineno}, column {exc.offset}" if exc.lineno else "unknown line"
        shown = f"\n    {line.strip()}" if line.strip() else ""
        return f"{where}: {exc.msg}{shown}"
    except ValueError as exc:  # null bytes
        return f"line 1, column 1: {exc}"
    return None


def defines_entry(source: bytes, entry: str) -> bool:
    """Whether the module binds `entry` at top level (or might, through `import *` or `globals()`)."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            return True
        if isinstance(node, ast.Name) and node.id in ("globals", "exec", "setattr", "vars"):
            return True
    return any(_binds(node, entry) for node in tree.body)


def _binds(node: ast.stmt, name: str) -> bool:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node.name == name
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return any((a.asname or a.name.split(".")[0]) == name for a in node.names)
    if isinstance(node, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
        inner = [*getattr(node, "body", []), *getattr(node, "orelse", []),
                 *getattr(node, "finalbody", []), *[s for h in getattr(node, "handlers", [])
                                                     for s in h.body]]
        return any(_binds(child, name) for child in inner)
    return any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
               for n in ast.walk(node))
