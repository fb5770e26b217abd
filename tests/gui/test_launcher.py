"""`iot-hygiene --site NAME --interface IFACE` opens the window there; F5 scans it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from pytestqt.qtbot import QtBot

from core.store import Store
from gui import app, launcher
from gui.main_window import MainWindow
from gui.scan_service import ReplayScanService
from gui.session import Session
from tests.fixtures.db.builders import device, scan
from tests.gui.conftest import ModalScript, close_window, settle
from tests.gui.history_helpers import NETWORK, at

RECORDING = scan(at(0, 10), device("aa:bb:cc:00:00:01", "192.0.2.1"),
                 device("aa:bb:cc:00:00:02", "192.0.2.2"), network=NETWORK)


@pytest.mark.parametrize(("args", "window"), [
    (["--site", "Acme", "--interface", "eth1"], True),
    (["--site=Acme"], True),
    (["--interface", "eth1"], True),
    (["--gui"], True),
    ([], True),
    (["scan", "--site", "Acme"], False),
    (["--db", "x.sqlite3", "sites"], False),
])
def test_the_launcher_routes_window_options_to_the_window(
        monkeypatch: pytest.MonkeyPatch, args: list[str], window: bool) -> None:
    calls: list[tuple[str, list[str]]] = []
    monkeypatch.setattr(app, "run", lambda argv: calls.append(("gui", list(argv))) or 0)
    import core.cli

    monkeypatch.setattr(core.cli, "main", lambda argv: calls.append(("cli", list(argv))) or 0)
    assert launcher.main(args) == 0
    expected = args[1:] if args[:1] == ["--gui"] else args
    assert calls == [("gui" if window else "cli", expected)]


def test_window_options_are_read_and_the_rest_goes_to_qt() -> None:
    options = app.window_options(["--site", "Acme  Dental", "-style", "fusion",
                                  "--interface=eth1"])
    assert (options.site, options.interface, options.rest) == ("Acme  Dental", "eth1",
                                                               ("-style", "fusion"))
    assert app.window_options([]) == app.WindowOptions()


def _prepare(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.create_site("Acme Dental", networks=[NETWORK])
        store.create_site("Other")


def _window_factory(qtbot: QtBot, db_path: Path, made: list[MainWindow]) -> MainWindow:
    window = MainWindow(Session.open(db_path), ReplayScanService(RECORDING, delay=0.0))
    qtbot.addWidget(window)
    made.append(window)
    return window


def test_site_option_opens_that_site_on_that_network_without_scanning(
        qtbot: QtBot, db_path: Path, modal: ModalScript) -> None:
    _prepare(db_path)
    made: list[MainWindow] = []
    options = app.WindowOptions(site="acme dental", interface="eth0")
    window = app.open_window(options, lambda: _window_factory(qtbot, db_path, made))
    try:
        assert window is not None
        settle(qtbot, window)
        assert window.site is not None and window.site.name == "Acme Dental"
        assert window.scan_bar.interface is not None
        assert window.scan_bar.interface.name == "eth0"
        assert not window.scanner.running and window.session.scans(window.site.id) == ()
        assert window.settings.last_interface == "eth0"
        assert modal.seen == []  # no welcome, no error
        f5 = [a for a in window.findChildren(QAction) if a.shortcut() == QKeySequence("F5")]
        assert len(f5) == 1
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
        qtbot.keyClick(window, Qt.Key.Key_F5)
        qtbot.waitUntil(lambda: len(window.session.scans(window.site.id)) == 1,
                        timeout=10_000)
        settle(qtbot, window)
        assert window.table_model.rowCount() == 2
    finally:
        for built in made:
            close_window(built)


@pytest.mark.parametrize(("site", "interface", "words"), [
    ("Nowhere", "eth0", "There is no site called 'Nowhere'"),
    ("Acme Dental", "wlan9", "There is no network called wlan9"),
])
def test_an_unknown_site_or_network_is_explained(
        qtbot: QtBot, db_path: Path, modal: ModalScript, site: str, interface: str,
        words: str) -> None:
    _prepare(db_path)
    made: list[MainWindow] = []
    window = app.open_window(app.WindowOptions(site, interface),
                             lambda: _window_factory(qtbot, db_path, made))
    try:
        assert window is not None
        settle(qtbot, window)
        assert words in modal.seen[-1].text()
        assert window.session.scans(window.site.id if window.site else 0) == ()
        assert not window.scanner.running
    finally:
        for built in made:
            close_window(built)
