"""Estimates for one workload on every GPU of the catalog, computed off the UI thread."""

from __future__ import annotations

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from planner.core.estimate import RunOptions
from planner.core.gpu_ranking import Ranked, rank_gpus
from planner.core.memory import TrainingSetup
from planner.core.parts import Gpu
from planner.core.performance import Link
from planner.core.workloads import Workload

__all__ = ["Ranked", "Ranker"]


class _Signals(QObject):
    done = Signal(int, object)  # generation, list[Ranked]


class _Task(QRunnable):
    def __init__(self, generation: int, signals: _Signals, args: tuple[object, ...]) -> None:
        super().__init__()
        self._generation = generation
        self._signals = signals
        self._args = args

    def run(self) -> None:
        results = rank_gpus(*self._args)  # type: ignore[arg-type]
        self._signals.done.emit(self._generation, results)


class Ranker(QObject):
    """Runs rankings on the global thread pool; only the newest request's result is shown."""

    ranked = Signal(object)  # list[Ranked]

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._generation = 0
        self._signals = _Signals()
        self._signals.done.connect(self._done)
        self._pending: tuple[object, ...] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._start)

    def request(
        self,
        workload: Workload,
        setup: TrainingSetup,
        gpus: tuple[Gpu, ...],
        link: Link | None,
        run_options: RunOptions | None = None,
    ) -> None:
        """Rank soon: requests made while handling one edit (or before the window is first
        drawn) collapse into one job, started once the event loop is free."""
        self._generation += 1
        self._pending = (workload, setup, gpus, link, run_options)
        if not self._timer.isActive():
            self._timer.start()

    def _start(self) -> None:
        if self._pending is None:
            return
        args, self._pending = self._pending, None
        QThreadPool.globalInstance().start(_Task(self._generation, self._signals, args))

    def _done(self, generation: int, results: object) -> None:
        if generation == self._generation:
            self.ranked.emit(results)

    def wait(self) -> None:
        """Start anything pending and wait for it (screenshots, tests, closing)."""
        if self._timer.isActive():
            self._timer.stop()
            self._start()
        QThreadPool.globalInstance().waitForDone()
