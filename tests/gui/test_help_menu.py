"""Help has a short guide, the welcome again, the log file and About, each in plain words."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from core import __version__
from gui.welcome import WelcomeDialog
from tests.gui.conftest import ModalScript, WindowFactory, settle


def _help_actions(window: object) -> dict[str, object]:
    bar = window.menuBar()  # type: ignore[attr-defined]
    menu = next(a.menu() for a in bar.actions() if a.text() == "&Help")
    return {a.text().replace("&", ""): a for a in menu.actions() if a.text()}


def test_help_menu_shows_guide_about_and_the_welcome_again(
        qtbot: QtBot, make_window: WindowFactory, modal: ModalScript) -> None:
    window = make_window()
    window.open_sample()
    settle(qtbot, window)
    actions = _help_actions(window)
    assert set(actions) == {"A short guide", "Show the welcome again",
                            "Where is the log file?", "Load a newer vulnerability catalogue…",
                            "About IoT Hygiene"}
    actions["A short guide"].trigger()  # type: ignore[attr-defined]
    actions["About IoT Hygiene"].trigger()  # type: ignore[attr-defined]
    guide, about = modal.seen[-2:]
    assert isinstance(guide, QMessageBox) and "Scan (F5)" in guide.text()
    assert isinstance(about, QMessageBox) and __version__ in about.text()
    assert "GPL-2.0-or-later" in about.text() and "<" not in about.text()
    assert "Vulnerability catalogue in use: CISA KEV 2025.08.25 (released 2025-08-25, " \
           "1,404 entries)" in about.text()

    def new_site(dialog: QDialog) -> int:
        assert isinstance(dialog, WelcomeDialog)
        dialog.site_edit.setText("Second office")
        return int(QDialog.DialogCode.Accepted)

    modal.then(new_site)
    actions["Show the welcome again"].trigger()  # type: ignore[attr-defined]
    settle(qtbot, window)
    assert "Second office" in [s.name for s in window.session.sites()]
