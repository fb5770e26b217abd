"""Owner, dates and tag answer their checklist items from the device record: one truth per fact."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from core.assessment import assess_one
from core.guidance import ITEM_FIELDS, date_answer, items_for, with_record
from core.models import Category, Tag
from core.store import Store
from tests.fixtures.db.builders import device, scan

CAM = "c0:56:e3:00:00:01"


def test_item_fields_name_real_items_and_record_fields() -> None:
    ids = {item.id for item in items_for(Category.CAMERA)}
    assert set(ITEM_FIELDS) <= ids
    assert set(ITEM_FIELDS.values()) == {"owner", "location", "support_end", "review_date", "tag"}


def test_record_wins_and_only_unsure_survives() -> None:
    answers = {"gov-owner": "Old answer", "upd-support-end": "unsure", "pw-strong": "yes",
               "gov-review-date": "2020-01-01"}
    record = {"owner": "Dr Lee", "support_end": "", "review_date": "", "tag": "unknown"}
    merged = with_record(answers, record)
    assert merged == {"gov-owner": "Dr Lee", "upd-support-end": "unsure", "pw-strong": "yes"}
    assert with_record({}, {"tag": "home"})["pl-tagged"] == "yes"
    assert "pl-tagged" not in with_record({"pl-tagged": "yes"}, {"tag": "unknown"})


def test_typed_dates() -> None:
    assert date_answer("2027") == "2027-12-31"
    assert date_answer("2028-02") == "2028-02-29"
    assert date_answer(" 2027-03-31 ") == "2027-03-31"
    assert date_answer("31/03/2027") == "2027-03-31"
    for wrong in ("", "soon", "2027-13", "2027-02-30", "I don't know"):
        assert date_answer(wrong) is None


def test_assessment_reads_the_record(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.sqlite3") as store:
        site = store.create_site("Acme", networks=("192.0.2.0/24",))
        store.save_scan(site.id, scan("2026-02-01T10:00:00Z", device(CAM, "192.0.2.5")))
        before = assess_one(store, site.id, CAM, today=dt.date(2026, 3, 1))
        store.update_device(site.id, CAM, owner="Dr Lee", support_end="2020-01-01",
                            tag=Tag.WORK)
        after = assess_one(store, site.id, CAM, today=dt.date(2026, 3, 1))
    assert "gov-owner" not in before.answers
    assert after.answers["gov-owner"] == "Dr Lee"
    assert after.answers["pl-tagged"] == "yes"
    assert after.answers["upd-support-end"] == "2020-01-01"
    assert "device-unsupported" in after.open_ids
    # three from the record, one pre-answered by the support-end finding it raises
    assert after.checklist.answered == before.checklist.answered + 4
