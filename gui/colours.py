"""Every hand-set colour, made readable (WCAG AA) against the palette it is drawn on."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from core.models import Severity

TEXT_RATIO = 4.5  # WCAG AA, normal text
GRAPHIC_RATIO = 3.0  # WCAG AA, large text and graphics (marks, borders)
SEVERITY_HUES = {Severity.CRITICAL: "#d0312d", Severity.HIGH: "#e0682b",
                 Severity.MEDIUM: "#a87b00", Severity.LOW: "#3f88c5", Severity.INFO: "#808080"}
MISSING_HUE = "#8a8a8a"  # a device the latest scan did not see
ACCENT_HUE = "#3f88c5"  # the bar beside a scan finding in the checklist
BANNER_BACKGROUND, BANNER_TEXT = QColor("#c99a06"), QColor("black")  # consent banner
CHIP_TEXT = QColor("white")  # severity words on their coloured chip
_STEPS = 20  # how finely a colour is moved toward black or white


def luminance(colour: QColor) -> float:
    """WCAG relative luminance, 0 (black) to 1 (white)."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    return (0.2126 * channel(colour.red()) + 0.7152 * channel(colour.green())
            + 0.0722 * channel(colour.blue()))


def contrast(first: QColor, second: QColor) -> float:
    """WCAG contrast ratio, 1 to 21."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable(hue: str | QColor, backgrounds: Iterable[QColor], ratio: float) -> QColor:
    """The hue, darkened on light backgrounds or lightened on dark ones just enough to reach
    `ratio` against every background."""
    return QColor.fromRgb(_readable_rgb(QColor(hue).rgb(),
                                        tuple(c.rgb() for c in backgrounds), ratio))


@lru_cache(maxsize=256)  # table cells ask on every paint
def _readable_rgb(hue: int, backgrounds: tuple[int, ...], ratio: float) -> int:
    colour, grounds = QColor.fromRgb(hue), [QColor.fromRgb(c) for c in backgrounds]
    toward = QColor("black") if _mean_luminance(grounds) > 0.18 else QColor("white")
    for step in range(_STEPS + 1):
        mixed = _mix(colour, toward, step / _STEPS)
        if min(contrast(mixed, ground) for ground in grounds) >= ratio:
            return mixed.rgb()
    return toward.rgb()


def palette() -> QPalette:
    return QApplication.palette()


def table_grounds(pal: QPalette | None = None) -> tuple[QColor, QColor]:
    """The backgrounds of table rows (plain and alternate)."""
    pal = pal or palette()
    return (pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.AlternateBase))


def severity_text(severity: Severity, pal: QPalette | None = None) -> QColor:
    """A severity's colour for words in a table cell."""
    return readable(SEVERITY_HUES[severity], table_grounds(pal), TEXT_RATIO)


def severity_chip(severity: Severity) -> QColor:
    """A severity chip's background: white words on it stay readable in any palette."""
    return readable(SEVERITY_HUES[severity], (CHIP_TEXT,), TEXT_RATIO)


def missing_grey(pal: QPalette | None = None) -> QColor:
    """Greyed words of a device the latest scan did not see."""
    return readable(MISSING_HUE, table_grounds(pal), TEXT_RATIO)


def accent(pal: QPalette | None = None) -> QColor:
    window = (pal or palette()).color(QPalette.ColorRole.Window)
    return readable(ACCENT_HUE, (window,), GRAPHIC_RATIO)


def readable_links(pal: QPalette) -> QPalette:
    """The palette with link colours readable on both window and base backgrounds."""
    grounds = (pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Window))
    for role in (QPalette.ColorRole.Link, QPalette.ColorRole.LinkVisited):
        pal.setColor(role, readable(pal.color(role), grounds, TEXT_RATIO))
    return pal


def paper(pal: QPalette) -> QPalette:
    """A document preview's palette: dark words on white paper, whatever the scheme."""
    pal.setColor(QPalette.ColorRole.Base, QColor("white"))
    pal.setColor(QPalette.ColorRole.Text, QColor("black"))
    for role in (QPalette.ColorRole.Link, QPalette.ColorRole.LinkVisited):
        pal.setColor(role, readable(pal.color(role), (QColor("white"),), TEXT_RATIO))
    return pal


def _mix(colour: QColor, toward: QColor, amount: float) -> QColor:
    return QColor(*(round(a + (b - a) * amount) for a, b in (
        (colour.red(), toward.red()), (colour.green(), toward.green()),
        (colour.blue(), toward.blue()))))


def _mean_luminance(colours: list[QColor]) -> float:
    return sum(luminance(c) for c in colours) / len(colours)
