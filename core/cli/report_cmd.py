"""`iot-hygiene report`: a client report (PDF, HTML, CSV or JSON) for a saved site or scan file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from core.assessment import assess_scan
from core.errors import DataFileError
from core.files import write_private
from core.models import Site
from core.report import (
    ReportContext,
    ReportData,
    render_pdf,
    render_text,
    scan_report_data,
    site_report_data,
)
from core.scan import read_scan_file
from core.store import Store

FORMATS = ("pdf", "html", "csv", "inventory-csv", "json")
LOGO_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}
MAX_LOGO = 2_000_000


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "report", help="write a client report for a saved site or a scan JSON file",
        description="Write a client report for a saved site (--site NAME: the same findings, "
        "scores and counts the window shows) or for the JSON that `scan --json` printed. "
        "csv lists findings, inventory-csv lists devices (both UTF-8 with BOM).")
    parser.add_argument("scan_json", type=Path, nargs="?", help="a scan JSON file")
    parser.add_argument("--output", "-o", type=Path,
                        help="file to write (default: stdout; required for pdf)")
    parser.add_argument("--format", choices=FORMATS, default="html")
    parser.add_argument("--site", default="",
                        help="report on this saved site (or, with a JSON file, its name)")
    parser.add_argument("--client", default="", help="client name shown in the report")
    parser.add_argument("--prepared-by", default="", help="your name, shown in the report")
    parser.add_argument("--logo", type=Path, help="a PNG or JPEG logo for the cover")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.format == "pdf" and not args.output:
        raise DataFileError("A PDF report needs a file to go to.", "Add -o FILE.pdf.")
    data = _data(args)
    if args.format == "pdf":
        _write(args.output, render_pdf(data))
    else:
        text = render_text(data, args.format)
        if args.output:
            _write(args.output, text.encode("utf-8"))
        else:
            sys.stdout.write(text)
    return 0


def _data(args: argparse.Namespace) -> ReportData:
    logo, logo_type = _logo(args.logo)
    context = ReportContext(site=args.site, client=args.client, prepared_by=args.prepared_by,
                            logo=logo, logo_type=logo_type)
    if args.scan_json is None:
        if not args.site:
            raise DataFileError("Nothing to report on.", "Give --site NAME or a scan JSON file.")
        with Store.open(Path(args.db) if args.db else None) as store:
            return site_report_data(store, store.site_by_name(args.site).id, context)
    result = read_scan_file(args.scan_json)
    context = ReportContext(site=args.site, client=args.client, prepared_by=args.prepared_by,
                            scan=result.info, logo=logo, logo_type=logo_type)
    return scan_report_data(assess_scan(result, Site(id=0, name=args.site)), context)


def _logo(path: Path | None) -> tuple[bytes, str]:
    if path is None:
        return b"", ""
    try:
        data = path.read_bytes()[:MAX_LOGO + 1]
    except OSError as error:
        raise DataFileError(f"Cannot read the logo {path}: {error.strerror}") from error
    kind = next((t for magic, t in LOGO_TYPES.items() if data.startswith(magic)), "")
    if not kind or len(data) > MAX_LOGO:
        raise DataFileError(f"{path} is not a PNG or JPEG logo under 2 MB.")
    return data, kind


def _write(path: Path, payload: bytes) -> None:
    try:
        write_private(path, payload)
    except OSError as error:
        raise DataFileError(f"Cannot write {path}: {error.strerror}") from error
    print(f"Report written to {path}", file=sys.stderr)
