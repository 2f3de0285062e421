"""Runs in the submission's process."""

from drillcli.grader.api import drive_raises  # noqa: F401 - the shared driver of raises_case


def twice(entry, x, *args, **kwargs):
    """Two calls on the same input: their masks must differ."""
    first = entry(x, *args, **kwargs)
    second = entry(x, *args, **kwargs)
    return [first, second]
