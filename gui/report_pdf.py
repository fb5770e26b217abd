"""Renders a report's HTML to PDF with Qt (QTextDocument on QPdfWriter), with page numbers."""

from __future__ import annotations

import os

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    QMarginsF,
    QRectF,
    QSizeF,
    Qt,
)
from PySide6.QtGui import (
    QFont,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from core.report import ReportData, html_report

RESOLUTION = 300  # dots per inch of the PDF's coordinate system
MARGIN_MM = 15
BAND = 0.35  # inch kept above and below the body for the header and footer line
POINT_SIZE = 9


def render_pdf(data: ReportData) -> bytes:
    """The report as an A4 PDF: the same content as the HTML, a title on top, page N of M below."""
    _ensure_app()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = _writer(buffer, data.context.site)
    document = _document(html_report(data), writer)
    painter = QPainter(writer)
    try:
        _paint_pages(painter, writer, document, _header(data))
    finally:
        painter.end()
    buffer.close()
    return bytes(QByteArray(buffer.data()).data())


def _ensure_app() -> None:
    """Fonts need a GUI application; the command line has none, and needs no screen."""
    if QCoreApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _APP.append(QGuiApplication([]))


_APP: list[QGuiApplication] = []  # keeps the command line's application alive


def _writer(buffer: QBuffer, title: str) -> QPdfWriter:
    writer = QPdfWriter(buffer)
    writer.setResolution(RESOLUTION)
    writer.setTitle(f"Network device report — {title}" if title else "Network device report")
    writer.setCreator("IoT Hygiene")
    layout = QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                         QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                         QPageLayout.Unit.Millimeter)
    writer.setPageLayout(layout)
    return writer


def _document(html: str, writer: QPdfWriter) -> QTextDocument:
    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)
    font = QFont("DejaVu Sans")
    font.setPointSizeF(POINT_SIZE)
    document.setDefaultFont(font)
    document.setHtml(html)
    page = writer.pageLayout().paintRectPixels(RESOLUTION)
    band = BAND * RESOLUTION
    document.setPageSize(QSizeF(page.width(), page.height() - 2 * band))
    return document


def _paint_pages(painter: QPainter, writer: QPdfWriter, document: QTextDocument,
                 header: str) -> None:
    page = writer.pageLayout().paintRectPixels(RESOLUTION)
    band = BAND * RESOLUTION
    body = QSizeF(page.width(), page.height() - 2 * band)
    count = document.pageCount()
    small = QFont("DejaVu Sans")
    small.setPointSizeF(POINT_SIZE - 1)
    for number in range(count):
        if number:
            writer.newPage()
        painter.setFont(small)
        painter.drawText(QRectF(0, 0, page.width(), band), Qt.AlignmentFlag.AlignLeft, header)
        painter.drawText(QRectF(0, page.height() - band * 0.8, page.width(), band),
                         Qt.AlignmentFlag.AlignRight, f"Page {number + 1} of {count}")
        painter.save()
        painter.translate(0, band - number * body.height())
        document.drawContents(painter, QRectF(0, number * body.height(), body.width(),
                                              body.height()))
        painter.restore()


def _header(data: ReportData) -> str:
    parts = ["Network device report", data.context.site, data.context.client]
    return " — ".join(p for p in parts if p)[:120]
