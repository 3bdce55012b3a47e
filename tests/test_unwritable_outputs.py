"""A file a person names that cannot be written (a file in the way of its folder): exit 4, the
file and the system's reason named in the config's language, nothing written, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from appraisal.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "configs" / "example.yaml"


@pytest.fixture
def blocker(tmp_path) -> Path:
    path = tmp_path / "a-file"
    path.write_text("", encoding="utf-8")
    return path


def _invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize(("language", "expected"), [
    ("zh", "错误：无法写入 {path}（{path}：路径中有一个文件而不是文件夹）；未写入任何文件。"
           "请确认文件夹存在且可写入，或另选 --issues\n"),
    ("en", "error: could not write {path} ({path}: Not a directory); nothing was written. Check "
           "that the folder exists and may be written, or choose another --issues\n"),
])
def test_validate_issues_file_that_cannot_be_written(blocker, language, expected):
    target = blocker / "issues.csv"
    result = _invoke("validate", EXAMPLE, "--issues", target, "--set", f"language={language}")
    assert result.exit_code == 4
    assert result.output.splitlines(keepends=True)[-1] == expected.format(path=target)
    assert sorted(p.name for p in blocker.parent.iterdir()) == ["a-file"]


def test_sample_into_a_folder_that_cannot_be_made(blocker):
    target = blocker / "branch"
    result = _invoke("sample", "--managers", 3, "--accounts", 10, "--out", target)
    assert result.exit_code == 4, result.output
    assert result.output == (
        f"error: could not write {target} ({target}: Not a directory); nothing was written. "
        "Check that the folder exists and may be written, or choose another --out\n")
    assert sorted(p.name for p in blocker.parent.iterdir()) == ["a-file"]


def test_run_into_a_file_names_the_reason_in_chinese(blocker):
    target = blocker / "results"
    result = _invoke("run", EXAMPLE, "--out", target, "--quiet")
    assert result.exit_code == 4
    assert result.output == (f"错误：无法将结果写入 {target}（{blocker}：已有同名文件）；"
                             "该处未写入任何文件。请释放磁盘空间、检查文件夹权限，或另选 --out\n")
    assert sorted(p.name for p in blocker.parent.iterdir()) == ["a-file"]
