"""One UDP question to each address as ARP finds it; answers reported until they stop arriving."""

from __future__ import annotations

import contextlib
import queue
import socket
import threading
import time
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from core.cancel import CancelToken
from core.discovery.quiet import Quiet

MAX_TARGETS = 1024  # addresses asked per scan
SEND_GAP = 0.002  # seconds between questions: a /22 is asked in about 2 s, gently
TAIL = 0.4  # seconds without an answer, after the last question, that end the wait
MAX_DATAGRAM = 2048
T = TypeVar("T")


class Targets:
    """Addresses to ask, added while the ARP phase finds them; closed once it has ended."""

    def __init__(self, ips: Sequence[str] = ()) -> None:
        self._queue: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._closed = threading.Event()
        for ip in ips:
            self.add(ip)

    def add(self, ip: str) -> None:
        self._queue.put(ip)

    def close(self) -> None:
        self._closed.set()

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def take(self) -> list[str]:
        """Every address added since the last call."""
        taken: list[str] = []
        while True:
            try:
                taken.append(self._queue.get_nowait())
            except queue.Empty:
                return taken


class Exchange(Generic[T]):
    """What one protocol asks (of an address, numbered) and how it reads an answer to it."""

    def __init__(self, port: int, question: Callable[[str, int], bytes],
                 parse: Callable[[bytes, int], T | None]) -> None:
        self.port, self.question, self.parse = port, question, parse


def ask_each(ips: Sequence[str] | Targets, exchange: Exchange[T], deadline: float,
             cancel: CancelToken, on_answer: Callable[[str, T], None]) -> None:
    """Ask each address once (at most MAX_TARGETS) as it comes; report (ip, answer).

    `ips` may be a `Targets` still being filled. Only the first answer from an address asked
    counts. The wait ends once the targets are closed and every address answered or TAIL
    seconds passed without an answer after the last question, or at `deadline` or cancel.
    """
    targets = ips if isinstance(ips, Targets) else Targets(ips)
    if not isinstance(ips, Targets):
        targets.close()
    asked: dict[str, int] = {}  # address -> its question's number
    waiting: set[str] = set()
    quiet = Quiet(TAIL)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    round_trip: _RoundTrip[T] = _RoundTrip(sock, exchange, asked, waiting, on_answer)
    try:
        while not cancel.cancelled and time.monotonic() < deadline:
            closed = targets.closed  # read before taking, so no late address is missed
            fresh = [ip for ip in dict.fromkeys(targets.take()) if ip not in asked]
            fresh = fresh[:max(0, MAX_TARGETS - len(asked))]
            round_trip.ask(fresh)
            if fresh:
                quiet.heard()
            if round_trip.receive(0.05):
                quiet.heard()
            elif closed and not fresh and (not waiting or quiet.is_quiet()):
                return
    finally:
        sock.close()


class _RoundTrip(Generic[T]):
    """Sends the questions and reads the answers of one `ask_each`."""

    def __init__(self, sock: socket.socket, exchange: Exchange[T], asked: dict[str, int],
                 waiting: set[str], on_answer: Callable[[str, T], None]) -> None:
        self.sock, self.exchange, self.asked, self.waiting = sock, exchange, asked, waiting
        self.on_answer = on_answer

    def ask(self, ips: list[str]) -> None:
        """Send the question to each of `ips`, paced, reading answers in between."""
        for ip in ips:
            number = len(self.asked)
            self.asked[ip] = number
            self.waiting.add(ip)
            with contextlib.suppress(OSError):
                self.sock.sendto(self.exchange.question(ip, number), (ip, self.exchange.port))
            self.receive(SEND_GAP)

    def receive(self, timeout: float) -> bool:
        """Read one datagram; True if it answered an address still waited for."""
        self.sock.settimeout(timeout)
        try:
            data, (ip, _) = self.sock.recvfrom(MAX_DATAGRAM)
        except (TimeoutError, OSError):
            return False
        if ip not in self.waiting:  # only the addresses asked, each once
            return False
        answer = self.exchange.parse(data, self.asked[ip])
        if answer is None:
            return False
        self.waiting.discard(ip)
        self.on_answer(ip, answer)
        return True
