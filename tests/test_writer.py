"""The output writer: which files, CSV number formats, all-or-nothing."""

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

import appraisal
from appraisal.errors import InternalError, OutputExistsError
from appraisal.report.writer import write_csv

EXAMPLE = Path(__file__).resolve().parents[1] / "configs" / "example.yaml"


@pytest.fixture(scope="module")
def result():
    return appraisal.run(EXAMPLE)


def _with_output(result, **changes):
    output = result.config.output.model_copy(update={"charts": False, **changes})
    return replace(result, config=result.config.model_copy(update={"output": output}))


def test_only_the_configured_files_are_written_and_the_manifest_always(result, tmp_path):
    chosen = _with_output(result, files=("managers_csv", "weights_json"))
    out = appraisal.write_run(chosen, tmp_path / "out")
    assert sorted(p.name for p in out.iterdir()) == ["managers.csv", "manifest.json",
                                                      "weights.json"]


def test_csv_money_has_two_decimals_and_other_floats_follow_csv_decimals(result, tmp_path):
    frame = pd.DataFrame({"manager_id": ["M1"], "bonus_final": [123450], "k0": [0.8123456789],
                          "managers": [3], "excluded": [False]})
    write_csv(frame, tmp_path / "full.csv", result.columns)
    write_csv(frame, tmp_path / "short.csv", result.columns, decimals=4)
    full = (tmp_path / "full.csv").read_text(encoding="utf-8-sig").splitlines()[1]
    short = (tmp_path / "short.csv").read_text(encoding="utf-8-sig").splitlines()[1]
    assert full == "M1,1234.50,0.8123456789,3,False"
    assert short == "M1,1234.50,0.8123,3,False"


def test_csv_money_is_exact_decimal_text_from_cents(result, tmp_path):
    # beyond 2**53 / 100 yuan a float could not hold these cents; the text is exact
    cents = [123456, -5, 0, 900719925474099399, None]
    frame = pd.DataFrame({"bonus_final": pd.array(cents, dtype="Int64"), "managers": 1})
    write_csv(frame, tmp_path / "m.csv", result.columns)
    lines = (tmp_path / "m.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    assert lines == ["1234.56,1", "-0.05,1", "0.00,1", "9007199254740993.99,1", ",1"]


def test_a_column_the_registry_does_not_know_is_an_internal_error(result, tmp_path):
    with pytest.raises(InternalError, match="zz_new"):
        write_csv(pd.DataFrame({"zz_new": [1]}), tmp_path / "x.csv", result.columns)
    unknown = replace(result, managers=result.managers.assign(zz_new=1))
    with pytest.raises(InternalError, match=r"managers: column.*zz_new"):
        appraisal.write_run(_with_output(unknown), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_summary_figures_are_written_for_the_auditor(result, tmp_path):
    import json

    out = appraisal.write_run(_with_output(result), tmp_path / "out")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["pool_difference_cents"] == 0
    assert summary["totals_cents"]["bonus_final"] == int(result.managers["bonus_final"].sum())
    assert sum(g["count"] for g in summary["grades"]) == len(result.managers)
    gaps = pd.read_csv(out / "summary_gaps.csv", encoding="utf-8-sig")
    assert len(gaps) == len(result.scores)
    ranks = pd.read_csv(out / "summary_ranks.csv", encoding="utf-8-sig")
    assert list(ranks.columns) == ["manager_id", "rank_unit", "rank_in_unit", "rank_of"]
    columns = pd.read_csv(out / "columns.csv", encoding="utf-8-sig", keep_default_na=False)
    assert set(result.managers.columns) <= set(columns["key"])
    weights = json.loads((out / "weights.json").read_text(encoding="utf-8"))
    assert weights == json.loads(json.dumps(result.weights.to_dict()))


def test_csv_decimals_from_config(result, tmp_path):
    out = appraisal.write_run(_with_output(result, csv_decimals=2), tmp_path / "out")
    line = (out / "rorac.csv").read_text(encoding="utf-8-sig").splitlines()[1]
    numbers = [field for field in line.split(",") if "." in field]
    assert numbers and all(len(field.split(".")[1]) == 2 for field in numbers)


def test_existing_folder_is_kept_without_force(result, tmp_path):
    target = tmp_path / "closed"
    target.mkdir()
    with pytest.raises(OutputExistsError, match="--force"):
        appraisal.write_run(_with_output(result), target)
    assert list(target.iterdir()) == []


def _dead_pid() -> int:
    """The id of a process that has ended (a killed run's)."""
    import subprocess
    import sys

    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)
    return int(finished.stdout)


def test_work_folders_of_a_killed_run_are_removed_and_a_live_ones_kept(tmp_path):
    import os

    from appraisal.report.writer import remove_abandoned_staging

    dead = _dead_pid()
    target = tmp_path / "2026-10"
    abandoned = tmp_path / f".2026-10.staging-{dead}-abc123"
    (abandoned / "charts").mkdir(parents=True)
    retired = tmp_path / f".2026-10.old-{dead}-xyz"
    retired.mkdir()
    running = tmp_path / f".2026-10.staging-{os.getpid()}-live"
    running.mkdir()
    other = tmp_path / ".2026-11.staging-1-x"
    other.mkdir()
    assert remove_abandoned_staging(target) == [retired, abandoned]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([running.name, other.name])


def test_results_moved_aside_by_a_run_killed_before_the_new_ones_came_are_put_back(tmp_path):
    """`--force` moves the old folder aside, then the new one in: a kill between the two left
    no results folder; the next run (or close) finds the old results back in place."""
    from appraisal.report.writer import remove_abandoned_staging

    dead = _dead_pid()
    target = tmp_path / "2026-10"
    retired = tmp_path / f".2026-10.old-{dead}-xyz"
    (retired / "2026-10").mkdir(parents=True)
    (retired / "2026-10" / "manifest.json").write_text("{}", encoding="utf-8")
    finished_new = tmp_path / f".2026-10.staging-{dead}-abc"
    finished_new.mkdir()
    assert remove_abandoned_staging(target) == [retired, finished_new]
    assert (target / "manifest.json").read_text(encoding="utf-8") == "{}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-10"]
