"""`drill export` and `drill import`: the user's history as one JSON document, the bank for Anki or Markdown."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import typer
from rich.markup import escape

from drillcli import paths
from drillcli.cli.context import Env
from drillcli.cli.render import console
from drillcli.errors import UsageError

# what a table's rows are, in words, in the order a person cares about them
ROW_WORDS = {
    "review": ("review", "reviews"),
    "card_state": ("card state", "card states"),
    "session": ("session", "sessions"),
    "attempt": ("coding attempt", "coding attempts"),
    "challenge_state": ("challenge schedule", "challenge schedules"),
    "challenge_review": ("challenge rating", "challenge ratings"),
    "mock": ("mock interview", "mock interviews"),
    "mock_item": ("mock answer", "mock answers"),
    "fsrs_parameters": ("fitted scheduler", "fitted schedulers"),
}


def counted(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def rows_text(rows: dict[str, int]) -> str:
    """'70 reviews, 37 card states, 1 mock interview', known tables first, empty ones left out."""
    order = [*ROW_WORDS, *sorted(set(rows) - set(ROW_WORDS))]
    return ", ".join(counted(rows[t], *ROW_WORDS.get(t, (f"{t} row", f"{t} rows")))
                     for t in order if rows.get(t))


def export_command(ctx: typer.Context, *, file: Path | None, anki: Path | None, markdown: Path | None) -> None:
    chosen = [x for x in (file, anki, markdown) if x is not None]
    if len(chosen) != 1:
        raise UsageError("say what to export: `drill export FILE` (your history), "
                         "`drill export --anki FILE.apkg` or `drill export --markdown DIR` (the bank)")
    con = console()
    if file is not None:
        from drillcli.export.portable import write_export

        summary = write_export(paths.drill_home(), file, datetime.now(timezone.utc))
        rows = rows_text(summary.rows)
        con.print(f"Wrote {escape(str(file))}: {rows or 'no history yet'}, {counted(summary.files, 'file', 'files')}.")
    elif anki is not None:
        if anki.suffix.lower() != ".apkg":  # Anki's File > Import offers .apkg files only
            raise UsageError(f"an Anki deck is a .apkg file: give a name ending in .apkg, such as "
                             f"{anki.with_suffix('.apkg')}")
        from drillcli.export.anki import write_deck

        deck = write_deck(Env.of(ctx).bank.cards, anki)
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(deck.by_type.items()))
        con.print(f"Wrote {escape(str(anki))}: {deck.notes} notes ({kinds}). "
                  "Open it with Anki (File › Import); importing a newer deck updates these notes.")
    elif markdown is not None:
        from drillcli.export.markdown import write_markdown

        md = write_markdown(Env.of(ctx).bank.cards, markdown)
        con.print(f"Wrote {len(md.files)} topic files ({sum(md.files.values())} cards) and README.md "
                  f"into {escape(str(markdown))}.")


def import_command(file: Path, *, merge: bool) -> None:
    from drillcli.export.portable import import_document, read_document

    doc = read_document(file)
    home = paths.drill_home()
    result = import_document(doc, home, merge=merge)
    added = rows_text(result.rows_added) or "nothing new"
    con = console()
    if result.merged:
        kept = sum(result.rows_kept.values())
        con.print(f"Merged {escape(str(file))} into {escape(str(home))}: added {added}; "
                  f"{kept} rows were already there or older, kept as they were; "
                  f"{counted(result.files_written, 'file', 'files')}.")
    else:
        con.print(f"Imported {escape(str(file))} into {escape(str(home))}: {added}, "
                  f"{counted(result.files_written, 'file', 'files')}.")

