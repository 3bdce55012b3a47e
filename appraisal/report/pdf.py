"""A statement (绩效单) as a one-page A4 PDF, written directly: a small PDF writer for our layout.

Chinese renders on any machine, with no CJK font installed: the text uses Adobe's standard CID
font STSong-Light (UniGB-UCS2-H encoding: each character its UCS-2 code, big-endian), which
PDF viewers supply, so nothing is embedded. The page is drawn from the statement's layout
(`report.statements.Statement`, whatever rows and cells it holds): the same rows and grid as
the xlsx file, numbers right-aligned, the text each cell shows; header rows shaded, a rule
under section titles and above totals. Rows that would not fit are set closer together, so a
statement is always one page.

The file (PDF 1.4) has eight objects, in this order: 1 catalog, 2 page tree, 3 the page,
4 its content stream (Flate-compressed text and line operators), 5 the Type0 font
STSong-Light / UniGB-UCS2-H, 6 its CIDFontType0 descendant (Adobe-GB1, widths of the Latin
characters as reportlab's metrics give them), 7 the font descriptor (no font file), 8 the
document information (title, author, the period's date as creation date). Every object but the
page's content and the title is the same for every statement, rendered once per process; the
cross-reference table holds the exact byte offsets. No clock and no random id: the document
id is the MD5 of the content, so the same statement gives the same bytes.

Widths for measuring text come from reportlab's metrics of STSong-Light (`UnicodeCIDFont`),
so text is placed as reportlab placed it; reportlab itself draws nothing here.
"""

from __future__ import annotations

import functools
import hashlib
import zlib
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from reportlab.lib.pagesizes import A4

if TYPE_CHECKING:
    from ..columns import Language
    from .statements import Statement

__all__ = ["ENCODING", "FONT", "MISSING_MARK", "statement_pdf", "unprintable"]

FONT = "STSong-Light"
ENCODING = "UniGB-UCS2-H"
_PAGE_WIDTH, _PAGE_HEIGHT = A4
_LEFT, _RIGHT, _TOP, _BOTTOM = 40.0, 40.0, 44.0, 44.0
_PAD = 2.5
_HEIGHTS = {"title": 22.0, "section": 17.0, "header": 14.0, "data": 12.5, "total": 13.5,
            "note": 10.5, "blank": 6.0}
_SIZES = {"title": 15.0, "section": 10.5, "header": 7.5, "header_num": 7.5, "note": 6.8,
          "total_label": 8.6, "total": 8.6}
_DATA_HEIGHT = _HEIGHTS["data"]  # a row kind the renderer does not know is set as data
_SIZE = 8.2
_MIN_SIZE = 5.0
_RIGHT_ALIGNED = frozenset({"money_cents", "score", "ratio", "weight", "coefficient", "count",
                            "number", "total", "header_num"})
_FULL_WIDTH = frozenset({"title", "note", "section"})
_HEADER_FILL = "0.867 0.898 0.941 rg"  # DDE5F0, as the workbook's header
_RULE = "0.5 0.5 0.5 RG"
_NOTE = "0.35 0.35 0.35 rg"
_BLACK = "0 0 0 rg"
_COMPRESSION = 1  # fast; the page compresses 13.6 KB to 3.5 KB (level 6: 2.8 KB, 2.6x the time)


@functools.cache
def _latin_widths() -> dict[str, int]:
    """Advance widths (1/1000 em) of the characters STSong-Light sets narrower than 1 em (the
    printable ASCII range), from reportlab's metrics; every other character is 1 em."""
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    return dict(UnicodeCIDFont(FONT).unicodeWidths)


@functools.lru_cache(maxsize=65536)
def _units(text: str) -> int:
    """Width of `text` in 1/1000 em."""
    widths = _latin_widths()
    return sum([widths.get(ch, 1000) for ch in _drawn(text)])


_MAPPED_OUTSIDE_GBK = frozenset("€¥")
"""Outside Python's GBK codec but in Adobe-GB1 (drawn by a viewer, seen with poppler)."""


@functools.lru_cache(maxsize=65536)
def _printable(character: str) -> bool:
    """Whether STSong-Light (Adobe-GB1) has a glyph for `character` through UniGB-UCS2-H, on
    every viewer: a character of GBK (what every Chinese font covers). CJK Extension A (GB
    18030) is mapped, but a viewer's substitute font may lack it (poppler's does: a box); a
    rarer character (Extension B and beyond, 𬍛 in a name) has no glyph: a viewer draws
    a box or another character in its place."""
    code = ord(character)
    if code < 0x80 or character in _MAPPED_OUTSIDE_GBK:
        return True
    try:
        character.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


