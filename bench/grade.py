"""Warm verdict latency (GraderPool) against a cold one-shot runner, for the bundled softmax challenge.

Run: python bench/grade.py [--runs N]
Warm: the pool's spare worker already has torch imported; the time is `pool.grade(...)` for an
accepted solution, verdict only (no runtime-ratio timing). Cold: `python -c` that imports the grader
and grades the same file in a fresh worker (spawn + import torch twice: judge and worker + grade),
measured from outside as wall time. Ends with `warm_ms=... cold_ms=... ratio=...` (medians).

What the sandbox costs, measured in the same run: the warm verdict with the process level forced
(`warm_process_ms`), and the time to start one spare worker from the fork server until it says
"ready", in namespaces (`spare_ns_ms`: three forks, the mounts, a fresh /proc) and at the process
level (`spare_process_ms`). A spare is started while the user edits, so only the warm verdict is on
the user's clock.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SOLUTION = '''import torch


def softmax(x, dim=-1):
    shifted = x - x.amax(dim=dim, keepdim=True)
    exps = shifted.exp()
    return exps / exps.sum(dim=dim, keepdim=True)
'''

COLD = (
    "import sys; from pathlib import Path; from drillcli.bank.challenges import load_challenge; "
    "from drillcli.grader import grade_file; "
    "r = grade_file(Path(sys.argv[1]), load_challenge(Path(sys.argv[2])), 'cpu', measure_runtime=False); "
    "sys.exit(0 if r.verdict == 'accepted' else 1)"
)


def warm_runs(path: Path, folder: Path, runs: int, isolation: str | None = None) -> list[float]:
    from drillcli.bank.challenges import load_challenge
    from drillcli.grader import GraderPool

    challenge = load_challenge(folder)
    times = []
    with GraderPool("cpu", isolation=isolation) as pool:
        for _ in range(runs + 1):  # the first one also builds the hidden tests: not counted
            pool.wait_ready()
            start = time.perf_counter()
            report = pool.grade(path, challenge, measure_runtime=False)
            times.append((time.perf_counter() - start) * 1000)
            assert report.verdict == "accepted", report.to_json()
    return times[1:]


def spare_runs(level: str, runs: int) -> tuple[str, list[float]]:
    """Milliseconds from asking the fork server for a worker to its "ready", at `level`."""
    import select

    from drillcli.grader.procs import Zygote, kill_tree

    zygote = Zygote("cpu", level)
    try:
        assert zygote.wait_ready(180)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            worker = zygote.fork_worker(())
            select.select([worker.results_fd], [], [], 60)
            times.append((time.perf_counter() - start) * 1000)
            kill_tree(worker)
        return str(zygote.isolation.level if zygote.isolation else "?"), times
    finally:
        zygote.close()


def cold_runs(path: Path, folder: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", COLD, str(path), str(folder)], check=True, cwd=ROOT)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="warm runs (cold: a third, at least 3)")
    args = parser.parse_args()
    folder = ROOT / "questions" / "challenges" / "softmax"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "solution.py"
        path.write_text(SOLUTION, encoding="utf-8")
        warm = warm_runs(path, folder, args.runs)
        warm_process = warm_runs(path, folder, args.runs, isolation="process")
        cold = cold_runs(path, folder, max(3, args.runs // 3))
    ns_level, spare_ns = spare_runs("auto", args.runs)
    _, spare_process = spare_runs("process", args.runs)
    warm_ms, cold_ms = statistics.median(warm), statistics.median(cold)
    print(f"warm runs (ms, {ns_level}): {' '.join(f'{t:.0f}' for t in warm)}")
    print(f"warm runs (ms, process): {' '.join(f'{t:.0f}' for t in warm_process)}")
    print(f"cold runs (ms): {' '.join(f'{t:.0f}' for t in cold)}")
    print(f"spare start (ms, {ns_level}): {' '.join(f'{t:.0f}' for t in spare_ns)}")
    print(f"spare start (ms, process): {' '.join(f'{t:.0f}' for t in spare_process)}")
    print(f"warm_ms={warm_ms:.1f} cold_ms={cold_ms:.0f} ratio={cold_ms / warm_ms:.1f} "
          f"isolation={ns_level} warm_process_ms={statistics.median(warm_process):.1f} "
          f"spare_ns_ms={statistics.median(spare_ns):.1f} "
          f"spare_process_ms={statistics.median(spare_process):.1f}")


if __name__ == "__main__":
    main()
