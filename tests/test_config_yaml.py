"""config.yaml as YAML: a key written twice and alias bombs are refused before anything is built."""

from __future__ import annotations

from pathlib import Path

import pytest

from appraisal.config import MAX_CONFIG_BYTES, load_config
from appraisal.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def _example_text() -> str:
    text = (ROOT / "configs" / "example.yaml").read_text(encoding="utf-8")
    return text.replace("../input_samples", str(ROOT / "input_samples"))


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_key_written_twice_names_both_lines_and_its_key_path(tmp_path):
    lines = _example_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("withhold_rate:"))
    lines.insert(at + 1, "    withhold_rate: 0.10")
    with pytest.raises(ConfigError) as caught:
        load_config(_write(tmp_path, "\n".join(lines) + "\n"))
    message = str(caught.value)
    assert "bonus.shared_pool.withhold_rate: given twice" in message
    assert f"lines {at + 1} and {at + 2}" in message


def test_duplicate_keys_at_every_level_are_reported_together(tmp_path):
    text = "period: 2026-10\nperiod: 2026-11\nunit: {id: B, id: C}\n"
    with pytest.raises(ConfigError) as caught:
        load_config(_write(tmp_path, text))
    assert "period: given twice, on lines 1 and 2" in str(caught.value)
    assert "unit.id: given twice, on lines 3 and 3" in str(caught.value)


def test_an_alias_bomb_is_refused_without_expanding_it(tmp_path):
    rows = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for name, previous in zip("bcdefgh", "abcdefg", strict=True):
        rows.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 10) + "]")
    rows.append("period: *h")  # 10^8 values once expanded
    with pytest.raises(ConfigError, match="expands to more than 100,000 values"):
        load_config(_write(tmp_path, "\n".join(rows) + "\n"))


def test_a_self_referring_alias_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="refers to itself"):
        load_config(_write(tmp_path, "period: &p [*p]\n"))


def test_a_config_larger_than_the_bound_is_refused_before_parsing(tmp_path):
    text = "# " + "x" * MAX_CONFIG_BYTES + "\n"
    with pytest.raises(ConfigError, match="larger than"):
        load_config(_write(tmp_path, text))


def test_small_anchors_and_aliases_still_work(tmp_path):
    text = _example_text()
    text = text.replace("language: zh ", "language: &lang en ", 1)
    text = text.replace("  language: null ", "  language: *lang ", 1)
    assert "*lang" in text
    loaded = load_config(_write(tmp_path, text))
    assert loaded.config.output.language == "en" == loaded.config.language
