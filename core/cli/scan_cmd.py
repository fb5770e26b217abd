"""`iot-hygiene scan`: run one discovery scan headless and print a table or the JSON document."""

from __future__ import annotations

import argparse
import json
import sys
import threading
import uuid
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core import discovery
from core.cancel import CancelToken
from core.cli.consent_record import UNSAVED_SITE, ConsentLedger, site_for
from core.cli.exit_codes import EXIT_CANCELLED, EXIT_OK, EXIT_USAGE
from core.cli.text import terminal_safe
from core.discovery import MODES, ScanRequest
from core.files import write_private
from core.models import Device, ScanResult, Severity
from core.scan import run_scan, scan_to_json

# The checks and the store are imported only by the runs that use them: `scan --no-checks`
# starts faster without them.
if TYPE_CHECKING:
    from core.checks import CheckOptions, Consent


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
    parser.add_argument("--no-checks", action="store_true",
                        help="only find devices; skip the exposure checks")
    parser.add_argument("--thorough", action="store_true",
                        help="check the 1,000 most common TCP ports, not only the ~20 device "
                        "ports (slower: seconds more per device; for contractors)")
    parser.add_argument("--authorize-credential-checks", metavar="NAME", dest="consent_by",
                        help="also try a few factory default passwords (1-3 per device); NAME "
                        "is the person who authorised it. The authorisation is written to the "
                        "database before the first try (under --site, or the site "
                        f"{UNSAVED_SITE!r} without it) and ends with this scan")
    parser.add_argument("--save", action="store_true",
                        help="keep the scan in the local database (needs --site)")
    parser.add_argument("--site", help="site the scan belongs to (created if new)")
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
    interfaces = discovery.list_interfaces()
    if args.json:
        print(json.dumps([{"name": i.name, "ipv4": i.ipv4, "network": i.network, "mac": i.mac,
                           "up": i.is_up, "default": i.is_default} for i in interfaces], indent=2))
        return EXIT_OK
    for i in interfaces:
        state = "up" if i.is_up else "down"
        mark = "*" if i.is_default else " "
        print(f"{mark} {i.name:12} {i.ipv4 + '/' + str(i.prefix_len):18} {i.mac or '-':17} "
              f"{state}")
    for i in discovery.all_interfaces():
        if i.tunnel:
            print(f"  {i.name:12} {i.ipv4 + '/' + str(i.prefix_len):18} not offered: {i.tunnel}")
    if not interfaces:
        print("No IPv4 network interface found.", file=sys.stderr)
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    if args.save and not args.site:
        print("iot-hygiene: --save needs --site NAME", file=sys.stderr)
        return EXIT_USAGE
    if args.thorough and args.no_checks:
        print("iot-hygiene: --thorough is a kind of check; drop --no-checks", file=sys.stderr)
        return EXIT_USAGE
    request = ScanRequest(interface=args.interface, network=args.network, mode=args.mode,
                          timeout=args.timeout, confirm_large=args.confirm_large)
    scan_uid = str(uuid.uuid4())
    ledger = ConsentLedger(args.db, args.site, scan_uid) if args.consent_by else None
    checks = None if args.no_checks else _check_options(args, ledger)
    result = _scan_with_consent(request, checks, ledger)
    if args.save:
        _save(args, result, scan_uid, ledger.record_id if ledger else None)
    if args.output:
        write_private(args.output, json.dumps(scan_to_json(result), indent=2) + "\n")
        print(f"{len(result.devices)} devices written to {args.output}", file=sys.stderr)
    elif args.json:
        print(json.dumps(scan_to_json(result), indent=2))
    else:
        print(format_table(result))
    return EXIT_CANCELLED if result.cancelled else EXIT_OK


def format_table(result: ScanResult) -> str:
    """A plain-text table a person can read (one line per device)."""
    info = result.info
    rows = [("IP", "MAC", "Vendor", "Category", "Name / model", "Open ports", "Findings")]
    for d in result.devices:
        mac = d.mac + (" (private)" if d.mac_random else "") + (" (this computer)"
                                                                 if d.is_self else "")
        name = d.label if not d.model or d.model == d.label else f"{d.label} / {d.model}"
        ports = ",".join(map(str, d.open_ports)) or ("-" if info.checks_run else "not checked")
        rows.append((d.ip, mac, terminal_safe(d.vendor or "-", 40), d.category.value,
                     terminal_safe(name, 48), ports[:40],
                     _finding_counts(d)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    status = " (cancelled)" if result.cancelled else ""
    thorough = ", thorough port checks" if info.thorough else ""
    lines.append(f"\n{len(result.devices)} devices on {info.network} via {info.interface}, "
                 f"{info.mode.value} mode ({info.mode_reason}){thorough}{status}")
    return "\n".join(lines)


def _finding_counts(device: Device) -> str:
    counts = Counter(f.severity for f in device.findings)
    return ", ".join(f"{counts[s]} {s.value}" for s in Severity if counts[s]) or "-"


def _check_options(args: argparse.Namespace, ledger: ConsentLedger | None) -> CheckOptions:
    from core.checks import CheckOptions

    return CheckOptions(consent=_consent(args),
                        on_consent_start=ledger.start if ledger else None,
                        thorough=args.thorough)


def _consent(args: argparse.Namespace) -> Consent | None:
    if not args.consent_by:
        return None
    from core.checks import consent_from_cli

    # No --network: the consent is bound to the network the scan actually covers, when known.
    return consent_from_cli(args.consent_by, args.site or UNSAVED_SITE, args.network or "")


def _scan_with_consent(request: ScanRequest, checks: CheckOptions | None,
                       ledger: ConsentLedger | None) -> ScanResult:
    """Scan; finishing, cancelling or failing ends the consent record (if one was written)."""
    if ledger is None:
        return _scan_interruptibly(request, checks)
    from core.store.records import ConsentEnd

    try:
        result = _scan_interruptibly(request, checks)
    except BaseException:
        ledger.end(ConsentEnd.FAILED)
        raise
    ledger.end(ConsentEnd.CANCELLED if result.cancelled else ConsentEnd.FINISHED)
    return result


def _save(args: argparse.Namespace, result: ScanResult, scan_uid: str,
          consent_id: int | None) -> None:
    """Store the scan under --site (created if new), linked to its consent record, if any."""
    from core.store import Store

    with Store.open(Path(args.db) if args.db else None) as store:
        site = site_for(store, args.site, result.info.network)
        scan_id = store.save_scan(site.id, result, uid=scan_uid, consent_id=consent_id)
    print(f"Scan {scan_id} saved to site {terminal_safe(site.name)!r}.", file=sys.stderr)


def _scan_interruptibly(request: ScanRequest, checks: CheckOptions | None) -> ScanResult:
    """Run the scan in a worker so Ctrl-C cancels it and still returns what was found."""
    cancel = CancelToken()
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["result"] = run_scan(request, checks, cancel)
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
