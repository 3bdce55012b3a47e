"""A run stopped by a signal, as a person (Ctrl-C, SIGINT) or a scheduler (`kill`, SIGTERM)
stops it: one line in the config's language, exit 130 or 143, nothing written, no hidden work
folder left. The signal is real, sent by the process to itself while it writes its outputs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.example_config import example_raw, write_config

_STOPPED_WHILE_WRITING = """
import os, signal, sys, time
import appraisal.report.writer as writer
written = writer._write_all
def _write_all(*args, **kwargs):
    written(*args, **kwargs)  # every file is in the staging folder: then the signal comes
    os.kill(os.getpid(), signal.{name})
    time.sleep(30)
writer._write_all = _write_all
from appraisal.cli import main
main(sys.argv[1:], prog_name="appraise")
"""


@pytest.mark.parametrize(("name", "code", "zh", "en"), [
    ("SIGTERM", 143, "已终止；没有写入任何文件", "terminated; nothing was written"),
    ("SIGINT", 130, "已中断；没有写入任何文件", "interrupted; nothing was written"),
])
@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_signal_while_writing_leaves_nothing(tmp_path: Path, name, code, zh, en, language):
    raw = example_raw()
    raw["language"] = language
    config = write_config(tmp_path, raw)
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-c", _STOPPED_WHILE_WRITING.format(name=name), "run", str(config),
         "--out", str(out), "--quiet"],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert done.returncode == code, done.stderr
    assert done.stderr.strip().splitlines()[-1] == (zh if language == "zh" else en)
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml"]


def test_the_previous_sigterm_handler_is_restored():
    from click.testing import CliRunner

    from appraisal.cli import main

    before = signal.getsignal(signal.SIGTERM)
    CliRunner().invoke(main, ["--version"])
    CliRunner().invoke(main, ["weights", "--help"])
    assert signal.getsignal(signal.SIGTERM) is before
