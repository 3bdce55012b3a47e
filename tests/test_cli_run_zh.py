"""`appraise run` and `appraise validate` speak the config's language: the progress lines, the
closing line, validate's summary and warnings (commands/lines.py); English stays as it was."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import appraisal.cli  # every command's phrasebook registered
from appraisal.commands.lines import progress_line, warning_line
from appraisal.console import PHRASEBOOKS, Phrasebook, fields_of, fit

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "configs" / "example.yaml"  # language: zh

# Latin letters a Chinese line may keep: the method's abbreviations and names of things.
_ALLOWED = {"AHP", "CR", "CI", "RI", "GCI", "RORAC", "CSV", "appraise", "missing_actual", "zero",
            "max"}


def _latin_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z][A-Za-z_]*", text))


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    out = tmp_path_factory.mktemp("zh") / "results"
    return CliRunner().invoke(appraisal.cli.main, ["run", str(EXAMPLE), "--out", str(out)]), out


def test_run_reports_its_stages_and_its_total_in_chinese(ran):
    result, out = ran
    assert result.exit_code == 0, result.output
    for stage in ("读取与检查输入", "RORAC 计算", "AHP 权重", "计分卡", "奖金", "写出 CSV",
                  "奖金工作簿"):
        assert stage in result.stderr
    assert re.search(r"计分卡 +900 行 +\d+\.\d\d 秒", result.stderr)
    assert result.stdout.strip() == (
        f"60 名客户经理，期间 2026-10：奖金合计 349169.37；结果已写入 {out}")
    for line in result.stderr.splitlines():
        assert " rows " not in line and "UserWarning" not in line, line


def test_validate_summarises_in_chinese_with_display_names():
    result = CliRunner().invoke(appraisal.cli.main, ["validate", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"{EXAMPLE}：配置有效"
    assert lines[-1] == "全部检查通过；未写入任何文件"
    assert any(line.startswith("  业务明细 ") and line.endswith("20,000 行  "
                                                                "../input_samples/business.csv")
               for line in lines)
    assert "  AHP 判断矩阵 客户：已剔除判断不一致的专家 E5" in lines
    assert "  等级分布：A 9 人、B 19 人、C 25 人、D 7 人" in lines
    assert "  应发奖金 362083.55，留存 18104.18，公共池分配 5190.00，实发 349169.37" in lines
    for line in lines[9:-1]:  # after the inputs' paths: no English but the method's terms
        ids = {word for word in _latin_words(line) if len(word) == 1} | {"BR"}  # A, E5, BR01
        assert _latin_words(line) <= _ALLOWED | ids, line


def test_validate_set_language_en_prints_the_english_summary():
    result = CliRunner().invoke(appraisal.cli.main,
                                ["validate", str(EXAMPLE), "--set", "language=en"])
    assert result.exit_code == 0, result.output
    assert "configuration valid" in result.output
    assert "  AHP matrix customer: excluded inconsistent expert(s) E5" in result.output
    assert "grades: A 9, B 19, C 25, D 7" in result.output


def test_progress_columns_line_up_for_chinese_stage_names():
    english = progress_line("scorecard", 900, 0.25, "en")
    assert english == f"  {'scorecard':<12} {900:>12,} rows {0.25:>8.2f} s"  # as before
    widths = {len(fit(name, 12).encode("gbk")) for name in ("计分卡", "RORAC 计算", "奖金工作簿")}
    assert widths == {12}  # two columns per CJK character, as a terminal shows them


def test_a_warning_is_one_line_in_the_language():
    from appraisal.report.charts import fallback_warning

    with pytest.warns(UserWarning) as caught:
        fallback_warning.__wrapped__()
    message = caught[0].message
    assert warning_line(message, "en") == f"warning: {message}"
    shown = warning_line(message, "zh")
    assert shown.startswith("警告：图表：未安装中文字体")
    assert _latin_words(shown) <= {"Noto", "Sans", "CJK", "SC", "apt", "get", "install",
                                   "fonts", "noto", "cjk", "PNG", "n"}


def test_every_phrasebook_has_the_same_fields_and_chinese_without_english_words():
    with pytest.raises(ValueError, match="different fields"):
        Phrasebook("broken", {"x": ("{a} rows", "{b} 行")})
    PHRASEBOOKS.pop("broken", None)
    assert {"run", "weights"} <= set(PHRASEBOOKS)
    for book in PHRASEBOOKS.values():
        for key, (english, chinese) in book.entries.items():
            assert fields_of(english) == fields_of(chinese)
            if book.name == "run":
                text = re.sub(r"\{[^}]*\}", "", chinese)
                assert _latin_words(text) <= _ALLOWED, (book.name, key, chinese)
