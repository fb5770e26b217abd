"""Data files check themselves: check-data passes on resources/ and names file, item and key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.checks import credentials
from core.cli import main
from core.discovery.identify_rules import read_rules
from core.errors import DataFileError
from core.paths import resource

FILES = 63  # 49 (31 of them credential lists) + kev (catalogue, affected ranges) + 11 Recog
# files + the thorough scan's port list


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A private copy of the bundled resources/ folder."""
    folder = tmp_path / "data"
    shutil.copytree(resource(), folder, ignore=shutil.ignore_patterns("icons"))
    return folder


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _check(folder: Path | None, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["check-data", *([str(folder)] if folder else [])])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_bundled_data_passes_with_one_line_per_file(capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    code, out, err = _check(None, capsys)
    assert (code, err) == (0, "")
    ok_lines = [line for line in out.splitlines() if line.startswith("ok  ")]
    assert len(ok_lines) == FILES
    for name in ("references.toml", "findings.toml", "checklists/base.toml",
                 "identify/hostnames.toml", "credentials/generic.toml", "vendors.toml",
                 "sample/office.json", "kev/known_exploited_vulnerabilities.json",
                 "kev/affected.toml", "recog/http_servers.xml"):
        assert any(line.startswith(f"ok  {name} (") for line in ok_lines), name


def test_an_untouched_copy_passes(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _check(data, capsys)
    assert code == 0 and f"{FILES} data files in {data} are valid." in out


# (file, text, misspelt text, what the message must name: file, item, key)
MISSPELT_KEYS = [
    ("references.toml", 'id = "5.2", title', 'id = "5.2", titel',
     ["references.toml", "clause #2 '5.2'", "unknown keys ['titel']"]),
    ("findings.toml", 'title = "Telnet is on', 'titel = "Telnet is on',
     ["findings.toml", "'telnet-open'", "unknown keys ['titel']"]),
    ("checklists/camera.toml", 'why = """Recording people', 'wyh = """Recording people',
     ["checklists/camera.toml", "item 'cam-privacy'", "unknown keys ['wyh']"]),
    ("checklists/base.toml", 'track = "passwords"', 'trak = "passwords"',
     ["checklists/base.toml", "item 'pw-default-changed'", "unknown keys ['trak']"]),
    ("identify/mdns.toml", '"_ipp._tcp" = { category', '"_ipp._tcp" = { catgory',
     ["identify/mdns.toml", "types '_ipp._tcp'", "unknown keys ['catgory']"]),
    ("identify/mdns.toml", 'value_prefix = "iMac"', 'value_prefx = "iMac"',
     ["identify/mdns.toml", "txt #5", "unknown keys ['value_prefx']"]),
    ("identify/upnp.toml", '"Printer" = { category = "printer", weight',
     '"Printer" = { category = "printer", wieght',
     ["identify/upnp.toml", "device_types 'Printer'", "unknown keys ['wieght']"]),
    ("identify/vendors.toml", '"dahua" = { category', '"dahua" = { categroy',
     ["identify/vendors.toml", "vendors 'dahua'", "unknown keys ['categroy']"]),
    ("identify/hostnames.toml", 'regex = "macbook', 'regx = "macbook',
     ["identify/hostnames.toml", "pattern #2", "unknown keys ['regx']"]),
    ("credentials/hikvision.toml", "services = [", "service = [",
     ["credentials/hikvision.toml", "login #1", "unknown keys ['service']"]),
    ("vendors.toml", "strip = [", "stirp = [",
     ["vendors.toml", "suffixes", "unknown keys ['stirp']"]),
    ("sample/office.json", '"evidence"', '"evidense"',
     ["sample/office.json", "device #1 (50:c7:bf:3a:91:01)", "finding #1 'upnp-igd'",
      "unknown keys ['evidense']"]),
]


@pytest.mark.parametrize(("name", "old", "new", "named"), MISSPELT_KEYS,
                         ids=[f"{case[0]}:{case[2][:12]}" for case in MISSPELT_KEYS])
def test_a_misspelt_key_fails_naming_file_item_and_key(
    data: Path, capsys: pytest.CaptureFixture[str], name: str, old: str, new: str,
    named: list[str]
) -> None:
    _edit(data, name, old, new)
    code, out, err = _check(data, capsys)
    assert code == 1
    for words in named:
        assert words in err
    assert f"ok  {name} " not in out


MISSING_KEYS = [
    ("findings.toml", 'fix = "Turn telnet off', 'x = "Turn telnet off',
     ["findings.toml", "'telnet-open'", "unknown keys ['x']"]),
    ("checklists/nas.toml", 'category = "nas"\n', "",
     ["checklists/nas.toml", "missing keys ['category']"]),
    ("credentials/axis.toml", 'source = "', 'origin = "',
     ["credentials/axis.toml", "unknown keys ['origin']"]),
]


@pytest.mark.parametrize(("name", "old", "new", "named"), MISSING_KEYS,
                         ids=[case[0] for case in MISSING_KEYS])
def test_a_missing_key_fails(data: Path, capsys: pytest.CaptureFixture[str], name: str, old: str,
                             new: str, named: list[str]) -> None:
    _edit(data, name, old, new)
    code, _, err = _check(data, capsys)
    assert code == 1 and all(words in err for words in named)


def test_a_dropped_key_is_named_as_missing(data: Path, capsys: pytest.CaptureFixture[str]
                                          ) -> None:
    _edit(data, "credentials/axis.toml", "match = ", "# match = ")
    code, _, err = _check(data, capsys)
    assert code == 1 and "credentials/axis.toml: missing keys ['match']" in err


def test_check_data_refuses_a_repeated_login_and_a_vendor_in_two_files(
        data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = data / "credentials"
    axis = (folder / "axis.toml").read_text(encoding="utf-8")
    (folder / "axis-copy.toml").write_text(axis.replace('match = ["axis communications", '
                                                        '"axis"]', 'match = ["axcom"]'))
    code, _, err = _check(data, capsys)
    assert code == 1 and "credentials/: vendor 'Axis' is in two files" in err
    (folder / "axis-copy.toml").unlink()
    login = axis[axis.index("[[login]]"):]
    (folder / "axis.toml").write_text(axis + "\n" + login, encoding="utf-8")
    code, _, err = _check(data, capsys)
    assert code == 1 and "credentials/axis.toml: login #2: repeats login #1" in err


BAD_ENUMS = [
    ("findings.toml", 'id = "telnet-open"\nseverity = "high"',
     'id = "telnet-open"\nseverity = "severe"',
     ["findings.toml", "'telnet-open'", "severity must be one of critical, high, medium, low, "
      "info; got 'severe'"]),
    ("findings.toml", 'id = "telnet-open"\nseverity = "high"\nsource = "scan"',
     'id = "telnet-open"\nseverity = "high"\nsource = "network"',
     ["findings.toml", "'telnet-open'",
      "source must be one of scan, tag, date, presence; got 'network'"]),
    ("checklists/camera.toml", 'track = "physical"', 'track = "physicall"',
     ["checklists/camera.toml", "item 'cam-privacy'", "track must be one of", "'physicall'"]),
    ("checklists/camera.toml", 'answer = "choice"', 'answer = "maybe"',
     ["checklists/camera.toml", "item 'cam-stream-protected'",
      "answer must be one of choice, date, text; got 'maybe'"]),
    ("identify/hostnames.toml", 'category = "printer"', 'category = "printr"',
     ["identify/hostnames.toml", "pattern #3", "category must be one of", "'printr'"]),
    ("credentials/hikvision.toml", '"telnet"]', '"ssh"]',
     ["credentials/hikvision.toml", "login #1", "services must be one of http, rtsp, snmp, "
      "telnet; got 'ssh'"]),
    ("sample/office.json", '"category": "router"', '"category": "routr"',
     ["sample/office.json", "device #1", "category must be one of", "'routr'"]),
    ("sample/office.json", '"severity": "medium"', '"severity": "urgent"',
     ["sample/office.json", "finding #1 'upnp-igd'", "severity must be one of", "'urgent'"]),
]


@pytest.mark.parametrize(("name", "old", "new", "named"), BAD_ENUMS,
                         ids=[f"{case[0]}:{case[2][-10:]}" for case in BAD_ENUMS])
def test_an_unknown_enum_value_fails(data: Path, capsys: pytest.CaptureFixture[str], name: str,
                                     old: str, new: str, named: list[str]) -> None:
    _edit(data, name, old, new)
    code, _, err = _check(data, capsys)
    assert code == 1
    for words in named:
        assert words in err


DANGLING = [
    ("checklists/camera.toml", 'contradicted_by = ["rtsp-open"]',
     'contradicted_by = ["rtsp-opn"]',
     ["checklists/camera.toml", "item 'cam-stream-protected'",
      "contradicted_by ['rtsp-opn'] not found in findings.toml"]),
    ("checklists/base.toml", 'finding = "default-credentials-accepted"',
     'finding = "default-password-accepted"',
     ["checklists/base.toml", "item 'pw-default-changed'",
      "answered_by ['default-password-accepted'] not found in findings.toml"]),
    # the catalogue in DIR, not the bundled one, decides which ids exist
    ("findings.toml", 'id = "rtsp-open"', 'id = "rtsp-exposed"',
     ["checklists/camera.toml", "item 'cam-stream-protected'",
      "contradicted_by ['rtsp-open'] not found in findings.toml"]),
    ("findings.toml", '"OWASP IoT I6", "OWASP IoT I7"]', '"OWASP IoT I66", "OWASP IoT I7"]',
     ["findings.toml", "'rtsp-open'", "refs ['OWASP IoT I66'] not found in references.toml"]),
    ("references.toml", '{ id = "I10", title = "Lack of physical hardening" },', "",
     ["checklists/", "refs ['OWASP IoT I10'] not found in references.toml"]),
    ("checklists/camera.toml", 'refs = ["ETSI EN 303 645 5.5"', 'refs = ["ETSI EN 303 645 5.55"',
     ["checklists/camera.toml", "item 'cam-stream-protected'",
      "refs ['ETSI EN 303 645 5.55'] not found in references.toml"]),
    ("sample/office.json", '"id": "upnp-igd"', '"id": "upnp-open"',
     ["sample/office.json", "device #1", "finding #1 'upnp-open'",
      "id ['upnp-open'] not found in findings.toml"]),
    ("sample/office.json", '"OWASP IoT I9"', '"OWASP IoT I99"',
     ["sample/office.json", "finding #1 'upnp-igd'",
      "refs ['OWASP IoT I99'] not found in references.toml"]),
]


@pytest.mark.parametrize(("name", "old", "new", "named"), DANGLING,
                         ids=[f"{case[0]}:{case[2][-14:]}" for case in DANGLING])
def test_a_dangling_cross_reference_fails(data: Path, capsys: pytest.CaptureFixture[str],
                                          name: str, old: str, new: str, named: list[str]
                                          ) -> None:
    _edit(data, name, old, new)
    code, _, err = _check(data, capsys)
    assert code == 1
    for words in named:
        assert words in err


def test_it_stops_at_the_first_bad_file(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit(data, "credentials/hikvision.toml", "services = [", "service = [")
    code, out, _ = _check(data, capsys)
    assert code == 1
    assert "ok  credentials/generic.toml" in out and "ok  identify/mdns.toml" in out
    assert "hikvision" not in out and "ok  vendors.toml" not in out


def test_missing_and_unexpected_files_fail(data: Path, capsys: pytest.CaptureFixture[str]
                                          ) -> None:
    (data / "vendors.toml").unlink()
    code, _, err = _check(data, capsys)
    assert code == 1 and "vendors.toml: cannot read the file" in err
    shutil.copy(resource("vendors.toml"), data / "vendors.toml")
    (data / "checklists" / "fridge.toml").write_text("", encoding="utf-8")
    code, _, err = _check(data, capsys)
    assert code == 1 and "checklists/fridge.toml: not a checklist file" in err
    code, _, err = _check(data / "nowhere", capsys)
    assert code == 1 and "no such folder" in err


def test_a_user_credentials_list_needs_no_source(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text(
        'vendor = "Mine"\nmatch = []\n[[login]]\nuser = "u"\npassword = "p"\n'
        'services = ["http"]\n', encoding="utf-8")
    (mine,) = credentials.load(tmp_path)
    assert mine.vendor == "Mine" and mine.logins[0].services == frozenset({"http"})


def test_the_app_s_own_loaders_are_strict_too(data: Path) -> None:
    _edit(data, "credentials/hikvision.toml", "services = [", "service = [")
    with pytest.raises(DataFileError, match=r"hikvision\.toml: login #1: unknown keys"):
        credentials.load(data / "credentials")
    _edit(data, "identify/hostnames.toml", 'regex = "macbook', 'regex = "(macbook')
    with pytest.raises(DataFileError, match=r"pattern #2: regex is not a valid"):
        read_rules(data / "identify")


def test_no_machine_paths_in_the_data() -> None:
    for path in resource().rglob("*"):
        if path.is_file() and path.suffix in (".toml", ".json", ".md"):
            text = path.read_text(encoding="utf-8")
            assert "/work/" not in text and "/home/" not in text, path
