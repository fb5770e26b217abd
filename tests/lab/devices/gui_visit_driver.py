"""Drives the real window through scans, new devices, a cancel and page edits; lab only."""

# Run INSIDE the lab's scanner namespace. One JSON line each way on stdin/stdout: {"step": ...}
# after every step (what the table, device page and changes list show, beside the saved truth),
# {"need": k} when it wants a new device k on the network (the test answers with a line once
# the device is up) and {"done": true} at the end.

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

from core.models import Severity, Tag
from gui import dialogs
from gui.garbage import GuiThreadGarbageCollector
from gui.main_window import MainWindow
from gui.models import Column, DeviceRow, DeviceTableModel
from gui.scan_service import EngineScanService
from gui.session import Session
from tests.lab.devices.gui_common import wait_for, welcome

SHOWN = (Column.NAME, Column.TAG, Column.SCORE, Column.ISSUES)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--interface", default="eth0")
    parser.add_argument("--open-mac", required=True, help="the device to tag and answer")
    parser.add_argument("--rescans", type=int, default=1,
                        help="how many times to bring a new device up and rescan")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    GuiThreadGarbageCollector(app)  # as the app does: garbage collected on the GUI thread
    window = MainWindow(Session.open(args.db), EngineScanService())
    window.resize(1366, 768)
    window.show()
    dialogs.run_modal = welcome(args.interface)  # type: ignore[assignment]
    window.start_first_run_if_needed()
    _idle(window)
    _scan(window)
    _say({"step": "scan", **_truth(window)})
    for number in range(1, args.rescans + 1):
        _say({"need": number})
        device = json.loads(sys.stdin.readline())
        started = time.monotonic()
        _scan(window)
        row = window.table_model.row_for(device["mac"])
        _say({"step": f"rescan {number}", "seconds": round(time.monotonic() - started, 1),
              "new_mac": device["mac"], "new_shown": row is not None,
              "new_live": bool(row and row.live), "new_name": row.display_name if row else "",
              **_truth(window)})
    _say({"need": args.rescans + 1})  # a device the cancelled scan finds but never saves
    unsaved = json.loads(sys.stdin.readline())["mac"]
    _say({"step": "cancelled", "unsaved_mac": unsaved, **_cancel_midway(window, unsaved),
          **_truth(window)})
    window.open_device(args.open_mac)
    page = window.device_page
    page.tag_combo.setCurrentIndex(list(Tag).index(Tag.HOME))
    page.tag_combo.activated.emit(page.tag_combo.currentIndex())
    _idle(window)
    _say({"step": "tagged", **_truth(window)})
    for value in ("no", "yes", "unsure"):
        page.wizard.answer(value)
    _idle(window)
    _say({"step": "answered", "answers": dict(page.wizard.answers), **_truth(window)})
    _say({"step": "deleted", "skipped": "no delete API in the session yet"}
         if not hasattr(window.session, "delete_device") else {"step": "deleted",
                                                               "skipped": "not driven yet"})
    window.shutdown()
    window.session.close()
    _say({"done": True})
    app.processEvents()
    return 0


def _say(message: dict[str, Any]) -> None:
    print(json.dumps(message), flush=True)


def _idle(window: MainWindow) -> None:
    wait_for(lambda: not window.busy, 120)


def _scan(window: MainWindow) -> None:
    window.show_devices()
    window.scan_button.click()
    wait_for(lambda: not window.scanner.running, 240)
    _idle(window)


def _cancel_midway(window: MainWindow, unsaved: str) -> dict[str, Any]:
    """Start a scan, cancel it once the new device `unsaved` streams in (marked live); the
    table never holds fewer rows than were saved."""
    saved_rows = window.table_model.rowCount()
    counts: list[int] = []
    watch = QTimer()
    watch.setInterval(10)
    watch.timeout.connect(lambda: counts.append(window.table_model.rowCount()))
    watch.start()
    window.show_devices()
    window.scan_button.click()
    live_seen = wait_for(lambda: bool((row := window.table_model.row_for(unsaved)) and row.live),
                      60)
    running = window.scanner.running
    window.scan_bar.cancel_button.click()
    wait_for(lambda: not window.scanner.running, 120)
    _idle(window)
    watch.stop()
    return {"saved_rows_before": saved_rows, "min_rows": min(counts, default=saved_rows),
            "live_seen": live_seen, "cancelled_while_running": running,
            "unsaved_shown_after": window.table_model.row_for(unsaved) is not None,
            "status": window.scan_bar.phase_label.text()}


def _shown(model: DeviceTableModel, position: int) -> list[str]:
    return [str(model.data(model.index(position, column))) for column in SHOWN]


def _rows(rows: list[DeviceRow]) -> dict[str, list[str]]:
    model = DeviceTableModel()
    model.set_rows(rows)
    return {row.device.mac: _shown(model, i) for i, row in enumerate(model.rows)}


DETAILS = ("ip_changes", "new_services", "ephemeral_port_changes", "info_changes",
           "unconfirmed_gone", "returned_devices")


def _details(session: Session, site_id: int) -> dict[str, list[str]]:
    """The minor changes of the last scan, by kind: the MACs they are about."""
    if len(session.store.scans(site_id)) < 2:
        return {}
    changes = session.store.changes(site_id)
    return {kind: [getattr(item, "device", item).mac for item in getattr(changes, kind)]
            for kind in DETAILS if getattr(changes, kind)}


def _truth(window: MainWindow) -> dict[str, Any]:
    """What the window shows next to what the store says (a fresh assessment)."""
    site = window.site
    assert site is not None
    session = window.session
    model = window.table_model
    table = {row.device.mac: _shown(model, i) for i, row in enumerate(model.rows)}
    saved = _rows(session.device_rows(site.id))
    report: dict[str, Any] = {
        "alive": True, "table_is_saved": table == saved,
        "table_diff": {mac: [table.get(mac), saved.get(mac)] for mac in set(table) | set(saved)
                       if table.get(mac) != saved.get(mac)},
        "live_rows": sum(1 for row in model.rows if row.live), "rows": len(model.rows),
        "changes": window.dashboard.changes_label.text().splitlines(),
        "changes_saved": list(session.dashboard(site.id).changes),
        "change_details": _details(session, site.id),
    }
    page = window.device_page
    if window.right.currentWidget() is page and page.mac:
        fresh = session.device_details(site.id, page.mac)
        shown = page.details
        report["page"] = {
            "score_shown": page.score_label.text().split("   ·   ")[0],  # then checklist status
            "score_saved": f"Score {fresh.score} / 100" if fresh.score is not None else "",
            "tab_shown": page.tabs.tabText(0),
            "tab_saved": page.tr("&Findings ({0} open)").format(sum(
                1 for f in fresh.findings if f.status == "open"
                and f.finding.severity is not Severity.INFO)),
            "tag_shown": Tag(page.tag_combo.currentData()).value, "tag_saved": fresh.tag.value,
            "details_current": shown is not None and shown.score == fresh.score
            and shown.findings == fresh.findings,
        }
    return report


if __name__ == "__main__":
    sys.exit(main())
