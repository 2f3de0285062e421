"""The interview plan and `drill`'s first screen with challenges in the queue, on a large bank.

A generated bank of 5,000 cards (half of them with a review history, a tenth of those due) plus every
bundled challenge (half of them solved and due again), an interview date 30 days ahead. Measures
- plan: `make_plan` in process (the daily numbers and the day-by-day simulation to the interview), and
  `drill plan` from launch to exit;
- first screen: from launching `drill` to its first card, with the countdown and the due challenges above
  it, against `drill cards` to its first card on the same data (the session bench's measure) and against
  launching `python -c "import typer, rich.console"` (the bare start every bench compares with).
Run: python bench/plan.py
"""

from __future__ import annotations

import os
import select
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import drill_argv, time_command, write_bank, write_history  # noqa: E402

N_CARDS, N_REVIEWS, RUNS, DAYS = 5000, 50_000, 7, 30
FIRST_CARD = b"Space/Enter reveals"  # the first card's notice line


def time_to_first_card(args: list[str], env: dict[str, str]) -> float:
    """Milliseconds from spawning `drill ARGS` until its first card is on screen."""
    start = time.perf_counter()
    proc = subprocess.Popen([*drill_argv(), *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None and proc.stdin is not None
    seen = b""
    while FIRST_CARD not in seen:
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        chunk = os.read(proc.stdout.fileno(), 65536) if ready else b""
        if not chunk:
            raise RuntimeError(f"no card shown: {seen[-600:]!r} {proc.stderr.read() if proc.stderr else ''}")
        seen += chunk
    elapsed = (time.perf_counter() - start) * 1000
    proc.stdin.write(b"qn")  # quit the cards, decline the challenge
    proc.stdin.close()
    proc.wait(timeout=60)
    return elapsed


def due_challenges(db_path: Path, now: float) -> int:
    """Every other bundled challenge solved 10 days ago and due again; returns how many."""
    from drillcli.bank.challenges import load_challenges
    from drillcli.paths import bundled_bank_dir
    from drillcli.store import challenge_states as cs
    from drillcli.store.db import connect
    from drillcli.store.models import Attempt
    from drillcli.store.repo import Store
    from drillcli.study.challenge_rating import challenge_scheduler, review_challenge
    from drillcli.study.scheduler import GOOD

    store = Store(connect(db_path))
    at = datetime.fromtimestamp(now, tz=timezone.utc) - timedelta(days=10)
    chosen = load_challenges([bundled_bank_dir()])[::2]
    for ch in chosen:
        store.record_attempt(Attempt(ch.id, at - timedelta(minutes=8), at, "accepted", 5, 5, "cpu", 30.0,
                                     timed=True, minutes=ch.meta.minutes))
        after = review_challenge(challenge_scheduler(), ch.id, None, GOOD, at)
        cs.record_challenge_review(store.db, rating=GOOD, proposed=GOOD, reviewed_at=at, before=None, after=after)
    store.close()
    return len(chosen)


def plan_in_process(home: Path, interview: date) -> tuple[float, object]:
    """Median milliseconds of building the plan (reads included), and the plan."""
    os.environ["DRILL_HOME"] = str(home)
    from drillcli.cli.context import Env
    from drillcli.cli.plan import build_plan

    env = Env()
    now = datetime.now(timezone.utc)
    build_plan(env, interview, now)  # warm: the bank cache, the imports
    samples, plan = [], None
    for _ in range(RUNS):
        t0 = time.perf_counter()
        plan = build_plan(Env(), interview, now)
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), plan


def main() -> None:
    from drillcli.paths import bundled_challenges_dir

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bank, home = root / "bank", root / "home"
        ids = write_bank(bank, N_CARDS)
        (bank / "challenges").symlink_to(bundled_challenges_dir(), target_is_directory=True)
        home.mkdir()
        interview = date.today() + timedelta(days=DAYS)
        (home / "config.toml").write_text(f'include_bundled = false\nbanks = ["{bank}"]\n'
                                          f"interview_date = {interview.isoformat()}\n")
        now = time.time()
        write_history(home / "drill.db", ids[: N_CARDS // 2], N_REVIEWS, now)
        n_due = due_challenges(home / "drill.db", now)
        env = {**os.environ, "DRILL_HOME": str(home), "PYTHONUNBUFFERED": "1", "COLUMNS": "100"}
        time_to_first_card(["cards"], env)  # fills the bank cache
        pairs = [(time_to_first_card([], env), time_to_first_card(["cards"], env)) for _ in range(RUNS)]  # interleaved
        screen, cards = statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)
        plan_cmd = time_command([*drill_argv(), "plan"], RUNS, env)
        baseline = time_command([sys.executable, "-c", "import typer, rich.console"], RUNS, env)
        plan_ms, plan = plan_in_process(home, interview)
    q = plan.quota  # type: ignore[attr-defined]
    print(f"{N_CARDS} cards ({N_CARDS // 2} seen), {n_due} challenges due, interview in {DAYS} days: plan "
          f"{plan_ms:.0f} ms in process ({q.new_cards_per_day} new cards and {q.new_challenges_per_day} new "
          f"challenges a day, targets reached: {plan.reaches_target}), `drill plan` {plan_cmd:.0f} ms; "  # type: ignore[attr-defined]
          f"drill's first card {screen:.0f} ms with the countdown and challenges, `drill cards` {cards:.0f} ms, "
          f"bare typer+rich start {baseline:.0f} ms")
    print(f"plan_ms={plan_ms:.0f} plan_cmd_ms={plan_cmd:.0f} first_screen_ms={screen:.0f} first_card_ms={cards:.0f} "
          f"baseline_ms={baseline:.0f} screen_vs_cards={screen / cards:.2f} plan_cmd_vs_baseline="
          f"{plan_cmd / baseline:.2f}")


if __name__ == "__main__":
    main()
