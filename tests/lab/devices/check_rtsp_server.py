"""Lab device: an RTSP camera answering DESCRIBE with 200 for one login, or anyone (none)."""

from __future__ import annotations

import argparse
import base64
import hashlib
import re
import signal
import socket
import sys
import threading

NONCE = "labnonce0123456789"
REALM = "IP Camera"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ip", required=True)
    parser.add_argument("--user", default="")
    parser.add_argument("--password", default="")
    parser.add_argument("--scheme", choices=("digest", "basic", "both", "none"), default="digest")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = socket.create_server((args.ip, 554))
    while True:
        conn, _ = server.accept()
        threading.Thread(target=_serve, args=(conn, args.user, args.password, args.scheme),
                         daemon=True).start()


def _serve(conn: socket.socket, user: str, password: str, scheme: str) -> None:
    with conn:
        conn.settimeout(5)
        try:
            request = conn.recv(4096).decode("latin-1")
            cseq = re.search(r"CSeq:\s*(\d+)", request)
            seq = cseq.group(1) if cseq else "0"
            sent = re.search(r"Authorization:\s*(\w+)", request)
            print(f"attempt {sent.group(1).lower() if sent else 'none'}", flush=True)
            if _authorised(request, user, password, scheme):
                print("describe accepted", flush=True)
                sdp = "v=0\r\ns=Lab camera\r\n"
                conn.sendall(f"RTSP/1.0 200 OK\r\nCSeq: {seq}\r\nContent-Type: application/sdp"
                             f"\r\nContent-Length: {len(sdp)}\r\n\r\n{sdp}".encode())
            else:
                conn.sendall(f"RTSP/1.0 401 Unauthorized\r\nCSeq: {seq}\r\n"
                             f"{_challenges(scheme)}\r\n".encode())
        except OSError:
            pass


def _challenges(scheme: str) -> str:
    basic = f'WWW-Authenticate: Basic realm="{REALM}"\r\n'
    digest = f'WWW-Authenticate: Digest realm="{REALM}", nonce="{NONCE}"\r\n'
    return {"basic": basic, "digest": digest, "both": basic + digest}[scheme]


def _authorised(request: str, user: str, password: str, scheme: str) -> bool:
    if scheme == "none":
        return True
    if scheme != "digest" and _basic_ok(request, user, password):
        return True
    return scheme != "basic" and _digest_ok(request, user, password)


def _basic_ok(request: str, user: str, password: str) -> bool:
    header = re.search(r"Authorization:\s*Basic\s+(\S+)", request)
    expected = base64.b64encode(f"{user}:{password}".encode()).decode()
    return header is not None and header.group(1) == expected


def _digest_ok(request: str, user: str, password: str) -> bool:
    """RFC 2069-style Digest check (no qop), computed independently of the scanner's code."""
    header = re.search(r"Authorization:\s*Digest\s+(.*)", request)
    if not header:
        return False
    fields = dict(re.findall(r'(\w+)="([^"]*)"', header.group(1)))
    method = request.split(" ", 1)[0]

    def md5(text: str) -> str:
        return hashlib.md5(text.encode()).hexdigest()

    expected = md5(f"{md5(f'{user}:{REALM}:{password}')}:{NONCE}:"
                   f"{md5(method + ':' + fields.get('uri', ''))}")
    return fields.get("username") == user and fields.get("response") == expected


if __name__ == "__main__":
    sys.exit(main())
