"""Saved sites keep fingerprints, WS-Discovery, NetBIOS and the KEV catalogue version."""

from __future__ import annotations

import copy
import json
import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from core.errors import DataFileError
from core.models import Device, Fingerprint, NetbiosInfo, WsdInfo
from core.scan import scan_from_json, scan_to_json
from core.store import SCHEMA_VERSION, Store
from core.store.schema import migrations
from tests.fixtures.db.builders import device, scan

CAMERA = "aa:00:00:00:00:0c"
HW = Fingerprint("hw", "Hikvision", "DS-2CD2032", "5.4.0", "IP Camera", "",
                 "http_header.server 'DNVRS-Webs'")
OS = Fingerprint("os", "Linux", "Linux", "3.10", "", "cpe:/o:linux:linux_kernel:3.10",
                 "ssh.banner 'OpenSSH_7.4'")
WSD = WsdInfo(xaddrs=("http://192.0.2.5/onvif/device_service",),
              types=("dn:NetworkVideoTransmitter",), scopes=("onvif://www.onvif.org/name/Cam",),
              manufacturer="Hikvision", model="DS-2CD2032", name="Cam")
NETBIOS = NetbiosInfo(name="CAM01", workgroup="WORKGROUP", names=("CAM01<00>",),
                      mac="00:00:00:00:00:00")


def _camera() -> Device:
    return replace(device(CAMERA, "192.0.2.5"), fingerprints=(HW, OS), wsd=WSD, netbios=NETBIOS)


def _saved(path: Path) -> tuple[Store, int]:
    store = Store.open(path)
    site = store.create_site("Office", networks=["192.0.2.0/24"])
    result = scan("2026-03-01T10:00:00Z", _camera())
    store.save_scan(site.id, replace(result, info=replace(result.info, kev_catalog="2026.11.20")))
    return store, site.id


def _identity(store: Store, site_id: int) -> tuple[Any, ...]:
    latest = store.device(site_id, CAMERA).latest
    assert latest is not None
    return latest.fingerprints, latest.wsd, latest.netbios, store.scans(site_id)[0].kev_catalog


def test_a_saved_scan_keeps_fingerprints_wsd_netbios_and_the_catalogue(tmp_path: Path) -> None:
    store, site_id = _saved(tmp_path / "db.sqlite3")
    store.close()
    with Store.open(tmp_path / "db.sqlite3") as reopened:
        assert _identity(reopened, site_id) == ((HW, OS), WSD, NETBIOS, "2026.11.20")
        scan_id = reopened.scans(site_id)[0].id
        assert reopened.scan_devices(scan_id)[0].fingerprints == (HW, OS)


def test_export_and_import_carry_identity_and_catalogue(tmp_path: Path) -> None:
    source, site_id = _saved(tmp_path / "one.sqlite3")
    exported = source.export_site(site_id, tmp_path / "site.json")
    doc = json.loads(exported.read_text())
    assert doc["scans"][0]["kev_catalog"] == "2026.11.20"
    assert doc["scans"][0]["devices"][0]["fingerprints"][0]["evidence"] == HW.evidence
    with source, Store.open(tmp_path / "two.sqlite3") as target:
        target.import_site(exported)
        imported = target.site_by_name("Office").id
        assert _identity(target, imported) == _identity(source, site_id)


def test_the_scan_json_round_trip_saves_the_same_identity(tmp_path: Path) -> None:
    result = scan("2026-03-01T10:00:00Z", _camera())
    result = replace(result, info=replace(result.info, kev_catalog="2026.11.20"))
    again = scan_from_json(json.loads(json.dumps(scan_to_json(result))))
    with Store.open(tmp_path / "db.sqlite3") as store:
        site = store.create_site("Office")
        store.save_scan(site.id, again)
        assert _identity(store, site.id) == ((HW, OS), WSD, NETBIOS, "2026.11.20")


def _change(doc: dict[str, Any], key: str, value: Any) -> None:
    doc["scans"][0]["devices"][0][key] = value


