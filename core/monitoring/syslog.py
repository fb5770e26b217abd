"""RFC 5424 syslog over UDP or TCP (RFC 6587 octet counting), with a bounded on-disk queue."""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import json
import os
import re
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from core.errors import InvalidInputError
from core.monitoring.events import now_iso

APP_NAME = "iot-hygiene"
SD_ID = "iotHygiene@32473"  # 32473: the example enterprise number (RFC 5612)
FACILITY_LOCAL0 = 16
MAX_UDP_PAYLOAD = 65_000
DEFAULT_PORT = 514
QUEUE_MAX_MESSAGES = 10_000
QUEUE_MAX_BYTES = 8 * 1024 * 1024
_HOSTNAME_RE = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)"
                          r"(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$")
# ECS event.severity number -> syslog severity (2 crit, 3 err, 4 warning, 5 notice, 6 info).
_SYSLOG_SEVERITY = ((99, 2), (73, 3), (47, 4), (21, 5))


@dataclass(frozen=True, slots=True)
class SyslogTarget:
    """Where the feed goes: udp or tcp, host and port."""

    protocol: Literal["udp", "tcp"]
    host: str
    port: int = DEFAULT_PORT

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.protocol}://{host}:{self.port}"

    @property
    def slug(self) -> str:
        """A file-name-safe spelling, e.g. tcp-127.0.0.1-514."""
        return re.sub(r"[^A-Za-z0-9.-]", "_", f"{self.protocol}-{self.host}-{self.port}")


def parse_target(text: str) -> SyslogTarget:
    """`udp://HOST:PORT` or `tcp://HOST:PORT` (port defaults to 514); InvalidInputError if not."""
    hint = "Write it like udp://192.168.1.5:514 or tcp://siem.example.lan:514."
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError as error:
        raise InvalidInputError(f"{text!r} is not a syslog address ({error}).", hint) from error
    if parts.scheme not in ("udp", "tcp"):
        raise InvalidInputError(f"{text!r}: the syslog address must start with udp:// or "
                                "tcp://.", hint)
    host = parts.hostname or ""
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise InvalidInputError(f"{text!r}: only a host and a port are allowed.", hint)
    if not host or not _valid_host(host):
        raise InvalidInputError(f"{text!r} names no valid host.", hint)
    if port == 0:
        raise InvalidInputError(f"{text!r}: port 0 is not a port.", hint)
    protocol: Literal["udp", "tcp"] = "udp" if parts.scheme == "udp" else "tcp"
    return SyslogTarget(protocol, host, port or DEFAULT_PORT)


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return bool(_HOSTNAME_RE.match(host)) and not host.replace(".", "").isdigit()


# -- RFC 5424 -------------------------------------------------------------------------------
def _sd_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")


def _header_field(value: str, limit: int) -> str:
    """A header field: printable US-ASCII without spaces, '-' when empty (RFC 5424 6.2)."""
    cleaned = "".join(c for c in value if 33 <= ord(c) <= 126)[:limit]
    return cleaned or "-"


def format_rfc5424(msg: str, *, timestamp: str = "", hostname: str = "",
                   app_name: str = APP_NAME, procid: str = "", msgid: str = "",
                   severity: int = 6, facility: int = FACILITY_LOCAL0,
                   sd: Sequence[tuple[str, Sequence[tuple[str, str]]]] = ()) -> str:
    """One RFC 5424 message: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG`."""
    pri = facility * 8 + max(0, min(7, severity))
    elements = "".join(
        "[" + sd_id + "".join(f' {name}="{_sd_escape(value)}"' for name, value in params) + "]"
        for sd_id, params in sd) or "-"
    header = " ".join((f"<{pri}>1", _header_field(timestamp, 64) if timestamp else "-",
                       _header_field(hostname, 255), _header_field(app_name, 48),
                       _header_field(procid, 128), _header_field(msgid, 32), elements))
    return f"{header} {msg}" if msg else header


def frame_octet_counting(message: bytes) -> bytes:
    """RFC 6587 3.4.1 octet-counting framing for syslog over TCP: `LEN SP MSG`."""
    return str(len(message)).encode("ascii") + b" " + message


