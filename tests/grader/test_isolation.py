"""The namespaces level's filesystem view, built for real in a throwaway child: read-only but the
working folder, DRILL_HOME and the home hidden, Python kept, a /proc of the sandbox alone; with
mount_setattr and with the one-remount-per-mount way of older kernels."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from drillcli.grader import isolation as iso
from drillcli.grader.procs import sandbox_plan

pytestmark = pytest.mark.skipif(iso.probe().level != iso.Level.NAMESPACES,
                                reason="user namespaces are refused here")


def _look_around(home: Path) -> dict[str, object]:
    """What a process inside sees (runs in the sandbox's PID 1)."""
    seen: dict[str, object] = {}
    for name, path in (("repo", Path(__file__)), ("etc", Path("/etc/drill-probe")),
                       ("work", Path(iso.WORK_DIR) / "probe")):
        try:
            path.open("a").close()
            seen[name] = "written"
        except OSError as exc:
            seen[name] = exc.strerror
    seen["home"] = sorted(os.listdir(home)) if home.is_dir() else "gone"
    seen["pids"] = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
    seen["python"] = Path(os.__file__).is_file()
    return seen


def _inside(home: Path, *, mount_setattr: bool) -> dict[str, object]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(read_end)
            iso.enter_namespaces()
            inner = os.fork()
            if inner == 0:
                iso.build_filesystem(iso.Plan(**sandbox_plan()), mount_setattr=mount_setattr)
                os.write(write_end, json.dumps(_look_around(home)).encode())
                os._exit(0)
            os.waitpid(inner, 0)
        finally:
            os._exit(0)
    os.close(write_end)
    data = b""
    while chunk := os.read(read_end, 65536):
        data += chunk
    os.close(read_end)
    os.waitpid(pid, 0)
    return json.loads(data)  # type: ignore[no-any-return]


@pytest.mark.parametrize("mount_setattr", [True, False], ids=["mount_setattr", "remount_each"])
def test_the_view_from_inside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mount_setattr: bool) -> None:
    home = tmp_path / "drill-home"
    home.mkdir()
    (home / "drill.db").write_bytes(b"history")
    monkeypatch.setenv("DRILL_HOME", str(home))
    seen = _inside(home, mount_setattr=mount_setattr)
    assert seen["repo"] == seen["etc"] == "Read-only file system"
    assert seen["work"] == "written"
    assert seen["home"] in ([], "gone")  # DRILL_HOME (here under /tmp) is out of sight
    assert seen["pids"] == [1]  # only the sandbox's own processes
    assert seen["python"] is True
