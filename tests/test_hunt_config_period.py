"""A period whose year the engine cannot hold (9999-12, 0000-01) is refused naming `period`,
never an internal error mid-run (pandas holds dates from 1677 to 2262 only)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from example_config import refused_run

from appraisal.cli import main
from appraisal.config.base import parse_period


@pytest.mark.parametrize("label", ["9999-12", "0000-01", "2201", "1899-Q4"])
def test_a_period_outside_the_years_the_engine_holds_is_refused(tmp_path, label):
    for language, expected in (
        ("en", f"error: CONFIG: period: period year must be from 1900 to 2200, got '{label}'\n"),
        ("zh", f"错误：CONFIG：period：考核期的年份必须在 1900 到 2200 之间（实际为 '{label}'）\n"),
    ):
        assert refused_run(tmp_path / language, language,
                           lambda raw: raw.update(period=label)) == (2, expected)


def test_the_years_at_the_bounds_are_periods():
    assert parse_period("1900-01").start.isoformat() == "1900-01-01"
    assert parse_period("2200-H2").end.isoformat() == "2200-12-31"


def test_sample_refuses_such_a_period_before_writing(tmp_path):
    out = tmp_path / "sample"
    ran = CliRunner().invoke(main, ["sample", "--period", "9999-12", "--out", str(out)])
    assert ran.exit_code == 2
    assert "period year must be from 1900 to 2200, got '9999-12'" in ran.output
    assert not out.exists()
