"""Measures GUI responsiveness: launch time, event-loop stalls during scans, filter keystrokes."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEARTBEAT_MS = 5
FILTER_TEXT = "printer-4"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5000, help="devices in the table test")
    parser.add_argument("--lab", type=int, default=0,
                        help="build a lab with this many extra hosts and time a real scan in it")
    parser.add_argument("--launch-probe", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--scan-interface", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from gui.app import tune_runtime

    tune_runtime()  # the same runtime settings as the app
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["IOT_HYGIENE_DATA_DIR"] = str(Path(scratch) / "data")
        os.environ["IOT_HYGIENE_LOG_DIR"] = str(Path(scratch) / "log")
        if args.launch_probe:
            return _launch_probe()
        if args.scan_interface:
            return _print_scan_stall(args.scan_interface)
        print(f"launch: window shown after {_launch_seconds():.2f} s (target 1.5 s)")
        _table_bench(args.rows)
        _replay_scan_bench(args.rows)
        if args.lab:
            _lab_scan_bench(args.lab)
    return 0


# -- launch -----------------------------------------------------------------------------------
def _launch_seconds() -> float:
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "bench.gui_responsiveness", "--launch-probe"],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True, env=dict(os.environ))
    assert proc.stdout is not None
    line = proc.stdout.readline()
    shown = time.perf_counter()
    proc.wait(timeout=30)
    if "SHOWN" not in line:
        raise RuntimeError(f"launch probe failed: {line!r}")
    return shown - start


def _launch_probe() -> int:
    """Run in a child: import and open the app's window like `iot-hygiene` does, say when shown."""
    from PySide6.QtWidgets import QApplication

    from gui.main_window import MainWindow

    app = QApplication([sys.argv[0]])
    window = MainWindow()
    window.show()
    app.processEvents()
    print("SHOWN", flush=True)
    window.shutdown()
    window.session.close()
    return 0


# -- the event-loop heartbeat ---------------------------------------------------------------------
class Heartbeat:
    """A QTimer ticking every few ms; the longest gap between ticks is the worst stall."""

    def __init__(self, state: object = None) -> None:
        from PySide6.QtCore import QTimer

        self.ticks: list[float] = []
        self.states: list[str] = []
        self.state = state  # optional callable: what the window shows at each tick
        self.timer = QTimer()
        self.timer.setInterval(HEARTBEAT_MS)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        self.ticks.append(time.perf_counter())
        if self.state is not None:
            self.states.append(str(self.state()))  # type: ignore[operator]

    def worst_state(self) -> str:
        """What the window showed just before the longest stall began."""
        if len(self.ticks) < 2 or not self.states:
            return ""
        gaps = [b - a for a, b in zip(self.ticks, self.ticks[1:], strict=False)]
        index = gaps.index(max(gaps))
        return self.states[min(index, len(self.states) - 1)]

    def start(self) -> None:
        self.ticks = [time.perf_counter()]
        self.timer.start()

    def stop(self) -> float:
        """Stop and return the longest stall in ms (gap beyond the timer's own interval)."""
        self.timer.stop()
        gaps = [b - a for a, b in zip(self.ticks, self.ticks[1:], strict=False)]
        return max(0.0, max(gaps, default=0.0) * 1000 - HEARTBEAT_MS)


def _app() -> object:
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([sys.argv[0]])


