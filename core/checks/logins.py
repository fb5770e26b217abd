"""One default-login attempt per call (HTTP Basic/Digest, telnet, RTSP, SNMP); returns accepted?"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import re

from core.checks import http, snmp, tls
from core.checks.banners import split_telnet
from core.checks.credentials import DefaultLogin
from core.checks.net import Gate, NoAnswer, open_stream, read_some, send

_FAILED = re.compile(rb"incorrect|fail|denied|invalid|wrong", re.IGNORECASE)
_PROMPT = re.compile(rb"[#$>%]\s*$")
_DIGEST_PARAM = re.compile(r'(\w+)=(?:"([^"]*)"|([^,\s]*))')


class LoginNotAsked(Exception):
    """The place answered without asking for a login: open to all (its own finding, found by
    the probes), which proves nothing about a factory default."""


async def http_login(ip: str, port: int, over_tls: bool, login: DefaultLogin,
                     gate: Gate) -> bool:
    """True when GET / asks for a login (401) and answers without one once the default login is
    sent. A page that asks for nothing proves no password: that is `http-admin-no-login`."""
    first = await _http_get(ip, port, over_tls, gate, "")
    if first.status != 401:
        raise LoginNotAsked(f"GET / answered {first.status} without a password")
    header = authorization(first, login, "GET", "/")
    if not header:
        return False
    answer = await _http_get(ip, port, over_tls, gate, f"Authorization: {header}\r\n")
    return answer.status < 400


async def rtsp_login(ip: str, port: int, login: DefaultLogin, gate: Gate) -> bool:
    """True when DESCRIBE rtsp://ip:port/ answers 200 with the default login (Digest or Basic,
    as the server asks; Digest when it offers both)."""
    url = f"rtsp://{ip}:{port}/"
    first = await _rtsp(ip, port, gate, url, "", 1)
    if first.status == 200:
        raise LoginNotAsked("DESCRIBE answered 200 without a password")
    header = authorization(first, login, "DESCRIBE", url) if first.status == 401 else ""
    if not header:
        return False
    return (await _rtsp(ip, port, gate, url, f"Authorization: {header}\r\n", 2)).status == 200


async def telnet_login(ip: str, port: int, login: DefaultLogin, gate: Gate) -> bool:
    """True when the login is followed by a shell prompt instead of a refusal."""
    timeout = gate.read_timeout
    async with open_stream(ip, port, gate) as (reader, writer):
        await _telnet_until(reader, writer, b"login:", timeout)
        await send(writer, login.user.encode() + b"\r\n", timeout)
        await _telnet_until(reader, writer, b"assword:", timeout)
        await send(writer, login.password.encode() + b"\r\n", timeout)
        try:
            text, _ = split_telnet(await read_some(reader, timeout, limit=2048, idle=0.5))
        except NoAnswer:
            return False
    text = text.rstrip(b"\r\n ")
    if _FAILED.search(text) or text.lower().endswith(b"login:"):
        return False
    return bool(_PROMPT.search(text))


async def snmp_login(ip: str, login: DefaultLogin, timeout: float) -> str:
    """The device's sysDescr when it answers the community string, else ''."""
    return await snmp.get_sys_descr(ip, login.password, timeout)


def authorization(challenge: http.HttpResponse, login: DefaultLogin, method: str,
                  uri: str) -> str:
    """The Authorization value answering a 401: Digest when offered (it never sends the
    password), else Basic; '' when the server offers neither."""
    offers = [v.strip() for v in challenge.headers.get("www-authenticate", [])]
    digest = next((v for v in offers if v.lower().startswith("digest")), "")
    if digest:
        return digest_header(digest, login, method, uri)
    if any(v.lower().startswith("basic") for v in offers):
        return basic_header(login)
    return ""


def basic_header(login: DefaultLogin) -> str:
    token = base64.b64encode(f"{login.user}:{login.password}".encode()).decode()
    return f"Basic {token}"


def digest_header(challenge: str, login: DefaultLogin, method: str, uri: str,
                  cnonce: str = "") -> str:
    """An RFC 7616 Digest Authorization value (MD5 or SHA-256, qop auth or none)."""
    params = {m[0].lower(): m[1] or m[2] for m in _DIGEST_PARAM.findall(challenge)}
    algorithm = params.get("algorithm", "MD5")
    hash_name = "sha256" if algorithm.upper().startswith("SHA-256") else "md5"

    def h(text: str) -> str:
        return hashlib.new(hash_name, text.encode()).hexdigest()

    realm, nonce = params.get("realm", ""), params.get("nonce", "")
    ha1, ha2 = h(f"{login.user}:{realm}:{login.password}"), h(f"{method}:{uri}")
    fields = [f'username="{login.user}"', f'realm="{realm}"', f'nonce="{nonce}"',
              f'uri="{uri}"', f"algorithm={algorithm}"]
    if "auth" in params.get("qop", "").split(","):
        cnonce = cnonce or os.urandom(8).hex()
        fields += ["qop=auth", "nc=00000001", f'cnonce="{cnonce}"',
                   f'response="{h(f"{ha1}:{nonce}:00000001:{cnonce}:auth:{ha2}")}"']
    else:
        fields.append(f'response="{h(f"{ha1}:{nonce}:{ha2}")}"')
    if "opaque" in params:
        fields.append(f'opaque="{params["opaque"]}"')
    return "Digest " + ", ".join(fields)


async def _http_get(ip: str, port: int, over_tls: bool, gate: Gate,
                    extra: str) -> http.HttpResponse:
    context = tls.permissive_context() if over_tls else None
    async with open_stream(ip, port, gate, tls=context) as (reader, writer):
        return await http.fetch(reader, writer, ip, gate.read_timeout, extra=extra)


async def _rtsp(ip: str, port: int, gate: Gate, url: str, extra: str,
                cseq: int) -> http.HttpResponse:
    request = (f"DESCRIBE {url} RTSP/1.0\r\nCSeq: {cseq}\r\nAccept: application/sdp\r\n"
               f"User-Agent: iot-hygiene\r\n{extra}\r\n").encode()
    async with open_stream(ip, port, gate) as (reader, writer):
        await send(writer, request, gate.read_timeout)
        data = await read_some(reader, gate.read_timeout, limit=4096)
    return http.parse_response(data.replace(b"RTSP/1.0", b"HTTP/1.0", 1))


async def _telnet_until(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                        marker: bytes, timeout: float) -> None:
    """Read (refusing every telnet option) until `marker` appears; NoAnswer otherwise."""
    seen = b""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while marker not in seen.lower() and len(seen) < 4096:
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise NoAnswer(f"no {marker.decode()!r} prompt in {timeout:g} s")
        data = await read_some(reader, remaining, limit=1024, idle=0.1)
        text, options = split_telnet(data)
        await send(writer, _refusals(options), timeout)
        seen += text
    if marker not in seen.lower():
        raise NoAnswer(f"no {marker.decode()!r} prompt")


def _refusals(options: list[str]) -> bytes:
    """WONT for every DO, DONT for every WILL: the plainest possible session."""
    out = bytearray()
    for item in options:
        verb, _, code = item.partition(" ")
        reply = {"DO": 0xFC, "WILL": 0xFE}.get(verb)
        if reply is not None:
            out += bytes([0xFF, reply, int(code)])
    return bytes(out)
