"""Every xlsx statement prints on one A4 page: the print setup (A4 portrait, fit to one page)
checked in the file, and a real spreadsheet program (LibreOffice headless) printing a sample
statement to PDF, whose pages are counted."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace

import pytest
from conftest import require_component
from openpyxl import load_workbook
from report_fixture import sample_run

from appraisal.report.statements import write_statements

pypdf = pytest.importorskip("pypdf", reason="pypdf (the test extra) counts the printed pages")


def _longest(result):
    """The managers whose statements have the most rows (pool allocations, a leave date)."""
    given = set(result.pool_allocations["manager_id"])
    mine = result.managers[result.managers["manager_id"].isin(given)]
    return replace(result, managers=mine.iloc[:2])


def test_print_setup_is_a4_portrait_fit_to_one_page(tmp_path):
    result = sample_run("zh")
    path = write_statements(_longest(result), tmp_path)[0]
    sheet = load_workbook(path).worksheets[0]
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.page_setup.orientation == "portrait"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 1)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_libreoffice_prints_a_statement_on_one_page(tmp_path, language):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    require_component("LibreOffice", soffice is not None,
                      "soffice is not on PATH (apt-get install libreoffice-calc)")
    result = sample_run(language)
    paths = write_statements(_longest(result), tmp_path / "xlsx", language=language)
    out = tmp_path / "pdf"
    profile = (tmp_path / "lo-profile").as_uri()  # its own profile: no clash with other runs
    done = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), *map(str, paths)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    for path in paths:
        printed = out / f"{path.stem}.pdf"
        assert printed.exists(), done.stdout + done.stderr
        assert len(pypdf.PdfReader(str(printed)).pages) == 1, path.name
