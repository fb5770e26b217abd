"""Checklist answers (every one kept, committed when given) and consent records."""

from __future__ import annotations

import uuid
from typing import Any

from core.errors import InvalidInputError
from core.store.base import StoreBase, insert_row, normalise_mac, now_iso
from core.store.records import AnswerRecord, ConsentRecord

_ANSWER_SQL = "SELECT mac, item_id, value, note, who, at FROM answers"
_CONSENT_SQL = "SELECT id, site_id, authorised_by, network, scope, at FROM consents"


def _answer(row: tuple[Any, ...]) -> AnswerRecord:
    return AnswerRecord(mac=row[0], item_id=row[1], value=row[2] or "", note=row[3] or "",
                        who=row[4] or "", at=row[5])


class AnswersMixin(StoreBase):
    """Answer and consent methods of Store."""

    def record_answer(self, site_id: int, mac: str, item_id: str, value: str, note: str = "",
                      who: str = "", at: str = "") -> AnswerRecord:
        """Save one answer now, in its own committed transaction (mac "" = site-wide item)."""
        if not item_id:
            raise InvalidInputError("An answer needs a checklist item.")
        row: dict[str, Any] = {
            "uid": str(uuid.uuid4()), "site_id": site_id, "mac": normalise_mac(mac),
            "item_id": item_id, "value": str(value), "note": note, "who": who,
            "at": at or now_iso()}
        with self._write() as db:
            self._site_exists(db.conn, site_id)
            db.table("answers").insert(row)
        return AnswerRecord(mac=row["mac"], item_id=item_id, value=row["value"], note=note,
                            who=who, at=row["at"])

    def answers(self, site_id: int, mac: str) -> dict[str, AnswerRecord]:
        """The latest answer per checklist item for one device (or "" for the site)."""
        with self._read() as conn:
            rows = conn.execute(_ANSWER_SQL + " WHERE site_id = ? AND mac = ? ORDER BY at, id",
                                (site_id, normalise_mac(mac))).fetchall()
        return {row[1]: _answer(row) for row in rows}  # later rows overwrite earlier ones

    def answer_history(self, site_id: int, mac: str, item_id: str) -> tuple[AnswerRecord, ...]:
        """Every answer ever given for one item, oldest first."""
        with self._read() as conn:
            rows = conn.execute(
                _ANSWER_SQL + " WHERE site_id = ? AND mac = ? AND item_id = ? ORDER BY at, id",
                (site_id, normalise_mac(mac), item_id)).fetchall()
        return tuple(_answer(row) for row in rows)

    def record_consent(self, site_id: int, authorised_by: str, network: str, scope: str,
                       at: str = "") -> ConsentRecord:
        """Record who authorised consent-gated checks on a network (committed at once)."""
        if not authorised_by.strip():
            raise InvalidInputError("Consent needs the name of the person who gave it.")
        row: dict[str, Any] = {
            "uid": str(uuid.uuid4()), "site_id": site_id, "authorised_by": authorised_by,
            "network": network, "scope": scope, "at": at or now_iso()}
        with self._write() as db:
            self._site_exists(db.conn, site_id)
            consent_id = insert_row(db, "consents", row)
        return ConsentRecord(id=consent_id, site_id=site_id, authorised_by=authorised_by,
                             network=network, scope=scope, at=row["at"])

    def consents(self, site_id: int) -> tuple[ConsentRecord, ...]:
        """A site's consent records, newest first."""
        with self._read() as conn:
            rows = conn.execute(_CONSENT_SQL + " WHERE site_id = ? ORDER BY at DESC, id DESC",
                                (site_id,)).fetchall()
        return tuple(ConsentRecord(*row) for row in rows)
