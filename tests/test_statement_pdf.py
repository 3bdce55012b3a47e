"""Statements as PDF: one A4 page, Chinese drawn with the standard CID font STSong-Light (no CJK
font needed on the machine), the same bytes on a re-run. Checked by reading the files back with
pypdf (strict: a wrong cross-reference offset or object is an error), as a reader's viewer or a
search would: every text of the layout, in order, is on the page."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from report_fixture import sample_run

from appraisal.report.pdf import FONT, statement_pdf, unprintable
from appraisal.report.statements import (
    Statement,
    StatementCell,
    StatementRow,
    build_statements,
    write_statements,
)

pypdf = pytest.importorskip("pypdf", reason="pypdf (the test extra) reads the PDFs back")


def _text(path) -> str:
    reader = pypdf.PdfReader(str(path))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    result = sample_run("zh")
    folder = tmp_path_factory.mktemp("pdf")
    return result, write_statements(result, folder, language="zh", formats=("pdf",))


def test_one_pdf_per_manager_of_one_a4_page(written):
    result, paths = written
    assert [p.name for p in paths] == [f"{m}.pdf" for m in result.managers["manager_id"]]
    for path in paths[:5]:
        reader = pypdf.PdfReader(str(path))
        assert len(reader.pages) == 1
        box = reader.pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in pt


def test_pdf_text_holds_name_period_and_final_bonus(written):
    result, paths = written
    for position in (0, 7, 33):
        me = result.managers.iloc[position]
        text = _text(paths[position])
        final = f"{me['bonus_final'] // 100:,}.{me['bonus_final'] % 100:02d}"
        assert me["name"] in text
        assert result.period.label in text
        assert final in text, final
        assert "客户经理绩效单" in text and "实发奖金" in text


def test_pdf_uses_the_standard_cid_font_and_embeds_none(written):
    _, paths = written
    reader = pypdf.PdfReader(str(paths[0]))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for ref in fonts.values():
        font = ref.get_object()
        assert font["/BaseFont"].lstrip("/") == FONT
        assert font["/Encoding"] == "/UniGB-UCS2-H"
        descendant = font["/DescendantFonts"][0].get_object()
        assert "/FontFile2" not in descendant["/FontDescriptor"].get_object()


def test_pdf_is_byte_identical_when_rewritten(written, tmp_path):
    result, paths = written
    again = write_statements(replace(result, managers=result.managers.iloc[:3]), tmp_path,
                             language="zh", formats=("pdf",))
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in paths[:3]]


def test_english_pdf(tmp_path):
    result = sample_run("en")
    path = write_statements(replace(result, managers=result.managers.iloc[:1]), tmp_path,
                            language="en", formats=("pdf",))[0]
    text = _text(path)
    assert "Customer manager performance statement" in text and "Final bonus" in text


def test_a_long_statement_is_set_closer_but_stays_one_page():
    statement = build_statements(sample_run("zh"))[0]
    extra = tuple(
        StatementRow("data", (StatementCell(0, f"行{i}", "text", f"行{i}"),
                              StatementCell(7, i, "count", str(i))))
        for i in range(120)
    )
    long = Statement(statement.manager_id, statement.name, statement.title,
                     statement.rows + extra)
    data = statement_pdf(long, _stamp(), "zh")
    import io

    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "行0" in text and "行119" in text


def test_both_formats_are_written_side_by_side(tmp_path):
    result = sample_run("zh")
    paths = write_statements(replace(result, managers=result.managers.iloc[:2]), tmp_path,
                             formats=("xlsx", "pdf"))
    first = result.managers["manager_id"].iloc[0]
    assert [p.name for p in paths[:2]] == [f"{first}.xlsx", f"{first}.pdf"]


def _stamp():
    from datetime import datetime

    return datetime(2026, 10, 31)


def test_appraise_run_with_statements_writes_both_formats_and_lists_them(tmp_path):
    import json

    from click.testing import CliRunner
    from report_fixture import build_project

    from appraisal.cli import main

    config = build_project(tmp_path / "project", output__charts=False)
    out = tmp_path / "results"
    ran = CliRunner().invoke(main, ["run", str(config), "--out", str(out), "--quiet",
                                    "--statements"])
    assert ran.exit_code == 0, ran.output
    ids = list(sample_run("zh").managers["manager_id"])
    assert sorted(p.name for p in (out / "statements").iterdir()) == sorted(
        [f"{i}.xlsx" for i in ids] + [f"{i}.pdf" for i in ids])
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = json.dumps(manifest, ensure_ascii=False)
    assert f"statements/{ids[0]}.pdf" in listed and "payroll.csv" in listed


def _page_text(data: bytes) -> str:
    """The page's text as pypdf decodes it through the font's encoding (strict reading)."""
    import io

    reader = pypdf.PdfReader(io.BytesIO(data), strict=True)
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def _cells(statement) -> list[str]:
    """Each cell's text as the page prints it (the minus sign of a formula line as -)."""
    return [cell.shown.replace("\u2212", "-") for row in statement.rows for cell in row.cells
            if cell.shown]


def _missing_in_order(text: str, cells: list[str]) -> list[str]:
    """The cells' texts not found on the page one after the other (empty: all there)."""
    missing, at = [], 0
    for shown in cells:
        found = text.find(shown, at)
        if found < 0:
            missing.append(shown)
        else:
            at = found + len(shown)
    return missing


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_text_and_figure_of_the_layout_is_on_the_page(language):
    for statement in build_statements(sample_run(language))[:12]:
        text = _page_text(statement_pdf(statement, _stamp(), language))
        assert _missing_in_order(text, _cells(statement)) == []


