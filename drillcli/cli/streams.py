"""The standard streams as the CLI finds them: closed, or unable to encode what it prints.

Nothing here imports Rich, so `drill --help` pays for none of it.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import sys

# Characters the CLI prints, written another way where the output encoding lacks them (PYTHONIOENCODING=ascii,
# a Latin-1 terminal...). Anything else the encoding lacks becomes "?".
PLAIN = {
    "·": "-", "…": "...", "–": "-", "—": "-", "→": "->", "←": "<-", "×": "x", "≥": ">=", "≤": "<=",
    "★": "*", "✓": "v", "✗": "x", "›": ">", "‹": "<", "“": '"', "”": '"', "‘": "'", "’": "'", "δ": "d",
    "∂": "d", "⌊": "floor(", "⌋": ")", "−": "-", "±": "+/-", "≈": "~", "√": "sqrt", "²": "^2", "ᵀ": "^T",
    "█": "#", "■": "#", "▪": "#", "░": ".", "▁": "_", "▂": "_", "▃": "_", "▄": "=", "▅": "=", "▆": "=", "▇": "#",
}
ERROR_HANDLER = "drillcli-plain"


def _plain(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start:error.end]
    return "".join(PLAIN.get(ch, "?") for ch in text), error.end


codecs.register_error(ERROR_HANDLER, _plain)


def guard_standard_streams() -> None:
    """Closed descriptors 0-2 get /dev/null, so no file the CLI opens later (the database!) takes their
    number and receives its output; stdout and stderr print what their encoding lacks in plain letters.
    A closed stdin stays `None` in `sys.stdin`, so the commands that read keys can say so."""
    for fd, mode in ((0, os.O_RDONLY), (1, os.O_WRONLY), (2, os.O_WRONLY)):
        try:
            os.fstat(fd)
        except OSError:
            os.open(os.devnull, mode)  # the lowest free number: fd itself
    if sys.stdout is None:
        sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115 - lives as long as the process
    if sys.stderr is None:
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
    for stream in (sys.stdout, sys.stderr):
        _encode_plainly(stream)


def _encode_plainly(stream: object) -> None:
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        "·★✓".encode(encoding)
        return
    except (UnicodeEncodeError, LookupError):
        pass
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        with contextlib.suppress(ValueError, OSError):
            reconfigure(errors=ERROR_HANDLER)


def stdout_is_unicode() -> bool:
    try:
        return codecs.lookup(getattr(sys.stdout, "encoding", None) or "ascii").name.startswith("utf")
    except LookupError:
        return False
