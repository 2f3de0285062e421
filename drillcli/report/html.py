"""The report as one self-contained HTML page: inline SVG charts, no scripts, no external files.

Every figure in a chart carries its number in a `data-*` attribute, so the page can be checked against
`drill report --json`.
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape

from drillcli.report.build import Report
from drillcli.report.mocks import mocks_html
from drillcli.report.readiness import readiness_html

_CSS = """
:root{--fg:#1d2330;--muted:#6b7385;--line:#e3e6ee;--card:#fff;--bg:#f6f7fb;--accent:#2f6fde;--good:#1f9d55;
--warn:#d97706;--bad:#dc2626;--l0:#ebedf0;--l1:#9be9a8;--l2:#40c463;--l3:#30a14e;--l4:#216e39}
*{box-sizing:border-box}body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:var(--bg);
color:var(--fg)}main{max-width:980px;margin:0 auto;padding:28px 20px 60px}
header h1{margin:0;font-size:26px}header p{margin:2px 0 0;color:var(--muted)}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin:20px 0}
.tile{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px}
.tile b{display:block;font-size:26px;line-height:1.2}.tile span{color:var(--muted);font-size:13px}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 18px;margin:16px 0;
overflow-x:auto}.two>section{min-width:0}svg{max-width:100%;height:auto}
section h2{font-size:17px;margin:0 0 10px}.note{color:var(--muted);font-size:13px;margin:6px 0 0}
table{border-collapse:collapse;width:100%;font-size:14px}td,th{padding:6px 8px;border-bottom:1px solid var(--line);
text-align:left;vertical-align:top}th{color:var(--muted);font-weight:600}td.n,th.n{text-align:right}
svg text{font:12px system-ui,sans-serif;fill:var(--muted)}svg .v{fill:var(--fg)}
.two{display:grid;grid-template-columns:1fr 1fr;gap:16px}@media(max-width:760px){.two{grid-template-columns:1fr}}
.ok{color:var(--good)}.bad{color:var(--bad)}
"""

_LEVELS = ("var(--l0)", "var(--l1)", "var(--l2)", "var(--l3)", "var(--l4)")


def render_html(report: Report) -> str:
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'><title>drill · progress report</title>",
        f"<style>{_CSS}</style></head><body><main>",
        _header(report), _tiles(report),
        _section("activity", f"Activity, last {len(report.heatmap) // 7 + 1} weeks", _heatmap(report)),
        "<div class='two'>",
        _section("forecast", f"Due in the next {len(report.forecast)} days", _forecast(report)),
        _section("most-asked", "★ The most-asked questions", _most_asked(report)),
        "</div>",
        _section("readiness", "Readiness for the interview", readiness_html(report.readiness, report.most_asked)),
        _section("topics", "Retention and mastery per topic", _topics(report)),
        _section("weak", "Weakest cards", _weak(report)),
        _section("challenges", "Coding challenges", _challenges(report)),
        _section("mocks", "Mock interviews", mocks_html(report.mocks)),
        "</main></body></html>",
    ]
    return "\n".join(parts)


def _section(ident: str, title: str, body: str) -> str:
    return f"<section id='{ident}'><h2>{escape(title)}</h2>{body}</section>"


def _local(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone().strftime("%A %d %B %Y, %H:%M")


def _header(r: Report) -> str:
    return (f"<header><h1>Progress report</h1><p>{escape(_local(r.generated_at))} · activity figures cover the "
            f"last {r.days} days</p></header>")


def _tiles(r: Report) -> str:
    c = r.challenges
    recall = "–" if r.recall_now is None else f"{r.recall_now:.0%}"
    tiles = [(str(r.reviews_total), "reviews in all", "reviews_total"),
             (f"{r.streak_days}", "day streak", "streak_days"),
             (str(r.due_today), "due today", "due_today"),
             (recall, "predicted recall now", "recall_now"),
             (f"{c.solved}/{c.available}", "challenges solved", "challenges_solved"),
             (str(r.cards["new"]), "cards not seen yet", "cards_new"),
             (f"{r.readiness.get('score', 0):.0%}", "readiness, weighted by how often asked", "readiness")]
    return "<div class='tiles'>" + "".join(
        f"<div class='tile' data-key='{k}'><b>{escape(v)}</b><span>{escape(label)}</span></div>"
        for v, label, k in tiles) + "</div>"


def _level(count: int, top: int) -> str:
    if count == 0:
        return _LEVELS[0]
    return _LEVELS[min(4, 1 + int(3 * count / max(top, 1)))]


def _heatmap(r: Report) -> str:
    cell, gap, left, head = 14, 3, 34, 18
    days = r.heatmap
    weeks = [days[i:i + 7] for i in range(0, len(days), 7)]
    top = max((d["reviews"] + d["solves"] for d in days), default=0)
    width, height = left + len(weeks) * (cell + gap) + 10, head + 7 * (cell + gap) + 4
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' role='img' aria-label='activity heatmap' "
           f"viewBox='0 0 {width} {height}' width='{width}' height='{height}'>"]
    for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri"), (6, "Sun")):
        out.append(f"<text x='0' y='{head + row * (cell + gap) + 11}'>{name}</text>")
    last_month = None
    for i, week in enumerate(weeks):
        x = left + i * (cell + gap)
        month = date.fromisoformat(week[0]["date"]).strftime("%b")
        if month != last_month:
            out.append(f"<text x='{x}' y='12'>{month}</text>")
            last_month = month
        for j, d in enumerate(week):
            n = d["reviews"] + d["solves"]
            out.append(f"<rect x='{x}' y='{head + j * (cell + gap)}' width='{cell}' height='{cell}' rx='3' "
                       f"fill='{_level(n, top)}' data-date='{d['date']}' data-reviews='{d['reviews']}' "
                       f"data-solves='{d['solves']}'><title>{d['date']}: {d['reviews']} reviews, "
                       f"{d['solves']} solved</title></rect>")
    out.append("</svg>")
    total = sum(d["reviews"] for d in days)
    active = sum(1 for d in days if d["reviews"] or d["solves"])
    out.append(f"<p class='note'>{total} reviews and {sum(d['solves'] for d in days)} accepted challenge solves; "
               f"active on {active} of {len(days)} days.</p>")
    return "".join(out)


def _forecast(r: Report) -> str:
    bar_w, gap, base, chart_h = 22, 6, 150, 120
    top = max((d["due"] for d in r.forecast), default=0) or 1
    width = len(r.forecast) * (bar_w + gap) + 24
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' role='img' aria-label='due forecast' "
           f"viewBox='0 0 {width} {base + 34}' width='100%' preserveAspectRatio='xMinYMin meet'>",
           f"<line x1='0' y1='{base}' x2='{width}' y2='{base}' stroke='var(--line)'/>"]
    for i, d in enumerate(r.forecast):
        h = round(chart_h * d["due"] / top)
        x = i * (bar_w + gap) + 14
        day = date.fromisoformat(d["date"])
        label = "today" if i == 0 else day.strftime("%a")
        out.append(f"<rect x='{x}' y='{base - h}' width='{bar_w}' height='{h}' rx='3' fill='var(--accent)' "
                   f"data-date='{d['date']}' data-due='{d['due']}'><title>{d['date']}: {d['due']} due</title></rect>")
        out.append(f"<text class='v' x='{x + bar_w / 2}' y='{base - h - 4}' text-anchor='middle'>{d['due']}</text>")
        out.append(f"<text x='{x + bar_w / 2}' y='{base + 14}' text-anchor='middle'>{label[:5]}</text>")
        out.append(f"<text x='{x + bar_w / 2}' y='{base + 28}' text-anchor='middle'>{day.day}</text>")
    out.append("</svg>")
    return "".join(out)


def _hbar(label: str, value: float | None, ident: str, kind: str, width: int = 240) -> str:
    filled = 0 if value is None else round(width * value)
    shown = "–" if value is None else f"{value:.0%}"
    return (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width + 50} 14' width='{width + 50}' "
            f"height='14' role='img' aria-label='{escape(label)}'>"
            f"<rect x='0' y='2' width='{width}' height='10' rx='5' fill='var(--l0)'/>"
            f"<rect x='0' y='2' width='{filled}' height='10' rx='5' fill='var(--{kind})' data-id='{escape(ident)}' "
            f"data-value='{'' if value is None else value}'/>"
            f"<text class='v' x='{width + 6}' y='12'>{shown}</text></svg>")


def _topics(r: Report) -> str:
    rows = ["<table><tr><th>topic</th><th class='n'>cards</th><th class='n'>seen</th><th class='n'>due</th>"
            "<th>retention (reviews passed)</th><th>mastery</th></tr>"]
    for t in r.topics:
        rows.append(f"<tr data-topic='{escape(t.topic)}'><td>{escape(t.title)}</td><td class='n'>{t.cards}</td>"
                    f"<td class='n'>{t.reviewed}</td><td class='n'>{t.due}</td>"
                    f"<td>{_hbar('retention', t.retention, t.topic, 'good' if (t.retention or 1) >= 0.8 else 'warn')}"
                    f"</td><td>{_hbar('mastery', t.mastery, t.topic, 'accent')}</td></tr>")
    rows.append("</table><p class='note'>Retention: share of reviews of learned cards you passed in the period. "
                "Mastery: share of the topic's cards remembered for three weeks or more.</p>")
    return "".join(rows)


def _most_asked(r: Report) -> str:
    if not r.most_asked:
        return "<p class='note'>No most-asked cards in the bank.</p>"
    rows = ["<table><tr><th>question</th><th>recall now</th></tr>"]
    for m in r.most_asked:
        rows.append(f"<tr data-id='{escape(m['id'])}'><td>{escape(m['prompt'])}<br><span class='note'>"
                    f"{escape(m['state'])}</span></td><td>{_hbar('recall', m['recall_now'], m['id'], 'good', 90)}"
                    "</td></tr>")
    return "".join(rows) + "</table>"


def _weak(r: Report) -> str:
    if not r.weak:
        return "<p class='note'>No weak cards: nothing forgotten lately and nothing below 85% predicted recall.</p>"
    rows = ["<table><tr><th>card</th><th class='n'>recall now</th><th class='n'>forgotten (30 days)</th>"
            "<th class='n'>lapses</th></tr>"]
    for w in r.weak:
        leech = " <span class='bad'>leech</span>" if w.leech else ""
        rows.append(f"<tr data-id='{escape(w.id)}'><td>{escape(w.prompt or w.id)}{leech}</td>"
                    f"<td class='n'>{w.retrievability:.0%}</td><td class='n'>{w.recent_fails}</td>"
                    f"<td class='n'>{w.lapses}</td></tr>")
    return "".join(rows) + "</table>"


def _challenges(r: Report) -> str:
    c = r.challenges
    width = 600
    solved_w = round(width * c.solved / c.available) if c.available else 0
    tried_w = round(width * c.attempted / c.available) if c.available else 0
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} 40' width='100%' role='img' "
           f"aria-label='challenge progress'><rect x='0' y='6' width='{width}' height='16' rx='8' fill='var(--l0)'/>"
           f"<rect x='0' y='6' width='{tried_w}' height='16' rx='8' fill='var(--l1)' data-attempted='{c.attempted}'/>"
           f"<rect x='0' y='6' width='{solved_w}' height='16' rx='8' fill='var(--good)' data-solved='{c.solved}'/>"
           f"<text x='0' y='38'>{c.solved} solved · {c.attempted} attempted · {c.available} in the bank · "
           f"{c.attempts} attempts</text></svg>"]
    if c.by_challenge:
        out.append("<table><tr><th>challenge</th><th class='n'>attempts</th><th>result</th>"
                   "<th class='n'>best time</th><th class='n'>speed vs reference</th></tr>")
        for row in c.by_challenge:
            best = "–"
            if row.best_solve_s is not None:
                m, s = divmod(int(row.best_solve_s), 60)
                best = f"{m}m{s:02d}s" + (f" of {row.minutes:g} min" if row.minutes else "")
            result = "<span class='ok'>solved</span>" if row.solved else escape(row.last_verdict)
            ratio = f"{row.best_ratio:.1f}×" if row.best_ratio else "–"
            out.append(f"<tr data-id='{escape(row.id)}'><td>{escape(row.id)}</td><td class='n'>{row.attempts}</td>"
                       f"<td>{result}</td><td class='n'>{best}</td><td class='n'>{ratio}</td></tr>")
        out.append("</table>")
    return "".join(out)
