"""The main window: site and network choice, the scan bar and the device list."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core import __version__


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("IoT Hygiene"))
        self.resize(1366, 768)
        self.title_label = QLabel(self.tr("IoT Hygiene"))
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.scan_button = QPushButton(self.tr("Scan"))
        self.scan_button.setEnabled(False)  # enabled once a network is chosen
        self.scan_button.setToolTip(self.tr("Choose a network first"))
        self.status_label = QLabel(self.tr("No scan yet: choose a network and press Scan."))
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.device_table = QTableView()
        self.setCentralWidget(self._build_central())
        self.statusBar().showMessage(self.tr("Version {0}").format(__version__))

    def _build_central(self) -> QWidget:
        bar = QHBoxLayout()
        bar.addWidget(self.title_label)
        bar.addStretch(1)
        bar.addWidget(self.scan_button)
        layout = QVBoxLayout()
        layout.addLayout(bar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.device_table, 1)
        central = QWidget()
        central.setLayout(layout)
        return central
