"""`-h` / `--help` in Chinese: for a command line naming a zh config, or a Chinese locale;
every command's and option's help has its Chinese (commands/help.py HELP_ZH)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

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
