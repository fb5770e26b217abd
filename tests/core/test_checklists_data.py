"""The bundled checklist data: every file validates, cites known clauses and links real findings."""

from __future__ import annotations

import re
from datetime import date

import pytest

from core.checks.catalog import CATALOG
from core.guidance import lifecycle, placement, references
from core.guidance.checklists import TRACKS, AnswerType, items_for, load_catalog
from core.models import Category, Device, Severity, Tag

CHECK_FINDING_IDS = frozenset(CATALOG)  # the exposure-check catalogue (core/checks/catalog.py)
KNOWN_FINDING_IDS = CHECK_FINDING_IDS | set(placement.FINDING_IDS) | set(lifecycle.FINDING_IDS)

# Words an office manager may not know: in questions they may only appear inside parentheses,
# after the plain-words version.
JARGON = (
    "firmware", "upnp", "vlan", "mqtt", "rtsp", "tls", "ssl", "ssh", "telnet", "ftp", "https",
    "wpa2", "wpa3", "wep", "wps", "mfa", "2fa", "smb", "rdp", "vnc", "adb", "p2p", "tr-069",
    "nat", "broker", "bitlocker", "filevault",
)  # fmt: skip


def _all_items():
    return load_catalog().all_items()


def test_every_category_file_loads_with_items() -> None:
    catalog = load_catalog()
    assert set(catalog.by_category) == set(Category)
    assert len(catalog.base) >= 25
    for category in Category:
        assert catalog.by_category[category], f"{category} has no items of its own"
        assert catalog.titles[category].strip()


@pytest.mark.parametrize("category", list(Category))
def test_every_category_has_all_six_tracks_in_order(category: Category) -> None:
    items = items_for(category)
    track_ids = [track.id for track in TRACKS]
    seen = [item.track for item in items]
    assert set(seen) == set(track_ids)
    assert seen == sorted(seen, key=track_ids.index)


def test_every_reference_is_a_known_clause() -> None:
    unknown = [
        (item.id, ref) for item in _all_items() for ref in item.refs if not references.is_known(ref)
    ]
    assert unknown == []
    assert all(item.refs for item in _all_items())


def test_references_cover_the_four_standards() -> None:
    known = references.load_references()
    prefixes = {ref.ref.rsplit(" ", 1)[0] for ref in known.values()}
    assert prefixes == {"ETSI EN 303 645", "NIST IR 8259A", "OWASP IoT", "UK PSTI"}
    assert len(known) == 13 + 6 + 10 + 3
    assert references.is_known("ETSI EN 303 645 5.1-1")
    assert not references.is_known("ETSI EN 303 645 5.1-9")
    assert not references.is_known("OWASP IoT I11")


def test_evidence_links_resolve_to_real_finding_ids() -> None:
    dangling = [
        (item.id, fid) for item in _all_items() for fid in item.finding_ids
        if fid not in KNOWN_FINDING_IDS
    ]  # fmt: skip
    assert dangling == []


def test_every_problem_the_scan_reports_informs_some_item() -> None:
    linked = {fid for item in _all_items() for fid in item.finding_ids}
    problems = {fid for fid, entry in CATALOG.items() if entry.severity is not Severity.INFO}
    problems |= set(placement.FINDING_IDS) | set(lifecycle.FINDING_IDS)
    # Advice that is no checklist answer: key logins for SSH, HSTS on top of HTTPS; a scan
    # that did not finish (low so the device never looks clean) answers no checklist item.
    assert problems - linked == {"ssh-password-auth", "http-no-hsts", "checks-unfinished"}


def test_the_password_track_covers_what_the_issue_asks() -> None:
    ids = {item.id for item in load_catalog().base}
    required = {
        "pw-default-changed", "pw-unique", "pw-strong", "pw-manager", "pw-account-mfa",
        "pw-unused-accounts", "upd-current", "upd-auto", "upd-last-date", "upd-support-end",
        "upd-replace-unsupported", "enc-admin-https", "enc-no-telnet-ftp", "enc-data-protected",
        "enc-wifi", "enc-cloud", "pl-tagged", "pl-separate-network", "pl-home-off-work",
        "ph-off-when-unused", "ph-camera-mic", "ph-safe-place", "gov-owner", "gov-purpose",
        "gov-approved-by", "gov-review-date", "gov-decommission",
    }  # fmt: skip
    assert required <= ids
    router_ids = {item.id for item in items_for(Category.ROUTER)}
    assert "rt-upnp-off" in router_ids


def test_questions_are_plain_words() -> None:
    offenders = []
    for item in _all_items():
        assert item.question.endswith("?"), item.id
        outside_brackets = re.sub(r"\([^)]*\)", "", item.question).lower()
        offenders += [
            (item.id, w) for w in JARGON if re.search(rf"\b{re.escape(w)}\b", outside_brackets)
        ]
    assert offenders == []


@pytest.mark.parametrize("category", list(Category))
def test_firmware_is_explained_the_first_time(category: Category) -> None:
    first = next((i for i in items_for(category) if "firmware" in i.question.lower()), None)
    assert first is not None
    assert "built-in software (firmware)" in first.question


def test_why_is_one_or_two_sentences() -> None:
    long_ones = [
        item.id for item in _all_items()
        if len([s for s in re.split(r"[.!?](?:\s|$)", item.why) if s.strip()]) > 2
    ]  # fmt: skip
    assert long_ones == []


def test_answer_types_match_what_is_asked() -> None:
    by_id = {item.id: item for item in _all_items()}
    assert by_id["upd-last-date"].answer_type is AnswerType.DATE
    assert by_id["upd-support-end"].answer_type is AnswerType.DATE
    assert by_id["gov-review-date"].answer_type is AnswerType.DATE
    assert by_id["gov-owner"].answer_type is AnswerType.TEXT
    choice_links = [i for i in by_id.values() if i.answered_by]
    assert all(i.answer_type is AnswerType.CHOICE for i in choice_links)


def test_every_finding_cites_known_clauses() -> None:
    today_findings = [
        lifecycle.support_reminders(date(2020, 1, 1), date(2026, 1, 1)),
        lifecycle.support_reminders(date(2026, 2, 1), date(2026, 1, 1)),
        lifecycle.review_reminder(date(2020, 1, 1), date(2026, 1, 1)),
    ]
    device = Device(mac="aa:00:00:00:00:01", ips=("10.0.0.5",), category=Category.PHONE)
    mine = [f for f in today_findings if f] + [
        f for tag in (Tag.HOME, Tag.GUEST, Tag.UNKNOWN)
        for f in placement.placement_findings(device, tag, ("10.0.0.0/8",))
    ] + [
        f for tag, role in ((Tag.WORK, "guest"), (Tag.GUEST, "home"))
        for f in placement.placement_findings(device, tag, (), {"10.0.0.0/8": role})
    ]  # fmt: skip
    assert {f.id for f in mine} == set(placement.FINDING_IDS) | set(lifecycle.FINDING_IDS)
    refs = [(f.id, r) for f in mine for r in f.refs]
    refs += [(fid, r) for fid, entry in CATALOG.items() for r in entry.refs]
    assert [(fid, r) for fid, r in refs if not references.is_known(r)] == []
