"""In-process unit tests: the comparison and its messages, the wire codec against forged and truncated
frames, what a worker's exit status means, the manifest, the sandbox level's name."""

from __future__ import annotations

import json
import os
import shutil
import signal
import struct
import sys
from io import StringIO
from pathlib import Path

import pytest
import torch

from drillcli.bank.manifest import ChallengeModified, build, read, verify_bundled, write
from drillcli.grader.api import Case
from drillcli.grader.channel import exit_stop
from drillcli.grader.isolation import Isolation, Level, requested_level
from drillcli.grader.judge import Judgement, judge_result, worker_kind
from drillcli.grader.report import GradeReport, Status, Verdict
from drillcli.grader.wire import (
    HEADER,
    FrameReader,
    FrameTooLarge,
    Unsupported,
    WireError,
    decode,
    encode,
    plain,
    validated,
)
from drillcli.paths import bundled_challenges_dir

# ---- the comparison and its messages ----------------------------------------------------------------


def _case(x: torch.Tensor) -> Case:
    return Case("rows", args=(x,), expected=x.softmax(-1))


def _reply(output: object, x: torch.Tensor) -> dict[str, object]:
    return {"type": "result", "i": 0, "ok": True, "output": output, "args_after": (x.clone(),),
            "kwargs_after": {}, "grads": (), "grad_error": ""}


def test_a_right_answer_passes() -> None:
    x = torch.randn(3, 4)
    assert judge_result(_case(x), _reply(x.softmax(-1), x), "cpu") == Judgement(Status.PASSED, "", Verdict.ACCEPTED)


def test_wrong_values_name_the_inputs_and_the_largest_error() -> None:
    x = torch.randn(3, 4)
    judged = judge_result(_case(x), _reply(x.softmax(-1) + 0.5, x), "cpu")
    assert (judged.status, judged.verdict) == (Status.FAILED, Verdict.WRONG_ANSWER)
    assert judged.message.startswith("inputs (float32[3, 4])")
    assert "max abs error 0.5" in judged.message


def test_a_wrong_shape_and_a_list_are_named() -> None:
    x = torch.randn(3, 4)
    shape = judge_result(_case(x), _reply(x.softmax(-1)[:2], x), "cpu").message
    assert "[2, 4]" in shape and "[3, 4]" in shape
    listed = judge_result(_case(x), _reply(x.softmax(-1).tolist(), x), "cpu")
    assert listed.verdict == Verdict.WRONG_ANSWER
    assert "expected a tensor float32[3, 4], got [[float" in listed.message


def test_an_input_changed_in_place_is_wrong() -> None:
    x = torch.randn(3, 4)
    reply = _reply(x.softmax(-1), x)
    reply["args_after"] = (x - 1,)
    judged = judge_result(_case(x), reply, "cpu")
    assert judged.verdict == Verdict.WRONG_ANSWER and "modified in place" in judged.message


def test_a_worker_cannot_claim_a_verdict() -> None:
    x = torch.randn(2, 2)
    forged = {"type": "result", "i": 0, "ok": False, "kind": "accepted", "message": "all good"}
    assert judge_result(_case(x), forged, "cpu").verdict == Verdict.RUNTIME_ERROR
    assert worker_kind("internal_error") == Verdict.RUNTIME_ERROR
    assert worker_kind("memory_limit") == Verdict.MEMORY_LIMIT


# ---- the wire ---------------------------------------------------------------------------------------

def _payload(frame: bytes) -> bytes:
    return frame[HEADER.size:]


def test_values_and_tensors_round_trip() -> None:
    value = {"a": [1, 2.5, float("inf"), None, True], "t": (torch.arange(6).reshape(2, 3),), "s": "x"}
    back = decode(_payload(encode(value)))
    assert back["a"][:2] == [1, 2.5] and back["a"][2] == float("inf") and back["s"] == "x"
    assert torch.equal(back["t"][0], value["t"][0]) and isinstance(back["t"], tuple)


def test_truncated_frames_are_wire_errors() -> None:
    payload = _payload(encode({"t": torch.ones(4)}))
    for cut in (3, HEADER.size + 2, len(payload) - 1):
        with pytest.raises(WireError):
            decode(payload[:cut])


