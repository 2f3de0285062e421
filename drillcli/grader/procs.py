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
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from drillcli.grader.isolation import Isolation

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


@dataclass
class WorkerProcess:
    popen: subprocess.Popen[bytes] | Supervised
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
    isolation: Isolation | None = None  # None: started without the fork server (process level)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def close_fds(self) -> None:
        for fd in (self.jobs_fd, self.results_fd, self.output_fd):
            with contextlib.suppress(OSError):
                os.close(fd)
        self.jobs_fd = self.results_fd = self.output_fd = -1
        if isinstance(self.popen, Supervised):
            self.popen.close()

    @property
    def level(self) -> Isolation:
        from drillcli.grader.isolation import Isolation, Level

        return self.isolation or Isolation(Level.PROCESS, "started without the fork server")


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


# What the grading processes keep of the user's environment: what Python, torch and the GPU libraries
# read. Anything else (a token or key exported in the shell) never reaches a submission.
_ENV_KEPT = frozenset({"PATH", "LANG", "LANGUAGE", "TZ", "TERM", "TMPDIR", "LD_LIBRARY_PATH", "PYTHONPATH",
                       "PYTHONHOME", "VIRTUAL_ENV", "CONDA_PREFIX"})
_ENV_KEPT_PREFIXES = ("LC_", "CUDA_", "NVIDIA_", "CUBLAS_", "CUDNN_", "PYTORCH_", "TORCH_", "OMP_", "MKL_",
                      "KMP_", "HIP_", "ROCM_", "HSA_")


def _worker_env(token: str, threads: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in _ENV_KEPT or k.startswith(_ENV_KEPT_PREFIXES)}
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
    """Stop the worker now: its supervisor ends everything it started (SIGTERM); a worker started
    without the fork server has its process group killed (`kill_tree` then finds whatever left it)."""
    if isinstance(worker.popen, Supervised):
        worker.popen.signal_supervisor(signal.SIGTERM)
        return
    with contextlib.suppress(OSError):
        os.killpg(worker.pid, signal.SIGKILL)


def end_supervised(worker: WorkerProcess, handle: Supervised, timeout: float = 5.0) -> bool:
    """Close the job pipe (the supervisor's lifeline) and wait until the supervisor, having ended
    every process of the submission, is gone. False if it had to be killed."""
    with contextlib.suppress(OSError):
        if worker.jobs_fd >= 0:
            os.close(worker.jobs_fd)
    worker.jobs_fd = -1
    if handle.supervisor_gone(timeout):
        return True
    handle.signal_supervisor(signal.SIGKILL)
    handle.supervisor_gone(timeout)
    return False


def kill_tree(worker: WorkerProcess, rounds: int = 50) -> None:
    """End the worker and everything it started, until nothing is left; reap our children."""
    handle = worker.popen
    if isinstance(handle, Supervised):
        clean = end_supervised(worker, handle)
        if clean and worker.level.level != "process":
            worker.close_fds()
            return
    _hunt(worker, rounds)


def _hunt(worker: WorkerProcess, rounds: int) -> None:
    """The process-level sweep: the group, the session, the token, descendants through /proc."""
    if not isinstance(worker.popen, Supervised):
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
    if not isinstance(worker.popen, Supervised):
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


class Supervised:
    """The judge's handle on a worker started by the fork server: its supervisor's pidfd (to stop
    everything, race-free) and the status pipe on which the worker's exit status arrives."""

    def __init__(self, pid: int, pidfd: int, status_fd: int, supervisor: int = 0) -> None:
        self.pid = pid  # the worker (or, inside namespaces, its init) as the judge sees it
        self.pidfd = pidfd  # -1 where the kernel has no pidfd (before Linux 5.3): `supervisor` then
        self.status_fd = status_fd
        self.supervisor = supervisor
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and self.status_fd >= 0:
            try:
                data = os.read(self.status_fd, 4)
            except BlockingIOError:
                return None
            except OSError:
                data = b""
            # No status at all: the supervisor was killed before the worker ended (a cancel).
            self.returncode = int.from_bytes(data, "big", signed=True) if len(data) == 4 else -9
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        import select

        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise subprocess.TimeoutExpired("worker", timeout or 0)
            select.select([self.status_fd], [], [], left)
        return self.returncode  # type: ignore[return-value]

    def signal_supervisor(self, sig: int) -> None:
        with contextlib.suppress(OSError, ValueError):
            if self.pidfd >= 0:
                signal.pidfd_send_signal(self.pidfd, sig)
            elif self.supervisor > 0 and _is_alive(self.supervisor):
                os.kill(self.supervisor, sig)

    def supervisor_gone(self, timeout: float) -> bool:
        import select

        if self.pidfd < 0:
            deadline = time.monotonic() + timeout
            while _is_alive(self.supervisor) and time.monotonic() < deadline:
                time.sleep(0.005)
            return not _is_alive(self.supervisor)
        try:
            return bool(select.select([self.pidfd], [], [], timeout)[0])
        except (OSError, ValueError):
            return True

    def close(self) -> None:
        for fd in (self.pidfd, self.status_fd):
            with contextlib.suppress(OSError):
                os.close(fd)
        self.pidfd = self.status_fd = -1


