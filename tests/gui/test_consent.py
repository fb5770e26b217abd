"""Consent for password checks: recorded with who and scope, visible, and used for one scan."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from core.cancel import CancelToken
from core.errors import ConfirmationNeededError
from core.models import ScanResult
from gui.consent_dialog import ConsentDialog
from gui.scan_service import ReplayScanService, ScanPlan
from tests.gui.conftest import ModalScript, WindowFactory, settle


class RecordingService(ReplayScanService):
    """The sample replay, remembering every plan it was asked to scan."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.plans: list[ScanPlan] = []

    def scan(self, plan: ScanPlan, cancel: CancelToken, on_progress: Any,
             on_device: Any) -> ScanResult:
        self.plans.append(plan)
        return super().scan(plan, cancel, on_progress, on_device)


def _ready_window(qtbot: QtBot, make_window: WindowFactory, service: ReplayScanService) -> Any:
    window = make_window(service)
    window.controller.create_site("Dental", service.interface.network)
    settle(qtbot, window)
    window.scan_bar.set_interfaces(service.interfaces(), service.interface.name)
    return window


def test_consent_is_recorded_shown_and_used_once(qtbot: QtBot, make_window: WindowFactory,
                                                 modal: ModalScript) -> None:
    service = RecordingService(delay=0)
    window = _ready_window(qtbot, make_window, service)
    assert not window.scan_bar.consent_label.isVisibleTo(window)

    def authorise(dialog: QDialog) -> int:
        assert isinstance(dialog, ConsentDialog)
        dialog.who_edit.setText("Dr Ann Lee")
        assert not dialog.ok_button.isEnabled(), "the checkbox must be ticked too"
        dialog.confirm_box.setChecked(True)
        assert dialog.ok_button.isEnabled()
        return int(QDialog.DialogCode.Accepted)

    modal.then(authorise)
    window.scan_bar.consent_button.click()
    assert window.scan_bar.consent_label.isVisibleTo(window)
    assert "Dr Ann Lee" in window.scan_bar.consent_label.text()
    consents = window.session.store.consents(window.site.id)
    assert [(c.authorised_by, c.network) for c in consents] == [
        ("Dr Ann Lee", service.interface.network)]
    assert "default-password" in consents[0].scope

    window.start_scan()
    qtbot.waitUntil(lambda: not window.scanner.running, timeout=5000)
    assert service.plans[-1].consent_by == "Dr Ann Lee"
    assert window.session.store.scans(window.site.id)[0].consent == "Dr Ann Lee"
    assert not window.scan_bar.consent_label.isVisibleTo(window), "consent covers one scan"
    ended = window.session.store.consents(window.site.id)[0]
    assert ended.ended and ended.end_reason == "scan finished"  # ended in the store, not just here

    window.start_scan()
    qtbot.waitUntil(lambda: not window.scanner.running, timeout=5000)
    assert service.plans[-1].consent_by == ""


def test_cancelled_consent_dialog_records_nothing(qtbot: QtBot, make_window: WindowFactory,
                                                  modal: ModalScript) -> None:
    window = _ready_window(qtbot, make_window, RecordingService(delay=0))
    window.scan_bar.consent_button.click()  # the scripted modal rejects it
    assert isinstance(modal.seen[-1], ConsentDialog)
    assert window.session.store.consents(window.site.id) == ()
    assert not window.scan_bar.consent_label.isVisibleTo(window)


def test_a_large_network_asks_before_scanning(qtbot: QtBot, make_window: WindowFactory,
                                             modal: ModalScript) -> None:
    class LargeNetwork(RecordingService):
        def scan(self, plan: ScanPlan, *args: Any) -> ScanResult:
            if not plan.confirm_large:
                self.plans.append(plan)
                raise ConfirmationNeededError("10.0.0.0/20 has 4,096 addresses.")
            return super().scan(plan, *args)

    service = LargeNetwork(delay=0)
    window = _ready_window(qtbot, make_window, service)
    def scan_anyway(box: Any) -> int:
        next(b for b in box.buttons() if b.text() == "Scan it anyway").click()
        return 0

    modal.then(scan_anyway)
    window.start_scan()
    qtbot.waitUntil(lambda: len(service.plans) == 2 and not window.scanner.running,
                    timeout=5000)
    assert [p.confirm_large for p in service.plans] == [False, True]
    assert window.table_model.rowCount() == len(service.result.devices)


def test_withdrawn_consent_is_ended_in_the_store(qtbot: QtBot, make_window: WindowFactory,
                                                 modal: ModalScript) -> None:
    window = _ready_window(qtbot, make_window, RecordingService(delay=0))

    def authorise(dialog: QDialog) -> int:
        dialog.who_edit.setText("Dr Ann Lee")  # type: ignore[attr-defined]
        dialog.confirm_box.setChecked(True)  # type: ignore[attr-defined]
        return int(QDialog.DialogCode.Accepted)

    modal.then(authorise)
    window.scan_bar.consent_button.click()
    window.controller.withdraw_consent()
    consent = window.session.store.consents(window.site.id)[0]
    assert consent.ended and consent.end_reason == "withdrawn"
