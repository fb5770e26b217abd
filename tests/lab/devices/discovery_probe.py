"""Lab probe: runs run_discovery in-process (streaming, progress, cancel); prints JSON timings."""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from typing import Any

from core.cancel import CancelToken
from core.discovery.run import ScanRequest, run_discovery
from core.models import Device, Progress
from core.scan.jsonio import scan_to_json


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--interface", default="eth0")
    parser.add_argument("--mode", default="auto")
    parser.add_argument("--timeout", type=float, default=3.0)
    parser.add_argument("--network")
    parser.add_argument("--cancel-after", type=float, default=0.0)
    parser.add_argument("--yes-large-network", action="store_true")
    args = parser.parse_args()
    cancel = CancelToken()
    start = time.monotonic()
    first_seen: dict[str, float] = {}
    last_update: dict[str, float] = {}
    progress: list[dict[str, Any]] = []
    lock = threading.Lock()

    def on_device(device: Device) -> None:
        with lock:
            now = round(time.monotonic() - start, 3)
            first_seen.setdefault(device.mac, now)
            last_update[device.mac] = now

    def on_progress(report: Progress) -> None:
        with lock:
            progress.append({"t": round(time.monotonic() - start, 3),
                             "phase": report.phase.value, "fraction": report.fraction})

    cancelled_at = 0.0
    if args.cancel_after:
        timer = threading.Timer(args.cancel_after, cancel.cancel)
        timer.start()
        cancelled_at = args.cancel_after
    request = ScanRequest(interface=args.interface, network=args.network, mode=args.mode,
                          timeout=args.timeout, confirm_large=args.yes_large_network)
    result = run_discovery(request, cancel, on_progress, on_device)
    elapsed = time.monotonic() - start
    print(json.dumps({
        "elapsed": round(elapsed, 3),
        "cancel_latency": round(elapsed - cancelled_at, 3) if cancelled_at else None,
        "first_seen": first_seen,
        "last_update": last_update,
        "progress": progress,
        "threads": sorted(t.name for t in threading.enumerate() if t is not threading.main_thread()
                          and not t.daemon),
        "result": scan_to_json(result),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
