"""The fork server's side of starting a worker: a supervisor, a sandbox, the worker.

For each request the fork server (torch already imported) forks a **supervisor**. The supervisor
enters the sandbox's namespaces (level `namespaces`) and forks the **init** of the new PID namespace,
which builds the filesystem view and forks the **worker**; at the other levels the supervisor forks
the worker directly and becomes a child subreaper, so every orphan of the submission comes back to it.

    judge ── fork server ── supervisor ── init (PID 1) ── worker ── whatever the submission starts
                            (outside)     (namespaces only, inside)

The supervisor answers the judge with the worker's pid, the level and a pidfd of itself, then waits.
It ends everything it started, and then itself, when the judge closes the job pipe (a verdict, or the
judge died: the kernel closes its pipes whatever killed it), on SIGTERM (cancel; also its parent-death
signal), or when the worker ends. Each process sets a parent-death signal right after its fork. The
worker's exit status reaches the judge through a status pipe that the worker itself never holds.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import socket
import struct
import sys
import tempfile
from dataclasses import dataclass
from typing import Any

from drillcli.grader import isolation as iso

STATUS = struct.Struct("!i")


@dataclass
class Request:
    token: str
    forbidden: list[str]
    jobs_fd: int
    results_fd: int
    output_fd: int
    status_fd: int


def serve_forks(control: socket.socket, device: str, level: iso.Isolation, plan: iso.Plan) -> None:
    """The fork server's loop: one supervisor per request (reaped by the kernel: SIGCHLD ignored)."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 65536, 4)
        except OSError:
            return
        if not message or len(fds) != 4:
            return
        spec = json.loads(message)
        request = Request(str(spec["token"]), [str(e) for e in spec.get("forbidden", [])], *fds)
        me = os.getpid()
        if os.fork() == 0:
            try:
                _supervise(control, request, device, level, plan, me)
            finally:
                os._exit(0)
        for fd in fds:
            os.close(fd)


def _supervise(control: socket.socket, request: Request, device: str, level: iso.Isolation,
               plan: iso.Plan, fork_server: int) -> None:
    wake = _wake_on_signals()
    iso.die_with_parent(signal.SIGTERM, expected_parent=fork_server)
    work = None
    try:
        if level.level == iso.Level.NAMESPACES:
            iso.enter_namespaces()
        else:
            iso.become_subreaper()
            work = tempfile.mkdtemp(prefix="drill-work-")
    except OSError as exc:
        _reply(control, {"error": f"the sandbox could not be set up: {exc.strerror or exc}"})
        return
    child = os.fork()
    if child == 0:
        control.close()
        _forget_signals(wake)
        if level.level == iso.Level.NAMESPACES:
            _init(request, device, plan)
        else:
            _worker(request, device, level.level, work, plan)
        os._exit(0)
    _reply(control, {"pid": child, "level": str(level.level), "reason": level.reason})
    for fd in (request.results_fd, request.output_fd):
        os.close(fd)
    inside = level.level == iso.Level.NAMESPACES
    try:
        _watch(request, child, inside, wake)
    finally:
        _end_children(child, scan=not inside)
        if work:
            shutil.rmtree(work, ignore_errors=True)


def _wake_on_signals() -> int:
    """SIGTERM and SIGCHLD only write their number to a pipe that `_watch` polls (no exception can
    then cut the cleaning short)."""
    wake_r, wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.set_wakeup_fd(wake_w)
    for sig in (signal.SIGTERM, signal.SIGCHLD):
        signal.signal(sig, _note)
    return wake_r


def _forget_signals(wake: int) -> None:
    """In the supervisor's child: default signals, and neither end of the supervisor's wake pipe."""
    wake_w = signal.set_wakeup_fd(-1)
    for sig in (signal.SIGTERM, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)
    for fd in (wake, wake_w):
        with contextlib.suppress(OSError):
            os.close(fd)


def _note(signum: int, frame: Any) -> None:
    """Nothing: the wakeup pipe carries the news."""


def _reply(control: socket.socket, answer: dict[str, Any]) -> None:
    """The answer, with a pidfd of this supervisor where the kernel has them (Linux 5.3)."""
    data = json.dumps({**answer, "supervisor": os.getpid()}).encode("utf-8")
    try:
        fds = [os.pidfd_open(os.getpid())]
    except (OSError, AttributeError):
        fds = []
    try:
        socket.send_fds(control, [struct.pack("!I", len(data)) + data], fds)
    finally:
        for fd in fds:
            os.close(fd)
        control.close()


