"""`iot-hygiene kev show|update FILE`: which known-exploited catalogue is used; load a newer one."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from core.fingerprints import kev


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "kev", help="the known-exploited vulnerabilities catalogue (CISA KEV) used by the checks",
        description="Show which CISA Known Exploited Vulnerabilities catalogue the checks use, or "
        "load a newer one (the JSON file from cisa.gov) without a new release.")
    actions = parser.add_subparsers(dest="kev_action", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="print the catalogue in use: version, date, entries")
    show.set_defaults(func=run_show)
    update = actions.add_parser(
        "update", help="check a catalogue file strictly and use it from now on",
        description="Read FILE strictly (every entry, every required field); if it is valid, "
        "copy it into the data folder. The newer of it and the bundled catalogue is used.")
    update.add_argument("file", type=Path, metavar="FILE",
                        help="known_exploited_vulnerabilities.json as published by CISA")
    update.set_defaults(func=run_update)


def run_show(args: argparse.Namespace) -> int:
    catalog = kev.load_catalog()
    print(describe(catalog))
    return 0


def run_update(args: argparse.Namespace) -> int:
    catalog = kev.install_catalog(args.file)
    print(f"Loaded: {describe(catalog)}")
    used = kev.load_catalog()
    if used.path != catalog.path:
        print(f"The bundled catalogue is newer and stays in use: {describe(used)}")
    return 0


def describe(catalog: kev.Catalog) -> str:
    return (f"KEV catalogue version {catalog.version} released {catalog.released[:10]}, "
            f"{len(catalog.vulnerabilities)} vulnerabilities ({catalog.path})")
