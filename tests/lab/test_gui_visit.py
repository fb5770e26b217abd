"""Lab: the real window through scan, new devices, a cancelled scan, tagging and answers."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

from tests.conftest import require_lab
from tests.lab.netlab import REPO_ROOT, Lab
from tests.lab.office import Office

pytestmark = pytest.mark.lab

RESCANS = int(os.environ.get("IH_VISIT_RESCANS", "3"))  # 20 by hand for the crash count
CAMERA_MAC, CAMERA_IP = "c0:56:e3:30:00:11", "10.231.0.11"
PRINTER_MAC, PRINTER_IP = "3c:d9:2b:30:00:10", "10.231.0.10"
FIRST_SCAN = ["This is the first scan of this site."]


@pytest.fixture
def small_office() -> Iterator[Office]:
    """A camera with telnet open (a finding) and a printer's web page: quick to scan."""
    require_lab()
    with Lab() as lab:
        office = Office(lab)
        camera = lab.add_host("camera", CAMERA_MAC, CAMERA_IP)
        office.socat_listener(camera, 23, "\r\nDS-2CD2143 login: ")
        printer = lab.add_host("printer", PRINTER_MAC, PRINTER_IP)
        office.web_server(printer, 80, title="HP OfficeJet Pro 9015 - Home")
        yield office


def _new_device(office: Office, number: int) -> dict[str, str]:
    mac, ip = f"3c:d9:2b:31:00:{number:02x}", f"10.231.0.{100 + number}"
    host = office.lab.add_host(f"new{number}", mac, ip)
    office.web_server(host, 80, title=f"New printer {number}")
    return {"mac": mac, "ip": ip}


def _messages(proc: subprocess.Popen[str], timeout: float) -> Iterator[dict[str, Any]]:
    """The driver's JSON lines, each within `timeout` seconds (or the test fails)."""
    assert proc.stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=_read_lines, args=(proc.stdout, lines), daemon=True)
    reader.start()
    while True:
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            pytest.fail(f"the window's driver said nothing for {timeout}s")
        if not line:
            return
        if line.startswith("{"):
            yield json.loads(line)


def _read_lines(stream: IO[str], lines: queue.Queue[str]) -> None:
    for line in stream:
        lines.put(line)
    lines.put("")  # the end


def run_visit(office: Office, db: Path, rescans: int) -> list[dict[str, Any]]:
    """Run the driver in the scanner namespace; answer its requests for new devices."""
    lab = office.lab
    argv = lab.scanner_command([sys.executable, "-m", "tests.lab.devices.gui_visit_driver",
                                "--db", str(db), "--open-mac", CAMERA_MAC,
                                "--rescans", str(rescans)])
    errors = lab.workdir / "gui-visit.stderr"
    steps: list[dict[str, Any]] = []
    with errors.open("w") as stderr, subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, text=True,
            cwd=REPO_ROOT, env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1")) as proc:
        try:
            for message in _messages(proc, timeout=300):
                if "need" in message:
                    assert proc.stdin is not None
                    proc.stdin.write(json.dumps(_new_device(office, message["need"])) + "\n")
                    proc.stdin.flush()
                    continue
                steps.append(message)
                print("visit:", json.dumps({k: v for k, v in message.items()
                                            if k not in ("table_diff", "changes_saved")}))
                if "done" not in message:
                    assert proc.poll() is None, f"the window died after {message.get('step')}"
            assert proc.wait(timeout=60) == 0, errors.read_text()[-3000:]
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
    return steps


def _saved_truth(step: dict[str, Any]) -> None:
    name = step["step"]
    assert step["alive"], name
    assert step["table_is_saved"], (name, step["table_diff"])
    assert step["live_rows"] == 0, name
    assert step["changes"] == step["changes_saved"], name
    page = step.get("page")
    if page:
        assert page["score_shown"] == page["score_saved"], (name, page)
        assert page["tab_shown"] == page["tab_saved"], (name, page)
        assert page["tag_shown"] == page["tag_saved"] and page["details_current"], (name, page)


def test_the_window_keeps_the_saved_truth_through_a_visit(small_office: Office,
                                                          tmp_path: Path) -> None:
    steps = run_visit(small_office, tmp_path / "visit.sqlite3", RESCANS)
    assert steps[-1] == {"done": True}
    by_name = {s["step"]: s for s in steps if "step" in s}
    expected = ["scan", *(f"rescan {n}" for n in range(1, RESCANS + 1)), "cancelled",
                "tagged", "answered", "deleted"]
    assert list(by_name) == expected
    for name in expected[:-1]:
        _saved_truth(by_name[name])
    assert by_name["scan"]["changes"] == FIRST_SCAN
    assert by_name["scan"]["rows"] >= 2
    for number in range(1, RESCANS + 1):
        rescan = by_name[f"rescan {number}"]
        assert rescan["new_shown"] and not rescan["new_live"], rescan
        name = f"\u2068{rescan['new_name']}\u2069"  # names are isolated for bidi text
        details = rescan["change_details"]
        expected_changes = [f"1 new: {name}", f"1 new issues: \u2068Web page served without "
                            f"HTTPS ({rescan['new_name']})\u2069"]
        if details:
            expected_changes.append(f"{sum(map(len, details.values()))} minor changes "
                                    "(addresses, services, short-lived ports).")
        assert rescan["changes"] == expected_changes, rescan
        assert {mac for macs in details.values() for mac in macs} <= {rescan["new_mac"]}, \
            "the only minor changes are the new device's own"
    last = by_name[f"rescan {RESCANS}"]
    cancelled = by_name["cancelled"]
    assert "cancelled" in cancelled["status"], cancelled
    assert cancelled["live_seen"] and cancelled["cancelled_while_running"], cancelled
    assert not cancelled["unsaved_shown_after"], "the cancelled scan's new device is dropped"
    assert cancelled["min_rows"] >= cancelled["saved_rows_before"] == last["rows"]
    assert cancelled["rows"] == last["rows"] and cancelled["changes"] == last["changes"]
    for name in ("tagged", "answered"):
        assert by_name[name]["changes"] == last["changes"], by_name[name]
        assert by_name[name]["page"]["tag_saved"] == "home"
    assert len(by_name["answered"]["answers"]) >= 3
