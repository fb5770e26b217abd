"""The guided checklist: essentials then more questions to a finish summary, honest dates."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from core.guidance import ITEM_FIELDS, AnswerType
from core.models import Severity, Tag
from core.store import Store
from gui.main_window import MainWindow
from gui.session import Session
from tests.fixtures.db.builders import device, finding, scan
from tests.gui.conftest import WindowFactory, settle

CAM, PRN = "c0:56:e3:00:00:01", "3c:d9:2b:00:00:02"


def _site(db: Path) -> int:
    with Store.open(db) as store:
        site = store.create_site("Acme", networks=("192.0.2.0/24",),
                                 work_networks=("192.0.2.0/24",))
        store.save_scan(site.id, scan("2026-02-01T10:00:00Z",
                                      device(CAM, "192.0.2.5", findings=(
                                          finding("telnet-open", port=23),)),
                                      device(PRN, "192.0.2.6", findings=(
                                          finding("ftp-cleartext", Severity.LOW, port=21),))))
        return site.id


def _open(qtbot: QtBot, make_window: WindowFactory, db: Path, mac: str = CAM) -> MainWindow:
    _site(db)
    window = make_window()
    settle(qtbot, window)
    window.open_device(mac)
    window.device_page.tabs.setCurrentWidget(window.device_page.wizard)
    return window


def _answer_current(window: MainWindow) -> None:
    """Answer whatever is asked, as a person would: yes, a year, a name, or a tag."""
    wizard = window.device_page.wizard
    item = wizard.current_item
    assert item is not None
    if ITEM_FIELDS.get(item.id) == "tag":
        wizard.tag_buttons["work"].click()
    elif item.answer_type is AnswerType.DATE:
        wizard.date_edit.setText("2031")
        wizard.save_button.click()
    elif item.answer_type is AnswerType.TEXT:
        wizard.text_edit.setText("Office manager")
        wizard.text_edit.returnPressed.emit()  # Enter saves a text answer
    else:
        wizard.choice_buttons["yes"].click()


def test_essentials_then_more_to_the_finish_summary(qtbot: QtBot, make_window: WindowFactory,
                                                    db_path: Path) -> None:
    window = _open(qtbot, make_window, db_path)
    page, wizard = window.device_page, window.device_page.wizard
    plan = wizard.plan
    assert plan is not None and 0 < len(plan.essentials) <= 8
    assert plan.essentials[0].id == "enc-no-telnet-ftp", "what the scan found is asked first"
    assert wizard.current_item == plan.essentials[0]
    assert "Essentials: question 1 of" in wizard.position_label.text()
    assert "Essentials 0 of" in page.score_label.text()
    evidence_words = wizard.evidence_label.text() + wizard.answer_label.text()
    assert "That answers this question: No" in evidence_words
    assert "Not answered yet" not in evidence_words
    assert "192.0.2.5" in wizard.how_label.text() or "<ip>" not in wizard.how_label.text()
    settled = {i.id for i in plan.by_evidence}
    assert not settled & {i.id for i in plan.asked}, "settled items are shown, not asked"
    opened = page.details.score if page.details else None

    for _ in plan.essentials:
        assert not wizard.finished
        _answer_current(window)
    assert wizard.finished == "essentials"
    assert wizard.stack.currentWidget() is wizard.summary_page
    assert "Essentials finished" in wizard.summary_title.text()
    assert "Done:" in wizard.summary_label.text()
    assert "since you opened this device" in wizard.summary_label.text()
    assert page.details is not None and opened is not None and page.details.score > opened
    assert f"{opened} →" in wizard.summary_label.text()
    assert f"Why {page.details.score} / 100" in page.why_label.text(), "the Why lines follow"
    assert "Essentials done" in page.score_label.text()
    assert wizard.more_button.isVisible() and "optional" in wizard.more_button.text()
    board = window.session.dashboard(1)
    assert board.essentials_answered == len(plan.essentials) < board.essentials_total
    settle(qtbot, window)
    assert f"Essentials: {len(plan.essentials)} of" in window.dashboard.checklist_label.text()
    assert wizard.next_device_button.isVisible()  # the printer comes next in the table

    wizard.more_button.click()
    assert "More questions: question 1 of" in wizard.position_label.text()
    for _ in plan.more:
        _answer_current(window)
    assert wizard.finished == "all"
    assert "Checklist finished" in wizard.summary_title.text()
    assert not wizard.more_button.isVisible()

    wizard.next_device_button.click()
    assert page.mac == PRN
    assert wizard.current_item is not None and not wizard.finished
    assert page.details is not None
    assert wizard._scores == (page.details.score, page.details.score), "a fresh start"
    assert not wizard.next_device_button.text().endswith(PRN)


def test_date_question_accepts_i_dont_know_and_a_typed_year(
        qtbot: QtBot, make_window: WindowFactory, db_path: Path) -> None:
    window = _open(qtbot, make_window, db_path)
    wizard = window.device_page.wizard
    ids = [i.id for i in wizard._items]
    wizard.go(ids.index("upd-support-end"))
    assert wizard.date_edit.isVisible() and wizard.date_edit.text() == "", "never today"
    wizard.save_button.click()
    assert wizard.current_item is not None and wizard.current_item.id == "upd-support-end"
    assert "Type a year" in wizard.hint_label.text(), "an empty save explains itself"
    wizard.dont_know_button.click()
    with Store.open(db_path) as store:
        assert store.device(1, CAM).support_end == ""
        assert store.answers(1, CAM)["upd-support-end"].value == "unsure"
    wizard.go(ids.index("upd-support-end"))
    assert "I don't know" in wizard.answer_label.text()
    assert wizard.date_edit.text() == ""
    wizard.date_edit.setText("2027")
    qtbot.keyClick(wizard.date_edit, Qt.Key.Key_Return)
    with Store.open(db_path) as store:
        assert store.device(1, CAM).support_end == "2027-12-31"
    assert window.device_page.notes.values().support_end == "2027-12-31"


def test_owner_is_one_value_in_checklist_and_notes(qtbot: QtBot, make_window: WindowFactory,
                                                   db_path: Path) -> None:
    window = _open(qtbot, make_window, db_path)
    page, wizard = window.device_page, window.device_page.wizard
    ids = [i.id for i in wizard._items]
    wizard.go(ids.index("gov-owner"))
    wizard.text_edit.setText("Dr Lee")
    wizard.save_button.click()
    assert page.notes.owner_edit.text() == "Dr Lee"

    page.notes.owner_edit.setText("Ms Park")
    page.notes.save()
    wizard.go(ids.index("gov-owner"))
    assert wizard.text_edit.text() == "Ms Park"
    assert "Ms Park" in wizard.answer_label.text()
    with Store.open(db_path) as store:
        assert store.device(1, CAM).owner == "Ms Park"

    wizard.go(ids.index("pl-tagged"))
    assert wizard.tag_buttons["home"].isVisible() and not wizard.choice_buttons["yes"].isVisible()
    wizard.tag_buttons["home"].click()
    assert page.tag_combo.currentData() == Tag.HOME
    page.tag_combo.setCurrentIndex(list(Tag).index(Tag.WORK))
    page.tag_combo.activated.emit(page.tag_combo.currentIndex())
    wizard.go(ids.index("pl-tagged"))
    assert "Work" in wizard.answer_label.text()
    assert page.details is not None and page.details.answers["pl-tagged"] == "yes"


def test_location_and_review_date_are_one_value_in_checklist_and_notes(
        qtbot: QtBot, make_window: WindowFactory, db_path: Path) -> None:
    window = _open(qtbot, make_window, db_path)
    page, wizard = window.device_page, window.device_page.wizard
    ids = [i.id for i in wizard._items]
    assert ITEM_FIELDS["gov-location"] == "location"
    assert ITEM_FIELDS["gov-review-date"] == "review_date"
    wizard.go(ids.index("gov-location"))
    wizard.text_edit.setText("Reception desk")
    wizard.save_button.click()
    wizard.go(ids.index("gov-review-date"))
    wizard.date_edit.setText("2030")
    wizard.save_button.click()
    assert page.notes.location_edit.text() == "Reception desk"
    assert page.notes.values().review_date == "2030-12-31"

    page.notes.location_edit.setText("Server cupboard")
    page.notes.review_edit.setDate(QDate(2029, 6, 30))
    assert page.notes.save()
    wizard.go(ids.index("gov-location"))
    assert wizard.text_edit.text() == "Server cupboard"
    assert "Server cupboard" in wizard.answer_label.text()
    wizard.go(ids.index("gov-review-date"))
    assert "2029" in wizard.answer_label.text()
    with Store.open(db_path) as store:
        record = store.device(1, CAM)
        assert (record.location, record.review_date) == ("Server cupboard", "2029-06-30")


def test_device_page_and_next_best_actions_show_the_same_points(
        qtbot: QtBot, make_window: WindowFactory, db_path: Path) -> None:
    window = _open(qtbot, make_window, db_path)
    truth = window.session.assess(1)
    assert truth.actions
    for action in truth.actions:
        window.open_device(action.key)
        page = window.device_page
        assert page.details is not None
        line = f"+{action.points}  {action.text}"
        assert line in page.details.gain_lines(limit=None)
        assert f"Score {page.details.score} / 100" in page.score_label.text()
    first = truth.actions[0]
    window.open_device(first.key)
    assert f"+{first.points}  {first.text}" in window.device_page.why_label.text()
    dashboard = window.session.dashboard(1, truth)
    assert any(f"(+{first.points})" in text for text in dashboard.actions)


def test_a_device_with_no_problems_and_no_answers_says_why_it_is_not_100(
        qtbot: QtBot, make_window: WindowFactory, db_path: Path) -> None:
    with Store.open(db_path) as store:
        site = store.create_site("Quiet", networks=("192.0.2.0/24",))
        store.save_scan(site.id, scan("2026-02-01T10:00:00Z", device(CAM, "192.0.2.5")))
    window = make_window()
    settle(qtbot, window)
    window.open_device(CAM)
    text = window.device_page.why_label.text()
    assert "Why 60 / 100" in text
    assert "+0  Checklist: 0 of" in text and "up to 40 points" in text


def test_odd_answers_to_field_backed_items_never_break_the_record(db_path: Path) -> None:
    _site(db_path)
    session = Session.open(db_path)
    try:
        session.record_answer(1, CAM, "pl-tagged", "yes")  # a script answering yes to all
        session.record_answer(1, CAM, "upd-support-end", "yes")
        session.record_answer(1, CAM, "gov-review-date", "2029")
        record = session.store.device(1, CAM)
        assert (record.tag, record.support_end, record.review_date) == (
            Tag.UNKNOWN, "", "2029-12-31")
        session.record_answer(1, CAM, "pl-tagged", "guest")
        assert session.store.device(1, CAM).tag is Tag.GUEST
    finally:
        session.close()
