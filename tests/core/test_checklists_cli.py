"""The `checklist` and `score` commands print a usable checklist and scores from a scan file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.checks.catalog import finding
from core.cli import main
from core.models import ArpMode, Category, Device, ScanInfo, ScanResult
from core.scan.jsonio import scan_to_json


def test_checklist_prints_every_track_with_vendor_instructions(capsys) -> None:
    assert main(["checklist", "--category", "printer", "--vendor", "HP Inc."]) == 0
    out = capsys.readouterr().out
    for title in ("Passwords", "Updates", "Encryption", "Network placement", "Power and physical"):
        assert f"== {title}:" in out
    assert "Have you changed the password the device came with?" in out
    assert "How: HP: open http://ADDRESS/" in out
    assert "[ ] Yes  [ ] No  [ ] Not applicable  [ ] Not sure" in out
    assert "Date: ____-__-__" in out


def _scan_file(tmp_path: Path) -> Path:
    camera = Device(
        mac="aa:00:00:00:00:01",
        ips=("10.9.0.11",),
        category=Category.CAMERA,
        model="Front door camera",
        findings=(finding("default-credentials-accepted"), finding("telnet-open", port=23)),
    )
    phone = Device(mac="aa:00:00:00:00:02", ips=("10.9.0.30",), category=Category.PHONE,
                   model="Pixel")  # fmt: skip
    info = ScanInfo(interface="eth0", network="10.9.0.0/24", mode=ArpMode.KERNEL, started="x")
    path = tmp_path / "scan.json"
    path.write_text(json.dumps(scan_to_json(ScanResult(info, (camera, phone)))))
    return path


def test_score_lists_devices_site_and_next_actions(tmp_path: Path, capsys) -> None:
    path = _scan_file(tmp_path)
    assert main(["score", str(path), "--work-network", "10.9.0.0/24", "--actions", "2"]) == 0
    out = capsys.readouterr().out
    assert "  0/100  Front door camera" in out  # critical + high: the scan part is used up
    assert " 57/100  Pixel" in out  # low: possibly personal device on the work network
    assert "Site: 29/100 over 2 devices" in out
    assert "1. Change the password the device came with (Front door camera): +" in out
    assert "3. " not in out


@pytest.mark.parametrize("content", ["not json", "[]", '{"devices": [{"ip": 5}]}'])
def test_score_on_a_bad_file_is_a_clear_error(tmp_path: Path, capsys, content: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    assert main(["score", str(path)]) == 1
    assert "iot-hygiene:" in capsys.readouterr().err
