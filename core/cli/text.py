"""Terminal-safe text: network-sourced names never send control codes or floods to a terminal."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: object, limit: int = 200) -> str:
    """`text` with control and bidi-override characters shown as `?`, cut to `limit` chars."""
    cleaned = _CONTROL.sub("?", str(text))
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"
