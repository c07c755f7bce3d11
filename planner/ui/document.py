"""The open document: the build, its file, its undo stack, and the analysis of it.

Views read `build` and `report` and call the edit methods; every edit is an undoable
command that swaps one immutable build for another, so undo and redo are exact.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from planner.core import build_edits
from planner.core.assembly import Assembly
from planner.core.build import Build, Settings, WorkloadChoice
from planner.core.catalog import Catalog
from planner.core.checks import CheckReport, run_checks
from planner.core.gpu_link import build_link
from planner.core.performance import Link
from planner.core.serving_plan import Curve, curves, served_network
from planner.core.workload_estimates import BuildEstimate, network_for
from planner.core.workloads import Workload
from planner.io.profiles import save_profile


class BuildEdit(QUndoCommand):
    def __init__(self, document: BuildDocument, before: Build, after: Build, label: str) -> None:
        super().__init__(label)
        self._document = document
        self._before = before
        self._after = after

    def redo(self) -> None:
        self._document.show(self._after)

    def undo(self) -> None:
        self._document.show(self._before)


class BuildDocument(QObject):
    changed = Signal()  # the build or its analysis changed
    file_changed = Signal()  # path or modified state changed

    def __init__(
        self, catalog: Catalog, workloads: Mapping[str, Workload], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.workloads = workloads
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self.file_changed)
        self._build = Build()
        self._path: Path | None = None
        self.report: CheckReport = run_checks(self._build, catalog, workloads)
        self.assembly = Assembly.resolve(self._build, catalog)
        self.link: Link | None = build_link(self.assembly, self.report.layout)

    # ---- state ------------------------------------------------------------------------

    @property
    def build(self) -> Build:
        return self._build

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def modified(self) -> bool:
        return not self.undo_stack.isClean()

    def show(self, build: Build) -> None:
        """Make `build` current and analyse it (used by commands and loading)."""
        self._adopt(build, *self._analyse(build))

    def _analyse(self, build: Build) -> tuple[CheckReport, Assembly, Link | None]:
        """Checks, resolved parts and the GPUs' link of `build`, changing nothing."""
        report = run_checks(build, self.catalog, self.workloads)
        # Resolved once per edit for every view: parts, prices, and the GPUs' link.
        assembly = Assembly.resolve(build, self.catalog)
        return report, assembly, build_link(assembly, report.layout)

    def _adopt(
        self, build: Build, report: CheckReport, assembly: Assembly, link: Link | None
    ) -> None:
        self._build, self.report, self.assembly, self.link = build, report, assembly, link
        self.changed.emit()

    def serving_curves(self, result: BuildEstimate) -> tuple[Curve, Curve] | None:
        """Tokens/s of a served workload against the context and the sequences, here."""
        if result.serving is None or result.workload is None:
            return None
        net = served_network(network_for(result.workload), result.workload.name)
        return curves(self.assembly, self.report.layout, net, result.serving.result.serving)

    def set_catalog(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.show(self._build)

    def set_workloads(self, workloads: Mapping[str, Workload]) -> None:
        """The workloads after an import: the build is checked again against them."""
        self.workloads = workloads
        self.show(self._build)

    # ---- files ------------------------------------------------------------------------

    def load(self, build: Build, path: Path | None, modified: bool = False) -> None:
        """Make `build` the document, all or nothing: it is analysed before anything of
        the current document changes, so a build the planner cannot analyse raises and
        leaves the window as it was."""
        analysed = self._analyse(build)
        self.undo_stack.clear()
        self._path = path
        self._adopt(build, *analysed)
        self.undo_stack.setClean()
        if modified:
            # A recovered autosave is not what is on disk: it stays unsaved work.
            self.undo_stack.resetClean()
        self.file_changed.emit()

    def save(self, path: Path) -> None:
        same_file = self._path is not None and path.resolve() == self._path.resolve()
        save_profile(self._build, path, keep_style=same_file)
        self._path = path
        self.undo_stack.setClean()
        self.file_changed.emit()

    # ---- edits ------------------------------------------------------------------------

    def apply(self, build: Build, label: str) -> None:
        if build != self._build:
            self.undo_stack.push(BuildEdit(self, self._build, build, label))

    def _name(self, part_id: str) -> str:
        part = self.catalog.get(part_id)
        return part.display_name if part else part_id

    def add_part(self, part_id: str, count: int = 1) -> None:
        self.apply(
            build_edits.add_part(self._build, self.catalog, part_id, count),
            f"Add {self._name(part_id)}",
        )

    def set_count(self, part_id: str, count: int) -> None:
        label = (
            f"Set {self._name(part_id)} to {count}" if count else f"Remove {self._name(part_id)}"
        )
        self.apply(build_edits.set_count(self._build, part_id, count), label)

    def remove_part(self, part_id: str) -> None:
        self.apply(build_edits.remove_part(self._build, part_id), f"Remove {self._name(part_id)}")

    def set_power_limit(self, part_id: str, watts: int | None) -> None:
        label = (
            f"Limit {self._name(part_id)} to {watts} W"
            if watts
            else f"Remove the power limit of {self._name(part_id)}"
        )
        self.apply(build_edits.set_power_limit(self._build, part_id, watts), label)

    def add_workload(self, choice: WorkloadChoice) -> None:
        name = self._workload_name(choice)
        self.apply(build_edits.add_workload(self._build, choice), f"Add workload {name}")

    def update_workload(self, index: int, choice: WorkloadChoice, label: str = "") -> None:
        label = label or f"Change {self._workload_name(choice)}"
        self.apply(build_edits.update_workload(self._build, index, choice), label)

    def remove_workload(self, index: int) -> None:
        name = self._workload_name(self._build.workloads[index])
        self.apply(build_edits.remove_workload(self._build, index), f"Remove workload {name}")

    def set_settings(self, settings: Settings) -> None:
        old = self._build.settings
        if settings.wall_circuit != old.wall_circuit:
            volts, amps = settings.wall_circuit.split("-")
            label = f"Set the outlet to {volts[:-1]} V / {amps[:-1]} A"
        elif settings.psu_circuits != old.psu_circuits:
            label = (
                "Put the second PSU on its own circuit"
                if settings.psu_circuits == 2
                else "Put both PSUs on one circuit"
            )
        else:
            label = f"Set electricity to ${settings.electricity_usd_per_kwh:.3f}/kWh"
        self.apply(build_edits.set_settings(self._build, settings), label)

    def rename(self, name: str) -> None:
        self.apply(build_edits.rename(self._build, name), f"Rename to {name}")

    def _workload_name(self, choice: WorkloadChoice) -> str:
        if choice.id and choice.id in self.workloads:
            return self.workloads[choice.id].name
        return "custom transformer" if choice.inline is not None else str(choice.id)
