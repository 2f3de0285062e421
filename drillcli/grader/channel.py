"""The judge's end of one worker: framed messages in, the submission's output drained and capped
alongside, deadlines, and what a worker's exit status means."""

from __future__ import annotations

import os
import select
import signal
import time
from dataclasses import dataclass, field
from typing import Any

from drillcli.grader.procs import WorkerProcess
from drillcli.grader.report import Verdict
from drillcli.grader.wire import FrameReader, FrameTooLarge, WireError, decode, encode, validated, write_frame

OUTPUT_LIMIT = 1024 * 1024  # what the submission may print
RESULT_FRAME_LIMIT = 96 * 1024 * 1024  # one answer's frame (the worker already refuses > 64 MiB of tensors)


class Stop(Exception):
    """The worker can go no further: a limit, a crash. Carries the verdict and the message."""

    def __init__(self, verdict: Verdict, message: str) -> None:
        super().__init__(message)
        self.verdict = verdict
        self.message = message


@dataclass
class Channel:
    """The judge's end of one worker: frames in, capped output drained alongside."""

    worker: WorkerProcess
    reader: FrameReader = field(init=False)
    output: bytearray = field(default_factory=bytearray)
    output_bytes: int = 0
    violations: list[str] = field(default_factory=list)
    # (case index or -1 for the import, API name) for each forbidden call reported
    violation_sites: list[tuple[int, str]] = field(default_factory=list)
    current_case: int = -1
    counting: bool = False

    def __post_init__(self) -> None:
        self.reader = FrameReader(self.worker.results_fd, RESULT_FRAME_LIMIT)

    def send(self, message: dict[str, Any], deadline: float) -> None:
        try:
            write_frame(self.worker.jobs_fd, encode(message), deadline)
        except TimeoutError:
            raise Stop(Verdict.TIME_LIMIT, "time limit exceeded") from None
        except WireError:
            self.receive(deadline)  # the worker is gone: find out why
            raise Stop(Verdict.RUNTIME_ERROR, "the submission's process stopped reading its inputs") from None

    def receive(self, deadline: float, what: str = "time limit exceeded") -> dict[str, Any]:
        """The next message other than a violation notice; raises `Stop` on a limit or a death."""
        while True:
            try:
                payload = self.reader.next_payload()
            except FrameTooLarge as exc:
                raise Stop(Verdict.OUTPUT_LIMIT, f"the submission's answer is too large ({exc})") from None
            if payload is not None:
                message = validated(decode(payload))
                if not isinstance(message, dict) or not isinstance(message.get("type"), str):
                    raise Stop(Verdict.RUNTIME_ERROR, "the submission's process sent a malformed message")
                if message["type"] == "violation":
                    self.violations.append(str(message.get("name")))
                    self.violation_sites.append((self.current_case, str(message.get("name"))))
                    continue
                return message
            if self.reader.closed:
                raise self.death()
            self.wait_readable(deadline, what)

    def wait_readable(self, deadline: float, what: str) -> None:
        timeout = deadline - time.monotonic()
        if timeout <= 0:
            raise Stop(Verdict.TIME_LIMIT, what)
        fds = [self.worker.results_fd, self.worker.output_fd]
        readable, _, _ = select.select(fds, [], [], timeout)
        if self.worker.output_fd in readable:
            self.drain_output()
        if self.worker.results_fd in readable:
            self.reader.feed()

    def drain_output(self) -> None:
        try:
            chunk = os.read(self.worker.output_fd, 1 << 16)
        except (BlockingIOError, OSError):
            return
        if not self.counting:
            return  # before the job: the interpreter's own start-up noise
        self.output_bytes += len(chunk)
        if len(self.output) < 64 * 1024:
            self.output += chunk[: 64 * 1024 - len(self.output)]
        if self.output_bytes > OUTPUT_LIMIT:
            raise Stop(Verdict.OUTPUT_LIMIT, f"the submission printed more than {OUTPUT_LIMIT // 1024} KiB")

    def discard_startup_output(self) -> None:
        while select.select([self.worker.output_fd], [], [], 0)[0]:
            try:
                if not os.read(self.worker.output_fd, 1 << 16):
                    break
            except (BlockingIOError, OSError):
                break
        self.counting = True

    def death(self) -> Stop:
        """Why the worker closed its pipe: its exit status, read within a moment."""
        for _ in range(3):  # output written just before the end still counts
            if select.select([self.worker.output_fd], [], [], 0)[0]:
                self.drain_output()
        try:
            code = self.worker.popen.wait(timeout=1.0)
        except Exception:  # noqa: BLE001 - still running with its pipe closed
            return Stop(Verdict.RUNTIME_ERROR, "the submission's process closed the grader's pipe")
        return exit_stop(code, bytes(self.output))


def exit_stop(code: int, output: bytes) -> Stop:
    """What a worker's exit status means (as `Popen.returncode`: negative for a signal)."""
    if code >= 0:
        return Stop(Verdict.RUNTIME_ERROR, f"the submission's process exited (status {code}) before the "
                                           "tests finished; do not call sys.exit or os._exit")
    number = -code
    try:
        name = signal.Signals(number).name
    except ValueError:
        name = f"signal {number}"
    if number == signal.SIGXCPU:
        return Stop(Verdict.TIME_LIMIT, "CPU time limit exceeded")
    if number == signal.SIGXFSZ:
        return Stop(Verdict.OUTPUT_LIMIT, "the submission wrote a file larger than 64 MiB")
    if number == signal.SIGABRT and b"bad_alloc" in output:
        return Stop(Verdict.MEMORY_LIMIT, "out of memory (std::bad_alloc)")
    what = _SIGNAL_NOTES.get(number, "")
    return Stop(Verdict.RUNTIME_ERROR, f"the submission's process crashed with {name}{what}")


_SIGNAL_NOTES = {
    signal.SIGSEGV.value: " (segmentation fault)",
    signal.SIGBUS.value: " (bus error)",
    signal.SIGKILL.value: " (killed; out of memory?)",
    signal.SIGABRT.value: " (aborted)",
}


