"""Starts the Qt application: logging to a rotating file, the crash hook and the main window."""

from __future__ import annotations

import functools
import logging
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from core.logs import LOG_FILE_NAME, close_logging, setup_logging
from core.paths import log_dir
from gui.colours import readable_links
from gui.garbage import GuiThreadGarbageCollector

if TYPE_CHECKING:
    from gui.main_window import MainWindow

log = logging.getLogger("gui")


# Worker threads (scan, save) run Python too; a short GIL switch interval lets the GUI thread
# take the GIL within ~1 ms instead of ~5 ms per hand-over, which keeps the window smooth.
GIL_SWITCH_SECONDS = 0.001


def tune_runtime() -> None:
    sys.setswitchinterval(GIL_SWITCH_SECONDS)


def handle_exception(kind: type[BaseException], exc: BaseException,
                     tb: TracebackType | None) -> None:
    """Log the bug, then show the crash dialog now; the app keeps running."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    details = _log_exception(kind, exc, tb)
    if QApplication.instance() is None:
        sys.__excepthook__(kind, exc, tb)
        return
    _show_exception(exc, details)


def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """The installed sys.excepthook: log the bug at once; the crash dialog opens from the
    event loop on the GUI thread, never inside the slot, Qt virtual or worker thread that
    raised (a modal loop there could re-enter a model in the middle of its update)."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    app = QApplication.instance()
    if app is None:
        handle_exception(kind, exc, tb)
        return
    details = _log_exception(kind, exc, tb)
    QTimer.singleShot(0, app, functools.partial(_show_exception, exc, details))


def _log_exception(kind: type[BaseException], exc: BaseException,
                   tb: TracebackType | None) -> str:
    details = "".join(traceback.format_exception(kind, exc, tb))
    log.error("unhandled exception\n%s", details)
    for handler in logging.getLogger().handlers:  # on disk before anything else can go wrong
        handler.flush()
    return details


def _show_exception(exc: BaseException, details: str) -> None:
    from gui import dialogs

    if isinstance(exc, Exception) and _is_known(exc):
        dialogs.show_error(QApplication.activeWindow(), exc)
        return
    dialogs.show_crash(QApplication.activeWindow(), details, str(log_dir() / LOG_FILE_NAME))


def _is_known(exc: Exception) -> bool:
    from core.errors import KnownError

    return isinstance(exc, KnownError)


def install_excepthook() -> None:
    sys.excepthook = excepthook


@dataclass(frozen=True)
class WindowOptions:
    """What the command line asks of the window: a saved site and a network to select."""

    site: str = ""
    interface: str = ""
    rest: tuple[str, ...] = ()  # everything else, for Qt


def window_options(argv: Sequence[str]) -> WindowOptions:
    """Read `--site NAME` and `--interface IFACE` (also as --site=NAME); the rest goes to Qt."""
    found = {"--site": "", "--interface": ""}
    rest: list[str] = []
    args = list(argv)
    while args:
        arg = args.pop(0)
        name, equals, value = arg.partition("=")
        if name in found:
            found[name] = value if equals else (args.pop(0) if args else "")
        else:
            rest.append(arg)
    return WindowOptions(found["--site"].strip(), found["--interface"].strip(), tuple(rest))


def open_window(options: WindowOptions,
                factory: Callable[[], MainWindow | None] | None = None) -> MainWindow | None:
    """The main window, shown, on the asked site and network (never starting a scan)."""
    from gui.main_window import MainWindow

    window = (factory or MainWindow.open_default)()
    if window is None:  # the reason was already shown (e.g. database written by a newer version)
        return None
    window.show()
    if options.site:
        window.open_site(options.site, options.interface)
    else:
        window.start_first_run_if_needed()
    return window


def readable_palette(app: QApplication) -> None:
    """Keep the platform's palette; only make its link colours readable (WCAG AA) if needed."""
    palette = app.palette()
    fixed = readable_links(QPalette(palette))
    if fixed != palette:
        app.setPalette(fixed)


def run(argv: Sequence[str] = ()) -> int:
    """Open the main window and run the event loop until the user quits."""
    log_path = setup_logging()
    install_excepthook()
    tune_runtime()
    options = window_options(argv)
    app = QApplication.instance() or QApplication([sys.argv[0], *options.rest])
    assert isinstance(app, QApplication)
    app.setApplicationName("IoT Hygiene")
    app.setOrganizationName("IoT Hygiene")
    app.setApplicationDisplayName("IoT Hygiene")
    readable_palette(app)
    collector = GuiThreadGarbageCollector(app)
    log.info("starting; log file %s", log_path)
    window = open_window(options)
    if window is None:
        return 1
    code = int(app.exec())
    window.shutdown()
    window.session.close()
    collector.stop()
    close_logging()
    return code
