"""`appraise weights` under a zh config: its lines in Chinese, the config's display names for
criteria, dimensions and matrices, the AHP terms in Chinese; English and `--json` unchanged.

What may stay in Latin letters in the Chinese output (decided here, docs/ahp.md): the AHP
abbreviations CR, CI, RI, GCI and λmax (beside their Chinese names), ids that are data (experts
E1.., managers M0001.., grades A..E in what a weight change flips), the RI table's name as
published (Saaty 1980 表) and, with `--sensitivity`, the cited paper (authors and journal).
Config keys and engine codes (`weights.inconsistent_expert`, `exclude`, `geometric_mean`) do not.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from appraisal.cli import main
from appraisal.commands.weights import LINES
from appraisal.console import width as _width
from appraisal.weights import LINES as STAGE_LINES
from tests.test_weights_command import CYCLE, configured, run, write_config

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "configs" / "example.yaml"
CITATION = "Triantaphyllou & Sánchez (1997), Decision Sciences 28(1) 151-194"
ALLOWED = re.compile(r"^(CR|CI|RI|GCI|E\d+|M\d+|[A-E]|Saaty)$")


def latin_words(text: str) -> set[str]:
    """Latin-letter words of `text` that are not allowed in Chinese output."""
    text = text.replace("λmax", "").replace(CITATION, "")
    return {w for w in re.findall(r"[A-Za-z][A-Za-z0-9_.\-]*", text) if not ALLOWED.match(w)}


def weights(*args: str) -> str:
    result = CliRunner().invoke(main, ["weights", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def zh_output() -> str:
    return weights("--config", str(EXAMPLE))


@pytest.fixture(scope="module")
def english_example(tmp_path_factory) -> Path:
    """The example config with `language: en` (its inputs where the example finds them)."""
    folder = tmp_path_factory.mktemp("en")
    (folder / "input_samples").symlink_to(ROOT / "input_samples")
    (folder / "configs").mkdir()
    text = EXAMPLE.read_text(encoding="utf-8")
    assert "\nlanguage: zh " in text
    config = folder / "configs" / "example_en.yaml"
    config.write_text(text.replace("\nlanguage: zh ", "\nlanguage: en ", 1), encoding="utf-8")
    return config


def test_zh_config_shows_chinese_names_and_terms(zh_output):
    out = zh_output
    for text in ("判断矩阵“维度”（综合）：4 个准则，权重采用几何平均法",
                 "判断矩阵“客户”（综合）：5 个准则",
                 "  专家 E1：CR 0.0023（一致；采用）",
                 "  专家 E5：CR 0.2001（不一致；已排除：CR 0.2001 >= 0.1"
                 "（不一致专家的处理：剔除））",
                 "      （存款计划完成率，客户满意度）= 1/9：按权重应为 0.504（ε = 0.221）；"
                 "改为 1/2 后 CR 为 0.0353",
                 "  权重\n  财务        0.4654\n",
                 "  最大特征值 λmax = 4.0013   一致性指标 CI = 0.0004   "
                 "随机一致性指标 RI = 0.90（Saaty 1980 表）   一致性比率 CR = 0.0005   "
                 "几何一致性指标 GCI = 0.0017（阈值 0.35）",
                 "  结论：一致（CR 0.0005 < 0.10）",
                 "所有判断矩阵均通过（几何平均法，RI 取自 Saaty 1980 表，CR < 0.1）"):
        assert text in out
    assert latin_words(out) == set()
    assert "deposit_plan" not in out and "financial" not in out


def test_zh_matrix_columns_line_up_in_terminal_columns(zh_output):
    block = zh_output.split("\n\n")[1]  # the `dimensions` matrix grid
    rows = block.splitlines()
    assert rows[1].startswith("  财务") and len(rows) == 5
    assert len({_width(row) for row in rows}) == 1
    ends = [[_width(row[:m.end()]) for m in re.finditer(r"\S+", row)][-4:] for row in rows]
    assert all(e == ends[0] for e in ends)  # each column's right edge, header and rows alike


def test_zh_sensitivity_in_chinese():
    out = weights("--config", str(EXAMPLE), "--sensitivity")
    assert "判断矩阵“维度”（综合）" in out
    assert ("权重稳健性：" + CITATION + "；同一层级的权重重新归一化，等级按分数段评定") in out
    assert re.search(r"\n  #1   财务 +权重 0\.4654\n        上调 \+0\.0160（\+3\.4%） +M0046 B→A "
                     r"\(110\)\n        下调 -0\.0493（-10\.6%） +M0059 B→C \(100\)\n", out)
    assert "客户/存款计划完成率" in out and "无可行变动" in out
    rows = [line for line in out.splitlines() if line.startswith("  #")]
    assert len({_width(line.rpartition("权重")[0]) for line in rows}) == 1
    assert latin_words(out) == set()


def test_zh_blocking_and_acceptance_lines(tmp_path):
    config = write_config(tmp_path, CYCLE)  # no `language`: the default, zh
    result = run("--config", str(config), command=configured())
    assert result.exit_code == 3
    out = result.output
    assert "  专家 E1：CR 0.4310（不一致；采用）" in out
    assert ("  与权重最不相符的判断：\n"
            "    （培训学时完成率，培训考试成绩）= 2：按权重应为 1.000") in out
    assert ("  会使运行停止：判断矩阵“学习与成长”（由专家 E1 合并）：CR = 0.4310 >= 0.1"
            "（λmax 3.5000，CI 0.2500，RI 0.58）") in out
    assert "部分判断矩阵会使正式运行停止，见上文" in out and latin_words(out) == set()
    failing = write_config(tmp_path, CYCLE, "weights:\n  inconsistent_expert: fail\n")
    out = run("--config", str(failing), command=configured()).output
    assert ("判断矩阵“学习与成长”：专家判断不一致：E1（CR 0.4310）"
            "（不一致专家的处理：停止运行）") in out
    accepted = write_config(tmp_path, CYCLE, "weights:\n  accept:\n    learning_growth:\n"
                                             "      justification: 有意等权\n")
    result = run("--config", str(accepted), command=configured())
    assert result.exit_code == 0 and "  配置中已接受：有意等权" in result.output


def test_english_config_keeps_ids_and_english_with_the_same_numbers(zh_output, english_example):
    english = weights("--config", str(english_example))
    assert "matrix 'dimensions' (combined): 4 criteria, weights by geometric mean" in english
    assert ("  expert E5: CR 0.2001 (NOT consistent; excluded: CR 0.2001 >= 0.1 "
            "(weights.inconsistent_expert: exclude))") in english
    assert "all matrices pass (method geometric_mean, RI table saaty_1980, CR < 0.1)" in english
    assert not re.search(r"[\u4e00-\u9fff]", english)
    numbers = re.compile(r"(?<![A-Za-z\d_])[-+]?\d+(?:[./]\d+)?")  # not E1, saaty_1980
    shown = zh_output.replace("Saaty 1980 表", "").replace("360度", "")  # names, not numbers
    assert numbers.findall(english) == numbers.findall(shown)


def test_json_is_the_same_in_both_languages(english_example):
    zh = json.loads(weights("--config", str(EXAMPLE), "--json"))
    en = json.loads(weights("--config", str(english_example), "--json"))
    assert zh == en
    assert "weights.inconsistent_expert: exclude" in zh["matrices"]["customer"]["experts"][4][
        "exclusion_reason"]


def test_a_bare_matrix_file_names_no_config_and_prints_english():
    out = weights(str(ROOT / "tests" / "data" / "ahp" / "source_dimensions_zh.xlsx"))
    assert "verdict: consistent" in out and "  weights" in out


def test_the_phrasebooks_chinese_has_no_english_words():
    for book in (LINES, STAGE_LINES):
        for key, (_, chinese) in book.entries.items():
            prose = re.sub(r"\{[^}]*\}", "", chinese)
            assert latin_words(prose) == set(), (book.name, key)
