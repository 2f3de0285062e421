"""The report as one self-contained HTML page (no scripts, no external files)."""

from __future__ import annotations

from html import escape

from drillcli.report.build import Report

_CSS = """
body{font:15px/1.5 system-ui,sans-serif;max-width:900px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%}td,th{padding:4px 8px;border-bottom:1px solid #eee;text-align:left}
td.n,th.n{text-align:right}.bar{background:#4a7;height:10px;display:inline-block}
.tiles{display:flex;gap:1em;flex-wrap:wrap}.tile{border:1px solid #ddd;border-radius:6px;padding:.6em 1em}
.tile b{display:block;font-size:1.5em}.weak{color:#b33}
"""


def render_html(report: Report) -> str:
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>drill report</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Progress report</h1><p>Generated {escape(report.generated_at)}, last {report.days} days.</p>",
        _tiles(report), _topics(report), _challenges(report), _weak(report), _daily(report),
        "</body></html>",
    ]
    return "\n".join(parts)


def _tiles(r: Report) -> str:
    tiles = [("Reviews", r.reviews_total), ("Due today", r.due_today), ("Streak (days)", r.streak_days),
             ("New cards", r.cards["new"]), ("In review", r.cards["review"]),
             ("Challenges solved", f"{r.challenges.solved}/{r.challenges.available}")]
    body = "".join(f"<div class='tile'><b>{escape(str(v))}</b>{escape(k)}</div>" for k, v in tiles)
    return f"<div class='tiles'>{body}</div>"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _topics(r: Report) -> str:
    rows = "".join(
        f"<tr><td>{escape(t.title)}</td><td class='n'>{t.cards}</td><td class='n'>{t.reviewed}</td>"
        f"<td class='n'>{t.mastered}</td><td class='n'>{t.due}</td><td class='n'>{_pct(t.retention)}</td>"
        f"<td><span class='bar' style='width:{int(100 * t.reviewed / max(t.cards, 1))}px'></span></td></tr>"
        for t in r.topics)
    head = ("<tr><th>Topic</th><th class='n'>Cards</th><th class='n'>Seen</th><th class='n'>Mastered</th>"
            "<th class='n'>Due</th><th class='n'>Retention</th><th>Coverage</th></tr>")
    return f"<h2>Topics</h2><table>{head}{rows}</table>"


def _challenges(r: Report) -> str:
    c = r.challenges
    rows = "".join(
        f"<tr><td>{escape(x.id)}</td><td class='n'>{x.attempts}</td><td>{'solved' if x.solved else ''}</td>"
        f"<td>{escape(x.last_verdict)}</td></tr>" for x in c.by_challenge)
    head = "<tr><th>Challenge</th><th class='n'>Attempts</th><th>Status</th><th>Last verdict</th></tr>"
    return (f"<h2>Coding challenges</h2><p>{c.solved} solved of {c.available}, {c.attempts} attempts.</p>"
            f"<table>{head}{rows}</table>")


def _weak(r: Report) -> str:
    if not r.weak:
        return "<h2>Weak cards</h2><p>None yet.</p>"
    rows = "".join(f"<tr class='weak'><td>{escape(w.id)}</td><td>{escape(w.topic)}</td>"
                   f"<td class='n'>{w.lapses}</td><td class='n'>{w.retrievability:.0%}</td></tr>" for w in r.weak)
    head = "<tr><th>Card</th><th>Topic</th><th class='n'>Lapses</th><th class='n'>Recall now</th></tr>"
    return f"<h2>Weak cards</h2><table>{head}{rows}</table>"


def _daily(r: Report) -> str:
    peak = max((d["reviews"] for d in r.daily), default=0) or 1
    rows = "".join(f"<tr><td>{d['date']}</td><td class='n'>{d['reviews']}</td><td><span class='bar' "
                   f"style='width:{int(200 * d['reviews'] / peak)}px'></span></td></tr>" for d in r.daily)
    return f"<h2>Reviews per day</h2><table>{rows}</table>"
