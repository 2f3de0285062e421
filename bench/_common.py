"""Helpers shared by the benchmarks: timing a command, medians, a generated bank and history."""

from __future__ import annotations

import os
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

TOPICS = ["basics", "backprop", "activations", "losses", "optimizers", "cnn", "rnn", "attention", "init",
          "normalization", "regularization", "pytorch", "debugging"]


def compile_package() -> None:
    """Byte-compile drillcli as `pip install` does, so that a command is timed as a user runs it even where
    PYTHONDONTWRITEBYTECODE keeps Python from caching what it compiles."""
    import compileall

    compileall.compile_dir(Path(__file__).resolve().parents[1] / "drillcli", quiet=1)


compile_package()


def time_command(argv: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    """Median wall time of a command, in milliseconds."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
                       env=env or os.environ.copy())
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def drill_argv() -> list[str]:
    script = Path(sys.executable).with_name("drill")
    return [str(script)] if script.exists() else [sys.executable, "-m", "drillcli"]


def write_bank(root: Path, n_cards: int, seed: int = 0) -> list[str]:
    """A bank of `n_cards` recall/mcq/numeric cards spread over the topics; returns the ids."""
    rng = random.Random(seed)
    (root / "cards").mkdir(parents=True, exist_ok=True)
    ids: list[str] = []
    per_topic = n_cards // len(TOPICS) + 1
    for topic in TOPICS:
        lines = ["format: 1", f"topic: {topic}", "cards:"]
        for i in range(per_topic):
            if len(ids) >= n_cards:
                break
            cid = f"{topic}-bench-{i}"
            ids.append(cid)
            kind = rng.choice(["recall", "mcq", "numeric"])
            lines += [f"  - id: {cid}", f"    type: {kind}", "    tags: [bench]", "    difficulty: 2",
                      f"    prompt: 'Question {i} about {topic}: what is the value of item {rng.random():.6f}?'"]
            if kind == "recall":
                lines.append(f"    answer: 'An answer of a few words, number {i}.'")
            elif kind == "mcq":
                lines += ["    choices: [alpha, beta, gamma, delta]", "    answer: beta",
                          "    explanation: 'Beta, because of reasons.'"]
            else:
                lines += [f"    answer: {i}", "    tolerance: 0", f"    check: '{i}'"]
        (root / "cards" / f"{topic}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ids


def write_history(db_path: Path, ids: list[str], n_reviews: int, now: float, seed: int = 0) -> None:
    """`n_reviews` reviews spread over the last year, in time order as drill appends them, and a state for every
    card (a tenth of them due)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from drillcli.store.db import connect

    rng = random.Random(seed)
    db = connect(db_path)
    db.execute("BEGIN")
    states = []
    for cid in ids:
        due = now - rng.uniform(0, 86400 * 5) if rng.random() < 0.1 else now + rng.uniform(3600, 86400 * 60)
        states.append((cid, "review", None, rng.uniform(1, 60), rng.uniform(1, 10), due, now - 86400, 5,
                       rng.randint(0, 2)))
    db.executemany("INSERT INTO card_state VALUES (?,?,?,?,?,?,?,?,?)", states)
    state_json = '{"card_id": "x", "state": "review", "step": null, "stability": 3.0, "difficulty": 5.0,' \
                 ' "due": 0, "last_review": 0, "reps": 1, "lapses": 0}'
    times = sorted(now - rng.uniform(0, 86400 * 365) for _ in range(n_reviews))
    rows = ((rng.choice(ids), rng.randint(1, 4), at, 4000, state_json, state_json) for at in times)
    db.executemany("INSERT INTO review (card_id, rating, reviewed_at, duration_ms, state_before, state_after)"
                   " VALUES (?,?,?,?,?,?)", rows)
    db.execute("COMMIT")
    db.close()


def assert_sqlite_ok() -> None:
    sqlite3.connect(":memory:").close()
