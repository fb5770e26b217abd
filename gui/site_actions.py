"""The window's history, export / import and delete / keep actions, with their confirmations."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from core.errors import KnownError
from core.store import Deletion, ImportSummary
from gui import dialogs
from gui.history import HistoryDialog, describe_import
from gui.session import Session
from gui.site_controller import SiteController
from gui.text import clean


class SiteActions(QObject):
    """Builds the Site and Device menu actions for history, moving and housekeeping; `mac_of`
    tells which device the Device actions are about (the open page's, or the table's)."""

    def __init__(self, parent: QWidget, session: Session, controller: SiteController) -> None:
        super().__init__(parent)
        self.window = parent
        self.session = session
        self.controller = controller
        self.history_dialog: HistoryDialog | None = None
        self.scanning = False
        self.current_mac: Callable[[], str] = lambda: ""  # the window replaces this
        self.history_action = self._action(self.tr("&History and changes…"), self.show_history,
                                           QKeySequence("Ctrl+H"))
        self.export_action = self._action(self.tr("&Export site…"), self.export_site)
        self.import_action = self._action(self.tr("&Import site…"), self.import_site)
        self.delete_site_action = self._action(self.tr("&Delete site…"), self.delete_site)
        self.keep_action = self._action(self.tr("&Keep it counted"), self.toggle_keep)
        self.keep_action.setCheckable(True)
        self.keep_action.setToolTip(self.tr(
            "Count this device in the site score though the latest scan did not see it"))
        self.delete_device_action = self._action(self.tr("De&lete device…"), self.delete_device)
        self.device_actions = (self.keep_action, self.delete_device_action)

    def _action(self, text: str, slot: Callable[[], object],
                shortcut: QKeySequence | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        return action

    @property
    def site_actions(self) -> tuple[QAction, ...]:
        return (self.history_action, self.export_action, self.import_action,
                self.delete_site_action)

    # -- history
    def show_history(self) -> None:
        site = self.controller.site
        if site is None:
            return
        dialog = HistoryDialog(self.session, site, self.window)
        dialog.scan_deleted.connect(self.controller.scan_deleted)
        self.history_dialog = dialog
        dialogs.run_modal(dialog)

    # -- export and import
    def export_site(self) -> None:
        site = self.controller.site
        if site is None:
            return
        stem = "".join(c if c.isalnum() or c in " -_" else "_" for c in site.name).strip()
        path = dialogs.ask_export_path(self.window, self.tr("Export the site"),
                                       f"{stem or 'site'}.iot-hygiene.json")
        if path is not None:
            self.controller.export_site(path)

    def import_site(self) -> ImportSummary | None:
        """Ask for a file, show what importing it adds or changes, import only on confirm."""
        path = dialogs.ask_import_path(self.window, self.tr("Import a site"))
        if path is None:
            return None
        try:
            preview = self.session.preview_import(path)
        except KnownError as exc:
            dialogs.show_known_error(self.window, exc)
            return None
        name, lines, warnings = describe_import(preview)
        text = self.tr("Importing this file into the site {0}:").format(clean(name, 80))
        text += "\n\n" + ("\n".join(f"  • {line}" for line in lines)
                          or self.tr("  • Nothing new: everything in it is already here."))
        if warnings:
            text += "\n\n" + self.tr("Warnings:") + "\n" + "\n".join(f"  • {w}" for w in warnings)
        text += "\n\n" + self.tr("Nothing has been written yet.")
        if not dialogs.confirm(self.window, self.tr("Import a site?"), text,
                               self.tr("Import")):
            return None
        return self.controller.import_site(path)

    # -- housekeeping
    def _backup_words(self) -> str:
        return self.tr("A backup of everything is saved first, in:\n{0}").format(
            self.session.backup_folder)

    def delete_site(self) -> None:
        site = self.controller.site
        if site is None:
            return
        scans = len(self.session.scans(site.id))
        question = self.tr(
            "Delete the site {0} with its {1} scans, its devices, findings and checklist "
            "answers?\n\n{2}").format(clean(site.name, 80), scans, self._backup_words())
        if dialogs.confirm(self.window, self.tr("Delete a site?"), question,
                           self.tr("Delete the site")):
            self.controller.delete_site()

    def delete_device(self) -> None:
        site, mac = self.controller.site, self.current_mac()
        if site is None or not mac:
            return
        try:
            name = self.session.device_row(site.id, mac).display_name or mac
        except KnownError as exc:
            dialogs.show_known_error(self.window, exc)
            return
        question = self.tr(
            "Delete the device {0} ({1}) from {2}, with what every scan saw of it, its "
            "findings and checklist answers?\n\nIf a later scan finds it again it comes back "
            "as a new device.\n\n{3}").format(clean(name, 80), mac, clean(site.name, 80),
                                              self._backup_words())
        if dialogs.confirm(self.window, self.tr("Delete a device?"), question,
                           self.tr("Delete the device")):
            self.controller.delete_device(mac)

    def toggle_keep(self) -> None:
        mac = self.current_mac()
        if mac:
            self.controller.keep_device(mac, self.keep_action.isChecked())

    def set_scanning(self, scanning: bool) -> None:
        """While a scan runs (and saves into the site) nothing may delete or import."""
        self.scanning = scanning
        for action in (self.import_action, self.delete_site_action):
            action.setEnabled(not scanning)

    def sync_keep(self, kept: bool, missing: bool) -> None:
        """Show the chosen device's state: Keep it counted only means something when the
        latest scan missed it (or it is already kept)."""
        self.keep_action.setChecked(kept)
        self.keep_action.setEnabled(self.keep_action.isEnabled() and (missing or kept))


def deletion_words(deletion: Deletion) -> str:
    """The status line after a delete: what went, and the backup that can bring it back."""
    what = {"site": "Site", "scan": "Scan", "device": "Device"}.get(deletion.what,
                                                                  deletion.what)
    text = f"{what} {clean(deletion.name, 80)} deleted."
    if deletion.backup is not None:
        text += f" Backup: {deletion.backup}"
    return text
