"""The scan command's consent record: written before the first password attempt, ended after."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from core.cli.text import terminal_safe
from core.errors import NotFoundError
from core.models import Site

if TYPE_CHECKING:
    from core.checks import Consent
    from core.store import ConsentEnd, Store

# Without --site, a consent (and nothing else) is recorded under this site of the database, so
# every authorisation is on record even when the scan itself is not saved.
UNSAVED_SITE = "Unsaved scans"
SCOPE = "default-credential checks, 1-3 attempts per login service of a device"


class ConsentLedger:
    """Records the CLI's consent in the store (--db or the default) and ends it with the scan."""

    def __init__(self, db: str | None, site: str | None, scan_uid: str) -> None:
        self.db = Path(db) if db else None
        self.site_name = site or UNSAVED_SITE
        self.scan_uid = scan_uid
        self.record_id: int | None = None

    def start(self, consent: Consent) -> Consent:
        """Write the record (network actually scanned, the scan it covers); runs before any try."""
        from core.store import Store  # imported when used: a scan without consent never needs it

        with Store.open(self.db) as store:
            site = site_for(store, self.site_name, consent.network)
            record = store.record_consent(site.id, consent.authorised_by, consent.network, SCOPE,
                                          scan_uid=self.scan_uid)
        self.record_id = record.id
        print(f"Password checks on {record.network} authorised by "
              f"{terminal_safe(record.authorised_by)}: recorded (consent {record.id}, site "
              f"{terminal_safe(site.name)!r}).", file=sys.stderr)
        return replace(consent, site=site.name, record_id=record.id, scan_uid=self.scan_uid)

    def end(self, reason: ConsentEnd) -> None:
        """End the record (the scan finished, was cancelled or failed); no-op if never written."""
        if self.record_id is None:
            return
        from core.store import Store

        with Store.open(self.db) as store:
            store.end_consent(self.record_id, reason)


def site_for(store: Store, name: str, network: str) -> Site:
    """The site called `name`, created (with `network`, unless it is the unsaved-scans site)."""
    try:
        return store.site_by_name(name)
    except NotFoundError:
        networks = () if name == UNSAVED_SITE or not network else (network,)
        site = store.create_site(name, networks=networks)
        print(f"New site {terminal_safe(site.name)!r} created.", file=sys.stderr)
        return site
