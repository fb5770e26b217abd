"""Where events go: a JSONL file and a syslog collector, both fed the same ECS JSON lines."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from core.monitoring.ecs import Observer, to_json_line
from core.monitoring.events import Event, EventKind, now_iso
from core.monitoring.syslog import DeliveryStatus, SyslogSender, SyslogTarget


class Feed(Protocol):
    """Takes ECS JSON lines; `flush` delivers what it holds (and may keep what it cannot)."""

    name: str

    def submit(self, lines: Sequence[str]) -> None: ...

    def flush(self) -> DeliveryStatus | None: ...


class JsonlFeed:
    """Appends each line to a file (created with its folder), fsynced at every flush."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = f"jsonl:{path}"
        self._pending: list[str] = []

    def submit(self, lines: Sequence[str]) -> None:
        self._pending.extend(lines)

    def flush(self) -> DeliveryStatus | None:
        if self._pending:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as out:
                out.write("".join(line + "\n" for line in self._pending))
                out.flush()
                os.fsync(out.fileno())
            delivered = len(self._pending)
            self._pending.clear()
            return DeliveryStatus(target=self.name, delivered_total=delivered,
                                  last_success=now_iso())
        return None


class SyslogFeed:
    """RFC 5424 to a collector through the on-disk queue (see core.monitoring.syslog)."""

    def __init__(self, target: SyslogTarget, spool_dir: Path, site: str = "",
                 observer: Observer | None = None, max_messages: int = 10_000,
                 timeout: float = 3.0) -> None:
        self.name = f"syslog:{target}"
        observer = observer or Observer.here()

        def dropped_line(count: int) -> str:
            event = Event(kind=EventKind.EVENTS_DROPPED, site=site, timestamp=now_iso(),
                          count=count, message=f"The syslog queue was full: {count} older "
                          "messages were dropped before they could be delivered.")
            return to_json_line(event, observer)

        self.sender = SyslogSender(target, spool_dir, hostname=observer.hostname,
                                   dropped_line=dropped_line, max_messages=max_messages,
                                   timeout=timeout)

    def submit(self, lines: Sequence[str]) -> None:
        self.sender.submit(lines)

    def flush(self) -> DeliveryStatus | None:
        return self.sender.flush()

    def status(self) -> DeliveryStatus:
        return self.sender.status()
