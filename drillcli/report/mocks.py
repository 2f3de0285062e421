"""The report's mock-interview history: plain rows (terminal and JSON) and its HTML section (an SVG chart of the
score over time, and a table). Pure: the stored mocks and `now` come in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from html import escape
from typing import Any

from drillcli.store.mocks import AREAS, MockRow

GRACE = timedelta(minutes=30)  # a mock still "running" this long after its end was cut off (killed, closed)
STATUS_WORDS = {"done": "done", "time_up": "time up", "stopped": "stopped", "running": "running",
                "unfinished": "cut off"}


def mock_history(rows: Sequence[MockRow], now: datetime) -> list[dict[str, Any]]:
    """Each mock, oldest first: when, how long, the topic, how it ended, the score overall and per area."""
    return [_row(m, now) for m in rows]


def _row(m: MockRow, now: datetime) -> dict[str, Any]:
    status = m.status
    if status == "running" and now > m.started_at + timedelta(minutes=m.minutes) + GRACE:
        status = "unfinished"  # the process ended without saying how: what was answered is still there
    return {"id": m.id, "started_at": m.started_at.isoformat(timespec="seconds"), "minutes": m.minutes,
            "topic": m.topic, "status": status, "score": m.score,
            **{area: m.area_scores.get(area) for area in AREAS}}


def last_score(history: Sequence[dict[str, Any]]) -> float | None:
    scored = [m["score"] for m in history if m["score"] is not None]
    return scored[-1] if scored else None


# --- HTML ------------------------------------------------------------------------------------------------------

def mocks_html(history: Sequence[dict[str, Any]]) -> str:
    if not history:
        return "<p class='note'>No mock interviews recorded yet. <code>drill mock</code> runs one.</p>"
    return _chart(history) + _table(history)


def _local(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone().strftime("%d %b %H:%M")


def _chart(history: Sequence[dict[str, Any]]) -> str:
    """Score over time, one point per mock in order (hollow: stopped or cut off), with 50% and 80% lines."""
    scored = [m for m in history if m["score"] is not None]
    if not scored:
        return "<p class='note'>No mock has a score yet.</p>"
    left, top, width, height = 40, 10, 600, 160
    step = width / max(1, len(scored) - 1)
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' role='img' aria-label='mock interview scores' "
           f"viewBox='0 0 {left + width + 20} {top + height + 30}' width='100%' preserveAspectRatio='xMinYMin meet'>"]
    for level, label in ((0.0, "0%"), (0.5, "50%"), (0.8, "80%"), (1.0, "100%")):
        y = top + height * (1 - level)
        out.append(f"<line x1='{left}' y1='{y:.1f}' x2='{left + width}' y2='{y:.1f}' stroke='var(--line)'/>"
                   f"<text x='0' y='{y + 4:.1f}'>{label}</text>")
    points = [(left + i * step if len(scored) > 1 else left + width / 2, top + height * (1 - m["score"]))
              for i, m in enumerate(scored)]
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        out.append(f"<polyline points='{path}' fill='none' stroke='var(--accent)' stroke-width='2'/>")
    for (x, y), m in zip(points, scored):
        full = m["status"] in ("done", "time_up")
        fill = "var(--accent)" if full else "var(--card)"
        out.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='5' fill='{fill}' stroke='var(--accent)' stroke-width='2' "
                   f"data-id='{m['id']}' data-score='{m['score']}' data-status='{escape(m['status'])}'>"
                   f"<title>{escape(_local(m['started_at']))}: {m['score']:.0%} "
                   f"({escape(STATUS_WORDS.get(m['status'], m['status']))})</title></circle>")
    first, last = scored[0], scored[-1]
    out.append(f"<text x='{left}' y='{top + height + 22}'>{escape(_local(first['started_at']))}</text>")
    if len(scored) > 1:
        out.append(f"<text x='{left + width}' y='{top + height + 22}' text-anchor='end'>"
                   f"{escape(_local(last['started_at']))}</text>")
    out.append("</svg>")
    return "".join(out)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _table(history: Sequence[dict[str, Any]]) -> str:
    rows = ["<table><tr><th>when</th><th>topic</th><th class='n'>minutes</th><th>ended</th><th class='n'>score</th>"
            + "".join(f"<th class='n'>{a}</th>" for a in AREAS) + "</tr>"]
    for m in reversed(history):
        rows.append(f"<tr data-id='{m['id']}'><td>{escape(_local(m['started_at']))}</td>"
                    f"<td>{escape(m['topic'] or 'all')}</td><td class='n'>{m['minutes']:g}</td>"
                    f"<td>{escape(STATUS_WORDS.get(m['status'], m['status']))}</td>"
                    f"<td class='n'><b>{_pct(m['score'])}</b></td>"
                    + "".join(f"<td class='n'>{_pct(m[a])}</td>" for a in AREAS) + "</tr>")
    rows.append("</table><p class='note'>Newest first. Hollow points: mocks stopped before the end (questions not "
                "reached count 0). Explain 40%, numeric 20%, coding 40% of the score.</p>")
    return "".join(rows)
