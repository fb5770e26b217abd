"""The device page's Notes & owner tab: name, owner, location, support end, notes, keychain."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Signal
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


class DeviceNotes(QWidget):
    """Saves through the session when the user presses Save (or stores a password at once)."""

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
        self.support_edit = QDateEdit()
        self.support_edit.setDisplayFormat("yyyy-MM-dd")
        self.support_edit.setCalendarPopup(True)
        self.support_edit.setMinimumDate(NO_DATE)
        self.support_edit.setSpecialValueText(self.tr("Not known"))
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setTabChangesFocus(True)
        self.save_button = QPushButton(self.tr("&Save notes"))
        self.save_button.clicked.connect(self.save)
        self.saved_label = plain_label(wrap=False)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName(self.tr("Device admin password"))
        self.password_edit.setPlaceholderText(self.tr("Device admin password"))
        self.store_password_button = QPushButton(self.tr("Store in the &keychain"))
        self.store_password_button.clicked.connect(self.store_password)
        self.forget_password_button = QPushButton(self.tr("Forget"))
        self.forget_password_button.clicked.connect(self.forget_password)
        self.password_status = plain_label()
        self._build()

    def _build(self) -> None:
        password_row = QHBoxLayout()
        for widget in (self.password_edit, self.store_password_button,
                       self.forget_password_button):
            password_row.addWidget(widget)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.saved_label, 1)
        form = QFormLayout(self)
        form.addRow(self.tr("&Name"), self.label_edit)
        form.addRow(self.tr("O&wner"), self.owner_edit)
        form.addRow(self.tr("Locat&ion"), self.location_edit)
        form.addRow(self.tr("Support &ends"), self.support_edit)
        form.addRow(self.tr("Not&es"), self.notes_edit)
        form.addRow("", buttons)
        form.addRow(self.tr("Admin password"), password_row)
        form.addRow("", self.password_status)

    def show_details(self, site_id: int, mac: str, details: DeviceDetails) -> None:
        self.site_id, self.mac = site_id, mac
        self.label_edit.setText(details.label)
        self.owner_edit.setText(details.owner)
        self.location_edit.setText(details.location)
        date = QDate.fromString(details.support_end, "yyyy-MM-dd")
        self.support_edit.setDate(date if date.isValid() else NO_DATE)
        self.notes_edit.setPlainText(details.notes)
        self.password_edit.clear()
        self.saved_label.setText("")
        self._show_password_status()

    def values(self) -> DeviceNotesFields:
        date = self.support_edit.date()
        return DeviceNotesFields(
            label=self.label_edit.text().strip(), owner=self.owner_edit.text().strip(),
            location=self.location_edit.text().strip(), notes=self.notes_edit.toPlainText(),
            support_end="" if date == NO_DATE else date.toString("yyyy-MM-dd"))

    def save(self) -> None:
        fields = self.values()
        if self._guard(lambda: self.session.save_notes(self.site_id, self.mac, fields)):
            self.saved_label.setText(self.tr("Saved."))
            self.saved.emit(fields.label)

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
