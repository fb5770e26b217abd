"""Reverse DNS for found addresses, in parallel and bounded in time and count."""

from __future__ import annotations

import queue
import socket
import threading
import time
from collections.abc import Callable, Iterable

from core.cancel import CancelToken

WORKERS = 8
MAX_LOOKUPS = 512
MAX_NAME = 253


def reverse_lookup(ips: Iterable[str], deadline: float, cancel: CancelToken,
                   on_name: Callable[[str, str], None]) -> None:
    """Look up each address's PTR name; report (ip, name) as found; give up at `deadline`.

    getaddrinfo-family calls cannot be interrupted, so workers are daemon threads that this
    function stops waiting for at the deadline; a slow resolver never delays the scan.
    """
    work: queue.SimpleQueue[str] = queue.SimpleQueue()
    unique = list(dict.fromkeys(ips))[:MAX_LOOKUPS]
    for ip in unique:
        work.put(ip)
    workers = [threading.Thread(target=_worker, args=(work, cancel, deadline, on_name),
                                name=f"rdns-{n}", daemon=True)
               for n in range(min(WORKERS, len(unique)))]
    for worker in workers:
        worker.start()
    for worker in workers:
        while worker.is_alive() and not cancel.cancelled and time.monotonic() < deadline:
            worker.join(timeout=0.05)


def clean_name(name: str) -> str:
    """A printable, bounded host name without the trailing dot, or "" if it is not one."""
    name = name.strip().rstrip(".")[:MAX_NAME]
    if not name or any(not (ch.isalnum() or ch in "-._") for ch in name):
        return ""
    return name


def _worker(work: queue.SimpleQueue[str], cancel: CancelToken, deadline: float,
            on_name: Callable[[str, str], None]) -> None:
    while not cancel.cancelled and time.monotonic() < deadline:
        try:
            ip = work.get_nowait()
        except queue.Empty:
            return
        try:
            name = socket.gethostbyaddr(ip)[0]
        except (OSError, UnicodeError):
            continue
        cleaned = clean_name(name)
        if cleaned and cleaned != ip and not cancel.cancelled and time.monotonic() < deadline:
            on_name(ip, cleaned)
