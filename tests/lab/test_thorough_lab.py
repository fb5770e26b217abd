"""Thorough mode on the lab: the same open ports as nmap -sT --top-ports 1000, firewalls bounded."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from core.checks.ports import DEFAULT_PORTS
from core.datafiles.top_ports import bundled
from tests.conftest import require_lab
from tests.lab.check_lab import CheckLab
from tests.lab.netlab import Lab
from tests.lab.thorough_lab import HALF, ODD, WALLED, ThoroughLab, nmap_top_ports, open_ports
from tests.timing import within

pytestmark = pytest.mark.lab


@pytest.fixture(scope="module")
def thorough_lab() -> Iterator[ThoroughLab]:
    require_lab()
    with Lab() as lab:
        yield ThoroughLab(CheckLab(lab).build()).build()


def _checks(lab: ThoroughLab, *args: str, names: tuple[str, ...] = ()) -> dict[str, Any]:
    netlab = lab.check_lab.lab
    proc = netlab.run_scanner(netlab.python("tests.lab.devices.run_checks", *args, "--devices",
                                            lab.devices_json(names)), unprivileged=True,
                              timeout=120)
    assert proc.returncode == 0, proc.stderr
    doc: dict[str, Any] = json.loads(proc.stdout)
    return doc


def _by_ip(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["ips"][0]: d for d in doc["devices"]}


@pytest.fixture(scope="module")
def both(thorough_lab: ThoroughLab) -> tuple[dict[str, Any], dict[str, list[int]]]:
    """One thorough run (as nobody) and nmap on the same hosts, one after the other."""
    ours = _checks(thorough_lab, "--thorough")
    # nmap -Pn waits minutes on a host that drops everything: it is left out of nmap's run
    ips = [ip for ip in thorough_lab.ips() if ip != WALLED.ip]
    proc = thorough_lab.check_lab.lab.run_scanner(nmap_top_ports(ips), timeout=300)
    assert proc.returncode == 0, proc.stderr
    return ours, open_ports(proc.stdout)


def test_the_same_open_ports_as_nmap_on_every_host(
        both: tuple[dict[str, Any], dict[str, list[int]]]) -> None:
    ours, nmaps = both
    top = set(bundled())
    devices = _by_ip(ours)
    assert set(nmaps) == set(devices) - {WALLED.ip}
    for ip, theirs in nmaps.items():
        mine = devices[ip]["open_ports"]
        assert [p for p in mine if p in top] == theirs, ip
        assert {p for p in mine if p not in top} <= set(DEFAULT_PORTS), ip  # curated ones
    assert devices[ODD.ip]["open_ports"] == sorted(ODD.ports)
    assert devices[HALF.ip]["open_ports"] == sorted(HALF.ports)


def test_unusual_ports_get_the_usual_checks(
        both: tuple[dict[str, Any], dict[str, list[int]]]) -> None:
    findings = {(f["id"], f["port"]) for f in _by_ip(both[0])[ODD.ip]["findings"]}
    assert {("telnet-open", 2323), ("http-admin-cleartext", 8181)} <= findings
    summary = next(f for f in _by_ip(both[0])[ODD.ip]["findings"] if f["id"] == "open-ports")
    assert "open 1521, 2323, 3000, 8181, 9091, 9200, 50000" in summary["evidence"]


def test_a_standard_scan_does_not_see_the_unusual_ports(thorough_lab: ThoroughLab) -> None:
    (odd,) = _checks(thorough_lab, names=(ODD.name,))["devices"]
    assert odd["open_ports"] == []


def test_firewalled_hosts_stay_bounded(thorough_lab: ThoroughLab) -> None:
    doc = _checks(thorough_lab, "--thorough", names=(WALLED.name, HALF.name))
    walled, half = (_by_ip(doc)[ip] for ip in (WALLED.ip, HALF.ip))
    # the walled host: one quick probe; the half-walled one: two passes over 1,001 silent ports
    assert doc["elapsed"] < within(4.0)
    assert walled["open_ports"] == []
    assert "host-drops-connections" in [f["id"] for f in walled["findings"]]
    summary = next(f for f in half["findings"] if f["id"] == "open-ports")
    assert "open 8888, 9999; closed 0; filtered 1001" in summary["evidence"]
