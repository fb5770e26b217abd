"""`iot-hygiene --self-test`: prove an installed copy works, without the network or user data."""

# Opens the main window offscreen on a throw-away database, loads the sample office, shows one
# device's page, renders the client report as HTML and as PDF, then exits 0 — or prints the step
# that failed and exits 1. Nothing is scanned (the sample is a recording) and the user's data
# folder, log folder, settings and keychain are never touched: all point into a temporary folder.

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

TIMEOUT = 30.0  # seconds any one step may take


class SelfTestError(Exception):
    """A step of the self-test failed; the message says which and why."""


def _say(line: str) -> None:
    print(line, flush=True)  # a watcher times each step as it is printed


def run_self_test(out: Callable[[str], None] = _say) -> int:
    """Run every step; 0 when all passed, 1 with the reason printed otherwise."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="iot-hygiene-self-test-") as folder:
        _isolate(Path(folder))
        try:
            _steps(Path(folder), out)
        except Exception as exc:  # report anything, a bug included, as a failed self-test
            reason = str(exc) if isinstance(exc, SelfTestError) else "".join(
                traceback.format_exception(type(exc), exc, exc.__traceback__))
            out(f"self-test FAILED: {reason}")
            return 1
    out(f"self-test passed in {time.monotonic() - started:.1f} s")
    return 0


def _isolate(folder: Path) -> None:
    """Every path the app writes goes into `folder`; the window is offscreen; no keychain."""
    os.environ["IOT_HYGIENE_DATA_DIR"] = str(folder / "data")
    os.environ["IOT_HYGIENE_LOG_DIR"] = str(folder / "log")
    os.environ.pop("IOT_HYGIENE_DB", None)
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"


def _steps(folder: Path, out: Callable[[str], None]) -> None:
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from core import __version__
    from core.report import ReportContext, site_report, site_report_data
    from gui import dialogs
    from gui.main_window import MainWindow
    from gui.report_pdf import render_pdf
    from gui.scan_service import ReplayScanService
    from gui.session import Session

    out(f"IoT Hygiene {__version__} self-test (Python {sys.version.split()[0]}, "
        f"data in {folder})")
    qInstallMessageHandler(_quiet_offscreen)
    app = QApplication.instance() or QApplication([sys.argv[0], "-platform", "offscreen"])
    assert isinstance(app, QApplication)

    def refuse_dialog(dialog: object) -> int:  # a dialog would wait for a user forever
        text = getattr(dialog, "text", lambda: "")()
        raise SelfTestError(f"the window showed a dialog: {dialog.__class__.__name__} {text}")

    dialogs.run_modal = refuse_dialog  # type: ignore[assignment]
    session = Session.open(folder / "data" / "hygiene.sqlite3")
    window = MainWindow(session, ReplayScanService(delay=0.0))
    try:
        window.show()
        _wait(app, window.isVisible, "the main window did not show")
        out("ok  main window shown")
        window.open_sample()
        _wait(app, lambda: not window.busy and window.site is not None
              and window.table_model.rowCount() > 0, "the sample office did not load")
        site = window.site
        assert site is not None
        rows = list(window.table_model.rows)
        out(f"ok  sample office loaded: {len(rows)} devices")
        worst = rows[0].device.mac
        window.open_device(worst)
        _wait(app, lambda: window.right.currentWidget() is window.device_page,
              "the device page did not open")
        if window.grab().isNull():
            raise SelfTestError("the window could not be drawn")
        out(f"ok  device page drawn for {rows[0].display_name}")
        html = site_report(session.store, site.id, "html")
        if not html.startswith("<!DOCTYPE html>") or site.name not in html:
            raise SelfTestError("the HTML report is incomplete")
        pdf = render_pdf(site_report_data(session.store, site.id, ReportContext()))
        if not pdf.startswith(b"%PDF") or len(pdf) < 2000:
            raise SelfTestError("the PDF report is empty")
        out(f"ok  report rendered: HTML {len(html):,} characters, PDF {len(pdf):,} bytes")
    finally:
        window.shutdown()
        window.close()
        session.close()
        app.processEvents()


def _quiet_offscreen(mode: object, context: object, message: str) -> None:
    """Qt's own messages: the offscreen platform's "does not support" notes are expected."""
    if "This plugin does not support" not in message:
        print(f"qt: {message}", file=sys.stderr)


def _wait(app: object, ready: Callable[[], bool], failure: str) -> None:
    from PySide6.QtCore import QCoreApplication, QEventLoop

    deadline = time.monotonic() + TIMEOUT
    while not ready():
        if time.monotonic() > deadline:
            raise SelfTestError(f"{failure} within {TIMEOUT:.0f} s")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)
