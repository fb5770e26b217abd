"""Site > Report: client, preparer, logo and format, a read-only preview, then save and open."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QImage
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core.report import ReportContext, ReportData, html_report
from gui import dialogs
from gui.colours import paper
from gui.site_controller import SiteController

log = logging.getLogger(__name__)

# (label, format for Session.write_report, file extension, save dialog filter)
FORMATS: tuple[tuple[str, str, str, str], ...] = (
    ("PDF", "pdf", "pdf", "PDF document (*.pdf)"),
    ("HTML", "html", "html", "Web page (*.html)"),
    ("Findings CSV", "csv", "csv", "Spreadsheet (*.csv)"),
    ("Inventory CSV", "inventory-csv", "csv", "Spreadsheet (*.csv)"),
    ("JSON", "json", "json", "JSON (*.json)"),
)
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
MAX_LOGO = 2_000_000
PREVIEW_DELAY_MS = 250
_UNSAFE = set('/\\:*?"<>|')


def open_url(url: QUrl) -> bool:
    """Hand a file or folder to the desktop (tests replace this)."""
    return bool(QDesktopServices.openUrl(url))


def documents_dir() -> Path:
    """The user's Documents folder, or the home folder (never the working directory)."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if location and Path(location).is_absolute() and Path(location).is_dir():
        return Path(location)
    return Path.home()


def default_file_name(site: str, ext: str, today: dt.date | None = None) -> str:
    """"<site> report <YYYY-MM-DD>.<ext>", with characters file systems refuse replaced."""
    stem = "".join("_" if c in _UNSAFE or not c.isprintable() else c for c in site)
    stem = stem.strip(" .")[:80] or "site"
    return f"{stem} report {(today or dt.date.today()).isoformat()}.{ext}"


def read_logo(path: Path) -> tuple[bytes, str]:
    """A logo's bytes and MIME type; raises ValueError unless it is a real PNG/JPEG under 2 MB."""
    try:
        data = path.read_bytes()[:MAX_LOGO + 1]
    except OSError as error:
        raise ValueError(f"Cannot read {path.name}: {error.strerror}") from error
    kind = next((t for magic, t in LOGO_TYPES.items() if data.startswith(magic)), "")
    if not kind:
        raise ValueError(f"{path.name} is not a PNG or JPEG picture.")
    if len(data) > MAX_LOGO:
        raise ValueError(f"{path.name} is larger than 2 MB.")
    if QImage.fromData(data).isNull():
        raise ValueError(f"{path.name} is damaged: it cannot be read as a picture.")
    return data, kind


