"""Category and severity icons: SVG drawn sharp at 200 %, shown in table and device page, named."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from core.models import Category, Severity
from gui.finding_cards import FindingCard
from gui.icons import category_icon, severity_icon
from gui.models import Column, category_name, severity_name
from tests.gui.conftest import WindowFactory, settle


def _painted_share(image: QImage) -> float:
    pixels = [image.pixelColor(x, y).alpha() for x in range(image.width())
              for y in range(image.height())]
    return sum(1 for a in pixels if a > 0) / len(pixels)


def test_every_icon_is_drawn_at_full_resolution_for_200_percent() -> None:
    icons = [*(category_icon(c) for c in Category), *(severity_icon(s) for s in Severity)]
    for icon in icons:
        assert not icon.isNull()
        pixmap = icon.pixmap(QSize(16, 16), 2.0)
        assert pixmap.devicePixelRatio() == 2.0
        assert (pixmap.width(), pixmap.height()) == (32, 32), "drawn for the scaled screen"
        assert _painted_share(pixmap.toImage()) > 0.1
    shapes = {s: severity_icon(s).pixmap(QSize(24, 24), 1.0).toImage() for s in Severity}
    alpha = {s: bytes(shapes[s].convertToFormat(QImage.Format.Format_Alpha8).constBits())
             for s in Severity}
    assert len(set(alpha.values())) == len(Severity), "each severity has its own shape"


def test_icons_show_with_their_names_in_table_and_device_page(
        qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window()
    window.open_sample()
    settle(qtbot, window)
    model = window.table_model
    for row_number, row in enumerate(model.rows):
        icon = model.index(row_number, Column.CATEGORY)
        assert not model.data(icon, Qt.ItemDataRole.DecorationRole).isNull()
        name = category_name(row.device.category)
        assert model.data(icon, Qt.ItemDataRole.AccessibleTextRole) == name
        issues = model.index(row_number, Column.ISSUES)
        if row.worst is not None:
            assert not model.data(issues, Qt.ItemDataRole.DecorationRole).isNull()
            assert severity_name(row.worst).lower() in model.data(issues).lower()
    worst = max(model.rows, key=lambda r: sum(n for _, n in r.open_counts))
    window.open_device(worst.device.mac)
    page = window.device_page
    assert page.category_icon.accessibleName() == category_name(worst.device.category)
    assert not page.category_icon.pixmap().isNull()
    cards = [c for c in page.findChildren(FindingCard) if not c.isHidden()]
    assert cards
    for card in cards:
        names = {label.accessibleName() for label in card.findChildren(QLabel)
                 if not label.pixmap().isNull()}
        assert names & {severity_name(s) for s in Severity}
    marks = window.dashboard.severity_chips
    assert {m.accessibleName() for m in marks.values()} == {severity_name(s) for s in marks}
