"""Screen readers can name every control; long names elide and the window stays narrow."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QHeaderView,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTabBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from core.store import Store
from gui.main_window import MainWindow
from tests.fixtures.db.builders import device, finding, scan
from tests.gui.conftest import ModalScript, WindowFactory, settle
from tests.gui.test_mnemonics import _dialogs, _window_states

MAC = "c0:56:e3:00:00:01"
LONG = ("Reception camera above the front door next to the plant " * 5)[:200]
INTERACTIVE = (QAbstractButton, QComboBox, QLineEdit, QAbstractSpinBox, QPlainTextEdit,
               QAbstractItemView)


def _window(qtbot: QtBot, make_window: WindowFactory, db: Path) -> MainWindow:
    with Store.open(db) as store:
        site = store.create_site(LONG, networks=("192.0.2.0/24",),
                                 work_networks=("192.0.2.0/24",))
        store.save_scan(site.id, scan("2026-02-01T10:00:00Z", device(
            MAC, "192.0.2.5", findings=(finding("telnet-open", port=23),))))
        store.update_device(site.id, MAC, label=LONG)
    window = make_window()
    settle(qtbot, window)
    return window


def _unnamed(root: QWidget) -> list[str]:
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or isinstance(widget, QHeaderView) \
                or not widget.isVisibleTo(root):
            continue  # a header is part of its table, which is named
        if type(widget).__name__.startswith("Q") and widget.objectName().startswith("qt_"):
            continue  # Qt's own parts (scroll bar buttons, tab scrollers) are named by Qt
        interface = QAccessible.queryAccessibleInterface(widget)
        name = interface.text(QAccessible.Text.Name) if interface is not None else ""
        if not (name or widget.accessibleName()).strip():
            missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    for bar in root.findChildren(QTabBar):
        if bar.isVisibleTo(root):
            missing += [f"tab {i} of {bar.parent().objectName()!r}" for i in range(bar.count())
                        if bar.isTabVisible(i) and not bar.tabText(i).replace("&", "").strip()]
    return missing


def _every_question(window: MainWindow) -> list[str]:
    """Each checklist question in turn: choice, text, date and tag answers show other controls."""
    wizard, missing = window.device_page.wizard, []
    window.device_page.tabs.setCurrentWidget(wizard)
    for index in range(len(wizard._items)):
        wizard.go(index)
        missing += [f"question {wizard._items[index].id}: {m}" for m in _unnamed(window)]
    return missing


def test_every_window_state_and_dialog_names_its_controls(
        qtbot: QtBot, make_window: WindowFactory, modal: ModalScript) -> None:
    window = make_window()
    window.open_sample()
    settle(qtbot, window)
    missing: list[str] = []
    for state in _window_states(window):
        missing += [f"{state}: {m}" for m in _unnamed(window)]
    missing += _every_question(window)
    window.show_devices()
    seen: list[str] = []

    def check(dialog: QDialog) -> int:
        seen.append(type(dialog).__name__)
        missing.extend(f"{type(dialog).__name__}: {m}" for m in _unnamed(dialog))
        return int(QDialog.DialogCode.Rejected)

    actions = [window.site_actions.history_action, window.watch.settings_action,
               *(a for menu in window.menuBar().findChildren(QMenu) for a in menu.actions()
                 if a.text().replace("&", "").startswith(
                     ("New site", "Rename site", "Networks", "Report", "Delete site",
                      "A short guide", "Show the welcome", "Where is the log", "About")))]
    for action in actions:
        modal.then(check)
        action.trigger()
        settle(qtbot, window)
    for name, build in _dialogs(window):
        dialog = build()
        qtbot.addWidget(dialog)
        missing += [f"{name}: {m}" for m in _unnamed(dialog)]
    assert len(seen) >= 9, seen
    assert missing == [], "\n".join(missing)


def test_every_control_has_an_accessible_name(qtbot: QtBot, make_window: WindowFactory,
                                              db_path: Path) -> None:
    window = _window(qtbot, make_window, db_path)
    assert _unnamed(window) == [], _unnamed(window)
    window.open_device(MAC)
    page = window.device_page
    for tab in range(page.tabs.count()):
        page.tabs.setCurrentIndex(tab)
        assert _unnamed(window) == [], page.tabs.tabText(tab)


def test_long_names_elide_and_keep_the_window_narrow(qtbot: QtBot, make_window: WindowFactory,
                                                     db_path: Path) -> None:
    window = _window(qtbot, make_window, db_path)
    assert window.minimumSizeHint().width() < 1024
    widths = [window.minimumSizeHint().width()]
    window.open_device(MAC)
    page = window.device_page
    for tab in range(page.tabs.count()):
        page.tabs.setCurrentIndex(tab)
        qtbot.wait(1)
        assert window.minimumSizeHint().width() < 1024, page.tabs.tabText(tab)
        widths.append(window.minimumSizeHint().width())
    print(f"minimum window width with a 200-character name: {max(widths)} px")
    assert page.name_label.full_text == LONG
    window.resize(1024, 700)
    qtbot.wait(1)
    assert page.name_label.text_shown().endswith("…")
    assert page.name_label.toolTip() == LONG