@dataclass(frozen=True, slots=True)
class Rfc5424Message:
    """A parsed RFC 5424 message (what a collector sees)."""

    pri: int
    version: int
    timestamp: str
    hostname: str
    app_name: str
    procid: str
    msgid: str
    structured_data: dict[str, dict[str, str]]
    msg: str

    @property
    def facility(self) -> int:
        return self.pri // 8

    @property
    def severity(self) -> int:
        return self.pri % 8


_HEAD_RE = re.compile(r"^<(\d{1,3})>(\d{1,2}) (\S+) (\S+) (\S+) (\S+) (\S+) ")
_SD_ELEMENT_RE = re.compile(r'\[([^ \]=]+)((?: [^ =\]"]+="(?:[^"\\\]]|\\.)*")*)\]')
_SD_PARAM_RE = re.compile(r' ([^ =\]"]+)="((?:[^"\\\]]|\\.)*)"')


def parse_rfc5424(text: str) -> Rfc5424Message:
    """Parse one RFC 5424 message; ValueError when it is not one."""
    head = _HEAD_RE.match(text)
    if head is None:
        raise ValueError(f"not an RFC 5424 header: {text[:80]!r}")
    rest = text[head.end():]
    sd: dict[str, dict[str, str]] = {}
    if rest.startswith("-"):
        rest = rest[1:]
    else:
        while rest.startswith("["):
            element = _SD_ELEMENT_RE.match(rest)
            if element is None:
                raise ValueError(f"bad structured data: {rest[:80]!r}")
            sd[element.group(1)] = {
                name: re.sub(r"\\(.)", r"\1", value)
                for name, value in _SD_PARAM_RE.findall(element.group(2))}
            rest = rest[element.end():]
    if rest and not rest.startswith(" "):
        raise ValueError("no space between structured data and MSG")
    msg = rest[1:].removeprefix("\ufeff")
    nil = {"-": ""}
    return Rfc5424Message(
        pri=int(head.group(1)), version=int(head.group(2)),
        timestamp=nil.get(head.group(3), head.group(3)),
        hostname=nil.get(head.group(4), head.group(4)),
        app_name=nil.get(head.group(5), head.group(5)),
        procid=nil.get(head.group(6), head.group(6)),
        msgid=nil.get(head.group(7), head.group(7)), structured_data=sd, msg=msg)


def parse_octet_counted(stream: bytes) -> tuple[list[bytes], bytes]:
    """Split an RFC 6587 octet-counted stream into messages; returns (messages, leftover)."""
    messages: list[bytes] = []
    while stream:
        space = stream.find(b" ")
        if space <= 0 or not stream[:space].isdigit():
            raise ValueError(f"bad frame length: {stream[:20]!r}")
        length = int(stream[:space])
        end = space + 1 + length
        if len(stream) < end:
            break
        messages.append(stream[space + 1:end])
        stream = stream[end:]
    return messages, stream


def syslog_message(line: str, hostname: str, facility: int = FACILITY_LOCAL0) -> str:
    """The RFC 5424 message carrying one ECS JSON line as MSG (header fields taken from it)."""
    try:
        doc: dict[str, Any] = json.loads(line)
    except ValueError:
        doc = {}
    event = doc.get("event") if isinstance(doc.get("event"), dict) else {}
    assert isinstance(event, dict)
    number = event.get("severity")
    severity = next((code for floor, code in _SYSLOG_SEVERITY
                     if isinstance(number, int) and number >= floor), 6)
    labels = doc.get("labels") if isinstance(doc.get("labels"), dict) else {}
    assert isinstance(labels, dict)
    params = [(k, str(labels[k])) for k in ("site", "scan_id") if k in labels]
    params.append(("action", str(event.get("action", ""))))
    return format_rfc5424(line, timestamp=str(doc.get("@timestamp", "")), hostname=hostname,
                          procid=str(os.getpid()), msgid=str(event.get("action", "")),
                          severity=severity, facility=facility, sd=[(SD_ID, params)])


