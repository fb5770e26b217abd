"""Whole-process time of `iot-hygiene scan --no-checks` (both ARP modes) vs arp-scan, in the lab."""

# Every contender runs inside the lab's scanner namespace, interleaved, with the scanner's
# neighbour table flushed before each run; `--detail` adds nmap, our ARP phase alone and the
# in-process time until the merged picture was complete.

from __future__ import annotations

import argparse
import ipaddress
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.lab.netlab import Lab
from tests.lab.office import Office

NET = "10.231.0.0/24"
EXTRA_FIRST = 21  # the office uses .10-.20; extra ARP-only hosts fill .21 upwards


@dataclass
class Tool:
    """One contender: how to run it and how to read which hosts it found."""

    name: str
    argv: list[str]
    parse: Callable[[str], tuple[set[str], float | None]]
    unprivileged: bool = False
    times: list[float] = field(default_factory=list)
    found: list[int] = field(default_factory=list)
    inner: list[float] = field(default_factory=list)  # in-process time, when reported
    facts: list[int] = field(default_factory=list)  # services, descriptions, names (our scans)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--extra", type=int, default=234, help="ARP-only hosts in the big lab")
    parser.add_argument("--detail", action="store_true",
                        help="also nmap, the ARP phase alone and the complete-picture time")
    parser.add_argument("--only", choices=("small", "large"), help="run one lab only")
    parser.add_argument("--arp-only", choices=("kernel", "raw"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.arp_only:
        return _arp_only(args.arp_only)
    labs = {"small": ("small office", 0),
            "large": (f"office + {args.extra} ARP-only hosts", args.extra)}
    complete = True
    for key, (title, extra) in labs.items():
        if args.only in (None, key):
            complete &= _bench_lab(title, extra, args.reps, args.detail)
    return 0 if complete else 1


def build_office_with_extra_hosts(lab: Lab, extra: int) -> None:
    """The lab office plus `extra` ARP-only hosts (one namespace + veth each)."""
    Office(lab).build()
    for n in range(extra):
        last = EXTRA_FIRST + n
        lab.add_host(f"x{n}", f"00:11:32:aa:{last >> 8:02x}:{last & 0xFF:02x}",
                     f"10.231.0.{last}")


def _bench_lab(title: str, extra: int, reps: int, detail: bool) -> bool:
    """Run every contender `reps` times; True when each found every host every time."""
    started = time.monotonic()
    with Lab(NET) as lab:
        build_office_with_extra_hosts(lab, extra)
        expected = {h.ip for h in lab.hosts.values()} - {lab.scanner.ip}
        print(f"\n== {title}: {len(expected)} hosts besides the scanner "
              f"(lab built in {time.monotonic() - started:.1f} s), {reps} repetitions")
        tools = _tools(lab, detail)
        for _ in range(reps):
            for tool in tools:  # interleaved, so drift hits every tool alike
                _run(lab, tool)
        _report(tools, expected)
        return all(set(tool.found) == {len(expected)} for tool in tools)


def _tools(lab: Lab, detail: bool) -> list[Tool]:
    """arp-scan first (the reference), then `scan --no-checks` in each mode; more if `detail`."""
    py = sys.executable
    scan = [py, "-m", "core", "scan", "--interface", "eth0", "--no-checks", "--json", "--mode"]
    tools = [
        Tool("arp-scan", ["arp-scan", "--interface", "eth0", NET], _parse_arp_scan),
        Tool("scan --no-checks kernel (nobody)", [*scan, "kernel"], _parse_scan,
             unprivileged=True),
        Tool("scan --no-checks raw (root)", [*scan, "raw"], _parse_scan),
    ]
    if not detail:
        return tools
    probe = [py, "-m", "tests.lab.devices.discovery_probe", "--mode"]
    return [*tools,
            Tool("nmap -sn -PR", ["nmap", "-sn", "-PR", "-n", "-e", "eth0", NET], _parse_nmap),
            Tool("ARP phase kernel (nobody)", [py, "-m", "bench.discovery", "--arp-only",
                                               "kernel"], _parse_arp_only, unprivileged=True),
            Tool("ARP phase raw (root)", [py, "-m", "bench.discovery", "--arp-only", "raw"],
                 _parse_arp_only),
            Tool("complete picture kernel (nobody)", [*probe, "kernel"], _parse_probe,
                 unprivileged=True),
            Tool("complete picture raw (root)", [*probe, "raw"], _parse_probe)]


def _run(lab: Lab, tool: Tool) -> None:
    lab.exec(lab.scanner.ns, ["ip", "neigh", "flush", "dev", "eth0"])  # no warm cache
    start = time.monotonic()
    proc = lab.run_scanner(tool.argv, unprivileged=tool.unprivileged, timeout=120)
    tool.times.append(time.monotonic() - start)
    if proc.returncode != 0:
        raise SystemExit(f"{tool.name} failed: {proc.stderr[-500:]}")
    hosts, inner = tool.parse(proc.stdout)
    tool.found.append(len(hosts - {lab.scanner.ip}))
    if inner is not None:
        tool.inner.append(inner)
    if tool.parse is _parse_scan:
        tool.facts.append(_facts(json.loads(proc.stdout)["devices"]))


def _report(tools: list[Tool], expected: set[str]) -> None:
    reference = statistics.median(tools[0].times)
    print(f"{'tool':34} {'median s':>9} {'min s':>7} {'in-process s':>13} "
          f"{'hosts found':>12} {'facts':>8} {'ratio/arp-scan':>15}")
    for tool in tools:
        median = statistics.median(tool.times)
        inner = f"{statistics.median(tool.inner):.2f}" if tool.inner else "-"
        found = f"{min(tool.found)}-{max(tool.found)}/{len(expected)}"
        facts = f"{min(tool.facts)}-{max(tool.facts)}" if tool.facts else "-"
        print(f"{tool.name:34} {median:9.2f} {min(tool.times):7.2f} {inner:>13} "
              f"{found:>12} {facts:>8} {median / reference:15.2f}")
    print("facts: mDNS services + UPnP descriptions + WS-Discovery + NetBIOS + host names found")


def _facts(devices: list[dict[str, Any]]) -> int:
    """What a scan learnt beyond addresses: it must not shrink when the scan ends sooner."""
    return sum(len(d["services"]) + bool(d["upnp"]) + bool(d["wsd"]) + bool(d["netbios"])
               + len(d["hostnames"]) for d in devices)


def _arp_only(mode: str) -> int:
    """Inside the scanner namespace: time the ARP phase alone, print hosts and seconds."""
    from core.cancel import CancelToken
    from core.discovery import arp_kernel, arp_raw, netif

    start = time.monotonic()
    iface = netif.find_interface("eth0")
    network = ipaddress.IPv4Network(iface.network)
    if mode == "raw":
        found = arp_raw.raw_arp_scan(network, iface.name, iface.ipv4, iface.mac, CancelToken())
    else:
        found = arp_kernel.kernel_arp_scan(network, iface.name, iface.ipv4, CancelToken())
    print(json.dumps({"arp_seconds": round(time.monotonic() - start, 3),
                      "hosts": sorted(e.ip for e in found)}))
    return 0


def _parse_arp_scan(out: str) -> tuple[set[str], float | None]:
    return {line.split()[0] for line in out.splitlines()
            if re.match(r"^\d+\.\d+\.\d+\.\d+\s+[0-9a-f:]{17}", line)}, None


def _parse_nmap(out: str) -> tuple[set[str], float | None]:
    return set(re.findall(r"Nmap scan report for (\d+\.\d+\.\d+\.\d+)", out)), None


def _parse_arp_only(out: str) -> tuple[set[str], float | None]:
    doc = json.loads(out)
    return set(doc["hosts"]), float(doc["arp_seconds"])


def _parse_scan(out: str) -> tuple[set[str], float | None]:
    devices = json.loads(out)["devices"]
    return {d["ip"] for d in devices if d["mac"] and "arp" in d["sources"]}, None


def _parse_probe(out: str) -> tuple[set[str], float | None]:
    """Hosts of an in-process run, and when the last device update (complete picture) came."""
    doc = json.loads(out)
    devices = doc["result"]["devices"]
    return ({d["ip"] for d in devices if d["mac"] and "arp" in d["sources"]},
            max(doc["last_update"].values()))


if __name__ == "__main__":
    sys.exit(main())
