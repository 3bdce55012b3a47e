"""Small things in messages a user reads: one `got`, no `(got nan)`, one spelling of `error:`."""

from __future__ import annotations

import math
import re
from pathlib import Path

from click.testing import CliRunner

from appraisal.cli import main
from appraisal.errors import InputIssue, IssueCode
from tests.example_config import example_raw, write_config


def test_a_bad_period_names_the_value_once(tmp_path):
    raw = example_raw()
    raw["language"] = "en"
    raw["period"] = "2026-13"
    config = write_config(tmp_path, raw)
    result = CliRunner().invoke(main, ["validate", str(config)])
    assert result.exit_code == 2
    assert result.output.count("got '2026-13'") == 1, result.output


def test_a_missing_value_is_not_shown_as_nan():
    for missing in (math.nan, float("nan")):
        issue = InputIssue("business.csv", 5, "balance", "empty cell", missing, "a number",
                           code=IssueCode.BLANK)
        assert "nan" not in issue.describe()


def test_every_command_spells_error_the_same_way():
    source = Path(__file__).parents[1] / "appraisal"
    for path in source.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""echo\(f?["']Error:""", text), path


def test_quiet_prints_nothing_but_the_result_line(tmp_path):
    """--quiet: no progress and no library warnings (font lookups, a fresh font cache)."""
    import os
    import subprocess
    import sys

    import yaml

    config = write_config(tmp_path, example_raw())
    raw = yaml.safe_load(config.read_text(encoding="utf-8"))
    raw["output"]["charts"] = True  # charts draw with matplotlib's fonts
    config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    env = os.environ | {"MPLCONFIGDIR": str(tmp_path / "mpl"), "PYTHONWARNINGS": "always"}
    done = subprocess.run(
        [sys.executable, "-m", "appraisal.cli", "run", str(config), "--out",
         str(tmp_path / "out"), "--quiet"],
        capture_output=True, text=True, env=env, cwd=Path(__file__).parents[1], check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
