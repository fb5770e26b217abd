"""Site > Monitoring settings: watch on/off, interval, business hours, collector with a Test."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from core.errors import KnownError
from core.models import Site
from core.monitoring import BusinessHours, DeliveryStatus, parse_target
from gui.tasks import TaskContext, TaskRunner
from gui.text import clean
from gui.watch import WatchOptions, delivery_status, send_test_event

log = logging.getLogger(__name__)
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def describe_status(status: DeliveryStatus | None) -> str:
    """The last delivery to the collector, in a sentence or two."""
    if status is None:
        return "No collector: events stay on this computer."
    parts = [f"Delivered so far: {status.delivered_total}; waiting: {status.queued}."]
    if status.dropped_total:
        parts.append(f"Dropped (queue full): {status.dropped_total}.")
    if status.last_success:
        parts.append(f"Last delivery {status.last_success}.")
    if status.last_error and not status.healthy:
        parts.append(f"Last error {status.last_error_at}: {clean(status.last_error, 200)}.")
    if not status.last_attempt and not status.delivered_total:
        parts = ["Nothing sent yet."]
    return " ".join(parts)


def describe_test(status: DeliveryStatus, collector: str) -> str:
    if status.delivered_total and not status.last_error:
        if collector.strip().lower().startswith("udp://"):
            return "Sent. UDP cannot confirm delivery: check that the collector shows it."
        return "Delivered: the collector accepted the test message."
    return f"Not delivered: {clean(status.last_error or 'unknown error', 200)}"


class MonitoringDialog(QDialog):
    """One site's monitoring settings; `options()` is what to save when it is accepted."""

    def __init__(self, site: Site, options: WatchOptions, folder: Path, tasks: TaskRunner,
                 tray_available: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.site = site
        self.folder = folder
        self.tasks = tasks
        self.testing = False
        self.closed = False  # set before deletion: a late Test result is then dropped
        self.setWindowTitle(self.tr("Monitoring — {0}").format(clean(site.name, 60)))
        self.watch_box = QCheckBox(self.tr("&Watch this site"))
        self.watch_box.setChecked(options.enabled)
        self.interval_spin = QSpinBox()
        self.interval_spin.setRange(1, 24 * 60)
        self.interval_spin.setSuffix(self.tr(" min"))
        self.interval_spin.setValue(options.interval_minutes)
        hours = options.business_hours
        self.hours_group = QGroupBox(self.tr("&Business hours (alerts for devices on outside "
                                             "them)"))
        self.hours_group.setCheckable(True)
        self.hours_group.setChecked(hours is not None and hours.enabled)
        shown = hours or BusinessHours()
        self._hours_base = shown
        self._had_hours = hours is not None
        self.day_boxes = [QCheckBox(self.tr(day)) for day in DAYS]
        for number, box in enumerate(self.day_boxes):
            box.setChecked(number in shown.days)
        self.start_edit = QTimeEdit(QTime(shown.start.hour, shown.start.minute))
        self.end_edit = QTimeEdit(QTime(shown.end.hour, shown.end.minute))
        for edit in (self.start_edit, self.end_edit):
            edit.setDisplayFormat("HH:mm")
        self.start_edit.setAccessibleName(self.tr("Business hours start"))
        self.end_edit.setAccessibleName(self.tr("Business hours end"))
        for number, box in enumerate(self.day_boxes):
            box.setAccessibleName(self.tr("Business day {0}").format(self.tr(DAYS[number])))
        self.collector_edit = QLineEdit(options.collector)
        self.collector_edit.setPlaceholderText("tcp://siem.office.lan:514")
        self.test_button = QPushButton(self.tr("&Test"))
        self.test_label = QLabel()
        self.status_label = QLabel(describe_status(delivery_status(folder, options.collector)))
        self.error_label = QLabel()
        self.tray_label = QLabel("" if tray_available else self.tr(
            "This desktop has no system tray: the watch runs only while the window is open "
            "(closing the window stops it), and alerts appear in the status bar."))
        for label in (self.test_label, self.status_label, self.error_label, self.tray_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.test_button.clicked.connect(self.test_collector)
        self._layout()

    def _layout(self) -> None:
        days = QHBoxLayout()
        for box in self.day_boxes:
            days.addWidget(box)
        times = QHBoxLayout()
        times.addWidget(QLabel(self.tr("from")))
        times.addWidget(self.start_edit)
        times.addWidget(QLabel(self.tr("to")))
        times.addWidget(self.end_edit)
        times.addStretch(1)
        hours = QVBoxLayout(self.hours_group)
        hours.addLayout(days)
        hours.addLayout(times)
        collector = QHBoxLayout()
        collector.addWidget(self.collector_edit, 1)
        collector.addWidget(self.test_button)
        form = QFormLayout()
        form.addRow(self.watch_box)
        form.addRow(self.tr("Scan &every:"), self.interval_spin)
        form.addRow(self.hours_group)
        collector_label = QLabel(self.tr("&Collector (syslog):"))
        collector_label.setBuddy(self.collector_edit)
        form.addRow(collector_label, collector)
        form.addRow("", self.test_label)
        form.addRow(self.tr("Last delivery:"), self.status_label)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.tray_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def business_hours(self) -> BusinessHours | None:
        days = tuple(n for n, box in enumerate(self.day_boxes) if box.isChecked())
        start, end = self.start_edit.time(), self.end_edit.time()
        hours = BusinessHours(days=days, start=dt.time(start.hour(), start.minute()),
                              end=dt.time(end.hour(), end.minute()),
                              timezone=self._hours_base.timezone,
                              exempt_categories=self._hours_base.exempt_categories,
                              exempt_macs=self._hours_base.exempt_macs,
                              enabled=self.hours_group.isChecked())
        if not self.hours_group.isChecked() and not self._had_hours:
            return None  # never set: keep it unset
        return hours

    def options(self) -> WatchOptions:
        return WatchOptions(enabled=self.watch_box.isChecked(),
                            interval_minutes=self.interval_spin.value(),
                            collector=self.collector_edit.text().strip(),
                            business_hours=self.business_hours())

    def validate(self) -> str:
        """"" when the settings can be saved, else what is wrong."""
        collector = self.collector_edit.text().strip()
        if collector:
            try:
                parse_target(collector)
            except KnownError as error:
                return error.message
        if self.hours_group.isChecked() and not any(b.isChecked() for b in self.day_boxes):
            return self.tr("Choose at least one business day.")
        if self.hours_group.isChecked() and self.start_edit.time() == self.end_edit.time():
            return self.tr("Business hours need an end other than their start (an end before "
                           "the start runs past midnight).")
        return ""

    def accept(self) -> None:
        problem = self.validate()
        self.error_label.setText(problem)
        if not problem:
            super().accept()

    def test_collector(self) -> None:
        """Send one test message off the GUI thread and show how it went."""
        collector = self.collector_edit.text().strip()
        try:
            parse_target(collector)
        except KnownError as error:
            self.test_label.setText(error.message)
            return
        if self.testing:
            return
        self.testing = True
        self.test_button.setEnabled(False)
        self.test_label.setText(self.tr("Sending a test message…"))
        site = self.site.name

        def send(context: TaskContext) -> DeliveryStatus:
            return send_test_event(collector, site)

        self.tasks.start(send, on_result=lambda status: self._tested(status, collector),
                         on_error=self._test_failed)

    def _tested(self, status: DeliveryStatus, collector: str) -> None:
        if self.closed:
            return
        self.testing = False
        self.test_button.setEnabled(True)
        self.test_label.setText(describe_test(status, collector))

    def _test_failed(self, exc: BaseException) -> None:
        if self.closed:
            return
        self.testing = False
        self.test_button.setEnabled(True)
        message = exc.message if isinstance(exc, KnownError) else str(exc)
        self.test_label.setText(self.tr("Not delivered: {0}").format(clean(message, 200)))
