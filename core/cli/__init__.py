"""Headless command line: parses arguments and hands each subcommand to its own module."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from core import __version__
from core.cli.exit_codes import EXIT_BUG, EXIT_CANCELLED, EXIT_ERROR, EXIT_OK, EXIT_USAGE
from core.cli.text import safe_output
from core.errors import KnownError
from core.logs import log_file, setup_logging

log = logging.getLogger(__name__)

# Each module listed here exposes `register(subparsers)`; it sets `func(args) -> int` as default.
SUBCOMMAND_MODULES: tuple[str, ...] = (
    "core.cli.report_cmd",
    "core.cli.checklist_cmd",
    "core.cli.score_cmd",
    "core.cli.store_cmds",
    "core.cli.scan_cmd",
    "core.cli.data_cmd",
    "core.cli.watch_cmd",
    "core.cli.kev_cmd",
)

# Which module registers each command: a run imports only its own command's module, so a
# `scan` does not pay for the store, the reports and the checks it does not use.
COMMAND_MODULES: dict[str, str] = {
    "report": "core.cli.report_cmd",
    "checklist": "core.cli.checklist_cmd",
    "score": "core.cli.score_cmd",
    **dict.fromkeys(("sites", "site", "devices", "history", "changes", "export", "import"),
                    "core.cli.store_cmds"),
    "scan": "core.cli.scan_cmd",
    "interfaces": "core.cli.scan_cmd",
    "check-data": "core.cli.data_cmd",
    "watch": "core.cli.watch_cmd",
    "kev": "core.cli.kev_cmd",
}

__all__ = ["COMMAND_MODULES", "EXIT_BUG", "EXIT_CANCELLED", "EXIT_ERROR", "EXIT_OK", "EXIT_USAGE",
           "build_parser", "main"]


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line; with `argv`, only the module of the command it names (if any)."""
    parser = argparse.ArgumentParser(
        prog="iot-hygiene",
        description="Find every device on your network and make each one safe. "
        "With no command, the desktop app opens.",
    )
    parser.add_argument("--version", action="version", version=f"iot-hygiene {__version__}")
    parser.add_argument("--db", help="database file (default: per-user data folder)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    command = _command_in(argv) if argv is not None else None
    modules = (COMMAND_MODULES[command],) if command in COMMAND_MODULES else SUBCOMMAND_MODULES
    for name in modules:
        importlib.import_module(name).register(subparsers)
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    """The command `argv` names after the top-level options, None if there is none."""
    top = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    top.add_argument("--db")
    try:
        rest = top.parse_known_args(list(argv))[1]
    except (argparse.ArgumentError, SystemExit):  # the full parser will say what is wrong
        return None
    return rest[0] if rest and not rest[0].startswith("-") else None


def main(argv: Sequence[str] | None = None) -> int:
    """Run one headless command; returns the process exit code. All output is terminal-safe."""
    with safe_output():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    _start_logging()
    try:
        return int(args.func(args)) or EXIT_OK
    except KnownError as error:
        print(f"iot-hygiene: {error.message}", file=sys.stderr)
        if error.hint:
            print(f"  {error.hint}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("iot-hygiene: cancelled", file=sys.stderr)
        return EXIT_CANCELLED
    except Exception as error:  # a bug: say where the details are instead of a bare traceback
        log.exception("command %s failed", args.command)
        print(f"iot-hygiene: unexpected error ({type(error).__name__}: {error}). "
              f"Details are in {log_file()}", file=sys.stderr)
        return EXIT_BUG


def _start_logging() -> None:
    try:
        setup_logging()
    except OSError as error:  # a read-only home must not stop a scan
        print(f"iot-hygiene: not logging to a file ({error})", file=sys.stderr)
