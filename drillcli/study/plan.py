"""A plan to be ready by an interview date. Pure: the bank, the states and `now` come in.

The daily numbers are arithmetic: every card not seen yet and every challenge not yet attempted is spread
over the study days (today up to the day before the interview), keeping the last fifth of them for reviews
only. The plan is then checked by simulating it with the scheduler: each day the cards and challenges due
are reviewed, the day's new ones are learned (in the order `drill` shows them), and on the last day the
targets (the most-asked questions and the cards asked often) whose predicted recall at the interview would
be under 0.9 are reviewed once more. The simulation rates every review Good: it shows what following the
plan gives when the answers come, not what happens after a lapse.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import fsrs

from drillcli.bank.topics import TOPICS, topic_title
from drillcli.bank.vocab import ASKED_ORDER, Asked
from drillcli.store.models import CardState
from drillcli.study.challenge_schedule import ChallengeLike, ChallengeStatus, Standing, ranked, topic_frequency
from drillcli.study.queue import Queueable, end_of_day

TARGET_RECALL = 0.9
INTERVIEW_HOUR = 9  # the interview is taken to start at 09:00 local time on its day
REVIEW_SECONDS = 15  # an estimate of one card review, for the minutes a day takes
RESERVE_SHARE = 5  # the last 1/5 of the study days introduce nothing new
_FSRS_STATES = {"learning": fsrs.State.Learning, "review": fsrs.State.Review, "relearning": fsrs.State.Relearning}


@dataclass(frozen=True)
class PlanInput:
    cards: Sequence[Queueable]
    card_states: Mapping[str, CardState]
    challenges: Sequence[ChallengeLike]
    challenge_table: Mapping[str, Standing]
    interview: date
    now: datetime
    new_cards_today: int = 0  # cards seen for the first time today (before `now`)
    new_challenges_today: int = 0  # challenges rated for the first time today


@dataclass(frozen=True)
class Quota:
    """How many new items a day the plan asks for."""

    days_left: int  # whole days from today to the interview day
    study_days: int  # today up to the day before the interview
    intro_days: int  # the first of those, in which new items come
    new_cards_per_day: int
    new_challenges_per_day: int


@dataclass(frozen=True)
class DayPlan:
    day: date
    new_cards: int
    card_reviews: int  # every showing of a card that day, the new ones' learning steps included
    new_challenges: int
    challenge_reviews: int  # due challenges re-solved
    refreshed: int  # targets reviewed ahead on the last day
    minutes: float  # an estimate: card reviews at 15 s, challenges at their time limit
    challenge_minutes: float = 0.0  # the challenges' part of `minutes`


@dataclass(frozen=True)
class TopicOutlook:
    topic: str
    title: str
    cards: int
    unseen: int
    recall_now: float | None  # mean predicted recall of the seen cards, now
    recall_on_day: float | None  # the same on the interview day, with no more study
    planned_recall: float | None  # mean over all the topic's cards on the day, the plan followed
    challenges: int
    unsolved: int
    due_by_day: int  # challenges that will be due before the interview, as things stand


@dataclass(frozen=True)
class TargetOutlook:
    id: str
    topic: str
    most_asked: bool
    recall_now: float | None
    recall_on_day: float | None
    planned_recall: float


@dataclass(frozen=True)
class Today:
    new_cards_planned: int
    new_cards_done: int
    due_cards: int
    new_challenges_planned: int
    new_challenges_done: int
    due_challenges: int

    @property
    def done(self) -> bool:
        return (self.new_cards_done >= self.new_cards_planned and self.due_cards == 0
                and self.new_challenges_done >= self.new_challenges_planned and self.due_challenges == 0)


@dataclass(frozen=True)
class Plan:
    interview: date
    quota: Quota
    cards_unseen: int
    challenges_unsolved: int
    today: Today
    topics: list[TopicOutlook] = field(default_factory=list)
    targets: list[TargetOutlook] = field(default_factory=list)
    days: list[DayPlan] = field(default_factory=list)
    lowest_target: float | None = None  # the lowest planned recall of a target on the day
    reaches_target: bool = False

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["today"]["done"] = self.today.done
        return data


def interview_moment(day: date, now: datetime) -> datetime:
    """09:00 local time on the interview day, in `now`'s timezone."""
    return datetime.combine(day, time(INTERVIEW_HOUR)).astimezone(now.astimezone().tzinfo)


