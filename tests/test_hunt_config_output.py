"""`output.dir` with a placeholder other than {period} and {unit}, or a lone brace, is refused
naming the key when the config is read (was an internal error when the folder was named)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from example_config import example_raw, write_config

from appraisal.cli import main

CASES = [
    ("{perod}",
     "output.dir: unknown placeholder {perod}, got 'res/{perod}'; the folder may use {period}, "
     "{unit}",
     "output.dir：未知的占位符 {perod}（实际为 'res/{perod}'）；输出文件夹只能使用 {period}, "
     "{unit}"),
    ("{",
     "output.dir: a brace that is not a placeholder, got 'res/{'; the folder may use {period}, "
     "{unit} (a brace itself is written twice: {{, }})",
     "output.dir：有一个不是占位符的花括号（实际为 'res/{'）；输出文件夹只能使用 {period}, {unit}"
     "（花括号本身要写两次：{{, }}）"),
    ("{period!r}",
     "output.dir: unknown placeholder {period!r}, got 'res/{period!r}'; the folder may use "
     "{period}, {unit}",
     "output.dir：未知的占位符 {period!r}（实际为 'res/{period!r}'）；输出文件夹只能使用 {period}, "
     "{unit}"),
]


@pytest.mark.parametrize(("tail", "english", "chinese"), CASES, ids=[c[0] for c in CASES])
def test_a_bad_output_dir_template_is_a_config_error(tmp_path, tail, english, chinese):
    for language, expected in (("en", f"error: CONFIG: {english}\n"),
                               ("zh", f"错误：CONFIG：{chinese}\n")):
        raw = example_raw()
        raw["language"] = language
        raw["output"]["dir"] = f"res/{tail}"
        folder = tmp_path / language
        folder.mkdir()
        config = write_config(folder, raw)
        ran = CliRunner().invoke(main, ["run", str(config), "--quiet"])
        assert (ran.exit_code, ran.output.replace(str(config), "CONFIG")) == (2, expected)
        assert not (folder / "res").exists()


def test_period_and_unit_placeholders_name_the_folder(tmp_path):
    from appraisal.config import load_config
    from appraisal.report.writer import output_dir_for

    raw = example_raw()
    raw["output"]["dir"] = "res/{unit}-{period}"
    loaded = load_config(write_config(tmp_path, raw))
    assert output_dir_for(loaded.config, loaded.path) == tmp_path / "res" / "BR01-2026-10"
