"""`iot-hygiene report`: turn a saved scan JSON into an HTML page or a findings CSV for a client."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from core.assessment import assess_scan
from core.errors import DataFileError
from core.files import write_private
from core.models import Site
from core.report import ReportContext, findings_csv, html_report
from core.scan import read_scan_file


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "report", help="write a client report (HTML or CSV) for a site or a scan JSON file",
        description="Write a client report for a saved site (--site NAME: its latest scan, "
        "without the findings marked fixed) or from the JSON that `scan --json` printed.")
    parser.add_argument("scan_json", type=Path, nargs="?", help="a scan JSON file")
    parser.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")
    parser.add_argument("--format", choices=("html", "csv"), default="html")
    parser.add_argument("--site", default="",
                        help="report on this saved site (or, with a JSON file, its name)")
    parser.add_argument("--client", default="", help="client name shown in the report")
    parser.add_argument("--prepared-by", default="", help="your name, shown in the report")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.scan_json is None:
        if not args.site:
            raise DataFileError("Nothing to report on.", "Give --site NAME or a scan JSON file.")
        text = _site_text(args)
    else:
        text = _json_text(args)
    if args.output:
        write_private(args.output, text)
        print(f"Report written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _site_text(args: argparse.Namespace) -> str:
    from core.report import site_report
    from core.store import Store

    store = Store.open(Path(args.db) if args.db else None)
    try:
        site = store.site_by_name(args.site)
        return site_report(store, site.id, args.format, args.prepared_by)
    finally:
        store.close()


def _json_text(args: argparse.Namespace) -> str:
    result = read_scan_file(args.scan_json)
    assessment = assess_scan(result, Site(id=0, name=args.site))
    context = ReportContext(site=args.site, client=args.client, prepared_by=args.prepared_by,
                            scan=result.info)
    if args.format == "csv":
        return findings_csv(assessment, context)
    return html_report(assessment, context)
