"""`scan --thorough`: the option reaches the checks and the scan JSON and the table say so."""

from __future__ import annotations

import json
from typing import Any

import pytest

from core.checks import CheckOptions
from core.cli import main
from core.models import ArpMode, Device, ScanInfo, ScanResult
from core.scan import run as scan_run
from core.scan import scan_from_json

CAMERA = Device(mac="aa:00:00:00:00:01", ips=("192.0.2.10",))


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[CheckOptions]:
    """Discovery finds one device; the checks only record the options they were given."""
    options: list[CheckOptions] = []

    def discovery(request: Any, **_: Any) -> ScanResult:
        info = ScanInfo(interface="eth0", network="192.0.2.0/24", mode=ArpMode.KERNEL,
                        started="2026-03-01T10:00:00Z")
        return ScanResult(info=info, devices=(CAMERA,))

    def checks(devices: tuple[Device, ...], given: CheckOptions, *_: Any) -> tuple[Device, ...]:
        options.append(given)
        return tuple(devices)

    monkeypatch.setattr(scan_run, "run_discovery", discovery)
    monkeypatch.setattr(scan_run, "run_checks", checks)
    return options


@pytest.mark.parametrize("thorough", [True, False])
def test_the_choice_reaches_the_checks_and_the_json(
        seen: list[CheckOptions], capsys: pytest.CaptureFixture[str], thorough: bool) -> None:
    assert main(["scan", "-i", "eth0", "--json", *(["--thorough"] if thorough else [])]) == 0
    assert [o.thorough for o in seen] == [thorough]
    doc = json.loads(capsys.readouterr().out)
    assert doc["scan"]["thorough"] is thorough
    assert scan_from_json(doc).info.thorough is thorough


def test_the_table_says_the_scan_was_thorough(seen: list[CheckOptions],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "-i", "eth0", "--thorough"]) == 0
    assert "thorough port checks" in capsys.readouterr().out


def test_thorough_without_checks_is_a_usage_error(seen: list[CheckOptions],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "-i", "eth0", "--thorough", "--no-checks"]) == 2
    assert "--thorough" in capsys.readouterr().err and seen == []


def test_an_older_document_without_the_field_reads_as_standard() -> None:
    doc = {"schema": 1, "scan": {"interface": "eth0", "network": "192.0.2.0/24",
                                 "mode": "kernel", "started": "2026-01-01T00:00:00Z"}}
    assert scan_from_json(doc).info.thorough is False
