"""The warm pool (`drill code`): a worker started ahead, so a verdict costs only the submission's work.

    pool = GraderPool("auto").start(challenge)   # returns at once; warms up in the background
    pool.ready()                                 # never blocks; pool.startup_error says why it failed
    report = pool.grade(path, challenge)         # from any thread; one grade at a time
    pool.cancel()                                # from any thread: the grade in flight raises GradeCancelled
    pool.close()

On Linux a fork server holds torch imported and forks each sandboxed worker (drillcli.grader.launch);
the next spare is forked in the background after each verdict, with the last challenge's forbidden
APIs already installed. Elsewhere the spare is a whole new process started ahead.
"""

from __future__ import annotations

import contextlib
import os
import select
import sys
import threading
from pathlib import Path
from typing import Any

from drillcli.bank.challenges import Challenge
from drillcli.errors import DrillError, UsageError
from drillcli.grader import report as R
from drillcli.grader.pipeline import (
    DEVICES,  # noqa: F401 - re-exported
    GradeCancelled,
    OneShot,
    check_device_name,
    grade,
    hidden_cases,
    read_submission,  # noqa: F401 - re-exported
    resolve_device,
)

READY_TIMEOUT_S = 180.0


class GraderPool:
    """A warm worker kept ready for one device; implements `pipeline.Workers`. Use as a context
    manager or call `close()`. Construction is cheap: nothing starts before `start()` or a grade."""

    def __init__(self, device: str = "auto", *, isolation: str | None = None) -> None:
        """`isolation`: the strongest sandbox level to try (default: `DRILL_SANDBOX`, else all)."""
        self._requested = check_device_name(device)
        self._isolation = isolation
        self._device: str | None = None
        self._startup_exc: DrillError | None = None
        self._lock = threading.RLock()
        self._grading = threading.Lock()
        self._warmed = threading.Event()
        self._warmer: threading.Thread | None = None
        self._refill: threading.Thread | None = None
        self._spare: Any = None
        self._zygote: Any = None
        self._closed = False
        self._hint: Challenge | None = None
        self._expect: tuple[str, ...] = ()  # the forbidden set the next spare installs ahead
        self._retired: list[Any] = []  # workers whose supervisor may still be ending them
        self._in_flight: Any = None
        self._cancelled = False

    # ---- starting ---------------------------------------------------------------------------------

    def start(self, challenge: Challenge | None = None) -> GraderPool:
        """Warm up in the background (returns at once): torch, the hidden tests of `challenge`, the
        fork server and a spare worker set up for it."""
        if challenge is not None:
            self.expect(challenge)
        with self._lock:
            if self._warmer is None and not self._closed:
                self._warmer = threading.Thread(target=self._warm, name="grader-warm-up", daemon=True)
                self._warmer.start()
        return self

    def expect(self, challenge: Challenge) -> None:
        """Prepare spares for `challenge` (its forbidden APIs installed ahead: a faster verdict)."""
        self._hint = challenge
        self._expect = tuple(challenge.meta.forbidden)

    def ready(self) -> bool:
        """Whether the warm-up is over (never blocks); `startup_error` then says if it failed."""
        return self._warmed.is_set()

    @property
    def startup_error(self) -> str | None:
        return None if self._startup_exc is None else str(self._startup_exc)

    @property
    def isolation(self) -> Any:
        """The sandbox level of this pool's workers (`isolation.Isolation`), once warm."""
        self.wait_ready()
        zygote = self._zygote
        if zygote is not None and zygote.isolation is not None:
            return zygote.isolation
        from drillcli.grader.isolation import Isolation, Level

        return Isolation(Level.PROCESS, f"{sys.platform}: no Linux sandbox")

    def standing_processes(self) -> dict[str, int]:
        """The processes the pool keeps between grades, by design: {"fork server": pid, "spare": pid}."""
        self._join_refill()
        with self._lock:
            found = {"fork server": self._zygote.pid if self._zygote is not None else 0,
                     "spare": self._spare.pid if self._spare is not None else 0}
        return {name: pid for name, pid in found.items() if pid}

    def wait_ready(self, timeout: float = READY_TIMEOUT_S) -> bool:
        """Block until a spare worker is warm; raises `DrillError` when the grader cannot start."""
        self.start()
        if not self._warmed.wait(timeout):
            return False
        if self._startup_exc is not None:
            raise self._startup_exc
        self._join_refill()
        with self._lock:
            if self._spare is None and not self._closed:
                self._spare = self._new_worker(self._expect)
            spare = self._spare
        if spare is None:
            return False
        return bool(select.select([spare.results_fd], [], [], timeout)[0]) and spare.popen.poll() is None

    def prepare(self, challenge: Challenge, timeout: float = READY_TIMEOUT_S) -> bool:
        """Everything ahead of the first submission, blocking; True once the spare is warm."""
        self.start(challenge)
        ready = self.wait_ready(timeout)
        hidden_cases(challenge, self.device)
        return ready

    @property
    def device(self) -> str:
        """The resolved device (waits for the warm-up to know it)."""
        self.start()
        self._warmed.wait()
        if self._device is None:
            raise self._startup_exc or UsageError("the grader is closed")
        return self._device

    def _warm(self) -> None:
        try:
            self._device = resolve_device(self._requested)
            if self._hint is not None:
                hidden_cases(self._hint, self._device)
            if sys.platform.startswith("linux"):
                self._start_zygote()
            self._fork_spare()
        except DrillError as exc:
            self._startup_exc = exc
        except Exception as exc:  # noqa: BLE001 - said once, by ready()/wait_ready()
            self._startup_exc = DrillError(f"the grader failed to start: {type(exc).__name__}: {exc}")
        finally:
            self._warmed.set()

    def _start_zygote(self) -> None:
        from drillcli.grader.procs import Zygote

        zygote = Zygote(self._device or "cpu", self._isolation)
        with self._lock:
            if self._closed:
                zygote.close()
                return
            self._zygote = zygote
        if not zygote.wait_ready(READY_TIMEOUT_S):
            raise DrillError("the grader's fork server did not start")

    # ---- Workers ------------------------------------------------------------------------------------

    def acquire(self, challenge: Challenge) -> Any:
        """The spare if it was set up for this challenge's forbidden APIs, else a fresh worker."""
        return self._take(challenge)

    def release(self, worker: Any) -> None:
        """Close the worker's job pipe at once (its supervisor then ends every process of it); the
        wait for that, and the next spare, happen in the background."""
        self._retire(worker)

    # `_take` and `_retire` are the names `drill code`'s adapter overrides (kept until it moves to
    # cancel()).
    def _take(self, challenge: Challenge) -> Any:
        from drillcli.grader.procs import kill_tree

        self._join_refill()
        wanted = tuple(challenge.meta.forbidden)
        with self._lock:
            spare, self._spare = self._spare, None
        if spare is not None and spare.forbidden and spare.forbidden != wanted:
            kill_tree(spare)  # prepared for another challenge
            spare = None
        self._expect = wanted
        worker = spare if spare is not None else self._new_worker(wanted)
        with self._lock:
            self._in_flight = worker
            if self._cancelled or self._closed:
                self._stop(worker)
        return worker

    def _retire(self, worker: Any) -> None:
        with self._lock:
            self._in_flight = None
        with contextlib.suppress(OSError):
            if worker.jobs_fd >= 0:
                os.close(worker.jobs_fd)
        worker.jobs_fd = -1
        self._retired.append(worker)
        self._replenish()

    def _new_worker(self, forbidden: tuple[str, ...]) -> Any:
        from drillcli.grader.procs import spawn_worker

        if self._zygote is not None:
            return self._zygote.fork_worker(forbidden)
        return spawn_worker(self._device or "cpu")

    # ---- grading ------------------------------------------------------------------------------------

    def grade(self, path: Path, challenge: Challenge, *, measure_runtime: bool = True,
              display_name: str | None = None) -> R.GradeReport:
        """Grade `path`; from any thread, one grade at a time. Raises `GradeCancelled` if `cancel()`
        or `close()` stopped it, `DrillError` if the grader could not start."""
        with self._grading:
            with self._lock:
                self._cancelled = False
            self.wait_ready()
            if self._cancelled or self._closed:
                raise GradeCancelled("cancelled before it started")
            report = grade(path, challenge, self.device, self, measure_runtime=measure_runtime,
                           display_name=display_name)
            if self._cancelled or self._closed:
                raise GradeCancelled("a newer grade or the end of the drill cancelled it")
            return report

    def cancel(self) -> None:
        """Stop the grade in flight (its whole process tree is killed); a no-op when idle."""
        with self._lock:
            self._cancelled = True
            if self._in_flight is not None:
                self._stop(self._in_flight)

    @staticmethod
    def _stop(worker: Any) -> None:
        from drillcli.grader.procs import stop_group

        stop_group(worker)

    # ---- the next spare -----------------------------------------------------------------------------

    def _fork_spare(self) -> None:
        self._sweep_retired()
        if self._closed:
            return
        try:
            worker = self._new_worker(self._expect)
        except OSError:
            return  # the next grade starts one itself
        with self._lock:
            if self._spare is None and not self._closed:
                self._spare, worker = worker, None
        if worker is not None:
            from drillcli.grader.procs import kill_tree

            kill_tree(worker)

    def _replenish(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._refill = threading.Thread(target=self._fork_spare, name="grader-spare", daemon=True)
            self._refill.start()

    def _join_refill(self) -> None:
        refill = self._refill
        if refill is not None and refill is not threading.current_thread():
            refill.join()

    _join_starter = _join_refill  # the old name

    def _sweep_retired(self) -> None:
        from drillcli.grader.procs import kill_tree

        while self._retired:
            kill_tree(self._retired.pop())

    # ---- closing ------------------------------------------------------------------------------------

    def close(self) -> None:
        """End everything, even mid-grade (that grade raises `GradeCancelled`)."""
        from drillcli.grader.procs import kill_tree

        with self._lock:
            self._closed = True
        self.cancel()
        warmer = self._warmer
        if warmer is not None and warmer is not threading.current_thread():
            warmer.join()
        self._join_refill()
        self._sweep_retired()
        with self._lock:
            spare, self._spare = self._spare, None
            zygote, self._zygote = self._zygote, None
        if spare is not None:
            kill_tree(spare)
        if zygote is not None:
            zygote.close()

    def __enter__(self) -> GraderPool:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # interpreter shutdown
            self.close()


def grade_file(
    path: Path,
    challenge: Challenge,
    device: str = "auto",
    pool: GraderPool | None = None,
    *,
    measure_runtime: bool = True,
    display_name: str | None = None,
) -> R.GradeReport:
    """Grade one file against `challenge`'s hidden tests: with `pool`'s warm worker, else in a fresh
    sandboxed worker of its own. Raises `UsageError` for an unreadable file or an impossible device;
    everything about the submission itself (a crash, a limit) is in the returned report's verdict."""
    if pool is not None:
        return pool.grade(path, challenge, measure_runtime=measure_runtime, display_name=display_name)
    read_submission(Path(path))  # an unreadable file is misuse, before anything starts
    resolved = resolve_device(device)
    return grade(path, challenge, resolved, OneShot(resolved), measure_runtime=measure_runtime,
                 display_name=display_name)
