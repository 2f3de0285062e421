"""`drill doctor`: what this machine supports (sandbox level and why, device, torch) and where
drill keeps things. Plain data; drillcli/cli/doctor.py renders it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from drillcli import paths


@dataclass(frozen=True)
class Doctor:
    isolation: str
    isolation_reason: str
    landlock_abi: int | None
    kernel: str
    python: str
    torch: str
    cuda: str
    default_device: str
    drill_home: str
    database: str
    config: str
    bundled_bank: str
    manifest: str  # "ok", or what differs from the installed manifest

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def isolation_line(self) -> str:
        return f"{self.isolation} ({self.isolation_reason})" if self.isolation_reason else self.isolation


def diagnose() -> Doctor:
    from drillcli.grader.machine import machine

    found = machine()
    return Doctor(
        found.isolation, found.isolation_reason, found.landlock_abi, found.kernel, found.python,
        found.torch, found.cuda, found.default_device, str(paths.drill_home()), str(paths.db_path()),
        str(paths.config_path()), str(paths.bundled_bank_dir()), manifest_state(),
    )


def manifest_state() -> str:
    from drillcli.bank.manifest import NAME, problems

    root = paths.bundled_challenges_dir()
    if not (root / NAME).is_file():
        return f"{root / NAME} is missing"
    found = [p for folder in sorted(root.iterdir()) if (folder / "challenge.yaml").is_file()
             for p in problems(folder, root)]
    return "ok" if not found else f"{len(found)} file(s) differ ({found[0]}): reinstall drillcli"
