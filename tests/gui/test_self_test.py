"""`iot-hygiene --self-test`: passes on a good install, never touches the user's data folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from gui import self_test

ROOT = Path(__file__).resolve().parents[2]


def test_self_test_passes_and_leaves_the_data_folder_alone(tmp_path: Path) -> None:
    user_data = tmp_path / "user-data"
    env = {**os.environ, "IOT_HYGIENE_DATA_DIR": str(user_data), "IOT_HYGIENE_QUIET": "1"}
    proc = subprocess.run([sys.executable, "-m", "gui.launcher", "--self-test"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok  sample office loaded: 12 devices" in proc.stdout
    assert "self-test passed" in proc.stdout
    assert not user_data.exists()


def test_a_failed_step_exits_1_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(folder: Path, out: object) -> None:
        raise self_test.SelfTestError("the sample office did not load within 30 s")

    monkeypatch.setattr(self_test, "_isolate", lambda folder: None)
    monkeypatch.setattr(self_test, "_steps", broken)
    lines: list[str] = []
    assert self_test.run_self_test(lines.append) == 1
    assert lines == ["self-test FAILED: the sample office did not load within 30 s"]


def test_started_as_root_the_window_says_root_is_not_needed(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QMainWindow

    from gui import launcher

    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    launcher.show_root_note()
    assert "does not need to run as root" in window.statusBar().currentMessage()
