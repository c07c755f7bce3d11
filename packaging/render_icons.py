"""Render the application icon from resources/icons/rig-planner.svg (a developer tool).

Writes the PNG sizes of the freedesktop icon theme under
resources/icons/hicolor/<N>x<N>/apps/<APP_ID>.png, which the window and the Linux desktop
integration use, plus <APP_ID>.ico (Windows) and <APP_ID>.icns (macOS), made of the same
PNGs, for the bundle's executable. Run it again after changing the SVG, and commit what it writes:

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/render_icons.py
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planner import APP_ID  # noqa: E402  (the checkout's package, not an installed one)

ICONS = ROOT / "resources" / "icons"
SOURCE = ICONS / "rig-planner.svg"
SIZES = (16, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 32, 48, 256)
# Apple's icon types that hold a PNG of the given size.
ICNS_TYPES = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09"}


def png_path(size: int) -> Path:
    return ICONS / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def ico(pngs: dict[int, bytes]) -> bytes:
    """A Windows icon holding the PNGs (Vista and later read PNG entries)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, images = b"", b""
    for size, data in sorted(pngs.items()):
        side = 0 if size >= 256 else size  # 0 stands for 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        images += data
        offset += len(data)
    return header + entries + images


def icns(pngs: dict[int, bytes]) -> bytes:
    """A macOS icon family holding the PNGs."""
    body = b"".join(
        ICNS_TYPES[size] + struct.pack(">I", 8 + len(data)) + data
        for size, data in sorted(pngs.items())
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"render_icons: cannot read {SOURCE}", file=sys.stderr)
        return 1

    def render(size: int) -> QImage:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        return image

    pngs: dict[int, bytes] = {}
    for size in SIZES:
        path = png_path(size)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not render(size).save(str(path), "PNG"):
            print(f"render_icons: cannot write {path}", file=sys.stderr)
            return 1
        pngs[size] = path.read_bytes()
        print(f"{path.relative_to(ROOT)}  {size}x{size}")
    for path, data in (
        (ICONS / f"{APP_ID}.ico", ico({size: pngs[size] for size in ICO_SIZES})),
        (ICONS / f"{APP_ID}.icns", icns({size: pngs[size] for size in ICNS_TYPES})),
    ):
        path.write_bytes(data)
        print(f"{path.relative_to(ROOT)}  {len(data)} bytes")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
