"""A drawing of the board's expansion slots with each GPU where the planner placed it."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from planner.core.parts import Gpu, Motherboard
from planner.core.pcie import GpuPlacement, SlotLayout

ROW = 22
LEFT = 34


class SlotDiagram(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("slotDiagram")
        self._board: Motherboard | None = None
        self._layout: SlotLayout | None = None
        self._names: dict[str, str] = {}
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

    def set_layout(
        self, board: Motherboard | None, layout: SlotLayout | None, gpus: dict[str, Gpu]
    ) -> None:
        self._board = board
        self._layout = layout
        self._names = {
            part_id: gpu.display_name.replace("NVIDIA ", "") for part_id, gpu in gpus.items()
        }
        self.setMinimumHeight(self._rows() * ROW + 2 * ROW)
        self.updateGeometry()
        self.update()

    def gpu_labels(self) -> list[str]:
        """The text on each placed card, top slot first."""
        return [self._card_label(p) for p in (self._layout.gpus if self._layout else ())]

    def _card_rects(self, slot_area: float, width: float) -> list[tuple[GpuPlacement, QRectF]]:
        """Where each card is drawn: seated cards down the openings they cover; cards on
        risers in their slot's row, side by side when an adapter splits the slot."""
        placements = self._layout.gpus if self._layout else ()
        per_row: dict[int, list[GpuPlacement]] = {}
        for placement in placements:
            per_row.setdefault(placement.position, []).append(placement)
        left, span = LEFT + slot_area + 6, width - slot_area - 6
        rects = []
        for placement in placements:
            top = (placement.position - 1) * ROW + 2
            height = (placement.last_position - placement.position + 1) * ROW - 4
            sharing = per_row[placement.position]
            share = span / len(sharing)
            x = left + sharing.index(placement) * share
            rects.append(
                (placement, QRectF(x, top, share - (2 if len(sharing) > 1 else 0), height))
            )
        return rects

    def _card_label(self, placement: GpuPlacement) -> str:
        name = self._names.get(placement.part_id, placement.part_id)
        if placement.riser:
            return f"Gen{placement.link_gen} x{placement.link_width} riser · {name}"
        return (
            f"{name}\nPCIe {placement.link_gen}.0 x{placement.link_width} · "
            f"{placement.bandwidth_gbs:.1f} GB/s"
        )

    def _rows(self) -> int:
        if self._board is None:
            return 1
        positions = max(slot.position for slot in self._board.pcie_slots)
        limit = self._layout.case_slots if self._layout else 7
        lowest = max((p.last_position for p in self._layout.gpus), default=0) if self._layout else 0
        return max(positions, limit, lowest)

    def sizeHint(self) -> QSize:
        return QSize(420, self._rows() * ROW + 2 * ROW)

    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.85))
        painter.setFont(small)
        if self._board is None:
            painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter, "Choose a motherboard to see its slots"
            )
            return
        width = self.width() - LEFT - 8
        slot_area = width * 0.46
        self._paint_rows(painter, width)
        self._paint_slots(painter, self._board, slot_area)
        self._paint_cards(painter, slot_area, width)
        self._paint_footer(painter, width)

    def _paint_rows(self, painter: QPainter, width: int) -> None:
        """Position numbers down the bracket, covered openings shaded, those past the case red."""
        layout = self._layout
        case_slots = layout.case_slots if layout else 7
        mid = self.palette().color(QPalette.ColorRole.Mid)
        covered = {
            position
            for placement in (layout.gpus if layout else ())
            for position in range(placement.position, placement.last_position + 1)
        }
        for position in range(1, self._rows() + 1):
            top = (position - 1) * ROW
            painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
            painter.drawText(
                QRectF(0, top, LEFT - 6, ROW),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                str(position),
            )
            if position in covered:
                painter.fillRect(QRectF(LEFT, top + 1, width, ROW - 2), mid.lighter(115))
            if position > case_slots:
                painter.fillRect(QRectF(LEFT, top + 1, width, ROW - 2), QColor(200, 60, 60, 60))

    def _paint_slots(self, painter: QPainter, board: Motherboard, slot_area: float) -> None:
        """Each slot drawn to its mechanical length, with its generation and working width."""
        layout = self._layout
        text = self.palette().color(QPalette.ColorRole.WindowText)
        base = self.palette().color(QPalette.ColorRole.Base)
        for slot in board.pcie_slots:
            top = (slot.position - 1) * ROW + 5
            share = 0.32 if slot.mechanical == 16 else 0.16 if slot.mechanical >= 4 else 0.08
            length = slot_area * share
            effective = (
                layout.slot_widths.get(slot.name, slot.electrical) if layout else slot.electrical
            )
            painter.setPen(QPen(text, 1))
            painter.setBrush(base)
            painter.drawRoundedRect(QRectF(LEFT + 4, top, length, ROW - 10), 3, 3)
            label = f"{slot.name}  Gen{slot.gen} x{effective if effective else 0}"
            label += "" if effective else " (off)"
            if slot.lanes_from == "chipset":
                label += " · chipset"
            painter.drawText(
                QRectF(LEFT + length + 10, top - 4, slot_area - length - 10, ROW),
                Qt.AlignmentFlag.AlignVCenter,
                label,
            )

    def _paint_cards(self, painter: QPainter, slot_area: float, width: int) -> None:
        """Seated cards solid; cards on risers dashed, one line each."""
        palette = self.palette()
        highlight = palette.color(QPalette.ColorRole.Highlight)
        for placement, card in self._card_rects(slot_area, width):
            fill = QColor(highlight)
            fill.setAlpha(120 if placement.riser else 200)
            painter.setBrush(fill)
            if placement.riser:  # a dashed outline in the text colour shows on either theme
                text = palette.color(QPalette.ColorRole.WindowText)
                painter.setPen(QPen(text, 1, Qt.PenStyle.DashLine))
            else:
                painter.setPen(QPen(highlight.darker(130), 1))
            painter.drawRoundedRect(card, 4, 4)
            painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
            text_box = card.adjusted(6, 0, -6, 0)
            label = self._card_label(placement)
            metrics = painter.fontMetrics()
            if not placement.riser and card.height() < 2 * metrics.height():
                label = label.replace("\n", " · ")  # a single-slot card: one line
            if placement.riser or "\n" not in label:  # one line in one row, elided
                label = metrics.elidedText(
                    label, Qt.TextElideMode.ElideRight, int(text_box.width())
                )
            painter.drawText(
                text_box, Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap, label
            )

    def _paint_footer(self, painter: QPainter, width: int) -> None:
        """The bottom of the case, with what did not fit and what stands elsewhere."""
        layout = self._layout
        case_slots = layout.case_slots if layout else 7
        painter.setPen(QPen(QColor(200, 60, 60), 2, Qt.PenStyle.DashLine))
        bottom = case_slots * ROW
        painter.drawLine(LEFT, bottom, LEFT + width, bottom)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        note = f"bottom of the case ({case_slots} expansion slots)"
        if layout and layout.unplaced_gpus:
            note += (
                f" · no room for: {', '.join(self._names.get(i, i) for i in layout.unplaced_gpus)}"
            )
        if layout and any(placement.riser for placement in layout.gpus):
            note += " · dashed: on a riser (the card stands on the frame or a vertical mount)"
        if layout and layout.sxm_gpus:
            modules = ", ".join(self._names.get(i, i) for i in layout.sxm_gpus)
            note += f" · SXM modules (HGX/DGX baseboard only): {modules}"
        painter.drawText(QRectF(LEFT, bottom + 2, width, ROW), Qt.AlignmentFlag.AlignLeft, note)
