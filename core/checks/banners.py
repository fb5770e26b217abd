"""Banner checks for telnet, FTP, SSH and RTSP: read the first bytes (bounded), never log in."""

from __future__ import annotations

import asyncio
import contextlib

from core.checks.catalog import finding
from core.checks.net import Gate, NoAnswer, first_line, open_stream, printable, read_some, send
from core.models import Finding

ANONYMOUS_PASSWORD = "iot-hygiene@"  # the convention: an e-mail-like word, not a secret
IAC = 0xFF
_SB, _SE = 0xFA, 0xF0
_OPTION_VERBS = {0xFB: "WILL", 0xFC: "WONT", 0xFD: "DO", 0xFE: "DONT"}


async def check_telnet(ip: str, port: int, gate: Gate, silent: set[int],
                       texts: list[tuple[str, str]] | None = None) -> list[Finding]:
    """Telnet is a finding by itself; the evidence is what the peer says first."""
    try:
        async with open_stream(ip, port, gate) as (reader, _):
            data = await read_some(reader, gate.read_timeout, limit=512)
    except NoAnswer as exc:
        silent.add(port)
        seen = str(exc)
    else:
        text, options = split_telnet(data)
        if texts is not None and text.strip():
            texts.append(("telnet.banner", text.decode("latin-1")))
        seen = f"received {printable(text) or '(no text)'!r}"
        if options:
            seen += f" after telnet option negotiation ({', '.join(options[:4])})"
    return [finding("telnet-open", f"TCP {port} open, nothing sent; {seen}", port)]


async def check_ftp(ip: str, port: int, gate: Gate,
                    texts: list[tuple[str, str]] | None = None) -> list[Finding]:
    """The greeting, then on the same connection a login as the public 'anonymous' user (no
    secret is guessed) that ends with QUIT at once: nothing is listed or fetched."""
    banner = said = ""
    try:
        async with open_stream(ip, port, gate) as (reader, writer):
            banner = printable(await read_some(reader, gate.read_timeout, limit=512))
            if banner.startswith("220"):
                said = await _anonymous(reader, writer, gate.read_timeout)
    except NoAnswer as exc:
        if not banner:
            return [finding("probe-no-answer", f"TCP {port} (FTP) open; {exc}", port)]
    if not banner.startswith("220"):
        return [finding("probe-no-answer", f"TCP {port} open but not FTP: {banner!r}", port)]
    if texts is not None:
        texts.append(("ftp.banner", banner))
    found = [finding("ftp-cleartext", f"TCP {port} greeting: {banner!r}", port)]
    if said:
        found.append(finding("ftp-anonymous", f"TCP {port}: USER anonymous (password "
                             f"{ANONYMOUS_PASSWORD!r}) answered {said!r}; nothing was listed "
                             "or fetched, the session was closed with QUIT", port))
    return found


async def _anonymous(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                     timeout: float) -> str:
    """The 230 reply line when the anonymous login works, else "" (a silent peer: "")."""
    try:
        code, said = await _ftp_command(reader, writer, "USER anonymous", timeout)
        if code == "331":
            code, said = await _ftp_command(reader, writer, f"PASS {ANONYMOUS_PASSWORD}",
                                            timeout)
    except NoAnswer:
        return ""
    if code != "230":
        return ""
    with contextlib.suppress(NoAnswer):
        await send(writer, b"QUIT\r\n", timeout)
    return said


async def _ftp_command(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                       command: str, timeout: float) -> tuple[str, str]:
    """Send one FTP command; the reply code of its last line and that line."""
    await send(writer, command.encode() + b"\r\n", timeout)
    reply = await read_some(reader, timeout, limit=512)
    lines = [line for line in reply.decode("latin-1").splitlines() if line.strip()]
    last = lines[-1] if lines else ""
    return last[:3], printable(last.encode("latin-1"), 120)


async def read_ssh_banner(ip: str, port: int, gate: Gate) -> str:
    """The server's identification line, e.g. 'SSH-2.0-OpenSSH_9.2p1 Debian-2'."""
    async with open_stream(ip, port, gate) as (reader, _):
        data = await read_some(reader, gate.read_timeout, limit=512)
    return parse_ssh_banner(data)


def parse_ssh_banner(data: bytes) -> str:
    """The `SSH-` line among the first bytes (other lines may come first); NoAnswer if none."""
    for line in data.split(b"\n"):
        if line.startswith(b"SSH-"):
            return printable(line.rstrip(b"\r"), limit=255)
    raise NoAnswer(f"no SSH identification line, got {printable(data, 60)!r}")


async def check_rtsp(ip: str, port: int, gate: Gate, silent: set[int],
                     texts: list[tuple[str, str]] | None = None) -> list[Finding]:
    """RTSP is cleartext video; DESCRIBE without a password shows whether it is open to all."""
    request = (f"DESCRIBE rtsp://{ip}:{port}/ RTSP/1.0\r\nCSeq: 1\r\n"
               "Accept: application/sdp\r\nUser-Agent: iot-hygiene\r\n\r\n")
    try:
        async with open_stream(ip, port, gate) as (reader, writer):
            await send(writer, request.encode(), gate.read_timeout)
            answer = await read_some(reader, gate.read_timeout, limit=512)
            status = first_line(answer)
    except NoAnswer as exc:
        silent.add(port)
        return [finding("rtsp-open", f"TCP {port} open; DESCRIBE got {exc}", port)]
    if not status.startswith("RTSP/"):
        silent.add(port)
        return [finding("probe-no-answer", f"TCP {port} open but not RTSP: {status!r}", port)]
    if texts is not None:
        texts += [("rtsp_header.server", v) for v in header_values(answer, "server")]
    evidence = f"DESCRIBE rtsp://{ip}:{port}/ without a password answered {status[:80]!r}"
    found = [finding("rtsp-open", evidence, port)]
    if status.split(" ")[1:2] == ["200"]:
        found.append(finding("rtsp-no-login", evidence + ": the stream description is given to "
                             "anyone, no password asked", port))
    return found


def split_telnet(data: bytes) -> tuple[bytes, list[str]]:
    """Separate telnet option negotiation (IAC ...) from the text a person would see."""
    text = bytearray()
    options: list[str] = []
    i = 0
    while i < len(data):
        byte = data[i]
        if byte != IAC or i + 1 >= len(data):
            text.append(byte)
            i += 1
            continue
        verb = data[i + 1]
        if verb in _OPTION_VERBS and i + 2 < len(data):
            options.append(f"{_OPTION_VERBS[verb]} {data[i + 2]}")
            i += 3
        elif verb == _SB:
            end = data.find(bytes([IAC, _SE]), i + 2)
            i = len(data) if end < 0 else end + 2
        else:
            i += 2
    return bytes(text), options


def header_values(data: bytes, name: str) -> list[str]:
    """Values of header `name` (any case) in an HTTP-like answer (RTSP, SIP), stripped."""
    found = []
    for line in data.decode("latin-1").split("\r\n")[1:50]:
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() == name:
            found.append(value.strip()[:300])
    return found
