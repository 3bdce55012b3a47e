"""A reader that goes away (`appraise run ... 2>&1 | head`, a log collector that died) does not
stop the command: the run still writes every output and exits 0; a listing ends quietly. Before,
the first progress line after the reader left was an internal error, exit 1, nothing written.
The pipe is real: its reading end is closed before the command prints anything."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.example_config import example_raw, write_config


def _unread(*args: str) -> int:
    process = subprocess.Popen([sys.executable, "-m", "appraisal.cli", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert process.stdout is not None
    process.stdout.close()  # the reader is gone before the first line
    return process.wait(timeout=300)


def test_a_run_whose_output_nobody_reads_still_writes_its_results(tmp_path: Path):
    config = write_config(tmp_path, example_raw())
    out = tmp_path / "out"
    assert _unread("run", str(config), "--out", str(out)) == 0
    assert (out / "manifest.json").is_file() and (out / "bonus_sheet.xlsx").is_file()


def test_a_refused_run_keeps_its_exit_code(tmp_path: Path):
    raw = example_raw()
    raw["bonus"]["shared_pool"]["withhold_rate"] = 2
    assert _unread("run", str(write_config(tmp_path, raw)), "--out", str(tmp_path / "o")) == 2
    assert not (tmp_path / "o").exists()


def test_listings_end_quietly(tmp_path: Path):
    config = write_config(tmp_path, example_raw())
    assert _unread("validate", str(config)) == 0
    assert _unread("weights", "--config", str(config)) == 0
