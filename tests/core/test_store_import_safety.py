"""Import never overwrites silently: --merge needed, preview first, hostile files refused whole."""

from __future__ import annotations

import contextlib
import copy
import json
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import DataFileError, ImportConflictError
from core.models import Tag
from core.store import Store, import_check
from core.store.import_check import BadValue, check_document, read_export
from tests.fixtures.db.builders import device, finding, scan, service

A, B = "aa:00:00:00:00:0a", "aa:00:00:00:00:0b"


def _source(path: Path) -> tuple[Store, int]:
    store = Store.open(path)
    site = store.create_site("Client X", networks=["192.0.2.0/24"])
    consent = store.record_consent(site.id, "Jo Owner", "192.0.2.0/24", "password checks")
    store.save_scan(site.id, scan("2026-01-01T10:00:00Z",
                                  device(A, "192.0.2.1", ports=(23,), name="Cam",
                                         findings=(finding("telnet", port=23),),
                                         services=(service("_ipp._tcp.local.", "P", 631),))),
                    consent_id=consent.id)
    store.update_device(site.id, A, label="Printer", owner="Sam", tag=Tag.WORK)
    store.record_answer(site.id, A, "default-password", "changed", who="Sam")
    return store, site.id


@pytest.fixture
def exported(tmp_path: Path) -> Iterator[dict[str, Any]]:
    store, site_id = _source(tmp_path / "source.sqlite3")
    with store:
        yield json.loads(store.export_site(site_id, tmp_path / "site.json").read_text())


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "target.sqlite3") as store:
        local = store.create_site("client x", notes="ours")
        store.save_scan(local.id, scan("2026-02-01T10:00:00Z", device(B, "192.0.2.7")))
        store.update_device(local.id, B, owner="Local Kim")
        store.record_answer(local.id, B, "default-password", "unknown")
        yield store


def _state(store: Store) -> list[Any]:
    """Everything a person could see, for every site (proves nothing changed)."""
    state: list[Any] = []
    for site in store.sites():
        state.append((site, store.export_document(site.id) | {"exported_at": ""},
                      store.devices(site.id), store.findings(site.id), store.consents(site.id)))
    return state


