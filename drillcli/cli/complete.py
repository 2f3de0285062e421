"""Shell completion of topic names and challenge ids (`drill --install-completion`).

A completion runs on every Tab press, so it only lists names: no YAML parsing, no database, no torch.
"""

from __future__ import annotations

from pathlib import Path

from drillcli.bank.topics import TOPICS


def complete_topic(incomplete: str) -> list[tuple[str, str]]:
    return [(t, title) for t, title in TOPICS.items() if t.startswith(incomplete.lower())]


def complete_challenge(incomplete: str) -> list[str]:
    return [name for name in challenge_ids() if name.startswith(incomplete)]


def challenge_ids() -> list[str]:
    """The folder names under every configured bank's challenges/ (a folder's name is its id)."""
    names: set[str] = set()
    for bank in _bank_dirs():
        root = bank / "challenges"
        try:
            names.update(p.name for p in root.iterdir() if (p / "challenge.yaml").is_file())
        except OSError:
            continue
    return sorted(names)


def _bank_dirs() -> list[Path]:
    from drillcli import paths
    from drillcli.config import load_config
    from drillcli.errors import DrillError

    try:
        config = load_config()
    except DrillError:  # a broken config must not break the shell: complete from the bundled bank
        return [paths.bundled_bank_dir()]
    return ([paths.bundled_bank_dir()] if config.include_bundled else []) + list(config.banks)
