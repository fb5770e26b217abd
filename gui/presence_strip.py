"""The device page's presence strip: one square per recent scan, filled where it saw the device."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from core.presence import PresenceMark, PresenceView
from gui.guard import qt_virtual

SQUARE = 12
GAP = 3
OFF_HOURS = QColor("#c77c02")  # amber: seen when nobody should need it


class PresenceStrip(QWidget):
    """Squares oldest to newest: filled = seen, outlined = not seen, amber with a dot = seen
    outside business hours.

    The whole strip's text alternative is its accessible description (the view's summary);
    each square has a tooltip with the scan's local time in words.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = PresenceView(mac="")
        self.setAccessibleName(self.tr("Presence timeline"))
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # screen readers reach the description
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_view(self, view: PresenceView) -> None:
        self.view = view
        self.setAccessibleDescription(self.describe())
        self.setToolTip("" if view.marks else view.summary)
        self.updateGeometry()
        self.update()

    def describe(self) -> str:
        """The text alternative: the summary, then each scan oldest first."""
        marks = "; ".join(m.text for m in self.view.marks)
        return f"{self.view.summary} {marks}".strip()

    def mark_at(self, point: QPoint) -> PresenceMark | None:
        """The scan whose square is under `point` (the gaps belong to the square on the left)."""
        if not 0 <= point.y() < SQUARE + 2:
            return None
        index = point.x() // (SQUARE + GAP)
        return self.view.marks[index] if 0 <= index < len(self.view.marks) else None

    def square(self, index: int) -> QRect:
        return QRect(1 + index * (SQUARE + GAP), 1, SQUARE, SQUARE)

    @qt_virtual(QSize(0, 0))
    def sizeHint(self) -> QSize:
        count = max(1, len(self.view.marks))
        return QSize(count * (SQUARE + GAP) + 2, SQUARE + 2)

    @qt_virtual(QSize(0, 0))
    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    @qt_virtual(False)
    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            mark = self.mark_at(event.pos())
            if mark is not None:
                QToolTip.showText(event.globalPos(), mark.text, self,
                                  self.square(self.view.marks.index(mark)))
                return True
        return super().event(event)

    @qt_virtual(None)
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            seen_colour = self.palette().color(QPalette.ColorRole.Highlight)
            outline = self.palette().color(QPalette.ColorRole.WindowText)
            for index, mark in enumerate(self.view.marks):
                rect = self.square(index)
                painter.setPen(outline)
                if mark.seen:
                    painter.setBrush(OFF_HOURS if mark.off_hours else seen_colour)
                else:
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(rect.adjusted(0, 0, -1, -1))
                if mark.seen and mark.off_hours:  # not by colour alone
                    painter.setBrush(outline)
                    painter.drawEllipse(rect.center(), 2, 2)
        finally:
            painter.end()
