"""File → Export: the build report as PDF, the parts list and estimates as CSV, the charts
as PNG images. Writes go through the same atomic saves as profiles. The report and CSV
modules load on first use, not at start-up."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMainWindow, QWidget

from planner.core.catalog import Catalog
from planner.core.workloads import Workload
from planner.ui.chart_host import ChartHost
from planner.ui.document import BuildDocument
from planner.ui.session import Settings

Complaint = Callable[[str, str], None]
PAPERS = {"a4": "A4", "letter": "Letter"}


def file_stem(name: str) -> str:
    """A file name for a build: its name with anything awkward in a path replaced."""
    stem = re.sub(r"[^\w.-]+", "-", name, flags=re.UNICODE).strip("-.")
    return stem or "build"


def comparison_stem(names: list[str], longest: int = 80) -> str:
    """ "comparison-Budget-RTX-4060-vs-Single-RTX-4090", shortened to a sane length."""
    stem = "comparison-" + "-vs-".join(file_stem(name) for name in names)
    return stem if len(stem) <= longest else stem[:longest].rstrip("-.")


def ask_save_path(parent: QWidget, title: str, suggested: Path, kind: str) -> Path | None:
    """A file to export to, with the suggested name's suffix added when the user left it off."""
    suffix = suggested.suffix
    path, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), f"{kind} (*{suffix})")
    if not path:
        return None
    return Path(path if path.lower().endswith(suffix) else path + suffix)


def export_file(
    window: QMainWindow, complain: Complaint, what: str, path: Path, write: Callable[[Path], str]
) -> bool:
    """Run `write` (which returns what to say in the status bar); if the file cannot be
    written, tell the user which file and why."""
    try:
        message = write(path)
    except OSError as error:
        complain(f"Could not export the {what}", f"{path}: {error.strerror or error}")
        return False
    window.statusBar().showMessage(message, 8000)
    return True


class ExportController(QObject):
    def __init__(
        self,
        window: QMainWindow,
        document: BuildDocument,
        catalog: Callable[[], Catalog],
        workloads: Mapping[str, Workload],
        charts: ChartHost,
        settings: Settings,
        complain: Complaint,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._document = document
        self._catalog = catalog
        self._workloads = workloads
        self._charts = charts
        self._settings = settings
        self._complain = complain
        charts.suggested = lambda name: self._suggested(f"-{name}.png")

    @property
    def paper(self) -> str:
        return self._settings.paper()

    def set_paper(self, paper: str) -> None:
        self._settings.set_paper(paper)

    def _suggested(self, suffix: str) -> Path:
        document = self._document
        folder = document.path.parent if document.path else Path.home()
        return folder / f"{file_stem(document.build.name)}{suffix}"

    # ---- actions ------------------------------------------------------------------------

    def export_pdf(self, path: Path | None = None) -> bool:
        path = path or ask_save_path(
            self._window, "Export build report", self._suggested(".pdf"), "PDF documents"
        )
        if path is None:
            return False
        from planner.report.build_report import collect, export_build_report

        document = self._document
        data = collect(document.build, self._catalog(), self._workloads, str(document.path or ""))

        def write(target: Path) -> str:
            pages = export_build_report(target, data, self.paper)
            return f"Exported the build report to {target} ({pages} pages, {PAPERS[self.paper]})"

        return export_file(self._window, self._complain, "report", path, write)

    def export_parts_csv(self, path: Path | None = None) -> bool:
        path = path or ask_save_path(
            self._window, "Export parts list", self._suggested(".csv"), "CSV files"
        )
        if path is None:
            return False
        from planner.io.csv_export import parts_csv, write_csv

        def write(target: Path) -> str:
            write_csv(target, parts_csv(self._document.assembly))
            return f"Exported the parts list to {target}"

        return export_file(self._window, self._complain, "parts list", path, write)

    def export_estimates_csv(self, path: Path | None = None) -> bool:
        path = path or ask_save_path(
            self._window, "Export estimates", self._suggested(".csv"), "CSV files"
        )
        if path is None:
            return False
        from planner.io.csv_export import estimates_csv, write_csv

        def write(target: Path) -> str:
            write_csv(target, estimates_csv(self._document.report.estimates))
            return f"Exported the workload estimates to {target}"

        return export_file(self._window, self._complain, "estimates", path, write)

    def export_chart_images(self, folder: Path | None = None) -> list[Path]:
        if folder is None:
            start = str(self._document.path.parent if self._document.path else Path.home())
            chosen = QFileDialog.getExistingDirectory(self._window, "Export charts to", start)
            if not chosen:
                return []
            folder = Path(chosen)
        stem = file_stem(self._document.build.name)
        written = []
        try:
            for chart in self._charts.panel.charts:
                path = folder / f"{stem}-{chart.name}.png"
                chart.export_png(str(path))
                written.append(path)
        except OSError as error:
            self._complain("Could not export the charts", f"{folder}: {error.strerror or error}")
            return written
        self._window.statusBar().showMessage(f"Exported {len(written)} charts to {folder}", 8000)
        return written
