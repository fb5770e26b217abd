"""The thorough scan: a TCP connect sweep of many ports, bounded, with one retry for silence."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import select
import socket
import struct
from collections import deque

from core.checks.net import Gate
from core.checks.ports import PortState

_RESET = struct.pack("ii", 1, 0)
_STARTED = {errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EALREADY}
_ANSWERED = {0: PortState.OPEN, errno.ECONNREFUSED: PortState.CLOSED,
             errno.ECONNRESET: PortState.OPEN}  # reset after accept: something listens


async def sweep(ip: str, ports: tuple[int, ...], gate: Gate, workers: int, first_timeout: float,
                retry_timeout: float, into: dict[int, PortState]) -> dict[int, PortState]:
    """Every port's state; ports silent in the first pass are asked once more, longer.

    A host that answered nothing at all in the first pass is not asked again: it drops
    everything, and a second pass would only double the wait. States go into `into` as known.
    """
    await sweep_pass(ip, ports, gate, workers, first_timeout, into)
    silent = tuple(p for p in ports if into[p] is PortState.FILTERED)
    if silent and len(silent) < len(ports):
        await sweep_pass(ip, silent, gate, workers, retry_timeout, into)
    return {port: into[port] for port in ports}


async def sweep_pass(ip: str, ports: tuple[int, ...], gate: Gate, workers: int,
                      timeout: float, into: dict[int, PortState]) -> None:
    """Up to `workers` connects in flight, each slot beyond the first taken only while the
    shared cap has it free (so two sweeps never wait on each other) and given back when idle."""
    if not hasattr(select, "epoll"):  # macOS, Windows: one task per connect, still bounded
        await _sweep_slowly(ip, ports, gate, workers, timeout, into)
        return
    todo = deque(ports)
    async with gate.slot():
        window = _Window(ip, timeout, into)
        held = 1
        try:
            while todo or window.busy:
                while held < min(workers, len(todo) + window.busy) and not gate.overall.locked():
                    await gate.overall.acquire()
                    held += 1
                while todo and window.busy < held:
                    window.start(todo.popleft())
                await window.wait()
                while held > max(1, len(todo) + window.busy):
                    gate.overall.release()
                    held -= 1
        finally:
            window.close()
            for _ in range(held - 1):
                gate.overall.release()


class _Window:
    """Connects in flight, watched through one epoll set and expired by their own deadlines:
    no task, timer or loop registration per port, so 1,000 ports cost milliseconds of CPU."""

    def __init__(self, ip: str, timeout: float, into: dict[int, PortState]) -> None:
        self.loop = asyncio.get_running_loop()
        self.address = ip
        self.family = socket.AF_INET6 if ":" in ip else socket.AF_INET
        self.timeout = timeout
        self.into = into
        self.waiting: dict[int, tuple[int, socket.socket, float]] = {}  # fd, oldest first
        self.poller = select.epoll()
        self.woken: asyncio.Future[None] | None = None
        self.loop.add_reader(self.poller.fileno(), self._answered)

    @property
    def busy(self) -> int:
        return len(self.waiting)

    def start(self, port: int) -> None:
        sock = socket.socket(self.family, socket.SOCK_STREAM)
        sock.setblocking(False)
        error = sock.connect_ex((self.address, port))
        if error in _STARTED:
            self.waiting[sock.fileno()] = (port, sock, self.loop.time() + self.timeout)
            self.poller.register(sock.fileno(), select.EPOLLOUT)
        else:
            self._record(port, sock, _ANSWERED.get(error, PortState.FILTERED))

    async def wait(self) -> None:
        """Until an answer arrives or the oldest connect's deadline passes (then it is filtered)."""
        if not self.waiting:
            return
        _, _, deadline = next(iter(self.waiting.values()))
        self.woken = self.loop.create_future()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.woken, max(0.0, deadline - self.loop.time()))
        self.woken = None
        now = self.loop.time()
        for fd, (port, sock, deadline) in list(self.waiting.items()):
            if deadline > now:
                break
            del self.waiting[fd]
            self._record(port, sock, PortState.FILTERED)

    def close(self) -> None:
        """Stop watching; whatever is still silent is filtered and closed."""
        self.loop.remove_reader(self.poller.fileno())
        for port, sock, _ in self.waiting.values():
            self._record(port, sock, PortState.FILTERED)
        self.waiting.clear()
        self.poller.close()

    def _answered(self) -> None:
        for fd, _ in self.poller.poll(0, max(1, len(self.waiting))):
            port, sock, _ = self.waiting.pop(fd)
            error = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            self._record(port, sock, _ANSWERED.get(error, PortState.FILTERED))
        if self.woken is not None and not self.woken.done():
            self.woken.set_result(None)

    def _record(self, port: int, sock: socket.socket, state: PortState) -> None:
        self.into[port] = state
        _close(sock, state)


async def _sweep_slowly(ip: str, ports: tuple[int, ...], gate: Gate, workers: int,
                        timeout: float, into: dict[int, PortState]) -> None:
    queue = iter(ports)

    async def work() -> None:
        for port in queue:
            async with gate.slot():
                into[port] = await connect_state(ip, port, timeout)

    await asyncio.gather(*(work() for _ in range(max(1, min(workers, len(ports))))))


def _close(sock: socket.socket, state: PortState) -> None:
    if state is PortState.OPEN:  # a reset frees the peer's side at once: nothing half-open
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _RESET)
    sock.close()


async def connect_state(ip: str, port: int, timeout: float) -> PortState:
    """One connect for systems without epoll: accepted, refused or no answer."""
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setblocking(False)
        await asyncio.wait_for(loop.sock_connect(sock, (ip, port)), timeout)
    except ConnectionRefusedError:
        return PortState.CLOSED
    except ConnectionResetError:
        return PortState.OPEN
    except (TimeoutError, OSError):
        return PortState.FILTERED
    finally:
        _close(sock, PortState.OPEN)  # always a reset: the state is not known here yet
    return PortState.OPEN
