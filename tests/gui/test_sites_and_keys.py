"""Sites can be created, renamed and switched; the device list works from the keyboard."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QInputDialog
from pytestqt.qtbot import QtBot

from gui.main_window import SAMPLE_SITE_NAME
from gui.network_roles import NewSiteDialog
from tests.gui.conftest import ModalScript, WindowFactory, settle


def _type_name(name: str) -> object:
    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue(name)
        return int(QDialog.DialogCode.Accepted)
    return answer


def _new_site(name: str) -> object:
    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, NewSiteDialog)
        dialog.name_edit.setText(name)
        dialog.ok_button.click()
        return int(dialog.result())
    return answer


def test_create_rename_and_switch_sites(qtbot: QtBot, make_window: WindowFactory,
                                        modal: ModalScript) -> None:
    window = make_window()
    window.open_sample()
    settle(qtbot, window)
    modal.then(_new_site("Acme Dental"))
    window.new_site()
    settle(qtbot, window)
    assert window.site is not None and window.site.name == "Acme Dental"
    assert window.table_model.rowCount() == 0
    modal.then(_type_name("Acme Dental, Main Street"))
    window.rename_site()
    settle(qtbot, window)
    names = [window.site_combo.itemText(i) for i in range(window.site_combo.count())]
    assert "Acme Dental, Main Street" in names and "Acme Dental" not in names
    window.site_combo.setCurrentIndex(names.index(SAMPLE_SITE_NAME))
    window.site_combo.activated.emit(window.site_combo.currentIndex())
    settle(qtbot, window)
    assert window.site.name == SAMPLE_SITE_NAME and window.table_model.rowCount() == 12
    modal.then(_new_site("acme dental, main street"))  # names ignore case: refused
    window.new_site()
    dialog = modal.seen[-1]
    assert isinstance(dialog, NewSiteDialog) and "already exists" in dialog.problem_label.text()
    assert dialog.name_edit.text() == "acme dental, main street", "what was typed is kept"
    assert len(window.session.sites()) == 2


def test_keyboard_search_open_and_back(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window()
    window.open_sample()
    settle(qtbot, window)
    window.activateWindow()
    window.device_table.setFocus()
    qtbot.keyClick(window.device_table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.devices.search.hasFocus()
    qtbot.keyClicks(window.devices.search, "printer")
    assert window.devices.proxy.rowCount() == 1
    window.device_table.setFocus()
    window.device_table.setCurrentIndex(window.devices.proxy.index(0, 1))
    qtbot.keyClick(window.device_table, Qt.Key.Key_Return)
    assert window.right.currentWidget() is window.device_page
    assert window.device_page.name_label.text() == "Front office printer"
    qtbot.keyClick(window.device_page, Qt.Key.Key_Escape)
    assert window.right.currentWidget() is window.devices
