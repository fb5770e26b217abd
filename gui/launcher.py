"""The `iot-hygiene` entry point: headless subcommands go to core.cli; the window otherwise."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    import multiprocessing

    multiprocessing.freeze_support()  # the scan's child process in a frozen (PyInstaller) build
    args = list(sys.argv[1:] if argv is None else argv)
    if args and not opens_window(args[0]):
        from core.cli import main as cli_main

        if args[0] == "report":
            _install_pdf_renderer()
        return cli_main(args)
    from gui.app import run

    return run(args[1:] if args and args[0] == "--gui" else args)


WINDOW_OPTIONS = ("--gui", "--site", "--interface")


def opens_window(first: str) -> bool:
    """True when the first argument asks for the window: --gui, or `--site NAME [--interface
    IFACE]` (a contractor's per-client shortcut: that saved site on that network)."""
    return first.split("=", 1)[0] in WINDOW_OPTIONS


def _install_pdf_renderer() -> None:
    """`report --format pdf` renders with Qt; core only calls the function it is given."""
    from core.report import set_pdf_renderer
    from gui.report_pdf import render_pdf

    set_pdf_renderer(render_pdf)


if __name__ == "__main__":
    sys.exit(main())
