"""RFC 5424 formatting and framing, target parsing, and the on-disk queue against real listeners."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import pytest

from core.errors import InvalidInputError
from core.models import Severity
from core.monitoring import (
    Event,
    EventKind,
    Observer,
    Spool,
    SyslogFeed,
    SyslogTarget,
    format_rfc5424,
    parse_rfc5424,
    parse_target,
    read_status,
    to_json_line,
)
from core.monitoring.syslog import (
    SD_ID,
    frame_octet_counting,
    parse_octet_counted,
    syslog_message,
)

LOOPBACK = "127.0.0.1"  # tests send to a listener they start here, nowhere else


def _line(n: int, kind: EventKind = EventKind.NEW_DEVICE) -> str:
    event = Event(kind=kind, site='Main "HQ" [1]', timestamp=f"2026-01-02T10:00:{n % 60:02d}Z",
                  message=f"event {n} \u00e9t\u00e9", scan_id=n, severity=Severity.MEDIUM)
    return to_json_line(event, Observer(hostname="probe"))


# -- parsing and formatting -------------------------------------------------------------------
def test_parse_target_accepts_udp_tcp_and_refuses_the_rest() -> None:
    assert parse_target("udp://192.0.2.5:514") == SyslogTarget("udp", "192.0.2.5", 514)
    assert parse_target("tcp://siem.example.lan:6514") == SyslogTarget("tcp",
                                                                      "siem.example.lan", 6514)
    assert parse_target("tcp://[2001:db8::1]:601").host == "2001:db8::1"
    assert str(parse_target("tcp://[2001:db8::1]:601")) == "tcp://[2001:db8::1]:601"
    assert parse_target("udp://collector").port == 514
    for bad in ("http://x:514", "udp://:514", "udp://host:99999", "udp://host:0",
                "tcp://host:514/path", "tcp://us er@host:1", "udp://bad_host!:514", "514",
                "udp://host:port", "udp://999.1.1.1:514"):
        with pytest.raises(InvalidInputError):
            parse_target(bad)


def test_rfc5424_round_trip_with_structured_data() -> None:
    text = format_rfc5424('{"a": "x ] y"}', timestamp="2026-01-02T10:00:30.123Z",
                          hostname="probe host", procid="42", msgid="new_device", severity=4,
                          sd=[(SD_ID, [("site", 'Main "HQ" [1] \\ end'), ("scan_id", "7")])])
    assert text.startswith("<132>1 2026-01-02T10:00:30.123Z probehost iot-hygiene 42 "
                           "new_device [iotHygiene@32473 ")
    parsed = parse_rfc5424(text)
    assert (parsed.facility, parsed.severity, parsed.version) == (16, 4, 1)
    assert parsed.structured_data[SD_ID] == {"site": 'Main "HQ" [1] \\ end', "scan_id": "7"}
    assert json.loads(parsed.msg) == {"a": "x ] y"}
    nil = parse_rfc5424(format_rfc5424("hello"))
    assert nil.structured_data == {} and nil.hostname == "" and nil.msg == "hello"
    with pytest.raises(ValueError):
        parse_rfc5424("<13>Jan  1 00:00:00 host legacy BSD syslog")


def test_syslog_message_carries_the_ecs_json_intact() -> None:
    line = _line(3)
    parsed = parse_rfc5424(syslog_message(line, "probe"))
    assert parsed.msg == line and json.loads(parsed.msg)["event"]["action"] == "new_device"
    assert parsed.msgid == "new_device" and parsed.severity == 4  # medium -> warning
    assert parsed.timestamp == "2026-01-02T10:00:03Z"
    assert parsed.structured_data[SD_ID]["site"] == 'Main "HQ" [1]'


def test_octet_counting_frames_and_splits() -> None:
    messages = [syslog_message(_line(i), "probe").encode() for i in range(3)]
    stream = b"".join(frame_octet_counting(m) for m in messages)
    assert stream.startswith(str(len(messages[0])).encode() + b" <")
    got, rest = parse_octet_counted(stream[:-5])
    assert got == messages[:2] and rest == frame_octet_counting(messages[2])[:-5]
    assert parse_octet_counted(stream) == (messages, b"")


# -- the queue ----------------------------------------------------------------------------------
def test_spool_caps_count_and_says_how_many_were_dropped(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "q.jsonl", max_messages=5,
                  dropped_line=lambda n: to_json_line(Event(
                      kind=EventKind.EVENTS_DROPPED, site="S", timestamp="t", message="m",
                      count=n)))
    assert spool.append([_line(i) for i in range(4)]) == 0
    assert spool.append([_line(i) for i in range(4, 8)]) == 4
    pending = spool.pending()
    assert len(pending) == 5
    assert json.loads(pending[0])["iot_hygiene"]["count"] == 4
    assert [json.loads(p)["labels"]["scan_id"] for p in pending[1:]] == ["4", "5", "6", "7"]
    spool.append([_line(8), _line(9)])  # the marker adds up instead of multiplying
    pending = spool.pending()
    assert len(pending) == 5 and json.loads(pending[0])["iot_hygiene"]["count"] == 6
    spool.remove_first(2)
    assert len(spool) == 3


# -- delivery against real loopback listeners -------------------------------------------------
class TcpCollector:
    """A one-thread TCP syslog listener on 127.0.0.1 that splits octet-counted frames."""

    def __init__(self, port: int = 0) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((LOOPBACK, port))
        self.sock.listen()
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.messages: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                buffer = b""
                while True:
                    try:
                        chunk = conn.recv(65536)
                    except OSError:
                        break
                    if not chunk:
                        break
                    frames, buffer = parse_octet_counted(buffer + chunk)
                    self.messages += [f.decode() for f in frames]

    def wait_for(self, count: int, timeout: float = 5) -> list[str]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
    return port


def test_tcp_collector_down_then_back_gets_everything_in_order(tmp_path: Path,
                                                               free_port: int) -> None:
    feed = SyslogFeed(parse_target(f"tcp://{LOOPBACK}:{free_port}"), tmp_path, site="S",
                      observer=Observer(hostname="probe"), timeout=1)
    feed.submit([_line(1), _line(2)])
    status = feed.flush()
    assert status is not None and status.queued == 2 and "refused" in status.last_error
    assert read_status(tmp_path, f"tcp://{LOOPBACK}:{free_port}").queued == 2
    collector = TcpCollector(free_port)
    try:
        feed.submit([_line(3)])
        status = feed.flush()
        assert status is not None and status.queued == 0 and status.delivered_total == 3
        assert status.healthy and status.last_success
        got = collector.wait_for(3)
    finally:
        collector.close()
    parsed = [parse_rfc5424(m) for m in got]
    assert [json.loads(p.msg)["labels"]["scan_id"] for p in parsed] == ["1", "2", "3"]
    assert all(p.app_name == "iot-hygiene" and p.hostname == "probe" for p in parsed)


def test_tcp_queue_cap_is_honoured_while_the_collector_is_down(tmp_path: Path,
                                                               free_port: int) -> None:
    feed = SyslogFeed(parse_target(f"tcp://{LOOPBACK}:{free_port}"), tmp_path, site="S",
                      observer=Observer(hostname="probe"), max_messages=4, timeout=1)
    for i in range(3):
        feed.submit([_line(3 * i + j) for j in range(3)])
        feed.flush()
    assert feed.status().queued == 4 and feed.status().dropped_total == 6
    collector = TcpCollector(free_port)
    try:
        feed.flush()
        got = [json.loads(parse_rfc5424(m).msg) for m in collector.wait_for(4)]
    finally:
        collector.close()
    assert got[0]["event"]["action"] == "events_dropped" and got[0]["iot_hygiene"]["count"] == 6
    assert [g["labels"]["scan_id"] for g in got[1:]] == ["6", "7", "8"]


def test_udp_refused_keeps_the_queue_and_delivers_later(tmp_path: Path) -> None:
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind((LOOPBACK, 0))
    port = receiver.getsockname()[1]
    receiver.close()  # nobody listens: the kernel answers port unreachable
    feed = SyslogFeed(parse_target(f"udp://{LOOPBACK}:{port}"), tmp_path, site="S",
                      observer=Observer(hostname="probe"), timeout=1)
    feed.submit([_line(1), _line(2)])
    status = feed.flush()
    assert status is not None and status.queued == 2 and status.last_error
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as receiver:
        receiver.bind((LOOPBACK, port))
        receiver.settimeout(2)
        status = feed.flush()
        assert status is not None and status.queued == 0
        got = [receiver.recv(65536).decode() for _ in range(2)]
    assert [json.loads(parse_rfc5424(g).msg)["labels"]["scan_id"] for g in got] == ["1", "2"]
