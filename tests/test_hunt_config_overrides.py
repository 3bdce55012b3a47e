"""`--set` on the command line: a key given twice (or a section and a key inside it) is
refused, never last-one-wins; an engine setting written as a number is the text it means."""

from __future__ import annotations

from click.testing import CliRunner
from example_config import example_raw, write_config

from appraisal.cli import main
from appraisal.config import load_config


def _config(folder, language="en"):
    raw = example_raw()
    raw["language"] = language
    folder.mkdir(exist_ok=True)
    return write_config(folder, raw)


def test_a_key_set_twice_is_refused_in_both_languages(tmp_path):
    first, second = ("bonus.shared_pool.withhold_rate=0.1", "bonus.shared_pool.withhold_rate=0.2")
    for language, expected in (
        ("en", "error: CONFIG: bonus.shared_pool.withhold_rate: --set gives this key twice "
               f"('{first}' and '{second}'); keep one\n"),
        ("zh", "错误：CONFIG：bonus.shared_pool.withhold_rate：--set 两次给出了这个键"
               f"（'{first}' 和 '{second}'）；请只保留一个\n"),
    ):
        config = _config(tmp_path / language, language)
        out = tmp_path / language / "out"
        ran = CliRunner().invoke(main, ["run", str(config), "--out", str(out), "--quiet",
                                        "--set", first, "--set", second])
        assert (ran.exit_code, ran.output.replace(str(config), "CONFIG")) == (2, expected)
        assert not out.exists()


def test_a_section_and_a_key_inside_it_are_refused(tmp_path):
    config = _config(tmp_path)
    ran = CliRunner().invoke(main, [
        "validate", str(config), "--set", "bonus.shared_pool={withhold_rate: 0.1}",
        "--set", "bonus.shared_pool.withhold_rate=0.2"])
    assert ran.exit_code == 2
    assert "bonus.shared_pool.withhold_rate: --set gives this key twice" in ran.output


def test_different_keys_and_list_items_may_be_set_together(tmp_path):
    loaded = load_config(_config(tmp_path), [
        "scorecard.grading.grades[0].min_score=115", "scorecard.grading.grades[1].min_score=105",
        "bonus.shared_pool.withhold_rate=0.1"])
    grades = loaded.config.scorecard.grading.grades
    assert (grades[0].min_score, grades[1].min_score) == (115, 105)


def test_an_engine_setting_written_as_a_number_is_its_text(tmp_path):
    loaded = load_config(_config(tmp_path), ["engine.options={threads: 2}"])
    assert loaded.config.engine.options == {"threads": "2"}
