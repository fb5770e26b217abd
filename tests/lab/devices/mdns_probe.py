"""Lab probe: lists the DNS-SD service types seen from one address within a bounded time."""

from __future__ import annotations

import json
import sys
import time

from zeroconf import IPVersion, ServiceBrowser, ServiceListener, Zeroconf


class _Collector(ServiceListener):
    def __init__(self) -> None:
        self.types: set[str] = set()

    def add_service(self, zc: Zeroconf, type_: str, name: str) -> None:
        self.types.add(type_)

    def update_service(self, zc: Zeroconf, type_: str, name: str) -> None:
        pass

    def remove_service(self, zc: Zeroconf, type_: str, name: str) -> None:
        pass


def main() -> int:
    ip, seconds = sys.argv[1], float(sys.argv[2])
    zc = Zeroconf(interfaces=[ip], ip_version=IPVersion.V4Only)
    types = ["_ipp._tcp.local.", "_http._tcp.local.", "_rtsp._tcp.local.", "_hap._tcp.local.",
             "_mqtt._tcp.local.", "_smb._tcp.local.", "_googlecast._tcp.local.",
             "_workstation._tcp.local.", "_odd-thing._tcp.local."]
    collector = _Collector()
    browser = ServiceBrowser(zc, types, collector)
    time.sleep(seconds)
    browser.cancel()
    zc.close()
    print(json.dumps(sorted(collector.types)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
