"""Starting the submission's process and making sure nothing of it survives.

The judge makes itself a child subreaper (Linux), so a process the submission detaches (double fork,
`setsid`) is reparented to the judge instead of init. Every worker carries a token in its environment
that its descendants inherit; `kill_tree` kills the worker's process group, every descendant found
through /proc, and every process carrying the token, then reaps what became the judge's child.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

TOKEN_VAR = "DRILL_GRADER_TOKEN"
PR_SET_CHILD_SUBREAPER = 36
_subreaper_done = False


def become_subreaper() -> None:
    """Orphans of the submission reparent to us (once per process; a no-op where unsupported)."""
    global _subreaper_done
    if _subreaper_done or not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    _subreaper_done = True


class ForkedChild:
    """`Popen`'s waiting half for a worker forked by the zygote and reparented to us."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                done, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # not reparented yet, or not ours: look in /proc
                if not os.path.exists(f"/proc/{self.pid}"):
                    self.returncode = 0
                return self.returncode
            if done:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired("worker", timeout or 0)
            time.sleep(0.002)
        return self.returncode  # type: ignore[return-value]


@dataclass
class WorkerProcess:
    popen: subprocess.Popen[bytes] | ForkedChild
    token: str
    jobs_fd: int  # the judge writes jobs here
    results_fd: int  # ... and reads results here
    output_fd: int  # the submission's stdout and stderr
    device: str
    started: float = field(default_factory=time.monotonic)
    # Forked by a zygote: the zygote's token (in every fork's /proc environ) and its pid, spared.
    family_token: str = ""
    family_root: int = 0
    forbidden: tuple[str, ...] = ()  # installed before the job: only a job with this set may use it

    @property
    def pid(self) -> int:
        return self.popen.pid

    def close_fds(self) -> None:
        for fd in (self.jobs_fd, self.results_fd, self.output_fd):
            with contextlib.suppress(OSError):
                os.close(fd)


def worker_threads() -> int:
    """Intra-op threads of the submission's process: 1 unless DRILL_GRADER_THREADS says otherwise.

    One thread keeps small-tensor work fast and steady on a shared machine (with several OpenMP
    threads a 64x1000 softmax took 10x longer on 2 busy cores) and leaves a core to the judge."""
    try:
        return max(1, min(os.cpu_count() or 1, int(os.environ.get("DRILL_GRADER_THREADS", "1"))))
    except ValueError:
        return 1


def spawn_worker(device: str) -> WorkerProcess:
    """Start `python -m drillcli.grader.worker` in a new session; returns at once (it warms up alone)."""
    become_subreaper()
    jobs_r, jobs_w = os.pipe()
    results_r, results_w = os.pipe()
    out_r, out_w = os.pipe()
    token = secrets.token_hex(8)
    threads = worker_threads()
    command = [sys.executable, "-m", "drillcli.grader.worker", "--jobs", str(jobs_r),
               "--results", str(results_w), "--device", device, "--threads", str(threads)]
    popen = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=out_w, stderr=out_w, pass_fds=(jobs_r, results_w),
        start_new_session=True, env=_worker_env(token, threads), cwd=_neutral_cwd(),
    )
    for fd in (jobs_r, results_w, out_w):
        os.close(fd)
    for fd in (jobs_w, results_r, out_r):
        os.set_blocking(fd, False)
    return WorkerProcess(popen, token, jobs_w, results_r, out_r, device)


