"""Every message box and small prompt of the app, in one place (tests patch `run_modal`)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core import errors

log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate("dialogs", text)


# What to do next when the raising code gave no hint of its own.
_DEFAULT_HINTS: tuple[tuple[type[errors.KnownError], str], ...] = (
    (errors.NeedsPrivilegesError,
     "Use Standard mode, which needs no admin rights, or start the app as an administrator."),
    (errors.NoKeyringError,
     "Install or unlock your system's password store (for example GNOME Keyring or KWallet). "
     "Passwords are never kept in plain text instead."),
    (errors.InterfaceError,
     "Check that the computer is connected to the network (cable plugged in or Wi-Fi on), "
     "then choose the network again."),
    (errors.DatabaseTooNewError,
     "Install the latest IoT Hygiene. Your data was not changed."),
    (errors.DatabaseBusyError, "Close the other IoT Hygiene window and try again."),
    (errors.DatabaseCorruptError,
     "A copy of the database is kept next to it; contact support with the log file."),
)


def run_modal(dialog: QDialog) -> int:
    """Run a dialog modally and return its result code: the one place tests replace."""
    return int(dialog.exec())


def friendly_parts(exc: errors.KnownError) -> tuple[str, str, str]:
    """Title, message and what-to-do for a known error, in plain words."""
    hint = exc.hint
    if not hint:
        for kind, default in _DEFAULT_HINTS:
            if isinstance(exc, kind):
                hint = _tr(default)
                break
    return _tr(type(exc).title), exc.message, hint


def known_error_box(parent: QWidget | None, exc: errors.KnownError) -> QMessageBox:
    """The message box for a known error (built, not shown)."""
    title, message, hint = friendly_parts(exc)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(message)
    if hint:
        box.setInformativeText(hint)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return box


def show_known_error(parent: QWidget | None, exc: errors.KnownError) -> None:
    log.info("known error shown: %s: %s", type(exc).__name__, exc.message)
    run_modal(known_error_box(parent, exc))


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """A known error becomes a friendly message; anything else is a bug: the crash dialog."""
    if isinstance(exc, errors.KnownError):
        show_known_error(parent, exc)
        return
    import traceback

    from core.paths import log_dir

    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    log.error("unexpected error\n%s", details)
    show_crash(parent, details, str(log_dir()))


def confirm(parent: QWidget | None, title: str, question: str, yes_text: str = "") -> bool:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(question)
    yes = box.addButton(yes_text or _tr("Continue"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(yes)
    run_modal(box)
    return box.clickedButton() is yes


def ask_save_path(parent: QWidget | None, title: str, suggested: str) -> Path | None:
    """Where to save a file (HTML or CSV by its ending), or None when the user cancels."""
    path, _ = QFileDialog.getSaveFileName(
        parent, title, suggested, _tr("Web page (*.html);;Spreadsheet (*.csv)"))
    return Path(path) if path else None


SITE_FILES = "IoT Hygiene site (*.json);;All files (*)"


def ask_export_path(parent: QWidget | None, title: str, suggested: str) -> Path | None:
    """Where to write a site export, or None when the user cancels."""
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, _tr(SITE_FILES))
    return Path(path) if path else None


def ask_import_path(parent: QWidget | None, title: str) -> Path | None:
    """Which site export to import, or None when the user cancels."""
    path, _ = QFileDialog.getOpenFileName(parent, title, "", _tr(SITE_FILES))
    return Path(path) if path else None


CATALOG_FILES = "CISA KEV catalogue (*.json);;All files (*)"


def ask_catalog_path(parent: QWidget | None, title: str) -> Path | None:
    """Which known-exploited vulnerabilities file to load, or None when the user cancels."""
    path, _ = QFileDialog.getOpenFileName(parent, title, "", _tr(CATALOG_FILES))
    return Path(path) if path else None


def ask_report_path(parent: QWidget | None, title: str, suggested: Path,
                    file_filter: str) -> Path | None:
    """Where to save a report (starting at `suggested`), or None when the user cancels."""
    path, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), file_filter)
    return Path(path) if path else None


def ask_open_path(parent: QWidget | None, title: str, file_filter: str) -> Path | None:
    """A file to read (a logo), or None when the user cancels."""
    path, _ = QFileDialog.getOpenFileName(parent, title, "", file_filter)
    return Path(path) if path else None


def tell(parent: QWidget | None, title: str, text: str) -> None:
    """A plain information message with one OK button."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    box.addButton(QMessageBox.StandardButton.Ok)
    run_modal(box)


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "",
             blank: str = "") -> str | None:
    """One line of text from the user, or None when they cancel or leave it blank.

    With `blank`, an accepted empty answer is not silent: `blank` says why nothing happened.
    """
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setTextValue(text)
    if run_modal(dialog) != QDialog.DialogCode.Accepted:
        return None
    value = dialog.textValue().strip()
    if not value and blank:
        tell(parent, title, blank)
    return value or None


class CrashDialog(QDialog):
    """Shown for a bug: says data is safe, shows copyable details and where the log is."""

    def __init__(self, details: str, log_path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("IoT Hygiene hit a problem"))
        intro = QLabel(self.tr(
            "Something went wrong inside IoT Hygiene. Your sites, devices and answers are "
            "saved and safe. You can keep working; if it happens again, please send the "
            "details below and the log file to support."))
        intro.setWordWrap(True)
        self.log_label = QLabel(self.tr("Log folder: {0}").format(log_path))
        self.log_label.setTextFormat(Qt.TextFormat.PlainText)
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        self.copy_button = QPushButton(self.tr("Copy details"))
        self.copy_button.clicked.connect(self.copy_details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (intro, self.details, self.log_label, buttons):
            layout.addWidget(widget)
        self.resize(640, 420)

    def copy_details(self) -> None:
        text = f"{self.details.toPlainText()}\n{self.log_label.text()}"
        QGuiApplication.clipboard().setText(text)


_crash_open: list[bool] = [False]


def show_crash(parent: QWidget | None, details: str, log_path: str) -> None:
    """Open the crash dialog (never two at once, so a repeating bug cannot stack them)."""
    if _crash_open[0]:
        return
    _crash_open[0] = True
    try:
        run_modal(CrashDialog(details, log_path, parent))
    finally:
        _crash_open[0] = False

