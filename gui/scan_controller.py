"""Runs one scan at a time through the task runner and reports devices, progress and the end."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from core.models import Device, Progress, ScanResult
from gui.scan_service import ScanPlan, ScanService
from gui.tasks import TaskContext, TaskHandle, TaskRunner

log = logging.getLogger(__name__)


class ScanController(QObject):
    """Signals arrive on the GUI thread; cancel() asks the running scan to stop soon."""

    device_found = Signal(object)  # Device (may repeat a MAC with more detail)
    progressed = Signal(object)  # Progress
    finished = Signal(object)  # ScanResult (result.cancelled tells a cancelled scan)
    failed = Signal(object)  # the exception

    def __init__(self, service: ScanService, runner: TaskRunner,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.runner = runner
        self._handle: TaskHandle | None = None

    @property
    def running(self) -> bool:
        return self._handle is not None and self._handle.running

    def start(self, plan: ScanPlan) -> None:
        if self.running:
            return
        log.info("scan starting on %s (%s), deep=%s, consent=%s", plan.interface.name,
                 plan.interface.network, plan.deep, bool(plan.consent_by))

        def work(context: TaskContext) -> ScanResult:
            return self.service.scan(plan, context.cancel, context.progress, context.item)

        self._handle = self.runner.start(work, on_result=self._succeeded,
                                         on_error=self._failed, on_progress=self._progress,
                                         on_item=self._device)

    def cancel(self) -> None:
        if self._handle is not None:
            log.info("scan cancel requested")
            self._handle.cancel()

    def _device(self, device: object) -> None:
        if isinstance(device, Device):
            self.device_found.emit(device)

    def _progress(self, progress: object) -> None:
        if isinstance(progress, Progress):
            self.progressed.emit(progress)

    def _succeeded(self, result: object) -> None:
        self._handle = None
        log.info("scan finished: %s devices", len(getattr(result, "devices", ())))
        self.finished.emit(result)

    def _failed(self, exc: object) -> None:
        self._handle = None
        self.failed.emit(exc)
