"""Joins watch mode to the window: Site menu entries, the tray, alerts and the scan turn-taking."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QAction, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QDialog, QStatusBar, QStyle, QWidget

from core.cancel import CancelToken
from core.checks import CheckOptions
from core.discovery import ScanRequest
from core.errors import KnownError
from core.models import Device, Progress, ScanResult, Site
from gui import dialogs
from gui.monitoring_dialog import MonitoringDialog
from gui.scan_bar import ScanBar
from gui.scan_controller import ScanController
from gui.scan_service import ScanPlan, ScanService
from gui.session import Session
from gui.site_controller import SAMPLE_SITE_NAME, SiteController
from gui.tasks import TaskRunner
from gui.text import clean
from gui.tray import Notification, WatchTray
from gui.watch import ScanFunction, WatchOptions, WatchService


class WatchWindow(Protocol):
    """What the watch uses of the main window (so this module need not import the window)."""

    controller: SiteController
    session: Session
    scan_service: ScanService
    scan_bar: ScanBar
    tasks: TaskRunner
    scanner: ScanController

    def open_device(self, mac: str) -> None: ...
    def showNormal(self) -> None: ...
    def raise_(self) -> None: ...
    def activateWindow(self) -> None: ...
    def close(self) -> bool: ...
    def isVisible(self) -> bool: ...
    def statusBar(self) -> QStatusBar: ...

log = logging.getLogger(__name__)
STATUS_MS = 15_000


class WindowWatch(QObject):
    """The window's watch mode: starts and stops the per-site watches, keeps the Site menu's
    "Watch this site" in step, turns alerts into notifications (tray, or the status bar where
    the desktop has no tray) and takes turns with the window's own scan."""

    def __init__(self, window: WatchWindow, widget: QWidget,
                 tray_available: bool | None = None) -> None:
        """`window` and `widget` are the main window: what the watch uses of it, and the
        parent its dialogs and menus need."""
        super().__init__(widget)
        self.window = window
        self.widget = widget
        self.controller = window.controller
        self.service = WatchService(window.session.store, self.scan_for, parent=self)
        self.tray = WatchTray(_icon(widget), self, tray_available, menu_parent=widget)
        self.quitting = False
        self.told_hidden = False
        self.quit_app: Callable[[], None] = QCoreApplication.quit
        self.watch_action = QAction(self.tr("&Watch this site"), self)
        self.watch_action.setCheckable(True)
        self.settings_action = QAction(self.tr("&Monitoring settings…"), self)
        self.watch_action.toggled.connect(self.set_watching)
        self.settings_action.triggered.connect(self.open_settings)
        self._connect()
        self._site_changed(self.controller.site)

    def _connect(self) -> None:
        service, tray = self.service, self.tray
        service.event_received.connect(tray.handle)
        service.site_scanned.connect(self._site_scanned)
        service.watch_failed.connect(self._failed)
        service.changed.connect(self._update)
        tray.notified.connect(self._notified)
        tray.pause_requested.connect(service.pause_all)
        tray.resume_requested.connect(service.resume_all)
        tray.scan_requested.connect(service.scan_now)
        tray.open_requested.connect(self.show_window)
        tray.quit_requested.connect(self.quit)
        tray.device_requested.connect(self._open_device)
        self.controller.site_changed.connect(self._site_changed)
        self.controller.device_requested.connect(self.window.open_device)
        self._update()

    def menu_actions(self) -> list[QAction]:
        return [self.watch_action, self.settings_action]

    # -- which sites are watched
    def scan_for(self, site: Site) -> tuple[str, ScanFunction]:
        """The interface and scan function a watch of `site` uses: the window's scan service
        (light scans: discovery only; full ones add the checks, never password checks)."""
        service = self.window.scan_service
        try:
            interfaces = service.interfaces()
        except KnownError:
            interfaces = ()
        interface = next((i for i in interfaces if i.network and i.network in site.networks),
                         None) or self.window.scan_bar.interface
        if interface is None:
            raise KnownError("There is no network to watch.",
                             "Connect the computer and choose the network in the scan bar.")
        chosen = interface

        def scan(request: ScanRequest, checks: CheckOptions | None,
                 cancel: CancelToken) -> ScanResult:
            plan = ScanPlan(interface=chosen, deep=False, run_checks=checks is not None,
                            site_name=site.name)
            return service.scan(plan, cancel, _ignore_progress, _ignore_device)

        return chosen.name, scan

    def start_saved(self) -> None:
        """Resume watching the sites whose watch was left on."""
        for site in self.window.session.sites():
            if self.service.options(site.id).enabled and site.name != SAMPLE_SITE_NAME:
                try:
                    self.service.start(site)
                except KnownError as exc:
                    log.warning("cannot watch site %s: %s", site.id, exc.message)
                    self._status(self.tr("{0} is not watched: {1}").format(
                        clean(site.name, 60), exc.message))
        self._told_no_tray()

    def set_watching(self, on: bool) -> None:
        """The Site menu's toggle: watch the current site, or stop watching it."""
        site = self.controller.site
        if site is None or (on and self.service.watching(site.id)):
            return
        if on and self.controller.is_sample:
            self._status(self.tr("The sample office is a recording: it cannot be watched."))
            self._update()
            return
        options = self.service.options(site.id)
        try:
            if on:
                self.service.start(site)
            else:
                self.service.stop(site.id)
            self.service.save(site.id, _with_enabled(options, on))
        except (KnownError, OSError) as exc:
            self._update()
            dialogs.show_error(self.widget, exc)
            return
        if on:
            self._told_no_tray()

    def open_settings(self) -> None:
        """The current site's Monitoring settings page; saving applies them at once."""
        site = self.controller.site
        if site is None:
            return
        dialog = MonitoringDialog(site, self.service.options(site.id), self.service.folder,
                                  self.window.tasks, self.tray.available, self.widget)
        accepted = dialogs.run_modal(dialog) == QDialog.DialogCode.Accepted
        options = dialog.options()
        dialog.closed = True
        dialog.deleteLater()
        if not accepted:
            return
        if options.enabled and self.controller.is_sample:
            options = _with_enabled(options, False)
        hours_before = self.service.options(site.id).business_hours
        try:
            self.service.save(site.id, options)
            if options.enabled:
                self.service.start(site)  # restarts a running watch with the new options
            else:
                self.service.stop(site.id)
        except (KnownError, OSError) as exc:
            dialogs.show_error(self.widget, exc)
        self._update()
        if options.business_hours != hours_before:
            self.controller.refresh()  # the off-hours findings follow the new hours

    # -- turn-taking with the window's scan
    def begin_manual_scan(self) -> bool:
        """Before the window scans: False (and why, shown) while a watch scan is running."""
        if self.service.begin_manual_scan():
            return True
        self._status(self.tr("The watch is scanning this network now: scan again when it "
                             "finishes."))
        return False

    def end_manual_scan(self) -> None:
        self.service.end_manual_scan()

    # -- closing
    def keep_running_on_close(self) -> bool:
        """Closing the window while watching with a tray hides it; the watch goes on."""
        if self.quitting or not self.service.active or not self.tray.available:
            return False
        QGuiApplication.setQuitOnLastWindowClosed(False)  # a dialog closing must not quit
        if not self.told_hidden:
            self.told_hidden = True
            self.tray.show(Notification(self.tr("IoT Hygiene keeps watching"), self.tr(
                "The window is closed; the watch goes on. Use the tray icon to open it or "
                "quit.")))
        return True

    def show_window(self) -> None:
        QGuiApplication.setQuitOnLastWindowClosed(True)
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def quit(self) -> None:
        """Tray > Quit: stop the watches cleanly, close the window, end the app."""
        self.quitting = True
        QGuiApplication.setQuitOnLastWindowClosed(True)
        self.shutdown()
        self.window.close()
        self.quit_app()

    def shutdown(self) -> None:
        self.service.stop_all()
        if self.tray.icon is not None:
            self.tray.icon.hide()

    # -- reports from the watches
    def _site_changed(self, site: Site | None) -> None:
        self.watch_action.setEnabled(site is not None)
        self.settings_action.setEnabled(site is not None)
        self._update()

    def _update(self) -> None:
        site = self.controller.site
        watching = site is not None and self.service.watching(site.id)
        self.watch_action.blockSignals(True)
        self.watch_action.setChecked(watching)
        self.watch_action.blockSignals(False)
        self.tray.set_state(self.service.active, self.service.user_paused,
                            [s.name for s in self.service.watched_sites()])

    def _site_scanned(self, site_id: int) -> None:
        site = self.controller.site
        if site is not None and site.id == site_id and not self.window.scanner.running:
            self.controller.refresh()

    def _failed(self, site_id: int, exc: object) -> None:
        self._update()
        if isinstance(exc, BaseException) and not self.quitting:
            if self.window.isVisible():
                dialogs.show_error(self.widget, exc)
            else:
                text = exc.message if isinstance(exc, KnownError) else str(exc)
                self.tray.show(Notification(self.tr("The watch stopped"), clean(text, 200)))

    def _notified(self, note: Notification) -> None:
        if not self.tray.available:
            self._status(f"{note.title}: {note.text}".replace("\n", " — "))

    def _open_device(self, site_name: str, mac: str) -> None:
        self.show_window()
        self.controller.open_device(site_name, mac)

    def _told_no_tray(self) -> None:
        if self.service.active and not self.tray.available:
            self._status(self.tr("No system tray on this desktop: the watch runs while this "
                                 "window is open, and alerts appear here."))

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, STATUS_MS)


def _with_enabled(options: WatchOptions, on: bool) -> WatchOptions:
    return replace(options, enabled=on)


def _ignore_progress(progress: Progress) -> None:
    return None


def _ignore_device(device: Device) -> None:
    return None


def _icon(window: QObject) -> QIcon:
    """The app's icon, or a stock computer icon when none is set."""
    icon = QApplication.windowIcon()
    if icon.isNull():
        style = QApplication.style()
        icon = style.standardIcon(QStyle.StandardPixmap.SP_ComputerIcon)
    return icon
