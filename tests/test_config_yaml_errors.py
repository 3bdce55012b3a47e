"""A config that is not valid YAML: the line and column, PyYAML's problem, what to do about
it, in the language its `language:` line asks for (zh when it has none, the config's default);
exit 2, nothing written."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from appraisal.cli import main
from appraisal.messages import language_of_config

CASES = [
    ("period: 2026-10\n  inputs: x\n", 3, 9,
     "mapping values are not allowed here): check the indentation of this line, and put a "
     "value holding ': ' in quotes",
     "此处不能出现“: ”）：请检查该行的缩进；值中含有“: ”时请加引号"),
    ("\tperiod: 2026-10\n", 2, 1,
     "found character '\\t' that cannot start any token): indent with spaces, not tabs",
     "出现了不能用在此处的字符 '\\t'）：请用空格缩进，不要用制表符（Tab）"),
    ('period: "2026-10\n', 3, 1,
     "found unexpected end of stream): a quote is not closed",
     "文件意外结束）：有未闭合的引号"),
    ('path: "C:\\data\\x.csv"\n', 2, 11,
     "found unknown escape character 'd'): in double quotes a backslash starts an escape: use "
     "single quotes for a Windows path",
     "出现了未知的转义字符 'd'）：双引号中的反斜杠表示转义：Windows 路径请用单引号"),
    ("unit: *head\n", 2, 7,
     "found undefined alias 'head'): a '*' starts an alias: put a value starting with '*' in "
     "quotes",
     "出现了未定义的别名 'head'）：“*”表示 YAML 别名：以“*”开头的值请加引号"),
    ("period:2026-10\nunit: a\n", 3, 1,
     "could not find expected ':'): each setting is 'key: value', with a space after the colon",
     "找不到应有的“:”）：每项设置写作“键: 值”，冒号后要有空格"),
    ("bonus:\n    a: 1\n  b: 2\n", 4, 3,
     "expected <block end>, but found '<block mapping start>'): this line is indented "
     "differently from the keys beside it",
     "此处应为缩进块的结束，却出现了新的一组键）：该行的缩进与同级的键不一致"),
    ("units: [a, b\n", 3, 1,
     "expected ',' or ']', but got '<stream end>'): a '[' or '{' is not closed",
     "此处应为“,”或“]”，却出现了文件结尾）：有未闭合的“[”或“{”"),
]


def _refused(tmp_path, text: str) -> str:
    config = tmp_path / "config.yaml"
    config.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(config), "--out", str(out), "--quiet"])
    assert result.exit_code == 2, result.output
    assert not out.exists()
    assert "Traceback" not in result.output
    return result.output


@pytest.mark.parametrize(("body", "line", "column", "english", "chinese"), CASES)
def test_yaml_mistake_in_english(tmp_path, body, line, column, english, chinese):
    output = _refused(tmp_path, "language: en\n" + body)
    assert output == (f"error: {tmp_path / 'config.yaml'}: line {line}, column {column}: "
                      f"not valid YAML ({english}\n")


@pytest.mark.parametrize(("body", "line", "column", "english", "chinese"), CASES)
def test_yaml_mistake_in_chinese(tmp_path, body, line, column, english, chinese):
    output = _refused(tmp_path, "language: zh\n" + body)
    assert output == (f"错误：{tmp_path / 'config.yaml'}：第 {line} 行第 {column} 列："
                      f"不是有效的 YAML（{chinese}\n")


@pytest.mark.parametrize(("text", "language"), [
    ("language: en\nperiod: [2026\n", "en"),
    ("'language': \"en\"   # English sheets\nperiod: [2026\n", "en"),
    ("language: zh\r\nperiod: [2026\r\n", "zh"),
    ("period: [2026\n", "zh"),  # no language line: the config's default
    ("bonus:\n  language: en\nperiod: [2026\n", "zh"),  # not the root key
    ("- language: en\n", "zh"),  # not a mapping
    ("", "zh"),
])
def test_the_language_of_a_broken_config(tmp_path, text, language):
    config = tmp_path / "config.yaml"
    config.write_text(text, encoding="utf-8")
    assert language_of_config(config) == language


def test_a_config_that_is_not_a_mapping_is_refused_in_the_default_language(tmp_path):
    output = _refused(tmp_path, "- period: 2026-10\n")
    assert output == f"错误：{tmp_path / 'config.yaml'}：文件内容必须是 YAML 映射（“键: 值”行）\n"
