"""Fetch a UPnP device description (size cap, time bound) and parse it safely with defusedxml."""

from __future__ import annotations

import select
import socket
import time
import urllib.parse
import xml.etree.ElementTree as ET

import defusedxml
import defusedxml.ElementTree

from core.cancel import CancelToken
from core.models import UpnpInfo
from core.text import clean_text

MAX_BYTES = 256 * 1024  # a real description is a few kB; anything bigger is cut off
MAX_FIELD = 200
MAX_SERVICES = 50
READ_SLICE = 0.25  # socket timeout per read, so a cancel is noticed quickly
_FIELDS = {
    "deviceType": "device_type",
    "friendlyName": "friendly_name",
    "manufacturer": "manufacturer",
    "modelName": "model_name",
    "modelNumber": "model_number",
    "serialNumber": "serial",
}
_FIRMWARE_TAGS = ("firmwareVersion", "softwareVersion", "fwVersion", "firmware")


class FetchError(Exception):
    """The description could not be fetched within the bounds (reason in the message)."""


def fetch(location: str, deadline: float, cancel: CancelToken) -> bytes:
    """GET `location` (plain http only), at most MAX_BYTES, finished by `deadline` (monotonic)."""
    url = urllib.parse.urlsplit(location)
    if url.scheme != "http" or not url.hostname:
        raise FetchError(f"not a plain http URL: {location[:100]!r}")
    path = (url.path or "/") + (f"?{url.query}" if url.query else "")
    request = (f"GET {path} HTTP/1.0\r\nHost: {url.netloc}\r\nConnection: close\r\n"
               "User-Agent: IoT-Hygiene/0.1 UPnP/1.0\r\n\r\n").encode("latin-1", "replace")
    try:
        with socket.create_connection((url.hostname, url.port or 80),
                                      timeout=max(0.05, min(0.5, deadline - time.monotonic()))
                                      ) as sock:
            sock.sendall(request)
            raw = _read_bounded(sock, deadline, cancel)
    except (OSError, ValueError) as error:
        raise FetchError(str(error) or type(error).__name__) from error
    head, _, body = raw.partition(b"\r\n\r\n")
    status = head.split(b"\r\n", 1)[0].split()
    if len(status) < 2 or status[1] != b"200":
        raise FetchError(f"unexpected answer {head[:40]!r}")
    return body[:MAX_BYTES]


def parse(xml: bytes, location: str, server: str = "") -> UpnpInfo:
    """UpnpInfo from description XML; broken or hostile XML gives one with only the location."""
    location = _clean(location)
    try:
        root = defusedxml.ElementTree.fromstring(xml)
    except (ET.ParseError, defusedxml.DefusedXmlException, ValueError):
        return UpnpInfo(location=location, server=_clean(server))
    device = _first(root, "device")
    if device is None:
        return UpnpInfo(location=location, server=_clean(server))
    values = {attr: _clean(_child_text(device, tag)) for tag, attr in _FIELDS.items()}
    firmware = next((_clean(_child_text(device, t)) for t in _FIRMWARE_TAGS
                     if _child_text(device, t)), "")
    services = tuple(_clean(el.text or "") for el in root.iter()
                     if _local(el.tag) == "serviceType")[:MAX_SERVICES]
    return UpnpInfo(location=location, firmware=firmware, services=services,
                    server=_clean(server), **values)


def _read_bounded(sock: socket.socket, deadline: float, cancel: CancelToken) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size < MAX_BYTES + 16384:  # headers included
        if cancel.cancelled or time.monotonic() >= deadline:
            raise FetchError("cancelled or out of time")
        ready, _, _ = select.select([sock], [], [], READ_SLICE)
        if not ready:
            continue
        chunk = sock.recv(16384)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _first(root: ET.Element, name: str) -> ET.Element | None:
    return next((el for el in root.iter() if _local(el.tag) == name), None)


def _child_text(element: ET.Element, name: str) -> str:
    child = next((el for el in element if _local(el.tag) == name), None)
    return (child.text or "") if child is not None else ""


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _clean(text: str) -> str:
    return clean_text(text, MAX_FIELD, single_space=True)
