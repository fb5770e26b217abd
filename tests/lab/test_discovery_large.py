"""Lab: above /22 needs confirmation; a /23 is swept in rounds, every round covered, both modes."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.conftest import require_lab
from tests.lab.netlab import Lab

pytestmark = pytest.mark.lab

HOSTS = (("first", "00:11:32:30:00:05", "10.231.0.5"),
         ("middle", "00:11:32:30:01:07", "10.231.1.7"),
         ("last", "00:11:32:30:01:c8", "10.231.1.200"))


@pytest.fixture(scope="module")
def wide_lab() -> Iterator[Lab]:
    require_lab()
    with Lab("10.231.0.0/23") as lab:
        for name, mac, ip in HOSTS:
            lab.add_host(name, mac, ip)
        yield lab


@pytest.fixture(autouse=True)
def _drain_neighbour_table(wide_lab: Lab) -> Iterator[None]:
    """The neighbour table is machine-wide: leave no unresolved entries for later tests.

    (A full table also stops multicast, so mDNS in the next lab would go silent.)
    """
    yield
    for ns in wide_lab.namespaces:
        wide_lab.exec(ns, ["ip", "neigh", "flush", "all"], check=False)


def test_a_network_above_slash22_needs_confirmation(wide_lab: Lab) -> None:
    proc = wide_lab.run_scanner(wide_lab.python("core", "scan", "--interface", "eth0",
                                                "--network", "10.231.0.0/21"), unprivileged=True)
    assert proc.returncode == 1 and "not directly attached" in proc.stderr
    lab = wide_lab
    lab.exec(lab.scanner.ns, ["ip", "addr", "add", "10.231.9.2/20", "dev", "eth0"])
    try:
        proc = lab.run_scanner(lab.python("core", "scan", "--interface", "eth0", "--network",
                                          "10.231.0.0/21"), unprivileged=True)
    finally:
        lab.exec(lab.scanner.ns, ["ip", "addr", "del", "10.231.9.2/20", "dev", "eth0"])
    assert proc.returncode == 1 and "--yes-large-network" in proc.stderr


@pytest.mark.parametrize(("mode", "unprivileged"), [("kernel", True), ("raw", False)])
def test_every_round_of_a_slash23_is_swept(wide_lab: Lab, mode: str,
                                           unprivileged: bool) -> None:
    lab = wide_lab
    lab.exec(lab.scanner.ns, ["ip", "neigh", "flush", "dev", "eth0"])
    # --timeout 6: other tests on this machine share the neighbour table and may slow the sweep.
    proc = lab.run_scanner(lab.python("core", "scan", "--interface", "eth0", "--json",
                                      "--mode", mode, "--timeout", "6"),
                           unprivileged=unprivileged)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["scan"]["network"] == "10.231.0.0/23"
    found = {d["mac"]: d["ip"] for d in doc["devices"]}
    for _name, mac, ip in HOSTS:
        assert found.get(mac) == ip

