"""Network roles in the window: a role picker, the New site dialog and Site > Networks…."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.widgets import plain_label

ROLE_TEXTS = (
    ("work", "Work network (office computers and devices the business owns)"),
    ("home", "Home network (a home office: family devices belong here)"),
    ("guest", "Guest network (visitors' phones and laptops)"),
)
ROLE_HELP = (
    "The role decides what is out of place: a home or guest device on a work network, or a work "
    "device on a guest network, is flagged; home gadgets on a home network are fine.")


class RoleCombo(QComboBox):
    """Work, home or guest, in plain words."""

    def __init__(self, role: str = "work", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        for value, text in ROLE_TEXTS:
            self.addItem(self.tr(text), value)
        self.setAccessibleName(self.tr("Network role"))
        self.set_role(role)

    @property
    def role(self) -> str:
        return str(self.currentData())

    def set_role(self, role: str) -> None:
        index = self.findData(role)
        self.setCurrentIndex(index if index >= 0 else 0)


class NewSiteDialog(QDialog):
    """Site > New site: a name, the network and its role (the same choices as the welcome)."""

    def __init__(self, network: str = "", parent: QWidget | None = None,
                 taken: Sequence[str] = ()) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New site"))
        self.taken = {name.casefold() for name in taken}
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("e.g. Acme Dental, main office"))
        self.name_edit.setAccessibleName(self.tr("Site name"))
        self.network_edit = QLineEdit(network)
        self.network_edit.setPlaceholderText("192.168.1.0/24")
        self.network_edit.setAccessibleName(self.tr("Network"))
        self.role_combo = RoleCombo()
        self.problem_label = plain_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Create site"))
        buttons.accepted.connect(self._accept_if_valid)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("&Name of the site:"), self.name_edit)
        form.addRow(self.tr("N&etwork (optional):"), self.network_edit)
        form.addRow(self.tr("What the network is &for:"), self.role_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(plain_label(self.tr(ROLE_HELP)))
        layout.addWidget(self.problem_label)
        layout.addWidget(buttons)

    @property
    def site_name(self) -> str:
        return " ".join(self.name_edit.text().split())

    @property
    def network(self) -> str:
        return self.network_edit.text().strip()

    @property
    def role(self) -> str:
        return self.role_combo.role

    def _accept_if_valid(self) -> None:
        problem = site_problem(self.site_name, self.network)
        if not problem and self.site_name.casefold() in self.taken:
            problem = f"A site called {self.site_name!r} already exists. Choose another name."
        self.problem_label.setText(self.tr(problem))
        if not problem:
            self.accept()


def site_problem(name: str, network: str) -> str:
    """Why a new site cannot be made as typed ("" when it can)."""
    if not name:
        return "Type a name for the site first, for example: Main office."
    if network and not _is_network(network):
        return f"{network!r} is not a network. Write it like 192.168.1.0/24, or leave it empty."
    return ""


class NetworksDialog(QDialog):
    """Site > Networks…: each of the site's networks with its role; add one by typing it."""

    def __init__(self, site_name: str, roles: Mapping[str, str], networks: Sequence[str] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Networks of {0}").format(site_name))
        self.combos: dict[str, RoleCombo] = {}
        self.form = QFormLayout()
        for network in dict.fromkeys([*roles, *networks]):
            self._add_row(network, roles.get(network, ""))
        self.add_edit = QLineEdit()
        self.add_edit.setPlaceholderText("192.168.2.0/24")
        self.add_edit.setAccessibleName(self.tr("Network to add"))
        self.add_edit.returnPressed.connect(self.add_network)
        self.add_button = QPushButton(self.tr("&Add network"))
        self.add_button.clicked.connect(self.add_network)
        self.problem_label = plain_label()
        adding = QHBoxLayout()
        adding.addWidget(self.add_edit, 1)
        adding.addWidget(self.add_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(self.tr(ROLE_HELP)))
        if not self.combos:
            layout.addWidget(QLabel(self.tr("No network yet: add the one you scan.")))
        layout.addLayout(self.form)
        layout.addLayout(adding)
        layout.addWidget(self.problem_label)
        layout.addWidget(buttons)

    def _add_row(self, network: str, role: str) -> None:
        combo = RoleCombo(role or "work")
        combo.setAccessibleName(self.tr("Role of {0}").format(network))
        self.combos[network] = combo
        self.form.addRow(network, combo)

    def add_network(self) -> None:
        text = self.add_edit.text().strip()
        if not _is_network(text):
            self.problem_label.setText(self.tr(
                "Type a network like 192.168.2.0/24 first." if not text else
                f"{text!r} is not a network. Write it like 192.168.2.0/24."))
            return
        canonical = str(ipaddress.ip_network(text, strict=False))
        if canonical not in self.combos:
            self._add_row(canonical, "work")
        self.add_edit.clear()
        self.problem_label.setText("")

    @property
    def roles(self) -> dict[str, str]:
        return {network: combo.role for network, combo in self.combos.items()}


def _is_network(text: str) -> bool:
    try:
        ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return False
    return bool(text.strip())
