"""Lab device: a tiny SNMP v2c agent answering sysDescr.0 to one community string only."""

from __future__ import annotations

import argparse
import signal
import socket
import sys


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ip", required=True)
    parser.add_argument("--community", default="public")
    parser.add_argument("--descr", default="Lab printer SNMP agent")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((args.ip, 161))
    print("ready", flush=True)
    while True:
        data, peer = sock.recvfrom(2048)
        try:
            community, request_id = _read_request(data)
        except (IndexError, ValueError):
            continue
        print("request " + ("answered" if community == args.community else "ignored"), flush=True)
        if community == args.community:
            sock.sendto(_response(community, request_id, args.descr.encode()), peer)


def _read_request(data: bytes) -> tuple[str, bytes]:
    """Community and raw request-id bytes of a short-form v2c GetRequest."""
    if data[0] != 0x30 or data[2:5] != b"\x02\x01\x01" or data[5] != 0x04:
        raise ValueError("not SNMP v2c")
    end = 7 + data[6]
    community = data[7:end].decode()
    if data[end] != 0xA0 or data[end + 2] != 0x02:
        raise ValueError("not a GetRequest")
    id_len = data[end + 3]
    return community, data[end + 2:end + 4 + id_len]


def _short(tag: int, value: bytes) -> bytes:
    assert len(value) < 128
    return bytes([tag, len(value)]) + value


def _response(community: str, request_id: bytes, descr: bytes) -> bytes:
    sys_descr = bytes.fromhex("06082b06010201010100")  # OID 1.3.6.1.2.1.1.1.0
    varbinds = _short(0x30, _short(0x30, sys_descr + _short(0x04, descr)))
    pdu = _short(0xA2, request_id + b"\x02\x01\x00\x02\x01\x00" + varbinds)
    return _short(0x30, b"\x02\x01\x01" + _short(0x04, community.encode()) + pdu)


if __name__ == "__main__":
    sys.exit(main())
