"""Charts: PNG files for each chart the data allows, byte-identical when redrawn, English labels
when no Chinese font is installed, embedded in the Summary sheet. The run is the real pipeline
on the sample branch; every figure drawn is the summary stage's."""

from __future__ import annotations

import zipfile

from report_fixture import sample_run, with_managers

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


def test_charts_are_embedded_in_the_workbook(tmp_path):
    result = make_result()
    charts = draw_charts(result, tmp_path / "charts", language="zh")
    path = tmp_path / "bonus_sheet.xlsx"
    write_bonus_sheet(result, path, language="zh", charts=charts)
    with zipfile.ZipFile(path) as archive:
        media = sorted(n for n in archive.namelist() if n.startswith("xl/media/"))
        assert len(media) == len(charts)
        embedded = {archive.read(n) for n in media}
    assert embedded == {p.read_bytes() for p in charts.values()}
