"""Lab device: TCP listeners on many ports at once (a telnet prompt, a web page, or silence)."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

PAGE = (b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n"
        b"<html><head><title>Device admin</title></head><body>Settings</body></html>")
GREETINGS = {"telnet": b"\r\nlab-box login: ", "http": b"", "silent": b""}


async def serve(ip: str, port: int, kind: str) -> asyncio.Server:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            if kind == "http":
                await asyncio.wait_for(reader.read(4096), 3)
                writer.write(PAGE)
            else:
                writer.write(GREETINGS[kind])
            await writer.drain()
            await asyncio.wait_for(reader.read(1), 5)
        except (OSError, TimeoutError):
            pass
        finally:
            writer.close()

    return await asyncio.start_server(handle, ip, port, reuse_address=True)


async def main_async(ip: str, specs: list[str]) -> None:
    servers = []
    for spec in specs:
        port, kind = spec.split(":")
        assert kind in GREETINGS, kind
        servers.append(await serve(ip, int(port), kind))
    print("ready", flush=True)
    await asyncio.sleep(600)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ip", required=True)
    parser.add_argument("--listen", action="append", default=[], help="PORT:telnet|http|silent")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    asyncio.run(main_async(args.ip, args.listen))
    return 0


if __name__ == "__main__":
    sys.exit(main())
