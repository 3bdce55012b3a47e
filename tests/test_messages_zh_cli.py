"""The command line prints errors in the config's language (needs appraisal/cli.py wired to
appraisal.messages): same facts, same exit codes; `language: en` unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from appraisal.cli import main
from appraisal.errors import InputError
from tests.example_config import SAMPLES, example_raw, write_config


def _broken_business(tmp_path: Path, language: str) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    for source in SAMPLES.iterdir():
        (data / source.name).write_bytes(source.read_bytes())
    lines = (data / "business.csv").read_text(encoding="utf-8-sig").splitlines()
    lines[2] = "A000002,X,Y"
    (data / "business.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw = example_raw()
    raw["language"] = language
    return write_config(tmp_path, raw, inputs_from=data)


def test_run_with_language_zh_prints_input_errors_in_chinese(tmp_path):
    config = _broken_business(tmp_path, "zh")
    result = CliRunner().invoke(main, ["run", str(config), "--quiet"])
    assert result.exit_code == 2
    business = str(tmp_path / "data" / "business.csv")
    assert result.output.startswith("错误：输入数据中有 5 个问题：\n")
    assert (f"  - {business}，第 3 行，列“balance”：空单元格（实际为 ''）；要求：以元为单位的金额，"
            "绝对值不超过 10,000,000,000,000\n") in result.output
    assert f"  - {business}，第 3 行，列“product”：未知的产品（1 行，显示第一行）（实际为 'Y'）" \
        in result.output
    assert "error:" not in result.output and "expected" not in result.output


def test_run_with_language_en_prints_the_english_text_unchanged(tmp_path):
    config = _broken_business(tmp_path, "en")
    result = CliRunner().invoke(main, ["run", str(config), "--quiet"])
    assert result.exit_code == 2
    from appraisal.config import load_config
    from appraisal.validate import validate_inputs

    validation = validate_inputs(load_config(config))
    assert result.output == f"error: {InputError(validation.issues)}\n"


def test_validate_issues_file_under_zh_keeps_keys_and_translates_the_prose(tmp_path):
    config = _broken_business(tmp_path, "zh")
    issues = tmp_path / "issues.csv"
    result = CliRunner().invoke(main, ["validate", str(config), "--issues", str(issues)])
    assert result.exit_code == 2
    table = pd.read_csv(issues, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(table.columns) == ["code", "file", "row", "column", "rule", "value", "expected"]
    product = table[table["column"] == "product"].iloc[0]
    assert (product["code"], product["row"], product["value"]) == ("unknown_id", "3", "Y")
    assert product["rule"] == "未知的产品（1 行，显示第一行）"
    assert "已将 5 个问题写入" in result.output


def test_a_config_error_follows_the_raw_yaml_language(tmp_path):
    raw = example_raw()
    raw["period"] = "2026-13"
    config = write_config(tmp_path, raw)
    result = CliRunner().invoke(main, ["validate", str(config)])
    assert result.exit_code == 2
    assert result.output == (f"错误：{config}：period：考核期的月份必须为 01..12（如 2026-10）"
                             "（实际为 '2026-13'）\n")
    raw["language"] = "en"
    config = write_config(tmp_path, raw)
    result = CliRunner().invoke(main, ["validate", str(config)])
    assert result.output == (f"error: {config}: period: period month must be 01..12 "
                             "(e.g. 2026-10), got '2026-13'\n")


def test_set_language_en_on_the_command_line_gives_english(tmp_path):
    raw = example_raw()
    raw["bonus"]["shared_pool"]["withhold_rate"] = 2
    config = write_config(tmp_path, raw)
    zh = CliRunner().invoke(main, ["run", str(config), "--quiet"])
    en = CliRunner().invoke(main, ["run", str(config), "--quiet", "--set", "language=en"])
    assert zh.exit_code == en.exit_code == 2
    assert zh.output.startswith("错误：") and "bonus.shared_pool.withhold_rate" in zh.output
    assert en.output.startswith("error: ") and "must be <= 1" in en.output


def test_an_unreadable_yaml_is_reported_in_its_language_line(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("language: zh\nperiod: [2026-10\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(config), "--quiet"])
    assert result.exit_code == 2
    assert result.output == (f"错误：{config}：第 3 行第 1 列：不是有效的 YAML（此处应为“,”或“]”，"
                             "却出现了文件结尾）：有未闭合的“[”或“{”\n")


def test_an_existing_output_folder_is_refused_in_chinese_with_exit_2(tmp_path):
    config = write_config(tmp_path, example_raw())
    out = tmp_path / "out"
    out.mkdir()
    (out / "x.txt").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(config), "--out", str(out), "--quiet"])
    assert result.exit_code == 2
    assert result.output == (f"错误：输出文件夹 {out} 已存在；已关账的期间绝不会被悄悄覆盖："
                             "请另选 --out，或使用 --force 替换\n")


def test_weights_with_a_zh_config_prints_its_errors_in_chinese(tmp_path):
    from tests.test_weights_command import CONSISTENT, configured
    from tests.test_weights_command import run as run_weights
    from tests.test_weights_command import write_config as write_weights_config

    config = write_weights_config(tmp_path, CONSISTENT + "exam_score,rorac,3\n")
    result = run_weights("--config", str(config), command=configured())
    assert result.exit_code == 2
    assert result.output.startswith("错误：输入数据中有 1 个问题：\n  - judgments.csv，第 5 行，"
                                    "列“criterion_b”：不是判断矩阵 'learning_growth' 的指标")
    both = run_weights(str(config), "--config", str(config), command=configured())
    assert both.exit_code == 2
    assert both.output == ("错误：请给出矩阵文件 `FILE` 或 `--config CONFIG` 二者之一"
                           "（不能同时给出）\n")


def test_close_without_config_follows_the_language_its_run_recorded(tmp_path):
    results = tmp_path / "results"
    results.mkdir()
    for language, prefix in (("zh", "错误："), ("en", "error: ")):
        manifest = {"config": {"resolved": {"language": language}}, "outputs": {}}
        (results / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        result = CliRunner().invoke(main, ["close", str(results), "--by", "hr"])
        assert result.exit_code == 2
        assert result.output.startswith(prefix + str(results / "manifest.json"))
    assert result.output.endswith(": lists no output files\n")


def test_compare_follows_the_proposal_language(tmp_path):
    raw = example_raw()
    raw["language"] = "en"
    base = write_config(tmp_path, raw, file="base.yaml")
    raw["language"] = "zh"
    raw["period"] = "2026-13"
    proposal = write_config(tmp_path, raw, file="proposal.yaml")
    result = CliRunner().invoke(main, ["compare", str(base), str(proposal)])
    assert result.exit_code == 2
    assert result.output.startswith(f"错误：{proposal}：period：")
    result = CliRunner().invoke(main, ["compare", str(base), str(proposal),
                                       "--set", "language=en"])
    assert result.output.startswith(f"error: {proposal}: period: ")
