"""Marking a finding fixed or accepting its risk (with a reason) is saved and counted at once."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QInputDialog, QLabel
from pytestqt.qtbot import QtBot

from core.models import Severity
from tests.gui.conftest import ModalScript, WindowFactory, settle

CAMERA_MAC = "c0:56:e3:44:21:0b"


def _open_count(window: object, severity: Severity) -> int:
    row = window.table_model.row_for(CAMERA_MAC)  # type: ignore[attr-defined]
    return dict(row.open_counts).get(severity, 0)


def test_fix_and_accept_risk(qtbot: QtBot, make_window: WindowFactory, modal: ModalScript) -> None:
    window = make_window()
    window.open_sample()
    settle(qtbot, window)
    window.open_device(CAMERA_MAC)
    page = window.device_page
    assert _open_count(window, Severity.HIGH) == 1

    page.set_finding_status("telnet-open", "fixed")
    assert _open_count(window, Severity.HIGH) == 0
    statuses = {r.finding.id: r for r in window.session.store.findings(window.site.id,
                                                                      CAMERA_MAC)}
    assert statuses["telnet-open"].status.value == "fixed"

    def reason(dialog: QDialog) -> int:
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue("  Camera is on its own VLAN; vendor has no HTTPS  ")
        return int(QDialog.DialogCode.Accepted)

    before = _open_count(window, Severity.MEDIUM)
    modal.then(reason)
    page.accept_risk("http-admin-cleartext")
    record = {r.finding.id: r for r in window.session.store.findings(
        window.site.id, CAMERA_MAC)}["http-admin-cleartext"]
    assert record.status.value == "accepted"
    assert record.reason == "Camera is on its own VLAN; vendor has no HTTPS"
    assert _open_count(window, Severity.MEDIUM) == before - 1
    assert "Risk accepted" in " ".join(label.text() for label in page.findChildren(QLabel))


def test_accepting_without_a_reason_changes_nothing(qtbot: QtBot, make_window: WindowFactory,
                                                    modal: ModalScript) -> None:
    window = make_window()
    window.open_sample()
    settle(qtbot, window)
    window.open_device(CAMERA_MAC)
    window.device_page.accept_risk("http-admin-cleartext")  # the scripted dialog is cancelled
    record = {r.finding.id: r for r in window.session.store.findings(
        window.site.id, CAMERA_MAC)}["http-admin-cleartext"]
    assert record.status.value == "open"
