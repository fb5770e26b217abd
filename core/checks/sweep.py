"""The thorough scan: a TCP connect sweep of many ports, bounded, with one retry for silence."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import socket
import struct

from core.checks.net import Gate
from core.checks.ports import PortState

# Closing with SO_LINGER 0 sends a reset: the peer frees its side at once, nothing half-open.
_RESET = struct.pack("ii", 1, 0)
_STARTED = {errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EALREADY, 10035}  # 10035: Windows
_ANSWERED = {0: PortState.OPEN, errno.ECONNREFUSED: PortState.CLOSED,
             errno.ECONNRESET: PortState.OPEN}  # reset after accept: something listens


async def sweep(ip: str, ports: tuple[int, ...], gate: Gate, workers: int, first_timeout: float,
                retry_timeout: float, into: dict[int, PortState]) -> dict[int, PortState]:
    """Every port's state; ports silent in the first pass are asked once more, longer.

    A host that answered nothing at all in the first pass is not asked again: it drops
    everything, and a second pass would only double the wait. States go into `into` as known.
    """
    await _sweep_pass(ip, ports, gate, workers, first_timeout, into)
    silent = tuple(p for p in ports if into[p] is PortState.FILTERED)
    if silent and len(silent) < len(ports):
        await _sweep_pass(ip, silent, gate, workers, retry_timeout, into)
    return {port: into[port] for port in ports}


async def _sweep_pass(ip: str, ports: tuple[int, ...], gate: Gate, workers: int,
                      timeout: float, into: dict[int, PortState]) -> None:
    """Batches of at most `workers` ports, each as many as the gate's shared slots allow."""
    todo = list(ports)
    while todo:
        async with gate.slot():  # one slot waited for; more taken only if free (no deadlock)
            extra = 0
            while extra < min(workers, len(todo)) - 1 and not gate.overall.locked():
                await gate.overall.acquire()
                extra += 1
            try:
                batch, todo = todo[:extra + 1], todo[extra + 1:]
                await connect_batch(ip, batch, timeout, into)
            finally:
                for _ in range(extra):
                    gate.overall.release()


async def connect_batch(ip: str, ports: list[int], timeout: float,
                        into: dict[int, PortState]) -> None:
    """Connect to every port at once; a port with no answer by the deadline is filtered."""
    # One deadline for the batch, no task or timer per port: 1,000 ports cost milliseconds of CPU.
    loop = asyncio.get_running_loop()
    if not hasattr(loop, "add_writer") or _is_proactor(loop):
        states = await asyncio.gather(*(connect_state(ip, port, timeout) for port in ports))
        into.update(zip(ports, states, strict=True))
        return
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    waiting: dict[int, socket.socket] = {}
    done = loop.create_future()

    def finish(port: int, state: PortState) -> None:
        into[port] = state
        sock = waiting.pop(port)
        loop.remove_writer(sock.fileno())
        _close(sock)
        if not waiting and not done.done():
            done.set_result(None)

    def writable(port: int) -> None:
        error = waiting[port].getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        finish(port, _ANSWERED.get(error, PortState.FILTERED))

    try:
        for port in ports:
            sock = socket.socket(family, socket.SOCK_STREAM)
            sock.setblocking(False)
            error = sock.connect_ex((ip, port))
            if error in _STARTED:
                waiting[port] = sock
                loop.add_writer(sock.fileno(), writable, port)
            else:
                into[port] = _ANSWERED.get(error, PortState.FILTERED)
                _close(sock)
        if waiting:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(done), timeout)
    finally:  # the deadline, or a cancel: whatever is still silent is filtered and closed
        for port in list(waiting):
            finish(port, PortState.FILTERED)


def _is_proactor(loop: asyncio.AbstractEventLoop) -> bool:
    proactor = getattr(asyncio, "ProactorEventLoop", None)
    return proactor is not None and isinstance(loop, proactor)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _RESET)
    sock.close()


async def connect_state(ip: str, port: int, timeout: float) -> PortState:
    """One connect for loops without add_writer: accepted, refused or no answer."""
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
        _close(sock)
    return PortState.OPEN
