"""Challenges: `challenges/<id>/challenge.yaml` plus the files beside it."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from drillcli.bank.cache import CardCache, stamp_of
from drillcli.bank.lines import line_of, strip_lines
from drillcli.bank.vocab import ChallengeInfo
from drillcli.errors import DrillError, UsageError

if TYPE_CHECKING:
    from drillcli.bank.schema import ChallengeMeta


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
    from pydantic import ValidationError

    from drillcli.bank.schema import ChallengeMeta
    from drillcli.bank.yamlload import load_yaml

    path = folder / "challenge.yaml"
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        raise DrillError(f"{path}:1: expected a mapping")
    data = strip_lines(raw)
    try:
        # model_validate, not ChallengeMeta(**data): a YAML key may be a number, or `source_file` itself.
        meta = ChallengeMeta.model_validate({**data, "source_file": str(path), "source_line": line_of(raw)})
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


def duplicate_folders(folders: list[Path]) -> dict[str, list[Path]]:
    """Challenge ids held by more than one folder (a challenge's id is its folder's name)."""
    by_id: dict[str, list[Path]] = {}
    for folder in folders:
        by_id.setdefault(folder.name, []).append(folder)
    return {cid: found for cid, found in by_id.items() if len(found) > 1}


def duplicate_message(challenge_id: str, folders: list[Path]) -> str:
    return f"challenge id {challenge_id!r} appears twice: {folders[0]} and {folders[1]} (rename one of the folders)"


def _refuse_duplicates(folders: list[Path]) -> None:
    for challenge_id, found in duplicate_folders(folders).items():
        raise DrillError(duplicate_message(challenge_id, found))


def load_challenges(bank_dirs: list[Path]) -> list[Challenge]:
    folders = challenge_folders(bank_dirs)
    _refuse_duplicates(folders)
    return [load_challenge(folder) for folder in folders]


def info(challenge: Challenge) -> ChallengeInfo:
    m = challenge.meta
    return ChallengeInfo(challenge.id, m.topic, m.difficulty, float(m.minutes), m.title)


def challenge_infos(bank_dirs: list[Path], cache: CardCache | None) -> list[ChallengeInfo]:
    """`info` of every challenge, in the order of `load_challenges`; a challenge.yaml that has not changed
    since it was cached is not read (and no model is built)."""
    folders = challenge_folders(bank_dirs)
    _refuse_duplicates(folders)
    out = []
    for folder in folders:
        path, found = folder / "challenge.yaml", None
        stamp = stamp_of(path)
        if cache is not None and stamp is not None:
            found = cache.challenge(path, stamp)
        if found is None:
            found = info(load_challenge(folder))
            if cache is not None and stamp is not None:
                cache.store_challenge(path, stamp, found)
        out.append(found)
    return out


def find_challenge(bank_dirs: list[Path], challenge_id: str) -> Challenge:
    """The challenge with this id; a bank holding it twice is an error, as it is for `load_challenges`."""
    folders = challenge_folders(bank_dirs)
    found = [f for f in folders if f.name == challenge_id]
    if len(found) > 1:
        raise DrillError(duplicate_message(challenge_id, found))
    if found:
        return load_challenge(found[0])
    raise UsageError(unknown_challenge(challenge_id, sorted({f.name for f in folders})))


def unknown_challenge(challenge_id: str, known: list[str]) -> str:
    """'unknown challenge 'sofmax'; did you mean softmax, log_softmax?', or the whole list when none is close."""
    close = difflib.get_close_matches(challenge_id, known, n=3, cutoff=0.6)
    if not close:  # a typo in the middle of a long id: try its parts (`scaled_dot_attention`)
        close = [k for k in known if challenge_id and (challenge_id in k or k in challenge_id)][:3]
    if close:
        return f"unknown challenge {challenge_id!r}; did you mean {', '.join(close)}? (`drill list challenges`)"
    return f"unknown challenge {challenge_id!r} (known: {', '.join(known) or 'none'})"
