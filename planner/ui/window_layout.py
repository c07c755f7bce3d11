"""How the main window shares its space: most of the screen at first start, the width
split between catalog, build and findings and the height between the build and the
workloads, the layout the user left restored, and the workloads' share of the height kept
when the window is resized (Qt would give all of the change to the build)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow

from planner.ui.session import Settings

SIDE_SHARES = (0.3, 0.24)  # catalog, findings: of the window's width
BOTTOM_SHARE = 0.36  # workloads and charts: of the window's height


class DockLayout(QObject):
    def __init__(
        self,
        window: QMainWindow,
        sides: tuple[QDockWidget, QDockWidget],
        bottom: QDockWidget,
        settings: Settings,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._sides = sides
        self._bottom = bottom
        self._settings = settings
        self._sized = False
        window.installEventFilter(self)

    def restore(self) -> None:
        """Geometry and dock layout as the user left them; on a first start, most of the
        screen (Qt would open at about two thirds, cutting columns), centred."""
        window = self._window
        geometry, state = self._settings.geometry(), self._settings.window_state()
        if geometry is None or not window.restoreGeometry(geometry):
            screen = window.screen().availableGeometry()
            width = min(screen.width(), max(1024, int(screen.width() * 0.9)))
            height = min(screen.height(), max(640, int(screen.height() * 0.9)))
            window.resize(width, height)
            window.move(screen.center() - window.rect().center())
        if state is not None and window.restoreState(state):
            self._sized = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window:
            if event.type() == QEvent.Type.Show and not self._sized:
                self._sized = True
                QTimer.singleShot(0, self.share_space)
            elif event.type() == QEvent.Type.Resize and isinstance(event, QResizeEvent):
                self._keep_bottom_share(event)
        return False

    def share_space(self) -> None:
        window = self._window
        width, height = window.width(), window.height()
        widths = [int(width * share) for share in SIDE_SHARES]
        window.resizeDocks(list(self._sides), widths, Qt.Orientation.Horizontal)
        window.resizeDocks([self._bottom], [int(height * BOTTOM_SHARE)], Qt.Orientation.Vertical)

    def _keep_bottom_share(self, event: QResizeEvent) -> None:
        old, new = event.oldSize().height(), event.size().height()
        if old <= 0 or old == new or not self._bottom.isVisible() or self._bottom.isFloating():
            return
        share = self._bottom.height() / old
        height = int(new * share)
        QTimer.singleShot(
            0,
            lambda: self._window.resizeDocks([self._bottom], [height], Qt.Orientation.Vertical),
        )
