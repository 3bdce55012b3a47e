"""Benchmark: manager statements (绩效单), per statement, against plain openpyxl and reportlab.

A synthetic branch of N managers (`appraise sample`) goes through the whole pipeline once; then,
in the same process and on the same managers, the same statements are written by
1. the engine, xlsx only, in-process (`write_statements(formats=("xlsx",), workers=1)`);
2. the engine, PDF only, in-process (the direct PDF writer, `report/pdf.py`);
3. the engine, xlsx and PDF, on every core (`workers=None`: one process per core);
4. the reference: plain openpyxl writing the same cells (the engine's own layout: values,
   number formats, bold headers, column widths) into one workbook per manager and saving it,
   which is what a straightforward statement writer does (and what the old path did);
5. the PDF reference: the same layouts drawn with reportlab's canvas (`reportlab_pdf` below,
   the engine's previous PDF path: text objects, STSong-Light, invariant mode), in-process,
   the layout built the same way (`write_statements` with the PDF renderer swapped).
Every side writes into its own temp folder; each runs `--repeat` times and the fastest run
counts. Before timing, the first statements are written by both PDF paths and read back with
pypdf: `pdf_same_text` says whether the extracted text is the same. The last stdout line is one
JSON object with each side's seconds and milliseconds per statement and the ratios.

    python benchmarks/bench_statements.py [--managers 5000] [--statements 1000] [--repeat 2]
        [--old-tree DIR]

With `--old-tree DIR` (a checkout of an earlier version, e.g. `git worktree add DIR ee6263c`),
that version's `write_statements` also runs, in a child process importing `appraisal` from
DIR, on the same config and managers: `old_cpu_ms_each` (its CPU time per statement).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

import appraisal
from appraisal.cli import main as sample
from appraisal.money import cents_to_yuan
from appraisal.report import pdf as engine_pdf
from appraisal.report.statements import GRID_WIDTHS, build_statements, write_statements
from appraisal.report.xlsx import NUMBER_FORMATS
from appraisal.result import RunResult

ROOT = Path(__file__).resolve().parents[1]
_BOLD = frozenset({"title", "section", "header", "header_num", "total_label", "total"})


def make_run(managers: int, folder: Path) -> RunResult:
    """The example scheme on a synthetic branch of `managers` managers."""
    inputs = folder / "input_samples"
    sample(["sample", "--managers", str(managers), "--accounts", str(managers * 40),
            "--out", str(inputs)], standalone_mode=False)
    (folder / "configs").mkdir()
    config = yaml.safe_load((ROOT / "configs" / "example.yaml").read_text(encoding="utf-8"))
    path = folder / "configs" / "example.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return appraisal.run(path)


def reference(result: RunResult, folder: Path) -> int:
    """Plain openpyxl: the same cells, formats and widths, one workbook per manager."""
    count = 0
    for statement in build_statements(result):
        book = Workbook()
        sheet = book.active
        sheet.title = "绩效单"
        for index, width in enumerate(GRID_WIDTHS):
            sheet.column_dimensions["ABCDEFGH"[index]].width = width
        for number, row in enumerate(statement.rows, start=1):
            for cell in row.cells:
                value = cell.value
                if cell.style in ("money_cents", "total") and isinstance(value, int):
                    value = float(cents_to_yuan(value))
                target = sheet.cell(row=number, column=cell.column + 1, value=value)
                fmt = NUMBER_FORMATS.get(cell.style if cell.style != "total" else "money_cents")
                if fmt:
                    target.number_format = fmt
                if cell.style in _BOLD:
                    target.font = Font(bold=True)
        sheet.page_setup.paperSize = 9
        sheet.page_setup.fitToWidth = sheet.page_setup.fitToHeight = 1
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        book.save(folder / f"{statement.manager_id}.xlsx")
        count += 1
    return count



# ------------------------------------------------------------- the reportlab reference
FONT = engine_pdf.FONT  # the same page geometry as the engine's writer
_PAGE_WIDTH, _PAGE_HEIGHT = A4
_LEFT, _RIGHT, _TOP, _BOTTOM = (engine_pdf._LEFT, engine_pdf._RIGHT, engine_pdf._TOP,
                                engine_pdf._BOTTOM)
_PAD = engine_pdf._PAD
_HEIGHTS = engine_pdf._HEIGHTS
_SIZES = engine_pdf._SIZES
_SIZE = engine_pdf._SIZE
_MIN_SIZE = engine_pdf._MIN_SIZE
_RIGHT_ALIGNED = frozenset({"money_cents", "score", "ratio", "weight", "coefficient", "count",
                            "number", "total", "header_num"})
_HEADER_FILL = (0.867, 0.898, 0.941)
_RULE = (0.5, 0.5, 0.5)
_NOTE = (0.35, 0.35, 0.35)


def _rl_font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _grid() -> list[float]:
    """Left edge of each grid column on the page, plus the right margin."""
    usable = _PAGE_WIDTH - _LEFT - _RIGHT
    total = sum(GRID_WIDTHS)
    edges = [_LEFT]
    for width in GRID_WIDTHS:
        edges.append(edges[-1] + usable * width / total)
    return edges


def reportlab_pdf(statement: Any, stamp: datetime, language: str) -> bytes:
    """The statement as a one-page A4 PDF drawn with reportlab (the previous engine path)."""
    font = _rl_font()
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


def _with_reportlab(action: Callable[[], object]) -> object:
    """Run `action` with the engine's PDF renderer swapped for the reportlab reference."""
    engine = engine_pdf.statement_pdf
    engine_pdf.statement_pdf = reportlab_pdf  # type: ignore[assignment]
    try:
        return action()
    finally:
        engine_pdf.statement_pdf = engine  # type: ignore[assignment]


