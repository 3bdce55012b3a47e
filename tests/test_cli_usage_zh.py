"""click's usage errors (an unknown option, a missing value, an extra argument ...) in the
language of the config the command line names, before any parameter is read; exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from appraisal.cli import main
from appraisal.commands.language import usage_error_text, usage_language

EXAMPLE = str(Path(__file__).resolve().parents[1] / "configs" / "example.yaml")


def _invoke(*args: str):
    return CliRunner().invoke(main, list(args), prog_name="appraise", catch_exceptions=False)


def test_unknown_option_in_chinese():
    result = _invoke("run", EXAMPLE, "--quite")
    assert result.exit_code == 2
    assert result.output == (
        "用法：appraise run [OPTIONS] CONFIG\n"
        "运行 'appraise run --help' 查看帮助。\n\n"
        "错误：没有选项 '--quite'（是否想用以下之一：'--out', '--quiet'？）\n")


@pytest.mark.parametrize(("args", "reason"), [
    (("run", EXAMPLE, "extra"), "多余的参数（extra）"),
    (("run", EXAMPLE, "--out"), "选项 '--out' 需要一个值"),
    (("history", "export", "--config", EXAMPLE), "缺少选项 '--out'"),
    (("weights", "--config", EXAMPLE, "--method", "x"),
     "'--method' 的值无效：'x' 不是 'geometric-mean', 'eigenvector' 之一"),
    (("validate", EXAMPLE, "-x"), "没有选项 '-x'"),
])
def test_usage_errors_in_chinese(args, reason):
    result = _invoke(*args)
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == f"错误：{reason}"
    assert "Error" not in result.output and "Try " not in result.output


def test_english_config_and_no_config_keep_clicks_text():
    english = _invoke("run", EXAMPLE, "--set", "language=en", "--quite")
    assert english.exit_code == 2 and "Error: No such option '--quite'." in english.output
    bare = _invoke("sample", "--managers", "x", "--out", "somewhere")
    assert bare.exit_code == 2
    assert "Error: Invalid value for '--managers': 'x' is not a valid integer range." \
        in bare.output


@pytest.mark.parametrize(("message", "zh"), [
    ("No such option '-q'.", "没有选项 '-q'"),
    ("No such option '--ou'. Did you mean '--out'?", "没有选项 '--ou'（是否想用 '--out'？）"),
    ("No such command 'runn'. Did you mean 'run'?", "没有命令 'runn'（是否想用 'run'？）"),
    ("Missing argument 'CONFIG'.", "缺少参数 'CONFIG'"),
    ("Got unexpected extra arguments (a b)", "多余的参数（a b）"),
    ("Invalid value for '--top': 0 is not in the range 1<=x<=1000.",
     "'--top' 的值无效：0 不在范围 1<=x<=1000 内"),
    ("Invalid value for 'CONFIG': File 'x.yaml' does not exist.",
     "'CONFIG' 的值无效：路径 'x.yaml' 不存在"),
    ("something click says one day", "something click says one day"),
])
def test_usage_error_texts(message, zh):
    assert usage_error_text(message, "zh") == zh
    assert usage_error_text(message, "en") == message


def test_usage_language_reads_the_named_config(tmp_path):
    english = tmp_path / "en.yaml"
    english.write_text("language: en\n", encoding="utf-8")
    assert usage_language(["run", EXAMPLE, "--bad"]) == "zh"
    assert usage_language(["run", str(english)]) == "en"
    assert usage_language(["run", EXAMPLE, "--set", "language=en"]) == "en"
    assert usage_language(["sample", "--out", str(tmp_path)]) == "en"
