"""An extra table a later stage adds is written as its CSV and as a workbook sheet."""

from __future__ import annotations

import dataclasses

import pandas as pd
from openpyxl import load_workbook

from appraisal.report.writer import write_run
from appraisal.result import ExtraTable
from tests.report_fixture import sample_run


def test_extra_table_is_written_as_csv_and_sheet(tmp_path):
    result = sample_run()
    frame = result.managers[["manager_id", "bonus_final"]].head(3).reset_index(drop=True)
    table = ExtraTable("period_change", frame, {"zh": "环比变化", "en": "Change"})
    result = dataclasses.replace(result, extra=(table,))
    assert result.extra_table("period_change") is table
    out = tmp_path / "out"
    write_run(result, out)
    written = pd.read_csv(out / "period_change.csv", dtype=str)
    assert list(written["manager_id"]) == list(frame["manager_id"])
    book = load_workbook(out / "bonus_sheet.xlsx", read_only=True)
    title = table.title[result.config.output.language or result.config.language]
    assert title in book.sheetnames
