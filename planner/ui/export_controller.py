"""File → Export: the build report as PDF, the parts list and estimates as CSV, the charts
as PNG images. Writes go through the same atomic saves as profiles. The report and CSV
modules load on first use, not at start-up."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMainWindow

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

    @property
    def paper(self) -> str:
        return self._settings.paper()

    def set_paper(self, paper: str) -> None:
        self._settings.set_paper(paper)

    def _suggested(self, suffix: str) -> str:
        document = self._document
        folder = document.path.parent if document.path else Path.home()
        return str(folder / f"{file_stem(document.build.name)}{suffix}")

    def _ask(self, title: str, suffix: str, kind: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(
            self._window, title, self._suggested(suffix), f"{kind} (*{suffix})"
        )
        if not path:
            return None
        return Path(path if path.lower().endswith(suffix) else path + suffix)

    def _done(self, message: str) -> None:
        self._window.statusBar().showMessage(message, 8000)

    def _failed(self, what: str, path: Path, error: OSError) -> None:
        self._complain(f"Could not export the {what}", f"{path}: {error.strerror or error}")

    # ---- actions ------------------------------------------------------------------------

    def export_pdf(self, path: Path | None = None) -> bool:
        path = path or self._ask("Export build report", ".pdf", "PDF documents")
        if path is None:
            return False
        from planner.report.build_report import collect, export_build_report

        document = self._document
        data = collect(document.build, self._catalog(), self._workloads, str(document.path or ""))
        try:
            pages = export_build_report(path, data, self.paper)
        except OSError as error:
            self._failed("report", path, error)
            return False
        self._done(f"Exported the build report to {path} ({pages} pages, {PAPERS[self.paper]})")
        return True

    def export_parts_csv(self, path: Path | None = None) -> bool:
        path = path or self._ask("Export parts list", ".csv", "CSV files")
        if path is None:
            return False
        from planner.io.csv_export import parts_csv, write_csv

        try:
            write_csv(path, parts_csv(self._document.assembly))
        except OSError as error:
            self._failed("parts list", path, error)
            return False
        self._done(f"Exported the parts list to {path}")
        return True

    def export_estimates_csv(self, path: Path | None = None) -> bool:
        path = path or self._ask("Export estimates", ".csv", "CSV files")
        if path is None:
            return False
        from planner.io.csv_export import estimates_csv, write_csv

        try:
            write_csv(path, estimates_csv(self._document.report.estimates))
        except OSError as error:
            self._failed("estimates", path, error)
            return False
        self._done(f"Exported the workload estimates to {path}")
        return True

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
            self._failed("charts", folder, error)
            return written
        self._done(f"Exported {len(written)} charts to {folder}")
        return written
