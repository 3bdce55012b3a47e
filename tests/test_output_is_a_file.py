"""An output.dir that is an existing file: refused with or without --force (it was told to
pass --force, which then failed), naming it; the file is left as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from example_config import example_raw, write_config

from appraisal.cli import main


@pytest.mark.parametrize("force", [False, True])
@pytest.mark.parametrize("language", ["zh", "en"])
def test_run_into_a_file_is_refused_and_the_file_kept(tmp_path: Path, force: bool,
                                                      language: str) -> None:
    target = tmp_path / "results.xlsx"
    target.write_bytes(b"finance's own file")
    raw = example_raw()
    raw["language"] = language
    raw.setdefault("output", {})["dir"] = str(target)  # --out itself: click refuses a file
    config = write_config(tmp_path, raw)
    args = ["run", str(config), "--quiet", *(["--force"] if force else [])]
    result = CliRunner().invoke(main, args)
    assert result.exit_code != 0 and result.exit_code != 1, result.output
    said = {"zh": f"{target} 已存在且是文件，不是文件夹：请另选 --out（或 output.dir）；"
                  "结果从不替换文件",
            "en": f"{target} exists and is a file, not a folder: choose another --out (or "
                  "output.dir); a file is never replaced by results"}[language]
    assert said in result.output, result.output
    assert "--force" not in result.output
    assert target.read_bytes() == b"finance's own file"
