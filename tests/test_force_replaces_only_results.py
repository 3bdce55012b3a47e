"""`--force` replaces an earlier run's results folder (or an empty one), never other files: a
folder holding a config, inputs, the history ledger or anything its manifest does not list is
refused naming them, exit 2, every file left as it was. Before, `appraise run config.yaml --out
. --force` deleted the config, the ledger and every closed period beside it."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from appraisal.cli import main
from tests.example_config import example_raw, write_config


def _config(tmp_path: Path) -> Path:
    (tmp_path / "cfg").mkdir()
    return write_config(tmp_path / "cfg", example_raw())


def _run(config: Path, out: Path, language: str = "en"):
    return CliRunner().invoke(main, ["run", str(config), "--out", str(out), "--force",
                                     "--quiet", "--set", f"language={language}"])


def test_the_config_folder_is_never_replaced(tmp_path: Path):
    config = write_config(tmp_path, example_raw())
    (tmp_path / "history.sqlite").write_bytes(b"ledger")
    result = _run(config, tmp_path)
    assert result.exit_code == 2
    assert result.output == (
        f"error: output folder {tmp_path} holds files no run of appraise wrote there "
        "(config.yaml, history.sqlite); --force replaces only the results folder of an earlier "
        "run, never other files: choose another --out\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml", "history.sqlite"]
    assert (tmp_path / "history.sqlite").read_bytes() == b"ledger"


def test_in_chinese_with_more_files_than_it_names(tmp_path: Path):
    config = _config(tmp_path)
    out = tmp_path / "data"
    out.mkdir()
    for name in ("a.csv", "b.csv", "c.csv", "d.csv", "e.csv"):
        (out / name).write_text("x", encoding="utf-8")
    result = _run(config, out, "zh")
    assert result.exit_code == 2
    assert result.output == (
        f"错误：输出文件夹 {out} 中有并非 appraise 运行写入的文件（a.csv, b.csv, c.csv, ...）；"
        "--force 只替换以前某次运行的结果文件夹，绝不删除其他文件：请另选 --out\n")
    assert len(list(out.iterdir())) == 5


def test_an_earlier_run_is_replaced_even_after_finder_or_excel_opened_it(tmp_path: Path):
    config = _config(tmp_path)
    out = tmp_path / "2026-10"
    assert _run(config, out).exit_code == 0
    (out / ".DS_Store").write_bytes(b"\0")
    (out / "~$bonus_sheet.xlsx").write_bytes(b"\0")
    (out / "managers.csv").write_text("edited in Excel", encoding="utf-8")
    result = _run(config, out)
    assert result.exit_code == 0, result.output
    assert not (out / ".DS_Store").exists()
    assert (out / "managers.csv").read_text(encoding="utf-8-sig").startswith("manager_id,")


def test_a_file_added_to_an_earlier_run_stops_the_replacement(tmp_path: Path):
    config = _config(tmp_path)
    out = tmp_path / "2026-10"
    assert _run(config, out).exit_code == 0
    (out / "extra").mkdir()
    (out / "extra" / "notes.txt").write_text("keep me", encoding="utf-8")
    (out / "inputs").symlink_to(tmp_path / "cfg", target_is_directory=True)
    result = _run(config, out)
    assert result.exit_code == 2
    assert "(inputs, extra/notes.txt)" in result.output
    assert (out / "extra" / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_an_empty_folder_is_replaced(tmp_path: Path):
    config = _config(tmp_path)
    out = tmp_path / "new"
    (out / "sub").mkdir(parents=True)
    assert _run(config, out).exit_code == 0
    assert (out / "manifest.json").is_file()


def test_compare_force_is_held_to_the_same_rule(tmp_path: Path):
    config = write_config(tmp_path, example_raw())
    result = CliRunner().invoke(main, ["compare", str(config), str(config), "--out",
                                       str(tmp_path), "--force"])
    assert result.exit_code == 2
    assert "config.yaml" in result.output and (tmp_path / "config.yaml").is_file()
