"""The submission's process: `python -m drillcli.grader.worker --jobs FD --results FD --device D`.

Started by the judge (drillcli.grader.engine) in its own session, with stdout and stderr on a capped
pipe. It imports torch and warms up, says "ready", then takes one job: apply the limits, install the
forbidden-API guard, run the submission's module, then each case the judge sends, answering with the
outputs only. It never sees the expected values and never decides a verdict.
"""

from __future__ import annotations

import argparse
import ctypes
import errno
import importlib.util
import linecache
import os
import resource
import signal
import statistics
import sys
import time
import traceback
import types
from collections.abc import Callable
from typing import Any

from drillcli.grader.report import Verdict

FSIZE_LIMIT = 64 * 1024 * 1024
RESULT_LIMIT = 64 * 1024 * 1024  # the tensors of one answer, in bytes: more is output_limit
WORK_LIMIT_MB = 256
MESSAGE_LIMIT = 4000
_MEMORY_HINTS = ("can't allocate memory", "out of memory", "not enough memory", "bad_alloc",
                 "cannot allocate memory")


class Worker:
    def __init__(self, results_fd: int, device: str) -> None:
        self.results_fd = results_fd
        self.device = device
        self.path = "<submission>"
        self.entry: Any = None
        self.driver: types.ModuleType | None = None

    # ---- talking to the judge --------------------------------------------------------------------

    def send(self, message: dict[str, Any]) -> None:
        from drillcli.grader.wire import encode

        frame = encode(message)
        view = memoryview(frame)
        while view:
            view = view[os.write(self.results_fd, view):]

    # ---- one job ---------------------------------------------------------------------------------

    def load(self, job: dict[str, Any]) -> bool:
        """Limits, guard, driver, submission; tells the judge how it went."""
        from drillcli.grader import forbidden
        from drillcli.grader.sandbox import GUARD, watching

        self.path = job["path"]
        try:
            if tuple(job["forbidden"]) != PREINSTALLED:
                forbidden.install(job["forbidden"])
        except forbidden.UnknownEntry as exc:
            self.send({"type": "loaded", "ok": False, "kind": Verdict.INTERNAL_ERROR, "message": str(exc)})
            return False
        GUARD.on_violation = lambda name: self.send({"type": "violation", "name": name})
        if job.get("driver_path"):
            self.driver = _import_file("drill_driver", job["driver_path"], job.get("driver_source"))
        _apply_limits(job)
        try:
            with watching():
                module = _import_file("submission", self.path, job["source"])
        except BaseException as exc:  # noqa: BLE001 - the submission may raise anything
            self.send({"type": "loaded", "ok": False,
                       **self.describe_error(exc, "while the file was imported")})
            return False
        return self.find_entry(module, job["entry"], job.get("kind", "function"))

    def find_entry(self, module: types.ModuleType, name: str, kind: str) -> bool:
        entry = getattr(module, name, None)
        problem = ""
        if entry is None:
            problem = f"no top-level `{name}` after running the file"
        elif kind == "class" and not isinstance(entry, type):
            problem = f"`{name}` must be a class, got {type(entry).__name__}"
        elif not callable(entry):
            problem = f"`{name}` must be a function, got {type(entry).__name__}"
        if problem:
            self.send({"type": "loaded", "ok": False, "kind": Verdict.MISSING_ENTRY_POINT,
                       "message": problem})
            return False
        self.entry = entry
        self.send({"type": "loaded", "ok": True})
        return True

    def run_case(self, case: dict[str, Any]) -> None:
        from drillcli.grader.wire import plain

        args, kwargs = self.to_device(list(case["args"])), self.to_device(dict(case["kwargs"]))
        try:
            output, grads, grad_error = self.call(case, args, kwargs)
        except BaseException as exc:  # noqa: BLE001
            self.send({"type": "result", "i": case["i"], "ok": False, **self.describe_error(exc)})
            return
        answer = {
            "type": "result", "i": case["i"], "ok": True,
            "output": plain(output), "args_after": plain(tuple(args)),
            "kwargs_after": plain(kwargs), "grads": plain(grads), "grad_error": grad_error,
        }
        size = tensor_bytes(answer)
        if size > RESULT_LIMIT:
            answer = {"type": "result", "i": case["i"], "ok": False, "kind": Verdict.OUTPUT_LIMIT,
                      "message": f"the output is {size / 2**20:.0f} MiB; "
                                 f"the limit is {RESULT_LIMIT // 2**20} MiB per test"}
        self.send(answer)

    def call(self, case: dict[str, Any], args: list[Any], kwargs: dict[str, Any]
             ) -> tuple[Any, tuple[Any, ...], str]:
        from drillcli.grader.sandbox import trusted, watching

        driver = case["driver"]
        if driver == "vjp":
            return self.vjp(case, args, kwargs)
        fn = self.entry if driver == "call" else self.driver_function(driver)
        call_args = args if driver == "call" else [self.entry, *args]
        with watching():
            output = fn(*call_args, **kwargs)
        with trusted():
            self.synchronize()
        return output, (), ""

    def vjp(self, case: dict[str, Any], args: list[Any], kwargs: dict[str, Any]
            ) -> tuple[Any, tuple[Any, ...], str]:
        import torch

        from drillcli.grader.sandbox import trusted, watching

        wrt = list(case["wrt"])
        inputs = [args[i].detach().clone().requires_grad_(True) for i in wrt]
        for i, leaf in zip(wrt, inputs):
            args[i] = leaf.clone()  # not a leaf: an in-place change is judged, not refused
        with watching():
            output = self.entry(*args, **kwargs)
        with trusted():
            if not isinstance(output, torch.Tensor) or not output.requires_grad:
                return output, (), "the output is not connected to the inputs by autograd"
            grad_out = self.to_device(case["grad_out"])
            try:
                grads = torch.autograd.grad(output, inputs, grad_out, allow_unused=True)
                self.synchronize()
            except RuntimeError as exc:
                return output, (), f"backpropagating through the output failed: {_short(str(exc), 300)}"
        return output, tuple(grads), ""

    def driver_function(self, name: str) -> Callable[..., Any]:
        fn = getattr(self.driver, name, None) if self.driver is not None else None
        if fn is None:
            raise LookupError(f"the challenge's driver.py has no function {name!r}")
        return fn  # type: ignore[no-any-return]

    def time_calls(self, request: dict[str, Any]) -> None:
        """Median seconds per call of the submission and of the reference, case by case."""
        from drillcli.grader.sandbox import trusted

        try:
            with trusted():
                reference = _import_file("reference", request["reference_path"],
                                         request.get("reference_source"))
                ref_entry = getattr(reference, request["entry"])
                timings = [self.time_one(ref_entry, c, request["repeats"]) for c in request["cases"]]
            self.send({"type": "timing", "ok": True, "timings": timings})
        except BaseException as exc:  # noqa: BLE001
            self.send({"type": "timing", "ok": False, "message": repr(exc)[:200]})

    def time_one(self, ref_entry: Callable[..., Any], case: dict[str, Any], repeats: int
                 ) -> tuple[float, float]:
        args, kwargs = self.to_device(list(case["args"])), self.to_device(dict(case["kwargs"]))
        sub, ref = [], []
        for _ in range(repeats):
            sub.append(self.timed(self.entry, args, kwargs))
            ref.append(self.timed(ref_entry, args, kwargs))
        return statistics.median(sub), statistics.median(ref)

    def timed(self, fn: Callable[..., Any], args: list[Any], kwargs: dict[str, Any]) -> float:
        fresh = self.to_device([a.clone() if hasattr(a, "clone") else a for a in args])
        start = time.perf_counter()
        fn(*fresh, **kwargs)
        self.synchronize()
        return time.perf_counter() - start

    # ---- helpers -----------------------------------------------------------------------------------

    def to_device(self, value: Any) -> Any:
        import torch

        if isinstance(value, torch.Tensor):
            return value.to(self.device) if self.device != "cpu" else value
        if isinstance(value, list):
            return [self.to_device(v) for v in value]
        if isinstance(value, tuple):
            return tuple(self.to_device(v) for v in value)
        if isinstance(value, dict):
            return {k: self.to_device(v) for k, v in value.items()}
        return value

    def synchronize(self) -> None:
        if self.device == "cuda":
            import torch

            torch.cuda.synchronize()

    def describe_error(self, exc: BaseException, during: str = "") -> dict[str, Any]:
        from drillcli.grader.sandbox import ForbiddenCall

        if isinstance(exc, ForbiddenCall):
            return {"kind": Verdict.FORBIDDEN, "message": str(exc)}
        if _is_memory_error(exc):
            return {"kind": Verdict.MEMORY_LIMIT, "message": _short(f"{type(exc).__name__}: {exc}")}
        if isinstance(exc, OSError) and exc.errno == errno.EFBIG:
            return {"kind": Verdict.OUTPUT_LIMIT,
                    "message": f"a file written grew past {FSIZE_LIMIT // 2**20} MiB"}
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return {"kind": Verdict.OUTPUT_LIMIT,
                    "message": "the files written filled the working folder "
                               f"({WORK_LIMIT_MB} MiB in all)"}
        if isinstance(exc, SystemExit):
            return {"kind": Verdict.RUNTIME_ERROR,
                    "message": f"the submission called sys.exit({exc.code!r}) {during}".strip()}
        return {"kind": Verdict.RUNTIME_ERROR, "message": user_traceback(exc, self.path)}


