"""`-h` / `--help` in Chinese: for a command line naming a zh config, or a Chinese locale;
every command's and option's help has its Chinese (commands/help.py HELP_ZH)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from appraisal.cli import main
from appraisal.commands.help import HELP_ZH, help_texts

EXAMPLE = str(Path(__file__).resolve().parents[1] / "configs" / "example.yaml")


def _help(*args: str, lang: str = "C.UTF-8") -> str:
    result = CliRunner(env={"LANG": lang, "LC_ALL": None, "LC_MESSAGES": None}).invoke(
        main, list(args), prog_name="appraise", catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_every_help_text_has_its_chinese():
    missing = [text for text in help_texts(main) if text not in HELP_ZH]
    assert not missing, missing
    for english, chinese in HELP_ZH.items():
        assert re.search(r"[\u4e00-\u9fff]", chinese), english
        # the options, paths and keys a person types stay as they are
        for token in re.findall(r"--[a-z-]+|\b[a-z_]+\.[a-z_.\[\]0-9]+", english):
            assert token.rstrip(".") in chinese or token == "e.g.", (token, english)


def test_run_help_for_a_chinese_config():
    shown = _help("run", EXAMPLE, "--help")
    assert shown.startswith("用法：appraise run [OPTIONS] CONFIG\n\n  按 CONFIG 运行完整的考核")
    assert "\n选项：\n" in shown and "  --out DIRECTORY " in shown
    assert "输出文件夹（默认：配置的 output.dir）。" in shown
    assert "-h, --help" in shown and "显示本帮助并退出。" in shown
    assert not re.search(r"\b(Usage|Options|Show|Output|folder|default)\b", shown), shown


def test_locale_decides_without_a_config():
    shown = _help("--help", lang="zh_CN.UTF-8")
    assert shown.startswith("用法：appraise [OPTIONS] COMMAND [ARGS]...")
    assert "\n命令：\n" in shown and "  run       按 CONFIG 运行完整的考核" in shown
    sample = _help("sample", "-h", lang="zh_CN.UTF-8")
    assert "客户经理人数。  [默认：60；x>=1]" in sample
    assert _help("--help").startswith("Usage: appraise [OPTIONS] COMMAND [ARGS]...")


@pytest.mark.parametrize("args", [("run", EXAMPLE, "--set", "language=en", "--help"),
                                  ("weights", "--help")])
def test_english_stays_clicks(args):
    shown = _help(*args)
    assert shown.startswith("Usage: appraise ") and "Options:" in shown
    assert not re.search(r"[\u4e00-\u9fff]", shown)


def test_history_export_help_nested():
    shown = _help("history", "export", "--config", EXAMPLE, "--help")
    assert "将每个已关账版本的逐人薪酬写成 CSV" in shown and "  [必填]" in shown


def test_a_command_invoked_on_its_own_first_keeps_h_and_its_usage_errors():
    """A command invoked by itself (a script, a test) before the group: its usage error is
    click's exit 2 (was an internal error from an empty command line), and `-h` stays."""
    from appraisal.commands.language import usage_language
    from appraisal.commands.sample import sample_command

    assert usage_language([]) == "en"
    assert usage_language(["--set"]) == "en"
    alone = CliRunner().invoke(sample_command, ["--period", "2026-13"])
    assert alone.exit_code == 2 and "Traceback" not in alone.output
    assert CliRunner().invoke(sample_command, ["-h"]).exit_code == 0
    assert "客户经理人数。" in _help("sample", "-h", lang="zh_CN.UTF-8")


def test_chinese_help_wraps_by_terminal_columns_never_inside_a_key():
    from appraisal.commands.help import wrap_cjk
    from appraisal.console import width

    text = ("按路径覆盖一个配置项，如 bonus.shared_pool.withhold_rate=0.1 或 "
            "scorecard.grading.grades[0].min_score=105（可重复；与配置文件一样校验；"
            "记入 manifest）。")
    lines = wrap_cjk(text, 44)
    assert lines == ["按路径覆盖一个配置项，如",
                     "bonus.shared_pool.withhold_rate=0.1 或",
                     "scorecard.grading.grades[0].min_score=105",
                     "（可重复；与配置文件一样校验；记入", "manifest）。"]
    assert all(width(line) <= 44 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert not any(line.endswith("（") or line.startswith(("，", "。", "；")) for line in lines)
    # a break of the source text between two Chinese characters adds no space
    assert wrap_cjk("写入 OUT：\n同一随机种子", 80) == ["写入 OUT：同一随机种子"]
    assert wrap_cjk("一段。\n\n二段。", 80) == ["一段。", "", "二段。"]


@given(st.text(alphabet="客户经理奖金，。（）ab. _=1", max_size=120), st.integers(12, 100))
def test_wrapped_lines_fit_and_lose_nothing(text, columns):
    from appraisal.commands.help import wrap_cjk
    from appraisal.console import width

    lines = wrap_cjk(text, columns)
    assert "".join(lines).replace(" ", "") == "".join(text.split())
    for line in lines:  # only a word longer than the line (or punctuation kept with it) runs on
        if width(line) > columns:
            assert " " not in line.strip() or width(max(line.split(), key=width)) + 2 > columns


def test_every_line_of_the_run_help_fits_80_columns():
    from appraisal.console import width

    result = CliRunner(env={"LANG": "zh_CN.UTF-8", "LC_ALL": None, "LC_MESSAGES": None,
                            "COLUMNS": "80"}).invoke(main, ["run", "-h"], prog_name="appraise",
                                                     terminal_width=80)
    assert result.exit_code == 0
    assert max(width(line) for line in result.output.splitlines()) <= 80, result.output
    assert "bonus.shared_pool.withhold_rate=0.1" in result.output
