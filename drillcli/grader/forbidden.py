"""The forbidden-API vocabulary of `challenge.yaml` (see docs/grader.md) and its enforcement.

Runs in the submission's process. Each entry resolves to objects; every alias of those objects in the
scanned namespaces, and every function of the same op family there (`softmax`, `_softmax`,
`special_softmax`, ...), is forbidden too. Enforcement is twofold, both inert unless `GUARD.armed`:

- every alias that can be rebound is replaced by a wrapper that records the call and raises;
- a `TorchFunctionMode` checks each torch function the submission reaches (aliases that cannot be
  rebound, such as `torch._C.TensorBase.softmax`, and routes the wrappers do not see).
"""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import importlib
import sys
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import torch
from torch.overrides import TorchFunctionMode

from drillcli.grader.sandbox import GUARD

# Where aliases are looked for, nicest name first.
SCANNED = (
    "torch.nn.functional", "torch", "torch.Tensor", "torch.special", "torch.linalg",
    "torch._C._VariableFunctions", "torch._C._nn", "torch._C._special", "torch._C._linalg",
    "torch._C.TensorBase",
)
FAMILY_PREFIXES = ("", "_", "native_", "special_", "linalg_")
FAMILY_SUFFIXES = ("", "_", "_loss")
AUTOGRAD_WORDS = frozenset({"autograd", "torch.autograd"})
AUTOGRAD_FUNCTIONS = (
    "torch.Tensor.backward", "torch.autograd.backward", "torch.autograd.grad",
    "torch.autograd.graph._engine_run_backward",
    "torch.autograd.functional.vjp", "torch.autograd.functional.jvp",
    "torch.autograd.functional.jacobian", "torch.autograd.functional.hessian",
    "torch.autograd.functional.hvp", "torch.autograd.functional.vhp",
    # forward-mode AD: tangents through make_dual/unpack_dual give derivatives too
    "torch.autograd.forward_ad.make_dual", "torch.autograd.forward_ad.unpack_dual",
)


class UnknownEntry(ValueError):
    """A `forbidden` entry that names nothing in this torch."""


@dataclass
class Resolved:
    """Objects to forbid (object -> shown name) and classes whose construction is forbidden."""

    functions: dict[Any, str] = field(default_factory=dict)
    classes: dict[type, str] = field(default_factory=dict)
    autograd: bool = False
    # Modules (and their submodules) whose globals may hold aliases worth rebinding.
    modules: set[str] = field(default_factory=set)

    def add_function(self, obj: Any, name: str) -> None:
        with contextlib.suppress(TypeError):  # unhashable: cannot be matched by identity
            self.functions.setdefault(obj, name)


def resolve(entries: Iterable[str]) -> Resolved:
    """Turn the `forbidden` list into objects. Raises `UnknownEntry` for a name that is not there."""
    out = Resolved()
    for entry in entries:
        _resolve_entry(entry.strip(), out)
    _add_aliases(out)
    return out


def _resolve_entry(entry: str, out: Resolved) -> None:
    if entry in AUTOGRAD_WORDS:
        out.autograd = True
        for path in AUTOGRAD_FUNCTIONS:
            out.add_function(_lookup(path), path)
        _add_module_members("torch.func", out, only_functions=True)
        for base in ("make_dual", "unpack_dual"):  # torch._make_dual, torch._unpack_dual
            _add_family(base, out)
        out.modules.update({"torch.autograd", "torch.func"})
        return
    if "*" in entry or "?" in entry:
        _resolve_pattern(entry, out)
        return
    obj = _lookup(entry)
    if isinstance(obj, types.ModuleType):
        _add_module_members(obj.__name__, out)
        out.modules.add(obj.__name__)
    elif isinstance(obj, type):
        out.classes.setdefault(obj, entry)
    else:
        out.add_function(obj, entry)
        _add_family(entry.rsplit(".", 1)[-1], out)
        _add_home_modules(entry, obj, out)


