"""Challenges on a schedule, in the terminal: the rating at the end of `drill code`, which challenge comes
next, a due challenge restarted from a fresh starter, and the challenges of `drill` (the daily drill)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from drillcli.bank.challenges import Challenge, challenge_folders, info, load_challenge
from drillcli.bank.vocab import ChallengeInfo
from drillcli.cli.context import Env
from drillcli.cli.keys import KeyReader
from drillcli.cli.render import console, human_delta, safe
from drillcli.store import challenge_states as cs
from drillcli.study.challenge_schedule import (
    ChallengeStatus,
    Standing,
    due_within,
    minutes_spent,
    ranked,
    standings,
    topic_frequency,
)
from drillcli.study.queue import start_of_day
from drillcli.study.scheduler import RATING_NAMES

if TYPE_CHECKING:
    from drillcli.coding.loop import ChallengeLoop


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Board:
    """Every challenge and where it stands now. A challenge's yaml is read only when the challenge itself is
    asked for (`by_id`): what the schedule reads comes from the cached `infos`."""

    infos: list[ChallengeInfo]
    table: dict[str, Standing]
    now: datetime
    folders: dict[str, Path] = field(default_factory=dict)
    loaded: dict[str, Challenge] = field(default_factory=dict, repr=False, compare=False)

    def by_id(self, challenge_id: str) -> Challenge:
        if challenge_id not in self.loaded:
            self.loaded[challenge_id] = load_challenge(self.folders[challenge_id])
        return self.loaded[challenge_id]

    @property
    def challenges(self) -> list[Challenge]:
        """Every challenge, built (every yaml read)."""
        return [self.by_id(c.id) for c in self.infos]


def board(env: Env, now: datetime | None = None, challenges: list[Challenge] | None = None) -> Board:
    """The board of `challenges`, or of every challenge in the banks (from the cache of their infos)."""
    now = now or utc_now()
    if challenges is not None:
        infos, loaded = [info(c) for c in challenges], {c.id: c for c in challenges}
        folders = {c.id: c.folder for c in challenges}
    else:
        infos, loaded = env.challenge_infos, {}
        folders = {f.name: f for f in challenge_folders(env.bank_dirs)}
    table = standings(infos, cs.challenge_states(env.store.db), env.store.attempts(), now)
    return Board(infos, table, now, folders, loaded)


def topic_recall(env: Env, now: datetime) -> dict[str, float]:
    """Mean predicted recall of each topic's cards now, a card not seen yet counting as 0."""
    from drillcli.study.scheduler import retrievability

    states = env.store.card_states()
    sums: dict[str, list[float]] = {}
    for ref in env.deck_refs:
        state = states.get(ref.id)
        sums.setdefault(ref.topic, []).append(retrievability(env.scheduler, state, now) if state else 0.0)
    return {t: sum(v) / len(v) for t, v in sums.items()}


def pick(env: Env, b: Board, within: float | None = None) -> Challenge | None:
    """What `drill code` without an id starts: the most overdue; else new, by topic weakness and frequency.
    `within`: only a new (or started) one of at most that many minutes (None when none fits)."""
    order = ranked(b.infos, b.table, b.now, topic_recall=topic_recall(env, b.now),
                   frequency=topic_frequency(env.deck_refs))
    if within is not None:
        fresh = (ChallengeStatus.NEW, ChallengeStatus.STARTED)
        order = [c for c in order if b.table[c.id].status in fresh and c.minutes <= within]
    return b.by_id(order[0].id) if order else None


# --- a due challenge starts from a fresh starter --------------------------------------------------------


def restart_if_due(challenge: Challenge, standing: Standing | None, workspace: Path) -> Path | None:
    """A due challenge is solved again from the starter. The file of the earlier solve is copied into the
    attempts history first (the path of the copy is returned). A file changed since the last rating is a
    re-solve in progress (stopped with Ctrl-C): it is resumed, not replaced. None: nothing to restart."""
    if standing is None or standing.status is not ChallengeStatus.DUE or not workspace.is_file():
        return None
    last = standing.state.last_review if standing.state and standing.state.last_review else standing.due
    try:
        changed = datetime.fromtimestamp(os.stat(workspace).st_mtime, tz=timezone.utc)
        old = workspace.read_bytes()
    except OSError:
        return None
    if last is not None and changed > last:
        return None
    starter = challenge.starter_path.read_bytes()
    if old == starter:
        return None
    from drillcli.coding.workspace import keep_copy

    copy = keep_copy(challenge.id, old)
    workspace.write_bytes(starter)
    return copy


def restart_due(env: Env, challenge: Challenge, workspace: Path) -> Path | None:
    """`restart_if_due` with the challenge's standing read from the store."""
    now = utc_now()
    states = {challenge.id: s} if (s := cs.challenge_state(env.store.db, challenge.id)) else {}
    tries = [a for a in env.store.attempts() if a.challenge_id == challenge.id]
    standing = standings([info(challenge)], states, tries, now)[challenge.id]
    return restart_if_due(challenge, standing, workspace)


def announce_restart(con: Console, copy: Path) -> None:
    con.print(f"[bold]Due again:[/] solve it from the starter. Your earlier file is kept at {safe(copy)}.",
              soft_wrap=True)


# --- the rating at the end of `drill code` --------------------------------------------------------------


