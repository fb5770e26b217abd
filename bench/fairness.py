"""Benchmark: findings kept and scan time with 0, 40, 100, 200 firewalled hosts by the office."""

from __future__ import annotations

import argparse
import json
import shlex
import signal
import sys
import time
from pathlib import Path
from typing import Any

from tests.lab.netlab import Lab, lab_unavailable_reason
from tests.lab.office import OFFICE, Office

CROWD_FIRST = 40  # the office uses .10-.20; the crowd fills .40 upwards


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--crowds", default="0,40,100,200", help="firewalled hosts, ascending")
    parser.add_argument("--code", type=Path, help="run the scanner from this source tree "
                        "(e.g. an older commit's export) instead of this one")
    parser.add_argument("--thorough", action="store_true", help="scan --thorough each time")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    reason = lab_unavailable_reason()
    if reason:
        print(f"cannot run: {reason}")
        return 1
    sizes = [int(n) for n in args.crowds.split(",")]
    with Lab() as lab:
        Office(lab).build()
        rows = []
        calm: dict[str, set[tuple[str, Any]]] = {}
        added = 0
        for size in sizes:
            if size > added:
                ips = [f"10.231.0.{CROWD_FIRST + n}" for n in range(added, size)]
                lab.add_crowd(f"crowd{size}", ips, mac_prefix=f"a4:4c:c8:{size % 256:02x}")
                added = size
            lab.exec(lab.scanner.ns, ["ip", "neigh", "flush", "dev", "eth0"])
            seconds, doc = _scan(lab, args.code, args.thorough)
            problems = _office_problems(doc)
            calm = calm or problems
            rows.append(_row(size, seconds, doc, problems, calm))
            print(rows[-1], flush=True)
    print("\nfirewalled hosts | scan s | office problems kept | office devices unfinished | "
          "crowd hosts skipped early")
    for row in rows:
        print(row)
    return 0


def _scan(lab: Lab, code: Path | None, thorough: bool = False) -> tuple[float, dict[str, Any]]:
    argv = [sys.executable, "-m", "core", "scan", "--interface", "eth0", "--mode", "kernel",
            "--timeout", "4", "--json", *(["--thorough"] if thorough else [])]
    if code is not None:
        argv = ["sh", "-c", f"cd {shlex.quote(str(code))} && {shlex.join(argv)}"]
    started = time.monotonic()
    proc = lab.run_scanner(argv, timeout=600)
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return seconds, json.loads(proc.stdout)


def _office_problems(doc: dict[str, Any]) -> dict[str, set[tuple[str, Any]]]:
    office = {spec.mac for spec in OFFICE}
    return {d["mac"]: {(f["id"], f["port"]) for f in d["findings"]
                       if f["severity"] != "info" and f["id"] != "checks-unfinished"}
            for d in doc["devices"] if d["mac"] in office}


def _row(size: int, seconds: float, doc: dict[str, Any],
         problems: dict[str, set[tuple[str, Any]]],
         calm: dict[str, set[tuple[str, Any]]]) -> str:
    wanted = sum(len(v) for v in calm.values())
    kept = sum(len(v & problems.get(mac, set())) for mac, v in calm.items())
    office = {spec.mac for spec in OFFICE}
    unfinished = sum(1 for d in doc["devices"] if d["mac"] in office and any(
        f["id"] in ("checks-unfinished", "checks-incomplete") for f in d["findings"]))
    skipped = sum(1 for d in doc["devices"] if d["mac"] not in office and any(
        f["id"] == "host-drops-connections" for f in d["findings"]))
    return (f"{size:16d} | {seconds:6.1f} | {kept:3d} of {wanted:3d}          | "
            f"{unfinished:2d}                        | {skipped}")


if __name__ == "__main__":
    sys.exit(main())
