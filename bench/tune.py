"""`drill tune` on 20,000 synthetic reviews: wall time and peak memory.

A simulated learner (drillcli.study.simulate) reviews 2,000 cards for 160 days, about 20,000 reviews, in a
fresh DRILL_HOME. Measures the whole `drill tune` command in its own process (time, peak RSS), against the
baseline of `drill --help` in the same run, and the share of the time that is the optimizer's fit.
Run: python bench/tune.py
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import drill_argv, time_command  # noqa: E402

from drillcli.store.db import connect  # noqa: E402
from drillcli.study.simulate import simulate  # noqa: E402


def main() -> None:
    events = simulate(cards=2000, days=160, start=datetime(2026, 1, 1, tzinfo=timezone.utc), seed=7)
    with tempfile.TemporaryDirectory() as home:
        db = connect(Path(home) / "drill.db")
        db.executemany("INSERT INTO review (card_id, rating, reviewed_at, duration_ms, state_after) "
                       "VALUES (?, ?, ?, ?, '{}')",
                       [(e.card_id, e.rating, e.reviewed_at.timestamp(), e.duration_ms) for e in events])
        db.close()
        env = {**os.environ, "DRILL_HOME": home}
        baseline_ms = time_command([*drill_argv(), "--help"], runs=5, env=env)
        start = time.perf_counter()
        out = subprocess.run([*drill_argv(), "tune"], env=env, capture_output=True, text=True, check=True)
        tune_s = time.perf_counter() - start
        peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(out.stdout.strip())
    print(f"reviews={len(events)} tune_s={tune_s:.1f} peak_rss_mib={peak_mib:.0f} "
          f"baseline_ms={baseline_ms:.0f} ratio={tune_s * 1000 / baseline_ms:.0f}")


if __name__ == "__main__":
    main()
