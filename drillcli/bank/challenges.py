"""Challenges: `challenges/<id>/challenge.yaml` plus the files beside it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from drillcli.bank.lines import line_of, strip_lines
from drillcli.bank.schema import ChallengeMeta
from drillcli.bank.yamlload import load_yaml
from drillcli.errors import DrillError, UsageError


@dataclass(frozen=True)
class Challenge:
    meta: ChallengeMeta
    folder: Path

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def starter_path(self) -> Path:
        return self.folder / "starter.py"

    @property
    def reference_path(self) -> Path:
        return self.folder / "reference.py"

    @property
    def tests_path(self) -> Path:
        return self.folder / "tests.py"

    @property
    def driver_path(self) -> Path | None:
        path = self.folder / "driver.py"
        return path if path.is_file() else None

    @property
    def explanation(self) -> str:
        """Markdown shown after a solve or a give-up ("" when the challenge has none yet)."""
        return self.meta.explanation

    @property
    def mutants(self) -> dict[str, str]:
        """Mutant name (file stem under mutants/) -> the verdict the grader must give it."""
        return dict(self.meta.mutants)

    def mutant_paths(self) -> list[Path]:
        return sorted((self.folder / "mutants").glob("*.py"))

    def mutant_path(self, name: str) -> Path:
        return self.folder / "mutants" / f"{name}.py"


def load_challenge(folder: Path) -> Challenge:
    path = folder / "challenge.yaml"
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        raise DrillError(f"{path}:1: expected a mapping")
    data = strip_lines(raw)
    try:
        meta = ChallengeMeta(**data, source_file=str(path), source_line=line_of(raw))
    except ValidationError as exc:
        first = exc.errors()[0]
        key = str(first["loc"][0]) if first["loc"] else None
        raise DrillError(f"{path}:{line_of(raw, key)}: {_loc(first['loc'])}{first['msg']}") from None
    if meta.id != folder.name:
        raise DrillError(f"{path}:{line_of(raw, 'id')}: id {meta.id!r} differs from its folder name")
    return Challenge(meta=meta, folder=folder)


def _loc(loc: tuple[object, ...]) -> str:
    return ".".join(str(p) for p in loc) + ": " if loc else ""


def challenge_folders(bank_dirs: list[Path]) -> list[Path]:
    folders: list[Path] = []
    for bank in bank_dirs:
        root = bank / "challenges"
        if root.is_dir():
            folders.extend(sorted(p for p in root.iterdir() if (p / "challenge.yaml").is_file()))
    return folders


def load_challenges(bank_dirs: list[Path]) -> list[Challenge]:
    seen: dict[str, Path] = {}
    challenges: list[Challenge] = []
    for folder in challenge_folders(bank_dirs):
        challenge = load_challenge(folder)
        if challenge.id in seen:
            raise DrillError(
                f"challenge id {challenge.id!r} appears twice: {seen[challenge.id]} and {folder}"
            )
        seen[challenge.id] = folder
        challenges.append(challenge)
    return challenges


def find_challenge(bank_dirs: list[Path], challenge_id: str) -> Challenge:
    for folder in challenge_folders(bank_dirs):
        if folder.name == challenge_id:
            return load_challenge(folder)
    known = ", ".join(p.name for p in challenge_folders(bank_dirs)) or "none"
    raise UsageError(f"unknown challenge {challenge_id!r} (known: {known})")
