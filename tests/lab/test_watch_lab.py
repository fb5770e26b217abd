"""Lab: `watch` runs 3 cycles; a device joins; its event reaches the JSONL file and rsyslog."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from core.monitoring import parse_rfc5424
from core.monitoring.syslog import SD_ID
from tests.lab.netlab import REPO_ROOT, Lab
from tests.lab.office import Office
from tests.timing import within

pytestmark = pytest.mark.lab

NEWCOMER_MAC = "3c:d9:2b:10:00:30"  # an HP printer someone plugs in
NEWCOMER_IP = "10.231.0.30"
LATE_MAC = "3c:d9:2b:10:00:31"
LATE_IP = "10.231.0.31"
SYSLOG_PORT = 10514  # on the scanner namespace's own loopback
INTERVAL = 6.0


def _rsyslog(lab: Lab, out: Path, protocol: str = "tcp", port: int = SYSLOG_PORT) -> None:
    """A real rsyslogd in the scanner namespace, on 127.0.0.1 only, keeping each raw message."""
    work = lab.workdir / f"rsyslog-{protocol}"
    work.mkdir(exist_ok=True)
    module = "imtcp" if protocol == "tcp" else "imudp"
    conf = lab.workdir / f"rsyslog-{protocol}.conf"
    conf.write_text("\n".join([
        f'global(workDirectory="{work}" maxMessageSize="64k")',
        f'module(load="{module}")',
        'template(name="raw" type="string" string="%rawmsg%\\n")',
        f'input(type="{module}" address="127.0.0.1" port="{port}")',
        f'action(type="omfile" file="{out}" template="raw")', ""]))
    lab.start(lab.scanner, ["rsyslogd", "-n", "-f", str(conf), "-i", str(work / "pid")],
              log_name=f"rsyslogd-{protocol}")
    if protocol == "tcp":
        lab.wait_for_port(lab.scanner, port)
        return
    deadline = time.monotonic() + 10
    while not lab.exec(lab.scanner.ns, ["ss", "-Hlun", f"sport = :{port}"], check=False).strip():
        assert time.monotonic() < deadline, "rsyslogd never bound its UDP port"
        time.sleep(0.05)


def _docs(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _count(path: Path, action: str) -> int:
    return sum(d["event"]["action"] == action for d in _docs(path))


def _wait(predicate: Any, timeout: float, proc: subprocess.Popen[str]) -> float:
    """Poll (bounded) until predicate() is true; returns when (monotonic)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return time.monotonic()
        if proc.poll() is not None and not predicate():
            raise AssertionError(f"watch ended early ({proc.returncode}): "
                                 f"{proc.communicate()[1]}")
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def _start_watch(lab: Lab, db: Path, jsonl: Path, *extra: str) -> subprocess.Popen[str]:
    argv = lab.scanner_command(lab.python(
        "core", "--db", str(db), "watch", "--site", "Lab Office", "--interface", "eth0",
        "--mode", "kernel", "--interval", str(INTERVAL), "--timeout", "3", "--full-every", "0",
        "--jsonl", str(jsonl), *extra))
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=REPO_ROOT, start_new_session=True)


