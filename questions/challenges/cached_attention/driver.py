"""Runs in the submission's process: the shared driver of chain_case (each call gets the last cache)."""

from drillcli.grader.api import drive_chain  # noqa: F401
