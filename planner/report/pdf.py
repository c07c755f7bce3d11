"""HTML and chart images laid out with QTextDocument and printed to PDF with QPdfWriter:
real, selectable text; A4 or Letter; page numbers in the footer."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    QMarginsF,
    QRectF,
    QSizeF,
    Qt,
    QUrl,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextBlock,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextFrame,
)

from planner import APP_NAME, __version__
from planner.io.atomic import write_atomic

PAPERS = {"a4": QPageSize.PageSizeId.A4, "letter": QPageSize.PageSizeId.Letter}
RESOLUTION = 300
MARGINS_MM = QMarginsF(16, 14, 16, 12)
# Width of the text area in the 96-per-inch pixels QTextDocument sizes images in.
CSS_DPI = 96

STYLE = """
body { font-size: 9pt; color: #222; }
h1 { font-size: 17pt; margin-bottom: 2pt; }
h2 { font-size: 12.5pt; margin-top: 14pt; margin-bottom: 4pt; color: #1d4f91; }
h3 { font-size: 10.5pt; margin-top: 10pt; margin-bottom: 3pt; }
p { margin-top: 2pt; margin-bottom: 4pt; }
table { border-collapse: collapse; margin-top: 2pt; margin-bottom: 6pt; }
th { background-color: #e8eef6; text-align: left; font-weight: bold; }
td, th { border: 1px solid #c8ccd2; }
td.num, th.num { text-align: right; }
tr.total td { font-weight: bold; background-color: #f3f3f3; }
td.best { background-color: #d7f0dc; font-weight: bold; }
td.error { color: #b02a2a; font-weight: bold; }
td.warning { color: #a65f00; font-weight: bold; }
td.note { color: #3a6ea5; }
td.same { color: #8a8a8a; }
td.plain { border-width: 0; }
td.section { background-color: #e8eef6; }
.muted { color: #666; }
.small { font-size: 7.5pt; }
"""


_application: list[QGuiApplication] = []  # kept alive for the life of the process


def ensure_gui_application() -> None:
    """Painting text needs a QGuiApplication; headless commands make an offscreen one."""
    if QCoreApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _application.append(QGuiApplication([APP_NAME]))


def page_layout(paper: str, landscape: bool = False) -> QPageLayout:
    if paper not in PAPERS:
        raise ValueError(f"unknown paper size '{paper}' (choose from {', '.join(PAPERS)})")
    orientation = (
        QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    )
    return QPageLayout(
        QPageSize(PAPERS[paper]), orientation, MARGINS_MM, QPageLayout.Unit.Millimeter
    )


def text_width_px(paper: str, landscape: bool = False) -> int:
    """The width of the text area, in the pixels <img width=...> is measured in."""
    rect = page_layout(paper, landscape).paintRect(QPageLayout.Unit.Inch)
    return int(rect.width() * CSS_DPI)


def render_pdf(
    html: str,
    images: Mapping[str, QImage],
    title: str,
    paper: str = "a4",
    landscape: bool = False,
) -> tuple[bytes, int]:
    """The PDF bytes and the page count."""
    ensure_gui_application()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(page_layout(paper, landscape))
    writer.setTitle(title)
    writer.setCreator(f"{APP_NAME} {__version__}")

    area = writer.pageLayout().paintRectPixels(RESOLUTION)
    footer_font = QFont()
    footer_font.setPointSizeF(7.5)
    footer_h = QFontMetricsF(footer_font, writer).height() * 2.2
    page = QSizeF(area.width(), area.height() - footer_h)

    document = _lay_out(html, images, writer, page)
    keep_together(document, page.height())
    printed = pages_with_content(document, page.height())
    pages = len(printed)

    painter = QPainter(writer)
    for number, index in enumerate(printed):
        if number:
            writer.newPage()
        painter.save()
        painter.translate(0, -index * page.height())
        # One device pixel short of the next page: a block that starts exactly there
        # belongs to that page and must not also be painted (and extracted) here.
        document.drawContents(
            painter, QRectF(0, index * page.height(), page.width(), page.height() - 1)
        )
        painter.restore()
        painter.setFont(footer_font)
        painter.setPen(QColor(110, 110, 110))
        footer = QRectF(0, area.height() - footer_h * 0.6, area.width(), footer_h * 0.6)
        painter.drawText(footer, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, title)
        painter.drawText(
            footer,
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
            f"page {number + 1} of {pages}",
        )
    painter.end()
    buffer.close()
    return bytes(data.data()), pages


def pages_with_content(document: QTextDocument, page_height: float) -> list[int]:
    """The indexes of the pages something is drawn on. A heading moved to the next page
    exactly at a page boundary can leave the page before it empty (Qt breaks once for the
    boundary and once for the forced break); an empty page is not printed."""
    layout = document.documentLayout()
    used: set[int] = set()
    block = document.begin()
    while block.isValid():
        if block.text().strip():
            rect = layout.blockBoundingRect(block)
            first = int((rect.top() + 1) // page_height)
            last = int(max(rect.top() + 1, rect.bottom() - 1) // page_height)
            used.update(range(first, last + 1))
        block = block.next()
    return sorted(used) or [0]


IMAGE_CHARACTER = "\ufffc"
KEEP_WITH_NEXT = 0.12  # a heading this close to the page bottom moves to the next page
MAX_MOVES = 60


def _lay_out(
    html: str, images: Mapping[str, QImage], device: QPdfWriter, page: QSizeF
) -> QTextDocument:
    document = QTextDocument()
    document.documentLayout().setPaintDevice(device)
    document.setDocumentMargin(0)
    document.setPageSize(page)
    font = QFont()
    font.setPointSizeF(9)
    # No ligatures: "fits" must stay four letters for anyone searching or copying the text.
    font.setStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
    document.setDefaultFont(font)
    document.setDefaultStyleSheet(STYLE)
    for name, image in images.items():
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
    document.setHtml(html)
    return document


def keep_together(document: QTextDocument, page_height: float) -> int:
    """Move images that a page break would cut through, tables of images (a workload's
    charts side by side) with the heading above them, and headings left alone at the
    bottom of a page, to the next page; returns how many moved. Each move changes the
    layout after it, so the walk resumes from the moved block."""
    layout = document.documentLayout()
    moves = 0
    block = document.begin()
    while block.isValid() and moves < MAX_MOVES:
        frame = QTextCursor(block).currentFrame()
        if frame.format().isTableFormat():
            # A table of images moves as a whole, with the heading above it.
            if _has_image(document, frame) and _move_table(document, frame, page_height):
                moves += 1
            block = document.findBlock(frame.lastPosition()).next()
            continue
        image = IMAGE_CHARACTER in block.text()
        heading = block.blockFormat().headingLevel() > 0
        if (image or heading) and _cut(layout.blockBoundingRect(block), page_height, image):
            _break_before(document, block)
            moves += 1
        block = block.next()
    return moves


def _move_table(document: QTextDocument, frame: QTextFrame, page_height: float) -> bool:
    """Start a page with the table (and its heading) when a page break runs through it
    or when the layout has already pushed it past its heading; True when moved."""
    layout = document.documentLayout()
    rect = layout.frameBoundingRect(frame)
    headings = []  # the workload's heading, and a section heading right above it
    above = document.findBlock(frame.firstPosition() - 1)
    while above.isValid() and above.blockFormat().headingLevel() > 0:
        headings.append(above)
        above = above.previous()
    heading = headings[-1] if headings else None
    if heading is not None:
        heading_rect = layout.blockBoundingRect(heading)
        parted = int(heading_rect.top() // page_height) != int(rect.top() // page_height)
        if (parted or _cut(rect, page_height, image=True)) and heading_rect.top() % page_height > 1:
            for below in headings[:-1]:  # an earlier move may have put a break between them
                _break_before(document, below, QTextFormat.PageBreakFlag.PageBreak_Auto)
            _break_before(document, heading)
            return True
        return False
    if not _cut(rect, page_height, image=True):
        return False
    table_format = frame.frameFormat()
    table_format.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
    frame.setFrameFormat(table_format)
    start = frame.firstPosition()
    document.markContentsDirty(start, document.characterCount() - start)
    return True


def _cut(rect: QRectF, page_height: float, image: bool) -> bool:
    """Whether a page break runs through `rect` (an image or table), or leaves `rect` (a
    heading) too close to the bottom of its page; never for what starts a page or could
    not fit on one anyway."""
    page_end = (int(rect.top() // page_height) + 1) * page_height
    cut = (
        rect.bottom() > page_end + 0.5
        if image
        else page_end - rect.bottom() < page_height * KEEP_WITH_NEXT
    )
    return cut and rect.height() < page_height and rect.top() % page_height > 1


def _break_before(
    document: QTextDocument,
    block: QTextBlock,
    policy: QTextFormat.PageBreakFlag = QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore,
) -> None:
    form = QTextBlockFormat()
    form.setPageBreakPolicy(policy)
    QTextCursor(block).mergeBlockFormat(form)
    # Lay out everything after it again: tables and images that follow are not always
    # moved along by the incremental layout.
    start = block.position()
    document.markContentsDirty(start, document.characterCount() - start)


def _has_image(document: QTextDocument, frame: QTextFrame) -> bool:
    block = document.findBlock(frame.firstPosition())
    while block.isValid() and block.position() <= frame.lastPosition():
        if IMAGE_CHARACTER in block.text():
            return True
        block = block.next()
    return False


def write_pdf(path: Path, pdf: bytes) -> None:
    """Save atomically: an export never leaves a half-written file over an older one."""
    write_atomic(Path(path), pdf)
