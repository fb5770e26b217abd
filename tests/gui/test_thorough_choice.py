"""The scan bar's "Thorough" choice: plain words, keyboard-reachable, and it reaches the checks."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

import core.scan
from core.cancel import CancelToken
from core.checks import CheckOptions
from core.models import ArpMode, Interface, ScanInfo, ScanResult
from gui.scan_bar import ScanBar
from gui.scan_service import ProgressCallback, ReplayScanService, ScanPlan, scan_here
from tests.gui.conftest import ModalScript, WindowFactory, settle

LAN = Interface("eth0", "192.0.2.10", 24, "192.0.2.0/24", "02:00:00:00:00:01", True)


class RecordingService(ReplayScanService):
    """Replays the sample office and keeps the plan each scan was given."""

    def __init__(self) -> None:
        super().__init__(delay=0.0)
        self.plans: list[ScanPlan] = []

    def scan(self, plan: ScanPlan, cancel: CancelToken, on_progress: ProgressCallback,
             on_device: Any) -> ScanResult:
        self.plans.append(plan)
        return super().scan(plan, cancel, on_progress, on_device)


def test_the_choice_is_off_by_default_named_and_locked_while_scanning(qtbot: QtBot) -> None:
    bar = ScanBar()
    qtbot.addWidget(bar)
    check = bar.thorough_check
    assert not bar.thorough and "slower" in check.text() and "common ports" in check.text()
    assert check.accessibleName() and check.toolTip()
    check.setChecked(True)
    assert bar.thorough
    bar.set_scanning(True)
    assert not check.isEnabled()
    bar.set_scanning(False)
    assert check.isEnabled() and bar.thorough


def test_a_ticked_box_makes_a_thorough_scan_plan(qtbot: QtBot, make_window: WindowFactory,
                                                 modal: ModalScript) -> None:
    service = RecordingService()
    window = make_window(service)
    window.controller.create_site("Contractor visit")
    settle(qtbot, window)
    window.scan_bar.set_interfaces((service.interface,), service.interface.name)
    qtbot.mouseClick(window.scan_bar.thorough_check, Qt.MouseButton.LeftButton)
    window.start_scan()
    qtbot.waitUntil(lambda: bool(service.plans) and not window.scanner.running, timeout=10000)
    assert [p.thorough for p in service.plans] == [True]


@pytest.mark.parametrize("thorough", [True, False])
def test_the_plan_reaches_the_check_options(monkeypatch: pytest.MonkeyPatch,
                                            thorough: bool) -> None:
    given: list[CheckOptions | None] = []

    def fake_scan(request: Any, checks: CheckOptions | None, *_: Any) -> ScanResult:
        given.append(checks)
        return ScanResult(info=ScanInfo("eth0", LAN.network, ArpMode.KERNEL, "2026-01-01"))

    monkeypatch.setattr(core.scan, "run_scan", fake_scan)
    scan_here(ScanPlan(interface=LAN, thorough=thorough), CancelToken(), print, print)
    assert [c.thorough for c in given if c is not None] == [thorough]


def test_history_says_which_scans_were_thorough(qtbot: QtBot, make_window: WindowFactory,
                                                modal: ModalScript) -> None:
    from dataclasses import replace

    from PySide6.QtWidgets import QDialog

    from gui.history import HistoryDialog
    from tests.gui.history_helpers import history_scans, saved_site

    scans = history_scans()[:2]
    scans[1] = replace(scans[1], info=replace(scans[1].info, thorough=True))
    window = make_window()
    saved_site(window, scans)
    settle(qtbot, window)
    modes: list[str] = []

    def look(dialog: QDialog) -> int:
        assert isinstance(dialog, HistoryDialog)
        modes.extend(dialog.table.item(row, 1).text() for row in range(2))
        return int(QDialog.DialogCode.Rejected)

    modal.then(look)
    window.site_actions.history_action.trigger()
    assert modes == ["Standard, thorough", "Standard"]
