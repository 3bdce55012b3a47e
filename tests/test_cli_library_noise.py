"""What a command prints is its own, in the config's language: a library's log records
(matplotlib's `findfont: Failed to find font weight normal for AR PL UMing CN`, py4j's
traceback of a lost JVM) stay off the terminal; APPRAISE_DEBUG=1 shows them. And the first run
into a new ledger says so, once: its carry-in is the config's, not an earlier month's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from appraisal.cli import main
from tests.example_config import example_raw, write_config

_AFTER_A_COMMAND = """
import logging, sys
from appraisal.cli import main
main(["sample", "--managers", "1", "--accounts", "1", "--out", sys.argv[1]],
     standalone_mode=False)
for name in ("matplotlib.font_manager", "py4j.clientserver", "PIL.PngImagePlugin"):
    logging.getLogger(name).warning("findfont: Failed to find font weight normal for X")
"""


@pytest.mark.parametrize(("debug", "shown"), [("", False), ("1", True)])
def test_library_log_records_stay_off_the_terminal(tmp_path: Path, debug: str, shown: bool):
    env = {key: value for key, value in os.environ.items() if key != "APPRAISE_DEBUG"}
    if debug:
        env["APPRAISE_DEBUG"] = debug
    done = subprocess.run([sys.executable, "-c", _AFTER_A_COMMAND, str(tmp_path / "s")],
                          capture_output=True, text=True, env=env, timeout=120, check=True)
    assert ("findfont" in done.stderr) is shown, done.stderr


def test_the_first_run_into_a_new_ledger_says_it_is_new(tmp_path: Path):
    raw = example_raw()
    raw["history"] = {}
    config = write_config(tmp_path, raw)
    ledger = tmp_path / "history.sqlite"
    first = CliRunner().invoke(main, ["run", str(config), "--out", str(tmp_path / "a")])
    assert first.exit_code == 0, first.output
    said = (f"警告：台账 sqlite:///{ledger} 是新建的：其中尚无已关账的期间，因此本次运行的上期结转"
            "取自配置；如果本单位以前的月份是在另一个台账中关账的，请将 history.url 指向该台账")
    assert first.output.count(said) == 1, first.output
    again = CliRunner().invoke(main, ["run", str(config), "--out", str(tmp_path / "b")])
    assert again.exit_code == 0 and "新建" not in again.output
