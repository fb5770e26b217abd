"""Site > Save report writes the sample office's client report, escaped, off the GUI thread."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from gui import dialogs
from tests.gui.conftest import WindowFactory, settle


@pytest.mark.parametrize("name", ["office report.html", "office report.csv"])
def test_save_report_writes_the_chosen_format(qtbot: QtBot, make_window: WindowFactory,
                                              tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              name: str) -> None:
    window = make_window()
    window.open_sample()
    settle(qtbot, window)
    target = tmp_path / name
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *args: target)
    window.save_report()
    qtbot.waitUntil(lambda: "Report saved" in window.statusBar().currentMessage(),
                    timeout=10_000)  # written and closed (the file exists before it is written)
    text = target.read_text(encoding="utf-8")
    if name.endswith(".html"):
        assert text.startswith("<!DOCTYPE html>")
        assert "Telnet" in text and "<script" not in text.lower()
    else:
        assert text.startswith("\ufeffdevice,ip,mac,tag,device_score,severity,finding")


def test_cancelling_the_save_dialog_writes_nothing(qtbot: QtBot, make_window: WindowFactory,
                                                   tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window()
    window.open_sample()
    settle(qtbot, window)
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *args: None)
    window.save_report()
    settle(qtbot, window)
    assert list(tmp_path.glob("*.html")) == []
