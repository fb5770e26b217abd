"""`iot-hygiene score`: device and site scores with the next best actions, from the assessment."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from core.assessment import DeviceAssessment, SiteAssessment, assess_scan, assess_site
from core.cli.text import terminal_safe
from core.errors import DataFileError
from core.models import Site
from core.scan import read_scan_file
from core.store import Store


def register(subparsers: Any) -> None:
    score = subparsers.add_parser(
        "score", help="score a saved site or a scan JSON file and list the next best actions",
        description="Score each device (findings, tags, dates and checklist answers for a saved "
        "site; findings alone for a scan JSON file) and list the actions that raise the site "
        "score most. The numbers are the ones the window and the report show.")
    score.add_argument("scan_json", type=Path, nargs="?",
                       help="the file `iot-hygiene scan --json` wrote")
    score.add_argument("--site", default="", metavar="NAME", help="score this saved site")
    score.add_argument("--work-network", action="append", default=[], metavar="CIDR",
                       help="with a scan JSON file: a network the site uses for work")
    score.add_argument("--guest-network", action="append", default=[], metavar="CIDR",
                       help="with a scan JSON file: a network for guests' devices")
    score.add_argument("--home-network", action="append", default=[], metavar="CIDR",
                       help="with a scan JSON file: a network for home (personal) devices")
    score.add_argument("--actions", type=int, default=5, help="how many next actions to list")
    score.set_defaults(func=run_score)


def run_score(args: argparse.Namespace) -> int:
    for line in describe(_assessment(args)):
        print(line)
    return 0


def describe(site: SiteAssessment) -> list[str]:
    """Scores, open issues and next best actions as plain terminal lines."""
    lines = []
    for device in site.devices:
        issues = ", ".join(f"{n} {s.value}" for s, n in device.open_counts) or "no open issues"
        value = "  -" if device.score_value is None else f"{device.score_value:3d}"
        lines.append(f"{value}/100  {terminal_safe(device.name)}  [{issues}]{_note(device)}")
    total = "-" if site.score.value is None else str(site.score.value)
    counts = ", ".join(f"{n} {s.value}" for s, n in site.severity_counts) or "no open issues"
    lines.append(f"\nSite: {total}/100 over {site.score.device_count} devices; {counts}")
    if site.actions:
        lines.append("\nNext best actions:")
        lines += [f"{n}. {terminal_safe(a.summary)}" for n, a in enumerate(site.actions, 1)]
    return lines


def _note(device: DeviceAssessment) -> str:
    if device.is_self:
        return " (the scanning computer: not scored)"
    if not device.in_latest_scan:
        return (" (not in the latest scan: kept counted in the site score)" if device.scored
                else " (not in the latest scan: not counted in the site score)")
    return " (held at the cap: critical problem open)" if device.score.capped else ""


def _assessment(args: argparse.Namespace) -> SiteAssessment:
    limit = max(0, args.actions)
    if args.scan_json is None:
        if not args.site:
            raise DataFileError("Nothing to score.", "Give --site NAME or a scan JSON file.")
        with Store.open(args.db or None) as store:
            return assess_site(store, store.site_by_name(args.site).id, action_limit=limit)
    result = read_scan_file(args.scan_json)
    site = Site(id=0, name=args.site, work_networks=tuple(args.work_network),
                guest_networks=tuple(args.guest_network), home_networks=tuple(args.home_network))
    return assess_scan(result, site, action_limit=limit)
