"""The thorough scan's port list (resources/ports/top-tcp.txt): a strict reader and its ranking."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

from core.datafiles import fields
from core.paths import resource

NAME = "ports/top-tcp.txt"
COUNT = 1000
HEADER = """\
# The 1,000 TCP ports most often found open, most frequent first: the thorough scan's list.
# Provenance: the open-frequency column of Nmap's nmap-services file (Nmap 7.93, Debian
# package nmap-common, /usr/share/nmap/nmap-services), TCP entries sorted by frequency, highest
# first, ties by port number. Only the port numbers (facts) are kept, not Nmap's file; they are
# the same ports `nmap --top-ports 1000` scans. Regenerate: python -m core.datafiles.top_ports
# One port a line; lines starting with # are comments.
"""


def read_top_ports(path: Path, name: str = NAME) -> tuple[int, ...]:
    """Exactly COUNT unique TCP ports 1..65535 in the file's order; DataFileError otherwise."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise fields.fail(name, f"cannot read the file ({exc})") from None
    found: dict[int, int] = {}
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        port = _port(text, f"{name} line {number}")
        if port in found:
            raise fields.fail(f"{name} line {number}", f"port {port} already on line "
                              f"{found[port]}")
        found[port] = number
    if len(found) != COUNT:
        raise fields.fail(name, f"holds {len(found)} ports, expected exactly {COUNT}")
    return tuple(found)


def _port(text: str, label: str) -> int:
    if not text.isascii() or not text.isdigit():
        raise fields.fail(label, f"expected a port number, got {text[:20]!r}")
    port = int(text)
    if not 0 < port < 65536:
        raise fields.fail(label, f"port {port} is outside 1..65535")
    return port


@cache
def bundled() -> tuple[int, ...]:
    """The bundled list, read once."""
    return read_top_ports(resource("ports", "top-tcp.txt"))


def rank_nmap_services(lines: Iterable[str], count: int = COUNT) -> tuple[int, ...]:
    """The `count` TCP ports with the highest open frequency in nmap-services lines."""
    best: dict[int, float] = {}
    for line in lines:
        words = line.split()
        if len(words) < 3 or words[0].startswith("#") or not words[1].endswith("/tcp"):
            continue
        port, frequency = int(words[1].split("/")[0]), float(words[2])
        best[port] = max(frequency, best.get(port, 0.0))
    ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
    return tuple(port for port, _ in ranked[:count])


def render(ports: Iterable[int]) -> str:
    """The data file's text for `ports`."""
    return HEADER + "".join(f"{port}\n" for port in ports)


def main() -> None:
    """Rewrite the bundled file from /usr/share/nmap/nmap-services."""
    source = Path("/usr/share/nmap/nmap-services")
    ports = rank_nmap_services(source.read_text(encoding="utf-8").splitlines())
    resource("ports", "top-tcp.txt").write_text(render(ports), encoding="utf-8")


if __name__ == "__main__":
    main()
