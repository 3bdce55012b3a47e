"""Two runs into one output folder: never both succeed, never one silently replacing the other."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from appraisal.errors import OutputExistsError
from appraisal.report.writer import output_lock, write_run
from tests.example_config import example_raw, write_config
from tests.report_fixture import sample_run

REPO = Path(__file__).parents[1]


def test_a_folder_held_by_a_live_run_is_refused_naming_that_run(tmp_path):
    out = tmp_path / "results"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path; from appraisal.report.writer import "
         "output_lock\nwith output_lock(Path(sys.argv[1])):\n print('held', flush=True); "
         "time.sleep(60)", str(out)],
        stdout=subprocess.PIPE, text=True, cwd=REPO,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(OutputExistsError) as caught:
            write_run(sample_run(), out)
        assert f"process {holder.pid}" in str(caught.value)
        assert not out.exists()
    finally:
        holder.kill()
        holder.wait()


def test_a_lock_left_by_a_killed_run_is_taken_over(tmp_path):
    out = tmp_path / "results"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    lock = tmp_path / ".results.lock"
    lock.write_text(json.dumps({"pid": int(dead.stdout), "host": os.uname().nodename}),
                    encoding="utf-8")
    write_run(sample_run(), out)
    assert (out / "manifest.json").exists() and not lock.exists()


def test_the_lock_is_reentrant_within_one_process_and_released_after(tmp_path):
    out = tmp_path / "results"
    with output_lock(out):
        write_run(sample_run(), out)  # the CLI holds the lock around the computation too
        assert (tmp_path / ".results.lock").exists()
    assert not (tmp_path / ".results.lock").exists()


def test_two_concurrent_runs_into_one_new_folder_never_both_succeed(tmp_path):
    config = write_config(tmp_path, example_raw())
    out = tmp_path / "results"
    command = [sys.executable, "-m", "appraisal.cli", "run", str(config), "--out", str(out),
               "--quiet", "--set", "language=en"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, cwd=REPO) for _ in range(2)]
    finished = [(run.wait(timeout=300), run.stderr.read()) for run in runs if run.stderr]
    codes = sorted(code for code, _ in finished)
    assert codes == [0, 2], finished
    loser = next(err for code, err in finished if code == 2)
    assert "being written by another run" in loser or "already exists" in loser
    assert (out / "manifest.json").exists()
