"""How long `drill bank lint --challenges` spends, and on what, over the bundled challenges.

Run: python bench/lint_challenges.py [ID ...]
Grades what lint grades (each reference, starter, declared mutant and forbidden probe) through one
warm pool, timing each grading from lint's progress messages. Ends with `lint_s=... gradings=...
per_grading_s=...` and, per role, `<role>_s` and `<role>_share` (of the total, measured in the same
run): `probe_share` is what checking the forbidden entries adds; `signature_s` the ast checks.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _role(message: str) -> str:
    label = message.split(": ", 1)[1]
    if label.startswith("forbidden ("):
        return "probe"
    return "mutant" if label.startswith("mutant") else label


def main(ids: list[str]) -> None:
    from drillcli.bank.challenges import load_challenges
    from drillcli.lint import lint_challenges, signature_problems
    from drillcli.paths import bundled_bank_dir

    challenges = [c for c in load_challenges([bundled_bank_dir()]) if not ids or c.id in ids]
    started = time.monotonic()
    for challenge in challenges:
        signature_problems(challenge)
    signature_s = time.monotonic() - started
    marks: list[tuple[float, str]] = []
    started = time.monotonic()
    problems = lint_challenges(challenges, on_progress=lambda m: marks.append((time.monotonic(), m)))
    total = time.monotonic() - started
    marks.append((started + total, "end: end"))
    spent: defaultdict[str, float] = defaultdict(float)
    for (t, message), (t_next, _) in zip(marks, marks[1:]):
        spent[_role(message)] += t_next - t
    gradings = len(marks) - 1
    print(f"challenges={len(challenges)} problems={len(problems)}")
    parts = [f"lint_s={total:.1f}", f"gradings={gradings}", f"per_grading_s={total / max(gradings, 1):.2f}",
             f"signature_s={signature_s:.3f}"]
    parts += [f"{role}_s={s:.1f} {role}_share={s / total:.3f}" for role, s in sorted(spent.items())]
    print(" ".join(parts))


if __name__ == "__main__":
    main(sys.argv[1:])
