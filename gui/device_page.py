"""The device page: header, findings with fixes, checklist wizard, facts, notes and owner."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.errors import KnownError
from core.models import Device, Tag
from gui import dialogs
from gui.checklist_wizard import ChecklistWizard
from gui.models import SEVERITY_COLOURS, category_name, severity_name, tag_name
from gui.text import clean

if TYPE_CHECKING:
    from gui.session import DeviceDetails, Session

NO_DATE = QDate(2000, 1, 1)


def plain_label(text: str = "", wrap: bool = True) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setText(text)
    return label


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
        if status == "open":
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


class DevicePage(QWidget):
    """Everything about one device; every change is saved at once through the session."""

    back_requested = Signal()
    changed = Signal(str)  # the device's MAC, after anything about it was saved

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.site_id = 0
        self.mac = ""
        self.details: DeviceDetails | None = None
        self.back_button = QPushButton(self.tr("< Back to &devices"))
        self.back_button.clicked.connect(self.back_requested)
        self.name_label = plain_label(wrap=False)
        font = self.name_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.name_label.setFont(font)
        self.subtitle_label = plain_label(wrap=False)
        self.score_label = plain_label(wrap=False)
        self.tag_combo = QComboBox()
        for tag in Tag:
            self.tag_combo.addItem(tag_name(tag), tag)
        self.tag_combo.activated.connect(self._tag_chosen)
        self.tabs = QTabWidget()
        self.findings_box = QVBoxLayout()
        self.wizard = ChecklistWizard()
        self.wizard.answered.connect(self._answered)
        self.facts = QTreeWidget()
        self.facts.setHeaderLabels([self.tr("Fact"), self.tr("Value")])
        self.facts.setColumnWidth(0, 220)
        self.facts.setUniformRowHeights(True)
        self._build_notes()
        self._build()

    # -- layout
    def _build(self) -> None:
        header = QHBoxLayout()
        header.addWidget(self.back_button)
        titles = QVBoxLayout()
        titles.addWidget(self.name_label)
        titles.addWidget(self.subtitle_label)
        header.addLayout(titles, 1)
        header.addWidget(self.score_label)
        tag_label = QLabel(self.tr("&Tag:"))
        tag_label.setBuddy(self.tag_combo)
        header.addWidget(tag_label)
        header.addWidget(self.tag_combo)
        findings = QWidget()
        findings.setLayout(self.findings_box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(findings)
        self.tabs.addTab(scroll, self.tr("&Findings"))
        self.tabs.addTab(self.wizard, self.tr("Chec&klist"))
        self.tabs.addTab(self.facts, self.tr("Detai&ls"))
        self.tabs.addTab(self.notes_tab, self.tr("Notes && &owner"))
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)

    def _build_notes(self) -> None:
        self.label_edit = QLineEdit()
        self.label_edit.setPlaceholderText(self.tr("Your own name for it, e.g. Reception printer"))
        self.owner_edit = QLineEdit()
        self.location_edit = QLineEdit()
        self.support_edit = QDateEdit()
        self.support_edit.setDisplayFormat("yyyy-MM-dd")
        self.support_edit.setCalendarPopup(True)
        self.support_edit.setMinimumDate(NO_DATE)
        self.support_edit.setSpecialValueText(self.tr("Not known"))
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setTabChangesFocus(True)
        self.save_button = QPushButton(self.tr("&Save notes"))
        self.save_button.clicked.connect(self.save_notes)
        self.saved_label = plain_label(wrap=False)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("Device admin password"))
        self.store_password_button = QPushButton(self.tr("Store in the &keychain"))
        self.store_password_button.clicked.connect(self.store_password)
        self.forget_password_button = QPushButton(self.tr("Forget"))
        self.forget_password_button.clicked.connect(self.forget_password)
        self.password_status = plain_label()
        password_row = QHBoxLayout()
        for widget in (self.password_edit, self.store_password_button,
                       self.forget_password_button):
            password_row.addWidget(widget)
        form = QFormLayout()
        form.addRow(self.tr("&Name"), self.label_edit)
        form.addRow(self.tr("O&wner"), self.owner_edit)
        form.addRow(self.tr("Locat&ion"), self.location_edit)
        form.addRow(self.tr("Support &ends"), self.support_edit)
        form.addRow(self.tr("Not&es"), self.notes_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.saved_label, 1)
        form.addRow("", buttons)
        form.addRow(self.tr("Admin password"), password_row)
        form.addRow("", self.password_status)
        self.notes_tab = QWidget()
        self.notes_tab.setLayout(form)

    # -- showing a device
    def show_device(self, site_id: int, mac: str) -> None:
        self.site_id, self.mac = site_id, mac
        self.refresh()

    def refresh(self) -> None:
        details = self.session.device_details(self.site_id, self.mac)
        self.details = details
        device = details.device
        self.name_label.setText(clean(details.name, 80))
        self.subtitle_label.setText(self._subtitle(device))
        self.score_label.setText(self.tr("Score {0} / 100").format(details.score)
                                 if details.score is not None else "")
        self.tag_combo.setCurrentIndex(list(Tag).index(details.tag))
        self._fill_findings(details.findings)
        self.wizard.set_items(details.items, details.answers,
                              tuple(f.finding for f in details.findings), device.vendor)
        self._fill_facts(details)
        self._fill_notes(details)
        self.saved_label.setText("")

    def _subtitle(self, device: Device) -> str:
        parts = [category_name(device.category)]
        if device.model:
            parts.append(clean(device.model, 60))
        parts.append(device.ip or self.tr("no address"))
        mac = device.mac + (f" ({self.tr('private address')})" if device.mac_random else "")
        parts.append(mac)
        return "   ·   ".join(parts)

    def _fill_findings(self, records: tuple[Any, ...]) -> None:
        while self.findings_box.count():
            item = self.findings_box.takeAt(0)
            widget = item.widget() if item else None
            if widget is not None:
                widget.deleteLater()
        if not records:
            self.findings_box.addWidget(plain_label(self.tr(
                "No problems found on this device. Work through its checklist to cover what a "
                "scan cannot see.")))
        order = {"open": 0, "accepted": 1, "fixed": 2}
        for record in sorted(records, key=lambda r: (
                order.get(str(getattr(r.status, "value", r.status)), 3),
                -r.finding.severity.rank)):
            self.findings_box.addWidget(FindingCard(record, self))
        self.findings_box.addStretch(1)
        open_count = sum(1 for r in records if str(getattr(r.status, "value", r.status)) == "open")
        self.tabs.setTabText(0, self.tr("&Findings ({0} open)").format(open_count))

    def _fill_facts(self, details: DeviceDetails) -> None:
        self.facts.clear()
        device = details.device
        facts: list[tuple[str, str]] = [
            (self.tr("Names"), ", ".join(dict.fromkeys(
                [device.label, *device.hostnames] if device.label else device.hostnames))),
            (self.tr("IP addresses"), ", ".join(device.ips)),
            (self.tr("MAC address"), device.mac),
            (self.tr("Private (random) address"), self.tr("Yes") if device.mac_random
             else self.tr("No")),
            (self.tr("Vendor"), device.vendor), (self.tr("Model"), device.model),
            (self.tr("Type"), category_name(device.category)),
            (self.tr("Open ports"), ", ".join(str(p) for p in device.open_ports)),
            (self.tr("Seen by"), ", ".join(device.sources)),
            (self.tr("First seen"), details.first_seen), (self.tr("Last seen"), details.last_seen),
        ]
        for name, value in facts:
            self._fact(None, name, value or "—")
        for service in device.services:
            node = self._fact(None, self.tr("Service {0}").format(service.type),
                              f"{service.name}  (port {service.port})")
            for key, value in service.txt:
                self._fact(node, key, value)
        if device.upnp:
            upnp = device.upnp
            node = self._fact(None, self.tr("UPnP"), upnp.device_type)
            for name, value in (("Name", upnp.friendly_name), ("Maker", upnp.manufacturer),
                                ("Model", f"{upnp.model_name} {upnp.model_number}".strip()),
                                ("Serial", upnp.serial), ("Firmware", upnp.firmware),
                                ("Server", upnp.server), ("Description", upnp.location),
                                *(("Service", s) for s in upnp.services)):
                if value:
                    self._fact(node, self.tr(name), value)
        self.facts.expandAll()

    def _fact(self, parent: QTreeWidgetItem | None, name: str, value: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem([clean(name, 120), clean(value, 500)])
        if parent is None:
            self.facts.addTopLevelItem(item)
        else:
            parent.addChild(item)
        return item

    def _fill_notes(self, details: DeviceDetails) -> None:
        self.label_edit.setText(details.label)
        self.owner_edit.setText(details.owner)
        self.location_edit.setText(details.location)
        date = QDate.fromString(details.support_end, "yyyy-MM-dd")
        self.support_edit.setDate(date if date.isValid() else NO_DATE)
        self.notes_edit.setPlainText(details.notes)
        self.password_edit.clear()
        self._show_password_status()

    # -- saving
    def _guard(self, action: Any) -> bool:
        try:
            action()
        except KnownError as exc:
            dialogs.show_known_error(self, exc)
            return False
        return True

    def _tag_chosen(self) -> None:
        tag = self.tag_combo.currentData()
        if self._guard(lambda: self.session.update_device(self.site_id, self.mac, tag=tag)):
            self.changed.emit(self.mac)

    def _answered(self, item_id: str, value: str) -> None:
        if self._guard(lambda: self.session.record_answer(self.site_id, self.mac, item_id,
                                                          value)):
            self.changed.emit(self.mac)

    def save_notes(self) -> None:
        date = self.support_edit.date()
        fields = {"label": self.label_edit.text().strip(), "owner": self.owner_edit.text().strip(),
                  "location": self.location_edit.text().strip(),
                  "notes": self.notes_edit.toPlainText(),
                  "support_end": "" if date == NO_DATE else date.toString("yyyy-MM-dd")}
        if self._guard(lambda: self.session.update_device(self.site_id, self.mac, **fields)):
            self.saved_label.setText(self.tr("Saved."))
            if self.details is not None:
                self.name_label.setText(clean(fields["label"] or self.details.device.label, 80))
            self.changed.emit(self.mac)

    def set_finding_status(self, finding_id: str, status: str, reason: str = "") -> None:
        if self._guard(lambda: self.session.set_finding_status(
                self.site_id, self.mac, finding_id, status, reason)):
            self.refresh()
            self.changed.emit(self.mac)

    def accept_risk(self, finding_id: str) -> None:
        reason = dialogs.ask_text(self, self.tr("Accept the risk"), self.tr(
            "Why is it acceptable to leave this as it is? (Kept with the finding.)"))
        if reason:
            self.set_finding_status(finding_id, "accepted", reason)

    def store_password(self) -> None:
        password = self.password_edit.text()
        if not password:
            return
        if self._guard(lambda: self.session.store_password(self.site_id, self.mac, password)):
            self.password_edit.clear()
        self._show_password_status()

    def forget_password(self) -> None:
        self._guard(lambda: self.session.forget_password(self.site_id, self.mac))
        self._show_password_status()

    def _show_password_status(self) -> None:
        status = self.session.password_status(self.site_id, self.mac)
        self.password_status.setText(status.message)
        self.store_password_button.setEnabled(status.available)
        self.password_edit.setEnabled(status.available)
        self.forget_password_button.setEnabled(status.stored)