def _add_home_modules(entry: str, obj: Any, out: Resolved) -> None:
    """Where a Python-level function lives and is re-exported (`torch.nn.utils.clip_grad`), so that
    aliases there are rebound too; `torch` itself is scanned anyway."""
    parent = entry.rsplit(".", 1)[0]
    for module in (parent, getattr(obj, "__module__", None)):
        if isinstance(module, str) and module.startswith("torch.") and module in sys.modules:
            out.modules.add(module)


def _resolve_pattern(entry: str, out: Resolved) -> None:
    parent_path, pattern = entry.rsplit(".", 1)
    parent = _lookup(parent_path)
    names = [n for n in dir(parent) if fnmatch.fnmatchcase(n, pattern)]
    if not names:
        raise UnknownEntry(f"forbidden entry {entry!r} matches nothing")
    for name in names:
        _resolve_entry(f"{parent_path}.{name}", out)


def _lookup(path: str) -> Any:
    parts = path.split(".")
    if parts[0] != "torch":
        raise UnknownEntry(f"forbidden entry {path!r} must start with 'torch.'")
    obj: Any = torch
    for i, part in enumerate(parts[1:], start=1):
        if not hasattr(obj, part) and isinstance(obj, types.ModuleType):
            with contextlib.suppress(ImportError):
                importlib.import_module(".".join(parts[: i + 1]))
        if not hasattr(obj, part):
            raise UnknownEntry(f"forbidden entry {path!r}: no {'.'.join(parts[: i + 1])}")
        obj = getattr(obj, part)
    return obj


def _add_module_members(module_name: str, out: Resolved, only_functions: bool = False) -> None:
    importlib.import_module(module_name)
    for name, module in list(sys.modules.items()):
        if name != module_name and not name.startswith(module_name + "."):
            continue
        for attr, value in list(vars(module).items()):
            if getattr(value, "__module__", "") is None or attr.startswith("__"):
                continue
            if not str(getattr(value, "__module__", "")).startswith(module_name):
                continue
            if isinstance(value, type):
                if not only_functions and not attr.startswith("_"):
                    out.classes.setdefault(value, f"{name}.{attr}")
            elif callable(value):
                out.add_function(value, f"{name}.{attr}")


_INDEX: list[tuple[str, Any, list[tuple[str, Any]]]] = []


def prepare() -> None:
    """Index the scanned namespaces once (the fork server does it before any submission)."""
    if _INDEX:
        return
    for path in SCANNED:
        try:
            ns = _lookup(path)
        except UnknownEntry:
            continue
        members = []
        for name in dir(ns):
            try:
                members.append((name, getattr(ns, name)))
            except Exception:  # noqa: S112 - attributes that raise on access
                continue
        _INDEX.append((path, ns, members))


def _namespaces() -> list[tuple[str, Any]]:
    prepare()
    return [(path, ns) for path, ns, _ in _INDEX]


def _add_family(base: str, out: Resolved) -> None:
    """Functions of the same op under other names: `_softmax`, `special_softmax`, `softmax_`..."""
    stem = base.strip("_")
    for prefix_name in ("special_", "linalg_"):
        stem = stem.removeprefix(prefix_name)
    names = {f"{p}{stem}{s}" for p in FAMILY_PREFIXES for s in FAMILY_SUFFIXES}
    for ns_path, ns in _namespaces():
        for name in names:
            value = getattr(ns, name, None)
            if callable(value) and not isinstance(value, type):
                out.add_function(value, f"{ns_path}.{name}")


def _add_aliases(out: Resolved) -> None:
    """Any attribute of a scanned namespace that is one of the forbidden objects."""
    prepare()
    for ns_path, _, members in _INDEX:
        for name, value in members:
            try:
                if value in out.functions:
                    out.functions.setdefault(value, f"{ns_path}.{name}")
            except TypeError:  # unhashable
                continue


class _ForbiddenMode(TorchFunctionMode):
    def __init__(self, functions: dict[Any, str]) -> None:
        super().__init__()
        self.functions = functions
        self.op_names = _op_names(functions)

    def __torch_function__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        if GUARD.armed:
            try:
                name = self.functions.get(func)
            except TypeError:
                name = None
            aten = _aten_name(func)
            if name is None and aten is not None and _plain(aten) & self.op_names:
                name = f"torch.ops.aten.{aten}"
            if name is not None:
                GUARD.violation(name)
        return func(*args, **(kwargs or {}))


