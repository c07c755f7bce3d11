"""Estimates for one workload on every GPU of the catalog, computed off the UI thread."""

from __future__ import annotations

import functools
import itertools

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from planner.core.estimate import RunOptions
from planner.core.gpu_ranking import Ranked, rank_gpus
from planner.core.memory import TrainingSetup
from planner.core.parts import Gpu
from planner.core.performance import Link
from planner.core.workloads import Workload

__all__ = ["Ranked", "Ranker"]


class _Signals(QObject):
    done = Signal(int, int, object)  # ranker, generation, list[Ranked]


_NEXT_KEY = itertools.count(1)


@functools.cache
def _bus() -> _Signals:
    """One signal carrier for every ranker, made in the UI thread (by the first ranker) and
    kept for the life of the program: a task never holds the last reference to a Qt object,
    so no Qt object is ever destroyed on a pool thread (that deadlocked against the UI
    thread tearing a window down)."""
    return _Signals()


class _Task(QRunnable):
    def __init__(self, key: int, generation: int, args: tuple[object, ...]) -> None:
        super().__init__()
        self._key, self._generation, self._args = key, generation, args

    def run(self) -> None:
        results = rank_gpus(*self._args)  # type: ignore[arg-type]
        _bus().done.emit(self._key, self._generation, results)


class Ranker(QObject):
    """Runs rankings on the global thread pool; only the newest request's result is shown."""

    ranked = Signal(object)  # list[Ranked]

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._key = next(_NEXT_KEY)
        self._generation = 0
        _bus().done.connect(self._done)
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
        QThreadPool.globalInstance().start(_Task(self._key, self._generation, args))

    def _done(self, key: int, generation: int, results: object) -> None:
        if key == self._key and generation == self._generation:
            self.ranked.emit(results)

    def wait(self) -> None:
        """Start anything pending and wait for it (screenshots, tests, closing)."""
        if self._timer.isActive():
            self._timer.stop()
            self._start()
        QThreadPool.globalInstance().waitForDone()
