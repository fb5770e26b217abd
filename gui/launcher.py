"""The `iot-hygiene` entry point: headless subcommands go to core.cli, no arguments open the app."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    import multiprocessing

    multiprocessing.freeze_support()  # the scan's child process in a frozen (PyInstaller) build
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] not in ("--gui",):
        from core.cli import main as cli_main

        return cli_main(args)
    from gui.app import run

    return run(args[1:])


if __name__ == "__main__":
    sys.exit(main())