def _forged(skeleton: object, blob: bytes = b"") -> bytes:
    text = json.dumps(skeleton).encode()
    return HEADER.pack(len(text)) + text + blob


@pytest.mark.parametrize("skeleton", [
    {"x": [0, 16, "float32", [2, 2]]},  # points past the bytes that follow
    {"x": [0, 8, "float32", [4]]},  # size and shape disagree
    {"x": [0, 4, "object", [1]]},  # not a known dtype
    {"x": [0, -4, "float32", [1]]},  # negative
    {"p": "pickle"},  # unknown tag
    {"f": "1e9999"},  # only nan/inf come as strings
    {"l": [], "d": []},  # two tags in one node
])
def test_forged_frames_are_wire_errors(skeleton: object) -> None:
    with pytest.raises(WireError):
        decode(_forged(skeleton, b"\0" * 4))


def test_nesting_too_deep_is_refused() -> None:
    node: object = 1
    for _ in range(60):
        node = {"l": [node]}
    with pytest.raises(WireError):
        decode(_forged(node))


def test_a_frame_over_the_limit_is_refused_before_its_body_is_read() -> None:
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, struct.pack("!Q", 200 * 2**20) + b"x" * 16)
        reader = FrameReader(read_end, limit=64 * 2**20)
        reader.feed()
        with pytest.raises(FrameTooLarge):
            reader.next_payload()
        assert len(reader.buffer) < 64  # nothing of the announced body was kept
    finally:
        os.close(read_end)
        os.close(write_end)


def test_what_is_not_plain_data_becomes_unsupported() -> None:
    class Sub(torch.Tensor):
        pass

    sent = plain({"a": torch.ones(2).as_subclass(Sub), "b": object()})
    back = validated(decode(_payload(encode(sent))))
    assert isinstance(back["a"], Unsupported) and isinstance(back["b"], Unsupported)
    assert back["a"] != back["a"]  # equals nothing, itself included


# ---- exit statuses ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "output", "verdict", "words"), [
    (0, b"", Verdict.RUNTIME_ERROR, "status 0"),
    (3, b"", Verdict.RUNTIME_ERROR, "sys.exit"),
    (-signal.SIGSEGV, b"", Verdict.RUNTIME_ERROR, "segmentation fault"),
    (-signal.SIGKILL, b"", Verdict.RUNTIME_ERROR, "SIGKILL"),
    (-signal.SIGXCPU, b"", Verdict.TIME_LIMIT, "CPU time"),
    (-signal.SIGXFSZ, b"", Verdict.OUTPUT_LIMIT, "64 MiB"),
    (-signal.SIGABRT, b"terminate called after std::bad_alloc", Verdict.MEMORY_LIMIT, "bad_alloc"),
    (-signal.SIGABRT, b"", Verdict.RUNTIME_ERROR, "aborted"),
])
def test_exit_statuses(code: int, output: bytes, verdict: Verdict, words: str) -> None:
    stop = exit_stop(code, output)
    assert stop.verdict == verdict and words in stop.message


# ---- the manifest -----------------------------------------------------------------------------------

def test_the_bundled_manifest_is_up_to_date() -> None:
    root = bundled_challenges_dir()
    assert build(root) == read(root), "stale: run `python -m drillcli.bank.manifest`"


def test_a_changed_or_added_file_refuses_grading(tmp_path: Path) -> None:
    root = tmp_path / "challenges"
    shutil.copytree(bundled_challenges_dir() / "softmax", root / "softmax",
                    ignore=shutil.ignore_patterns("__pycache__"))
    write(root)
    verify_bundled(root / "softmax", root)  # unchanged: fine
    with (root / "softmax" / "tests.py").open("a") as handle:
        handle.write("\ndef cases(device):\n    return []\n")
    with pytest.raises(ChallengeModified, match="tests.py was changed.*reinstall drillcli"):
        verify_bundled(root / "softmax", root)
    write(root)
    (root / "softmax" / "driver.py").write_text("def call(f, *a):\n    return None\n")
    with pytest.raises(ChallengeModified, match="driver.py was added"):
        verify_bundled(root / "softmax", root)
    verify_bundled(tmp_path, root / "softmax")  # outside the bundled bank: not checked


