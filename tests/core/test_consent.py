"""Consent bound to what it authorises: recorded before the first try, ended with its scan."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from core.cancel import CancelToken
from core.checks import CheckOptions, Consent, bind_consent, consented, logins
from core.checks.net import Gate
from core.checks.probes import Observations
from core.cli import main
from core.cli.consent_record import UNSAVED_SITE
from core.errors import ConsentRequiredError, InvalidInputError
from core.models import ArpMode, Device, ScanInfo, ScanResult
from core.scan import run as scan_run
from core.store import ConsentEnd, ConsentRecord, Store
from tests.fixtures.db.builders import device, scan

NETWORK = "192.0.2.0/24"
CAMERA = Device(mac="aa:00:00:00:00:01", ips=("192.0.2.10",), vendor="Solo Cameras Inc")


@dataclass
class Boundary:
    """The network boundary, stubbed: discovery finds CAMERA, every login attempt is seen."""

    db: Path
    cancel_after_attempt: bool = False
    attempts: list[tuple[ConsentRecord, ...]] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)

    def discovery(self, request: Any, **_: Any) -> ScanResult:
        info = ScanInfo(interface="eth0", network=NETWORK, mode=ArpMode.KERNEL,
                        started="2026-03-01T10:00:00Z", finished="2026-03-01T10:00:05Z")
        return ScanResult(info=info, devices=(CAMERA,))

    def checks(self, devices: tuple[Device, ...], options: CheckOptions, cancel: CancelToken,
               *_: Any) -> tuple[Device, ...]:
        async def one(dev: Device) -> Device:
            gate = Gate(asyncio.Semaphore(2), asyncio.Semaphore(2), 0.1, 0.1)
            seen = Observations(auth={80: ("basic", False)})
            found = await consented.run_consented(dev, replace(options, credential_pace=0),
                                                  gate, seen)
            self.evidence += [f.evidence for f in found]
            return replace(dev, findings=tuple(found))

        checked = tuple(asyncio.run(one(d)) for d in devices)
        if self.cancel_after_attempt:
            cancel.cancel()
        return checked

    async def http_login(self, *_: Any) -> bool:
        """The first attempt: what does the database say at this very moment?"""
        with Store.open(self.db) as store:
            self.attempts.append(tuple(c for s in store.sites() for c in store.consents(s.id)))
        return True

    async def snmp_login(self, *_: Any) -> str:
        return ""


@pytest.fixture
def boundary(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Boundary:
    stub = Boundary(tmp_path / "db.sqlite3")
    monkeypatch.setenv("IOT_HYGIENE_DB", str(stub.db))
    monkeypatch.setattr(scan_run, "run_discovery", stub.discovery)
    monkeypatch.setattr(scan_run, "run_checks", stub.checks)
    monkeypatch.setattr(logins, "http_login", stub.http_login)
    monkeypatch.setattr(logins, "snmp_login", stub.snmp_login)  # no packet leaves the test
    return stub


def _consents(db: Path) -> list[tuple[str, ConsentRecord]]:
    with Store.open(db) as store:
        return [(s.name, c) for s in store.sites() for c in store.consents(s.id)]


def test_cli_without_save_records_consent_before_the_first_attempt(
        boundary: Boundary, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "-i", "eth0", "--authorize-credential-checks", "Jo Owner"]) == 0
    assert boundary.attempts, "no login was attempted"
    (at_attempt,) = boundary.attempts[0]
    assert (at_attempt.authorised_by, at_attempt.network) == ("Jo Owner", NETWORK)
    assert at_attempt.active and at_attempt.scan_uid
    ((site, after),) = _consents(boundary.db)
    assert site == UNSAVED_SITE and after.end_reason == ConsentEnd.FINISHED.value
    with Store.open(boundary.db) as store:
        assert store.scans(store.site_by_name(UNSAVED_SITE).id) == ()  # the scan is not saved
    assert "recorded (consent" in capsys.readouterr().err


def test_cli_with_save_links_the_scan_it_covers(boundary: Boundary) -> None:
    assert main(["scan", "-i", "eth0", "--authorize-credential-checks", "Jo Owner",
                 "--save", "--site", "Office"]) == 0
    assert boundary.attempts and boundary.attempts[0][0].active
    ((site, consent),) = _consents(boundary.db)
    assert site == "Office" and consent.end_reason == ConsentEnd.FINISHED.value
    with Store.open(boundary.db) as store:
        office = store.site_by_name("Office")
        exported = store.export_document(office.id)
    assert exported["scans"][0]["uid"] == consent.scan_uid
    assert "Jo Owner" in exported["scans"][0]["consent"]


def test_cancelling_the_scan_ends_the_consent(boundary: Boundary) -> None:
    boundary.cancel_after_attempt = True
    main(["scan", "-i", "eth0", "--authorize-credential-checks", "Jo Owner"])
    ((_, consent),) = _consents(boundary.db)
    assert consent.end_reason == ConsentEnd.CANCELLED.value and not consent.active


def test_a_consent_for_another_network_never_carries_over(boundary: Boundary) -> None:
    assert main(["scan", "-i", "eth0", "--network", "198.51.100.0/24",
                 "--authorize-credential-checks", "Jo Owner"]) == 0
    assert boundary.attempts == [] and _consents(boundary.db) == []
    assert any("not run" in text for text in boundary.evidence)


def test_evidence_never_names_the_list_that_held_the_working_login(
        boundary: Boundary, tmp_path: Path) -> None:
    folder = tmp_path / "credentials"
    folder.mkdir()
    (folder / "solo.toml").write_text('vendor = "Solo"\nmatch = ["solo"]\n[[login]]\n'
                                      'user = "admin"\npassword = "solo-secret"\n'
                                      'services = ["http"]\n')
    consent = Consent("Jo Owner", "Office", NETWORK, "2026-03-01T10:00:00Z")
    boundary.checks((CAMERA,), CheckOptions(consent=consent, credentials_dir=folder),
                    CancelToken())
    (evidence,) = boundary.evidence
    assert "accepted" in evidence and "Solo" not in evidence and "solo" not in evidence
    assert "admin" not in evidence and "1 " not in evidence.split("accepted")[1][:30]


def test_every_bundled_finding_text_hides_single_login_lists(boundary: Boundary) -> None:
    consent = Consent("Jo Owner", "Office", NETWORK, "2026-03-01T10:00:00Z")
    boundary.checks((CAMERA,), CheckOptions(consent=consent), CancelToken())
    vendors = {lg.vendor for v in consented._load(None) for lg in v.logins}
    assert not any(vendor in text for vendor in vendors for text in boundary.evidence)


def test_bind_consent_drops_a_consent_for_another_network() -> None:
    recorded: list[Consent] = []

    def record(consent: Consent) -> Consent:
        recorded.append(consent)
        return replace(consent, record_id=7)

    options = CheckOptions(consent=Consent("Jo", "Office", "", "t"), on_consent_start=record)
    bound = bind_consent(options, "192.0.2.77/24")
    assert bound is not None and bound.consent is not None
    assert (bound.consent.network, bound.consent.record_id) == (NETWORK, 7)
    elsewhere = replace(options, consent=Consent("Jo", "Office", "198.51.100.0/24", "t"))
    dropped = bind_consent(elsewhere, NETWORK)
    assert dropped is not None and dropped.consent is None and len(recorded) == 1


def test_attempts_only_inside_the_authorised_network() -> None:
    consent = Consent("Jo", "Office", "198.51.100.0/24", "t")
    seen = Observations(auth={80: ("basic", False)})

    async def run() -> list[Any]:
        gate = Gate(asyncio.Semaphore(1), asyncio.Semaphore(1), 0.1, 0.1)
        return await consented.run_consented(CAMERA, CheckOptions(consent=consent), gate, seen)

    (found,) = asyncio.run(run())
    assert found.id == "credential-checks-not-run" and "198.51.100.0/24" in found.evidence


# -- the store's side


def _store(tmp_path: Path) -> tuple[Store, int]:
    store = Store.open(tmp_path / "db.sqlite3")
    return store, store.create_site("Office").id


def test_record_names_network_and_scan_and_saving_the_scan_ends_it(tmp_path: Path) -> None:
    store, site_id = _store(tmp_path)
    with store:
        consent = store.record_consent(site_id, "Jo", "192.0.2.7/24", "password checks")
        assert consent.active and consent.network == NETWORK and consent.scan_uid
        scan_id = store.save_scan(site_id, scan("2026-01-01T10:00:00Z",
                                                device("aa:00:00:00:00:01", "192.0.2.1")),
                                  consent_id=consent.id)
        ended = store.consent(consent.id)
        assert not ended.active and ended.end_reason == ConsentEnd.FINISHED.value
        assert store.export_document(site_id)["scans"][0]["uid"] == consent.scan_uid
        assert store.scan(scan_id).id == scan_id
        with pytest.raises(ConsentRequiredError):
            store.start_consented_checks(consent.id, NETWORK)  # it ended with its scan


def test_changing_the_network_ends_the_consent(tmp_path: Path) -> None:
    store, site_id = _store(tmp_path)
    with store:
        consent = store.record_consent(site_id, "Jo", NETWORK, "password checks")
        assert store.start_consented_checks(consent.id, "192.0.2.0/24").active
        with pytest.raises(ConsentRequiredError):
            store.start_consented_checks(consent.id, "198.51.100.0/24")
        assert store.consent(consent.id).end_reason == ConsentEnd.NETWORK_CHANGED.value
        store.end_consent(consent.id, ConsentEnd.CANCELLED)  # ending twice keeps the first
        assert store.consent(consent.id).end_reason == ConsentEnd.NETWORK_CHANGED.value


def test_a_scan_cannot_link_another_sites_consent(tmp_path: Path) -> None:
    store, site_id = _store(tmp_path)
    with store:
        other = store.create_site("Elsewhere")
        consent = store.record_consent(other.id, "Kim", NETWORK, "password checks")
        with pytest.raises(InvalidInputError):
            store.save_scan(site_id, scan("2026-01-01T10:00:00Z"), consent_id=consent.id)
        assert store.scans(site_id) == () and store.consent(consent.id).active