BAD_IDENTITY = {
    "fingerprint part unknown": ("fingerprints", [{"part": "firmware", "vendor": "X"}]),
    "fingerprint field unknown": ("fingerprints", [{"part": "hw", "password": "admin"}]),
    "fingerprint vendor not text": ("fingerprints", [{"part": "hw", "vendor": 7}]),
    "fingerprints not a list": ("fingerprints", {"part": "hw"}),
    "too many fingerprints": ("fingerprints", [{"part": "hw"}] * 1001),
    "wsd field unknown": ("wsd", {"model": "X", "script": "<b>"}),
    "wsd scopes not a list": ("wsd", {"scopes": "onvif://x"}),
    "netbios not an object": ("netbios", ["CAM01"]),
    "netbios names not text": ("netbios", {"names": [1, 2]}),
}


@pytest.mark.parametrize("name", sorted(BAD_IDENTITY))
def test_bad_identity_fields_refuse_the_whole_import(tmp_path: Path, name: str) -> None:
    source, site_id = _saved(tmp_path / "one.sqlite3")
    doc = source.export_document(site_id)
    source.close()
    crafted = copy.deepcopy(doc)
    _change(crafted, *BAD_IDENTITY[name])
    path = tmp_path / "crafted.json"
    path.write_text(json.dumps(crafted))
    with Store.open(tmp_path / "two.sqlite3") as target:
        with pytest.raises(DataFileError):
            target.import_site(path)
        assert target.sites() == ()


def test_a_bad_catalogue_version_refuses_the_import(tmp_path: Path) -> None:
    source, site_id = _saved(tmp_path / "one.sqlite3")
    doc = source.export_document(site_id)
    source.close()
    doc["scans"][0]["kev_catalog"] = {"version": "2026"}
    path = tmp_path / "crafted.json"
    path.write_text(json.dumps(doc))
    with Store.open(tmp_path / "two.sqlite3") as target, pytest.raises(DataFileError):
        target.import_site(path)


def test_an_export_made_before_identity_was_kept_still_imports(tmp_path: Path) -> None:
    source, site_id = _saved(tmp_path / "one.sqlite3")
    doc = source.export_document(site_id)
    source.close()
    for key in ("fingerprints", "wsd", "netbios"):
        del doc["scans"][0]["devices"][0][key]
    del doc["scans"][0]["kev_catalog"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(doc))
    with Store.open(tmp_path / "two.sqlite3") as target:
        target.import_site(path)
        assert _identity(target, target.site_by_name("Office").id) == ((), None, None, "")


def test_a_store_made_at_m006_migrates_and_reads_as_nothing_identified(tmp_path: Path) -> None:
    path = tmp_path / "m006.sqlite3"
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        migrations.apply(Database(conn, execute_plugins=False), stop_before="m007_identity")
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 6
        conn.executescript(
            "INSERT INTO sites (id, name, created) VALUES (1, 'Old office', '');"
            "INSERT INTO scans (id, uid, site_id, started, mode) VALUES "
            "(1, 'u1', 1, '2026-01-01T10:00:00Z', 'kernel');"
            f"INSERT INTO devices (id, site_id, mac, first_seen, last_seen, last_obs_id) VALUES "
            f"(1, 1, '{CAMERA}', '2026-01-01T10:00:00Z', '2026-01-01T10:00:00Z', 1);"
            "INSERT INTO observations (id, scan_id, device_id, ip, ips, vendor, model, "
            "category) VALUES (1, 1, 1, '192.0.2.5', '[\"192.0.2.5\"]', 'Hikvision', "
            "'DS-2CD2032', 'camera');")
    with Store.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert _identity(store, 1) == ((), None, None, "")
        latest = store.device(1, CAMERA).latest
        assert latest is not None and latest.model == "DS-2CD2032"
        result = scan("2026-03-01T10:00:00Z", _camera())
        store.save_scan(1, replace(result, info=replace(result.info, kev_catalog="2026.11.20")))
        assert _identity(store, 1) == ((HW, OS), WSD, NETBIOS, "2026.11.20")
