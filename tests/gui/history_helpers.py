"""Shared set-ups for the history and housekeeping window tests: a site with crafted scans."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtWidgets import QDialog, QMessageBox

from core.models import Device, Finding, ScanResult
from core.store import Store
from gui.main_window import MainWindow
from tests.fixtures.db.builders import device, finding, scan

NETWORK = "192.0.2.0/24"
PRINTER, CAMERA, NAS, PHONE = ("aa:bb:cc:00:00:01", "aa:bb:cc:00:00:02", "aa:bb:cc:00:00:03",
                               "aa:bb:cc:00:00:04")


def at(days_ago: int, hour: int) -> str:
    """An ISO UTC time for a local day `days_ago` before today at `hour` o'clock."""
    local = dt.datetime.now().astimezone().replace(hour=hour, minute=0, second=0, microsecond=0)
    when = (local - dt.timedelta(days=days_ago)).astimezone(dt.UTC)
    return when.strftime("%Y-%m-%dT%H:%M:00Z")


def web(ip: str = "192.0.2.1") -> Device:
    return replace(device(PRINTER, ip, ports=(80,)), sources=("arp", "mdns"))


def cam(extra: tuple[Finding, ...] = ()) -> Device:
    return replace(device(CAMERA, "192.0.2.2", findings=(finding("telnet", port=23), *extra)),
                   sources=("arp", "ssdp"))


def history_scans() -> list[ScanResult]:
    """Two scans two days ago... the last visit: yesterday's (morning and afternoon); today's
    scan adds a phone, moves the printer's address and finds a new problem on the camera."""
    nas = device(NAS, "192.0.2.3")  # ARP-only: missing once is only "not sure it is gone"
    return [
        scan(at(2, 11), web(), cam(), nas, network=NETWORK),
        scan(at(1, 10), web(), cam(), nas, network=NETWORK),
        scan(at(1, 16), web(), cam(), nas, network=NETWORK),
        scan(at(0, 9), web("192.0.2.9"), cam((finding("upnp"),)),
             replace(device(PHONE, "192.0.2.4"), sources=("arp", "mdns")), network=NETWORK),
    ]


def saved_site(window: MainWindow, scans: list[ScanResult], name: str = "Acme Dental"
               ) -> tuple[int, list[int]]:
    """A site on NETWORK with these scans, opened in the window."""
    store: Store = window.session.store
    site = store.create_site(name, networks=[NETWORK], work_networks=[NETWORK])
    ids = [store.save_scan(site.id, result) for result in scans]
    window.controller.reload_sites(site.id)
    return site.id, ids


def press(text: str) -> Callable[[QDialog], int]:
    """A modal handler that clicks the message box button with this text."""
    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, QMessageBox)
        next(b for b in dialog.buttons() if b.text() == text).click()
        return 0
    return answer


def cancel(dialog: QDialog) -> int:
    assert isinstance(dialog, QMessageBox)
    dialog.button(QMessageBox.StandardButton.Cancel).click()
    return 0