def _write(tmp_path: Path, doc: Any, name: str = "crafted.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return path


def test_import_over_an_existing_site_needs_merge_and_changes_nothing(
        tmp_path: Path, exported: dict[str, Any], target: Store) -> None:
    crafted = copy.deepcopy(exported)
    crafted["devices"][0]["owner"] = "Mallory"
    crafted["devices"][0]["updated_at"] = "2999-01-01T00:00:00Z"  # "newer": would overwrite
    path = _write(tmp_path, crafted)
    before = _state(target)
    with pytest.raises(ImportConflictError) as caught:
        target.import_site(path)
    assert "client x" in caught.value.message.lower() and "--merge" in caught.value.hint
    assert _state(target) == before


def test_preview_shows_what_would_change_and_changes_nothing(
        tmp_path: Path, exported: dict[str, Any], target: Store) -> None:
    path = _write(tmp_path, exported)
    before = _state(target)
    preview = target.preview_import(path)
    assert _state(target) == before
    local = target.site_by_name("Client X")
    assert preview.needs_merge and preview.existing_site_id == local.id
    assert (preview.devices_added, preview.scans_added, preview.answers_added,
            preview.consents_added) == ((A,), 1, 1, 1)
    summary = target.import_site(path, merge=True)
    assert (summary.devices_added, summary.scans_added, summary.answers_added) == (1, 1, 1)
    assert target.device(local.id, B).owner == "Local Kim"


def test_preview_of_a_new_site_needs_no_merge(tmp_path: Path, exported: dict[str, Any]) -> None:
    with Store.open(tmp_path / "empty.sqlite3") as store:
        preview = store.preview_import(_write(tmp_path, exported))
        assert not preview.needs_merge and preview.devices_added == (A,)
        assert store.sites() == ()


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return change


def _deep(levels: int) -> Any:
    value: Any = "x"
    for _ in range(levels):
        value = [value]
    return value


HOSTILE = {
    "site name not text": _set(("site", "name"), 42),
    "devices not a list": _set(("devices",), {"mac": A}),
    "retired as text": _set(("devices", 0, "retired"), "yes"),
    "bad tag": _set(("devices", 0, "tag"), "root"),
    "bad mac": _set(("devices", 0, "mac"), "'; DROP TABLE sites; --"),
    "bad severity": _set(("findings", 0, "severity"), "apocalyptic"),
    "bad status": _set(("findings", 0, "status"), "deleted"),
    "port as text": _set(("findings", 0, "port"), "23"),
    "port out of range": _set(("scans", 0, "devices", 0, "open_ports"), [70000]),
    "bad scan mode": _set(("scans", 0, "mode"), "magic"),
    "bad category": _set(("scans", 0, "devices", 0, "category"), "spaceship"),
    "bad time": _set(("answers", 0, "at"), "yesterday"),
    "empty answer item": _set(("answers", 0, "item_id"), ""),
    "huge note": _set(("devices", 0, "notes"), "x" * 1_000_000),
    "too many ports": _set(("scans", 0, "devices", 0, "open_ports"), list(range(2000))),
    "deep nesting in a field": _set(("devices", 0, "notes"), _deep(30)),
    "very deep nesting": _set(("site", "notes"), _deep(100_000)),
    "bad network": _set(("site", "networks"), ["not-a-network"]),
    "consent link out of the file": _set(("scans", 0, "consent_uid"), "other-site-consent"),
    "nobody authorised": _set(("consents", 0, "authorised_by"), "  "),
    "service txt not an object": _set(("scans", 0, "devices", 0, "services", 0, "txt"), [1]),
    "last answer bad, the rest fine": _set(("answers", 0, "value"), {"nested": True}),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_are_refused_whole(tmp_path: Path, exported: dict[str, Any],
                                         target: Store, name: str) -> None:
    crafted = copy.deepcopy(exported)
    HOSTILE[name](crafted)
    path = tmp_path / "hostile.json"
    try:
        path.write_text(json.dumps(crafted))
    except RecursionError:  # json cannot even write it: build the text by hand
        path.write_text(json.dumps(exported).replace('"notes": ""', '"notes": '
                                                     + "[" * 100_000 + "]" * 100_000, 1))
    before = _state(target)
    for attempt in (lambda: target.import_site(path, merge=True),
                    lambda: target.preview_import(path)):
        with pytest.raises(DataFileError):
            attempt()
    assert _state(target) == before  # every site still reads exactly as before


@pytest.mark.parametrize("text", ["NaN", '{"format": "iot-hygiene-site", "version": NaN}',
                                  "\udcff".encode("utf-8", "surrogatepass").decode("latin-1")])
def test_unparsable_files_are_data_file_errors(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="latin-1")
    with pytest.raises(DataFileError):
        read_export(path)


def test_a_file_over_the_size_cap_is_refused_before_parsing(
        tmp_path: Path, exported: dict[str, Any], target: Store,
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, exported)
    monkeypatch.setattr(import_check, "MAX_FILE_BYTES", path.stat().st_size - 1)
    before = _state(target)
    with pytest.raises(DataFileError) as caught:
        target.import_site(path, merge=True)
    assert "too large" in caught.value.message
    assert _state(target) == before


def test_consent_records_never_link_across_sites(tmp_path: Path, exported: dict[str, Any],
                                                 target: Store) -> None:
    """A file for another site that reuses a local consent's uid is refused whole."""
    other = target.create_site("Other office")
    consent = target.record_consent(other.id, "Kim", "198.51.100.0/24", "password checks")
    uid = target.export_document(other.id)["consents"][0]["uid"]
    crafted = copy.deepcopy(exported)
    crafted["site"]["name"] = "Brand new site"
    crafted["consents"][0]["uid"] = uid
    crafted["scans"][0]["consent_uid"] = uid
    before = _state(target)
    with pytest.raises(DataFileError) as caught:
        target.import_site(_write(tmp_path, crafted))
    assert "Other office" in caught.value.message
    assert _state(target) == before
    assert target.consents(other.id)[0].id == consent.id


def test_scans_never_move_between_sites(tmp_path: Path, exported: dict[str, Any],
                                        target: Store) -> None:
    local = target.site_by_name("client x")
    local_uid = target.export_document(local.id)["scans"][0]["uid"]
    crafted = copy.deepcopy(exported)
    crafted["site"]["name"] = "Brand new site"
    crafted["scans"][0]["uid"] = local_uid
    before = _state(target)
    with pytest.raises(DataFileError):
        target.import_site(_write(tmp_path, crafted))
    assert _state(target) == before


# -- fuzzing: the reader returns a checked document or raises its one typed error

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_fuzz_checker_returns_a_document_or_a_typed_error(doc: Any) -> None:
    try:
        checked = check_document(doc)
    except BadValue:
        return
    assert set(checked) == {"site", "devices", "consents", "scans", "findings", "answers"}


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_fuzz_reader_on_raw_bytes(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.json"
        path.write_bytes(raw)
        with contextlib.suppress(DataFileError):
            read_export(path)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(doc, dict):
        for key, value in doc.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            found += _paths(value, (*prefix, index))
    return found


@pytest.fixture(scope="module")
def valid_export(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("fuzz")
    store, site_id = _source(folder / "source.sqlite3")
    with store:
        return json.loads(store.export_site(site_id, folder / "site.json").read_text())


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzz_one_changed_value_imports_cleanly_or_not_at_all(
        valid_export: dict[str, Any], data: st.DataObject) -> None:
    doc = copy.deepcopy(valid_export)
    where = data.draw(st.sampled_from(_paths(doc)))
    _set(where, data.draw(JSON))(doc)
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder), doc)
        with Store.open(Path(folder) / "db.sqlite3", daily_backup=False) as store:
            try:
                store.import_site(path)
            except DataFileError:
                assert store.sites() == ()
                return
            for site in store.sites():  # whatever was accepted reads back
                store.devices(site.id)
                store.findings(site.id)
                store.consents(site.id)
                for summary in store.scans(site.id):
                    store.scan_devices(summary.id)
