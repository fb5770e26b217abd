"""A finding shown as a card: severity in colour and words, evidence, the fix, its status."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout

from core.models import Severity
from gui.models import SEVERITY_COLOURS, severity_name
from gui.text import clean
from gui.widgets import plain_label

if TYPE_CHECKING:
    from gui.device_page import DevicePage


class FindingCard(QFrame):
    """One finding: severity in colour and words, evidence, the fix, references and status."""

    def __init__(self, record: Any, page: DevicePage) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        finding = record.finding
        status = str(getattr(record.status, "value", record.status))
        chip = plain_label(severity_name(finding.severity).upper(), wrap=False)
        chip.setStyleSheet(f"background: {SEVERITY_COLOURS[finding.severity]}; color: white;"
                           " padding: 2px 6px; border-radius: 3px; font-weight: bold;")
        title = plain_label(clean(finding.title, 200))
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        head = QHBoxLayout()
        head.addWidget(chip)
        head.addWidget(title, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        if finding.evidence:
            layout.addWidget(plain_label(self.tr("What the scan saw: {0}").format(
                clean(finding.evidence, 600))))
        if finding.fix:
            layout.addWidget(plain_label(self.tr("How to fix it: {0}").format(finding.fix)))
        if finding.refs:
            layout.addWidget(plain_label(self.tr("Standards: {0}").format(", ".join(finding.refs))))
        layout.addLayout(self._status_row(record, status, page))

    def _status_row(self, record: Any, status: str, page: DevicePage) -> QHBoxLayout:
        row = QHBoxLayout()
        words = {"open": self.tr("Open"), "fixed": self.tr("Marked as fixed"),
                 "accepted": self.tr("Risk accepted")}
        text = words.get(status, status)
        if record.reason:
            text += " — " + clean(record.reason, 200)
        row.addWidget(plain_label(text), 1)
        finding_id = record.finding.id
        if record.finding.severity is Severity.INFO:
            row.itemAt(0).widget().setText(self.tr("For your information"))
        elif getattr(record, "derived", False):
            row.addWidget(plain_label(self.tr(
                "Follows from the device's tag, dates or answers: change those to clear it."),
                wrap=True), 2)
        elif status == "open":
            fixed = QPushButton(self.tr("Mark as fixed"))
            fixed.clicked.connect(lambda: page.set_finding_status(finding_id, "fixed"))
            accept = QPushButton(self.tr("Accept the risk…"))
            accept.clicked.connect(lambda: page.accept_risk(finding_id))
            row.addWidget(fixed)
            row.addWidget(accept)
        else:
            reopen = QPushButton(self.tr("Reopen"))
            reopen.clicked.connect(lambda: page.set_finding_status(finding_id, "open"))
            row.addWidget(reopen)
        return row
