"""Renders the README screenshots offscreen from the sample office: `python -m gui.screenshots`."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "docs" / "screenshots"


def render(out_dir: Path, prefix: str = "", device_name: str = "") -> list[Path]:
    """Main window, a device page on its checklist, and the dashboard, as PNG files."""
    from PySide6.QtWidgets import QApplication

    from gui.app import readable_palette
    from gui.main_window import MainWindow
    from gui.scan_service import ReplayScanService

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    readable_palette(app)
    window = MainWindow(scan_service=ReplayScanService(delay=0))
    window.resize(1280, 800)
    window.show()
    window.wait_until_idle()
    if not window.session.sites():
        window.open_sample()
    window.wait_until_idle()
    app.processEvents()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [_save(window, out_dir / f"{prefix}main-window.png")]
    written.append(_save(window.dashboard, out_dir / f"{prefix}dashboard.png"))
    rows = window.table_model.rows
    chosen = next((r for r in rows if device_name and device_name in r.display_name),
                  max(rows, key=lambda r: sum(n for _, n in r.open_counts)))
    window.open_device(chosen.device.mac)
    window.device_page.tabs.setCurrentWidget(window.device_page.wizard)
    for value in ("yes", "no"):
        window.device_page.wizard.answer(value)
    window.wait_until_idle()
    app.processEvents()
    written.append(_save(window, out_dir / f"{prefix}device-checklist.png"))
    window.device_page.tabs.setCurrentIndex(0)
    app.processEvents()
    written.append(_save(window, out_dir / f"{prefix}device-findings.png"))
    window.close()
    window.session.close()
    return written


def _save(widget: object, path: Path) -> Path:
    from PySide6.QtWidgets import QWidget

    assert isinstance(widget, QWidget)
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--prefix", default="",
                        help="file name prefix, e.g. dark- for a run in the dark colour scheme")
    parser.add_argument("--lab", action="store_true",
                        help="also scan the virtual lab office live (root; never the real LAN)")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["IOT_HYGIENE_DATA_DIR"] = str(Path(scratch) / "data")
        os.environ["IOT_HYGIENE_LOG_DIR"] = str(Path(scratch) / "log")
        for path in render(args.out, args.prefix):
            print(path)
        if args.lab:
            print(render_lab(args.out, Path(scratch)))
    return 0


def render_lab(out_dir: Path, scratch: Path) -> str:
    """Build the lab office and drive the real window through a live scan inside it."""
    sys.path.insert(0, str(ROOT))
    from tests.lab.netlab import Lab
    from tests.lab.office import CAMERA, Office

    with Lab() as lab:
        Office(lab).build()
        proc = lab.run_scanner([sys.executable, "-m", "tests.lab.devices.gui_driver",
                                "--db", str(scratch / "lab.sqlite3"), "--open-mac", CAMERA.mac,
                                "--screenshots", str(out_dir)], timeout=240)
    if proc.returncode:
        raise RuntimeError(proc.stderr[-2000:])
    return proc.stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
