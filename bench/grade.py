"""Warm verdict latency (GraderPool) against a cold one-shot runner, for the bundled softmax challenge.

Run: python bench/grade.py [--runs N]
Warm: the pool's spare worker already has torch imported; the time is `pool.grade(...)` for an
accepted solution, verdict only (no runtime-ratio timing). Cold: `python -c` that imports the grader
and grades the same file in a fresh worker (spawn + import torch twice: judge and worker + grade),
measured from outside as wall time. Ends with `warm_ms=... cold_ms=... ratio=...` (medians).
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


def warm_runs(path: Path, folder: Path, runs: int) -> list[float]:
    from drillcli.bank.challenges import load_challenge
    from drillcli.grader import GraderPool

    challenge = load_challenge(folder)
    times = []
    with GraderPool("cpu") as pool:
        for _ in range(runs + 1):  # the first one also builds the hidden tests: not counted
            pool.wait_ready()
            start = time.perf_counter()
            report = pool.grade(path, challenge, measure_runtime=False)
            times.append((time.perf_counter() - start) * 1000)
            assert report.verdict == "accepted", report.to_json()
    return times[1:]


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
        cold = cold_runs(path, folder, max(3, args.runs // 3))
    warm_ms, cold_ms = statistics.median(warm), statistics.median(cold)
    print(f"warm runs (ms): {' '.join(f'{t:.0f}' for t in warm)}")
    print(f"cold runs (ms): {' '.join(f'{t:.0f}' for t in cold)}")
    print(f"warm_ms={warm_ms:.1f} cold_ms={cold_ms:.0f} ratio={cold_ms / warm_ms:.1f}")


if __name__ == "__main__":
    main()
