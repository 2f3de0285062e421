"""The grader on a CUDA machine, in one prepared run (under 5 minutes). Skips cleanly without CUDA.

Run: python bench/gpu_check.py [--budget-s 240] [--device cpu]  (cpu: a dry run of the same steps)
Prints key=value lines:
- `isolation=...`: the sandbox level the CUDA workers ran under (the device files must stay reachable
  inside it: every accepted reference below proves they are);
- `pool_first_ms`, `warm_ms`, `cold_ms`: the warm pool's start until its first spare is ready, the
  median warm verdict (softmax reference), and a one-shot `drill check`-like grade;
- `references=A/N`: every bundled challenge's reference accepted with --device cuda;
- `mutants=R/M`: every known-wrong variant given its declared verdict (never accepted);
- `cuda_tol_cases=K`: hidden tests that widen their tolerance on CUDA (all inside the references above);
- `oom=...`: a submission that allocates past the GPU's memory gets `memory_limit`;
- `failed=...` lines name each miss; the last line sums it all up (`ok=1` when nothing failed).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OOM = '''import torch


def softmax(x, dim=-1):
    hog = torch.empty(1 << 40, dtype=torch.uint8, device=x.device)  # a terabyte
    return hog
'''


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget-s", type=float, default=240.0, help="stop grading mutants after this")
    parser.add_argument("--device", default="cuda", choices=["cuda", "cpu"], help="cpu: a dry run")
    args = parser.parse_args()
    import torch

    if args.device == "cuda" and not torch.cuda.is_available():
        print("cuda=unavailable skipped=1")
        return 0
    device = args.device
    from drillcli.bank.challenges import load_challenges
    from drillcli.grader import GraderPool, grade_file
    from drillcli.grader.pipeline import hidden_cases
    from drillcli.paths import bundled_bank_dir

    started = time.monotonic()
    challenges = {c.id: c for c in load_challenges([bundled_bank_dir()])}
    name = torch.cuda.get_device_name(0) if device == "cuda" else "none (dry run on the CPU)"
    figures: dict[str, object] = {"cuda": name.replace(" ", "_")}
    failures: list[str] = []
    with GraderPool(device) as pool:
        pool.start(challenges.get("softmax"))
        assert pool.wait_ready()
        figures["pool_first_ms"] = round((time.monotonic() - started) * 1000)
        figures["isolation"] = pool.isolation.line().replace(" ", "_")
        references(pool, challenges, figures, failures)
        figures["warm_ms"] = warm_ms(pool, challenges["softmax"]) if "softmax" in challenges else "n/a"
        figures["cuda_tol_cases"] = sum(1 for c in challenges.values() for case in hidden_cases(c, device)
                                        if getattr(case, "cuda_tol", None) is not None)
        figures["oom"] = out_of_memory(pool, challenges.get("softmax"))
        if figures["oom"] != "memory_limit":
            failures.append(f"oom:{figures['oom']}")
        mutants(pool, challenges, figures, failures, started + args.budget_s)
    if "softmax" in challenges:
        cold = time.monotonic()
        report = grade_file(challenges["softmax"].reference_path, challenges["softmax"], device,
                            measure_runtime=False)
        figures["cold_ms"] = round((time.monotonic() - cold) * 1000)
        if report.verdict != "accepted":
            failures.append(f"one-shot:softmax:{report.verdict}")
    for failure in failures:
        print(f"failed={failure}")
    figures["seconds"] = round(time.monotonic() - started)
    figures["ok"] = int(not failures)
    print(" ".join(f"{k}={v}" for k, v in figures.items()))
    return 0 if not failures else 1


def references(pool: object, challenges: dict[str, object], figures: dict[str, object],
               failures: list[str]) -> None:
    accepted = 0
    for cid, challenge in challenges.items():
        report = pool.grade(challenge.reference_path, challenge, measure_runtime=False)  # type: ignore[attr-defined]
        if report.verdict == "accepted":
            accepted += 1
        else:
            failures.append(f"reference:{cid}:{report.verdict}:{report.message[:80].replace(' ', '_')}")
    figures["references"] = f"{accepted}/{len(challenges)}"


def mutants(pool: object, challenges: dict[str, object], figures: dict[str, object], failures: list[str],
            deadline: float) -> None:
    right = total = 0
    for cid, challenge in challenges.items():
        for path in challenge.mutant_paths():  # type: ignore[attr-defined]
            if time.monotonic() > deadline:
                figures["mutants_incomplete"] = 1
                break
            expected = challenge.meta.mutants.get(path.stem)  # type: ignore[attr-defined]
            report = pool.grade(path, challenge, measure_runtime=False)  # type: ignore[attr-defined]
            total += 1
            if report.verdict != "accepted" and (expected is None or report.verdict == expected):
                right += 1
            else:
                failures.append(f"mutant:{cid}/{path.stem}:{report.verdict}:expected_{expected}")
    figures["mutants"] = f"{right}/{total}"


def warm_ms(pool: object, challenge: object, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        pool.wait_ready()  # type: ignore[attr-defined]
        start = time.perf_counter()
        pool.grade(challenge.reference_path, challenge, measure_runtime=False)  # type: ignore[attr-defined]
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def out_of_memory(pool: object, challenge: object) -> str:
    if challenge is None:
        return "n/a"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "oom.py"
        path.write_text(OOM, encoding="utf-8")
        return str(pool.grade(path, challenge, measure_runtime=False).verdict)  # type: ignore[attr-defined]


if __name__ == "__main__":
    sys.exit(main())
