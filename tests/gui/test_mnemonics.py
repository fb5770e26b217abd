"""No two things the user can reach at once in a window or dialog share an Alt+letter mnemonic."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator

from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QGroupBox,
    QLabel,
    QMenu,
    QMenuBar,
    QTabBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from gui.consent_dialog import ConsentDialog
from gui.main_window import MainWindow
from gui.scan_service import ReplayScanService
from gui.welcome import WelcomeDialog
from tests.gui.conftest import ModalScript, WindowFactory, settle


def mnemonic(text: str) -> str:
    """The letter after a single '&' ("&&" is a literal ampersand), casefolded; "" if none."""
    position = 0
    while position < len(text) - 1:
        if text[position] == "&":
            if text[position + 1] != "&":
                return text[position + 1].casefold()
            position += 1
        position += 1
    return ""


def _texts(widget: QWidget) -> Iterator[str]:
    if isinstance(widget, QAbstractButton) or (isinstance(widget, QLabel)
                                               and widget.buddy() is not None):
        yield widget.text()
    elif isinstance(widget, QGroupBox):
        yield widget.title()
    elif isinstance(widget, QTabBar):
        yield from (widget.tabText(i) for i in range(widget.count()) if widget.isTabVisible(i))
    elif isinstance(widget, QMenuBar):
        yield from (a.text() for a in widget.actions() if a.isVisible())


def reachable_mnemonics(root: QWidget) -> dict[str, list[str]]:
    """Letter -> the texts that use it, among the widgets of `root` shown right now (a hidden
    widget's mnemonic is not active, so pages of a stack or tabs are looked at one by one)."""
    found: dict[str, list[str]] = defaultdict(list)
    for widget in (root, *root.findChildren(QWidget)):
        if widget is not root and (not widget.isVisibleTo(root) or widget.window() is not root):
            continue
        for text in _texts(widget):
            if letter := mnemonic(text):
                found[letter].append(text)
    return found


def clashes(root: QWidget, where: str) -> list[str]:
    return [f"{where}: Alt+{letter.upper()} is {texts}"
            for letter, texts in reachable_mnemonics(root).items() if len(texts) > 1]


def menu_clashes(window: QWidget) -> list[str]:
    """Within each menu (its own scope while it is open)."""
    problems = []
    for menu in window.findChildren(QMenu):
        letters: dict[str, list[str]] = defaultdict(list)
        for action in menu.actions():
            if action.isVisible() and (letter := mnemonic(action.text())):
                letters[letter].append(action.text())
        problems += [f"menu {menu.title()}: Alt+{k.upper()} is {v}"
                     for k, v in letters.items() if len(v) > 1]
    return problems


def _window_states(window: MainWindow) -> Iterator[str]:
    """Show each state of the window in turn (devices; scanning; each tab of a device page)."""
    window.show_devices()
    yield "devices"
    window.scan_bar.set_scanning(True)
    yield "devices while scanning"
    window.scan_bar.set_scanning(False)
    window.open_device(window.table_model.rows[0].device.mac)
    page = window.device_page
    for index in range(page.tabs.count()):
        page.tabs.setCurrentIndex(index)
        page.wizard.go(0)
        yield f"device page, tab {page.tabs.tabText(index)!r}"


def test_mnemonic_parsing() -> None:
    assert mnemonic("Notes && &owner") == "o"
    assert mnemonic("Rock && roll") == ""
    assert mnemonic("S&ite:") == "i"


def test_the_main_window_has_no_mnemonic_clash(qtbot: QtBot, make_window: WindowFactory,
                                               modal: ModalScript) -> None:
    window = make_window(ReplayScanService(delay=0.0))
    window.open_sample()
    settle(qtbot, window)
    assert window.table_model.rowCount() > 0
    problems = menu_clashes(window)
    for state in _window_states(window):
        QApplication.processEvents()
        problems += clashes(window, state)
    assert problems == [], "\n".join(problems)


def _dialogs(parent: QWidget) -> list[tuple[str, Callable[[], QDialog]]]:
    service = ReplayScanService(delay=0.0)
    return [("welcome", lambda: WelcomeDialog(service.interfaces(), parent)),
            ("consent", lambda: ConsentDialog("Acme", service.interface.network, parent))]


def test_dialogs_have_no_mnemonic_clash(qtbot: QtBot, make_window: WindowFactory,
                                        modal: ModalScript) -> None:
    window = make_window()
    problems: list[str] = []
    for name, build in _dialogs(window):
        dialog = build()
        qtbot.addWidget(dialog)
        dialog.show()
        QApplication.processEvents()
        problems += clashes(dialog, name)
        dialog.close()
    assert problems == [], "\n".join(problems)
