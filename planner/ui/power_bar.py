"""The power budget as one bar: sustained draw against the PSU, coloured by verdict."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

VERDICT_COLORS = {
    "fine": QColor(46, 160, 90),
    "tight": QColor(230, 126, 34),
    "over": QColor(200, 60, 60),
    "none": QColor(52, 120, 200),
}


class PowerBar(QWidget):
    """Painted on demand (unlike QProgressBar, which repaints at once on every value)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("powerBar")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._fraction = 0.0
        self._text = ""
        self._verdict = "none"

    def set_budget(self, watts: float, scale: float, text: str, verdict: str) -> None:
        fraction = max(0.0, min(1.0, watts / scale)) if scale > 0 else 0.0
        if (fraction, text, verdict) != (self._fraction, self._text, self._verdict):
            self._fraction, self._text, self._verdict = fraction, text, verdict
            self.setToolTip(text)
            self.update()

    def text(self) -> str:
        return self._text

    def fraction(self) -> float:
        return self._fraction

    def verdict(self) -> str:
        return self._verdict

    def sizeHint(self) -> QSize:
        return QSize(300, self.fontMetrics().height() + 10)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(rect, 3, 3)
        filled = QRectF(rect.x(), rect.y(), rect.width() * self._fraction, rect.height())
        color = QColor(VERDICT_COLORS[self._verdict])
        color.setAlpha(170)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(filled, 3, 3)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self._text)