def days_left(day: date, now: datetime) -> int:
    return (day - now.astimezone().date()).days


def make_quota(days: int, unseen_cards: int, unattempted: int) -> Quota:
    """Spread what is not seen yet over the first four fifths of the study days (at least one day)."""
    study = max(days, 0)
    intro = max(1, study - study // RESERVE_SHARE) if study else 0
    return Quota(days, study, intro, math.ceil(unseen_cards / intro) if intro else 0,
                 math.ceil(unattempted / intro) if intro else 0)


def is_target(card: Queueable) -> bool:
    """A card the plan brings to 0.9 on the day: a most-asked question or one asked often."""
    return card.most_asked or Asked(getattr(card, "asked", Asked.MEDIUM)) is Asked.HIGH


@dataclass(frozen=True)
class Progress:
    """The counts today's numbers are made of (cheap to read: no simulation, no card states)."""

    unseen_cards: int
    due_cards: int
    new_cards_today: int  # cards seen for the first time today
    unattempted: int  # challenges never rated (new, or started and not finished)
    new_challenges_today: int  # challenges rated for the first time today
    due_challenges: int  # due challenges that fit in what is left of today's challenge time


def quota_of(days: int, p: Progress) -> Quota:
    """Today's numbers count what was already done today, so they do not shrink as the day's work is done."""
    return make_quota(days, p.unseen_cards + p.new_cards_today, p.unattempted + p.new_challenges_today)


def today_of(quota: Quota, p: Progress) -> Today:
    """What today asks and what is done of it."""
    studying = quota.study_days > 0
    cards = min(quota.new_cards_per_day, p.unseen_cards + p.new_cards_today) if studying else 0
    challenges = min(quota.new_challenges_per_day, p.unattempted + p.new_challenges_today) if studying else 0
    return Today(cards, p.new_cards_today, p.due_cards, challenges, p.new_challenges_today, p.due_challenges)


def progress_of(inp: PlanInput, due_challenges: int = 0) -> Progress:
    return Progress(sum(1 for c in inp.cards if c.id not in inp.card_states),
                    sum(1 for s in inp.card_states.values() if s.due <= inp.now), inp.new_cards_today,
                    _unattempted(inp), inp.new_challenges_today, due_challenges)


def make_plan(inp: PlanInput, scheduler: fsrs.Scheduler, challenge_scheduler: fsrs.Scheduler,
              due_challenges: int = 0) -> Plan:
    """The daily numbers, checked by simulating them up to the interview."""
    progress = progress_of(inp, due_challenges)
    quota = quota_of(days_left(inp.interview, inp.now), progress)
    sim = _Simulation(inp, quota, scheduler, challenge_scheduler)
    days = sim.run()
    at = interview_moment(inp.interview, inp.now)
    recall_now = {cid: _recall(scheduler, s, inp.now) for cid, s in inp.card_states.items()}
    recall_day = {cid: _recall(scheduler, s, at) for cid, s in inp.card_states.items()}
    planned = {cid: float(scheduler.get_card_retrievability(card, at)) for cid, card in sim.cards.items()}
    targets = [TargetOutlook(c.id, c.topic, c.most_asked, _round(recall_now.get(c.id)),
                             _round(recall_day.get(c.id)), round(planned.get(c.id, 0.0), 3))
               for c in inp.cards if is_target(c)]
    targets.sort(key=lambda t: (not t.most_asked, t.planned_recall, t.id))
    lowest = min((t.planned_recall for t in targets), default=None)
    return Plan(
        interview=inp.interview, quota=quota,
        cards_unseen=sum(1 for c in inp.cards if c.id not in inp.card_states),
        challenges_unsolved=sum(1 for s in inp.challenge_table.values() if not s.solved),
        today=today_of(quota, progress),
        topics=_topics(inp, recall_now, recall_day, planned, at), targets=targets, days=days,
        lowest_target=lowest, reaches_target=lowest is None or lowest >= TARGET_RECALL,
    )


def _unattempted(inp: PlanInput) -> int:
    return sum(1 for s in inp.challenge_table.values() if s.status in (ChallengeStatus.NEW, ChallengeStatus.STARTED))


def _recall(scheduler: fsrs.Scheduler, state: CardState, at: datetime) -> float:
    return float(scheduler.get_card_retrievability(to_fsrs(state), at))


def _round(value: float | None) -> float | None:
    return round(value, 3) if value is not None else None


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def _topics(inp: PlanInput, now: dict[str, float], on_day: dict[str, float], planned: dict[str, float],
            at: datetime) -> list[TopicOutlook]:
    members: dict[str, list[Queueable]] = defaultdict(list)
    for c in inp.cards:
        members[c.topic].append(c)
    challenges: dict[str, list[Standing]] = defaultdict(list)
    for ch in inp.challenges:
        challenges[ch.topic].append(inp.challenge_table[ch.id])
    rows = []
    for topic in [t for t in TOPICS if t in members or t in challenges] + sorted(
            (set(members) | set(challenges)) - set(TOPICS)):
        ids = [c.id for c in members[topic]]
        mine = challenges[topic]
        rows.append(TopicOutlook(
            topic, topic_title(topic), len(ids), sum(1 for i in ids if i not in inp.card_states),
            _mean([now[i] for i in ids if i in now]), _mean([on_day[i] for i in ids if i in on_day]),
            _mean([planned.get(i, 0.0) for i in ids]), len(mine), sum(1 for s in mine if not s.solved),
            sum(1 for s in mine if s.due is not None and s.due <= at)))
    return rows


def to_fsrs(state: CardState) -> fsrs.Card:
    return fsrs.Card(card_id=0, state=_FSRS_STATES[state.state], step=state.step, stability=state.stability,
                     difficulty=state.difficulty, due=state.due, last_review=state.last_review)


def new_card_order(cards: Sequence[Queueable]) -> list[Queueable]:
    """New cards in the order a session shows them: most-asked first, then by topic, asked often first."""
    rank = {t: i for i, t in enumerate(TOPICS)}
    return sorted(cards, key=lambda c: (not c.most_asked, rank.get(c.topic, len(rank)),
                                        ASKED_ORDER[Asked(getattr(c, "asked", Asked.MEDIUM))]))


class _Simulation:
    """The plan followed day by day, every review rated Good."""

    def __init__(self, inp: PlanInput, quota: Quota, scheduler: fsrs.Scheduler,
                 challenge_scheduler: fsrs.Scheduler) -> None:
        self.inp = inp
        self.quota = quota
        self.scheduler = scheduler
        self.challenge_scheduler = challenge_scheduler
        self.cards = {cid: to_fsrs(s) for cid, s in inp.card_states.items()}
        self.queue = [(c.due.timestamp(), cid) for cid, c in self.cards.items()]  # a heap by due time
        heapq.heapify(self.queue)
        self.fresh = [c.id for c in new_card_order([c for c in inp.cards if c.id not in inp.card_states])]
        self.minutes = {c.id: float(c.minutes) for c in inp.challenges}
        self.challenges = self._challenge_cards()
        self.fresh_challenges = self._unattempted_order()
        self.targets = [c.id for c in inp.cards if is_target(c)]
        self.at = interview_moment(inp.interview, inp.now)

    def _challenge_cards(self) -> dict[str, fsrs.Card]:
        out = {}
        for cid, s in self.inp.challenge_table.items():
            if s.state is not None:
                out[cid] = to_fsrs(s.state)
            elif s.status is ChallengeStatus.DUE:  # solved before schedules: due since then, never rated
                out[cid] = fsrs.Card(card_id=0, due=s.due or self.inp.now)
        return out

    def _unattempted_order(self) -> list[str]:
        todo = [c for c in self.inp.challenges
                if self.inp.challenge_table[c.id].status in (ChallengeStatus.NEW, ChallengeStatus.STARTED)]
        if not todo:
            return []
        freq = topic_frequency(self.inp.cards)
        return [c.id for c in ranked(todo, self.inp.challenge_table, self.inp.now, frequency=freq)]

    def run(self) -> list[DayPlan]:
        days = []
        for i in range(self.quota.study_days):
            moment = self.inp.now + timedelta(days=i)
            days.append(self._day(moment, last=i == self.quota.study_days - 1, first=i == 0))
        return days

    def _day(self, moment: datetime, *, last: bool, first: bool) -> DayPlan:
        end = end_of_day(moment)
        due = self._due_cards(end)
        reviews = sum(self._learn(self.scheduler, self.cards, cid, moment) for cid in due)
        new_cards = self._take(self.fresh, self.quota.new_cards_per_day - (self.inp.new_cards_today if first else 0))
        for cid in new_cards:
            self.cards[cid] = fsrs.Card(card_id=0, due=moment)
            reviews += self._learn(self.scheduler, self.cards, cid, moment)
        for cid in [*due, *new_cards]:
            heapq.heappush(self.queue, (self.cards[cid].due.timestamp(), cid))
        due_ch = [cid for cid, c in self.challenges.items() if c.due <= end]
        new_ch = self._take(self.fresh_challenges,
                            self.quota.new_challenges_per_day - (self.inp.new_challenges_today if first else 0))
        for cid in due_ch + new_ch:
            self.challenges.setdefault(cid, fsrs.Card(card_id=0, due=moment))
            self._learn(self.challenge_scheduler, self.challenges, cid, moment)
        refreshed = self._refresh(moment) if last else 0
        coding = sum(self.minutes[c] for c in due_ch + new_ch if c in self.minutes)
        minutes = (reviews + refreshed) * REVIEW_SECONDS / 60 + coding
        return DayPlan(moment.astimezone().date(), len(new_cards), reviews, len(new_ch), len(due_ch), refreshed,
                       round(minutes, 1), coding)

    def _due_cards(self, end: datetime) -> list[str]:
        """The cards due by `end`, taken off the heap (`_day` puts each back once reviewed)."""
        limit, due = end.timestamp(), []
        while self.queue and self.queue[0][0] <= limit:
            _, cid = heapq.heappop(self.queue)
            due.append(cid)
        return due

    @staticmethod
    def _take(pool: list[str], count: int) -> list[str]:
        taken = pool[:max(count, 0)]
        del pool[:len(taken)]
        return taken

    def _refresh(self, moment: datetime) -> int:
        """On the last day: review once more each target that would be under 0.9 at the interview."""
        weak = [cid for cid in self.targets if cid in self.cards
                and self.scheduler.get_card_retrievability(self.cards[cid], self.at) < TARGET_RECALL]
        return sum(self._learn(self.scheduler, self.cards, cid, moment) for cid in weak)

    @staticmethod
    def _learn(scheduler: fsrs.Scheduler, cards: dict[str, fsrs.Card], cid: str, moment: datetime) -> int:
        """Rate Good at `moment`, then through the learning steps due the same day; the number of showings."""
        at, shown = moment, 0
        card = cards[cid]
        for _ in range(8):
            card, _ = scheduler.review_card(card, fsrs.Rating.Good, review_datetime=at)
            shown += 1
            if card.state is fsrs.State.Review or card.due - at > timedelta(hours=12):
                break
            at = card.due
        cards[cid] = card
        return shown
