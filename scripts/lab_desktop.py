"""Runs the real app under Xvfb inside the lab office's scanner namespace, for trying it by hand.

python -m scripts.lab_desktop --display 77 --control /tmp/labctl  (as root; Ctrl-C or `stop` ends)
Then drive it with `DISPLAY=:77 xdotool ...`, screenshot with `import -display :77 -window root`.
Write a command into the control file: `join NAME MAC IP` adds a device (a web server on port 80),
`leave NAME` takes one down, `stop` tears everything down. Nothing leaves the lab namespaces.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.lab.netlab import Lab
from tests.lab.office import Office

MAX_HOURS = 2  # the session ends by itself: no lab is ever left behind for long


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--display", default="77")
    parser.add_argument("--control", type=Path, default=Path("/tmp/iot-hygiene-lab-control"))
    parser.add_argument("--size", default="1366x768x24")
    args = parser.parse_args()
    xvfb = subprocess.Popen(["Xvfb", f":{args.display}", "-screen", "0", args.size, "-nolisten",
                             "tcp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    data = Path(tempfile.mkdtemp(prefix="iot-hygiene-desktop-"))
    try:
        with Lab() as lab:
            office = Office(lab).build()
            app = _start_app(lab, args.display, data)
            print(f"ready: DISPLAY=:{args.display} app pid {app.pid} data {data}", flush=True)
            _serve(office, args.control, app)
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)
    return 0


def _start_app(lab: Lab, display: str, data: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, DISPLAY=f":{display}", QT_QPA_PLATFORM="xcb",
               IOT_HYGIENE_DATA_DIR=str(data / "data"), IOT_HYGIENE_LOG_DIR=str(data / "log"))
    command = lab.scanner_command([sys.executable, "-m", "gui.launcher"])
    log = open(data / "app.log", "ab")  # noqa: SIM115 - kept open for the app's lifetime
    proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    lab.scanner.processes.append(proc)
    return proc


def _serve(office: Office, control: Path, app: subprocess.Popen[bytes]) -> None:
    control.write_text("")
    deadline = time.monotonic() + MAX_HOURS * 3600
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while time.monotonic() < deadline and app.poll() is None:
        words = control.read_text().split()
        if words:
            control.write_text("")
            if words[0] == "stop":
                break
            _command(office, words)
        time.sleep(0.3)
    print(f"app exit code: {app.poll()}", flush=True)


def _command(office: Office, words: list[str]) -> None:
    if words[0] == "join" and len(words) == 4:
        host = office.lab.add_host(words[1], words[2], words[3])
        office.web_server(host, 80, title=f"{words[1]} admin")
        print(f"joined {words[1]} {words[3]}", flush=True)
    elif words[0] == "leave" and len(words) == 2:
        office.lab.exec(office.lab.hosts[words[1]].ns, ["ip", "link", "set", "eth0", "down"])
        print(f"left {words[1]}", flush=True)
    else:
        print(f"unknown command: {' '.join(words)}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