class ReportPreview(QTextBrowser):
    """Read-only HTML preview that never follows links or loads anything but inline data."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPalette(paper(self.palette()))  # the report's own colours assume white paper
        self.setReadOnly(True)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setUndoRedoEnabled(False)

    def loadResource(self, type: int, name: QUrl | str) -> Any:
        if QUrl(name).scheme() == "data":
            return super().loadResource(type, name)
        return None


class ReportDialog(QDialog):
    """The report's options and preview; Save asks where (Documents by default), writes off the
    GUI thread through the controller, then offers Open and Show in folder."""

    def __init__(self, controller: SiteController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        site = controller.site
        self.site_name = site.name if site else ""
        self.setWindowTitle(self.tr("Report — {0}").format(self.site_name))
        self.data: ReportData | None = None
        self.saved_path: Path | None = None
        self.saving = False
        self._logo = b""
        self._logo_type = ""
        self.client_edit = QLineEdit(site.client if site else "")
        self.preparer_edit = QLineEdit(controller.settings.report_preparer)
        self.preparer_edit.setPlaceholderText(self.tr("Your name, shown on the cover"))
        self.logo_edit = QLineEdit()
        self.logo_edit.setReadOnly(True)
        self.logo_edit.setAccessibleName(self.tr("Logo file"))
        self.logo_edit.setPlaceholderText(self.tr("No logo (PNG or JPEG, optional)"))
        self.logo_button = QPushButton(self.tr("Choose…"))
        self.logo_clear = QPushButton(self.tr("Remove"))
        self.format_combo = QComboBox()
        for label, fmt, _ext, _filter in FORMATS:
            self.format_combo.addItem(self.tr(label), fmt)
        self.preview = ReportPreview()
        self.status_label = QLabel(self.tr("Preparing the preview…"))
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)
        self.save_button = QPushButton(self.tr("&Save…"))
        self.save_button.setEnabled(False)
        self.open_button = QPushButton(self.tr("&Open"))
        self.folder_button = QPushButton(self.tr("Show in &folder"))
        for button in (self.open_button, self.folder_button):
            button.setEnabled(False)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.update_preview)
        self._layout()
        self._connect()
        controller.load_report(self.context())

    def _layout(self) -> None:
        logo_row = QHBoxLayout()
        for widget in (self.logo_edit, self.logo_button, self.logo_clear):
            logo_row.addWidget(widget)
        form = QFormLayout()
        form.addRow(self.tr("&Client:"), self.client_edit)
        form.addRow(self.tr("&Prepared by:"), self.preparer_edit)
        logo_label = QLabel(self.tr("&Logo:"))
        logo_label.setBuddy(self.logo_button)
        form.addRow(logo_label, logo_row)
        form.addRow(self.tr("F&ormat:"), self.format_combo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        for button in (self.save_button, self.open_button, self.folder_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(buttons)
        self.resize(900, 700)

    def _connect(self) -> None:
        self.client_edit.textChanged.connect(self._schedule_preview)
        self.preparer_edit.textChanged.connect(self._schedule_preview)
        self.logo_button.clicked.connect(self.choose_logo)
        self.logo_clear.clicked.connect(self.clear_logo)
        self.save_button.clicked.connect(self.save)
        self.open_button.clicked.connect(self.open_file)
        self.folder_button.clicked.connect(self.show_folder)
        self.controller.report_loaded.connect(self._loaded)
        self.controller.report_saved.connect(self._saved)
        self.controller.error.connect(self._failed)

    def detach(self) -> None:
        """Stop listening to the controller (the dialog is about to be deleted)."""
        self._preview_timer.stop()
        for signal, slot in ((self.controller.report_loaded, self._loaded),
                             (self.controller.report_saved, self._saved),
                             (self.controller.error, self._failed)):
            with contextlib.suppress(RuntimeError, TypeError):  # already gone
                signal.disconnect(slot)

    # -- options
    @property
    def fmt(self) -> str:
        return str(self.format_combo.currentData())

    def context(self) -> ReportContext:
        return ReportContext(site=self.site_name, client=self.client_edit.text().strip(),
                             prepared_by=self.preparer_edit.text().strip(), logo=self._logo,
                             logo_type=self._logo_type)

    def choose_logo(self) -> None:
        path = dialogs.ask_open_path(self, self.tr("Choose a logo"),
                                     self.tr("Pictures (*.png *.jpg *.jpeg)"))
        if path is not None:
            self.set_logo(path)

    def set_logo(self, path: Path) -> bool:
        """Use the picture at `path` as the cover logo; False (and why, shown) if it is unusable."""
        try:
            self._logo, self._logo_type = read_logo(path)
        except ValueError as error:
            self.clear_logo()
            self.status_label.setText(str(error))
            return False
        self.logo_edit.setText(str(path))
        self._schedule_preview()
        return True

    def clear_logo(self) -> None:
        self._logo, self._logo_type = b"", ""
        self.logo_edit.clear()
        self._schedule_preview()

    # -- preview
    def _loaded(self, data: object) -> None:
        if not isinstance(data, ReportData) or data.context.site != self.site_name:
            return
        self.data = data
        self.save_button.setEnabled(True)
        self.status_label.setText("")
        self.update_preview()

    def _schedule_preview(self) -> None:
        self._preview_timer.start()

    def current_data(self) -> ReportData | None:
        """The loaded content with the options as they are now."""
        if self.data is None:
            return None
        context = replace(self.context(), scan=self.data.context.scan)
        return replace(self.data, context=context)

    def update_preview(self) -> None:
        data = self.current_data()
        if data is None:
            return
        bar = self.preview.verticalScrollBar()
        position = bar.value()
        self.preview.setHtml(html_report(data))
        bar.setValue(position)

    # -- saving
    def suggested_path(self) -> Path:
        ext = next(e for _label, fmt, e, _filter in FORMATS if fmt == self.fmt)
        return documents_dir() / default_file_name(self.site_name, ext)

    def save(self) -> None:
        """Ask where (Documents, a dated name), then write the chosen format off the GUI thread."""
        data = self.current_data()
        if data is None or self.saving:
            return
        file_filter = next(f for _label, fmt, _e, f in FORMATS if fmt == self.fmt)
        path = dialogs.ask_report_path(self, self.tr("Save the report"), self.suggested_path(),
                                       self.tr(file_filter))
        if path is None:
            return
        self.controller.settings.report_preparer = self.preparer_edit.text()
        self.saving = True
        self.save_button.setEnabled(False)
        self.status_label.setText(self.tr("Saving {0}…").format(path.name))
        self.controller.save_report(path, data, self.fmt)

    def _saved(self, path: Path) -> None:
        if not self.saving:
            return
        self.saving = False
        self.saved_path = path
        self.save_button.setEnabled(True)
        for button in (self.open_button, self.folder_button):
            button.setEnabled(True)
        self.status_label.setText(self.tr("Saved to {0}").format(path))

    def _failed(self, exc: BaseException) -> None:
        if self.data is None:
            self.status_label.setText(self.tr("The report cannot be made yet."))
        if self.saving:
            self.saving = False
            self.save_button.setEnabled(True)
            self.status_label.setText(self.tr("The report was not saved."))

    def open_file(self) -> None:
        if self.saved_path is not None:
            open_url(QUrl.fromLocalFile(str(self.saved_path)))

    def show_folder(self) -> None:
        if self.saved_path is not None:
            open_url(QUrl.fromLocalFile(str(self.saved_path.parent)))