def _wait(condition: object, timeout: float) -> None:
    """Run a real Qt event loop (like the app's) until `condition()` or the timeout."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    deadline = time.monotonic() + timeout
    poll = QTimer()
    poll.setInterval(20)
    poll.timeout.connect(lambda: (condition() or time.monotonic() > deadline)  # type: ignore
                         and loop.quit())
    poll.start()
    if not condition():  # type: ignore[operator]
        loop.exec()
    poll.stop()


# -- the table with many devices ----------------------------------------------------------------
def synthetic_rows(count: int) -> list[object]:
    """`count` varied devices (categories, vendors, findings) for table benchmarks."""
    from core.models import Category, Device, Finding, Severity
    from gui.models import DeviceRow, open_counts_of

    vendors = ("Hewlett Packard", "Hikvision", "Synology", "Sonos", "Google", "Dell", "TP-Link")
    categories = list(Category)
    rows = []
    for n in range(count):
        findings = tuple(Finding(f"f{k}", list(Severity)[(n + k) % 5], f"Issue {k}")
                         for k in range(n % 4))
        device = Device(mac=f"02:00:{n >> 16 & 255:02x}:{n >> 8 & 255:02x}:{n & 255:02x}:01",
                        ips=(f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}",),
                        vendor=vendors[n % len(vendors)], hostnames=(f"{categories[n % 9]}-{n}",),
                        category=categories[n % len(categories)], model=f"Model {n % 97}",
                        findings=findings)
        rows.append(DeviceRow(device=device, score=n % 101, open_counts=open_counts_of(device)))
    return rows


def _table_bench(count: int) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from gui.main_window import MainWindow
    from gui.scan_service import ReplayScanService

    _app()
    window = MainWindow(scan_service=ReplayScanService(delay=0))
    window.show()
    started = time.perf_counter()
    window.table_model.set_rows(synthetic_rows(count))  # type: ignore[arg-type]
    _wait(lambda: False, 0.05)
    loaded = (time.perf_counter() - started) * 1000
    search = window.devices.search
    search.setFocus()
    heartbeat = Heartbeat()
    heartbeat.start()
    durations = []
    for char in [*FILTER_TEXT, *([Qt.Key.Key_Backspace] * len(FILTER_TEXT))]:
        begin = time.perf_counter()
        if isinstance(char, str):
            QTest.keyClicks(search, char)
        else:
            QTest.keyClick(search, char)
        window.devices.table.viewport().repaint()
        durations.append((time.perf_counter() - begin) * 1000)
        _wait(lambda: False, 0.02)
    stall = heartbeat.stop()
    print(f"table: {count} devices loaded in {loaded:.0f} ms; filter keystroke "
          f"median {sorted(durations)[len(durations) // 2]:.1f} ms, worst {max(durations):.1f} ms "
          f"(target 30 ms); longest stall while typing {stall:.0f} ms (target 50 ms)")
    window.shutdown()
    window.session.close()
    window.deleteLater()


# -- scans ----------------------------------------------------------------------------------------
def _scan_stall(window: object, timeout: float) -> tuple[float, float, int]:
    heartbeat = Heartbeat(lambda: window.scan_bar.phase_label.text())  # type: ignore
    heartbeat.start()
    started = time.perf_counter()
    window.start_scan()  # type: ignore[attr-defined]
    _wait(lambda: not window.scanner.running, timeout)  # type: ignore[attr-defined]
    seconds = time.perf_counter() - started
    stall = heartbeat.stop()
    print(f"  (longest stall began while showing: {heartbeat.worst_state()!r})")
    return stall, seconds, window.table_model.rowCount()  # type: ignore[attr-defined]


def _replay_scan_bench(count: int) -> None:
    """Streams `count` devices as fast as possible through the live-scan path."""
    from core.models import ArpMode, ScanInfo, ScanResult
    from gui.main_window import MainWindow
    from gui.scan_service import ReplayScanService

    _app()
    devices = tuple(r.device for r in synthetic_rows(count))  # type: ignore[attr-defined]
    info = ScanInfo(interface="bench0", network="10.0.0.0/8", mode=ArpMode.KERNEL,
                    started="2026-01-01T00:00:00Z")
    service = ReplayScanService(ScanResult(info=info, devices=devices), delay=0.0002)
    window = MainWindow(scan_service=service)
    window.show()
    window.controller.create_site("Bench", info.network)
    window.scan_bar.set_interfaces(service.interfaces(), service.interface.name)
    stall, seconds, shown = _scan_stall(window, 120)
    print(f"replayed scan: {shown} devices streamed live in {seconds:.1f} s (incl. saving); "
          f"longest stall {stall:.0f} ms (target 50 ms)")
    window.shutdown()
    window.session.close()


def _print_scan_stall(interface_name: str) -> int:
    """Inside the lab's scanner namespace: scan `interface_name` with the real engine."""
    from gui.main_window import MainWindow
    from gui.scan_service import EngineScanService

    _app()
    service = EngineScanService()
    window = MainWindow(scan_service=service)
    window.show()
    interface = next(i for i in service.interfaces() if i.name == interface_name)
    window.controller.create_site("Lab", interface.network)
    window.scan_bar.set_interfaces(service.interfaces(), interface.name)
    stall, seconds, shown = _scan_stall(window, 600)
    print(f"lab scan: {shown} devices in {seconds:.1f} s; longest stall {stall:.0f} ms "
          f"(target 50 ms)")
    window.shutdown()
    window.session.close()
    return 0


def _lab_scan_bench(extra_hosts: int) -> None:
    """The lab office plus ARP-only hosts (as bench/discovery.py builds it); the window scans
    it with the real engine from inside the scanner namespace, never the real network."""
    sys.path.insert(0, str(ROOT))
    from bench.discovery import NET, build_office_with_extra_hosts
    from tests.lab.netlab import Lab

    started = time.monotonic()
    with Lab(NET) as lab:
        build_office_with_extra_hosts(lab, extra_hosts)
        print(f"lab: {len(lab.hosts) - 1} hosts built in {time.monotonic() - started:.0f} s")
        proc = lab.run_scanner([sys.executable, "-m", "bench.gui_responsiveness",
                                "--scan-interface", "eth0"], timeout=900)
        print(proc.stdout.strip() or proc.stderr.strip()[-2000:])


if __name__ == "__main__":
    sys.exit(main())
