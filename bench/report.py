"""`drill report` over a long history: 5,000 cards beside the bundled bank, 100,000 reviews and 500 challenge
attempts.

Measures the whole command in its own process, terminal and HTML (target under 0.5 s each), against the
baseline the other benches use, `drill --help`, in the same run. Run: python bench/report.py
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import drill_argv, time_command, write_bank, write_history  # noqa: E402

N_CARDS, N_REVIEWS, N_ATTEMPTS, RUNS = 5000, 100_000, 500, 5


def write_attempts(db_path: Path, now: float, seed: int = 0) -> None:
    from drillcli.store.db import connect

    rng = random.Random(seed)
    ids = ["softmax", "layer_norm", "cross_entropy", "adam_step", "dropout", "multi_head_attention", "conv2d"]
    db = connect(db_path)
    rows = []
    for _ in range(N_ATTEMPTS):
        start = now - rng.uniform(0, 86400 * 120)
        verdict = rng.choice(["accepted", "wrong_answer", "runtime_error", "accepted"])
        rows.append((rng.choice(ids), start, start + rng.uniform(60, 1800), verdict, 5, 7, "cpu", 40.0,
                     rng.uniform(0.8, 3) if verdict == "accepted" else None, 1, 15.0, None))
    db.executemany("INSERT INTO attempt (challenge_id, started_at, finished_at, verdict, passed, total, device,"
                   " elapsed_ms, runtime_ratio, timed, minutes, file) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    db.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home, bank = Path(tmp) / "home", Path(tmp) / "bank"
        home.mkdir()
        ids = write_bank(bank, N_CARDS)
        (home / "config.toml").write_text(f'banks = ["{bank}"]\n')
        now = time.time()
        write_history(home / "drill.db", ids, N_REVIEWS, now)
        write_attempts(home / "drill.db", now)
        env = {**os.environ, "DRILL_HOME": str(home), "COLUMNS": "110"}
        drill = drill_argv()
        time_command([*drill, "report"], runs=1, env=env)  # builds the card cache once
        baseline = time_command([*drill, "--help"], runs=RUNS, env=env)
        terminal = time_command([*drill, "report"], runs=RUNS, env=env)
        html = time_command([*drill, "report", "--html", str(Path(tmp) / "r.html")], runs=RUNS, env=env)
        json_ms = time_command([*drill, "report", "--json"], runs=RUNS, env=env)
    print(f"cards={N_CARDS} reviews={N_REVIEWS} attempts={N_ATTEMPTS} baseline_ms={baseline:.0f} "
          f"terminal_ms={terminal:.0f} html_ms={html:.0f} json_ms={json_ms:.0f} "
          f"terminal_ratio={terminal / baseline:.2f} html_ratio={html / baseline:.2f}")


if __name__ == "__main__":
    main()
