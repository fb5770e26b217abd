"""Category and severity icons (SVG, sharp at any scaling), each with its name in words."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QLabel, QWidget

from core.models import Category, Severity
from core.paths import resource


@cache
def category_icon(category: Category) -> QIcon:
    return QIcon(str(resource("icons", f"{category.value}.svg")))


@cache
def severity_icon(severity: Severity) -> QIcon:
    return QIcon(str(resource("icons", f"severity-{severity.value}.svg")))


def icon_label(icon: QIcon, name: str, size: int = 16,
               parent: QWidget | None = None) -> QLabel:
    """A picture-only label that screen readers and tooltips name; drawn for the screen's
    scaling so it is never a blurred small bitmap."""
    label = QLabel(parent)
    label.setFixedSize(size, size)
    show_icon(label, icon, name)
    return label


def show_icon(label: QLabel, icon: QIcon, name: str) -> None:
    """Put another icon (and its name) on an icon label."""
    label.setPixmap(icon.pixmap(label.size(), label.devicePixelRatioF()))
    label.setAccessibleName(name)
    label.setToolTip(name)
