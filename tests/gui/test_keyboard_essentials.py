"""The sample office camera's essentials can be finished from the keyboard alone."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from core.guidance import ITEM_FIELDS, AnswerType
from tests.gui.conftest import WindowFactory, settle

CAMERA_MAC = "c0:56:e3:44:21:0b"
ALT = Qt.KeyboardModifier.AltModifier


def test_camera_essentials_by_keyboard(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window()
    window.open_sample()
    settle(qtbot, window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    window.open_device(CAMERA_MAC)
    page = window.device_page
    wizard = page.wizard
    qtbot.keyClick(page.tabs, Qt.Key.Key_K, ALT)  # Chec&klist
    assert page.tabs.currentWidget() is wizard
    started, keys = time.perf_counter(), 1
    while not wizard.finished:
        item = wizard.current_item
        assert item is not None
        if ITEM_FIELDS.get(item.id) == "tag":
            qtbot.keyClick(wizard, Qt.Key.Key_W, ALT)  # &Work
            qtbot.waitUntil(lambda i=item: wizard.current_item != i or bool(wizard.finished))
            keys += 1
        elif item.answer_type is AnswerType.CHOICE:
            qtbot.keyClick(wizard, Qt.Key.Key_Y, ALT)  # &Yes (a mnemonic clicks after ~100 ms)
            qtbot.waitUntil(lambda i=item: wizard.current_item != i or bool(wizard.finished))
            keys += 1
        else:
            edit = wizard.date_edit if item.answer_type is AnswerType.DATE else wizard.text_edit
            edit.setFocus()
            text = "2030" if item.answer_type is AnswerType.DATE else "Office manager"
            qtbot.keyClicks(edit, text)
            qtbot.keyClick(edit, Qt.Key.Key_Return)
            keys += len(text) + 2
        assert keys < 200, f"the keyboard did not move the wizard on: {item.id}"
    elapsed = time.perf_counter() - started
    assert wizard.finished == "essentials"
    print(f"camera essentials: {len(wizard.plan.essentials) if wizard.plan else 0} questions, "
          f"{keys} key presses, {elapsed:.2f} s")
