"""First run: what the app does, what a scan sends, which network and which site; nothing scans."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from core.models import Interface
from gui.network_roles import RoleCombo
from gui.scan_bar import interface_text

INTRO = (
    "IoT Hygiene finds the devices on your office network — printers, cameras, smart-home "
    "gadgets, TVs, storage boxes, routers — tells you in plain words what makes each one unsafe, "
    "and walks you through fixing it. Everything stays on this computer.")
WHAT_IS_SENT = (
    "When you press Scan (never before), the app asks every address on the chosen network who is "
    "there, listens for devices announcing themselves (mDNS, UPnP), and knocks on a short list of "
    "ports on each device it finds to read what it says about itself. It does not try any "
    "passwords unless you authorise that separately. Only scan networks you are allowed to check.")


class WelcomeDialog(QDialog):
    """Asks for the network and a site name; Accept means 'set up', the sample button opens the
    sample office instead (then `wants_sample` is True)."""

    def __init__(self, interfaces: tuple[Interface, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Welcome to IoT Hygiene"))
        self.wants_sample = False
        self.interfaces = interfaces
        self.site_edit = QLineEdit()
        self.site_edit.setPlaceholderText(self.tr("e.g. Acme Dental, main office"))
        self.site_edit.textChanged.connect(self._update_ok)
        self.network_group = QButtonGroup(self)
        self.role_combo = RoleCombo()
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(self.tr("Set up this site"),
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        self.sample_button = QPushButton(self.tr("Explore the sample office first"))
        self.buttons.addButton(self.sample_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.sample_button.clicked.connect(self._open_sample)
        self._build()
        self._update_ok()
        self.resize(640, 520)

    def _build(self) -> None:
        title = QLabel(self.tr("Welcome to IoT Hygiene"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        for text in (INTRO, WHAT_IS_SENT):
            label = QLabel(self.tr(text))
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(label)
        layout.addSpacing(8)
        form = QFormLayout()
        site_label = QLabel(self.tr("&Which site is this?"))
        site_label.setBuddy(self.site_edit)
        form.addRow(site_label, self.site_edit)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Which network should be scanned?")))
        for number, interface in enumerate(self.interfaces):
            radio = QRadioButton(interface_text(interface))
            radio.setChecked(interface.is_default or number == 0)
            self.network_group.addButton(radio, number)
            layout.addWidget(radio)
        self.network_group.idToggled.connect(self._update_ok)
        role_form = QFormLayout()
        role_label = QLabel(self.tr("What is this network &for?"))
        role_label.setBuddy(self.role_combo)
        role_form.addRow(role_label, self.role_combo)
        layout.addLayout(role_form)
        if not self.interfaces:
            empty = QLabel(self.tr("No connected network was found. Connect to the office "
                                   "network, or explore the sample office."))
            empty.setWordWrap(True)
            layout.addWidget(empty)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    @property
    def site_name(self) -> str:
        return " ".join(self.site_edit.text().split())

    @property
    def role(self) -> str:
        """The chosen network's role: work, home or guest."""
        return self.role_combo.role

    @property
    def interface(self) -> Interface | None:
        chosen = self.network_group.checkedId()
        return self.interfaces[chosen] if 0 <= chosen < len(self.interfaces) else None

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(bool(self.site_name) and self.interface is not None)

    def _open_sample(self) -> None:
        self.wants_sample = True
        self.accept()
