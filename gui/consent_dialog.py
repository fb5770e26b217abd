"""Authorisation for default-password checks on one site: who allows it and for which network."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

EXPLANATION = (
    "Password checks try the maker's factory passwords first, then a few common ones, on each "
    "login a device offers (web page, telnet, RTSP video; SNMP with the communities public and "
    "private), at most three attempts each. Only run them on a network you are responsible for "
    "or have written permission to test. A password that works is never stored: only the fact "
    "that it worked. The authorisation is recorded with your name and time, and applies to the "
    "next scan.")


class ConsentDialog(QDialog):
    """Accepting returns who authorised the checks and the scope they agreed to."""

    def __init__(self, site_name: str, network: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Authorise password checks"))
        self.network = network
        self.who_edit = QLineEdit()
        self.who_edit.setPlaceholderText(self.tr("Your full name"))
        self.scope_label = QLabel(self.tr("Site: {0}\nNetwork: {1}").format(site_name, network))
        self.scope_label.setTextFormat(Qt.TextFormat.PlainText)
        self.confirm_box = QCheckBox(self.tr(
            "I am allowed to test the devices on this network"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.addButton(self.tr("Authorise"),
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.who_edit.textChanged.connect(self._update_ok)
        self.confirm_box.toggled.connect(self._update_ok)
        explanation = QLabel(self.tr(EXPLANATION))
        explanation.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Authorised &by"), self.who_edit)
        form.addRow(self.tr("Scope"), self.scope_label)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(self.confirm_box)
        layout.addWidget(self.buttons)
        self._update_ok()
        self.resize(520, 300)

    @property
    def who(self) -> str:
        return " ".join(self.who_edit.text().split())[:120]

    @property
    def scope(self) -> str:
        return f"default-password checks on {self.network}, next scan"

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(bool(self.who) and self.confirm_box.isChecked())
