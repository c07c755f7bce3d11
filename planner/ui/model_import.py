"""Workloads → Import Model…: a config.json or .gguf file becomes a workload, added to the
open build at once so its memory and speed show."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog

from planner.core.build import WorkloadChoice
from planner.core.errors import InputError

MODEL_FILTER = "Model files (config.json *.json *.gguf);;All files (*)"

if TYPE_CHECKING:
    from planner.ui.main_window import MainWindow


def import_model_into(window: MainWindow, path: Path | None = None) -> bool:
    from planner.io.user_workloads import import_model
    from planner.io.workload_files import load_all_workloads

    document = window.document
    if path is None:
        start = str(document.path.parent) if document.path else str(Path.home())
        chosen, _ = QFileDialog.getOpenFileName(window, "Import a model", start, MODEL_FILTER)
        if not chosen:
            return False
        path = Path(chosen)
    try:
        imported = import_model(path, taken=set(document.workloads))
    except InputError as error:
        window.files.complain("Could not import the model", str(error))
        return False
    workloads, _problems = load_all_workloads()
    document.set_workloads(workloads)
    window.workload_panel.fill_catalog()
    workload = imported.workload
    document.add_workload(WorkloadChoice(id=workload.id, batch_size=workload.default_batch))
    window.statusBar().showMessage(
        f"Imported {workload.name}: {imported.params / 1e9:,.2f}B parameters", 8000
    )
    return True
