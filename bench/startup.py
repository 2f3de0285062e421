"""`drill --help` start-up against importing typer and rich alone (target: ratio ≤ 1.5).

The ratio shows that nothing heavy (torch above all) is imported when the CLI starts.
Run: python bench/startup.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import drill_argv, time_command  # noqa: E402

RUNS = 15


def main() -> None:
    baseline = time_command([sys.executable, "-c", "import typer, rich.console"], RUNS)
    help_ms = time_command([*drill_argv(), "--help"], RUNS)
    version_ms = time_command([*drill_argv(), "--version"], RUNS)
    torch_ms = time_command([sys.executable, "-c", "import torch"], 3)
    print(f"median of {RUNS} runs: drill --help {help_ms:.0f} ms, drill --version {version_ms:.0f} ms, "
          f"import typer+rich {baseline:.0f} ms, import torch {torch_ms:.0f} ms")
    print(f"help_ms={help_ms:.0f} version_ms={version_ms:.0f} baseline_ms={baseline:.0f} "
          f"torch_ms={torch_ms:.0f} ratio={help_ms / baseline:.2f}")


if __name__ == "__main__":
    main()
