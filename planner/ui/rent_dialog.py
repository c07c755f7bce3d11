"""Build → Buy or Rent…: the open build against renting its GPUs in the cloud — per hour,
per workload run, the utilisation and months at which owning pays off — with the cost of
each over the build's life charted, answered live as the assumptions change."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QWidget,
)

from planner.core.checks.context import plural
from planner.core.rent import KINDS, CloudPrice, Ownership, RentPlan, offers_for, rent_plan
from planner.ui.document import BuildDocument
from planner.ui.plot_style import ThemedPlot

OWN = (52, 120, 200)
RENT = (230, 126, 34)


class RentDialog(QDialog):
    def __init__(
        self, document: BuildDocument, prices: list[CloudPrice], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Buy or rent")
        self.resize(940, 720)
        self._document, self._prices = document, prices
        self.life = _spin(0.5, 15, 3.0, " years", 1)
        self.utilisation = _spin(1, 100, 50, " % of all hours", 0)
        self.resale = _spin(0, 90, 0, " % of the price", 0)
        self.kind = QComboBox()
        for kind in KINDS:
            self.kind.addItem(kind, kind)
        self.offer = QComboBox()
        self.offer.setObjectName("rentOffer")
        form = QFormLayout()
        for label, widget, tip in (
            ("Working life", self.life, "Years the build is used before it is sold or retired"),
            ("Used", self.utilisation, "How much of the time the build works on your jobs"),
            ("Sold for", self.resale, "What it fetches at the end of its life (your estimate)"),
            ("Cloud", self.kind, "On-demand, or spot (interruptible, cheaper)"),
            ("Offer", self.offer, "Offers for the build's GPU; the median is preselected"),
        ):
            widget.setToolTip(tip)
            form.addRow(label, widget)
        self.answer = QLabel()
        self.answer.setObjectName("rentAnswer")
        self.answer.setWordWrap(True)
        self.answer.setTextFormat(Qt.TextFormat.RichText)
        self.answer.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        top = QHBoxLayout()
        settings = QWidget()
        settings.setLayout(form)
        top.addWidget(settings, 2)
        top.addWidget(self.answer, 3)
        self.chart = ThemedPlot()
        self.chart.setLabel("bottom", "months")
        self.chart.setLabel("left", "dollars spent")
        self.chart.addLegend(offset=(10, 10))
        self.chart.restyle()
        self.chart.setMinimumHeight(260)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        export = buttons.addButton("Export CSV…", QDialogButtonBox.ButtonRole.ActionRole)
        export.clicked.connect(lambda: self.export_csv())
        buttons.rejected.connect(self.reject)
        layout = QFormLayout(self)
        layout.addRow(top)
        layout.addRow(self.chart)
        layout.addRow(buttons)
        for spin in (self.life, self.utilisation, self.resale):
            spin.valueChanged.connect(self.update_plan)
        self.kind.currentIndexChanged.connect(self._fill_offers)
        self.offer.currentIndexChanged.connect(self.update_plan)
        self.plan: RentPlan | None = None
        self._fill_offers()

    def ownership(self) -> Ownership:
        return Ownership(
            life_years=self.life.value(),
            utilisation=self.utilisation.value() / 100,
            resale_share=self.resale.value() / 100,
        )

    def _fill_offers(self) -> None:
        gpus = self._document.assembly.gpus
        offers = offers_for(self._prices, gpus[0][0].id, self.kind.currentData()) if gpus else []
        self.offer.blockSignals(True)
        self.offer.clear()
        for offer in offers:
            mine = " (your price)" if offer.yours else ""
            self.offer.addItem(
                f"${offer.usd_per_gpu_hour:,.2f}/GPU-h — {offer.provider}, {offer.offer} "
                f"({offer.date}){mine}",
                offer,
            )
        yours = [i for i, o in enumerate(offers) if o.yours]
        self.offer.setCurrentIndex(yours[0] if yours else (len(offers) - 1) // 2)
        self.offer.blockSignals(False)
        self.update_plan()

    def update_plan(self) -> None:
        document = self._document
        offer = self.offer.currentData()
        self.plan = rent_plan(
            document.assembly,
            document.report,
            self._prices,
            self.ownership(),
            self.kind.currentData(),
            offer,
        )
        if self.plan is None:
            self.answer.setText("<p>Add a GPU to the build to compare it with renting.</p>")
            return
        self.answer.setText(plan_html(self.plan))
        self._draw(self.plan)

    def export_csv(self, path: Path | None = None) -> bool:
        """Write the comparison as CSV (asking where, beside the profile, unless given)."""
        from planner.io.csv_export import rent_csv, write_csv

        if self.plan is None:
            return False
        if path is None:
            start = self._document.path.parent if self._document.path else Path.home()
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Export buy or rent", str(start / "buy-or-rent.csv"), "CSV files (*.csv)"
            )
            if not chosen:
                return False
            path = Path(chosen)
        try:
            write_csv(path, rent_csv(self.plan))
        except OSError as error:
            QMessageBox.warning(self, "Could not export", f"{path}: {error}")
            return False
        return True

    def _draw(self, plan: RentPlan) -> None:
        self.chart.clear()
        comparison = plan.comparison
        months = list(range(int(comparison.ownership.life_years * 12) + 1))
        own, rent = comparison.cumulative(months)
        if plan.gpu_priced:  # without the GPUs' price, owning would read as almost free
            self.chart.plot(months, own, pen=pg.mkPen(OWN, width=2), name="own the build")
        if comparison.offer is not None:
            self.chart.plot(months, rent, pen=pg.mkPen(RENT, width=2), name="rent the GPUs")


def plan_html(plan: RentPlan) -> str:
    comparison = plan.comparison
    ownership = comparison.ownership
    offer = comparison.offer
    price = f"${comparison.price_usd:,.0f}" + (
        f" (+ {plural(plan.unpriced, 'part')} without a price)" if plan.unpriced else ""
    )
    lines = [
        f"<p>Owning {price}: <b>${comparison.own_usd_per_hour:,.2f}</b> per working hour "
        f"(the price less {ownership.resale_share:.0%} resale over "
        f"{ownership.busy_hours:,.0f} working hours, plus "
        f"${comparison.power_usd_per_hour:,.2f} of electricity).</p>"
        if plan.gpu_priced
        else f"<p>Owning: the {escape(plan.gpu_name)} has no price; the build's electricity "
        f"alone is ${comparison.power_usd_per_hour:,.2f} per working hour.</p>"
    ]
    if offer is None:
        lines.append(
            f"<p>No cloud offer in the table rents the {escape(plan.gpu_name)}; add your own "
            "quote to cloud-prices.toml in your data folder.</p>"
        )
        return "".join(lines)
    lines.append(
        f"<p>Renting {comparison.gpus} × {escape(plan.gpu_name)} at "
        f"${offer.usd_per_gpu_hour:,.2f} per GPU-hour ({escape(offer.provider)}, "
        f"{escape(offer.date)}): <b>${comparison.rent_usd_per_hour or 0:,.2f}</b> per hour.</p>"
    )
    words = plan.verdict()
    lines.append(f"<p><b>{escape(words[0].upper() + words[1:])}.</b></p>")
    rows = "".join(
        f"<tr><td>{escape(cost.name)}</td><td align='right'>{cost.hours:,.1f} h</td>"
        f"<td align='right'>${cost.own_usd:,.2f}</td>"
        f"<td align='right'>{'—' if cost.rent_usd is None else f'${cost.rent_usd:,.2f}'}</td></tr>"
        for cost in plan.costs
    )
    if rows:
        lines.append(
            "<table cellspacing='0' cellpadding='3'><tr><th align='left'>Run</th><th>Time</th>"
            f"<th>Owned</th><th>Rented</th></tr>{rows}</table>"
        )
    return "".join(lines)


def _spin(low: float, high: float, value: float, suffix: str, decimals: int) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(low, high)
    spin.setDecimals(decimals)
    spin.setValue(value)
    spin.setSuffix(suffix)
    spin.setKeyboardTracking(False)
    return spin
