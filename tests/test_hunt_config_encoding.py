"""A config saved as GBK (Windows Notepad's ANSI) is refused in its own language, naming the
line and the way out (was an English message under language: zh)."""

from __future__ import annotations

from click.testing import CliRunner

from appraisal.cli import main

TEXT = "period: 2026-10\nunit: {id: BR01, name: 滨江分行}\nlanguage: %s\n"


def _run(tmp_path, language, data):
    config = tmp_path / f"{language}.yaml"
    config.write_bytes(data)
    out = tmp_path / "out"
    ran = CliRunner().invoke(main, ["run", str(config), "--out", str(out), "--quiet"])
    assert not out.exists()
    return ran.exit_code, ran.output.replace(str(config), "CONFIG")


def test_a_gbk_config_is_refused_in_its_language(tmp_path):
    assert _run(tmp_path, "zh", (TEXT % "zh").encode("gbk")) == (2, (
        "错误：CONFIG：配置文件必须是 UTF-8 文本；该文件以 GBK 编码保存（第 2 行）："
        "请另存为 UTF-8 编码（记事本中：“另存为”，编码选 UTF-8）\n"))
    assert _run(tmp_path, "en", (TEXT % "en").encode("gbk")) == (2, (
        "error: CONFIG: config file must be UTF-8 text; it is saved as GBK (line 2): save it as "
        "UTF-8 (in Notepad: Save as, Encoding UTF-8)\n"))


def test_bytes_of_no_encoding_name_their_line(tmp_path):
    data = (TEXT % "en").encode() + b"# \xff\xff\n"
    assert _run(tmp_path, "en", data) == (
        2, "error: CONFIG: config file must be UTF-8 text (line 4 is not): save it as UTF-8\n")
