"""Makes network text safe to show: bounded length, no control characters, bidi-isolated."""

from __future__ import annotations

import unicodedata

FSI = "\u2068"  # first strong isolate: a right-to-left name cannot flip the text around it
PDI = "\u2069"  # pop directional isolate
ELLIPSIS = "…"
TABLE_LIMIT = 120
LABEL_LIMIT = 300


def clean(text: str, limit: int = LABEL_LIMIT) -> str:
    """Drop control and bidi-override characters, squash newlines, cut to `limit` characters."""
    kept = []
    for char in text[: limit * 4]:
        if char in "\n\r\t":
            kept.append(" ")
        elif unicodedata.category(char) in ("Cc", "Cf") and char not in "\u200d":
            continue  # controls, bidi overrides/embeddings, zero-width formatters
        else:
            kept.append(char)
    result = "".join(kept).strip()
    return result if len(result) <= limit else result[: limit - 1] + ELLIPSIS


def isolate(text: str, limit: int = LABEL_LIMIT) -> str:
    """`clean` plus a bidi isolate, for network text placed inside a sentence of our own."""
    return f"{FSI}{clean(text, limit)}{PDI}"
