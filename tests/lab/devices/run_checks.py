"""Lab runner: run core.checks on devices (a JSON list or --ip) and print the result as JSON."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from core.checks import CheckOptions, consent_from_cli, run_checks
from core.models import Device
from core.scan.jsonio import device_from_json, device_to_json


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
    args = parser.parse_args()
    if args.log:
        logging.basicConfig(filename=args.log, level=logging.DEBUG)
    devices = [Device(mac=f"00:00:00:00:00:{i:02x}", ips=(ip,)) for i, ip in enumerate(args.ip)]
    if args.devices:
        devices += [device_from_json(d) for d in json.loads(args.devices)]
    consent = consent_from_cli(args.consent, "Lab office", "10.231.0.0/24") if args.consent \
        else None
    options = CheckOptions(consent=consent, device_budget=args.budget,
                           read_timeout=args.read_timeout, thorough=args.thorough,
                           credentials_dir=Path(args.credentials_dir) if args.credentials_dir
                           else None)
    started = time.monotonic()
    checked = run_checks(devices, options)
    elapsed = time.monotonic() - started
    json.dump({"elapsed": round(elapsed, 3), "devices": [device_to_json(d) for d in checked]},
              sys.stdout, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
