"""Site > Report: options, preview, a dated name under Documents, every format saved atomically."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from gui import dialogs, report_dialog
from gui.main_window import MainWindow
from gui.report_dialog import ReportDialog, default_file_name, documents_dir
from tests.gui.conftest import ModalScript, WindowFactory, settle

REJECT = int(QDialog.DialogCode.Rejected)


def _sample_window(qtbot: QtBot, make_window: WindowFactory) -> MainWindow:
    window = make_window()
    window.open_sample()
    settle(qtbot, window)
    return window


def _ready(qtbot: QtBot, dialog: ReportDialog) -> None:
    qtbot.waitUntil(lambda: dialog.data is not None, timeout=10_000)


@pytest.fixture
def documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A Documents folder of the user's own (XDG user-dirs), away from the working directory."""
    home = tmp_path / "home"
    folder = home / "Papers"
    folder.mkdir(parents=True)
    config = tmp_path / "config"
    config.mkdir()
    (config / "user-dirs.dirs").write_text('XDG_DOCUMENTS_DIR="$HOME/Papers"\n')
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    return folder


def test_the_dialog_offers_the_sites_client_an_empty_preparer_and_every_format(
        qtbot: QtBot, make_window: WindowFactory, modal: ModalScript) -> None:
    window = _sample_window(qtbot, make_window)
    seen: list[ReportDialog] = []

    def look(dialog: QDialog) -> int:
        assert isinstance(dialog, ReportDialog)
        _ready(qtbot, dialog)
        seen.append(dialog)
        return REJECT

    modal.then(look)
    window.open_report()
    dialog = seen[0]
    assert dialog.client_edit.text() == (window.controller.site.client  # type: ignore[union-attr]
                                         if window.controller.site else "")
    assert dialog.preparer_edit.text() == ""  # never the OS account ("root")
    formats = [dialog.format_combo.itemData(i) for i in range(dialog.format_combo.count())]
    assert formats == ["pdf", "html", "csv", "inventory-csv", "json"]
    assert dialog.preview.isReadOnly() and not dialog.preview.openExternalLinks()
    text = dialog.preview.toPlainText()
    score = window.controller.session.assess(window.controller.site.id).score.value  # type: ignore[union-attr]
    assert "The site scores" in text and f"{score} out of 100" in text
    assert not dialog.open_button.isEnabled() and not dialog.folder_button.isEnabled()


def test_the_preview_follows_the_client_and_preparer(
        qtbot: QtBot, make_window: WindowFactory, modal: ModalScript) -> None:
    window = _sample_window(qtbot, make_window)

    def edit(dialog: QDialog) -> int:
        assert isinstance(dialog, ReportDialog)
        _ready(qtbot, dialog)
        dialog.client_edit.setText("Acme Dental")
        dialog.preparer_edit.setText("Sam Rivera")
        qtbot.waitUntil(lambda: "Sam Rivera" in dialog.preview.toPlainText(), timeout=5_000)
        assert "Acme Dental" in dialog.preview.toPlainText()
        return REJECT

    modal.then(edit)
    window.open_report()
    assert len(modal.seen) == 1


