"""Main text in plain words: service types, TXT flags and ISO times stay under Details."""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from gui.finding_cards import FindingCard
from gui.plain_words import SERVICE_NAMES, plain_evidence, service_name
from tests.gui.conftest import WindowFactory, settle

JARGON = re.compile(r"_[a-z0-9-]+\._(tcp|udp)|\bsf=\d|urn:schemas|\bTXT\b|\bmDNS\b")
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def test_service_types_have_plain_names_and_unknown_ones_say_so() -> None:
    assert service_name("_hap._tcp.local.") == "Apple HomeKit accessory"
    assert service_name("_IPP._tcp.local") == SERVICE_NAMES["_ipp._tcp"]
    assert service_name("_made-up._tcp.local.") == "other network service"


def test_homekit_and_upnp_evidence_lose_their_jargon_but_keep_the_facts() -> None:
    raw = "mDNS _hap._tcp.local. 'Hub' on port 51826: TXT sf=1 (not paired), model 'X1'"
    plain = plain_evidence(raw)
    assert not JARGON.search(plain)
    assert "'Hub'" in plain and "51826" in plain and "'X1'" in plain and "not paired" in plain
    upnp = ("The router announces urn:schemas-upnp-org:device:InternetGatewayDevice:1 with "
            "WANIPConnection at http://192.0.2.1:49152/rootDesc.xml.")
    assert not JARGON.search(plain_evidence(upnp))
    assert "http://192.0.2.1:49152/rootDesc.xml" in plain_evidence(upnp)
    plain_already = "TCP port 23 on 192.0.2.5 accepted a connection."
    assert plain_evidence(plain_already) == plain_already


def test_sample_office_cards_and_facts_speak_plainly(qtbot: QtBot,
                                                     make_window: WindowFactory) -> None:
    window = make_window()
    window.open_sample()
    settle(qtbot, window)
    raw_seen = 0
    for row in window.table_model.rows:
        window.open_device(row.device.mac)
        QApplication.processEvents()  # a card added to a shown page shows on the next pass
        page = window.device_page
        for card in page.findChildren(FindingCard):
            if card.isHidden():  # the cards of the device shown before
                continue
            for label in card.findChildren(QLabel):
                assert not JARGON.search(label.text()), label.text()
                if label.toolTip() and label.text().startswith("What the scan saw"):
                    raw_seen += 1
                    assert JARGON.search(label.toolTip()), "the exact words are kept in Details"
        facts = page.facts
        for index in range(facts.topLevelItemCount()):
            item = facts.topLevelItem(index)
            assert not ISO_TIME.search(item.text(1)), item.text(1)
            assert not JARGON.search(item.text(0)), item.text(0)
            if item.text(0) in ("First seen", "Last seen") and item.text(1) != "—":
                assert dt.datetime.fromisoformat(item.toolTip(1).replace("Z", "+00:00"))
        services = [facts.topLevelItem(i) for i in range(facts.topLevelItemCount())
                    if facts.topLevelItem(i).text(0).startswith("Service")]
        for service in services:
            children = [service.child(i).text(1) for i in range(service.childCount())]
            assert any(c.endswith("local.") for c in children), "the raw type is a detail"
    assert raw_seen == 2, "the sample's HomeKit and UPnP findings keep their exact words"
