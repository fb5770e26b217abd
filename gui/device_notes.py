"""The device page's Notes & owner tab: name, owner, place, support end, review date, notes."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from core.errors import KnownError
from gui import dialogs
from gui.views import DeviceDetails, DeviceNotesFields
from gui.widgets import plain_label

if TYPE_CHECKING:
    from gui.session import Session

NO_DATE = QDate(2000, 1, 1)  # the date edit's "Not known" value
AUTOSAVE_MS = 800  # typing saves itself after this pause (and at once when the page is left)


class DeviceNotes(QWidget):
    """Saves through the session as the user types (after a short pause), when the page is
    left (flush) or when Save is pressed; a failed save is always reported, never dropped
    silently. A password is stored at once."""

    saved = Signal(str)  # the device's own name as saved ("" when none)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.site_id = 0
        self.mac = ""
        self.label_edit = QLineEdit()
        self.label_edit.setPlaceholderText(self.tr("Your own name for it, e.g. Reception printer"))
        self.owner_edit = QLineEdit()
        self.owner_edit.setPlaceholderText(self.tr("Who is responsible for it"))
        self.location_edit = QLineEdit()
        self.location_edit.setPlaceholderText(self.tr("e.g. Reception desk"))
        self.support_edit = self._date_edit(self.tr("Not known"))
        self.review_edit = self._date_edit(self.tr("Not set"))
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setTabChangesFocus(True)
        self.save_button = QPushButton(self.tr("Sa&ve now"))
        self.save_button.clicked.connect(self.save)
        self.saved_label = plain_label(wrap=False)
        self.dirty = False  # typed but not saved yet
        self._loading = False
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.save)
        for edit in (self.label_edit, self.owner_edit, self.location_edit):
            edit.textEdited.connect(self._edited)
        self.notes_edit.textChanged.connect(self._edited)
        self.support_edit.dateChanged.connect(self._edited)
        self.review_edit.dateChanged.connect(self._edited)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName(self.tr("Device admin password"))
        self.password_edit.setPlaceholderText(self.tr("Device admin password"))
        self.store_password_button = QPushButton(self.tr("Store in the ke&ychain"))
        self.store_password_button.clicked.connect(self.store_password)
        self.forget_password_button = QPushButton(self.tr("Forget"))
        self.forget_password_button.clicked.connect(self.forget_password)
        self.password_status = plain_label()
        self._build()

    def _date_edit(self, unset_text: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setCalendarPopup(True)
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText(unset_text)
        return edit

    def _build(self) -> None:
        password_row = QHBoxLayout()
        for widget in (self.password_edit, self.store_password_button,
                       self.forget_password_button):
            password_row.addWidget(widget)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.saved_label, 1)
        form = QFormLayout(self)
        form.addRow(self.tr("Nam&e"), self.label_edit)
        form.addRow(self.tr("O&wner"), self.owner_edit)
        form.addRow(self.tr("L&ocation"), self.location_edit)
        form.addRow(self.tr("S&upport ends"), self.support_edit)
        form.addRow(self.tr("Ne&xt review"), self.review_edit)
        form.addRow(self.tr("No&tes"), self.notes_edit)
        form.addRow("", buttons)
        form.addRow(self.tr("Admin password"), password_row)
        form.addRow("", self.password_status)

    def show_details(self, site_id: int, mac: str, details: DeviceDetails) -> None:
        """Show the saved fields of a device (callers flush() what was typed first)."""
        self._autosave.stop()
        self.dirty = False
        self.site_id, self.mac = site_id, mac
        self._loading = True
        try:
            self.label_edit.setText(details.label)
            self.owner_edit.setText(details.owner)
            self.location_edit.setText(details.location)
            _show_date(self.support_edit, details.support_end)
            _show_date(self.review_edit, details.review_date)
            self.notes_edit.setPlainText(details.notes)
        finally:
            self._loading = False
        self.password_edit.clear()
        self.saved_label.setText("")
        self._show_password_status()

    def _edited(self) -> None:
        if self._loading or not self.mac:
            return
        self.dirty = True
        self.saved_label.setText(self.tr("Saving…"))
        self._autosave.start()

    def flush(self) -> bool:
        """Save at once whatever was typed and not saved yet; False when that failed (the
        user was told; a second flush then lets the page move on)."""
        if not self.dirty:
            self._autosave.stop()
            return True
        if self.save():
            return True
        self.dirty = False  # reported once; the text stays on the page to copy or retype
        return False

    def values(self) -> DeviceNotesFields:
        return DeviceNotesFields(
            label=self.label_edit.text().strip(), owner=self.owner_edit.text().strip(),
            location=self.location_edit.text().strip(), notes=self.notes_edit.toPlainText(),
            support_end=_iso(self.support_edit), review_date=_iso(self.review_edit))

    def save(self) -> bool:
        """Save the fields now; a failure is shown, and said next to the Save button."""
        self._autosave.stop()
        if not self.mac:
            return True
        fields = self.values()
        if not self._guard(lambda: self.session.save_notes(self.site_id, self.mac, fields)):
            self.saved_label.setText(self.tr("Not saved: see the message."))
            return False
        self.dirty = False
        self.saved_label.setText(self.tr("Saved."))
        self.saved.emit(fields.label)
        return True

    def store_password(self) -> None:
        password = self.password_edit.text()
        if password and self._guard(
                lambda: self.session.store_password(self.site_id, self.mac, password)):
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

    def _guard(self, action: Callable[[], object]) -> bool:
        try:
            action()
        except KnownError as exc:
            dialogs.show_known_error(self, exc)
            return False
        return True


def _show_date(edit: QDateEdit, iso: str) -> None:
    date = QDate.fromString(iso, "yyyy-MM-dd")
    edit.setDate(date if date.isValid() else NO_DATE)


def _iso(edit: QDateEdit) -> str:
    date = edit.date()
    return "" if date == NO_DATE else date.toString("yyyy-MM-dd")
