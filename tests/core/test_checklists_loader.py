"""The checklist loader refuses broken data with a clear DataFileError and picks the how-to."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.errors import DataFileError
from core.guidance.checklists import how_for, items_for, load_catalog
from core.models import Category
from core.paths import resource

GOOD_ITEM = """
[[item]]
id = "{id}"
track = "{track}"
question = "Is it safe?"
why = "Because."
how = "Do it."
action = "Make it safe"
answer = "choice"
refs = [{refs}]
"""


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "checklists"
    shutil.copytree(resource("checklists"), folder)
    return folder


def _append(folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _item(item_id: str = "x-new", track: str = "passwords", refs: str = '"OWASP IoT I1"') -> str:
    return GOOD_ITEM.format(id=item_id, track=track, refs=refs)


def test_a_copy_of_the_bundled_data_loads_and_can_grow(data_dir: Path) -> None:
    _append(data_dir, "printer.toml", _item())
    catalog = load_catalog(data_dir)
    assert "x-new" in [item.id for item in catalog.items_for(Category.PRINTER)]
    assert "x-new" not in [item.id for item in catalog.items_for(Category.CAMERA)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_item(refs='"OWASP IoT I42"'), "refs ['OWASP IoT I42'] not found in references.toml"),
        (_item(refs=""), "refs must name at least one reference"),
        (_item(track="coffee"), "track must be one of"),
        (_item(item_id="Bad Id"), "ids are lower-case"),
        (_item(item_id="pw-default-changed"), "used twice"),
        (_item().replace('answer = "choice"', 'answer = "maybe"'), "answer must be"),
        (_item() + 'colour = "red"\n', "unknown keys ['colour']"),
        (_item().replace('why = "Because."\n', ""), "missing keys ['why']"),
        (_item().replace('question = "Is it safe?"', 'question = "  "'), "question must be"),
        (_item() + "weight = 7\n", "weight must be"),
        (
            _item() + 'answered_by = [{ finding = "telnet-open", answer = "maybe" }]\n',
            "answered_by #1: answer must be one of yes, no, na, unsure",
        ),
        (
            _item().replace('"choice"', '"date"')
            + 'answered_by = [{ finding = "a", answer = "no" }]\n',
            "imply",
        ),
        (
            '\n[vendor_how.acme]\nno-such-item = "text"\n',
            "unknown checklist items: ['no-such-item']",
        ),
        ("\n[[item]\n", "cannot read the file"),
    ],
)
def test_broken_data_is_refused_with_a_clear_message(
    data_dir: Path, text: str, message: str
) -> None:
    _append(data_dir, "camera.toml", text)
    with pytest.raises(DataFileError) as caught:
        load_catalog(data_dir)
    assert message in str(caught.value)
    assert (
        "camera.toml" in str(caught.value)
        or "used twice" in message
        or "unknown checklist" in message
    )


def test_a_missing_category_file_is_refused(data_dir: Path) -> None:
    (data_dir / "nas.toml").unlink()
    with pytest.raises(DataFileError, match=r"nas\.toml"):
        load_catalog(data_dir)


def test_a_file_for_the_wrong_category_is_refused(data_dir: Path) -> None:
    text = (data_dir / "nas.toml").read_text().replace('category = "nas"', 'category = "router"')
    (data_dir / "nas.toml").write_text(text)
    with pytest.raises(DataFileError, match=r"nas\.toml: category must be 'nas'; got 'router'"):
        load_catalog(data_dir)


def test_how_prefers_vendor_then_category_then_generic() -> None:
    item = next(i for i in items_for(Category.PRINTER) if i.id == "pw-default-changed")
    assert how_for(item, Category.PRINTER, "HP Inc.").startswith("HP:")
    assert how_for(item, Category.PRINTER, "Hewlett Packard Enterprise").startswith("HP:")
    assert how_for(item, Category.PRINTER, "Brother Industries, Ltd.").startswith("Brother:")
    assert how_for(item, Category.PRINTER, "Shpock GmbH").startswith("Most printers")
    assert how_for(item, Category.PRINTER, "").startswith("Most printers")
    assert how_for(item, Category.UNKNOWN, "") == item.how.replace("<ip>", "ADDRESS")
    router_item = next(i for i in items_for(Category.ROUTER) if i.id == "pw-default-changed")
    assert how_for(router_item, Category.ROUTER, "TP-LINK TECHNOLOGIES CO.,LTD.").startswith(
        "TP-Link"
    )


def test_items_are_shared_and_cached() -> None:
    assert load_catalog() is load_catalog()
    printer = {i.id for i in items_for(Category.PRINTER)}
    camera = {i.id for i in items_for(Category.CAMERA)}
    base = {i.id for i in load_catalog().base}
    assert base <= printer & camera
    assert "prn-stored-jobs" in printer - camera
    assert "cam-stream-protected" in camera - printer


def test_category_how_text_must_name_a_shared_item(data_dir: Path) -> None:
    _append(data_dir, "unknown.toml", '\n[how]\nprn-stored-jobs = "Printers only"\n')
    with pytest.raises(DataFileError, match="prn-stored-jobs"):
        load_catalog(data_dir)
