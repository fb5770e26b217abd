"""Bounded asyncio TCP helpers: connect, read a little, always close (no hang, no half-open)."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

from core.checks.budget import BudgetClock


class NoAnswer(Exception):
    """The peer said nothing (or not enough) in time; the message is what a person reads."""


@dataclass
class Gate:
    """Connection limits shared by probes: one overall and one per device.

    The device's own slot is taken first, then the shared one, so a device never holds a shared
    slot while it queues behind itself. With a `clock`, waiting for a shared slot (and nothing of
    the device's in flight) does not count against the device's budget. A `held` gate belongs to
    a probe that already holds its slot: its connections take none.
    """

    overall: asyncio.Semaphore
    device: asyncio.Semaphore
    connect_timeout: float
    read_timeout: float
    clock: BudgetClock | None = None
    held: bool = False

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """One connection slot (none if the gate is held)."""
        if self.held:
            yield
            return
        async with self.device:
            if self.clock is None:
                async with self.overall:
                    yield
            else:
                async with self.clock.queued(self.overall):
                    yield

    def holding(self) -> Gate:
        """This gate for work that already holds a slot."""
        return replace(self, held=True)


@contextlib.asynccontextmanager
async def open_stream(
    ip: str, port: int, gate: Gate, tls: ssl.SSLContext | None = None,
) -> AsyncIterator[tuple[asyncio.StreamReader, asyncio.StreamWriter]]:
    """Connect (bounded by the gate's limits and timeouts) and always close afterwards."""
    async with gate.slot():
        timeout = gate.connect_timeout + (gate.read_timeout if tls else 0.0)
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(
                ip, port, ssl=tls, server_hostname=None if tls is None else ""), timeout)
        except TimeoutError:
            raise NoAnswer(f"no answer in {timeout:g} s") from None
        except ssl.SSLError:
            raise
        except OSError as exc:
            raise NoAnswer(f"connection failed ({type(exc).__name__})") from None
        try:
            yield reader, writer
        finally:
            await close(writer)


async def close(writer: asyncio.StreamWriter) -> None:
    """Close politely for a moment, then abort: a dead peer cannot keep the socket open."""
    writer.close()
    try:
        await asyncio.wait_for(writer.wait_closed(), 0.3)
    except asyncio.CancelledError:
        writer.transport.abort()
        raise
    except Exception:  # a broken peer (timeout, reset, TLS alert) must never break the scan
        writer.transport.abort()


async def read_some(reader: asyncio.StreamReader, timeout: float, limit: int = 1024,
                    idle: float = 0.3) -> bytes:
    """Bytes the peer sends: wait up to `timeout` for the first, then until it pauses `idle`.

    The whole read never takes longer than `timeout + idle`, even for a peer that trickles.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout + idle
    data = b""
    try:
        data = await asyncio.wait_for(reader.read(limit), timeout)
    except TimeoutError:
        raise NoAnswer(f"no answer in {timeout:g} s") from None
    except (ConnectionError, OSError) as exc:
        raise NoAnswer(f"connection dropped ({type(exc).__name__})") from None
    if not data:
        raise NoAnswer("the connection was closed without a word")
    while len(data) < limit and loop.time() < deadline:
        try:
            wait = min(idle, deadline - loop.time())
            more = await asyncio.wait_for(reader.read(limit - len(data)), wait)
        except (TimeoutError, ConnectionError, OSError):
            break
        if not more:
            break
        data += more
    return data[:limit]


async def read_exactly(reader: asyncio.StreamReader, count: int, timeout: float) -> bytes:
    """Exactly `count` bytes within `timeout`, or NoAnswer saying what happened."""
    try:
        return await asyncio.wait_for(reader.readexactly(count), timeout)
    except TimeoutError:
        raise NoAnswer(f"no complete answer in {timeout:g} s") from None
    except asyncio.IncompleteReadError as exc:
        raise NoAnswer(f"the answer stopped after {len(exc.partial)} bytes") from None
    except (ConnectionError, OSError) as exc:
        raise NoAnswer(f"connection dropped ({type(exc).__name__})") from None


async def send(writer: asyncio.StreamWriter, data: bytes, timeout: float) -> None:
    """Write and drain within `timeout` (a peer that never reads cannot block us)."""
    writer.write(data)
    try:
        await asyncio.wait_for(writer.drain(), timeout)
    except TimeoutError:
        raise NoAnswer(f"the peer did not accept data in {timeout:g} s") from None
    except (ConnectionError, OSError) as exc:
        raise NoAnswer(f"connection dropped ({type(exc).__name__})") from None


def printable(data: bytes, limit: int = 200) -> str:
    """Bytes as text a person can read: control bytes shown as dots, bounded."""
    text = data[:limit].decode("utf-8", "replace")
    return "".join(ch if ch.isprintable() else "." for ch in text.replace("\r\n", " ").strip())


def first_line(data: bytes) -> str:
    """The first line of an answer (status line, greeting) as readable text."""
    return printable(data.split(b"\n", 1)[0].rstrip(b"\r"))
