"""Checklist answers (every one kept, committed when given) and consents bound to one scan."""

from __future__ import annotations

import uuid
from typing import Any

from core.errors import ConsentRequiredError, InvalidInputError, NotFoundError
from core.store.base import StoreBase, insert_row, normalise_mac, now_iso
from core.store.records import AnswerRecord, ConsentEnd, ConsentRecord
from core.store.sites import clean_networks

_ANSWER_SQL = "SELECT mac, item_id, value, note, who, at FROM answers"
_CONSENT_SQL = ("SELECT id, site_id, authorised_by, network, scope, at, scan_uid, ended, "
                "end_reason FROM consents")


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
                       at: str = "", *, scan_uid: str = "") -> ConsentRecord:
        """Record, committed at once, who authorised consent-gated checks on one network.

        It covers one scan: `scan_uid` (a new uid when empty; save that scan with it) and ends
        when that scan is saved, or on end_consent (cancelled, failed, network changed).
        """
        who = " ".join(authorised_by.split())
        if not who:
            raise InvalidInputError("Consent needs the name of the person who gave it.")
        cidr = clean_networks([network])[0]
        row: dict[str, Any] = {
            "uid": str(uuid.uuid4()), "site_id": site_id, "authorised_by": who[:200],
            "network": cidr, "scope": scope, "at": at or now_iso(),
            "scan_uid": scan_uid or str(uuid.uuid4()), "ended": "", "end_reason": ""}
        with self._write() as db:
            self._site_exists(db.conn, site_id)
            consent_id = insert_row(db, "consents", row)
        return self.consent(consent_id)

    def consent(self, consent_id: int) -> ConsentRecord:
        with self._read() as conn:
            row = conn.execute(_CONSENT_SQL + " WHERE id = ?", (consent_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"There is no consent record {consent_id}.")
        return ConsentRecord(*row)

    def start_consented_checks(self, consent_id: int, network: str) -> ConsentRecord:
        """Confirm, before the first attempt, that the consent still covers `network`.

        A consent that has ended, or names another network, raises ConsentRequiredError (the
        latter also ends it: the network changed). The record is committed already.
        """
        record = self.consent(consent_id)
        if not record.active:
            raise ConsentRequiredError(
                f"The authorisation by {record.authorised_by} has ended ({record.end_reason}).",
                "Authorise the password checks again for this scan.")
        if clean_networks([network])[0] != record.network:
            self.end_consent(consent_id, ConsentEnd.NETWORK_CHANGED)
            raise ConsentRequiredError(
                f"The authorisation covers {record.network}, not {network}.",
                "Authorise the password checks again for this network.")
        return record

    def end_consent(self, consent_id: int, reason: ConsentEnd | str) -> ConsentRecord:
        """End an authorisation (nothing changes if it had ended already)."""
        with self._write() as db:
            db.conn.execute("UPDATE consents SET ended = ?, end_reason = ? "
                            "WHERE id = ? AND ended = ''", (now_iso(), str(reason), consent_id))
        return self.consent(consent_id)

    def consents(self, site_id: int) -> tuple[ConsentRecord, ...]:
        """A site's consent records, newest first."""
        with self._read() as conn:
            rows = conn.execute(_CONSENT_SQL + " WHERE site_id = ? ORDER BY at DESC, id DESC",
                                (site_id,)).fetchall()
        return tuple(ConsentRecord(*row) for row in rows)
