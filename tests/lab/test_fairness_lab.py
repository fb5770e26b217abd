"""Lab: firewalled crowds and flooding responders beside the office cost no finding and no fact."""

from __future__ import annotations

import json
import subprocess
import time
from typing import Any

import pytest

from tests.lab.netlab import Lab
from tests.lab.office import OFFICE, Office
from tests.timing import within

pytestmark = pytest.mark.lab

CROWD = [f"10.231.0.{40 + n}" for n in range(60)]
MDNS_FLOOD = ("mflood", "02:f1:00:00:00:30", "10.231.0.30")
SSDP_FLOOD = ("sflood", "02:f1:00:00:00:31", "10.231.0.31")


def _scan(lab: Lab, *extra: str) -> tuple[float, dict[str, Any]]:
    lab.exec(lab.scanner.ns, ["ip", "neigh", "flush", "dev", "eth0"])
    started = time.monotonic()
    proc = lab.run_scanner(lab.python("core", "scan", "--interface", "eth0", "--mode", "kernel",
                                      "--timeout", "4", "--json", *extra), unprivileged=True,
                           timeout=180)
    assert proc.returncode == 0, proc.stderr
    return time.monotonic() - started, json.loads(proc.stdout)


def _problems(doc: dict[str, Any]) -> set[tuple[str, str, int | None]]:
    office = {spec.mac for spec in OFFICE}
    return {(d["mac"], f["id"], f["port"]) for d in doc["devices"] if d["mac"] in office
            for f in d["findings"] if f["severity"] != "info"}


def _ids(device: dict[str, Any]) -> set[str]:
    return {f["id"] for f in device["findings"]}


def test_sixty_firewalled_hosts_cost_no_finding_and_little_time(office: Office) -> None:
    lab = office.lab
    calm_seconds, calm = _scan(lab)
    crowd_ns = lab.add_crowd("crowd", CROWD)
    try:
        seconds, crowded = _scan(lab)
    finally:
        subprocess.run(["ip", "netns", "del", crowd_ns], capture_output=True)
        lab.namespaces.remove(crowd_ns)
    expected = _problems(calm)
    assert {"telnet-open", "mqtt-anonymous", "upnp-igd"} <= {fid for _, fid, _ in expected}
    assert expected - _problems(crowded) == set()  # every finding is still found
    devices = {d["ip"]: d for d in crowded["devices"]}
    for ip in CROWD:  # each firewalled host: one quick probe, said so, never "clean"
        assert "host-drops-connections" in _ids(devices[ip]), devices[ip]["findings"]
    assert not any("checks-unfinished" in _ids(d) for d in crowded["devices"])
    assert seconds <= within(calm_seconds), (calm_seconds, seconds)  # at most 2x the calm scan


def _start_flooders(lab: Lab) -> None:
    for (name, mac, ip), module in ((MDNS_FLOOD, "mdns_flood"), (SSDP_FLOOD, "ssdp_flood")):
        host = lab.add_host(name, mac, ip)
        lab.start(host, lab.python(f"tests.lab.devices.{module}", "--ip", ip), log_name=module)
        log = lab.workdir / f"{name}-{module}.log"
        deadline = time.monotonic() + 15
        while "ready" not in (log.read_text() if log.exists() else ""):
            assert time.monotonic() < deadline, f"{module} never became ready"
            time.sleep(0.05)


def test_flooding_responders_do_not_crowd_out_well_behaved_devices(office: Office) -> None:
    lab = office.lab
    _start_flooders(lab)
    _, doc = _scan(lab, "--no-checks")
    devices = {d["mac"]: d for d in doc["devices"]}
    for spec in OFFICE:  # every conforming device keeps every service it advertised
        found = {s["type"] for s in devices[spec.mac]["services"]}
        assert found == set(spec.services), (spec.name, found)
    router = devices[office.expected["router"].mac]["upnp"]
    assert router["friendly_name"] == "Office Router" and "InternetGateway" in \
        router["device_type"]
    mflood, sflood = devices[MDNS_FLOOD[1]], devices[SSDP_FLOOD[1]]
    assert len(mflood["services"]) <= 32
    capped = " ".join(f["evidence"] for f in mflood["findings"] if f["id"] == "discovery-capped")
    assert "mDNS service types" in capped and "mDNS services" in capped, mflood["findings"]
    assert any(f["id"] == "discovery-capped" and "UPnP" in f["evidence"]
               for f in sflood["findings"]), sflood["findings"]
    hits = {(h["mac"], h["id"]) for h in doc["scan"]["limits_hit"]}
    assert {(MDNS_FLOOD[1], "discovery-capped"), (SSDP_FLOOD[1], "discovery-capped")} <= hits
