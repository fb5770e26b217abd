"""Lab runner: run core.checks on devices (a JSON list or --ip) and print the result as JSON."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
import time
from pathlib import Path

from core.checks import CheckOptions, consent_from_cli, run_checks
from core.models import ArpMode, Device, ScanInfo, ScanResult
from core.report import site_report
from core.scan.jsonio import device_from_json, device_to_json
from core.store import Store

LAB_NETWORK = "10.231.0.0/24"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ip", action="append", default=[], help="a device by address only")
    parser.add_argument("--devices", help="a JSON list of devices (scan JSON form), inline")
    parser.add_argument("--consent", default="", help="name of who authorised password checks")
    parser.add_argument("--credentials-dir", default="")
    parser.add_argument("--budget", type=float, default=8.0)
    parser.add_argument("--read-timeout", type=float, default=2.0)
    parser.add_argument("--thorough", action="store_true", help="sweep the top 1,000 ports")
    parser.add_argument("--log", default="", help="write debug logging to this file")
    parser.add_argument("--save-db", default="", help="also save to this database and write "
                        "its site's reports (html, csv, json) beside it")
    args = parser.parse_args()
    if args.log:
        logging.basicConfig(filename=args.log, level=logging.DEBUG)
    devices = [Device(mac=f"00:00:00:00:00:{i:02x}", ips=(ip,)) for i, ip in enumerate(args.ip)]
    if args.devices:
        devices += [device_from_json(d) for d in json.loads(args.devices)]
    consent = consent_from_cli(args.consent, "Lab office", LAB_NETWORK) if args.consent \
        else None
    options = CheckOptions(consent=consent, device_budget=args.budget,
                           read_timeout=args.read_timeout, thorough=args.thorough,
                           credentials_dir=Path(args.credentials_dir) if args.credentials_dir
                           else None)
    started = time.monotonic()
    checked = run_checks(devices, options)
    elapsed = time.monotonic() - started
    if args.save_db:
        _save(Path(args.save_db), tuple(checked))
    json.dump({"elapsed": round(elapsed, 3), "devices": [device_to_json(d) for d in checked]},
              sys.stdout, indent=1)
    return 0


def _save(db: Path, devices: tuple[Device, ...]) -> None:
    """The checked devices as one saved scan, and every text report of its site."""
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    info = ScanInfo(interface="eth0", network=LAB_NETWORK, mode=ArpMode.KERNEL, started=now,
                    finished=now, checks_run=True)
    with Store.open(db) as store:
        site = store.create_site("Lab office").id
        store.save_scan(site, ScanResult(info=info, devices=devices))
        for fmt in ("html", "csv", "json"):
            db.with_suffix(f".{fmt}").write_text(site_report(store, site, fmt))


if __name__ == "__main__":
    sys.exit(main())
