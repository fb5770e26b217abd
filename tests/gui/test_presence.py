"""The device page's presence timeline, and business hours edited in the window."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, QPoint, Qt, QTime
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QPushButton, QToolTip
from pytestqt.qtbot import QtBot

from core.models import Category, Severity
from core.presence import OUTSIDE_HOURS_ID, BusinessHours
from gui.finding_cards import FindingCard
from gui.main_window import MainWindow
from gui.monitoring_dialog import MonitoringDialog
from gui.presence_strip import GAP, SQUARE
from gui.watch import WatchOptions, load_options, save_options
from tests.fixtures.db.builders import device, scan
from tests.gui.conftest import ModalScript, WindowFactory, settle

PC, PHONE = "a4:4c:c8:00:00:01", "da:a1:19:00:00:03"  # two computers
SCANS = (("2026-11-23T10:00:00Z", (PC, PHONE)),  # Monday, open
         ("2026-11-23T22:00:00Z", (PHONE,)),  # Monday night: only the phone
         ("2026-11-24T03:00:00Z", (PC, PHONE)),  # Tuesday night
         ("2026-11-24T11:00:00Z", (PC,)))  # Tuesday, open


UTC_HOURS = BusinessHours(timezone="UTC")


def _office(qtbot: QtBot, make_window: WindowFactory,
            hours: BusinessHours | None = UTC_HOURS) -> MainWindow:
    """A site with four saved scans and (by default) Mon-Fri 08:00-18:00 UTC hours."""
    window = make_window()
    window.controller.create_site("Office", "192.0.2.0/24")
    settle(qtbot, window)
    site = window.controller.site
    assert site is not None
    save_options(window.watch.service.folder, site.id, WatchOptions(business_hours=hours))
    made = {PC: replace(device(PC, "192.0.2.1"), category=Category.COMPUTER),
            PHONE: replace(device(PHONE, "192.0.2.3"), category=Category.COMPUTER)}
    for started, macs in SCANS:
        window.session.save_scan(site.id, scan(started, *(made[m] for m in macs), checks=False))
    window.controller.refresh()
    settle(qtbot, window)
    return window


def _low(window: MainWindow, mac: str) -> int:
    row = window.table_model.row_for(mac)
    assert row is not None
    return dict(row.open_counts).get(Severity.LOW, 0)


def _off_hours_shown(window: MainWindow) -> bool:
    details = window.device_page.details
    assert details is not None
    return any(r.finding.id == OUTSIDE_HOURS_ID for r in details.findings)


def test_the_device_page_shows_the_seen_pattern_with_words(
        qtbot: QtBot, make_window: WindowFactory) -> None:
    window = _office(qtbot, make_window)
    window.open_device(PC)
    strip = window.device_page.presence_strip
    qtbot.waitUntil(lambda: len(strip.view.marks) == 4, timeout=5000)
    assert [m.seen for m in strip.view.marks] == [True, False, True, True]
    assert [m.off_hours for m in strip.view.marks] == [False, True, True, False]
    assert strip.accessibleName() == "Presence timeline"
    description = strip.accessibleDescription()
    assert description.startswith("Seen by 3 of the last 4 scans, including the latest; on "
                                   "outside business hours in 1.")
    assert "Mon 23 Nov 22:00: not seen (outside business hours)" in description
    assert "Tue 24 Nov 03:00: seen, on outside business hours" in description
    label = window.device_page.presence_label.text()
    assert label.startswith("Seen by 3 of the last 4 scans") and "Mon, Tue" in label
    qtbot.waitUntil(lambda: strip.width() >= 4 * (SQUARE + GAP), timeout=5000)  # laid out


def test_each_square_has_a_tooltip_with_its_local_time(
        qtbot: QtBot, make_window: WindowFactory) -> None:
    window = _office(qtbot, make_window)
    window.open_device(PHONE)
    strip = window.device_page.presence_strip
    qtbot.waitUntil(lambda: len(strip.view.marks) == 4, timeout=5000)
    texts = []
    for index in range(4):
        point = QPoint(index * (SQUARE + GAP) + SQUARE // 2, SQUARE // 2)
        QApplication.sendEvent(strip, QHelpEvent(QEvent.Type.ToolTip, point,
                                                 strip.mapToGlobal(point)))
        texts.append(QToolTip.text())
    assert texts == ["Mon 23 Nov 10:00: seen", "Mon 23 Nov 22:00: seen, on outside business hours",
                     "Tue 24 Nov 03:00: seen, on outside business hours",
                     "Tue 24 Nov 11:00: not seen"]
    assert strip.mark_at(QPoint(4 * (SQUARE + GAP) + 1, 2)) is None
    assert strip.mark_at(QPoint(2, SQUARE + 5)) is None


def test_editing_business_hours_makes_the_finding_come_and_go(
        qtbot: QtBot, make_window: WindowFactory, modal: ModalScript) -> None:
    window = _office(qtbot, make_window)
    assert _low(window, PC) == 1 and _low(window, PHONE) == 1  # both on at 03:00
    window.open_device(PC)
    assert _off_hours_shown(window)

    def nights_too(dialog: QDialog) -> int:
        assert isinstance(dialog, MonitoringDialog) and dialog.hours_group.isChecked()
        dialog.start_edit.setTime(QTime(2, 0))  # 02:00-18:00: 03:00 is inside, 22:00 is not
        return int(QDialog.DialogCode.Accepted)

    modal.then(nights_too)
    window.watch.open_settings()
    settle(qtbot, window)
    assert _low(window, PC) == 0 and _low(window, PHONE) == 1  # 22:00 saw only the phone
    assert not _off_hours_shown(window)
    site_id = window.controller.site.id  # type: ignore[union-attr]
    saved = load_options(window.watch.service.folder, site_id).business_hours
    assert saved is not None and saved.start.hour == 2 and saved.timezone == "UTC"

    def no_hours(dialog: QDialog) -> int:
        assert isinstance(dialog, MonitoringDialog)
        dialog.hours_group.setChecked(False)
        return int(QDialog.DialogCode.Accepted)

    modal.then(no_hours)
    window.watch.open_settings()
    settle(qtbot, window)
    assert _low(window, PC) == 0 and _low(window, PHONE) == 0
    qtbot.waitUntil(lambda: window.device_page.presence_label.text().endswith("scans, "
                                                                              "including the "
                                                                              "latest."),
                    timeout=5000)

    def back_on(dialog: QDialog) -> int:
        assert isinstance(dialog, MonitoringDialog)
        dialog.hours_group.setChecked(True)
        dialog.start_edit.setTime(QTime(8, 0))
        return int(QDialog.DialogCode.Accepted)

    modal.then(back_on)
    window.watch.open_settings()
    settle(qtbot, window)
    assert _low(window, PC) == 1 and _off_hours_shown(window)


def test_business_hours_are_validated(qtbot: QtBot, make_window: WindowFactory,
                                      modal: ModalScript) -> None:
    window = _office(qtbot, make_window)
    problems: list[str] = []

    def broken(dialog: QDialog) -> int:
        assert isinstance(dialog, MonitoringDialog)
        dialog.end_edit.setTime(dialog.start_edit.time())
        dialog.accept()
        problems.append(dialog.error_label.text())
        dialog.end_edit.setTime(QTime(18, 0))
        for box in dialog.day_boxes:
            box.setChecked(False)
        dialog.accept()
        problems.append(dialog.error_label.text())
        assert [b.accessibleName() for b in dialog.day_boxes][:2] == ["Business day Mon",
                                                                     "Business day Tue"]
        assert dialog.start_edit.accessibleName() == "Business hours start"
        assert dialog.end_edit.accessibleName() == "Business hours end"
        return int(QDialog.DialogCode.Rejected)

    modal.then(broken)
    window.watch.open_settings()
    assert "end other than their start" in problems[0]
    assert "at least one business day" in problems[1]
    assert _low(window, PC) == 1  # nothing saved


def test_a_site_without_hours_shows_the_timeline_without_off_hours(
        qtbot: QtBot, make_window: WindowFactory) -> None:
    window = _office(qtbot, make_window, hours=None)
    assert _low(window, PC) == 0
    window.open_device(PC)
    strip = window.device_page.presence_strip
    qtbot.waitUntil(lambda: len(strip.view.marks) == 4, timeout=5000)
    assert not any(m.off_hours for m in strip.view.marks)
    assert window.device_page.presence_label.text() == (
        "Seen by 3 of the last 4 scans, including the latest.")


def test_it_must_stay_on_exempts_the_device(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = _office(qtbot, make_window)
    window.open_device(PC)
    cards = window.device_page.findChildren(FindingCard)
    off = [c for c in cards if c.isVisible() and "outside business hours" in _texts(c)]
    assert len(off) == 1
    buttons = [b for b in off[0].findChildren(QPushButton) if b.text() == "It must stay on"]
    assert len(buttons) == 1 and "Mark as fixed" not in _buttons(off[0])
    qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert not _off_hours_shown(window) and _low(window, PC) == 0
    assert _low(window, PHONE) == 1  # only that device
    site_id = window.controller.site.id  # type: ignore[union-attr]
    saved = load_options(window.watch.service.folder, site_id).business_hours
    assert saved is not None and saved.exempt_macs == (PC,)


def _texts(card: FindingCard) -> str:
    return " ".join(label.text() for label in card.findChildren(QLabel))


def _buttons(card: FindingCard) -> list[str]:
    return [b.text() for b in card.findChildren(QPushButton)]