def test_default_path_is_under_documents_never_the_working_directory(
        qtbot: QtBot, make_window: WindowFactory, modal: ModalScript, documents: Path,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    window = _sample_window(qtbot, make_window)
    asked: list[Path] = []

    def ask(parent: object, title: str, suggested: Path, file_filter: str) -> None:
        asked.append(suggested)

    monkeypatch.setattr(dialogs, "ask_report_path", ask)

    def save(dialog: QDialog) -> int:
        assert isinstance(dialog, ReportDialog)
        _ready(qtbot, dialog)
        dialog.save()  # cancelled: nothing written
        return REJECT

    modal.then(save)
    window.open_report()
    assert len(asked) == 1
    suggested = asked[0]
    assert suggested.parent == documents
    assert suggested.name == default_file_name("Sample office (example data)", "pdf")
    assert suggested.name.startswith("Sample office (example data) report 20")
    assert suggested.suffix == ".pdf"
    assert list(work.iterdir()) == [] and list(documents.iterdir()) == []


def test_documents_falls_back_to_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(report_dialog, "QStandardPaths", _NoDocuments)
    assert documents_dir() == tmp_path


class _NoDocuments:
    StandardLocation = QStandardPaths.StandardLocation

    @staticmethod
    def writableLocation(location: object) -> str:
        return ""


def test_file_names_lose_characters_file_systems_refuse() -> None:
    import datetime as dt

    name = default_file_name('A/B:C*"office"', "csv", dt.date(2026, 11, 28))
    assert name == "A_B_C__office_ report 2026-11-28.csv"


@pytest.mark.parametrize("fmt", ["pdf", "html", "csv", "inventory-csv", "json"])
def test_each_format_is_written_atomically_and_not_empty(
        qtbot: QtBot, make_window: WindowFactory, modal: ModalScript, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    window = _sample_window(qtbot, make_window)
    out = tmp_path / "out"
    out.mkdir()
    target = out / f"report.{fmt}"
    monkeypatch.setattr(dialogs, "ask_report_path", lambda *args: target)
    opened: list[QUrl] = []
    monkeypatch.setattr(report_dialog, "open_url", lambda url: opened.append(url) or True)

    def save(dialog: QDialog) -> int:
        assert isinstance(dialog, ReportDialog)
        _ready(qtbot, dialog)
        dialog.preparer_edit.setText("Sam Rivera")
        dialog.format_combo.setCurrentIndex(dialog.format_combo.findData(fmt))
        dialog.save()
        qtbot.waitUntil(lambda: dialog.saved_path is not None, timeout=30_000)
        assert dialog.open_button.isEnabled() and dialog.folder_button.isEnabled()
        dialog.open_button.click()
        dialog.folder_button.click()
        return REJECT

    modal.then(save)
    window.open_report()
    payload = target.read_bytes()
    assert payload
    assert [p.name for p in out.iterdir()] == [target.name]  # no temporary file left behind
    assert target.stat().st_mode & 0o777 == 0o644  # an ordinary file, not mkstemp's private one
    if fmt == "pdf":
        assert payload.startswith(b"%PDF")
    elif fmt == "html":
        text = payload.decode("utf-8")
        assert text.startswith("<!DOCTYPE html>") and "Sam Rivera" in text
        assert "<script" not in text.lower()
    elif fmt == "csv":
        assert payload.decode("utf-8").startswith("\ufeffdevice,ip,mac,tag,device_score")
    elif fmt == "json":
        assert json.loads(payload)
    assert [u.toLocalFile() for u in opened] == [str(target), str(out)]
    assert "Report saved" in window.statusBar().currentMessage()
    assert window.settings.report_preparer == "Sam Rivera"


def test_the_preparer_is_remembered(qtbot: QtBot, make_window: WindowFactory,
                                    modal: ModalScript, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    window = _sample_window(qtbot, make_window)
    monkeypatch.setattr(dialogs, "ask_report_path", lambda *args: tmp_path / "r.html")

    def save(dialog: QDialog) -> int:
        assert isinstance(dialog, ReportDialog)
        _ready(qtbot, dialog)
        dialog.preparer_edit.setText("  Sam Rivera ")
        dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("html"))
        dialog.save()
        qtbot.waitUntil(lambda: dialog.saved_path is not None, timeout=10_000)
        return REJECT

    found: list[str] = []

    def reopen(dialog: QDialog) -> int:
        assert isinstance(dialog, ReportDialog)
        found.append(dialog.preparer_edit.text())
        _ready(qtbot, dialog)
        return REJECT

    modal.then(save).then(reopen)
    window.open_report()
    window.open_report()
    assert found == ["Sam Rivera"]


def test_cancelling_writes_nothing(qtbot: QtBot, make_window: WindowFactory,
                                   modal: ModalScript, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    window = _sample_window(qtbot, make_window)
    monkeypatch.setattr(dialogs, "ask_report_path", lambda *args: None)
    before = set(tmp_path.rglob("*"))

    def save(dialog: QDialog) -> int:
        assert isinstance(dialog, ReportDialog)
        _ready(qtbot, dialog)
        dialog.save()
        assert dialog.saved_path is None and not dialog.saving
        return REJECT

    modal.then(save)
    window.open_report()
    settle(qtbot, window)
    assert set(tmp_path.rglob("*")) == before
    assert window.settings.report_preparer == ""


def test_a_logo_must_be_a_real_png_or_jpeg(qtbot: QtBot, make_window: WindowFactory,
                                           modal: ModalScript, tmp_path: Path) -> None:
    window = _sample_window(qtbot, make_window)
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    good = tmp_path / "logo.png"
    assert image.save(str(good))
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"not really")
    text = tmp_path / "logo.txt"
    text.write_text("hello")

    def logos(dialog: QDialog) -> int:
        assert isinstance(dialog, ReportDialog)
        _ready(qtbot, dialog)
        assert not dialog.set_logo(text)
        assert "not a PNG or JPEG" in dialog.status_label.text()
        assert not dialog.set_logo(fake)
        assert dialog.logo_edit.text() == ""
        assert dialog.set_logo(good)
        assert dialog.context().logo_type == "image/png"
        dialog.update_preview()
        assert "data:image/png;base64," in dialog.preview.toHtml() or \
            dialog.preview.document().toHtml()
        return REJECT

    modal.then(logos)
    window.open_report()
    assert len(modal.seen) == 1


def test_the_preview_loads_nothing_from_outside(qtbot: QtBot) -> None:
    from PySide6.QtGui import QTextDocument

    from gui.report_dialog import ReportPreview

    preview = ReportPreview()
    qtbot.addWidget(preview)
    kind = int(QTextDocument.ResourceType.ImageResource.value)
    for url in ("http://192.0.2.1/track.png", "file:///etc/passwd", "qrc:/x.png"):
        assert preview.loadResource(kind, QUrl(url)) is None
    assert not preview.openLinks() and not preview.openExternalLinks()


def test_a_site_without_a_scan_says_the_report_cannot_be_made(
        qtbot: QtBot, make_window: WindowFactory, modal: ModalScript) -> None:
    window = make_window()
    window.controller.create_site("Empty office")
    settle(qtbot, window)
    texts: list[str] = []

    def look(dialog: QDialog) -> int:
        assert isinstance(dialog, ReportDialog)
        qtbot.waitUntil(lambda: "cannot be made" in dialog.status_label.text(), timeout=10_000)
        texts.append(dialog.status_label.text())
        assert not dialog.save_button.isEnabled()
        return REJECT

    modal.then(look)
    window.open_report()
    assert texts and len(modal.seen) == 2  # the report dialog, then the error explaining why