def _watch(request: Request, child: int, inside: bool, wake: int) -> None:
    """Until the judge closes the job pipe, SIGTERM comes (a cancel, or the fork server died) or
    the child ends (then, at the process levels, its status goes to the judge; inside namespaces
    the init sends it)."""
    watched = select.poll()
    watched.register(request.jobs_fd, 0)  # POLLHUP only: the judge's end is closed
    watched.register(wake, select.POLLIN)
    while True:
        for fd, _ in watched.poll():
            if fd == request.jobs_fd:
                return
            with contextlib.suppress(OSError):
                if signal.SIGTERM in os.read(wake, 512):
                    return
        done, status = os.waitpid(child, os.WNOHANG)
        if done:
            if not inside:
                _send_status(request.status_fd, status)
            return


def _send_status(fd: int, status: int) -> None:
    with contextlib.suppress(OSError):
        os.write(fd, STATUS.pack(os.waitstatus_to_exitcode(status)))


def _end_children(child: int, scan: bool) -> None:
    """SIGKILL the child, then (`scan`: at the process levels, where orphans of the submission
    reparent to us) every other child, until none is left. Inside namespaces killing the init is
    enough: the kernel ends the rest, and our /proc there is the sandbox's, not ours."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    me = os.getpid()
    with contextlib.suppress(OSError):
        os.kill(child, signal.SIGKILL)
    while True:
        for pid in _children_of(me) if scan else ():
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            return
        select.select([], [], [], 0.002)


def _children_of(parent: int) -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as stat:
                    data = stat.read()
                if int(data[data.rindex(b")") + 2:].split()[1]) == parent:
                    found.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return found


# ---- inside the namespaces -------------------------------------------------------------------------

def _init(request: Request, device: str, plan: iso.Plan) -> None:
    """PID 1: build the filesystem view, start the worker, reap orphans, report the worker's end."""
    iso.die_with_parent(signal.SIGKILL)
    try:
        iso.build_filesystem(plan)
    except OSError as exc:
        _complain(request.results_fd, f"the sandbox could not be set up: {exc.strerror or exc}")
        return
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1,
                signal.SIGUSR2, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_IGN)
    worker = os.fork()
    if worker == 0:
        _worker(request, device, iso.Level.NAMESPACES, iso.WORK_DIR)
        os._exit(0)
    iso.prctl(iso.PR_SET_DUMPABLE, 0)  # the submission cannot trace or patch its init
    for fd in (request.jobs_fd, request.results_fd, request.output_fd):
        os.close(fd)
    while True:
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            return
        if pid == worker:
            _send_status(request.status_fd, status)
            return  # the kernel now kills whatever else lives in the namespace


def _complain(results_fd: int, message: str) -> None:
    from drillcli.grader.wire import encode

    with contextlib.suppress(OSError):
        os.write(results_fd, encode({"type": "ready", "ok": False, "message": message}))


# ---- the worker ------------------------------------------------------------------------------------

def _worker(request: Request, device: str, level: iso.Level, work: str | None,
            plan: iso.Plan | None = None) -> None:
    from drillcli.grader.procs import TOKEN_VAR
    from drillcli.grader.worker import preinstall, serve, warm_device

    iso.die_with_parent(signal.SIGKILL)
    os.close(request.status_fd)  # the worker never reports its own end
    with contextlib.suppress(OSError):
        os.setsid()
    try:
        _confine(level, work, plan)
    except OSError as exc:
        _complain(request.results_fd, f"the sandbox could not be set up: {exc.strerror or exc}")
        return
    os.environ.update({TOKEN_VAR: request.token, "HOME": work or "/", "TMPDIR": work or "/tmp"})
    os.dup2(request.output_fd, 1)
    os.dup2(request.output_fd, 2)
    os.close(request.output_fd)
    warm_device(device)
    if request.forbidden:
        preinstall(request.forbidden)
    serve(request.jobs_fd, request.results_fd, device)
    sys.stdout.flush()


def _confine(level: iso.Level, work: str | None, plan: iso.Plan | None) -> None:
    if work:
        os.chdir(work)
    if level == iso.Level.NAMESPACES:
        iso.drop_privileges()  # and the network namespace holds only a loopback
        return
    if level == iso.Level.LANDLOCK:
        iso.restrict_with_landlock(work, plan)
        iso.block_network()  # probed with Landlock: where it fails, the level is the process one
    else:
        with contextlib.suppress(OSError):  # the last level: it grades even where seccomp is refused
            iso.block_network()
