"""The scan bar: which network, which mode, Scan / Cancel, progress in words, consent banner."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.models import Interface, Progress, ScanPhase
from gui.colours import BANNER_BACKGROUND, BANNER_TEXT
from gui.text import clean

PHASE_WORDS = {
    ScanPhase.STARTING: "Getting ready…",
    ScanPhase.ARP: "Finding devices on the network…",
    ScanPhase.MDNS: "Asking devices for their names…",
    ScanPhase.SSDP: "Looking for UPnP devices…",
    ScanPhase.NAMES: "Resolving names…",
    ScanPhase.CHECKS: "Checking each device for problems…",
    ScanPhase.DONE: "Done",
}


def interface_text(interface: Interface) -> str:
    return f"{interface.name}   {interface.ipv4}   ({interface.network})"


class ScanBar(QWidget):
    """Emits scan_requested / cancel_requested; the window owns the scan itself."""

    scan_requested = Signal()
    cancel_requested = Signal()
    consent_requested = Signal()
    consent_withdrawn = Signal()
    interface_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.interface_combo = QComboBox()
        self.interface_combo.setMinimumContentsLength(28)
        self.interface_combo.setToolTip(self.tr("The network to scan"))
        self.interface_combo.currentIndexChanged.connect(self._on_interface)
        self.mode_combo = QComboBox()
        self.mode_combo.setSizeAdjustPolicy(  # the list shows the whole text
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.mode_combo.setMinimumContentsLength(30)
        self.mode_combo.addItem(self.tr("Standard (no admin rights needed)"), False)
        self.mode_combo.addItem(self.tr("Deep (needs admin rights)"), True)
        for index, tip in enumerate((
                self.tr("Finds the devices that answer or announce themselves; works for any "
                        "user."),
                self.tr("Also finds devices that stay quiet, by asking every address "
                        "directly; the computer only allows that with admin rights."))):
            self.mode_combo.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)
        self.thorough_check = QCheckBox(self.tr("Thorough (all &1,000 common ports, slower)"))
        self.thorough_check.setAccessibleName(self.tr("Thorough scan: check all common ports"))
        self.thorough_check.setToolTip(self.tr(
            "Also checks the 1,000 most common network ports of every device, not only the "
            "twenty or so that devices usually use. Finds unusual services; takes a few "
            "seconds more per device."))
        self.scan_button = QPushButton(self.tr("Sc&an"))
        self.scan_button.setDefault(True)
        self.scan_button.clicked.connect(self.scan_requested)
        self.cancel_button = QPushButton(self.tr("&Cancel"))
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(12)
        self.phase_label = QLabel()
        self.phase_label.setTextFormat(Qt.TextFormat.PlainText)
        self.consent_label = QLabel()
        self.consent_label.setTextFormat(Qt.TextFormat.PlainText)
        self.consent_label.setObjectName("consentBanner")
        self.consent_button = QPushButton(self.tr("Authorise password checks…"))
        self.consent_button.clicked.connect(self.consent_requested)
        self.withdraw_button = QPushButton(self.tr("Withdraw"))
        self.withdraw_button.clicked.connect(self.consent_withdrawn)
        self._build()
        self.set_interfaces(())
        self.set_scanning(False)
        self.set_consent("")

    def _build(self) -> None:
        top = QHBoxLayout()
        network = QLabel(self.tr("&Network:"))
        network.setBuddy(self.interface_combo)
        mode = QLabel(self.tr("&Mode:"))
        mode.setBuddy(self.mode_combo)
        for widget in (network, self.interface_combo, mode, self.mode_combo):
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.consent_button)
        top.addWidget(self.scan_button)
        top.addWidget(self.cancel_button)
        bottom = QHBoxLayout()  # the thorough choice sits under the mode: the top row is full
        bottom.addWidget(self.thorough_check)
        bottom.addWidget(self.progress, 2)
        bottom.addWidget(self.phase_label, 3)
        bottom.addWidget(self.consent_label)
        bottom.addWidget(self.withdraw_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(bottom)

    # -- state
    def set_interfaces(self, interfaces: tuple[Interface, ...], chosen: str = "") -> None:
        self.interface_combo.blockSignals(True)
        self.interface_combo.clear()
        self.interface_combo.addItem(self.tr("Choose a network…") if interfaces
                                     else self.tr("No network found"), None)
        for interface in interfaces:
            self.interface_combo.addItem(interface_text(interface), interface)
        names = [i.name for i in interfaces]
        if chosen in names:
            self.interface_combo.setCurrentIndex(names.index(chosen) + 1)
        self.interface_combo.blockSignals(False)
        self._update_enabled()

    def set_deep_mode(self, allowed: bool, reason: str) -> None:
        model = self.mode_combo.model()  # a QComboBox's own model is a QStandardItemModel
        deep_item = model.item(1) if isinstance(model, QStandardItemModel) else None
        if deep_item is not None:
            deep_item.setEnabled(allowed)
        tip = self.tr("Deep mode asks every address directly, so devices that stay quiet are "
                      "found too; the computer only allows that with admin rights.")
        if not allowed:
            self.mode_combo.setCurrentIndex(0)
            tip += " " + (reason or self.tr("Not available: the app runs without admin rights."))
        self.mode_combo.setToolTip(tip)

    @property
    def interface(self) -> Interface | None:
        value = self.interface_combo.currentData()
        return value if isinstance(value, Interface) else None

    @property
    def deep(self) -> bool:
        return bool(self.mode_combo.currentData())

    @property
    def thorough(self) -> bool:
        return self.thorough_check.isChecked()

    def set_scanning(self, scanning: bool) -> None:
        self._scanning = scanning
        self.cancel_button.setVisible(scanning)
        self.cancel_button.setEnabled(scanning)
        self.progress.setVisible(scanning)
        for widget in (self.interface_combo, self.mode_combo, self.thorough_check,
                       self.consent_button):
            widget.setEnabled(not scanning)
        if scanning:
            self.progress.setValue(0)
            self.phase_label.setText(self.tr(PHASE_WORDS[ScanPhase.STARTING]))
        self._update_enabled()

    def show_progress(self, progress: Progress) -> None:
        self.progress.setValue(int(max(0.0, min(1.0, progress.fraction)) * 1000))
        words = self.tr(PHASE_WORDS.get(progress.phase, ""))
        detail = clean(progress.message, 120)
        same = detail.casefold().rstrip(".…") == words.casefold().rstrip(".…")
        self.phase_label.setText(f"{words}  {detail}".strip() if detail and not same else words)

    def show_status(self, text: str) -> None:
        self.phase_label.setText(text)

    def set_consent(self, who: str) -> None:
        """Show (or hide) the banner that password checks are authorised for the next scan."""
        active = bool(who)
        self.consent_label.setVisible(active)
        self.withdraw_button.setVisible(active)
        self.consent_button.setVisible(not active)
        if active:
            self.consent_label.setText(
                self.tr("Password checks authorised by {0} for this scan").format(clean(who, 60)))
            self.consent_label.setStyleSheet(
                f"QLabel#consentBanner {{ background: {BANNER_BACKGROUND.name()};"
                f" color: {BANNER_TEXT.name()}; padding: 2px 8px; border-radius: 3px;"
                " font-weight: bold; }")

    def _on_interface(self) -> None:
        self._update_enabled()
        self.interface_changed.emit()

    def set_scan_blocked(self, reason: str) -> None:
        """Disable Scan for a reason other than the network (e.g. the sample office)."""
        self._blocked = reason
        self._update_enabled()

    def _update_enabled(self) -> None:
        blocked = getattr(self, "_blocked", "")
        ready = (self.interface is not None and not getattr(self, "_scanning", False)
                 and not blocked)
        self.scan_button.setEnabled(ready)
        tip = blocked or ("" if self.interface is not None else self.tr("Choose a network first"))
        self.scan_button.setToolTip(tip)
