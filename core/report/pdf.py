"""The PDF slot: the desktop app installs a Qt renderer here; core itself never imports Qt."""

from __future__ import annotations

from collections.abc import Callable

from core.errors import KnownError
from core.report.content import ReportData

PdfRenderer = Callable[[ReportData], bytes]
_renderer: list[PdfRenderer] = []


def set_pdf_renderer(renderer: PdfRenderer) -> None:
    """Install the function that turns a report's content into PDF bytes."""
    _renderer[:] = [renderer]


def render_pdf(data: ReportData) -> bytes:
    """The report as PDF bytes, or a clear error when no renderer is installed."""
    if not _renderer:
        raise KnownError("PDF reports are made by the desktop app's Qt libraries, which are not "
                         "loaded here.", "Run `iot-hygiene report ...` (not `python -m core`), "
                         "or choose --format html.")
    return _renderer[0](data)
