"""Lab: discovery streams devices and progress, catches late mDNS answers, and cancels promptly."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from core.discovery import arp_kernel, mdns
from tests.conftest import require_lab
from tests.lab.netlab import Lab
from tests.lab.office import Office
from tests.timing import within

pytestmark = pytest.mark.lab

EARLY = ("early", "3c:d9:2b:20:00:21", "10.231.0.21")
LATE = ("late", "b8:27:eb:20:00:22", "10.231.0.22")
SLOW = ("slow", "b8:27:eb:20:00:23", "10.231.0.23")
SLOW_SERVICE = {"type": "_slow-sensor._tcp.local.", "name": "Slow sensor", "txt": "md=Slow 1"}
SLOW_DELAY = 0.4  # seconds each of its answers waits: less than the browse's tail
PHONE = ("phone", "5a:11:22:33:44:24", "10.231.0.24")  # another mDNS querier on the network
RATE_LIMIT = 1.0  # seconds a responder waits before multicasting the same record again
GHOST = ("00:11:32:99:99:99", "10.231.0.99")
WALLED_IP = "10.231.0.98"  # answers ARP, drops every IP packet
# The late device comes online while the scan runs: it starts probing for its names about 0.3 s
# after the scan starts, and announces them after three probes (500 ms apart in python-zeroconf).
LATE_DELAY = 0.3
ANNOUNCED_AFTER = 1.0  # seconds into the scan, at the earliest


@pytest.fixture(scope="module")
def small_lab() -> Iterator[Lab]:
    require_lab()
    with Lab() as lab:
        office = Office(lab)
        early = lab.add_host(*EARLY)
        office.mdns(early, "early-printer", [
            {"type": "_ipp._tcp.local.", "name": "Early printer", "port": 631,
             "txt": {"ty": "Early 1"}}])
        lab.add_host(*LATE)
        office.mdns_slow(lab.add_host(*SLOW), "slow-sensor", SLOW_SERVICE, SLOW_DELAY)
        office.wait_until_ready()
        yield lab


def probe(lab: Lab, *args: str, unprivileged: bool = True) -> dict[str, Any]:
    proc = lab.run_scanner(lab.python("tests.lab.devices.discovery_probe", "--mode", "kernel",
                                      *args), unprivileged=unprivileged)
    assert proc.returncode == 0, proc.stderr
    out: dict[str, Any] = json.loads(proc.stdout)
    return out


def test_devices_stream_before_the_scan_ends_with_progress(small_lab: Lab) -> None:
    out = probe(small_lab)
    early_mac = EARLY[1]
    summary = {k: out[k] for k in ("elapsed", "first_seen", "progress", "threads")}
    assert out["first_seen"][early_mac] < out["elapsed"] - 1.0, summary
    phases = [p["phase"] for p in out["progress"]]
    assert phases[:2] == ["starting", "arp"] and phases[-1] == "done", summary
    assert "mdns" in phases, summary
    fractions = [p["fraction"] for p in out["progress"]]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0, summary
    assert out["threads"] == [], summary
    assert out["result"]["scan"]["cancelled"] is False


def test_a_device_answering_mdns_late_is_still_caught(small_lab: Lab) -> None:
    lab = small_lab
    late = lab.hosts["late"]
    Office(lab).mdns(late, "late-hub", [
        {"type": "_hap._tcp.local.", "name": "Late hub", "port": 8080, "txt": {"md": "Late 1"}}],
        delay=LATE_DELAY)
    out = probe(lab)
    devices = {d["mac"]: d for d in out["result"]["devices"]}
    hub = devices[LATE[1]]
    assert [s["name"] for s in hub["services"]] == ["Late hub"]
    assert hub["category"] == "smart_home" and hub["model"] == "Late 1"
    assert out["last_update"][LATE[1]] > ANNOUNCED_AFTER  # it really arrived late


def test_a_responder_answering_every_question_late_is_still_caught(small_lab: Lab) -> None:
    assert SLOW_DELAY < mdns.TAIL
    out = probe(small_lab, "--timeout", "10")
    sensor = {d["mac"]: d for d in out["result"]["devices"]}[SLOW[1]]
    assert [(s["type"], s["name"], s["txt"]) for s in sensor["services"]] == [
        (SLOW_SERVICE["type"], SLOW_SERVICE["name"], {"md": "Slow 1"})]
    # Its type came one delay after the first question, its instance one delay after ours.
    heard_at = out["last_update"][SLOW[1]]
    assert heard_at > 2 * SLOW_DELAY
    # The scan then ended once quiet, long before its 10 s bound.
    assert out["elapsed"] < heard_at + within(mdns.TAIL + 0.5), out["elapsed"]


def test_answers_held_back_by_the_responders_rate_limit_are_waited_for() -> None:
    """The printer answered another querier just before the scan: it may multicast the same
    answer again only a second later (RFC 6762 section 6), and the scan waits for it."""
    require_lab()
    with Lab() as lab:  # nothing else on it keeps the scan listening
        office = Office(lab)
        office.mdns(lab.add_host(*EARLY), "early-printer", [
            {"type": "_ipp._tcp.local.", "name": "Early printer", "port": 631}])
        phone = lab.add_host(*PHONE)
        office.wait_until_ready()
        for _ in range(2):
            time.sleep(RATE_LIMIT + 0.5)  # the printer's earlier multicasts are a second old
            lab.exec(phone.ns, lab.python("tests.lab.devices.mdns_query", "--ip", PHONE[2],
                                          "_ipp._tcp.local."))
            out = probe(lab, "--timeout", "10")
            printer = {d["mac"]: d for d in out["result"]["devices"]}[EARLY[1]]
            assert [s["name"] for s in printer["services"]] == ["Early printer"], out["elapsed"]


def test_a_long_gone_host_left_in_the_neighbour_table_is_not_listed(small_lab: Lab) -> None:
    lab = small_lab
    ns = lab.scanner.ns
    # Entries made now count as confirmed a minute ago: one ghost, and the live printer's.
    lab.exec(ns, ["ip", "neigh", "replace", GHOST[1], "lladdr", GHOST[0], "dev", "eth0",
                  "nud", "stale"])
    lab.exec(ns, ["ip", "neigh", "del", EARLY[2], "dev", "eth0"], check=False)
    lab.exec(ns, ["ip", "neigh", "replace", EARLY[2], "lladdr", EARLY[1], "dev", "eth0",
                  "nud", "stale"])
    try:
        out = probe(lab)
    finally:
        lab.exec(ns, ["ip", "neigh", "del", GHOST[1], "dev", "eth0"], check=False)
    macs = {d["mac"] for d in out["result"]["devices"]}
    assert GHOST[0] not in macs
    assert EARLY[1] in macs  # old entry, but the host answers a TCP connect


def test_an_old_entry_of_a_host_that_drops_all_ip_is_kept_after_the_kernels_reprobe() -> None:
    """A firewalled host seen long ago answers no TCP check; the kernel's own ARP re-probe
    (5 s after our datagram) proves it is there, while a ghost's entry fails."""
    require_lab()
    with Lab() as lab:
        lab.add_crowd("walled", [WALLED_IP], mac_prefix="a4:4c:c8:ef")
        walled_mac = "a4:4c:c8:ef:00:00"  # the crowd's first host
        ns = lab.scanner.ns
        for ip, mac in ((WALLED_IP, walled_mac), (GHOST[1], GHOST[0])):
            lab.exec(ns, ["ip", "neigh", "replace", ip, "lladdr", mac, "dev", "eth0",
                          "nud", "stale"])
        out = probe(lab, "--timeout", "3")
        macs = {d["mac"] for d in out["result"]["devices"]}
        assert walled_mac in macs, out["result"]["devices"]
        assert GHOST[0] not in macs
        assert out["elapsed"] < within(arp_kernel.REPROBE_WAIT + 2.0), out["elapsed"]


# 0.9 s: mDNS still listens then (never less than mdns.RATE_LIMIT_WAIT), the printer is known.
@pytest.mark.parametrize(("cancel_after", "unprivileged"),
                         [(0.3, True), (0.9, True), (0.3, False), (0.9, False)])
def test_cancel_stops_within_half_a_second(small_lab: Lab, cancel_after: float,
                                           unprivileged: bool) -> None:
    mode = "kernel" if unprivileged else "raw"
    out = probe(small_lab, "--mode", mode, "--timeout", "10", "--cancel-after",
                str(cancel_after), unprivileged=unprivileged)
    assert out["cancel_latency"] < 0.5, out["cancel_latency"]
    assert out["result"]["scan"]["cancelled"] is True
    assert out["threads"] == []
    if cancel_after > 0.5:
        assert EARLY[1] in {d["mac"] for d in out["result"]["devices"]}  # found so far is kept