def _end(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # only the watch this test started
        proc.wait(timeout=10)


def test_watch_reports_a_new_device_to_jsonl_and_rsyslog(office: Office, tmp_path: Path,
                                                         record_property: Any) -> None:
    lab = office.lab
    db, jsonl, received = tmp_path / "db.sqlite3", tmp_path / "events.jsonl", tmp_path / "rx.log"
    proc = _start_watch(lab, db, jsonl, "--cycles", "3",
                        "--syslog", f"tcp://127.0.0.1:{SYSLOG_PORT}")
    try:
        # Cycle 1: the collector is down, so everything it reports waits in the queue.
        _wait(lambda: _count(jsonl, "scan_finished") >= 1, 60, proc)
        status = db.parent / "monitoring" / f"syslog-tcp-127.0.0.1-{SYSLOG_PORT}.status.json"
        _wait(lambda: status.exists() and "refused" in status.read_text(), 10, proc)
        _rsyslog(lab, received)
        joined = time.monotonic()
        lab.add_host("newcomer", NEWCOMER_MAC, NEWCOMER_IP)
        seen = _wait(lambda: any(d["event"]["action"] == "new_device" for d in _docs(jsonl)),
                     INTERVAL + 30, proc)
        latency = seen - joined
        out, err = proc.communicate(timeout=60)
    finally:
        _end(proc)
    assert proc.returncode == 0, err
    record_property("join_to_event_seconds", round(latency, 2))
    print(f"\njoin -> new_device event in the JSONL file: {latency:.1f} s")
    # Target: one interval + 5 s (measured ~6 s here); the slack covers a loaded shared machine.
    assert latency <= within(INTERVAL + 5), f"event took {latency:.1f} s after the device joined"

    docs = _docs(jsonl)
    news = [d for d in docs if d["event"]["action"] == "new_device"]
    assert [d["host"]["mac"] for d in news] == [[NEWCOMER_MAC.upper().replace(":", "-")]]
    assert news[0]["host"]["ip"] == [NEWCOMER_IP] and news[0]["event"]["kind"] == "alert"
    assert _count(jsonl, "scan_finished") == 3 and _count(jsonl, "baseline") == 1
    assert "new_device" in out  # the alert is printed too

    # rsyslog got every message, as RFC 5424, the JSON intact, the queued cycle 1 first.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(received.read_text().splitlines()
                                              if received.exists() else []) < len(docs):
        time.sleep(0.1)
    messages = [parse_rfc5424(line) for line in received.read_text().splitlines()]
    carried = [json.loads(m.msg) for m in messages]
    assert carried == docs  # same documents, same order, nothing lost or doubled
    new_message = next(m for m, d in zip(messages, carried, strict=True)
                       if d["event"]["action"] == "new_device")
    assert new_message.app_name == "iot-hygiene" and new_message.msgid == "new_device"
    assert new_message.structured_data[SD_ID]["site"] == "Lab Office"
    assert new_message.severity == 4
    assert carried[0]["event"]["action"] == "scan_started"  # cycle 1, sent when back
    assert "0 queued" in err


def test_watch_over_udp_stops_cleanly_on_sigterm_mid_cycle(office: Office,
                                                           tmp_path: Path) -> None:
    lab = office.lab
    db, jsonl, received = tmp_path / "db.sqlite3", tmp_path / "events.jsonl", tmp_path / "rx.log"
    port = SYSLOG_PORT + 1
    proc = _start_watch(lab, db, jsonl, "--syslog", f"udp://127.0.0.1:{port}")
    try:
        _wait(lambda: _count(jsonl, "scan_finished") >= 1, 60, proc)
        status = db.parent / "monitoring" / f"syslog-udp-127.0.0.1-{port}.status.json"
        _wait(lambda: status.exists() and "refused" in status.read_text(), 10, proc)
        _rsyslog(lab, received, "udp", port)  # up again: the next delivery empties the queue
        lab.add_host("late", LATE_MAC, LATE_IP)
        _wait(lambda: _count(jsonl, "scan_started") >= 2, INTERVAL + 10, proc)
        asked = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
        took = time.monotonic() - asked
    finally:
        _end(proc)
    assert proc.returncode == 0, err
    print(f"\nSIGTERM -> exit: {took:.2f} s")
    assert took < within(2.5), f"stopping took {took:.1f} s"
    assert _count(jsonl, "scan_finished") == 2  # the cancelled scan is saved and reported
    assert "SIGTERM" in err and "0 queued" in err
    # Over UDP too every document arrives (a refused batch is resent, so maybe twice), intact.
    ids = {d["event"]["id"] for d in _docs(jsonl)}
    deadline = time.monotonic() + 10
    got: set[str] = set()
    while time.monotonic() < deadline and got != ids:
        lines = received.read_text().splitlines() if received.exists() else []
        got = {json.loads(parse_rfc5424(line).msg)["event"]["id"] for line in lines}
        time.sleep(0.1)
    assert got == ids
