"""A site's history: its scans in plain words and what changed between any two of them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields, is_dataclass

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.errors import KnownError
from core.models import Severity, Site
from core.store import Changes, DeviceRef, FindingChange, PortChange, ScanSummary
from gui import dialogs
from gui.models import issues_text
from gui.plain_words import local_day, plain_when
from gui.session import Session
from gui.text import clean

MODE_WORDS = {"kernel": "Standard", "raw": "Deep"}


def _tr(text: str) -> str:
    return QCoreApplication.translate("history", text)


def default_pair(scans: Sequence[ScanSummary]) -> tuple[int | None, int | None]:
    """(old, new) for "since my last visit": the newest scan, and the latest scan of an
    earlier day (the scan just before the newest when every scan is of the same day)."""
    if not scans:
        return None, None
    newest = scans[0]  # scans come newest first
    day = local_day(newest.started)
    earlier = next((s for s in scans[1:] if day is None or (local_day(s.started) or day) < day),
                   None)
    if earlier is None and len(scans) > 1:
        earlier = scans[1]
    return (earlier.id if earlier else None), newest.id


def findings_text(scan: ScanSummary) -> str:
    return issues_text(tuple((s, n) for s, n in scan.finding_counts if s is not Severity.INFO))


def _name(ref: DeviceRef) -> str:
    name = clean(ref.name, 80) or ref.mac
    return f"{name} ({ref.ip})" if ref.ip else name


def _ports(change: PortChange) -> str:
    parts = []
    if change.opened:
        parts.append(_tr("opened {0}").format(", ".join(map(str, change.opened))))
    if change.closed:
        parts.append(_tr("closed {0}").format(", ".join(map(str, change.closed))))
    return f"{_name(change.device)}: {'; '.join(parts)}"


def _finding(change: FindingChange) -> str:
    finding = change.finding
    return f"{_name(change.device)}: {clean(finding.title, 120)} ({finding.severity.value})"


Section = tuple[str, list[str]]


def important_sections(changes: Changes) -> list[Section]:
    """What a person should act on, by kind (empty kinds left out)."""
    sections: list[Section] = [
        (_tr("New devices"), [_name(d) for d in changes.new_devices]),
        (_tr("Devices gone"), [_name(d) for d in changes.gone_devices]),
        (_tr("Devices that now say they are something else"),
         [f"{_name(c.device)}: {c.field} {clean(c.old, 60)} → {clean(c.new, 60)}"
          for c in changes.identity_changes]),
        (_tr("Ports opened or closed"), [_ports(p) for p in changes.port_changes]),
        (_tr("New problems"), [_finding(f) for f in changes.new_findings]),
        (_tr("Problems fixed"), [_finding(f) for f in changes.fixed_findings]),
    ]
    return [s for s in sections if s[1]]


def detail_sections(changes: Changes) -> list[Section]:
    """The rest, shown on demand."""
    sections: list[Section] = [
        (_tr("Address changes"),
         [f"{_name(c.device)}: {', '.join(c.old_ips) or '—'} → {', '.join(c.new_ips) or '—'}"
          for c in changes.ip_changes]),
        (_tr("New services"),
         [f"{_name(c.device)}: {clean(c.service.type, 80)} {c.service.port}"
          for c in changes.new_services]),
        (_tr("Short-lived ports (change every restart)"),
         [_ports(p) for p in changes.ephemeral_port_changes]),
        (_tr("Information items that came or went"), [_finding(f) for f in changes.info_changes]),
        (_tr("Not seen this time (not sure they are gone)"),
         [_name(d) for d in changes.unconfirmed_gone]),
        (_tr("Back again"), [_name(d) for d in changes.returned_devices]),
    ]
    return [s for s in sections if s[1]]


def sections_text(sections: Iterable[Section]) -> str:
    return "\n\n".join(title + "\n" + "\n".join(f"  • {line}" for line in lines)
                       for title, lines in sections)


class HistoryDialog(QDialog):
    """Scans of one site (newest first), a pair to compare ("since my last visit" at first),
    the important changes, and the details on demand. Deleting a scan emits scan_deleted."""

    scan_deleted = Signal(object)  # the core.store.Deletion

    def __init__(self, session: Session, site: Site, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.site = site
        self.scans: tuple[ScanSummary, ...] = ()
        self.changes: Changes | None = None
        self.setWindowTitle(self.tr("History of {0}").format(clean(site.name, 80)))
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([self.tr("When"), self.tr("Mode"),
                                              self.tr("Devices"), self.tr("Open issues found")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAccessibleName(self.tr("Scans of this site"))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.old_combo = QComboBox()
        self.new_combo = QComboBox()
        self.summary_label = QLabel()
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setWordWrap(True)
        self.important = QPlainTextEdit()
        self.important.setReadOnly(True)
        self.important.setAccessibleName(self.tr("What changed"))
        self.details_button = QPushButton(self.tr("Show details"))
        self.details_button.setCheckable(True)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setAccessibleName(self.tr("Every change, in detail"))
        self.details.setVisible(False)
        self.delete_button = QPushButton(self.tr("Delete this scan…"))
        self._build()
        self.old_combo.activated.connect(self.compare)
        self.new_combo.activated.connect(self.compare)
        self.details_button.toggled.connect(self._toggle_details)
        self.delete_button.clicked.connect(self.delete_selected_scan)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.reload()
        self.resize(820, 640)

    def _build(self) -> None:
        pair = QHBoxLayout()
        for text, combo in ((self.tr("Compare &from"), self.old_combo),
                            (self.tr("&to"), self.new_combo)):
            label = QLabel(text)
            label.setBuddy(combo)
            pair.addWidget(label)
            pair.addWidget(combo, 1)
        scans_row = QHBoxLayout()
        scans_row.addStretch(1)
        scans_row.addWidget(self.delete_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 2)
        layout.addLayout(scans_row)
        layout.addLayout(pair)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.important, 2)
        layout.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.details, 2)
        layout.addWidget(buttons)

    # -- filling
    def reload(self) -> None:
        """Read the scans again and compare the default pair."""
        self.scans = self.session.scans(self.site.id)
        self.table.setRowCount(len(self.scans))
        for row, scan in enumerate(self.scans):
            mode = self.tr(MODE_WORDS.get(scan.mode, scan.mode))
            if scan.thorough:
                mode = self.tr("{0}, thorough").format(mode)
            cells = (plain_when(scan.started), mode, str(scan.device_count), findings_text(scan))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, scan.id)
                if column == 0:
                    item.setToolTip(scan.started)
                self.table.setItem(row, column, item)
        for combo in (self.old_combo, self.new_combo):
            combo.clear()
            for scan in self.scans:
                combo.addItem(plain_when(scan.started), scan.id)
        self.old_combo.insertItem(0, self.tr("(nothing: the first scan)"), None)
        old, new = default_pair(self.scans)
        self.old_combo.setCurrentIndex(max(0, self.old_combo.findData(old)))
        self.new_combo.setCurrentIndex(max(0, self.new_combo.findData(new)))
        self.delete_button.setEnabled(False)
        self.compare()

    def choose_pair(self, old_id: int | None, new_id: int) -> None:
        self.old_combo.setCurrentIndex(max(0, self.old_combo.findData(old_id)))
        self.new_combo.setCurrentIndex(max(0, self.new_combo.findData(new_id)))
        self.compare()

    @property
    def pair(self) -> tuple[int | None, int | None]:
        old, new = self.old_combo.currentData(), self.new_combo.currentData()
        return (int(old) if old is not None else None), (int(new) if new is not None else None)

    def compare(self) -> None:
        old, new = self.pair
        self.changes = None
        if new is None:
            self._show_text(self.tr("No scan yet: nothing to compare."), "", "")
            return
        if old == new:
            self._show_text(self.tr("Choose two different scans."), "", "")
            return
        try:
            self.changes = self.session.changes(self.site.id, old, new)
        except KnownError as exc:
            self._show_text(exc.message, "", "")
            return
        important = sections_text(important_sections(self.changes))
        count = self.changes.detail_count
        summary = (self.tr("Nothing that needs you changed.") if self.changes.is_empty
                   else self.tr("What changed and may need you:"))
        if count:
            summary += " " + self.tr("{0} smaller changes under Show details.").format(count)
        self._show_text(summary, important, sections_text(detail_sections(self.changes))
                        or self.tr("No smaller changes."))

    def _show_text(self, summary: str, important: str, details: str) -> None:
        self.summary_label.setText(summary)
        self.important.setPlainText(important)
        self.details.setPlainText(details)

    def _toggle_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.details_button.setText(self.tr("Hide details") if shown else self.tr("Show details"))

    # -- deleting a scan
    def selected_scan(self) -> ScanSummary | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        return self.scans[rows.pop()] if len(rows) == 1 else None

    def _selection_changed(self) -> None:
        self.delete_button.setEnabled(self.selected_scan() is not None)

    def delete_selected_scan(self) -> None:
        scan = self.selected_scan()
        if scan is None:
            return
        question = self.tr(
            "Delete the scan of {0} ({1} devices)?\n\nDevices only that scan saw and its "
            "findings go with it; the rest is worked out again from the other scans.\n\n"
            "A backup of everything is saved first, in:\n{2}").format(
                plain_when(scan.started), scan.device_count, self.session.backup_folder)
        if not dialogs.confirm(self, self.tr("Delete a scan?"), question,
                               self.tr("Delete the scan")):
            return
        try:
            deletion = self.session.delete_scan(scan.id)
        except KnownError as exc:
            dialogs.show_known_error(self, exc)
            return
        self.reload()
        self.scan_deleted.emit(deletion)


_IMPORT_WORDS = {
    "site_created": "A new site is created",
    "devices_added": "Devices added",
    "devices_updated": "Devices whose details change",
    "scans_added": "Scans added",
    "scans_skipped": "Scans already here (skipped)",
    "answers_added": "Checklist answers added",
    "answers_skipped": "Checklist answers already here (skipped)",
    "consents_added": "Consent records added",
    "findings_merged": "Findings merged",
}
_NOT_SHOWN = ("site_id", "site_name", "warnings", "existing_site_id")


def describe_import(preview: object) -> tuple[str, list[str], list[str]]:
    """(site name, what the import adds or changes, warnings) of an import preview or summary.

    Reads any dataclass with ImportSummary-like fields, so the preview API may grow fields."""
    if not is_dataclass(preview):
        return "", [str(preview)], []
    name = str(getattr(preview, "site_name", ""))
    lines: list[str] = []
    for item in fields(preview):
        value = getattr(preview, item.name)
        if item.name in _NOT_SHOWN or not value:
            continue
        words = _tr(_IMPORT_WORDS.get(item.name, item.name.replace("_", " ").capitalize()))
        if isinstance(value, bool):
            lines.append(words)
        elif isinstance(value, int):
            lines.append(f"{words}: {value}")
        elif isinstance(value, tuple | list):
            lines.append(f"{words}: {len(value)}")
    if getattr(preview, "needs_merge", False):
        lines.insert(0, _tr("Merges into the site of the same name on this computer."))
    elif hasattr(preview, "needs_merge"):
        lines.insert(0, _tr("A new site is created."))
    warnings = [clean(str(w), 200) for w in getattr(preview, "warnings", ()) or ()]
    return name, lines, warnings