# -- the on-disk queue ----------------------------------------------------------------------
class Spool:
    """A bounded JSONL queue file: appended to, consumed from the front, oldest dropped when full.

    Every change rewrites the file atomically (temp file, fsync, rename), so a crash leaves
    either the old or the new queue, never half of one.
    """

    def __init__(self, path: Path, max_messages: int = QUEUE_MAX_MESSAGES,
                 max_bytes: int = QUEUE_MAX_BYTES,
                 dropped_line: Callable[[int], str] | None = None) -> None:
        self.path = path
        self.max_messages = max(2, max_messages)
        self.max_bytes = max(1024, max_bytes)
        self._dropped_line = dropped_line

    def pending(self) -> list[str]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        return [line for line in text.splitlines() if line.strip()]

    def __len__(self) -> int:
        return len(self.pending())

    def append(self, lines: Sequence[str]) -> int:
        """Queue `lines` after the pending ones; returns how many old messages were dropped."""
        if not lines:
            return 0
        queue = self.pending() + [line.replace("\n", " ") for line in lines]
        queue, dropped = self._trim(queue)
        self._write(queue)
        return dropped

    def remove_first(self, count: int) -> None:
        if count > 0:
            self._write(self.pending()[count:])

    def _trim(self, queue: list[str]) -> tuple[list[str], int]:
        dropped = 0
        earlier = 0
        if queue and self._dropped_line is not None and _dropped_count(queue[0]):
            earlier = _dropped_count(queue[0])  # the head already says what was lost before
            queue = queue[1:]
        marker = 1 if self._dropped_line is not None else 0
        while queue and (len(queue) + marker > self.max_messages
                         or sum(len(q) + 1 for q in queue) > self.max_bytes - 512 * marker):
            queue.pop(0)
            dropped += 1
        if self._dropped_line is not None and (dropped or earlier):
            queue.insert(0, self._dropped_line(dropped + earlier))
        return queue, dropped

    def _write(self, queue: list[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as out:
            out.write("".join(line + "\n" for line in queue))
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.path)


def _dropped_count(line: str) -> int:
    if '"events_dropped"' not in line:
        return 0
    try:
        doc = json.loads(line)
        if doc["event"]["action"] == "events_dropped":
            return int(doc["iot_hygiene"]["count"])
    except (ValueError, KeyError, TypeError):
        pass
    return 0


# -- delivery -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DeliveryStatus:
    """How delivery to one collector is going (for a settings page or `watch` output)."""

    target: str
    queued: int = 0
    delivered_total: int = 0
    dropped_total: int = 0
    last_attempt: str = ""
    last_success: str = ""
    last_error: str = ""
    last_error_at: str = ""

    @property
    def healthy(self) -> bool:
        return not self.last_error or self.last_success > self.last_error_at


def status_path(spool_dir: Path, target: SyslogTarget) -> Path:
    return spool_dir / f"syslog-{target.slug}.status.json"


def queue_path(spool_dir: Path, target: SyslogTarget) -> Path:
    return spool_dir / f"syslog-{target.slug}.queue.jsonl"


def read_status(spool_dir: Path, target: SyslogTarget | str) -> DeliveryStatus:
    """The last known delivery status to `target` (a fresh one if nothing was ever sent)."""
    target = parse_target(target) if isinstance(target, str) else target
    fresh = DeliveryStatus(target=str(target))
    try:
        raw = json.loads(status_path(spool_dir, target).read_text(encoding="utf-8"))
        known = {k: raw[k] for k in DeliveryStatus.__dataclass_fields__ if k in raw}
        status = replace(fresh, **known)
    except (OSError, ValueError, TypeError):
        status = fresh
    return replace(status, queued=len(Spool(queue_path(spool_dir, target))))


class SyslogSender:
    """Queues ECS JSON lines on disk and sends them as RFC 5424 messages to one collector.

    `submit` only queues; `flush` sends what is queued, oldest first, and keeps what could not
    be delivered for the next flush. UDP is best effort: a refusal (ICMP port unreachable)
    keeps the whole batch queued, so a collector may see a message twice, never zero times
    when the refusal is reported; TCP confirms each message was handed to the connection.
    """

    def __init__(self, target: SyslogTarget, spool_dir: Path, hostname: str = "",
                 dropped_line: Callable[[int], str] | None = None,
                 max_messages: int = QUEUE_MAX_MESSAGES, max_bytes: int = QUEUE_MAX_BYTES,
                 timeout: float = 3.0, facility: int = FACILITY_LOCAL0) -> None:
        self.target = target
        self.spool_dir = spool_dir
        self.hostname = hostname or socket.gethostname()
        self.timeout = timeout
        self.facility = facility
        self.spool = Spool(queue_path(spool_dir, target), max_messages, max_bytes, dropped_line)

    def status(self) -> DeliveryStatus:
        return read_status(self.spool_dir, self.target)

    def submit(self, lines: Sequence[str]) -> None:
        dropped = self.spool.append(lines)
        if dropped:
            status = self.status()
            self._save(replace(status, dropped_total=status.dropped_total + dropped))

    def flush(self, budget: float = 10.0) -> DeliveryStatus:
        """Send the queue (bounded by `budget` seconds); returns the delivery status after."""
        pending = self.spool.pending()
        status = replace(self.status(), last_attempt=now_iso())
        if not pending:
            self._save(status)
            return replace(status, queued=0)
        deadline = time.monotonic() + budget
        frames = [syslog_message(line, self.hostname, self.facility).encode("utf-8")
                  for line in pending]
        try:
            if self.target.protocol == "tcp":
                sent = self._send_tcp(frames, deadline)
            else:
                sent = self._send_udp(frames, deadline)
            error = "" if sent == len(frames) else "stopped: time budget used up"
        except OSError as failure:
            sent, error = getattr(failure, "sent", 0), _describe_error(failure)
        self.spool.remove_first(sent)
        now = now_iso()
        status = replace(status, delivered_total=status.delivered_total + sent)
        if error:
            status = replace(status, last_error=error, last_error_at=now)
        if sent:
            status = replace(status, last_success=now)
        self._save(status)
        return replace(status, queued=len(pending) - sent)

    def _send_tcp(self, frames: list[bytes], deadline: float) -> int:
        sent = 0
        try:
            with socket.create_connection((self.target.host, self.target.port),
                                          timeout=self.timeout) as sock:
                for frame in frames:
                    if time.monotonic() > deadline:
                        break
                    sock.sendall(frame_octet_counting(frame))
                    sent += 1
        except OSError as error:
            error.sent = sent  # type: ignore[attr-defined]
            raise
        return sent

    def _send_udp(self, frames: list[bytes], deadline: float) -> int:
        info = socket.getaddrinfo(self.target.host, self.target.port, type=socket.SOCK_DGRAM)
        family, kind, proto, _, address = info[0]
        sent = 0
        with socket.socket(family, kind, proto) as sock:
            sock.settimeout(self.timeout)
            sock.connect(address)
            for frame in frames:
                if time.monotonic() > deadline:
                    break
                # Too big for one datagram: cut it (the JSON breaks, the header survives).
                sock.send(frame[:MAX_UDP_PAYLOAD])
                sent += 1
            time.sleep(0.05)  # a refusal (ICMP port unreachable) arrives within this
            refused = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if refused:
                raise ConnectionRefusedError(refused, os.strerror(refused))
        return sent

    def _save(self, status: DeliveryStatus) -> None:
        path = status_path(self.spool_dir, self.target)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        data = {k: v for k, v in asdict(status).items() if k != "queued"}
        tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, path)


def _describe_error(error: OSError) -> str:
    if isinstance(error, ConnectionRefusedError) or error.errno == errno.ECONNREFUSED:
        return "the collector refused the connection (not listening?)"
    if isinstance(error, TimeoutError | socket.timeout):
        return "the collector did not answer in time"
    if isinstance(error, socket.gaierror):
        return f"the collector's name does not resolve ({error.strerror})"
    with contextlib.suppress(Exception):
        return f"{type(error).__name__}: {error.strerror or error}"
    return type(error).__name__
