"""A challenge's `signature` compared with the `def`/`class` its starter and reference write (ast only).

The yaml writes a function as `name(params) -> ret` (a leading `def ` is allowed) and a class as
`class Name(Base):  # Name(init params); method(params) -> ret; attr: type`, the constructor and methods
in the comment. Parameters are compared by name, kind (positional, *args, keyword-only, **kwargs), order
and default value; annotations are documentation and not compared.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

_CALL = re.compile(r"^\s*([A-Za-z_]\w*)\s*\((.*)\)\s*(->.*)?$", re.DOTALL)


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # "positional", "*", "keyword", "**"
    default: object = None  # the default's value (a literal) or its source text; None: no default

    def __str__(self) -> str:
        prefix = {"*": "*", "**": "**"}.get(self.kind, "")
        return f"{prefix}{self.name}" + ("" if self.default is None else f"={self.default!r}")


Params = tuple[Param, ...]


class SignatureError(ValueError):
    """The yaml `signature` cannot be read."""


def expected_callables(signature: str, kind: str, entry: str) -> dict[str, Params]:
    """What the signature promises: `{"": entry's params}` for a function; for a class, `{"__init__":
    ..., method: ...}` for each call written in its comment. Raises `SignatureError`."""
    text = signature.strip()
    if kind == "class":
        return _class_callables(text, entry)
    text = text.removeprefix("def ").strip()
    match = _CALL.match(text)
    if not match or match.group(1) != entry:
        raise SignatureError(f"signature {signature!r} is not of the form `{entry}(...)`")
    return {"": _params_of(f"{entry}({match.group(2)})")}


def _class_callables(text: str, entry: str) -> dict[str, Params]:
    header, _, comment = text.partition("#")
    if not re.match(rf"^class\s+{re.escape(entry)}\b", header.strip()):
        raise SignatureError(f"signature {text!r} does not start with `class {entry}`")
    found: dict[str, Params] = {}
    for part in comment.split(";"):
        match = _CALL.match(part.strip())
        if not match:
            continue  # an attribute, e.g. `fc1, fc2: nn.Linear`
        name = "__init__" if match.group(1) == entry else match.group(1)
        found[name] = _params_of(f"{match.group(1)}({match.group(2)})")
    return found


def _params_of(call: str) -> Params:
    try:
        tree = ast.parse(f"def {call}: ...")
    except SyntaxError as exc:
        raise SignatureError(f"cannot read `{call}`: {exc.msg}") from None
    func = tree.body[0]
    assert isinstance(func, ast.FunctionDef)
    return _params(func.args)


def _params(args: ast.arguments, drop_first: bool = False) -> Params:
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += list(args.defaults)
    out = [Param(a.arg, "positional", _value(d)) for a, d in zip(positional, defaults)]
    if drop_first:
        out = out[1:]
    if args.vararg:
        out.append(Param(args.vararg.arg, "*"))
    out += [Param(a.arg, "keyword", _value(d)) for a, d in zip(args.kwonlyargs, args.kw_defaults)]
    if args.kwarg:
        out.append(Param(args.kwarg.arg, "**"))
    return tuple(out)


def _value(node: ast.expr | None) -> object:
    if node is None:
        return None
    try:
        value = ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        return ast.unparse(node)
    return "None" if value is None else value  # a default of None is still a default


def defined_callables(source: str, kind: str, entry: str) -> dict[str, Params] | None:
    """The params of the top-level `def entry` (key "") or of `class entry`'s methods; None when the
    file has no such top-level definition. Raises `SyntaxError`."""
    for node in ast.parse(source).body:
        if kind == "class" and isinstance(node, ast.ClassDef) and node.name == entry:
            return {item.name: _params(item.args, drop_first=not _is_static(item))
                    for item in node.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))}
        if kind != "class" and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                and node.name == entry:
            return {"": _params(node.args)}
    return None


def _is_static(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in func.decorator_list)


def signature_mismatches(signature: str, kind: str, entry: str, path: Path) -> list[str]:
    """How `path`'s definition of `entry` differs from the yaml `signature` ([] when it agrees)."""
    expected = expected_callables(signature, kind, entry)
    try:
        found = defined_callables(path.read_text(encoding="utf-8"), kind, entry)
    except SyntaxError as exc:
        return [f"cannot be parsed (line {exc.lineno}: {exc.msg})"]
    what = f"class {entry}" if kind == "class" else f"def {entry}"
    if found is None:
        return [f"has no top-level `{what}`"]
    problems = []
    for name, params in expected.items():
        shown = entry if name == "" else (f"{entry}(...)" if name == "__init__" else f"{entry}.{name}")
        if name not in found:
            problems.append(f"defines no `{shown}`" if name != "__init__"
                            else f"defines no __init__ for `{shown}`")
        elif found[name] != params:
            problems.append(f"`{shown}` takes ({_show(found[name])}); the signature says "
                            f"({_show(params)})")
    return problems


def _show(params: Params) -> str:
    return ", ".join(map(str, params))
