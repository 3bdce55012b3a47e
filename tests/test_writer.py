"""The output writer: which files, CSV number formats, all-or-nothing."""

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

import appraisal
from appraisal.errors import OutputExistsError
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


def test_csv_money_has_two_decimals_and_other_floats_follow_csv_decimals(tmp_path):
    frame = pd.DataFrame({"manager_id": ["M1"], "bonus_final": [1234.5], "k0": [0.8123456789],
                          "managers": [3], "excluded": [False]})
    write_csv(frame, tmp_path / "full.csv")
    write_csv(frame, tmp_path / "short.csv", decimals=4)
    full = (tmp_path / "full.csv").read_text(encoding="utf-8-sig").splitlines()[1]
    short = (tmp_path / "short.csv").read_text(encoding="utf-8-sig").splitlines()[1]
    assert full == "M1,1234.50,0.8123456789,3,False"
    assert short == "M1,1234.50,0.8123,3,False"


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
