"""Entry points: `iot-hygiene` (CLI, or the app without arguments), the app, --self-test."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    import multiprocessing

    multiprocessing.freeze_support()  # the scan's child process in a frozen (PyInstaller) build
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--self-test"]:
        from gui.self_test import run_self_test

        return run_self_test()
    if args and args[0] == "scan":
        warn_if_root()
    if args and not opens_window(args[0]):
        from core.cli import main as cli_main

        if args[0] == "report":
            _install_pdf_renderer()
        return cli_main(args)
    return _run_window(args[1:] if args and args[0] == "--gui" else args)


WINDOW_OPTIONS = ("--gui", "--site", "--interface")


def opens_window(first: str) -> bool:
    """True when the first argument asks for the window: --gui, or `--site NAME [--interface
    IFACE]` (a contractor's per-client shortcut: that saved site on that network)."""
    return first.split("=", 1)[0] in WINDOW_OPTIONS


def app_main() -> int:
    """The `iot-hygiene-app` gui-script: always the window (arguments go to Qt)."""
    import multiprocessing

    multiprocessing.freeze_support()
    return _run_window(sys.argv[1:])


def _run_window(qt_args: list[str]) -> int:
    warn_if_root()
    from gui.app import run

    if _is_root():  # the window says so too, once it shows (gui.app.run reuses this QApplication)
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance() or QApplication([sys.argv[0], *qt_args])
        QTimer.singleShot(0, show_root_note)
        assert app is not None
    return run(qt_args)


def show_root_note() -> None:
    """Put the root note in every main window's status bar."""
    from PySide6.QtWidgets import QApplication, QMainWindow

    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMainWindow):
            widget.statusBar().showMessage(ROOT_NOTE)


ROOT_NOTE = ("IoT Hygiene does not need to run as root: the deep (raw ARP) scan uses its small "
             "helper program, which alone gets the right to send raw frames "
             "(see packaging/README.md). Run it as your normal user.")


def _is_root() -> bool:
    import os

    return hasattr(os, "geteuid") and os.geteuid() == 0


def warn_if_root() -> None:
    """Say once on stderr that root is not needed (IOT_HYGIENE_QUIET=1 silences it)."""
    import os

    if _is_root() and not os.environ.get("IOT_HYGIENE_QUIET"):
        print(ROOT_NOTE, file=sys.stderr)


def _install_pdf_renderer() -> None:
    """`report --format pdf` renders with Qt; core only calls the function it is given."""
    from core.report import set_pdf_renderer
    from gui.report_pdf import render_pdf

    set_pdf_renderer(render_pdf)


if __name__ == "__main__":
    sys.exit(main())