def _op_names(functions: dict[Any, str]) -> frozenset[str]:
    """Base names of the forbidden ops, to catch the same op called as `torch.ops.aten.<name>`."""
    names = set()
    for shown in functions.values():
        if "autograd" in shown or shown.startswith("torch.func"):
            continue
        base = shown.rsplit(".", 1)[-1]
        names.add(base)
        names.add(base.removeprefix("special_").removeprefix("linalg_"))
    return frozenset(names)


def _plain(aten: str) -> set[str]:
    """An aten op's name as called and without the namespace prefixes the same op is also exported under
    (`special_log_softmax` is `log_softmax`)."""
    return {aten, aten.removeprefix("special_").removeprefix("linalg_")}


def _aten_name(func: Any) -> str | None:
    """`_softmax` for `torch.ops.aten._softmax` or `torch.ops.aten._softmax.default`; None otherwise."""
    qualified = getattr(func, "_qualified_op_name", None)
    if qualified is None:
        schema = getattr(func, "_schema", None)
        qualified = getattr(schema, "name", None)
    if not isinstance(qualified, str) or not qualified.startswith("aten::"):
        return None
    return qualified.split("::", 1)[1]


def install(entries: Iterable[str]) -> Resolved:
    """Resolve `entries` and enforce them for the rest of this process's life."""
    resolved = resolve(entries)
    if not resolved.functions and not resolved.classes:
        return resolved
    _patch_aliases(resolved)
    for cls, name in resolved.classes.items():
        _patch_class(cls, name)
    if resolved.autograd:
        _guard_engine()
    mode = _ForbiddenMode(resolved.functions)
    mode.__enter__()
    return resolved


def _guarded(original: Callable[..., Any], name: str) -> Callable[..., Any]:
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if GUARD.armed:
            GUARD.violation(name)
        return original(*args, **kwargs)

    with contextlib.suppress(AttributeError, TypeError):
        functools.update_wrapper(guarded, original)
    return guarded


def _patch_aliases(resolved: Resolved) -> None:
    prepare()
    # dir()-based for the scanned namespaces (torch.Tensor inherits its methods from TensorBase)
    targets = [(path, ns, members) for path, ns, members in _INDEX]
    prefixes = tuple(resolved.modules)
    targets += [(n, m, _members(m)) for n, m in list(sys.modules.items())
                if prefixes and n.startswith(prefixes)]
    for ns_path, ns, members in targets:
        for name, value in members:
            try:
                shown = resolved.functions.get(value)
            except TypeError:
                continue
            if shown is None:
                continue
            with contextlib.suppress(AttributeError, TypeError):  # read-only: the mode covers it
                setattr(ns, name, _guarded(value, f"{ns_path}.{name}"))


def _members(ns: Any) -> list[tuple[str, Any]]:
    try:
        return list(vars(ns).items())
    except TypeError:  # no __dict__ (torch._C._VariableFunctions): its attributes are read-only
        return []


def _patch_class(cls: type, name: str) -> None:
    original = cls.__init__  # type: ignore[misc]

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if GUARD.armed:
            GUARD.violation(name)
        original(self, *args, **kwargs)

    with contextlib.suppress(AttributeError, TypeError):  # built-in types refuse
        cls.__init__ = __init__  # type: ignore[misc]


def _guard_engine() -> None:
    """Every route to a backward pass ends in the engine's `run_backward`."""
    from torch.autograd.variable import Variable

    engine = Variable._execution_engine
    run_backward = _guarded(engine.run_backward, "torch.autograd (backward pass)")

    class EngineProxy:
        def __getattr__(self, attr: str) -> Any:
            return run_backward if attr == "run_backward" else getattr(engine, attr)

    Variable._execution_engine = EngineProxy()  # type: ignore[assignment]
