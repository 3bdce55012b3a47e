"""`appraise run | validate` end to end on the sample: outputs, errors, atomicity, determinism."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from example_config import write_config

import appraisal
from appraisal.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "configs" / "example.yaml"
SAMPLES = ROOT / "input_samples"


def _example() -> dict:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def _invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def example_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "results"
    result = _invoke("run", str(EXAMPLE), "--out", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    return out


def test_example_run_writes_every_output(example_run):
    names = {p.name for p in example_run.iterdir()}
    assert {"managers.csv", "scores.csv", "rorac.csv", "rollups.csv", "weights.json",
            "pool_ledger.csv", "pool_allocations.csv", "bonus_sheet.xlsx", "manifest.json",
            "charts"} <= names
    managers = pd.read_csv(example_run / "managers.csv", encoding="utf-8-sig")
    assert len(managers) == 60
    for column in ("composite", "grade", "bonus_gross", "withheld", "pool_allocation",
                   "bonus_final", "rorac"):
        assert column in managers.columns
        assert managers[column].notna().all() or column == "grade"


def test_money_reconciles_to_the_cent_in_the_outputs(example_run):
    managers = pd.read_csv(example_run / "managers.csv", encoding="utf-8-sig")
    ledger = pd.read_csv(example_run / "pool_ledger.csv", encoding="utf-8-sig").iloc[0]
    cents = {c: (managers[c] * 100).round().astype("int64").sum()
             for c in ("bonus_gross", "withheld", "pool_allocation", "pool_redistributed",
                       "bonus_final")}
    assert cents["bonus_final"] == (cents["bonus_gross"] - cents["withheld"]
                                    + cents["pool_allocation"] + cents["pool_redistributed"])
    in_cents = round((ledger["carry_in"] + ledger["withheld"]) * 100)
    out_cents = round((ledger["allocated"] + ledger["redistributed"] + ledger["carry_out"]) * 100)
    assert in_cents == out_cents
    assert round(ledger["withheld"] * 100) == cents["withheld"]


def test_manifest_records_inputs_config_and_version(example_run):
    manifest = json.loads((example_run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["engine"]["version"] == appraisal.__version__
    assert manifest["period"] == "2026-10"
    assert manifest["config"]["resolved"]["weights"]["cr_threshold"] == 0.10
    tables = {record["table"]: record for record in manifest["inputs"]}
    assert tables["managers"]["rows"] == 60
    assert tables["business"]["rows"] == 20000
    from appraisal.io.readers import file_sha256

    assert tables["business"]["sha256"] == file_sha256(SAMPLES / "business.csv")
    assert {stage["stage"] for stage in manifest["stages"]} >= {"read", "rorac", "weights",
                                                                 "scorecard", "bonus"}
    assert manifest["audit"]["excluded_experts"]["customer"][0]["expert"] == "E5"
    assert "bonus_sheet.xlsx" in manifest["outputs"]


def test_same_inputs_give_byte_identical_outputs(example_run, tmp_path):
    again = tmp_path / "again"
    assert _invoke("run", str(EXAMPLE), "--out", str(again), "--quiet").exit_code == 0
    for path in sorted(example_run.rglob("*")):
        if path.is_file() and path.name != "manifest.json":
            twin = again / path.relative_to(example_run)
            assert twin.read_bytes() == path.read_bytes(), path.name


def test_an_existing_output_folder_needs_force(example_run, tmp_path):
    out = tmp_path / "closed"
    shutil.copytree(example_run, out)
    (out / "managers.csv").write_text("closed month")
    refused = _invoke("run", str(EXAMPLE), "--out", str(out), "--quiet", "--set", "language=en")
    assert refused.exit_code == 2
    assert "already exists" in refused.output and "--force" in refused.output
    assert (out / "managers.csv").read_text() == "closed month"
    forced = _invoke("run", str(EXAMPLE), "--out", str(out), "--quiet", "--force")
    assert forced.exit_code == 0
    assert (out / "managers.csv").read_text(encoding="utf-8-sig").startswith("manager_id,")


@pytest.mark.parametrize(
    ("fault", "exit_code", "said"),
    [(OSError(28, "No space left on device"), 4, "No space left on device"),
     (RuntimeError("a bug"), 1, "internal error")],
)
def test_a_failure_mid_run_leaves_nothing_behind(tmp_path, monkeypatch, fault, exit_code, said):
    """A full disk is exit 4 naming the folder; a bug in a writer is exit 1; either way the run
    is all or nothing."""
    import appraisal.report.excel as excel

    def broken(*args, **kwargs):
        raise fault

    monkeypatch.setattr(excel, "write_bonus_sheet", broken)
    out = tmp_path / "results"
    result = CliRunner().invoke(main, ["run", str(EXAMPLE), "--out", str(out), "--quiet",
                                       "--set", "language=en"])
    assert result.exit_code == exit_code
    assert said in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_progress_goes_to_stderr_per_stage(tmp_path):
    result = CliRunner().invoke(main, ["run", str(EXAMPLE), "--out", str(tmp_path / "r"),
                                       "--set", "language=en"])
    assert result.exit_code == 0
    for stage in ("read", "rorac", "weights", "scorecard", "bonus", "workbook"):
        assert stage in result.stderr
    assert "rows" in result.stderr


def test_validate_prints_a_summary_and_writes_nothing(tmp_path):
    config = write_config(tmp_path, {**_example(), "language": "en"})
    before = sorted(tmp_path.rglob("*"))
    result = _invoke("validate", str(config))
    assert result.exit_code == 0, result.output
    assert "configuration valid" in result.output
    assert "business" in result.output and "20,000 rows" in result.output
    assert "AHP matrix customer" in result.output
    assert sorted(tmp_path.rglob("*")) == before


def test_version():
    result = _invoke("--version")
    assert result.exit_code == 0
    assert appraisal.__version__ in result.output


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda raw: raw["bonus"].__setitem__("shared_pol", {}),
         "bonus.shared_pol: unknown key"),
        (lambda raw: raw["bonus"]["shared_pool"].__setitem__("withhold_rate", 1.5),
         "bonus.shared_pool.withhold_rate: must be <= 1"),
        (lambda raw: raw["rorac"]["stock"].__setitem__("decay", "fast"),
         "rorac.stock.decay:"),
        (lambda raw: raw.__setitem__("period", "2026-13"), "period:"),
        (lambda raw: raw["weights"].__setitem__("ri_table", "saty"), "weights.ri_table"),
        (lambda raw: raw.pop("unit"), "unit: required key is missing"),
    ],
)
def test_config_mistakes_name_the_file_and_key(tmp_path, change, message):
    raw = _example()
    raw["language"] = "en"
    change(raw)
    config = write_config(tmp_path, raw)
    result = _invoke("validate", str(config))
    assert result.exit_code == 2
    assert message in result.output
    assert str(config) in result.output
    assert "Traceback" not in result.output


def test_a_typo_gets_a_suggestion(tmp_path):
    raw = _example()
    raw["language"] = "en"
    raw["bonus"]["shared_pol"] = raw["bonus"].pop("shared_pool")
    result = _invoke("validate", str(write_config(tmp_path, raw)))
    assert "did you mean 'shared_pool'?" in result.output


def test_yaml_syntax_error_names_the_line(tmp_path):
    config = tmp_path / "bad.yaml"
    config.write_text("language: en\nperiod: 2026-10\nunit: {id: X\n", encoding="utf-8")
    result = _invoke("run", str(config))
    assert result.exit_code == 2
    assert "not valid YAML" in result.output and "line" in result.output


def test_missing_config_file(tmp_path):
    result = _invoke("run", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert "config file not found" in result.output


def test_bad_input_names_file_row_column_and_writes_nothing(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SAMPLES, data)
    roster = (data / "managers.csv").read_text(encoding="utf-8-sig").splitlines()
    fields = roster[3].split(",")
    fields[6] = "2020-02-30"  # hire_date of the third manager (row 4 of the file)
    roster[3] = ",".join(fields)
    (data / "managers.csv").write_text("\n".join(roster) + "\n", encoding="utf-8")
    raw = _example()
    raw["language"] = "en"
    config = write_config(tmp_path, raw, inputs_from=data)
    out = tmp_path / "results"
    result = _invoke("run", str(config), "--out", str(out), "--quiet")
    assert result.exit_code == 2
    assert "managers.csv, row 4, column 'hire_date': not a valid date (got '2020-02-30')" in (
        result.output
    )
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml", "data"]


def test_gbk_inputs_give_the_same_results(tmp_path, example_run):
    data = tmp_path / "data"
    shutil.copytree(SAMPLES, data)
    for name in ("managers.csv", "pool_allocations.csv"):
        text = (data / name).read_text(encoding="utf-8-sig")
        (data / name).write_bytes(text.encode("gbk"))
    config = write_config(tmp_path, _example(), inputs_from=data)
    out = tmp_path / "results"
    assert _invoke("run", str(config), "--out", str(out), "--quiet").exit_code == 0
    assert (out / "managers.csv").read_bytes() == (example_run / "managers.csv").read_bytes()


def test_python_api_returns_frames_and_audit_records():
    result = appraisal.run(EXAMPLE)
    assert len(result.managers) == 60
    assert set(result.weights.matrices) == {"dimensions", "customer", "internal_process",
                                            "learning_growth"}
    assert result.headline()["bonus_final"] == result.managers["bonus_final"].sum()  # int cents
    assert [t.stage for t in result.timings][:2] == ["read", "rorac"]


def test_outputs_do_not_depend_on_where_the_project_lives(tmp_path, example_run):
    moved = tmp_path / "elsewhere"
    shutil.copytree(SAMPLES, moved / "input_samples")
    (moved / "configs").mkdir()
    shutil.copy(EXAMPLE, moved / "configs" / "example.yaml")
    out = tmp_path / "results"
    result = _invoke("run", str(moved / "configs" / "example.yaml"), "--out", str(out), "--quiet")
    assert result.exit_code == 0
    for path in sorted(example_run.rglob("*")):
        if path.is_file() and path.name != "manifest.json":
            assert (out / path.relative_to(example_run)).read_bytes() == path.read_bytes(), path


def test_acceptance_of_an_undeclared_matrix_is_a_config_error_at_load(tmp_path):
    """weights.accept names a matrix id: one the scorecard does not declare stops at load."""
    from appraisal.config import load_config
    from appraisal.errors import ConfigError

    root = Path(__file__).resolve().parents[1]
    text = (root / "configs" / "example.yaml").read_text(encoding="utf-8")
    text = text.replace("  accept: {}", "  accept: {nonexistent: {justification: because}}")
    text = text.replace("../input_samples", str(root / "input_samples"))
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"weights\.accept\.nonexistent: no AHP matrix"):
        load_config(path)


def test_an_existing_output_folder_is_refused_before_any_input_is_read(tmp_path):
    """The folder check comes first: a run that would be refused does not compute for nothing."""
    raw = _example()
    raw["language"] = "en"
    raw["inputs"]["business"] = "no_such_business.csv"
    config = write_config(tmp_path, raw)
    out = tmp_path / "closed"
    out.mkdir()
    refused = _invoke("run", str(config), "--out", str(out), "--quiet")
    assert refused.exit_code == 2
    assert "already exists" in refused.output
    assert "no_such_business" not in refused.output


def test_an_output_folder_that_cannot_be_written_is_exit_4_naming_it(tmp_path):
    """Not a bug and not the data: the folder and the system's reason, exit 4, nothing left."""
    blocker = tmp_path / "a_file"
    blocker.write_text("in the way")
    result = _invoke("run", str(EXAMPLE), "--out", str(blocker / "results"), "--quiet",
                     "--set", "language=en")
    assert result.exit_code == 4
    assert f"could not write the results to {blocker / 'results'}" in result.output
    assert "internal error" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]


def test_result_folders_follow_the_umask(tmp_path):
    import os
    import stat

    previous = os.umask(0o027)
    try:
        out = tmp_path / "results"
        assert _invoke("run", str(EXAMPLE), "--out", str(out), "--quiet").exit_code == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE(out.stat().st_mode) == 0o750
    assert stat.S_IMODE((out / "charts").stat().st_mode) == 0o750
