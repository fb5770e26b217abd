"""Runs one scan at a time through the task runner and reports devices, progress and the end."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from core.models import Device, Progress, ScanPhase, ScanResult
from gui.scan_service import ScanPlan, ScanService
from gui.tasks import TaskContext, TaskHandle, TaskRunner

log = logging.getLogger(__name__)
Persist = Callable[[ScanResult], object]
SAVING = "Saving the results and updating scores…"


@dataclass(frozen=True)
class ScanOutcome:
    """A finished scan and whatever `persist` returned for it (None when cancelled)."""

    result: ScanResult
    saved: object = None


class ScanController(QObject):
    """Signals arrive on the GUI thread; cancel() asks the running scan to stop soon."""

    device_found = Signal(Device)  # may repeat a MAC with more detail
    progressed = Signal(Progress)
    finished = Signal(ScanOutcome)  # outcome.result.cancelled tells a cancelled scan
    failed = Signal(BaseException)

    def __init__(self, service: ScanService, runner: TaskRunner,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.runner = runner
        self._handle: TaskHandle | None = None

    @property
    def running(self) -> bool:
        return self._handle is not None and self._handle.running

    def start(self, plan: ScanPlan, persist: Persist | None = None) -> None:
        """Scan off the GUI thread; a finished (not cancelled) result goes to `persist` there too,
        so saving and reloading a big site never stalls the window."""
        if self.running:
            return
        log.info("scan starting on %s (%s), deep=%s, consent=%s", plan.interface.name,
                 plan.interface.network, plan.deep, bool(plan.consent_by))

        def work(context: TaskContext) -> ScanOutcome:
            result = self.service.scan(plan, context.cancel, context.progress, context.item)
            if result.cancelled or context.cancel.cancelled or persist is None:
                return ScanOutcome(result)
            context.progress(Progress(ScanPhase.DONE, 1.0, SAVING))
            return ScanOutcome(result, persist(result))

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

    def _succeeded(self, outcome: ScanOutcome) -> None:
        self._handle = None
        log.info("scan finished: %s devices", len(outcome.result.devices))
        self.finished.emit(outcome)

    def _failed(self, exc: BaseException) -> None:
        self._handle = None
        self.failed.emit(exc)
