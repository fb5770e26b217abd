"""One cleaner for every string heard from the network: printable, no lone surrogates, bounded."""

from __future__ import annotations


def clean_text(text: str, limit: int, *, escape: bool = False, single_space: bool = False) -> str:
    """`text` fit to show and store: control, format and surrogate characters are dropped (or,
    with `escape`, written as \\xNN / \\uNNNN), runs of whitespace become one space with
    `single_space`, and the result is at most `limit` characters."""
    out: list[str] = []
    size = 0
    for ch in text:
        if ch.isprintable() or (single_space and ch.isspace()):
            piece = ch
        elif escape:
            piece = f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"
            if ord(ch) > 0xFFFF:
                piece = f"\\U{ord(ch):08x}"
        else:
            continue
        out.append(piece)
        size += len(piece)
        if size >= limit * 2 + 16:  # enough to fill `limit` after spaces are squeezed
            break
    cleaned = "".join(out)
    if single_space:
        cleaned = " ".join(cleaned.split())
    return cleaned[:limit]


def is_clean_url(text: str, limit: int = 1024) -> bool:
    """Whether `text` could be a URL to fetch: printable ASCII without spaces, bounded."""
    return 0 < len(text) <= limit and text.isascii() and all(33 <= ord(ch) < 127 for ch in text)
