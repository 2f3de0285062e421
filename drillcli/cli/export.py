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


def export_command(ctx: typer.Context, *, file: Path | None, anki: Path | None, markdown: Path | None) -> None:
    chosen = [x for x in (file, anki, markdown) if x is not None]
    if len(chosen) != 1:
        raise UsageError("say what to export: `drill export FILE` (your history), "
                         "`drill export --anki FILE.apkg` or `drill export --markdown DIR` (the bank)")
    con = console()
    if file is not None:
        from drillcli.export.portable import write_export

        summary = write_export(paths.drill_home(), file, datetime.now(timezone.utc))
        rows = ", ".join(f"{n} {t}" for t, n in summary.rows.items() if n)
        con.print(f"Wrote {escape(str(file))}: {rows or 'no rows'}, {summary.files} files.")
    elif anki is not None:
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
    added = ", ".join(f"{n} {t}" for t, n in result.rows_added.items() if n) or "nothing new"
    con = console()
    if result.merged:
        kept = sum(result.rows_kept.values())
        con.print(f"Merged {escape(str(file))} into {escape(str(home))}: added {added}; "
                  f"{kept} rows were already there or older, kept as they were; {result.files_written} files.")
    else:
        con.print(f"Imported {escape(str(file))} into {escape(str(home))}: {added}, {result.files_written} files.")

