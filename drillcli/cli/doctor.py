"""`drill doctor`: what this machine supports (sandbox level, device, paths)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from drillcli.doctor import Doctor


def doctor_command(*, as_json: bool) -> None:
    """What this machine supports: the grader's sandbox level and why, the device, torch, paths."""
    from drillcli.doctor import diagnose

    found = diagnose()
    if as_json:
        typer.echo(json.dumps(found.to_json()))
    else:
        render_doctor(found)


def render_doctor(found: Doctor, console: Console | None = None) -> None:
    from rich.markup import escape
    from rich.table import Table

    from drillcli.cli.render import console as default_console

    console = console or default_console()
    style = {"namespaces": "green", "landlock": "yellow"}.get(found.isolation, "red")
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    table.add_row("sandbox", f"[{style}]{escape(found.isolation_line)}[/]")
    table.add_row("landlock", f"ABI {found.landlock_abi}" if found.landlock_abi else "not available")
    table.add_row("device", escape(found.default_device + (f" ({found.cuda})" if found.cuda else "")))
    table.add_row("torch", escape(found.torch))
    table.add_row("python", escape(found.python))
    table.add_row("kernel", escape(found.kernel))
    table.add_row("DRILL_HOME", escape(found.drill_home))
    table.add_row("database", escape(found.database))
    table.add_row("config", escape(found.config))
    table.add_row("bank", escape(found.bundled_bank))
    table.add_row("challenges", escape("unchanged since install" if found.manifest == "ok" else found.manifest))
    console.print(table)
