"""The workbook in a real spreadsheet engine (LibreOffice headless, issue 15):

- every live formula, recalculated by LibreOffice, equals the value the run cached in it, to
  the cent (per-person base mode, and fixed-pool mode with a cap, rescaling and
  redistribution);
- the sample's 发放表 (Payout sheet) prints on at most 3 A4 pages.

LibreOffice recalculates on load when its profile says so (`OOXMLRecalcMode` = always): each
conversion runs with a private profile holding that setting, so no macro is needed and no other
LibreOffice on the machine is touched. Skipped with a reason where `soffice` is missing; under
CI=true a missing LibreOffice fails (tests/conftest.py `require_component`)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml
from conftest import require_component
from openpyxl import load_workbook
from report_fixture import build_project, sample_run

import appraisal
from appraisal.report.excel import write_bonus_sheet
from appraisal.report.labels import SHEET_NAMES

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
_RECALC = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


@pytest.fixture(scope="module")
def soffice() -> str:
    require_component("LibreOffice", SOFFICE is not None,
                      "`soffice` not on PATH (Debian: apt-get install libreoffice-calc-nogui)")
    return str(SOFFICE)


def convert(soffice: str, source: Path, fmt: str, folder: Path) -> Path:
    """`source` converted by LibreOffice headless into `folder` (recalculated on load)."""
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    try:
        (profile / "user").mkdir()
        (profile / "user" / "registrymodifications.xcu").write_text(_RECALC, encoding="utf-8")
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
             "--convert-to", fmt, "--outdir", str(folder), str(source)],
            check=True, capture_output=True, timeout=300,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    out = folder / f"{source.stem}.{fmt.split(':')[0]}"
    assert out.exists(), f"LibreOffice wrote no {out.name}"
    return out


def fixed_pool_run():
    """The sample in fixed-pool mode: a 350,000 yuan pool, a cap (so the others are rescaled),
    composite and position factors on the grade component, the remainder redistributed."""
    folder = Path(tempfile.mkdtemp(prefix="appraise-fixed-"))
    path = build_project(folder, language="zh")
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["bonus"]["funding"].update(mode="fixed_pool", pool_amount=350000)
    config["bonus"]["components"][1]["factors"] = ["composite", "position_coefficient"]
    config["bonus"]["limits"]["cap"] = 9000
    config["bonus"]["shared_pool"]["remainder"] = "redistribute"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return appraisal.run(path)


def formula_cells(path: Path) -> dict[tuple[str, str], str]:
    book = load_workbook(path)
    return {(sheet.title, cell.coordinate): cell.value
            for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
            if cell.data_type == "f"}


@pytest.mark.parametrize("mode", ["per_person_base", "fixed_pool"])
def test_recalculated_formulas_equal_cached_values(soffice, tmp_path, mode):
    result = sample_run("zh") if mode == "per_person_base" else fixed_pool_run()
    path = tmp_path / "bonus_sheet.xlsx"
    write_bonus_sheet(result, path, language="zh")
    formulas = formula_cells(path)
    assert len(formulas) > 4 * len(result.managers)  # components, gross, final, payout
    assert any("考核方案" in f for f in formulas.values())
    recalculated = load_workbook(convert(soffice, path, "xlsx", tmp_path / "lo"),
                                 data_only=True)
    cached = load_workbook(path, data_only=True)
    wrong = []
    for sheet, ref in formulas:
        mine, theirs = cached[sheet][ref].value, recalculated[sheet][ref].value
        if not isinstance(theirs, int | float) or abs(float(theirs) - float(mine)) >= 0.005:
            wrong.append((sheet, ref, formulas[sheet, ref], mine, theirs))
    assert wrong == []


def pdf_pages(pdf: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf.read_bytes()))


def test_payout_sheet_prints_on_at_most_three_a4_pages(soffice, tmp_path):
    path = tmp_path / "bonus_sheet.xlsx"
    write_bonus_sheet(sample_run("zh"), path, language="zh")
    book = load_workbook(path)
    payout = SHEET_NAMES["payout"]["zh"]
    for sheet in book.worksheets:  # hidden sheets are not printed; references stay valid
        if sheet.title != payout:
            sheet.sheet_state = "hidden"
    book.active = book.worksheets.index(book[payout])
    only = tmp_path / "payout.xlsx"
    book.save(only)
    sheet = load_workbook(only)[payout]
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9
    assert sheet.print_title_rows.replace("$", "") == "1:2"
    assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
    pages = pdf_pages(convert(soffice, only, "pdf", tmp_path / "pdf"))
    assert 1 <= pages <= 3
