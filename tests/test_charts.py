"""Charts: PNG files for each chart the data allows, byte-identical when redrawn, English labels
when no Chinese font is installed, embedded in the Summary sheet. The run is the real pipeline
on the sample branch; every figure drawn is the summary stage's."""

from __future__ import annotations

import zipfile

import pytest
from openpyxl import load_workbook
from report_fixture import sample_run, with_managers

from appraisal.money import cents_to_yuan
from appraisal.report.charts import CHART_NAMES, chart_language, cjk_font, draw_charts
from appraisal.report.excel import write_bonus_sheet

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def make_result():
    return sample_run("zh")


def test_every_chart_is_drawn_as_png(tmp_path):
    charts = draw_charts(make_result(), tmp_path / "charts", language="en")
    assert tuple(charts) == CHART_NAMES
    for name, path in charts.items():
        assert path == tmp_path / "charts" / f"{name}.png"
        assert path.read_bytes().startswith(PNG_SIGNATURE)


def test_redrawing_gives_identical_bytes(tmp_path):
    first = draw_charts(make_result(), tmp_path / "a", language="zh")
    second = draw_charts(make_result(), tmp_path / "b", language="zh")
    for name in first:
        assert first[name].read_bytes() == second[name].read_bytes(), name


def test_png_carries_no_software_version(tmp_path):
    charts = draw_charts(make_result(), tmp_path, language="en")
    assert b"matplotlib" not in charts["score_distribution"].read_bytes()


def test_chinese_labels_only_with_a_cjk_font():
    assert chart_language("en") == "en"
    assert chart_language("zh") == ("zh" if cjk_font() else "en")


def test_charts_without_their_data_are_skipped(tmp_path):
    result = make_result()
    dimensions = [c for c in result.managers.columns if c.endswith("_score")]
    managers = result.managers.drop(columns=["composite", "grade", *dimensions])
    result = with_managers(result, managers)  # the summary stage has nothing to count
    charts = draw_charts(result, tmp_path, language="en")
    assert list(charts) == ["bonus_by_unit"]


def test_workbook_charts_are_native_excel_charts(tmp_path):
    """The Summary sheet's charts are Excel charts over the chart data sheet (drawn by the
    reader's spreadsheet in its fonts), not pictures."""
    result = make_result()
    path = tmp_path / "bonus_sheet.xlsx"
    write_bonus_sheet(result, path, language="zh")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        charts = sorted(n for n in names if n.startswith("xl/charts/chart"))
        assert len(charts) == len(CHART_NAMES)
        assert not [n for n in names if n.startswith("xl/media/")]
        xml = archive.read(charts[2]).decode()
    assert "各单位实发奖金" in xml and "'图表数据'!$B$" in xml and "<strRef>" in xml
    book = load_workbook(path, data_only=True)
    rows = list(book["图表数据"].iter_rows(values_only=True))
    bonus = rows.index(next(r for r in rows if r[0] == "各单位实发奖金"))
    shown = [r[1] for r in rows[bonus + 2: bonus + 2 + len(result.summary.unit_bonus)]]
    assert shown == cents_to_yuan(result.summary.unit_bonus["bonus_final"]).tolist()


def test_without_a_cjk_font_charts_fall_back_to_english_with_one_warning(tmp_path,
                                                                         monkeypatch):
    from appraisal.report import charts as module

    monkeypatch.setattr(module, "cjk_font", lambda: None)
    module.fallback_warning.cache_clear()
    with pytest.warns(UserWarning, match="no CJK font") as caught:
        draw_charts(make_result(), tmp_path / "a", language="zh")
        draw_charts(make_result(), tmp_path / "b", language="zh")
    assert len([w for w in caught if "CJK" in str(w.message)]) == 1
    assert module.drawable("东湖一组", "en") == "#"  # never a box: replaced, not drawn
