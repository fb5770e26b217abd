"""The watch's system tray icon and menu, and its desktop notifications for alert events."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from core.models import Severity
from core.monitoring import Event, EventKind
from gui.text import clean

log = logging.getLogger(__name__)
MESSAGE_MS = 15_000
SUMMARY_LINES = 3
_TITLES = {
    EventKind.NEW_DEVICE: "New device on {site}",
    EventKind.NEW_PRIVATE_DEVICES: "New devices on {site}",
    EventKind.PORT_OPENED: "New open port on {site}",
    EventKind.FINDING_OPENED: "New {severity} finding on {site}",
    EventKind.IDENTITY_CHANGED: "A device changed identity on {site}",
    EventKind.GATEWAY_MAC_CHANGED: "Gateway MAC changed on {site}",
}


@dataclass(frozen=True)
class Notification:
    """One desktop notification and the device a click on it opens (mac "" opens the window)."""

    title: str
    text: str
    site: str = ""
    mac: str = ""
    critical: bool = False


def should_notify(event: Event) -> bool:
    """Alerts a person hears about: new device(s), port, finding above low, identity, gateway."""
    if not event.is_alert or event.kind not in _TITLES:
        return False
    if event.kind is EventKind.FINDING_OPENED:
        severity = event.finding.severity if event.finding else event.severity
        return severity is not None and severity.rank > Severity.LOW.rank
    return True


def notification_of(event: Event) -> Notification:
    """The notification for one alert event (network text cleaned, bounded)."""
    site = clean(event.site, 60)
    severity = event.finding.severity.value if event.finding else ""
    title = _TITLES.get(event.kind, "Alert on {site}").format(site=site, severity=severity)
    device = event.device
    mac = device.mac if device else ""
    if event.kind is EventKind.NEW_DEVICE and device is not None:
        name = clean(device.name or device.model or device.mac, 80)
        what = ", ".join(clean(part, 40) for part in (device.vendor or "unknown maker",
                                                      device.category or "unknown type"))
        where = " ".join(p for p in (device.ip, device.mac) if p and p != name)
        text = f"{name} — {what}" + (f"\n{where}" if where else "")
    elif event.kind is EventKind.NEW_PRIVATE_DEVICES:
        text = (f"{event.count} devices with a private (random) address joined, most likely "
                "phones or laptops.")
        mac = ""
    else:
        text = clean(event.message, 240)
    critical = event.severity is not None and event.severity.rank >= Severity.HIGH.rank
    return Notification(title, text, event.site, mac, critical)


def summary_of(notifications: list[Notification]) -> Notification:
    """Several alerts from one scan: one notification listing the first few."""
    if len(notifications) == 1:
        return notifications[0]
    first = notifications[0]
    lines = [n.title for n in notifications[:SUMMARY_LINES]]
    more = len(notifications) - SUMMARY_LINES
    if more > 0:
        lines.append(f"and {more} more")
    return Notification(f"{len(notifications)} alerts on {clean(first.site, 60)}",
                        "\n".join(lines), first.site, first.mac,
                        any(n.critical for n in notifications))


class WatchTray(QObject):
    """The tray icon (only where the desktop has a tray) with Pause/Resume, Scan now, Open and
    Quit, and the alert notifications. Alerts of one watch scan are collected and shown when
    it ends: one notification, or one summary; a click opens the device it was about."""

    notified = Signal(object)  # Notification: every one shown (also when there is no tray)
    device_requested = Signal(str, str)  # site name, MAC: the user clicked an alert
    pause_requested = Signal()
    resume_requested = Signal()
    scan_requested = Signal()
    open_requested = Signal()
    quit_requested = Signal()

    def __init__(self, icon: QIcon, parent: QObject | None = None,
                 available: bool | None = None, menu_parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.available = (QSystemTrayIcon.isSystemTrayAvailable() if available is None
                          else available)
        self.paused = False
        self.last: Notification | None = None
        self._pending: list[Notification] = []
        self.menu = QMenu(menu_parent)  # owned by the window: deleted on the GUI thread
        self.pause_action = QAction(self.tr("&Pause watching"), self)
        self.scan_action = QAction(self.tr("&Scan now"), self)
        self.open_action = QAction(self.tr("&Open IoT Hygiene"), self)
        self.quit_action = QAction(self.tr("&Quit"), self)
        for action in (self.pause_action, self.scan_action, self.open_action):
            self.menu.addAction(action)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        self.pause_action.triggered.connect(self._toggle_pause)
        self.scan_action.triggered.connect(self.scan_requested.emit)
        self.open_action.triggered.connect(self.open_requested.emit)
        self.quit_action.triggered.connect(self.quit_requested.emit)
        self.icon: QSystemTrayIcon | None = None
        if self.available:
            self.icon = QSystemTrayIcon(icon, self)
            self.icon.setContextMenu(self.menu)
            self.icon.setToolTip(self.tr("IoT Hygiene"))
            self.icon.messageClicked.connect(self.message_clicked)
            self.icon.activated.connect(self._activated)

    def set_state(self, watching: bool, paused: bool, sites: list[str]) -> None:
        """Show the icon while watching; the menu says Pause or Resume."""
        self.paused = paused
        self.pause_action.setText(self.tr("&Resume watching") if paused
                                  else self.tr("&Pause watching"))
        for action in (self.pause_action, self.scan_action):
            action.setEnabled(watching)
        if self.icon is not None:
            names = ", ".join(clean(s, 40) for s in sites)
            tip = (self.tr("IoT Hygiene: watching {0}").format(names) if watching
                   else self.tr("IoT Hygiene"))
            self.icon.setToolTip(tip + (self.tr(" (paused)") if paused else ""))
            self.icon.setVisible(watching)

    def _toggle_pause(self) -> None:
        if self.paused:
            self.resume_requested.emit()
        else:
            self.pause_requested.emit()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger,
                      QSystemTrayIcon.ActivationReason.DoubleClick):
            self.open_requested.emit()

    # -- alerts
    def handle(self, event: Event) -> None:
        """Collect the alerts of a watch scan; show them when its end arrives."""
        if should_notify(event):
            self._pending.append(notification_of(event))
        elif event.kind in (EventKind.SCAN_FINISHED, EventKind.SCAN_FAILED):
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        self.show(summary_of(pending))

    def show(self, note: Notification) -> None:
        self.last = note
        if self.icon is not None:
            kind = (QSystemTrayIcon.MessageIcon.Warning if note.critical
                    else QSystemTrayIcon.MessageIcon.Information)
            self.icon.showMessage(note.title, note.text, kind, MESSAGE_MS)
        self.notified.emit(note)

    def message_clicked(self) -> None:
        """The last notification was clicked: open its device (or just the window)."""
        note = self.last
        if note is not None and note.mac:
            self.device_requested.emit(note.site, note.mac)
        else:
            self.open_requested.emit()
