"""Benchmark: core.checks on the lab beside nmap -sT and -sV, thorough mode beside nmap top 1000."""

from __future__ import annotations

import argparse
import json
import signal
import statistics
import sys
import time
import xml.etree.ElementTree as ET  # parses nmap's own XML output from a local subprocess
from typing import Any

from core.checks.ports import DEFAULT_PORTS
from core.datafiles.top_ports import bundled
from tests.lab.check_lab import GOOD_IP, CheckLab
from tests.lab.netlab import Lab, lab_unavailable_reason
from tests.lab.thorough_lab import HALF, WALLED, ThoroughLab, nmap_top_ports, open_ports

DISCOVERY_AND_CHECKS = """
import json, sys, time
from core.checks import CheckOptions, run_checks
from core.discovery.run import ScanRequest, run_discovery
started = time.monotonic()
found = run_discovery(ScanRequest(interface="eth0", mode="kernel", timeout=3.0))
middle = time.monotonic()
checked = run_checks(found.devices, CheckOptions())
done = time.monotonic()
problems = sum(1 for d in checked for f in d.findings if f.severity.value != "info")
print(json.dumps({"discovery": middle - started, "checks": done - middle,
                  "devices": len(checked), "problems": problems}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of checks and nmap -sT")
    parser.add_argument("--sv-rounds", type=int, default=1, help="nmap -sV takes minutes here")
    parser.add_argument("--thorough-rounds", type=int, default=5,
                        help="rounds of thorough mode and nmap -sT --top-ports 1000 -T4")
    parser.add_argument("--walled-timeout", type=int, default=0, metavar="S",
                        help="also time nmap on the host that drops everything, for at most S s")
    args = parser.parse_args()
    # a timeout or Ctrl-C must still tear the lab down (namespaces, daemons)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    reason = lab_unavailable_reason()
    if reason:
        print(f"cannot run: {reason}")
        return 1
    with Lab() as lab:
        check_lab = CheckLab(lab).build()
        hosts = [spec.ip for spec in check_lab.specs()]
        ports = ",".join(str(p) for p in sorted({*DEFAULT_PORTS, 49152}))
        rounds = [_round(check_lab, hosts, ports, with_sv=i < args.sv_rounds)
                  for i in range(max(args.rounds, args.sv_rounds))]
        _report(check_lab, rounds)
        _discovery_and_checks(lab, args.rounds)
        if args.thorough_rounds:  # after the figures above: its extra hosts would change them
            _thorough(ThoroughLab(check_lab).build(), args.thorough_rounds, args.walled_timeout)
    return 0


def _round(check_lab: CheckLab, hosts: list[str], ports: str, with_sv: bool) -> dict[str, Any]:
    lab = check_lab.lab
    started = time.monotonic()
    proc = lab.run_scanner(lab.python("tests.lab.devices.run_checks", "--devices",
                                      check_lab.devices_json()))
    wall = time.monotonic() - started
    ours = json.loads(proc.stdout)
    result: dict[str, Any] = {"checks": ours["elapsed"], "checks_wall": wall, "ours": ours}
    print(f"core.checks {wall:.2f} s", file=sys.stderr, flush=True)
    for flavour in ("-sT", "-sV") if with_sv else ("-sT",):
        started = time.monotonic()
        nmap = lab.run_scanner(["nmap", flavour, "-Pn", "-n", "-p", ports, "-oX", "-", *hosts],
                               timeout=600)
        print(f"nmap {flavour} {time.monotonic() - started:.2f} s", file=sys.stderr, flush=True)
        result[flavour] = time.monotonic() - started
        result[f"{flavour}-hosts"] = _parse_nmap(nmap.stdout)
    return result


def _parse_nmap(xml_text: str) -> dict[str, list[str]]:
    """ip -> ["22/ssh OpenSSH 9.2p1", ...] for every open port nmap reported."""
    hosts: dict[str, list[str]] = {}
    for host in ET.fromstring(xml_text).iter("host"):
        ip = host.find("address").get("addr", "")  # type: ignore[union-attr]
        rows = []
        for port in host.iter("port"):
            state = port.find("state")
            if state is None or state.get("state") != "open":
                continue
            service = port.find("service")
            words = [] if service is None else [service.get(k, "") for k in
                                                ("name", "product", "version", "tunnel")]
            rows.append(f"{port.get('portid')}/{' '.join(w for w in words if w)}")
        hosts[ip] = rows
    return hosts


def _report(check_lab: CheckLab, rounds: list[dict[str, Any]]) -> None:
    print(f"check lab: {len(check_lab.specs())} devices, {len(rounds)} rounds, medians")
    for key, label in (("checks", "core.checks (in process)"),
                       ("checks_wall", "core.checks (whole subprocess)"),
                       ("-sT", "nmap -sT"), ("-sV", "nmap -sV")):
        values = [r[key] for r in rounds if key in r]
        if not values:
            continue
        print(f"  {label:32s} {statistics.median(values):6.2f} s   "
              f"(min {min(values):.2f}, max {max(values):.2f})")
    last = rounds[0]
    ours = {d["ip"]: d for d in last["ours"]["devices"]}
    print("\nper device: open ports (ours | nmap -sT), problems found by core.checks, "
          "nmap -sV services")
    same_ports = True
    for spec in check_lab.specs():
        device = ours[spec.ip]
        nmap_open = sorted(int(row.split("/")[0]) for row in last["-sT-hosts"].get(spec.ip, []))
        same_ports &= nmap_open == device["open_ports"]
        problems = [f"{f['id']}({f['severity']})" for f in device["findings"]
                    if f["severity"] != "info"]
        print(f"  {spec.name:10s} {device['open_ports']} | {nmap_open}")
        print(f"      checks: {', '.join(problems) or 'nothing above info'}")
        print(f"      nmap -sV: {'; '.join(last.get('-sV-hosts', {}).get(spec.ip, [])) or '-'}")
    good = [f["id"] for f in ours[GOOD_IP]["findings"] if f["severity"] != "info"]
    print(f"\nopen ports identical to nmap -sT on every device: {same_ports}")
    print(f"well-configured device, findings above info: {good or 'none'}")
    total = sum(1 for d in ours.values() for f in d["findings"] if f["severity"] != "info")
    print(f"problems reported by core.checks: {total}; by nmap: none (it reports services)")


def _discovery_and_checks(lab: Lab, rounds: int) -> None:
    figures = []
    for _ in range(rounds):
        proc = lab.run_scanner([sys.executable, "-c", DISCOVERY_AND_CHECKS], timeout=120)
        if proc.returncode != 0:
            print(f"\ndiscovery + checks could not run: {proc.stderr.strip()[-300:]}")
            return
        figures.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    med = {k: statistics.median(f[k] for f in figures) for k in ("discovery", "checks")}
    print(f"\nfull scan (core.discovery.run kernel mode, then core.checks), medians of {rounds}: "
          f"discovery {med['discovery']:.2f} s + checks {med['checks']:.2f} s = "
          f"{med['discovery'] + med['checks']:.2f} s; {figures[-1]['devices']} devices, "
          f"{figures[-1]['problems']} problems")



def _timed(lab: Lab, argv: list[str], timeout: float = 300) -> tuple[float, str]:
    started = time.monotonic()
    proc = lab.run_scanner(argv, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed: {proc.stderr.strip()[-300:]}")
    return time.monotonic() - started, proc.stdout


def _thorough(lab: ThoroughLab, rounds: int, walled_timeout: int) -> None:
    """Thorough mode and nmap -sT --top-ports 1000 -T4 on the same hosts, alternating rounds:
    every host but the one dropping everything (nmap -Pn waits minutes on it), then only the
    hosts that answer on every port (no firewall at all)."""
    everyone = [ip for ip in lab.ips() if ip != WALLED.ip]
    _compare(lab, rounds, everyone, f"{len(everyone)} hosts (the check lab, one with listeners "
             "on 7 unusual top-1000 ports, one dropping all but 2 ports)")
    open_hosts = [ip for ip in everyone if ip != HALF.ip]
    _compare(lab, rounds, open_hosts, f"the {len(open_hosts)} hosts without a firewall")
    _walled(lab, walled_timeout)


def _compare(lab: ThoroughLab, rounds: int, ips: list[str], what: str) -> None:
    netlab = lab.check_lab.lab
    devices = json.dumps([d for d in json.loads(lab.devices_json()) if d["ips"][0] in ips])
    top = set(bundled())
    figures: dict[str, list[float]] = {"ours": [], "ours_wall": [], "sweep": [], "nmap": []}
    same = True
    for _ in range(rounds):
        wall, out = _timed(netlab, netlab.python("tests.lab.devices.run_checks", "--thorough",
                                                 "--devices", devices))
        ours = {d["ips"][0]: [p for p in d["open_ports"] if p in top]
                for d in json.loads(out)["devices"]}
        figures["ours"].append(json.loads(out)["elapsed"])
        figures["ours_wall"].append(wall)
        _, out = _timed(netlab, netlab.python("tests.lab.devices.run_sweep",
                                              *(f"--ip={ip}" for ip in ips)))
        figures["sweep"].append(json.loads(out)["elapsed"])
        wall, out = _timed(netlab, nmap_top_ports(ips))
        figures["nmap"].append(wall)
        same &= open_ports(out) == ours
        print(f"thorough {figures['ours_wall'][-1]:.2f} s, nmap {wall:.2f} s", file=sys.stderr,
              flush=True)
    print(f"\nthorough mode on {what}: {rounds} rounds, medians")
    for key, label in (("ours", "thorough checks (in process)"),
                       ("ours_wall", "thorough checks (whole subprocess)"),
                       ("sweep", "port sweep alone (in process)"),
                       ("nmap", "nmap -sT --top-ports 1000 -T4")):
        values = figures[key]
        print(f"  {label:36s} {statistics.median(values):6.2f} s   "
              f"(min {min(values):.2f}, max {max(values):.2f})")
    ratio = statistics.median(figures["ours_wall"]) / statistics.median(figures["nmap"])
    print(f"  whole thorough checks / nmap: {ratio:.2f}x; same open ports in every round: {same}")


def _walled(lab: ThoroughLab, timeout: int) -> None:
    netlab = lab.check_lab.lab
    _, out = _timed(netlab, netlab.python("tests.lab.devices.run_checks", "--thorough",
                                          "--devices", lab.devices_json((WALLED.name,))))
    print(f"  host dropping everything: thorough checks {json.loads(out)['elapsed']:.2f} s")
    if timeout:
        wall, _ = _timed(netlab, [*nmap_top_ports([WALLED.ip]), "--host-timeout", f"{timeout}s"],
                         timeout + 60)
        print(f"  host dropping everything: nmap {wall:.1f} s (--host-timeout {timeout}s)")


if __name__ == "__main__":
    sys.exit(main())