_STAND_INS = {"\u2212": "-", "\u2022": "·", "\u00a0": " "}
"""Characters the font lacks that have an equal it has (the minus sign of the formula lines)."""
MISSING_MARK = "〓"
"""Printed for a character the font has no glyph for (the typesetter's mark for a missing
character): never the wrong glyph a viewer would pick, nor a blank."""


@functools.lru_cache(maxsize=65536)
def _drawn(text: str) -> str:
    """`text` as the page prints it: each character the font lacks by its equal, else 〓."""
    if all(_printable(ch) for ch in text):
        return text
    return "".join(ch if _printable(ch) else _STAND_INS.get(ch, MISSING_MARK) for ch in text)


def unprintable(statement: Statement) -> str:
    """The characters of the statement's texts that its PDF prints as 〓 (each once, in the
    order they first appear); empty when every one shows."""
    seen = dict.fromkeys("".join(cell.shown for row in statement.rows for cell in row.cells))
    return "".join(ch for ch in seen
                   if not ch.isspace() and not _printable(ch) and ch not in _STAND_INS)


@functools.lru_cache(maxsize=65536)
def _hex(text: str) -> str:
    """`text` as a PDF hex string of UCS-2 codes (the UniGB-UCS2-H encoding)."""
    return f"<{_drawn(text).encode('utf-16-be', 'replace').hex().upper()}>"


@functools.cache
def _grid() -> tuple[float, ...]:
    """Left edge of each grid column on the page, plus the right margin."""
    from .statements import GRID_WIDTHS

    usable = _PAGE_WIDTH - _LEFT - _RIGHT
    total = sum(GRID_WIDTHS)
    edges = [_LEFT]
    for width in GRID_WIDTHS:
        edges.append(edges[-1] + usable * width / total)
    return tuple(edges)


def _content(statement: Statement) -> str:
    """The page's operators: shading and rules first, then one text object for every cell."""
    edges = _grid()
    right_margin = edges[-1]
    heights, sizes, units, hexed = _HEIGHTS, _SIZES, _units, _hex
    available = _PAGE_HEIGHT - _TOP - _BOTTOM
    needed = sum([heights.get(row.kind, _DATA_HEIGHT) for row in statement.rows])
    scale = min(1.0, available / needed) if needed else 1.0
    drawing: list[str] = []
    text = ["BT"]
    add = text.append
    y = _PAGE_HEIGHT - _TOP
    current = 0.0
    for kind, row_cells in statement.rows:
        height = heights.get(kind, _DATA_HEIGHT) * scale
        top, y = y, y - height
        if kind == "header":
            drawing.append(f"{_HEADER_FILL} {_LEFT:.2f} {y:.2f} {right_margin - _LEFT:.2f} "
                           f"{height:.2f} re f {_BLACK}")
        elif kind == "section":
            drawing.append(f"{_RULE} 0.6 w {_LEFT:.2f} {y + 1.0:.2f} m {right_margin:.2f} "
                           f"{y + 1.0:.2f} l S")
        elif kind == "total":
            drawing.append(f"{_RULE} 0.4 w {_LEFT:.2f} {top - 0.5:.2f} m {right_margin:.2f} "
                           f"{top - 0.5:.2f} l S")
        cells = [cell for cell in row_cells if cell.shown]
        if not cells:
            continue
        baseline = f" {y + height * 0.28:.2f} Tm "
        last = len(cells) - 1
        for index, (column, _, style, shown) in enumerate(cells):
            size = sizes.get(style, _SIZE) * scale
            left = edges[column] + _PAD
            aligned_right = style in _RIGHT_ALIGNED
            if style in _FULL_WIDTH:
                right = right_margin
            elif aligned_right:
                right = edges[column + 1] - _PAD
            else:  # text may run on over the empty columns up to the next cell
                right = (edges[cells[index + 1].column] if index < last else right_margin) - _PAD
            # no glyph is wider than 1 em: short left-aligned text needs no measuring
            if aligned_right or len(shown) * size > right - left:
                drawn = size * 0.001 * units(shown)
                if drawn > right - left:
                    size = max(_MIN_SIZE, size * (right - left) / drawn)
                    drawn = size * 0.001 * units(shown)
                x = right - drawn if aligned_right else left
            else:
                x = left
            if size != current:
                add(f"/F1 {size:.2f} Tf")
                current = size
            if style == "note":
                add(f"{_NOTE} 1 0 0 1 {x:.2f}{baseline}{hexed(shown)} Tj {_BLACK}")
            else:
                add(f"1 0 0 1 {x:.2f}{baseline}{hexed(shown)} Tj")
    add("ET")
    return "\n".join(drawing + text)


