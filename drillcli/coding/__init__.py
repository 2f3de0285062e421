"""A timed coding challenge below the CLI: the workspace file, the grader adapter and the challenge loop.

Nothing here imports torch, Typer or Rich; the grader is reached through `grading.Grader` only.
"""
