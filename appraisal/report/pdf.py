"""A statement (绩效单) as a one-page A4 PDF, drawn with reportlab.

Chinese renders on any machine, with no CJK font installed: the text uses Adobe's standard CID
font STSong-Light (UniGB-UCS2-H encoding), which every PDF viewer supplies, so nothing is
embedded. The page is drawn from the statement's layout (`report.statements.Statement`): the
same rows and grid as the xlsx file, numbers right-aligned, the text each cell shows. Rows
that would not fit are set closer together, so a statement is always one page. Written with
reportlab's `invariant` mode and the period's timestamp: the same statement gives the same
bytes.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import TYPE_CHECKING

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

if TYPE_CHECKING:
    from ..columns import Language
    from .statements import Statement

__all__ = ["FONT", "statement_pdf"]

FONT = "STSong-Light"
_PAGE_WIDTH, _PAGE_HEIGHT = A4
_LEFT, _RIGHT, _TOP, _BOTTOM = 40.0, 40.0, 44.0, 44.0
_PAD = 2.5
_HEIGHTS = {"title": 22.0, "section": 17.0, "header": 14.0, "data": 12.5, "total": 13.5,
            "note": 10.5, "blank": 6.0}
_SIZES = {"title": 15.0, "section": 10.5, "header": 7.5, "header_num": 7.5, "note": 6.8,
          "total_label": 8.6, "total": 8.6}
_SIZE = 8.2
_MIN_SIZE = 5.0
_RIGHT_ALIGNED = frozenset({"money_cents", "score", "ratio", "weight", "coefficient", "count",
                            "number", "total", "header_num"})
_HEADER_FILL = (0.867, 0.898, 0.941)  # DDE5F0, as the workbook's header
_RULE = (0.5, 0.5, 0.5)
_NOTE = (0.35, 0.35, 0.35)


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _grid() -> list[float]:
    """Left edge of each grid column on the page, plus the right margin."""
    from .statements import GRID_WIDTHS

    usable = _PAGE_WIDTH - _LEFT - _RIGHT
    total = sum(GRID_WIDTHS)
    edges = [_LEFT]
    for width in GRID_WIDTHS:
        edges.append(edges[-1] + usable * width / total)
    return edges


def statement_pdf(statement: Statement, stamp: datetime, language: Language) -> bytes:
    """The statement as a one-page A4 PDF, as bytes."""
    font = _font()
    edges = _grid()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1,
                         initialFontName=font, initialFontSize=_SIZE,
                         lang="zh-CN" if language == "zh" else "en")
    page.setTitle(f"{statement.title} {statement.manager_id} {statement.name}".strip())
    page.setAuthor("appraise")
    page.setCreator("appraise")
    page.setSubject(stamp.date().isoformat())
    available = _PAGE_HEIGHT - _TOP - _BOTTOM
    needed = sum(_HEIGHTS[row.kind] for row in statement.rows)
    scale = min(1.0, available / needed) if needed else 1.0
    y = _PAGE_HEIGHT - _TOP
    text = page.beginText()
    width = pdfmetrics.stringWidth
    current = 0.0
    for row in statement.rows:
        height = _HEIGHTS[row.kind] * scale
        top, y = y, y - height
        baseline = y + height * 0.28
        if row.kind == "header":
            page.setFillColorRGB(*_HEADER_FILL)
            page.rect(_LEFT, y, edges[-1] - _LEFT, height, stroke=0, fill=1)
            page.setFillColorRGB(0, 0, 0)
        elif row.kind == "section":
            page.setStrokeColorRGB(*_RULE)
            page.setLineWidth(0.6)
            page.line(_LEFT, y + 1.0, edges[-1], y + 1.0)
        elif row.kind == "total":
            page.setStrokeColorRGB(*_RULE)
            page.setLineWidth(0.4)
            page.line(_LEFT, top - 0.5, edges[-1], top - 0.5)
        for index, cell in enumerate(row.cells):
            if not cell.shown:
                continue
            size = _SIZES.get(cell.style, _SIZE) * (scale if scale < 1.0 else 1.0)
            left = edges[cell.column] + _PAD
            if cell.style in _RIGHT_ALIGNED:
                right = edges[cell.column + 1] - _PAD
            else:  # text may run on over the empty columns up to the next cell
                following = [c.column for c in row.cells[index + 1:] if c.shown]
                right = (edges[following[0]] if following else edges[-1]) - _PAD
            if cell.style in ("title", "note", "section"):
                right = edges[-1]
            shown = cell.shown
            aligned_right = cell.style in _RIGHT_ALIGNED
            # no glyph is wider than 1 em: short left-aligned text needs no measuring
            if aligned_right or len(shown) * size > right - left:
                drawn = width(shown, font, size)
                if drawn > right - left:
                    size = max(_MIN_SIZE, size * (right - left) / drawn)
                    drawn = width(shown, font, size)
                x = right - drawn if aligned_right else left
            else:
                x = left
            if size != current:
                text.setFont(font, size)
                current = size
            if cell.style == "note":
                text.setFillColorRGB(*_NOTE)
            text.setTextOrigin(x, baseline)
            text.textOut(shown)
            if cell.style == "note":
                text.setFillColorRGB(0, 0, 0)
    page.drawText(text)
    page.showPage()
    page.save()
    return buffer.getvalue()
