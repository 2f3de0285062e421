"""Runs in the submission's process: feeds losses to EarlyStopping instances, returns the booleans."""

from drillcli.grader.api import drive_steps


def _as_bool(value):
    return bool(value) if isinstance(value, (bool, int)) or hasattr(value, "__bool__") else value


def run_steps(entry, payload):
    """steps_case's shared driver, each answer as a plain bool (as step() is read by a training loop)."""
    return [_as_bool(v) for v in drive_steps(entry, payload)]


def interleaved(entry, losses_a, losses_b, patience):
    """Two instances stepped in turn: they must not share state."""
    a = entry(patience)
    b = entry(patience)
    out_a, out_b = [], []
    for la, lb in zip(losses_a, losses_b):
        out_a.append(_as_bool(a.step(la)))
        out_b.append(_as_bool(b.step(lb)))
    return [out_a, out_b]
