"""The device page: header, findings with fixes, checklist wizard, facts, notes and owner."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.assessment import AssessedFinding
from core.errors import KnownError
from core.guidance import ITEM_FIELDS
from core.models import Category, Device, Severity, Tag
from core.presence import PresenceView
from gui import dialogs
from gui.checklist_wizard import ChecklistWizard, checklist_status
from gui.device_notes import DeviceNotes
from gui.finding_cards import FindingCard
from gui.icons import category_icon, icon_label, show_icon
from gui.models import category_name, tag_name
from gui.plain_words import plain_when, service_name
from gui.presence_strip import PresenceStrip
from gui.text import clean
from gui.widgets import ElidedLabel, plain_label

if TYPE_CHECKING:
    from gui.session import Session
    from gui.tasks import TaskContext, TaskRunner
    from gui.views import DeviceDetails


class DevicePage(QWidget):
    """Everything about one device; every change is saved at once through the session."""

    back_requested = Signal()
    changed = Signal(str)  # the device's MAC, after anything about it was saved
    next_device_requested = Signal(str)  # the MAC of the device the summary offers next

    def __init__(self, session: Session, tasks: TaskRunner | None = None,
                 parent: QWidget | None = None) -> None:
        """`tasks`: where the presence timeline loads (None: at once, on this thread)."""
        super().__init__(parent)
        self.session = session
        self.tasks = tasks
        self.site_id = 0
        self.mac = ""
        self.details: DeviceDetails | None = None
        self.opened_score: int | None = None
        self.why_label = plain_label()
        # Set by the window: the next device in the table's order as (mac, name), or None.
        self.next_of: Callable[[str], tuple[str, str] | None] = lambda _mac: None
        self.back_button = QPushButton(self.tr("< Back to &devices"))
        self.back_button.clicked.connect(self.back_requested)
        self.category_icon = icon_label(category_icon(Category.UNKNOWN), "", 32)
        self.name_label = ElidedLabel()
        font = self.name_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.name_label.setFont(font)
        self.subtitle_label = ElidedLabel()
        self.score_label = plain_label(wrap=False)
        self.tag_combo = QComboBox()
        for tag in Tag:
            self.tag_combo.addItem(tag_name(tag), tag)
        self.tag_combo.activated.connect(self._tag_chosen)
        self.tabs = QTabWidget()
        self.findings_box = QVBoxLayout()
        self.wizard = ChecklistWizard()
        self.wizard.answered.connect(self._answered)
        self.wizard.overview_requested.connect(self.back_requested)
        self.wizard.next_device_requested.connect(self._next_device)
        self.facts = QTreeWidget()
        self.facts.setHeaderLabels([self.tr("Fact"), self.tr("Value")])
        self.facts.setColumnWidth(0, 220)
        self.facts.setUniformRowHeights(True)
        self.facts.setAccessibleName(self.tr("Device details"))
        self.notes = DeviceNotes(session)
        self.notes.saved.connect(self._notes_saved)
        self.presence_strip = PresenceStrip()
        self.presence_label = plain_label(wrap=True)
        self._build()

    # -- layout
    def _build(self) -> None:
        header = QHBoxLayout()
        header.addWidget(self.back_button)
        header.addWidget(self.category_icon)
        titles = QVBoxLayout()
        titles.addWidget(self.name_label)
        titles.addWidget(self.subtitle_label)
        header.addLayout(titles, 1)
        header.addWidget(self.score_label)
        tag_label = QLabel(self.tr("Ta&g:"))
        tag_label.setBuddy(self.tag_combo)
        header.addWidget(tag_label)
        header.addWidget(self.tag_combo)
        presence = QHBoxLayout()
        presence.addWidget(QLabel(self.tr("Recent scans:")))
        presence.addWidget(self.presence_strip)
        presence.addWidget(self.presence_label, 1)
        findings = QWidget()
        findings.setLayout(self.findings_box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(findings)
        self.tabs.addTab(scroll, self.tr("&Findings"))
        self.tabs.addTab(self.wizard, self.tr("Chec&klist"))
        self.tabs.addTab(self.facts, self.tr("Detai&ls"))
        self.tabs.addTab(self.notes, self.tr("Notes && owne&r"))
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(presence)
        layout.addWidget(self.tabs, 1)

    # -- showing a device
    def show_device(self, site_id: int, mac: str) -> None:
        """Show this device (the one shown before keeps its unsaved notes: they are saved)."""
        self.notes.flush()
        same = (site_id, mac) == (self.site_id, self.mac)
        self.site_id, self.mac = site_id, mac
        if not same:
            self.opened_score = None  # the summary's score change starts from this visit
        self.refresh(keep_place=same)
        if not same and self.details is not None:
            self.opened_score = self.details.score

    def refresh(self, keep_place: bool = True) -> None:
        """Show the device afresh from the store (unsaved notes are saved first)."""
        self.notes.flush()
        details = self.session.device_details(self.site_id, self.mac)
        self._show_assessment(details, keep_place)
        self.notes.show_details(self.site_id, self.mac, details)
        self.load_presence()

    def load_presence(self) -> None:
        """Load the device's timeline (off the GUI thread when the page has a task runner)."""
        site_id, mac, session = self.site_id, self.mac, self.session
        if self.tasks is None:
            self.show_presence(session.device_presence(site_id, mac))
            return

        def load(context: TaskContext) -> PresenceView:
            return session.device_presence(site_id, mac)

        self.tasks.start(load, on_result=self.show_presence, on_error=self._presence_failed)

    def show_presence(self, view: PresenceView) -> None:
        if view.mac != self.mac.lower().replace("-", ":"):
            return  # another device is shown now; its own load is on its way
        self.presence_strip.set_view(view)
        text = view.summary
        if view.hours:
            text += " " + self.tr("Business hours: {0}.").format(view.hours)
        self.presence_label.setText(text)

    def _presence_failed(self, exc: BaseException) -> None:
        message = exc.message if isinstance(exc, KnownError) else str(exc)
        self.presence_label.setText(self.tr("The timeline could not be read: {0}").format(
            clean(message, 200)))

    def reassess(self, field_backed: bool = False) -> None:
        """After a change on this page: reassess the device (one device, quick) and update the
        header, score, "Why", findings and their count; the checklist and notes keep their
        place."""
        try:
            details = self.session.device_details(self.site_id, self.mac)
        except KnownError as exc:
            dialogs.show_known_error(self, exc)
            return
        self._show_assessment(details, keep_place=True)
        if field_backed:  # owner, dates and tag live on the record: Notes & owner shows them too
            self.notes.show_details(self.site_id, self.mac, details)

    def leave(self) -> bool:
        """Save what the notes tab holds before the page shows something else; False when that
        failed (the user was told, and the typed text is still on the page)."""
        return self.notes.flush()

    def _show_assessment(self, details: DeviceDetails, keep_place: bool) -> None:
        self.details = details
        device = details.device
        self.name_label.setText(clean(details.name, 300))
        self.subtitle_label.setText(self._subtitle(device, details.assessment.identity.line()))
        show_icon(self.category_icon, category_icon(device.category),
                  category_name(device.category))
        self.tag_combo.setCurrentIndex(list(Tag).index(details.tag))
        self._fill_findings(details.findings)
        if details.score is not None:
            self.why_label = plain_label(self._why(details))
            self.findings_box.insertWidget(0, self.why_label)
        plan = details.assessment.plan
        findings = tuple(f.finding for f in details.findings if f.status == "open")
        if plan is not None:
            self.wizard.set_plan(plan, details.answers, findings, device.vendor,
                                 device.category, device.ip, self._tag_value(details),
                                 keep_place=keep_place)
        self._show_score(details)
        self._fill_facts(details)

    def _show_score(self, details: DeviceDetails) -> None:
        """The score with which set of questions is done, and the same numbers on the summary."""
        if details.score is None:
            self.score_label.setText("")
            return
        self.why_label.setText(self._why(details))
        status = checklist_status(details.assessment.plan, self.wizard.answers)
        self.score_label.setText(self.tr("Score {0} / 100").format(details.score)
                                 + (f"   ·   {status}" if status else ""))
        self.wizard.set_scores(self.opened_score if self.opened_score is not None
                               else details.score, details.score)
        following = self.next_of(self.mac)
        self.wizard.set_next_device(following[1] if following else "")

    def _why(self, details: DeviceDetails) -> str:
        """The score's lines and what would raise it most (the next best actions' numbers)."""
        why = self.tr("Why {0} / 100:\n{1}").format(details.score,
                                                     "\n".join(details.score_lines))
        gains = details.gain_lines()
        if gains:
            why += "\n\n" + self.tr("What raises it most:\n{0}").format("\n".join(gains))
        return why

    @staticmethod
    def _tag_value(details: DeviceDetails) -> str:
        return "" if details.tag is Tag.UNKNOWN else details.tag.value

    def _next_device(self) -> None:
        following = self.next_of(self.mac)
        if following is None:
            self.back_requested.emit()
        else:
            self.next_device_requested.emit(following[0])

    def _subtitle(self, device: Device, model: str) -> str:
        parts = [category_name(device.category)]
        if model:
            parts.append(clean(model, 80))
        parts.append(device.ip or self.tr("no address"))
        mac = device.mac + (f" ({self.tr('private address')})" if device.mac_random else "")
        parts.append(mac)
        return "  ·  ".join(parts)

    def _fill_findings(self, records: tuple[AssessedFinding, ...]) -> None:
        while self.findings_box.count():
            item = self.findings_box.takeAt(0)
            widget = item.widget() if item else None
            if widget is not None:
                widget.hide()  # deleteLater waits for the event loop: never paint it again
                widget.deleteLater()
        if not records:
            self.findings_box.addWidget(plain_label(self.tr(
                "No problems found on this device. Work through its checklist to cover what a "
                "scan cannot see.")))
        order = {"open": 0, "accepted": 1, "fixed": 2}
        for record in sorted(records, key=lambda r: (order.get(str(r.status.value), 3),
                                                     -r.finding.severity.rank)):
            card = FindingCard(record)
            card.status_requested.connect(self.set_finding_status)
            card.accept_requested.connect(self.accept_risk)
            card.exempt_requested.connect(self.exempt_from_hours)
            self.findings_box.addWidget(card)
        self.findings_box.addStretch(1)
        open_count = sum(1 for r in records if r.status == "open"
                         and r.finding.severity is not Severity.INFO)
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
            (self.tr("Vendor"), device.vendor),
            (self.tr("Type"), category_name(device.category)),
            (self.tr("Open ports"), ", ".join(str(p) for p in device.open_ports)),
            (self.tr("Seen by"), ", ".join(device.sources)),
        ]
        for name, value in facts[:5]:
            self._fact(None, name, value or "—")
        self._fill_identity(details)
        for name, value in facts[5:]:
            self._fact(None, name, value or "—")
        for name, iso in ((self.tr("First seen"), details.first_seen),
                          (self.tr("Last seen"), details.last_seen)):
            self._fact(None, name, plain_when(iso) if iso else "—").setToolTip(1, iso)
        for service in device.services:
            node = self._fact(None, self.tr("Service: {0}").format(service_name(service.type)),
                              f"{service.name}  (port {service.port})")
            self._fact(node, self.tr("Service type"), service.type)
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
        self._fill_heard(device)
        self.facts.expandAll()

    def _fill_identity(self, details: DeviceDetails) -> None:
        """Model and firmware, each with how sure it is and what it came from."""
        who = details.assessment.identity
        for name, value, precision, source in (
                (self.tr("Model"), who.model, who.model_precision, who.model_source),
                (self.tr("Firmware"), who.firmware, who.firmware_precision,
                 who.firmware_source)):
            node = self._fact(None, name, value or "—")
            if value:
                self._fact(node, self.tr("How sure"), precision)
                self._fact(node, self.tr("From"), source)

    def _fill_heard(self, device: Device) -> None:
        """Fingerprints, WS-Discovery and NetBIOS answers, as the device gave them."""
        for found in device.fingerprints:
            named = " ".join(filter(None, (found.vendor, found.product, found.version)))
            node = self._fact(None, self.tr("Fingerprint ({0})").format(found.part), named)
            for name, value in (("Kind of device", found.device_type), ("CPE", found.cpe),
                                ("Evidence", found.evidence)):
                if value:
                    self._fact(node, self.tr(name), value)
        if device.wsd:
            wsd = device.wsd
            node = self._fact(None, self.tr("WS-Discovery"), wsd.name or wsd.model)
            for name, value in (("Maker", wsd.manufacturer), ("Model", wsd.model),
                                *(("Address", x) for x in wsd.xaddrs[:8])):
                if value:
                    self._fact(node, self.tr(name), value)
        if device.netbios:
            info = device.netbios
            node = self._fact(None, self.tr("NetBIOS"), info.name)
            if info.workgroup:
                self._fact(node, self.tr("Workgroup"), info.workgroup)

    def _fact(self, parent: QTreeWidgetItem | None, name: str, value: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem([clean(name, 120), clean(value, 500)])
        if parent is None:
            self.facts.addTopLevelItem(item)
        else:
            parent.addChild(item)
        return item

    # -- saving
    def _guard(self, action: Callable[[], object]) -> bool:
        try:
            action()
        except KnownError as exc:
            dialogs.show_known_error(self, exc)
            return False
        return True

    def _tag_chosen(self) -> None:
        tag = Tag(self.tag_combo.currentData())
        if self._guard(lambda: self.session.set_tag(self.site_id, self.mac, tag)):
            self.reassess(field_backed=True)
            self.changed.emit(self.mac)

    def _answered(self, item_id: str, value: str) -> None:
        if self._guard(lambda: self.session.record_answer(self.site_id, self.mac, item_id,
                                                          value)):
            self.reassess(field_backed=item_id in ITEM_FIELDS)
            self.changed.emit(self.mac)

    def _notes_saved(self, label: str) -> None:
        self.reassess()
        if self.details is not None:  # the owner is also a checklist answer: show it there too
            self.wizard.update_answers(self.details.answers, self._tag_value(self.details))
        self.changed.emit(self.mac)

    def set_finding_status(self, finding_id: str, status: str, reason: str = "") -> None:
        if self._guard(lambda: self.session.set_finding_status(
                self.site_id, self.mac, finding_id, status, reason)):
            self.reassess()
            self.changed.emit(self.mac)

    def exempt_from_hours(self) -> None:
        """The device must stay on: the site's business hours exempt it from now on."""
        if self._guard(lambda: self.session.exempt_from_hours(self.site_id, self.mac)):
            self.reassess()
            self.load_presence()
            self.changed.emit(self.mac)

    def accept_risk(self, finding_id: str) -> None:
        reason = dialogs.ask_text(self, self.tr("Accept the risk"), self.tr(
            "Why is it acceptable to leave this as it is? (Kept with the finding.)"),
            blank=self.tr("Accepting a risk needs a reason, so the finding stays open. "
                          "Write why it is acceptable, for example: \"Only used in the lab, "
                          "replaced in March\"."))
        if reason:
            self.set_finding_status(finding_id, "accepted", reason)