def rate_attempt(env: Env, con: Console, loop: ChallengeLoop, keys: KeyReader | None = None) -> int:
    """Propose the rating the attempt earned, let the user keep it (Enter) or pick 1-4, and record it as
    the challenge's review. Returns the rating kept."""
    from drillcli.coding.loop import Outcome
    from drillcli.study.challenge_rating import (
        AttemptOutcome,
        challenge_scheduler,
        explain_rating,
        preview,
        propose_rating,
        review_challenge,
    )

    outcome = AttemptOutcome(accepted=loop.outcome is Outcome.ACCEPTED, solved_after_s=loop.tally.solved_after_s,
                             minutes=loop.minutes, hints_used=loop.tally.hints_used,
                             gave_up=loop.outcome is Outcome.GAVE_UP)
    proposed = propose_rating(outcome)
    now = utc_now()
    db = env.store.db
    cid = loop.challenge.id
    before = cs.challenge_state(db, cid)
    scheduler = challenge_scheduler(env.config.desired_retention)
    when = {r: human_delta(due - now) for r, due in preview(scheduler, cid, before, now).items()}
    con.print(f"Rating: [bold]{explain_rating(outcome)}[/] · back {when[proposed]}", soft_wrap=True)
    choices = " · ".join(f"{r} {RATING_NAMES[r]} ({when[r]})" for r in RATING_NAMES)
    con.print(f"[dim]Enter keeps it · or change it: {choices}[/]")
    try:
        key = (keys or KeyReader()).key()
    except KeyboardInterrupt:  # the attempt is saved already: keep the proposed rating rather than none
        key = None
        con.print("Ctrl-C: the proposed rating is kept.")
    rating = int(key) if key is not None and key in ("1", "2", "3", "4") else proposed
    after = review_challenge(scheduler, cid, before, rating, now)
    cs.record_challenge_review(db, rating=rating, proposed=proposed, reviewed_at=now, before=before, after=after,
                               attempt_id=cs.latest_attempt_id(db, cid), solve_s=loop.tally.solved_after_s,
                               minutes=loop.minutes, hints=loop.tally.hints_used)
    changed = "" if rating == proposed else f" (you changed it from {RATING_NAMES[proposed]})"
    con.print(f"Saved as {RATING_NAMES[rating]}{changed}: {safe(cid)} comes back {human_delta(after.due - now)}.",
              soft_wrap=True)
    return rating


def rating_hook(env: Env) -> Callable[[Console, ChallengeLoop], None]:
    """The callable `drill code` calls at its end screen: (console, loop) -> None."""

    def hook(con: Console, loop: ChallengeLoop) -> None:
        rate_attempt(env, con, loop)

    return hook


# --- the challenges of the daily drill ------------------------------------------------------------------


@dataclass(frozen=True)
class DailyChallenges:
    due: list[ChallengeInfo]  # due today, most overdue first, that fit in what is left of the budget
    due_total: int  # every due challenge, fitting or not
    budget: int  # challenge_minutes_per_day
    spent: float  # minutes of rated attempts today


def daily_challenges(env: Env, b: Board) -> DailyChallenges:
    spent = minutes_spent(cs.challenge_reviews(env.store.db, since=start_of_day(b.now)))
    budget = env.config.challenge_minutes_per_day
    fits = due_within(b.infos, b.table, max(0.0, budget - spent))
    due_total = sum(1 for s in b.table.values() if s.status is ChallengeStatus.DUE)
    return DailyChallenges(list(fits), due_total, budget, spent)


def daily_line(d: DailyChallenges) -> str | None:
    """The first screen's line about today's challenges (None when there is nothing to say)."""
    if not d.due and not d.due_total:
        return None
    if not d.due:
        left = max(0.0, d.budget - d.spent)
        return (f"{d.due_total} challenge{'s' if d.due_total != 1 else ''} due, more than the {left:.0f} min left "
                f"of today's {d.budget} min for challenges (challenge_minutes_per_day).")
    names = ", ".join(safe(c.id) for c in d.due)
    minutes = sum(c.minutes for c in d.due)
    more = f" ({d.due_total - len(d.due)} more wait for another day)" if d.due_total > len(d.due) else ""
    return f"After the cards: {len(d.due)} challenge{'s' if len(d.due) != 1 else ''} due, {names} " \
           f"({minutes:g} of {d.budget} min){more}."


def offer_due_challenges(env: Env, keys: KeyReader | None = None) -> None:
    """After the cards: each due challenge that fits in today's budget, most overdue first, one key to
    start each; with none due and time left, a new one (as `drill code` picks it)."""
    from drillcli.cli.code import run_timed

    keys = keys or KeyReader()
    offered: set[str] = set()
    while True:
        b = board(env)
        if not b.infos:
            return
        d = daily_challenges(env, b)
        todo = [c for c in d.due if c.id not in offered]
        fresh = None if todo or offered else pick(env, b, within=d.budget - d.spent)
        if todo:
            challenge, label = b.by_id(todo[0].id), "Challenge due again"
        elif fresh is not None:
            challenge, label = fresh, "Timed challenge"
        else:
            return
        offered.add(challenge.id)
        if not _accept(console(), keys, challenge, label):
            return
        run_timed(env, challenge, minutes=None, device="auto", fresh=False)


def _accept(con: Console, keys: KeyReader, challenge: Challenge, label: str) -> bool:
    m = challenge.meta
    con.print(f"\n{label}: [bold]{safe(m.title)}[/] ({safe(m.topic)}, {m.difficulty}, {m.minutes} min). "
              "Start it? \\[y/N] ", end="")
    key = keys.key()
    con.print()
    return key in ("y", "Y")