# ---- the sandbox level, as said to the user ---------------------------------------------------------

def test_requested_level_and_its_line() -> None:
    assert requested_level("") == (Level.NAMESPACES, "")
    assert requested_level("Landlock") == (Level.LANDLOCK, "DRILL_SANDBOX=landlock")
    assert requested_level("nonsense") == (Level.NAMESPACES, "")
    assert Isolation(Level.PROCESS, "user namespaces refused: EPERM").line() == \
        "process (user namespaces refused: EPERM)"


def test_check_shows_grading_and_start_up_apart_and_the_sandbox() -> None:
    from rich.console import Console

    from drillcli.cli.check import render_report

    report = GradeReport("softmax", Verdict.ACCEPTED, 3, 3, "cpu", 2062.0, [], startup_ms=1900.0,
                         isolation="landlock", isolation_reason="user namespaces refused: EPERM")
    out = StringIO()
    render_report(report, Console(file=out, width=120, color_system=None))
    text = out.getvalue()
    assert "162 ms grading + 1.9 s start-up" in text
    assert "sandbox: landlock (user namespaces refused: EPERM)" in text
    assert report.to_json()["isolation"] == "landlock"


def test_a_verdict_enum_travels_as_its_string() -> None:
    assert decode(_payload(encode({"kind": Verdict.OUTPUT_LIMIT}))) == {"kind": "output_limit"}


def test_a_supervisor_without_a_pidfd_is_signalled_by_pid() -> None:
    """Kernels before 5.3 have no pidfd: the handle falls back to the supervisor's pid."""
    import subprocess
    import sys

    from drillcli.grader.procs import Supervised

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    read_end, write_end = os.pipe()
    handle = Supervised(child.pid, -1, read_end, supervisor=child.pid)
    try:
        assert not handle.supervisor_gone(0.05)
        handle.signal_supervisor(signal.SIGTERM)
        assert handle.supervisor_gone(10)
        os.close(write_end)  # no status came: the worker was ended from outside
        assert handle.wait(5) == -9
    finally:
        child.kill()
        child.wait()
        handle.close()


@pytest.mark.skipif(sys.platform != "linux" or os.uname().machine not in ("x86_64", "aarch64"),
                    reason="the seccomp filter is written for Linux on x86_64 and aarch64")
def test_the_network_filter_refuses_every_socket_family_but_unix() -> None:
    """In a forked child (the filter cannot be taken back): what opens once it is on."""
    import ctypes
    import socket

    from drillcli.grader import isolation as iso

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        seen: dict[str, str] = {}
        try:
            iso.block_network()
            for name, family, kind in (("inet udp", socket.AF_INET, socket.SOCK_DGRAM),
                                       ("inet6 tcp", socket.AF_INET6, socket.SOCK_STREAM),
                                       ("netlink", socket.AF_NETLINK, socket.SOCK_RAW),
                                       ("unix", socket.AF_UNIX, socket.SOCK_STREAM)):
                try:
                    socket.socket(family, kind).close()
                    seen[name] = "opened"
                except OSError as exc:
                    seen[name] = str(exc.strerror)
            libc = ctypes.CDLL(None, use_errno=True)
            params = ctypes.create_string_buffer(120)
            fd = libc.syscall(425, 4, params)  # io_uring_setup: it could open sockets itself
            seen["io_uring"] = "opened" if fd >= 0 else os.strerror(ctypes.get_errno())
            seen["pair"] = "opened" if socket.socketpair() else "refused"
        finally:
            os.write(write_end, json.dumps(seen).encode())
            os._exit(0)
    os.close(write_end)
    data = os.read(read_end, 65536)
    os.waitpid(pid, 0)
    refused = os.strerror(13)  # EACCES
    assert json.loads(data) == {"inet udp": refused, "inet6 tcp": refused, "netlink": refused, "unix": "opened",
                                "io_uring": refused, "pair": "opened"}
