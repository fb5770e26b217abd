"""Drives the real window through a live scan; run INSIDE the lab's scanner namespace only."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from core.guidance import ITEM_FIELDS
from core.models import Tag
from gui import dialogs
from gui.garbage import GuiThreadGarbageCollector
from gui.main_window import MainWindow
from gui.scan_service import EngineScanService
from gui.session import Session
from tests.lab.devices.gui_common import wait_for, welcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--interface", default="eth0")
    parser.add_argument("--open-mac", required=True, help="the device to open and answer")
    parser.add_argument("--screenshots", type=Path, help="also save live-*.png here")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    GuiThreadGarbageCollector(app)  # as the app does: garbage collected on the GUI thread
    report: dict[str, Any] = {}
    window = MainWindow(Session.open(args.db), EngineScanService())
    window.resize(1366, 768)
    window.show()
    dialogs.run_modal = welcome(args.interface, report)  # type: ignore[assignment]
    window.start_first_run_if_needed()
    wait_for(lambda: not window.busy, 30)
    report["scan_enabled_after_welcome"] = window.scan_button.isEnabled()
    report["rows_before_scan"] = window.table_model.rowCount()
    report.update(_scan(window))
    report.update(_answer(window, args.open_mac))
    if args.screenshots:
        _screenshots(window, args.screenshots, args.open_mac)
    window.shutdown()
    window.session.close()
    again = MainWindow(Session.open(args.db), EngineScanService())
    wait_for(lambda: not again.busy, 30)
    row = again.table_model.row_for(args.open_mac)
    report["tag_after_restart"] = row.tag.value if row else None
    again.open_device(args.open_mac)
    details = again.device_page.details
    report["answers_after_restart"] = {  # the tag set later answers "have you marked it?"
        k: v for k, v in (details.answers if details else {}).items() if k not in ITEM_FIELDS}
    again.shutdown()
    again.session.close()
    print(json.dumps(report))
    app.processEvents()
    return 0


def _scan(window: MainWindow) -> dict[str, Any]:
    live: list[int] = []
    phases: list[str] = []
    watch = QTimer()
    watch.setInterval(50)
    watch.timeout.connect(lambda: (live.append(window.table_model.rowCount()),
                                   phases.append(window.scan_bar.phase_label.text())))
    watch.start()
    started = time.monotonic()
    window.scan_button.click()
    wait_for(lambda: not window.scanner.running, 180)
    watch.stop()
    return {"seconds": round(time.monotonic() - started, 1),
            "max_rows_while_scanning": max(live, default=0),
            "phases": sorted(set(p for p in phases if p)),
            "status": window.scan_bar.phase_label.text(),
            "devices": {r.device.mac: {"name": r.display_name, "open": dict(
                (s.value, n) for s, n in r.open_counts), "score": r.score}
                for r in window.table_model.rows}}


def _answer(window: MainWindow, mac: str) -> dict[str, Any]:
    window.open_device(mac)
    page = window.device_page
    wizard = page.wizard
    given = {}
    for value in ("yes", "no", "unsure"):
        while wizard.current_item.id in ITEM_FIELDS and not wizard.finished:
            wizard.next_button.click()  # owner, dates and tag are the record's: not this test's
        item = wizard.current_item
        wizard.answer(value)
        given[item.id] = value
    page.tag_combo.setCurrentIndex(list(Tag).index(Tag.WORK))
    page.tag_combo.activated.emit(page.tag_combo.currentIndex())
    return {"answers_given": given, "findings_on_page": page.tabs.tabText(0)}


def _screenshots(window: MainWindow, out: Path, mac: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    window.wait_until_idle()
    window.open_device(mac)
    window.device_page.tabs.setCurrentWidget(window.device_page.wizard)
    QApplication.processEvents()
    window.grab().save(str(out / "live-device-checklist.png"))
    window.device_page.tabs.setCurrentIndex(0)
    QApplication.processEvents()
    window.grab().save(str(out / "live-device-findings.png"))
    window.show_devices()
    QApplication.processEvents()
    window.grab().save(str(out / "live-main-window.png"))
    window.dashboard.grab().save(str(out / "live-dashboard.png"))


if __name__ == "__main__":
    sys.exit(main())