def sandbox_plan() -> dict[str, list[str]]:
    """What the namespaces level hides (user state, homes) and keeps visible inside them (Python,
    the installed packages, drillcli itself)."""
    from drillcli.paths import drill_home

    hide = [str(drill_home()), str(Path.home()), "/root", "/home", "/run/user", "/var/tmp"]
    keep = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
            os.path.dirname(os.path.realpath(sys.executable)), str(Path(__file__).resolve().parents[2]),
            *(p for p in sys.path if p and os.path.isabs(p))]
    return {"hide": hide, "keep": list(dict.fromkeys(os.path.realpath(p) for p in keep))}


class Zygote:
    """A fork server with torch imported: a fresh, sandboxed worker costs a few forks, not an import."""

    def __init__(self, device: str = "cpu", isolation: str | None = None) -> None:
        import json
        import socket

        from drillcli.grader.isolation import ENV_VAR

        become_subreaper()
        self.device = device
        self.token = secrets.token_hex(8)
        self.isolation: Isolation | None = None
        ours, theirs = socket.socketpair()
        command = [sys.executable, "-m", "drillcli.grader.worker", "--zygote", str(theirs.fileno()),
                   "--device", device, "--threads", str(worker_threads()), "--parent", str(os.getpid()),
                   # A parent-death signal follows the thread that started the process: only from
                   # the main thread (the closing control socket ends the fork server anyway).
                   *(["--die-with-parent"] if threading.current_thread() is threading.main_thread() else []),
                   "--isolation", isolation if isolation is not None else os.environ.get(ENV_VAR, ""),
                   "--plan", json.dumps(sandbox_plan())]
        self.popen = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(theirs.fileno(),), start_new_session=True,
            env=_worker_env(self.token, worker_threads()), cwd=_neutral_cwd(),
        )
        theirs.close()
        self.control = ours
        self.ready = False
        self.lock = threading.Lock()

    @property
    def pid(self) -> int:
        return self.popen.pid

    def wait_ready(self, timeout: float) -> bool:
        with self.lock:
            if not self.ready:
                self.control.settimeout(timeout)
                try:
                    self.ready = self._read_hello()
                except (OSError, ValueError):
                    self.ready = False
        return self.ready and self.popen.poll() is None

    def _read_hello(self) -> bool:
        import json

        from drillcli.grader.isolation import Isolation, Level

        if _recv_exact(self.control, 1) != b"R":
            return False
        size = int.from_bytes(_recv_exact(self.control, 4), "big")
        hello = json.loads(_recv_exact(self.control, size))
        self.isolation = Isolation(Level(hello["level"]), str(hello.get("reason", "")))
        return True

    def fork_worker(self, forbidden: tuple[str, ...] = (), timeout: float = 180.0) -> WorkerProcess:
        """A fresh worker, already warm, with `forbidden` installed ahead (it must then get a job
        with exactly that set). Raises `OSError` if the fork server is gone or the sandbox failed."""
        import json
        import socket

        if not self.wait_ready(timeout):
            raise OSError("the grader's fork server did not start")
        jobs_r, jobs_w = os.pipe()
        results_r, results_w = os.pipe()
        out_r, out_w = os.pipe()
        status_r, status_w = os.pipe()
        try:
            token = secrets.token_hex(8)
            request = json.dumps({"token": token, "forbidden": list(forbidden)}).encode("utf-8")
            with self.lock:
                socket.send_fds(self.control, [request], [jobs_r, results_w, out_w, status_w])
                self.control.settimeout(10.0)
                data, fds, _, _ = socket.recv_fds(self.control, 65536, 1)  # the fd comes with byte 1
                if len(data) < 4:
                    data += _recv_exact(self.control, 4 - len(data))
                size = int.from_bytes(data[:4], "big")
                reply = data[4:] + _recv_exact(self.control, size - len(data[4:]))
        except BaseException:
            for fd in (jobs_w, results_r, out_r, status_r):
                os.close(fd)
            raise
        finally:
            for fd in (jobs_r, results_w, out_w, status_w):
                os.close(fd)
        answer = json.loads(reply)
        if "error" in answer:
            for fd in (jobs_w, results_r, out_r, status_r, *fds):
                os.close(fd)
            raise OSError(str(answer["error"]))
        for fd in (jobs_w, results_r, out_r, status_r):
            os.set_blocking(fd, False)
        handle = Supervised(int(answer["pid"]), fds[0] if fds else -1, status_r, int(answer["supervisor"]))
        return WorkerProcess(handle, token, jobs_w, results_r, out_r, self.device,
                             family_token=self.token, family_root=self.popen.pid,
                             forbidden=tuple(forbidden), isolation=self.isolation)

    def close(self) -> None:
        try:
            self.control.close()
        finally:
            with contextlib.suppress(OSError):  # only the fork server: each supervisor, told by its
                os.kill(self.popen.pid, signal.SIGKILL)  # parent-death signal, ends its own worker
            self.popen.wait()


def _recv_exact(sock: object, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))  # type: ignore[attr-defined]
        if not chunk:
            raise OSError("the grader's fork server closed its socket")
        data += chunk
    return data