def tensor_bytes(value: Any) -> int:
    """The bytes of every tensor in a plain value (what the frame would carry)."""
    import torch

    if isinstance(value, torch.Tensor):
        return value.numel() * value.element_size()
    if isinstance(value, (list, tuple)):
        return sum(tensor_bytes(v) for v in value)
    if isinstance(value, dict):
        return sum(tensor_bytes(v) for v in value.values())
    return 0


def _is_memory_error(exc: BaseException) -> bool:
    if isinstance(exc, MemoryError):
        return True
    if type(exc).__name__ == "OutOfMemoryError":
        return True
    text = str(exc).lower() if isinstance(exc, RuntimeError) else ""
    return any(hint in text for hint in _MEMORY_HINTS)


def _short(text: str, limit: int = MESSAGE_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 20] + " ... (cut)"


def user_traceback(exc: BaseException, path: str) -> str:
    """The traceback cut to the submission's own lines, then the exception itself."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == path]
    lines = ["Traceback (your code, most recent call last):"] if frames else []
    name = os.path.basename(path)
    for frame in frames[-20:]:
        lines.append(f'  File "{name}", line {frame.lineno}, in {frame.name}')
        if frame.line:
            lines.append(f"    {frame.line.strip()}")
    try:
        last = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    except Exception:  # noqa: BLE001 - a broken __str__
        last = type(exc).__name__
    lines.append(_short(last, 1500))
    return "\n".join(lines)


def _import_file(name: str, path: str, source: str | None) -> types.ModuleType:
    """Run a file as module `name` (registered, so dataclasses and pickling work)."""
    if source is None:
        with open(path, encoding="utf-8") as handle:
            source = handle.read()
    linecache.cache[path] = (len(source), None, source.splitlines(True), path)
    code = compile(source, path, "exec")
    spec = importlib.util.spec_from_loader(name, loader=None, origin=path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    module.__file__ = path
    sys.modules[name] = module
    exec(code, module.__dict__)
    return module


def _apply_limits(job: dict[str, Any]) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (FSIZE_LIMIT, FSIZE_LIMIT))
    cpu = int(job["cpu_limit_s"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    if job["device"] == "cpu" and job.get("memory_limit_mb"):
        limit = _mapped_bytes() + int(job["memory_limit_mb"]) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _mapped_bytes() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _die_with_parent(parent: int | None = None) -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if parent is not None and os.getppid() != parent:
        os._exit(1)  # the judge died before the signal was armed


def _warm_up(device: str, threads: int, *, in_zygote: bool) -> None:
    import torch

    from drillcli.grader import forbidden, launch, wire  # noqa: F401 - imported once, before any fork

    torch.set_num_threads(threads)
    forbidden.prepare()
    x = torch.randn(64, 64, requires_grad=True)
    (x @ x).softmax(-1).sum().backward()
    y = (x.double() - x.double().amax(-1, keepdim=True)).exp()
    torch.autograd.grad(y, [x], torch.ones_like(y))  # imports what grad_outputs pulls in (sympy)
    if not in_zygote:  # a CUDA context does not survive fork: each forked worker makes its own
        warm_device(device)


def warm_device(device: str) -> None:
    """Initialise the device (a CUDA context and a kernel run) before the worker says "ready"."""
    import torch

    if device == "cuda":
        y = torch.randn(256, 256, device="cuda")
        (y @ y).sum().item()
        torch.cuda.synchronize()
    elif device == "mps":
        torch.ones(4, device="mps").sum().item()


def serve(jobs_fd: int, results_fd: int, device: str) -> None:
    """One job: wait for it, load the submission, answer every case, then timing requests."""
    from drillcli.grader.wire import read_blocking

    worker = Worker(results_fd, device)
    worker.send({"type": "ready", "pid": os.getpid()})
    job = read_blocking(jobs_fd)
    try:
        if job is None or not worker.load(job):
            return
    except Exception:  # noqa: BLE001 - a bug of ours, outside the submission's code
        worker.send({"type": "loaded", "ok": False, "kind": Verdict.INTERNAL_ERROR,
                     "message": _short(traceback.format_exc())})
        return
    for case in job["cases"]:
        worker.run_case(case)
    while True:
        message = read_blocking(jobs_fd)
        if message is None or message["type"] == "bye":
            return
        if message["type"] == "time":
            worker.time_calls(message)


def zygote(control_fd: int, device: str, strongest: str, plan_json: str) -> None:
    """Fork server: torch is imported once here; each request forks a sandboxed worker
    (drillcli.grader.launch). Before the first, it finds the strongest sandbox level that works and
    tells the judge, with its "ready"."""
    import gc
    import json
    import socket

    from drillcli.grader import isolation as iso
    from drillcli.grader.launch import serve_forks

    control = socket.socket(fileno=control_fd)
    level, why = iso.requested_level(strongest)
    plan = iso.Plan(**json.loads(plan_json)) if plan_json else iso.Plan()
    found = iso.probe(level, why, plan)
    gc.collect()
    gc.freeze()  # forks' collections skip torch's objects, so their pages stay shared
    answer = json.dumps({"level": str(found.level), "reason": found.reason}).encode("utf-8")
    control.sendall(b"R" + len(answer).to_bytes(4, "big") + answer)
    serve_forks(control, device, found, plan)


# The forbidden set a forked worker installed before saying "ready" (the pool's guess of the next job).
PREINSTALLED: tuple[str, ...] = ()


def preinstall(entries: list[str]) -> None:
    global PREINSTALLED
    from drillcli.grader import forbidden

    try:
        forbidden.install(entries)
        PREINSTALLED = tuple(entries)
    except forbidden.UnknownEntry:
        pass  # reported properly when the job comes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="drillcli.grader.worker")
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--results", type=int)
    parser.add_argument("--zygote", type=int, help="control socket: run as a fork server")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--parent", type=int, help="the judge's pid (exit at once if it is gone)")
    parser.add_argument("--die-with-parent", action="store_true", help="set a parent-death signal")
    parser.add_argument("--isolation", default="", help="the strongest sandbox level to try")
    parser.add_argument("--plan", default="", help="JSON: folders to hide and to keep visible")
    options = parser.parse_args(argv)
    if options.die_with_parent or options.zygote is None:
        _die_with_parent(options.parent)
    elif options.parent is not None and os.getppid() != options.parent:
        os._exit(1)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    _warm_up(options.device, options.threads, in_zygote=options.zygote is not None)
    if options.zygote is not None:
        zygote(options.zygote, options.device, options.isolation, options.plan)
    else:
        serve(options.jobs, options.results, options.device)
        sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
