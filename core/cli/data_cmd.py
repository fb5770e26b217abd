"""`iot-hygiene check-data [DIR]`: run every data-file reader and name the first fault."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from core.datafiles.check import check_data
from core.paths import resource


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check-data", help="check the data files (checklists, findings, rules, credentials ...)",
        description="Read every data file strictly: checklists, the finding catalogue, "
        "references, identification rules, credentials, vendor names and the sample office. "
        "Prints one line per good file; stops at the first bad one, naming the file, the item "
        "and the key.")
    parser.add_argument("dir", type=Path, nargs="?", metavar="DIR",
                        help="a folder laid out like resources/ (default: the bundled data)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    root: Path = args.dir or resource()
    count = 0
    for checked in check_data(root):
        print(f"ok  {checked.name} ({checked.summary})", flush=True)
        count += 1
    print(f"{count} data files in {root} are valid.")
    return 0
