"""Help > Load a newer vulnerability catalogue…, read off the GUI thread; the catalogue in use."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMainWindow

from core.fingerprints import CatalogUpdate
from gui import dialogs
from gui.site_controller import SiteController
from gui.text import clean
from gui.views import DashboardData


class CatalogActions(QObject):
    """The load action and the status bar's "Vulnerability catalogue: …" label."""

    def __init__(self, window: QMainWindow, controller: SiteController,
                 reassess_page: Callable[[], None]) -> None:
        super().__init__(window)
        self.window = window
        self.controller = controller
        self.reassess_page = reassess_page
        self.in_use = ""
        self.load_action = QAction(self.tr("Load a newer &vulnerability catalogue…"), self)
        self.load_action.setToolTip(self.tr(
            "Use a newer CISA Known Exploited Vulnerabilities file without a new release"))
        self.load_action.triggered.connect(self.ask_and_load)
        self.status_label = QLabel()
        self.status_label.setAccessibleName(self.tr("Vulnerability catalogue in use"))
        window.statusBar().addPermanentWidget(self.status_label)
        controller.catalog_loaded.connect(self._loaded)
        controller.dashboard_ready.connect(self._show_in_use)

    def ask_and_load(self) -> None:
        path = dialogs.ask_catalog_path(self.window, self.tr("Load a vulnerability catalogue"))
        if path is not None:
            self.controller.load_catalog(path)

    def _loaded(self, update: CatalogUpdate) -> None:
        text = clean(update.describe(), 400)
        if update.installed:
            self.reassess_page()
            if self.controller.site is not None:
                text += " " + self.tr("The open site is being checked against it again.")
        dialogs.tell(self.window, self.tr("Vulnerability catalogue"), text)

    def _show_in_use(self, data: DashboardData) -> None:
        if data.catalog:
            self.in_use = clean(data.catalog, 200)
            self.status_label.setText(self.tr("Vulnerability catalogue: {0}").format(
                self.in_use))