def same_text(result: RunResult, count: int = 5) -> bool:
    """The first statements by both PDF paths, read back with pypdf: the same text?"""
    import pypdf

    stamp = datetime(2026, 10, 31)
    for statement in build_statements(result)[:count]:
        texts = [pypdf.PdfReader(io.BytesIO(render(statement, stamp, "zh"))).pages[0]
                 .extract_text() for render in (engine_pdf.statement_pdf, reportlab_pdf)]
        if texts[0] != texts[1]:
            return False
    return True


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def fastest(action: Callable[[Path], object], repeat: int,
            folder: Path | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process and its finished children) of the fastest
    run. CPU time is what to compare on a shared machine: other jobs stretch the wall time."""
    best = (float("inf"), float("inf"))
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="bench-statements-", dir=folder) as out:
            wall, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
            action(Path(out))
            figures = (time.perf_counter() - wall,
                       time.process_time() - cpu + _children_cpu() - children)
            best = min(best, figures)
    return best


_OLD = """
import json, os, sys, tempfile, time
from dataclasses import replace
import appraisal
assert appraisal.__file__.startswith(os.getcwd()), appraisal.__file__  # the old tree's
from appraisal.report.statements import write_statements
result = appraisal.run(sys.argv[1])
timed = replace(result, managers=result.managers.iloc[: int(sys.argv[2])])
write_statements(replace(result, managers=result.managers.iloc[:3]), tempfile.mkdtemp())
best = float("inf")
for _ in range(int(sys.argv[3])):
    with tempfile.TemporaryDirectory(dir=sys.argv[4] or None) as out:
        started = time.process_time()
        write_statements(timed, out)
        best = min(best, time.process_time() - started)
print(json.dumps({"cpu_s": best, "statements": len(timed.managers)}))
"""


def old_path(tree: Path, config: Path, statements: int, repeat: int,
             folder: Path | None) -> float:
    """CPU seconds of an earlier version's write_statements (xlsx, in-process) in a child,
    on the same config less the output keys that version does not know."""
    import subprocess

    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    for key in ("payroll", "statement_workers"):
        data.get("output", {}).pop(key, None)
    data.get("output", {})["statements"] = False
    config = config.with_name("example_old.yaml")
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, "-c", _OLD, str(config), str(statements),
                           str(repeat), str(folder or "")], env=env, check=True,
                          capture_output=True, text=True, cwd=tree)  # cwd: `-c` puts it first
    return float(json.loads(done.stdout.strip().splitlines()[-1])["cpu_s"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--managers", type=int, default=5000)
    parser.add_argument("--statements", type=int, default=1000,
                        help="statements timed per side (the first N managers)")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--dir", type=Path, default=None,
                        help="where the statements are written (default: the system's temp "
                        "folder); creating files costs differently on different disks")
    parser.add_argument("--old-tree", type=Path, default=None,
                        help="a checkout of an earlier version to time its write_statements")
    args = parser.parse_args()

    old_cpu = None
    with tempfile.TemporaryDirectory(prefix="bench-statements-run-") as work:
        result = make_run(args.managers, Path(work))
        if args.old_tree is not None:
            old_cpu = old_path(args.old_tree, Path(work) / "configs" / "example.yaml",
                               args.statements, args.repeat, args.dir)
    timed = replace(result, managers=result.managers.iloc[: args.statements])
    n = len(timed.managers)
    write_statements(replace(result, managers=result.managers.iloc[:3]),
                     Path(tempfile.mkdtemp()), formats=("xlsx", "pdf"), workers=1)  # warm up
    sides = {
        "engine_xlsx_s": lambda out: write_statements(timed, out, formats=("xlsx",), workers=1),
        "engine_pdf_s": lambda out: write_statements(timed, out, formats=("pdf",), workers=1),
        "engine_both_parallel_s": lambda out: write_statements(timed, out,
                                                               formats=("xlsx", "pdf")),
        "reference_openpyxl_s": lambda out: reference(timed, out),
        "reference_reportlab_pdf_s": lambda out: _with_reportlab(
            lambda: write_statements(timed, out, formats=("pdf",), workers=1)),
    }
    figures: dict[str, object] = {"managers": args.managers, "statements": n,
                                  "cores": os.cpu_count(), "pdf_same_text": same_text(timed)}
    cpu: dict[str, float] = {}
    for name, action in sides.items():
        seconds, cpu[name] = fastest(action, args.repeat, args.dir)
        figures[name] = round(seconds, 3)
        figures[name.removesuffix("_s") + "_cpu_ms_each"] = round(1000 * cpu[name] / n, 3)
        print(f"{name}: wall {seconds:.3f} s ({1000 * seconds / n:.3f} ms per statement), "
              f"CPU {1000 * cpu[name] / n:.3f} ms per statement", file=sys.stderr)
    figures["cpu_ratio_reference_to_engine_xlsx"] = round(
        cpu["reference_openpyxl_s"] / cpu["engine_xlsx_s"], 2)
    figures["cpu_ratio_reportlab_to_engine_pdf"] = round(
        cpu["reference_reportlab_pdf_s"] / cpu["engine_pdf_s"], 2)
    if old_cpu is not None:
        figures["old_cpu_ms_each"] = round(1000 * old_cpu / n, 3)
        figures["cpu_ratio_old_to_engine_xlsx"] = round(old_cpu / cpu["engine_xlsx_s"], 2)
        print(f"old path: CPU {1000 * old_cpu / n:.3f} ms per statement", file=sys.stderr)
    figures["wall_ratio_reference_to_engine_xlsx"] = round(
        figures["reference_openpyxl_s"] / figures["engine_xlsx_s"], 2)  # type: ignore[operator]
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
