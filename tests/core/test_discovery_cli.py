"""`iot-hygiene interfaces` and `scan` argument handling (nothing here sends a packet)."""

from __future__ import annotations

import json

import pytest

from core.cli import EXIT_ERROR, EXIT_USAGE, main
from core.cli.scan_cmd import format_table
from core.discovery import netif
from core.models import ArpMode, Device, ScanInfo, ScanResult


def test_interfaces_lists_what_netif_finds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["interfaces", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [i["name"] for i in listed] == [i.name for i in netif.list_interfaces()]


def test_scan_needs_an_interface(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["scan"])
    assert exit_info.value.code == EXIT_USAGE


def test_unknown_interface_is_a_plain_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--interface", "no-such-if0"]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert "no network interface called 'no-such-if0'" in err and "Traceback" not in err


def test_table_marks_private_and_own_devices() -> None:
    result = ScanResult(
        ScanInfo("eth0", "10.0.0.0/24", ArpMode.KERNEL, "t0", mode_reason="requested"),
        (Device("02:00:00:00:00:01", ("10.0.0.2",), mac_random=True, is_self=True,
                hostnames=("me",), sources=("self",)),
         Device("3c:d9:2b:00:00:05", ("10.0.0.5",), vendor="HP", model="OfficeJet",
                sources=("arp",))), cancelled=True)
    table = format_table(result)
    assert "(private) (this computer)" in table
    assert "10.0.0.5" in table and "HP" in table and "OfficeJet" in table
    assert "2 devices on 10.0.0.0/24 via eth0, kernel mode (requested) (cancelled)" in table
