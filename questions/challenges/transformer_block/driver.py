"""Runs in the submission's process: the shared driver of module_case."""

from drillcli.grader.api import drive_module  # noqa: F401
