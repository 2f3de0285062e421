"""Flashcard session speed with a large bank and a long history.

A generated bank of 5,000 cards and 100,000 reviews in the store. Measures
- start: from launching `drill cards` to the first card on screen (target ≤ 300 ms), against launching
  `python -c "import typer, rich.console"` in the same run, with the bank cache warm and cold;
- step: from a grade to the next card drawn (target ≤ 20 ms): scheduling, the committed write, rendering.
Run: python bench/session.py
"""

from __future__ import annotations

import io
import os
import select
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import drill_argv, time_command, write_bank, write_history  # noqa: E402

N_CARDS, N_REVIEWS, RUNS = 5000, 100_000, 7


def time_to_first_card(env: dict[str, str]) -> float:
    """Milliseconds from spawning `drill cards` until its first card header is printed."""
    start = time.perf_counter()
    proc = subprocess.Popen([*drill_argv(), "cards"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None and proc.stdin is not None
    seen = b""
    while b"1/" not in seen:
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        chunk = os.read(proc.stdout.fileno(), 65536) if ready else b""
        if not chunk:
            raise RuntimeError(f"no card shown: {seen[-400:]!r} {proc.stderr.read() if proc.stderr else ''}")
        seen += chunk
    elapsed = (time.perf_counter() - start) * 1000
    proc.stdin.write(b"q")
    proc.stdin.close()
    proc.wait(timeout=30)
    return elapsed


def step_latencies(home: Path, bank: Path, steps: int = 200) -> list[float]:
    """In process: grade the current card, commit it, render the next one to an off-screen console."""
    os.environ["DRILL_HOME"] = str(home)
    from rich.console import Console

    from drillcli.bank.loader import load_bank
    from drillcli.cli.session_view import CardView, card_panel
    from drillcli.store.repo import Store
    from drillcli.study.queue import QueueFilter
    from drillcli.study.scheduler import GOOD
    from drillcli.study.session import SessionOptions, Show, StudySession

    def clock() -> datetime:
        return datetime.now(timezone.utc)

    cards = {c.id: c for c in load_bank([bank]).cards}
    store = Store.open(home / "drill.db")
    options = SessionOptions(filter=QueueFilter(limit=steps + 1), new=0)
    session = StudySession(store, list(cards.values()), options, clock)
    screen = Console(file=io.StringIO(), width=100)
    samples = []
    step = session.next()
    for _ in range(min(steps, session.planned - 1)):
        assert isinstance(step, Show)
        t0 = time.perf_counter()
        session.grade(step.card_id, GOOD, 3000)
        step = session.next()
        assert isinstance(step, Show)
        card = cards[step.card_id]
        screen.print(card_panel(CardView(card, step.index, step.planned, step.state, session.scheduler, True,
                                         clock)))
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bank, home = root / "bank", root / "home"
        ids = write_bank(bank, N_CARDS)
        home.mkdir()
        (home / "config.toml").write_text(f'include_bundled = false\nbanks = ["{bank}"]\n')
        write_history(home / "drill.db", ids, N_REVIEWS, time.time())
        env = {**os.environ, "DRILL_HOME": str(home), "PYTHONUNBUFFERED": "1", "COLUMNS": "100"}
        cold = time_to_first_card(env)  # parses 5,000 cards of YAML and fills the cache
        warm = statistics.median(time_to_first_card(env) for _ in range(RUNS))
        baseline = time_command([sys.executable, "-c", "import typer, rich.console"], RUNS, env)
        steps = step_latencies(home, bank)
    p50, p95 = statistics.median(steps), statistics.quantiles(steps, n=20)[-1]
    print(f"{N_CARDS} cards, {N_REVIEWS} reviews: first card {warm:.0f} ms warm ({cold:.0f} ms with a cold "
          f"bank cache), bare typer+rich start {baseline:.0f} ms; grade -> next card p50 {p50:.1f} ms, "
          f"p95 {p95:.1f} ms over {len(steps)} steps")
    print(f"first_card_ms={warm:.0f} first_card_cold_ms={cold:.0f} baseline_ms={baseline:.0f} "
          f"ratio={warm / baseline:.2f} step_p50_ms={p50:.1f} step_p95_ms={p95:.1f}")


if __name__ == "__main__":
    main()
