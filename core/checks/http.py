"""HTTP check: GET / once, read status, server, title, auth scheme, redirect and HSTS (bounded)."""

from __future__ import annotations

import asyncio
import html
import re
from dataclasses import dataclass, field

from core.checks.catalog import finding
from core.checks.net import NoAnswer, first_line, printable, read_some, send
from core.models import Finding

MAX_RESPONSE = 16384
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)
_PASSWORD_FIELD = re.compile(rb"<input[^>]*type\s*=\s*[\"']?password|\blog ?in\b|\bsign ?in\b|"
                             rb"\bpasswor[dt]\b|\bkennwort\b|\bmot de passe\b", re.IGNORECASE)
# Words of pages that change a device: several of them on a page that asks no password.
ADMIN_WORDS = ("settings", "configuration", "administration", "firmware", "reboot",
               "factory reset", "wireless", "dhcp", "port forwarding", "user management",
               "system status", "maintenance", "upgrade", "network setup", "device setup")
_ADMIN = re.compile(rb"\b(" + b"|".join(w.encode() for w in ADMIN_WORDS) + rb")\b",
                    re.IGNORECASE)
MIN_ADMIN_WORDS = 2


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """The parts of one HTTP response the checks look at."""

    status: int
    status_line: str
    headers: dict[str, list[str]] = field(default_factory=dict)  # lower-case names
    title: str = ""
    asks_password: bool = False  # a password field or login words in the page
    admin_words: tuple[str, ...] = ()  # ADMIN_WORDS found in the page, lower case

    def header(self, name: str) -> str:
        values = self.headers.get(name.lower())
        return values[0] if values else ""

    @property
    def auth_schemes(self) -> tuple[str, ...]:
        """Schemes offered in WWW-Authenticate, lower case ("basic", "digest")."""
        return tuple(v.split(None, 1)[0].lower() for v in self.headers.get("www-authenticate", [])
                     if v.strip())


def request_bytes(host: str, path: str = "/", extra: str = "") -> bytes:
    return (f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: iot-hygiene\r\nAccept: */*\r\n"
            f"{extra}Connection: close\r\n\r\n").encode()


async def fetch(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str,
                timeout: float, path: str = "/", extra: str = "") -> HttpResponse:
    """One GET on an open stream; NoAnswer when the peer is silent or not HTTP."""
    await send(writer, request_bytes(host, path, extra), timeout)
    data = await read_some(reader, timeout, limit=MAX_RESPONSE, idle=0.5)
    return parse_response(data)


def parse_response(data: bytes) -> HttpResponse:
    """Parse a (possibly truncated) response; NoAnswer if it is not HTTP at all."""
    head, _, body = data.partition(b"\r\n\r\n")
    status_line = first_line(head)
    parts = status_line.split(" ", 2)
    if not parts[0].startswith("HTTP/") or len(parts) < 2 or not _is_code(parts[1]):
        raise NoAnswer(f"not an HTTP answer: {printable(data, 60)!r}")
    headers: dict[str, list[str]] = {}
    for raw in head.split(b"\r\n")[1:100]:
        name, sep, value = raw.decode("latin-1").partition(":")
        if sep:
            headers.setdefault(name.strip().lower(), []).append(value.strip()[:300])
    match = _TITLE.search(body)
    title = ""
    if match:
        title = " ".join(html.unescape(match.group(1).decode("utf-8", "replace")).split())[:120]
    words = tuple(dict.fromkeys(m.decode().lower() for m in _ADMIN.findall(body)))
    return HttpResponse(int(parts[1]), status_line[:120], headers, printable(title.encode()),
                        bool(_PASSWORD_FIELD.search(body)), words)


def is_xml(response: HttpResponse) -> bool:
    """True when the answer says it is XML (UPnP descriptions, SOAP and other APIs)."""
    kind = response.header("content-type").split(";")[0].strip().lower()
    return kind in ("text/xml", "application/xml") or kind.endswith("+xml")


def admin_without_login(response: HttpResponse, port: int, scheme: str) -> list[Finding]:
    """A page that answers 200 with admin words, no password field and no login asked."""
    if (response.status != 200 or response.auth_schemes or response.asks_password
            or len(response.admin_words) < MIN_ADMIN_WORDS):
        return []
    shown = ", ".join(response.admin_words[:5])
    return [finding("http-admin-no-login", f"GET / over {scheme} on port {port} answered "
                    f"{response.status_line!r}{_titled(response)} showing {shown}, with no "
                    "password field and no login asked", port)]


def _titled(response: HttpResponse) -> str:
    return f" titled {response.title!r}" if response.title else ""


def judge_plain(response: HttpResponse, port: int) -> list[Finding]:
    """Findings for a page served over plain HTTP."""
    seen = describe(response)
    location = response.header("location")
    if 300 <= response.status < 400 and location.lower().startswith("https://"):
        return [finding("service-banner", f"port {port}: {seen}; redirects to HTTPS", port)]
    if "basic" in response.auth_schemes:
        return [finding("http-basic-cleartext", f"GET / on port {port}: {seen}", port)]
    if response.status >= 404 or response.status < 200:  # no page here (e.g. a cast API)
        return [finding("service-banner", f"port {port}: {seen}", port)]
    if is_xml(response):  # a UPnP description or an API answers here, not a page for people
        return [finding("service-banner", f"port {port}: {seen}; serves XML, not a web page",
                        port)]
    return [finding("http-admin-cleartext", f"GET / on port {port}: {seen}; no redirect to HTTPS",
                    port), *admin_without_login(response, port, "HTTP")]


def judge_tls(response: HttpResponse, port: int) -> list[Finding]:
    """Findings for a page served over HTTPS."""
    seen = describe(response)
    found = [finding("service-banner", f"port {port} (HTTPS): {seen}", port)]
    if not response.header("strict-transport-security"):
        found.append(finding("http-no-hsts", f"GET / on port {port} over TLS: {seen}; "
                             "no Strict-Transport-Security header", port))
    return found + admin_without_login(response, port, "HTTPS")


def describe(response: HttpResponse) -> str:
    parts = [repr(response.status_line)]
    for label, name in (("Server", "server"), ("WWW-Authenticate", "www-authenticate"),
                        ("Location", "location")):
        if response.header(name):
            parts.append(f"{label}: {response.header(name)[:100]!r}")
    if response.title:
        parts.append(f"title {response.title!r}")
    return ", ".join(parts)


def _is_code(text: str) -> bool:
    """Three ASCII digits (str.isdigit also accepts '²' and other digits int() refuses)."""
    return len(text) == 3 and text.isascii() and text.isdigit()
