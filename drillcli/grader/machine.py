"""What this machine offers the grader: the sandbox level, torch and its devices (for `drill doctor`)."""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Machine:
    isolation: str  # namespaces | landlock | process
    isolation_reason: str
    landlock_abi: int | None
    kernel: str
    python: str
    torch: str
    cuda: str  # "" when there is none, else the device's name
    default_device: str


def sandbox_level() -> tuple[str, str, int | None]:
    """(level, why it is not the strongest, Landlock ABI or None), found as grading finds it."""
    from drillcli.grader import isolation as iso
    from drillcli.grader.procs import sandbox_plan

    strongest, why = iso.requested_level()
    found = iso.probe(strongest, why, iso.Plan(**sandbox_plan()))
    try:
        abi: int | None = iso.landlock_abi() if sys.platform.startswith("linux") else None
    except OSError:
        abi = None
    return str(found.level), found.reason, abi


def machine() -> Machine:
    """Everything, torch included (imports it: a second or two)."""
    import torch

    from drillcli.grader.pipeline import resolve_device

    level, reason, abi = sandbox_level()
    cuda = torch.cuda.get_device_name(0) if torch.cuda.is_available() else ""
    return Machine(level, reason, abi, platform.release(), platform.python_version(),
                   torch.__version__, cuda, resolve_device("auto"))
