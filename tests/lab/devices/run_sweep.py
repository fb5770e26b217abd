"""Lab runner: only the thorough port sweep (the checks' limits) on --ip hosts; prints JSON."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

from core.checks import CheckOptions
from core.checks.net import Gate
from core.checks.ports import PortState
from core.checks.runner import socket_allowance
from core.checks.sweep import sweep
from core.datafiles.top_ports import bundled


async def sweep_all(ips: list[str], options: CheckOptions) -> dict[str, list[int]]:
    shared = asyncio.Semaphore(options.thorough_connections)

    async def one(ip: str) -> list[int]:
        gate = Gate(shared, asyncio.Semaphore(options.thorough_per_device),
                    options.connect_timeout, options.read_timeout)
        states = await sweep(ip, bundled(), gate, options.thorough_per_device,
                             options.thorough_timeout, options.connect_timeout, {})
        return sorted(p for p, s in states.items() if s is PortState.OPEN)

    found = await asyncio.gather(*(one(ip) for ip in ips))
    return dict(zip(ips, found, strict=True))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ip", action="append", default=[])
    args = parser.parse_args()
    options = CheckOptions(thorough=True)
    socket_allowance(options.thorough_connections)  # raises the open-files limit, as the checks do
    started = time.monotonic()
    found = asyncio.run(sweep_all(args.ip, options))
    json.dump({"elapsed": round(time.monotonic() - started, 3), "open": found}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