def _worker_env(token: str, threads: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRILL_")}
    package_root = str(Path(__file__).resolve().parents[2])
    env.update({
        TOKEN_VAR: token,
        "OMP_NUM_THREADS": str(threads),
        "MKL_NUM_THREADS": str(threads),
        "MALLOC_ARENA_MAX": "2",
        "PYTHONUNBUFFERED": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH", "")])),
    })
    return env


def _neutral_cwd() -> str:
    return os.environ.get("TMPDIR", "/tmp") if os.path.isdir(os.environ.get("TMPDIR", "/tmp")) else "/"


def _proc_table(sessions: dict[int, int] | None = None) -> dict[int, int]:
    """pid -> parent pid for every process we can see (and pid -> session id into `sessions`)."""
    table: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                data = stat.read()
            fields = data[data.rindex(b")") + 2:].split()
            table[int(entry.name)] = int(fields[1])
            if sessions is not None:
                sessions[int(entry.name)] = int(fields[3])
        except (OSError, ValueError, IndexError):
            continue
    return table


def _descendants(root: int | set[int], table: dict[int, int]) -> set[int]:
    children: dict[int, list[int]] = {}
    for pid, ppid in table.items():
        children.setdefault(ppid, []).append(pid)
    found: set[int] = set()
    stack = [root] if isinstance(root, int) else list(root)
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def _carries_token(pid: int, token: str) -> bool:
    return f"{TOKEN_VAR}={token}".encode() in _environ(pid)


def _environ(pid: int) -> list[bytes]:
    """The environment /proc shows (empty while the process is between fork and exec's end)."""
    try:
        with open(f"/proc/{pid}/environ", "rb") as environ:
            return environ.read().split(b"\0")
    except OSError:
        return []


def tagged_processes(token: str) -> set[int]:
    me = os.getpid()
    return {pid for pid in _proc_table() if pid != me and _carries_token(pid, token)}


def stop_group(worker: WorkerProcess) -> None:
    """SIGKILL the worker's process group at once (`kill_tree` then finds whatever left it)."""
    with contextlib.suppress(OSError):
        os.killpg(worker.pid, signal.SIGKILL)


def kill_tree(worker: WorkerProcess, rounds: int = 50) -> None:
    """SIGKILL the worker and everything it started, until nothing is left; reap our children."""
    stop_group(worker)
    for _ in range(rounds):
        victims, unsure = _victims(worker)
        if not victims and not unsure:
            break
        for pid in victims:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        _reap(victims - {worker.pid})
        if unsure and not victims:
            time.sleep(0.005)  # a child of ours in the middle of exec: look again
    with contextlib.suppress(subprocess.TimeoutExpired):
        worker.popen.wait(timeout=5.0)
    worker.close_fds()


def _victims(worker: WorkerProcess) -> tuple[set[int], set[int]]:
    """Live processes of this submission (the worker, anything in its session or carrying its token,
    forks of it that were reparented to us, and all their descendants), and our children whose
    environment cannot be read yet."""
    sessions: dict[int, int] = {}
    table = _proc_table(sessions)
    me = os.getpid()
    found = {worker.pid} | {pid for pid, sid in sessions.items() if sid == worker.pid}
    found |= {pid for pid in table if pid != me and _carries_token(pid, worker.token)}
    children = {pid for pid, ppid in table.items() if ppid == me} - {worker.family_root}
    environs = {pid: _environ(pid) for pid in children}
    unsure = {pid for pid, env in environs.items() if env == [] and _is_alive(pid)}
    if worker.family_token:  # forks of the submission that left its session and lost their parent
        mark = f"{TOKEN_VAR}={worker.family_token}".encode()
        found |= {pid for pid, env in environs.items() if mark in env}
    found |= _descendants(found, table)
    found.discard(worker.family_root)
    _reap({p for p in (children & found) - {worker.pid} if not _is_alive(p)})  # zombies: collect
    return {pid for pid in found if pid in table and _is_alive(pid)}, unsure - found


def _is_alive(pid: int) -> bool:
    """False for a zombie or a process gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            data = stat.read()
        return data[data.rindex(b")") + 2:][:1] != b"Z"
    except (OSError, ValueError):
        return False


def _reap(pids: set[int]) -> None:
    """Collect the exit status of those that are our children (orphans reparented to us)."""
    deadline = time.monotonic() + 0.5
    for pid in pids:
        while time.monotonic() < deadline:
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                break  # not our child: its own parent or init reaps it
            if done:
                break
            time.sleep(0.002)


class Zygote:
    """A fork server with torch imported (CPU only): a fresh worker costs a fork, not an import."""

    def __init__(self, device: str = "cpu") -> None:
        import socket

        become_subreaper()
        self.device = device
        self.token = secrets.token_hex(8)
        ours, theirs = socket.socketpair()
        command = [sys.executable, "-m", "drillcli.grader.worker", "--zygote", str(theirs.fileno()),
                   "--device", device, "--threads", str(worker_threads())]
        self.popen = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(theirs.fileno(),), start_new_session=True,
            env=_worker_env(self.token, worker_threads()), cwd=_neutral_cwd(),
        )
        theirs.close()
        self.control = ours
        self.ready = False

    def wait_ready(self, timeout: float) -> bool:
        if not self.ready:
            self.control.settimeout(timeout)
            try:
                self.ready = self.control.recv(1) == b"R"
            except OSError:
                self.ready = False
        return self.ready and self.popen.poll() is None

    def fork_worker(self, forbidden: tuple[str, ...] = (), timeout: float = 180.0) -> WorkerProcess:
        """A fresh worker, already warm, with `forbidden` installed ahead (it must then get a job
        with exactly that set). Raises `OSError` if the zygote is gone."""
        import json
        import socket

        if not self.wait_ready(timeout):
            raise OSError("the grader's fork server did not start")
        jobs_r, jobs_w = os.pipe()
        results_r, results_w = os.pipe()
        out_r, out_w = os.pipe()
        token = secrets.token_hex(8)
        try:
            request = json.dumps({"token": token, "forbidden": list(forbidden)}).encode("utf-8")
            socket.send_fds(self.control, [request], [jobs_r, results_w, out_w])
            self.control.settimeout(10.0)
            pid = int.from_bytes(_recv_exact(self.control, 4), "big")
        finally:
            for fd in (jobs_r, results_w, out_w):
                os.close(fd)
        for fd in (jobs_w, results_r, out_r):
            os.set_blocking(fd, False)
        return WorkerProcess(ForkedChild(pid), token, jobs_w, results_r, out_r, self.device,
                             family_token=self.token, family_root=self.popen.pid,
                             forbidden=tuple(forbidden))

    def close(self) -> None:
        try:
            self.control.close()
        finally:
            with contextlib.suppress(OSError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()


def _recv_exact(sock: object, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))  # type: ignore[attr-defined]
        if not chunk:
            raise OSError("the grader's fork server closed its socket")
        data += chunk
    return data
