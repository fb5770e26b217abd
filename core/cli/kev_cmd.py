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
        description="Read FILE strictly (every entry, every required field); if it is valid "
        "and not older than the catalogue in use, copy it into the data folder and use it.")
    update.add_argument("file", type=Path, metavar="FILE",
                        help="known_exploited_vulnerabilities.json as published by CISA")
    update.set_defaults(func=run_update)


def run_show(args: argparse.Namespace) -> int:
    catalog = kev.load_catalog()
    print(describe(catalog))
    return 0


def run_update(args: argparse.Namespace) -> int:
    update = kev.update_catalog(args.file)
    if update.installed:
        print(f"Loaded: {describe(update.in_use)}")
    else:
        print(f"Not loaded: {update.describe()}\nIn use: {describe(update.in_use)}")
    return 0


def describe(catalog: kev.Catalog) -> str:
    return (f"KEV catalogue version {catalog.version} released {catalog.released[:10]}, "
            f"{len(catalog.vulnerabilities)} vulnerabilities ({catalog.path})")
