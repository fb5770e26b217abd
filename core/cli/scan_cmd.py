"""`iot-hygiene scan`: run one discovery scan headless and print a table or the JSON document."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path
from typing import Any

from core import netif
from core.cancel import CancelToken
from core.discovery import MODES, ScanRequest, run_discovery
from core.jsonio import scan_to_json
from core.models import ScanResult

EXIT_OK = 0  # scan finished (even if it found nothing)
EXIT_ERROR = 1  # a problem the user can act on: no such interface, needs rights, too large...
EXIT_CANCELLED = 130  # interrupted (Ctrl-C); what was found so far is still printed


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "scan", help="find the devices on a network",
        description="Find every device on the network attached to INTERFACE. "
        "Exit codes: 0 done, 1 a problem you can fix (message printed), 2 bad arguments, "
        "130 cancelled.")
    parser.add_argument("--interface", "-i", required=True, help="network interface, e.g. eth0")
    parser.add_argument("--network", help="CIDR inside the interface's network "
                        "(default: the interface's whole network)")
    parser.add_argument("--mode", choices=MODES, default="auto",
                        help="ARP mode: raw needs admin rights, kernel does not (default: auto)")
    parser.add_argument("--timeout", type=float, default=3.0,
                        help="seconds the whole scan may take (default: 3)")
    parser.add_argument("--yes-large-network", action="store_true", dest="confirm_large",
                        help="confirm scanning a network larger than /22")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the JSON document")
    output.add_argument("--output", "-o", type=Path, help="write the JSON document to FILE")
    parser.set_defaults(func=run)
    listing = subparsers.add_parser(
        "interfaces", help="list the network interfaces a scan can use (sends nothing)")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=list_interfaces)


def list_interfaces(args: argparse.Namespace) -> int:
    """Print this computer's IPv4 interfaces; the default-route one is marked with `*`."""
    interfaces = netif.list_interfaces()
    if args.json:
        print(json.dumps([{"name": i.name, "ipv4": i.ipv4, "network": i.network, "mac": i.mac,
                           "up": i.is_up, "default": i.is_default} for i in interfaces], indent=2))
        return EXIT_OK
    for i in interfaces:
        state = "up" if i.is_up else "down"
        mark = "*" if i.is_default else " "
        print(f"{mark} {i.name:12} {i.ipv4 + '/' + str(i.prefix_len):18} {i.mac or '-':17} "
              f"{state}")
    if not interfaces:
        print("No IPv4 network interface found.", file=sys.stderr)
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    request = ScanRequest(interface=args.interface, network=args.network, mode=args.mode,
                          timeout=args.timeout, confirm_large=args.confirm_large)
    result = _scan_interruptibly(request)
    if args.output:
        args.output.write_text(json.dumps(scan_to_json(result), indent=2) + "\n",
                               encoding="utf-8")
        print(f"{len(result.devices)} devices written to {args.output}", file=sys.stderr)
    elif args.json:
        print(json.dumps(scan_to_json(result), indent=2))
    else:
        print(format_table(result))
    return EXIT_CANCELLED if result.cancelled else EXIT_OK


def format_table(result: ScanResult) -> str:
    """A plain-text table a person can read (one line per device)."""
    info = result.info
    rows = [("IP", "MAC", "Vendor", "Category", "Name / model", "Seen by")]
    for d in result.devices:
        mac = d.mac + (" (private)" if d.mac_random else "") + (" (this computer)"
                                                                 if d.is_self else "")
        name = d.label if not d.model or d.model == d.label else f"{d.label} / {d.model}"
        rows.append((d.ip, mac, d.vendor or "-", d.category.value, name[:48],
                     ",".join(d.sources)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    status = " (cancelled)" if result.cancelled else ""
    lines.append(f"\n{len(result.devices)} devices on {info.network} via {info.interface}, "
                 f"{info.mode.value} mode ({info.mode_reason}){status}")
    return "\n".join(lines)


def _scan_interruptibly(request: ScanRequest) -> ScanResult:
    """Run the scan in a worker so Ctrl-C cancels it and still returns what was found."""
    cancel = CancelToken()
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["result"] = run_discovery(request, cancel)
        except BaseException as error:
            outcome["error"] = error

    worker = threading.Thread(target=work, name="scan")
    worker.start()
    try:
        while worker.is_alive():
            worker.join(timeout=0.1)
    except KeyboardInterrupt:
        cancel.cancel()
        worker.join()
    if "error" in outcome:
        raise outcome["error"]
    result: ScanResult = outcome["result"]
    return result
