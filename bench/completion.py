"""Shell completion of a challenge id (what one Tab press costs) against `drill --help` in the same run.

A completion lists folder names only: it must load neither torch nor the bank. Typer's own completion
machinery is most of its cost.
Run: python bench/completion.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import drill_argv, time_command  # noqa: E402

RUNS = 15


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "DRILL_HOME": home}
        complete = {**env, "_DRILL_COMPLETE": "complete_bash", "COMP_WORDS": "drill code so", "COMP_CWORD": "2"}
        help_ms = time_command([*drill_argv(), "--help"], RUNS, env)
        complete_ms = time_command(drill_argv(), RUNS, complete)
    print(f"median of {RUNS} runs: completing `drill code so` {complete_ms:.0f} ms, drill --help {help_ms:.0f} ms")
    print(f"complete_ms={complete_ms:.0f} help_ms={help_ms:.0f} ratio={complete_ms / help_ms:.2f}")


if __name__ == "__main__":
    main()
