"""GPU rankings run on the thread pool; a task must never hold the last reference to a Qt
object, or that object is destroyed on a pool thread (which deadlocked once against the UI
thread tearing a window down)."""

from __future__ import annotations

from PySide6.QtCore import QObject

from planner.ui.ranking import Ranker, _Task


def test_a_ranking_task_holds_no_qt_object(qtbot) -> None:  # type: ignore[no-untyped-def]
    task = _Task(1, 1, ("workload", "setup", (), None, None))
    held = [value for value in vars(task).values() if isinstance(value, QObject)]
    held += [arg for arg in task._args if isinstance(arg, QObject)]
    assert held == []


def test_each_ranker_gets_only_its_own_results(qtbot) -> None:  # type: ignore[no-untyped-def]
    from planner.ui import ranking

    first, second = Ranker(), Ranker()
    seen: list[tuple[str, object]] = []
    first.ranked.connect(lambda results: seen.append(("first", results)))
    second.ranked.connect(lambda results: seen.append(("second", results)))
    first._generation = second._generation = 3
    ranking._bus().done.emit(second._key, 3, ["fast"])
    ranking._bus().done.emit(first._key, 2, ["stale"])  # an older request of the first
    assert seen == [("second", ["fast"])]
