"""Errors: what can go wrong for a reason the user can fix, and the exit status for each.

Every command runs through `reported`, which catches `RestoreError`, prints its
message (one line that says what happened and what to do next) and exits with
`exit_code`; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable


class RestoreError(Exception):
    """A failure the user can act on; the message says how."""

    exit_code = 1


class InputError(RestoreError):
    """The input is not readable text: missing, a directory, empty, binary, not UTF-8, too big."""

    exit_code = 2


class OutputError(RestoreError):
    """The result cannot be written where the user asked (the target is left unchanged)."""

    exit_code = 2


class ModelError(RestoreError):
    """Model files are missing or do not match this version; rebuild them or pass --models."""

    exit_code = 3


def reported(run: Callable[[], int | None], program: str) -> int:
    """Run a command and give its exit status (0 when it returns None); a
    `RestoreError` is printed to stderr as one "program: message" line, not a
    traceback, and gives its own exit status."""
    try:
        return run() or 0
    except RestoreError as error:
        print(f"{program}: {error}", file=sys.stderr)
        return error.exit_code


def ignore_interrupts() -> None:
    """Let a worker process ignore Ctrl-C: its parent gets it too and says once
    what was interrupted, where each worker would print a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
