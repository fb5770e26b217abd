"""LLMNR (UDP 5355, RFC 4795): each live address asked for its own name by a unicast PTR query."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from core.cancel import CancelToken
from core.discovery import names
from core.discovery.unicast import MAX_TARGETS, Exchange, Targets, ask_each

LLMNR_PORT = 5355


def query(ips: Sequence[str] | Targets, deadline: float, cancel: CancelToken,
          on_name: Callable[[str, str], None], port: int = LLMNR_PORT) -> None:
    """Ask each address for the name of its own address as it comes; report (ip, name).

    Windows and systemd-resolved answer these; a name equal to the address is ignored.
    """
    base = random.randrange(0, 0x10000 - MAX_TARGETS)
    exchange = Exchange(port, lambda ip, number: names.ptr_query(ip, base + number, flags=0),
                        lambda data, number: _name(data, base + number))
    ask_each(ips, exchange, deadline, cancel, on_name)


def _name(data: bytes, ident: int) -> str | None:
    """The cleaned name in an LLMNR answer to question `ident`, None for anything else."""
    answered, name = names.parse_ptr_answer(data)
    cleaned = names.clean_name(name)
    return cleaned if answered == ident and cleaned else None