def test_the_cross_reference_table_points_at_every_object():
    import re

    statement = build_statements(sample_run("zh"))[0]
    data = statement_pdf(statement, _stamp(), "zh")
    start = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    assert data[start:].startswith(b"xref\n0 9\n")
    entries = re.findall(rb"(\d{10}) 00000 n ", data[start:])
    assert len(entries) == 8
    for number, offset in enumerate(entries, start=1):
        assert data[int(offset):].startswith(b"%d 0 obj\n" % number)
    assert data.startswith(b"%PDF-1.4") and data.endswith(b"%%EOF\n")


def test_a_block_the_renderer_has_never_seen_is_drawn_as_laid_out():
    """The renderer draws the layout's rows and cells, not a fixed list of fields: a new
    section (say a deferral block) with its own header, rows, total and row kind shows."""
    statement = build_statements(sample_run("zh"))[0]
    block = (
        StatementRow("blank"),
        StatementRow("section", (StatementCell(0, "递延奖金", "section", "递延奖金"),)),
        StatementRow("header", (StatementCell(0, "批次", "header", "批次"),
                                StatementCell(7, "金额(元)", "header_num", "金额(元)"))),
        StatementRow("data", (StatementCell(0, "2026-Q1", "text", "2026-Q1"),
                              StatementCell(7, 123456, "money_cents", "1,234.56"))),
        StatementRow("ledger", (StatementCell(0, "本期释放", "label", "本期释放"),
                                StatementCell(7, -5, "money_cents", "-0.05"))),
        StatementRow("total", (StatementCell(0, "递延合计", "total_label", "递延合计"),
                               StatementCell(7, 123451, "total", "1,234.51"))),
    )
    longer = Statement(statement.manager_id, statement.name, statement.title,
                       statement.rows + block)
    text = _page_text(statement_pdf(longer, _stamp(), "zh"))
    assert _missing_in_order(text, _cells(longer)) == []
    tail = text[text.index("递延奖金"):]
    assert _missing_in_order(tail, ["递延奖金", "批次", "金额(元)", "2026-Q1", "1,234.56",
                                    "本期释放", "-0.05", "递延合计", "1,234.51"]) == []


def test_text_outside_the_font_range_and_special_characters_survive():
    """PDF syntax characters are escaped; a character the font has no glyph for (½, 𝟘, a rare
    name character) is printed as 〓, never as the box or the other character a viewer would
    draw; the minus sign as -."""
    statement = build_statements(sample_run("zh"))[0]
    odd = StatementRow("data", (StatementCell(0, "(a) \\ <b> %c", "text", "(a) \\ <b> %c"),
                                StatementCell(4, "€ ½ 𝟘 王𬍛 −1", "text", "€ ½ 𝟘 王𬍛 −1")))
    longer = Statement(statement.manager_id, statement.name, statement.title,
                       (*statement.rows, odd))
    text = _page_text(statement_pdf(longer, _stamp(), "zh"))
    assert "(a) \\ <b> %c" in text and "€ 〓 〓 王〓 -1" in text
    assert unprintable(longer) == "½𝟘𬍛"
    assert unprintable(statement) == ""


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_name_the_pdf_cannot_show_is_a_warning_naming_the_manager(tmp_path, language):
    """A rare character in a roster name (CJK Extension B, 𬍛): the PDF statement prints 〓
    for it and the run says which statements, in its language; the xlsx statement has it."""
    import shutil

    import yaml
    from click.testing import CliRunner

    from appraisal.cli import main

    root = Path(__file__).resolve().parents[1]
    shutil.copytree(root / "input_samples", tmp_path / "input_samples")
    roster = tmp_path / "input_samples" / "managers.csv"
    text = roster.read_text(encoding="utf-8-sig")
    first = text.splitlines()[1].split(",")
    roster.write_text(text.replace(first[1], "王𬍛", 1), encoding="utf-8-sig")
    (tmp_path / "configs").mkdir()
    raw = yaml.safe_load((root / "configs" / "example.yaml").read_text(encoding="utf-8"))
    raw["language"] = language
    raw.setdefault("output", {})["charts"] = False
    config = tmp_path / "configs" / "example.yaml"
    config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(config), "--out", str(out), "--statements"])
    assert result.exit_code == 0, result.output
    said = {"zh": f"警告：绩效单：1 份 PDF 绩效单无法显示 𬍛（PDF 字体 STSong-Light 没有这些字符，"
                  f"以 〓 代替）：{first[0]}；xlsx 绩效单可正常显示这些字符",
            "en": f"warning: statements: 1 PDF statement(s) cannot show 𬍛 (the PDF font "
                  f"STSong-Light has no such characters: 〓 is printed in their place): "
                  f"{first[0]}; the xlsx statements show them"}[language]
    assert said in result.output, result.output
    assert "王〓" in _page_text((out / "statements" / f"{first[0]}.pdf").read_bytes())
    assert sum(1 for line in result.output.splitlines() if "STSong-Light" in line) == 1


def test_document_information_and_no_clock():
    import io

    statement = build_statements(sample_run("zh"))[0]
    first = statement_pdf(statement, _stamp(), "zh")
    reader = pypdf.PdfReader(io.BytesIO(first), strict=True)
    info = reader.metadata
    assert info.title == f"{statement.title} {statement.manager_id} {statement.name}"
    assert info["/CreationDate"].startswith("D:20261031")
    other = build_statements(sample_run("zh"))[1]
    statement_pdf(other, _stamp(), "zh")  # caches warmed by another statement: same bytes
    assert statement_pdf(statement, _stamp(), "zh") == first
