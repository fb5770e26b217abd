"""Lab device: registers DNS-SD services with python-zeroconf on one address, for a bounded time."""

from __future__ import annotations

import argparse
import json
import signal
import socket
import sys
import time

from zeroconf import IPVersion, ServiceInfo, Zeroconf


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ip", required=True)
    parser.add_argument("--host", required=True, help="host name without .local.")
    parser.add_argument("--services", required=True, help="JSON list of {type,name,port,txt}")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before announcing")
    parser.add_argument("--lifetime", type=float, default=600.0)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    time.sleep(args.delay)
    zc = Zeroconf(interfaces=[args.ip], ip_version=IPVersion.V4Only)
    try:
        for spec in json.loads(args.services):
            zc.register_service(_info(spec, args.ip, args.host), allow_name_change=True)
        print("ready", flush=True)
        time.sleep(args.lifetime)
    finally:
        zc.close()
    return 0


def _info(spec: dict[str, object], ip: str, host: str) -> ServiceInfo:
    stype = str(spec["type"])
    txt = spec.get("txt") or {}
    properties = {
        (k.encode("latin-1") if isinstance(k, str) else k): _raw(v)
        for k, v in dict(txt).items()  # type: ignore[call-overload]
    }
    return ServiceInfo(
        stype,
        f"{spec['name']}.{stype}",
        addresses=[socket.inet_aton(ip)],
        port=int(spec["port"]),  # type: ignore[call-overload]
        properties=properties,
        server=f"{host}.local.",
    )


def _raw(value: object) -> bytes | None:
    """TXT value bytes: str as UTF-8, {"hex": ...} raw (hostile records), None a flag."""
    if value is None:
        return None
    if isinstance(value, dict) and "hex" in value:
        return bytes.fromhex(str(value["hex"]))
    return str(value).encode("utf-8")


if __name__ == "__main__":
    sys.exit(main())