def _date(stamp: datetime) -> str:
    return stamp.strftime("D:%Y%m%d%H%M%S+00'00'")


def _starts(block: str) -> tuple[int, ...]:
    """Byte offsets of the objects ("N 0 obj") within a block of ASCII objects."""
    starts, position = [], 0
    for line in block.splitlines(keepends=True):
        if line.endswith(" 0 obj\n"):
            starts.append(position)
        position += len(line)
    return tuple(starts)


class _Fixed(NamedTuple):
    """What every statement of a run shares: the header, objects 1-3 and 5-7 with their
    offsets within their blocks, and the information dictionary's fixed part."""

    signature: bytes
    head: bytes
    head_starts: tuple[int, ...]
    fonts: bytes
    font_starts: tuple[int, ...]
    info: bytes


@functools.lru_cache(maxsize=8)
def _fixed_objects(stamp: datetime, language: Language) -> _Fixed:
    """Catalog, page tree, page and fonts (objects 1-3 and 5-7), rendered once."""
    lang = "zh-CN" if language == "zh" else "en"
    widths = _latin_widths()
    latin = " ".join(str(widths.get(chr(code), 1000)) for code in range(0x20, 0x7F))
    head = (
        f"1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Lang ({lang}) >>\nendobj\n"
        "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
        f"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_PAGE_WIDTH:.4f} "
        f"{_PAGE_HEIGHT:.4f}] /Resources << /Font << /F1 5 0 R >> /ProcSet [/PDF /Text] >> "
        "/Contents 4 0 R >>\nendobj\n"
    )
    fonts = (
        f"5 0 obj\n<< /Type /Font /Subtype /Type0 /Name /F1 /BaseFont /{FONT} "
        f"/Encoding /{ENCODING} /DescendantFonts [6 0 R] >>\nendobj\n"
        f"6 0 obj\n<< /Type /Font /Subtype /CIDFontType0 /BaseFont /{FONT} "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 0 >> "
        f"/FontDescriptor 7 0 R /DW 1000 /W [1 [{latin}]] >>\nendobj\n"
        "7 0 obj\n<< /Type /FontDescriptor /FontName /STSongStd-Light /Flags 6 "
        "/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 752 /Descent -271 "
        "/CapHeight 737 /XHeight 553 /StemV 58 /StemH 91 /MissingWidth 500 >>\nendobj\n"
    )
    when = _date(stamp)
    info = (f"/Author (appraise) /Creator (appraise) /Producer (appraise) "
            f"/Subject ({stamp.date().isoformat()}) /CreationDate ({when}) /ModDate ({when})")
    return _Fixed(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", head.encode("ascii"), _starts(head),
                  fonts.encode("ascii"), _starts(fonts), info.encode("ascii"))


def statement_pdf(statement: Statement, stamp: datetime, language: Language) -> bytes:
    """The statement as a one-page A4 PDF, as bytes (the same statement, the same bytes)."""
    fixed = _fixed_objects(stamp, language)
    content = zlib.compress(_content(statement).encode("ascii"), _COMPRESSION)
    title = f"{statement.title} {statement.manager_id} {statement.name}".strip()
    title_hex = "<FEFF" + title.encode("utf-16-be", "replace").hex().upper() + ">"
    stream = (b"4 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
              + content + b"\nendstream\nendobj\n")
    document = (b"8 0 obj\n<< /Title " + title_hex.encode("ascii") + b" " + fixed.info
                + b" >>\nendobj\n")
    # file order: objects 1 2 3, 4 (the content), 5 6 7, 8 (the information)
    at_stream = len(fixed.signature) + len(fixed.head)
    at_fonts = at_stream + len(stream)
    at_info = at_fonts + len(fixed.fonts)
    offsets = ([len(fixed.signature) + start for start in fixed.head_starts] + [at_stream]
               + [at_fonts + start for start in fixed.font_starts] + [at_info])
    position = at_info + len(document)
    xref = b"xref\n0 9\n0000000000 65535 f \n" + b"".join(
        b"%010d 00000 n \n" % offset for offset in offsets)
    digest = hashlib.md5(content, usedforsecurity=False).hexdigest().upper()
    trailer = (f"trailer\n<< /Size 9 /Root 1 0 R /Info 8 0 R /ID [<{digest}> <{digest}>] >>\n"
               f"startxref\n{position}\n%%EOF\n").encode("ascii")
    return b"".join((fixed.signature, fixed.head, stream, fixed.fonts, document, xref, trailer))
