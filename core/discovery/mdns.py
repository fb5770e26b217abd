"""mDNS / DNS-SD on one interface: browse service types as they appear, resolve every instance."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import queue
import time
from collections.abc import Callable, Iterable

from zeroconf import (
    BadTypeInNameException,
    DNSQuestionType,
    IPVersion,
    ServiceBrowser,
    ServiceInfo,
    ServiceListener,
    Zeroconf,
)

from core.cancel import CancelToken
from core.models import MdnsService

TYPE_ENUMERATION = "_services._dns-sd._udp.local."
# Browsed from the first moment, so a device that announces late is heard at once.
SEED_TYPES = (
    "_ipp._tcp.local.", "_ipps._tcp.local.", "_printer._tcp.local.", "_pdl-datastream._tcp.local.",
    "_http._tcp.local.", "_https._tcp.local.", "_rtsp._tcp.local.", "_hap._tcp.local.",
    "_googlecast._tcp.local.", "_airplay._tcp.local.", "_raop._tcp.local.", "_smb._tcp.local.",
    "_workstation._tcp.local.", "_device-info._tcp.local.", "_mqtt._tcp.local.",
    "_ssh._tcp.local.", "_sonos._tcp.local.", "_spotify-connect._tcp.local.",
)
MAX_TYPES = 200  # bounds what a hostile network can make us browse
MAX_INSTANCES = 1000
MAX_NAME = 255
MAX_TXT_ENTRIES = 64
MAX_TXT_KEY = 64
MAX_TXT_VALUE = 512


def browse(iface_ip: str, deadline: float, cancel: CancelToken,
           on_service: Callable[[MdnsService], None]) -> None:
    """Discover and resolve services heard on `iface_ip` until `deadline` (monotonic) or cancel."""
    zc = Zeroconf(interfaces=[iface_ip], ip_version=IPVersion.V4Only)
    events: queue.SimpleQueue[tuple[str, str]] = queue.SimpleQueue()
    listener = _Listener(events)
    browsers = [ServiceBrowser(zc, [TYPE_ENUMERATION, *SEED_TYPES], listener,
                               question_type=DNSQuestionType.QM)]
    types: set[str] = set(SEED_TYPES)
    requests: dict[tuple[str, str], concurrent.futures.Future[bool]] = {}
    infos: dict[tuple[str, str], ServiceInfo] = {}
    try:
        while not cancel.cancelled and time.monotonic() < deadline:
            _drain(events, zc, listener, browsers, types, requests, infos, deadline)
            for key, future in list(requests.items()):
                if future.done():
                    del requests[key]
                    if not future.cancelled() and future.exception() is None and future.result():
                        on_service(to_service(infos[key]))
            cancel.wait(0.03)
    finally:
        for future in requests.values():
            future.cancel()
        for browser in browsers:
            browser.cancel()
        zc.close()


def to_service(info: ServiceInfo) -> MdnsService:
    """A frozen MdnsService from a resolved zeroconf ServiceInfo (bounded, safely decoded)."""
    instance = info.name.removesuffix("." + info.type) if info.name.endswith(info.type) \
        else info.name
    return MdnsService(
        type=info.type[:MAX_NAME],
        name=_printable(instance)[:MAX_NAME],
        port=int(info.port or 0),
        host=_printable(info.server or "")[:MAX_NAME],
        addresses=tuple(info.parsed_addresses(IPVersion.V4Only)),
        txt=decode_txt(info.properties.items()),
    )


def decode_txt(items: Iterable[tuple[bytes | str, bytes | str | None]]) -> tuple[
        tuple[str, str], ...]:
    """TXT pairs as text: bad UTF-8 escaped, empty keys dropped, sizes and count bounded."""
    decoded: dict[str, str] = {}
    for raw_key, raw_value in items:
        key = _text(raw_key)[:MAX_TXT_KEY]
        if not key or key in decoded:
            continue
        decoded[key] = _text(raw_value)[:MAX_TXT_VALUE] if raw_value is not None else ""
        if len(decoded) >= MAX_TXT_ENTRIES:
            break
    return tuple(decoded.items())


class _Listener(ServiceListener):
    """Runs on a browser thread: only queues names, never blocks."""

    def __init__(self, events: queue.SimpleQueue[tuple[str, str]]) -> None:
        self.events = events

    def add_service(self, zc: Zeroconf, type_: str, name: str) -> None:
        self.events.put((type_, name))

    def update_service(self, zc: Zeroconf, type_: str, name: str) -> None:
        self.events.put((type_, name))

    def remove_service(self, zc: Zeroconf, type_: str, name: str) -> None:
        pass


def _drain(events: queue.SimpleQueue[tuple[str, str]], zc: Zeroconf, listener: _Listener,
           browsers: list[ServiceBrowser], types: set[str],
           requests: dict[tuple[str, str], concurrent.futures.Future[bool]],
           infos: dict[tuple[str, str], ServiceInfo], deadline: float) -> None:
    while True:
        try:
            type_, name = events.get_nowait()
        except queue.Empty:
            return
        if type_ == TYPE_ENUMERATION:
            if name not in types and len(types) < MAX_TYPES and name.endswith(".local."):
                types.add(name)
                with contextlib.suppress(BadTypeInNameException):
                    browsers.append(ServiceBrowser(zc, name, listener,
                                                   question_type=DNSQuestionType.QM))
        elif (type_, name) not in requests and len(infos) < MAX_INSTANCES:
            try:
                info = ServiceInfo(type_, name)
            except BadTypeInNameException:
                continue
            timeout_ms = max(100.0, (deadline - time.monotonic()) * 1000)
            if zc.loop is None:
                return
            infos[(type_, name)] = info
            requests[(type_, name)] = asyncio.run_coroutine_threadsafe(
                info.async_request(zc, timeout_ms), zc.loop)


def _text(value: bytes | str) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="backslashreplace")
    return _printable(value)


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"
