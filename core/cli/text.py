"""Terminal-safe text: network-sourced names never send control codes or floods to a terminal."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# For whole output streams: line breaks and tabs stay, a carriage return only before "\n".
_STREAM_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]|\r(?!\n)")


def terminal_safe(text: object, limit: int = 200) -> str:
    """`text` with control and bidi-override characters shown as `?`, cut to `limit` chars."""
    cleaned = _CONTROL.sub("?", str(text))
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def stream_safe(text: str) -> str:
    """Like terminal_safe for a whole output: keeps newlines and tabs, never cuts."""
    return _STREAM_CONTROL.sub("?", text)


class SafeStream:
    """A text stream wrapper: everything written passes through stream_safe."""

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        self._inner.write(stream_safe(text))
        return len(text)

    def flush(self) -> None:
        self._inner.flush()

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)


@contextmanager
def safe_output() -> Iterator[None]:
    """Filter every write to stdout and stderr (messages, hints, argparse errors) meanwhile."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(out), SafeStream(err)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err
