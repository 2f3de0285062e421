"""Opening the workspace file without taking the countdown's terminal: a GUI editor, or a tmux pane."""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

# Editors that open a window of their own (their command returns, or runs apart from the terminal).
GUI_EDITORS = frozenset({
    "code", "code-insiders", "codium", "cursor", "subl", "sublime_text", "gedit", "gnome-text-editor", "kate",
    "kwrite", "mousepad", "pluma", "xed", "geany", "mate", "atom", "zed", "gvim", "mvim", "idea", "pycharm",
    "charm", "open", "xdg-open", "bbedit", "notepad++", "fleet",
})
DEFAULT_EDITOR = "vi"


class EditWay(str, Enum):
    GUI = "gui"  # the editor opens its own window
    TMUX = "tmux"  # a terminal editor in a new tmux pane beside the countdown
    NONE = "none"  # nothing can be opened without taking this terminal: say how instead


@dataclass(frozen=True)
class EditPlan:
    way: EditWay
    argv: list[str]  # what `open_editor` runs
    command: list[str]  # the editor and the file, as the user would type it

    @property
    def how(self) -> str:
        """How the user can open the file themselves."""
        return shlex.join(self.command)


def editor_command(env: Mapping[str, str]) -> str:
    return env.get("VISUAL") or env.get("EDITOR") or DEFAULT_EDITOR


def is_gui(editor: str) -> bool:
    words = shlex.split(editor) or [DEFAULT_EDITOR]
    name = Path(words[0]).name.removesuffix(".exe")
    return name in GUI_EDITORS or (name == "emacsclient" and any(w in ("-c", "-n") for w in words[1:]))


def plan_edit(path: Path, env: Mapping[str, str] | None = None) -> EditPlan:
    """How `drill code --edit` opens `path`, from $VISUAL/$EDITOR and whether we run inside tmux."""
    env = os.environ if env is None else env
    editor = editor_command(env)
    argv = [*shlex.split(editor), str(path)]
    if is_gui(editor):
        return EditPlan(EditWay.GUI, argv, argv)
    if env.get("TMUX"):
        return EditPlan(EditWay.TMUX, ["tmux", "split-window", "-h", shlex.join(argv)], argv)
    return EditPlan(EditWay.NONE, argv, argv)


def open_editor(plan: EditPlan) -> str | None:
    """Start the editor as planned, detached from this terminal; None on success, else why not."""
    if plan.way is EditWay.NONE:
        return None
    null, pipe = subprocess.DEVNULL, subprocess.PIPE
    try:
        if plan.way is EditWay.TMUX:  # returns once the pane exists, so this one has its new width
            done = subprocess.run(plan.argv, stdin=null, stdout=null, stderr=pipe, timeout=5, check=False)
            problem = done.stderr.decode(errors="replace").strip()
            return f"tmux could not open a pane: {problem}" if done.returncode else None
        subprocess.Popen(plan.argv, stdin=null, stdout=null, stderr=null, start_new_session=True)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"cannot start {plan.argv[0]}: {getattr(exc, 'strerror', None) or exc}"
    return None
