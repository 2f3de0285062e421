"""A hash manifest of the bundled challenges, built with the package and checked before grading.

Hidden tests, references, drivers and every other file of `questions/challenges/` are listed with
their SHA-256 in `questions/challenges/MANIFEST.sha256`. The grader refuses a bundled challenge whose
files differ from it (a changed `tests.py` could accept wrong code): "reinstall drillcli".

After adding or editing a challenge, rewrite the manifest::

    python -m drillcli.bank.manifest          # rewrite
    python -m drillcli.bank.manifest --check  # exit 1 if it is stale
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from drillcli.errors import DrillError
from drillcli.paths import bundled_challenges_dir

NAME = "MANIFEST.sha256"
_SKIPPED_PARTS = ("__pycache__", ".pytest_cache")


class ChallengeModified(DrillError):
    """A bundled challenge's files differ from the manifest installed with them."""


def listed_files(root: Path) -> list[Path]:
    """Every file the manifest covers under `root` (sorted; caches and the manifest left out)."""
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != NAME
                  and not any(part in _SKIPPED_PARTS for part in p.relative_to(root).parts)
                  and p.suffix != ".pyc")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): digest(p) for p in listed_files(root)}


def render(entries: dict[str, str]) -> str:
    return "".join(f"{sha}  {name}\n" for name, sha in sorted(entries.items()))


def read(root: Path) -> dict[str, str]:
    entries: dict[str, str] = {}
    for line in (root / NAME).read_text(encoding="utf-8").splitlines():
        sha, _, name = line.partition("  ")
        if name:
            entries[name] = sha
    return entries


def write(root: Path) -> Path:
    target = root / NAME
    target.write_text(render(build(root)), encoding="utf-8")
    return target


def problems(folder: Path, root: Path) -> list[str]:
    """How the files of one challenge folder differ from the manifest (empty: unchanged)."""
    try:
        entries = read(root)
    except OSError:
        return [f"{root / NAME} is missing"]
    prefix = folder.relative_to(root).as_posix() + "/"
    expected = {name: sha for name, sha in entries.items() if name.startswith(prefix)}
    present = {p.relative_to(root).as_posix(): p for p in listed_files(folder)}
    found = [f"{name} was removed" for name in sorted(set(expected) - set(present))]
    found += [f"{name} was added" for name in sorted(set(present) - set(expected))]
    found += [f"{name} was changed" for name in sorted(set(expected) & set(present))
              if digest(present[name]) != expected[name]]
    return found


def verify_bundled(folder: Path, root: Path | None = None) -> None:
    """Raise `ChallengeModified` if `folder` is a bundled challenge whose files were changed."""
    root = (root or bundled_challenges_dir()).resolve()
    folder = folder.resolve()
    if root not in folder.parents:
        return  # a bank of the user's own: theirs to change
    found = problems(folder, root)
    if found:
        raise ChallengeModified(
            f"the installed challenge {folder.name!r} was modified ({'; '.join(found[:3])}): "
            "its hidden tests cannot be trusted; reinstall drillcli")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m drillcli.bank.manifest",
                                     description="Rewrite (or --check) the bundled challenges' manifest.")
    parser.add_argument("--check", action="store_true", help="exit 1 if the manifest is stale")
    options = parser.parse_args(argv)
    root = bundled_challenges_dir()
    if options.check:
        stale = build(root) != read(root) if (root / NAME).is_file() else True
        print(f"{root / NAME}: {'stale: run python -m drillcli.bank.manifest' if stale else 'up to date'}")
        return 1 if stale else 0
    print(f"wrote {write(root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
