"""A finding shown as a card: severity in colour and words, evidence, the fix, its status."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.assessment import AssessedFinding, Origin
from core.models import Severity
from gui.colours import CHIP_TEXT, severity_chip
from gui.icons import icon_label, severity_icon
from gui.models import severity_name
from gui.plain_words import has_jargon, plain_evidence
from gui.text import clean
from gui.widgets import plain_label


class FindingCard(QFrame):
    """One finding: severity in colour and words, evidence, the fix, references and status.

    Its buttons only ask: `status_requested(finding_id, status)` to mark it fixed or open again,
    `accept_requested(finding_id)` to accept the risk (the page asks why, then saves),
    `exempt_requested()` to let the device stay on outside business hours."""

    status_requested = Signal(str, str)
    accept_requested = Signal(str)
    exempt_requested = Signal()

    def __init__(self, record: AssessedFinding, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        finding = record.finding
        status = str(record.status.value)
        chip = plain_label(severity_name(finding.severity).upper(), wrap=False)
        chip.setStyleSheet(f"background: {severity_chip(finding.severity).name()};"
                           f" color: {CHIP_TEXT.name()};"
                           " padding: 2px 6px; border-radius: 3px; font-weight: bold;")
        title = plain_label(clean(finding.title, 200))
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        head = QHBoxLayout()
        head.addWidget(icon_label(severity_icon(finding.severity),
                                  severity_name(finding.severity), 20))
        head.addWidget(chip)
        head.addWidget(title, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        if finding.evidence:
            layout.addWidget(self._evidence(clean(finding.evidence, 600)))
        if finding.fix:
            layout.addWidget(plain_label(self.tr("How to fix it: {0}").format(finding.fix)))
        if finding.refs:
            layout.addWidget(plain_label(self.tr("Standards: {0}").format(", ".join(finding.refs))))
        layout.addLayout(self._status_row(record, status))

    def _evidence(self, evidence: str) -> QLabel:
        """Plain words in the card; the scan's exact words (service types, flags) in Details."""
        label = plain_label(self.tr("What the scan saw: {0}").format(plain_evidence(evidence)))
        if has_jargon(evidence):
            label.setToolTip(self.tr("Details: {0}").format(evidence))
            label.setAccessibleDescription(evidence)
        return label

    def _status_row(self, record: AssessedFinding, status: str) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(plain_label(self._status_text(record, status)), 1)
        finding_id = record.finding.id
        if record.finding.severity is Severity.INFO:
            return row
        if record.origin is Origin.PRESENCE:
            row.addWidget(plain_label(self.tr(
                "Follows from when scans saw the device: it clears once a scan outside business "
                "hours no longer sees it."), wrap=True), 2)
            exempt = QPushButton(self.tr("It must stay on"))
            exempt.setToolTip(self.tr("Exempt this device from the site's business hours"))
            exempt.clicked.connect(self.exempt_requested)
            row.addWidget(exempt)
        elif record.derived:
            row.addWidget(plain_label(self.tr(
                "Follows from the device's tag, dates or answers: change those to clear it."),
                wrap=True), 2)
        elif status == "open":
            fixed = QPushButton(self.tr("Mark as fixed"))
            fixed.clicked.connect(lambda: self.status_requested.emit(finding_id, "fixed"))
            accept = QPushButton(self.tr("Accept the risk…"))
            accept.clicked.connect(lambda: self.accept_requested.emit(finding_id))
            row.addWidget(fixed)
            row.addWidget(accept)
        else:
            reopen = QPushButton(self.tr("Reopen"))
            reopen.clicked.connect(lambda: self.status_requested.emit(finding_id, "open"))
            row.addWidget(reopen)
        return row

    def _status_text(self, record: AssessedFinding, status: str) -> str:
        if record.finding.severity is Severity.INFO:
            return self.tr("For your information")
        words = {"open": self.tr("Open"), "fixed": self.tr("Marked as fixed"),
                 "accepted": self.tr("Risk accepted")}
        text = words.get(status, status)
        if record.reason:
            text += " — " + clean(record.reason, 200)
        return text
