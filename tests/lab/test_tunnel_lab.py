"""Lab: a VPN tunnel holding the default route is not offered, is refused, and gets no packet."""

from __future__ import annotations

import json
import time

import pytest

from tests.lab.netlab import Lab

pytestmark = pytest.mark.lab

TUN_IP = "10.99.0.2/24"


def _tx_packets(lab: Lab, name: str) -> int:
    link = json.loads(lab.exec(lab.scanner.ns, ["ip", "-j", "-s", "link", "show", name]))[0]
    return int(link["stats64"]["tx"]["packets"])


def _tunnel(lab: Lab) -> None:
    lab.start(lab.scanner, lab.python("tests.lab.devices.tun_holder", "--name", "tun0"))
    deadline = time.monotonic() + 10
    while "tun0" not in lab.exec(lab.scanner.ns, ["ip", "-br", "link"], check=False):
        assert time.monotonic() < deadline, "tun0 never appeared"
        time.sleep(0.05)
    ns = lab.scanner.ns
    for argv in (["addr", "add", TUN_IP, "dev", "tun0"], ["link", "set", "tun0", "up"],
                 ["route", "add", "default", "dev", "tun0"]):
        lab.exec(ns, ["ip", *argv])


def test_a_tunnel_with_the_default_route_is_not_offered_refused_and_sent_nothing(
        lab: Lab) -> None:
    printer = lab.add_host("printer", "3c:d9:2b:10:00:10", "10.231.0.10")
    lab.start(printer, ["socat", f"TCP-LISTEN:80,bind={printer.ip},reuseaddr,fork",
                        "SYSTEM:echo HTTP/1.0 200 OK"], log_name="web")
    lab.wait_for_port(printer, 80)
    _tunnel(lab)
    before = _tx_packets(lab, "tun0")

    listed = lab.run_scanner(lab.python("core", "interfaces", "--json"), unprivileged=True)
    assert [i["name"] for i in json.loads(listed.stdout)] == ["eth0"], listed.stdout
    default = lab.run_scanner([lab.python("core")[0], "-c",
                               "from core.discovery import default_interface as d; "
                               "print(d().name)"], unprivileged=True)
    assert default.stdout.strip() == "eth0", default.stderr

    refused = lab.run_scanner(lab.python("core", "scan", "--interface", "tun0", "--json"),
                              unprivileged=True)
    assert refused.returncode == 1
    assert "tun0 is a VPN or tunnel interface" in refused.stderr and "eth0" in refused.stderr

    scan = lab.run_scanner(lab.python("core", "scan", "--interface", "eth0", "--mode",
                                      "kernel", "--timeout", "3", "--json"), unprivileged=True)
    assert scan.returncode == 0, scan.stderr
    found = {d["mac"]: d for d in json.loads(scan.stdout)["devices"]}
    assert 80 in found["3c:d9:2b:10:00:10"]["open_ports"]
    # the root namespace's resolver lies beyond the tunnel: reverse DNS must not ask it
    assert _tx_packets(lab, "tun0") == before == 0
