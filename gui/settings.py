"""The few remembered choices, declared once with defaults, kept in an ini in the data dir."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from core.paths import data_dir

DEFAULTS: dict[str, object] = {
    "last_site_id": 0,
    "last_interface": "",
    "report_preparer": "",
}


class Settings:
    """Typed access to the remembered choices (never the real user config in tests: data_dir)."""

    def __init__(self) -> None:
        path = data_dir() / "gui-settings.ini"
        self._qt = QSettings(str(path), QSettings.Format.IniFormat)

    @property
    def last_site_id(self) -> int:
        try:
            return int(str(self._qt.value("last_site_id", DEFAULTS["last_site_id"])))
        except ValueError:
            return 0

    @last_site_id.setter
    def last_site_id(self, value: int) -> None:
        self._qt.setValue("last_site_id", int(value))

    @property
    def last_interface(self) -> str:
        return str(self._qt.value("last_interface", DEFAULTS["last_interface"]) or "")

    @last_interface.setter
    def last_interface(self, value: str) -> None:
        self._qt.setValue("last_interface", value)

    @property
    def report_preparer(self) -> str:
        """Who prepares reports (typed once in Site > Report; never the OS account name)."""
        return str(self._qt.value("report_preparer", DEFAULTS["report_preparer"]) or "")

    @report_preparer.setter
    def report_preparer(self, value: str) -> None:
        self._qt.setValue("report_preparer", value.strip())

    def sync(self) -> None:
        self._qt.sync()
