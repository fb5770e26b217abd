"""Per-responder shares under a global ceiling: one loud responder cannot take every place."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass
class Share:
    """Admits items (service types, instances, descriptions) per responder address.

    A responder gets at most `per_responder` items. Once `ceiling` items are admitted in all,
    only responders that have fewer than `floor` still get theirs, up to twice the ceiling:
    a well-behaved device that answers late (after its random delay) is never crowded out.
    """

    what: str  # "mDNS service types", in words for the user
    per_responder: int
    ceiling: int
    floor: int
    counts: dict[str, int] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)  # per-responder cap hits
    ceiling_refused: int = 0
    total: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def admit(self, responder: str) -> bool:
        """Whether one more item from `responder` is kept (counts it if so)."""
        with self.lock:
            used = self.counts.get(responder, 0)
            if used >= self.per_responder:
                self.refused[responder] = self.refused.get(responder, 0) + 1
                return False
            if self.total >= self.ceiling and (used >= self.floor
                                               or self.total >= 2 * self.ceiling):
                self.ceiling_refused += 1
                return False
            self.counts[responder] = used + 1
            self.total += 1
            return True

    def responder_notes(self) -> dict[str, str]:
        """Responder -> plain words for each responder that hit its cap."""
        with self.lock:
            return {ip: f"{self.what}: more than {self.per_responder} from this device; "
                        f"{self.per_responder} kept, {extra} more ignored"
                    for ip, extra in self.refused.items()}

    def ceiling_note(self) -> str:
        """Plain words when the global ceiling turned items away, else ""."""
        with self.lock:
            if not self.ceiling_refused:
                return ""
            return (f"{self.what}: the limit of {self.ceiling} for the whole scan was reached; "
                    f"{self.ceiling_refused} more ignored (devices with fewer than "
                    f"{self.floor} still kept theirs)")
