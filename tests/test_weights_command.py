"""`appraise weights`: human and JSON output, exit codes 0 / 3 / 2, FILE and --config modes."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from appraisal.commands import make_weights_command, weights_command

DATA = Path(__file__).parent / "data" / "ahp"
LEARNING = ["training_hours", "exam_score", "research_output"]


def run(*args: str, command: click.Command = weights_command):
    group = click.Group("appraise")
    group.add_command(command)
    return CliRunner().invoke(group, ["weights", *args])


# ---- FILE mode ----------------------------------------------------------------------------------


def test_source_matrix_human_output():
    result = run(str(DATA / "source_dimensions.csv"))
    assert result.exit_code == 0, result.output
    out = result.output
    for text in ("financial", "0.4832", "0.2717", "0.1569", "0.0882", "λmax = 4.0145",
                 "CI = 0.0048", "RI = 0.90 (saaty_1980)", "CR = 0.0054",
                 "verdict: consistent (CR 0.0054 < 0.10)", "weights by geometric mean"):
        assert text in out
    assert "1/2" in out  # the matrix is shown as written


def test_source_matrix_json():
    result = run(str(DATA / "source_dimensions.csv"), "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert set(data) >= {"criteria", "weights", "method", "lambda_max", "ci", "ri", "ri_table",
                         "cr", "consistent", "diagnostics"}
    assert data["criteria"] == ["financial", "customer", "internal_process", "learning_growth"]
    assert list(data["weights"].values()) == pytest.approx([0.4832, 0.2717, 0.1569, 0.0882],
                                                           abs=5e-5)
    assert data["lambda_max"] == pytest.approx(4.0145, abs=5e-5)
    assert data["ri"] == 0.90 and data["ri_table"] == "saaty_1980"
    assert data["cr"] == pytest.approx(0.0054, abs=5e-5)
    assert data["consistent"] is True and data["method"] == "geometric_mean"


def test_method_and_ri_table_options():
    result = run(str(DATA / "source_dimensions.csv"), "--method", "eigenvector", "--ri-table",
                 "alonso_lamata_2006", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["method"] == "eigenvector" and data["ri_table"] == "alonso_lamata_2006"
    assert data["ri"] == pytest.approx((2.7699 * 4 - 4.3513 - 4) / 3, abs=1e-12)
    assert data["weights"]["financial"] == pytest.approx(0.4829, abs=5e-5)


def test_xlsx_with_chinese_names():
    result = run(str(DATA / "source_dimensions_zh.xlsx"))
    assert result.exit_code == 0, result.output
    assert "学习与成长" in result.output and "0.4832" in result.output


def test_inconsistent_matrix_exits_3_with_output_and_diagnostics():
    result = run(str(DATA / "inconsistent.csv"))
    assert result.exit_code == 3
    assert "verdict: NOT consistent" in result.output
    assert "judgments that disagree most with the weights" in result.output
    assert "(B, C) = 9: the weights imply" in result.output
    as_json = run(str(DATA / "inconsistent.csv"), "--json")
    assert as_json.exit_code == 3
    data = json.loads(as_json.output)
    assert data["consistent"] is False and len(data["diagnostics"]) == 3
    assert data["diagnostics"][0]["criterion_a"] == "B"
    assert data["diagnostics"][0]["cr_after"] < data["cr"]


def test_saaty_1990_house_matrix_exits_3():
    # Saaty (1990) EJOR 48, Table 2: λmax 9.669, CI 0.238, CR 0.169 (eigenvector, RI 1.41)
    result = run(str(DATA / "saaty_1990_house.csv"), "--method", "eigenvector")
    assert result.exit_code == 3
    for text in ("λmax = 9.6689", "CI = 0.2384", "RI = 1.41 (saaty_1980)", "CR = 0.1691",
                 "0.3332", "verdict: NOT consistent (CR 0.1691 >= 0.10)",
                 "(neighborhood, condition) = 6: the weights imply 1.128"):
        assert text in result.output


def test_cr_threshold_option():
    result = run(str(DATA / "source_dimensions.csv"), "--cr-threshold", "0.005")
    assert result.exit_code == 3


def test_blank_pair_is_completed_and_marked():
    result = run(str(DATA / "upper_missing.csv"))
    assert result.exit_code == 0
    assert "* completed (no judgment given)" in result.output
    data = json.loads(run(str(DATA / "upper_missing.csv"), "--json").output)
    assert data["completion"]["method"] == "harker"
    assert [(f["criterion_a"], f["criterion_b"]) for f in data["completion"]["filled"]] == [
        ("c", "d")]


@pytest.mark.parametrize(("name", "expected"), [
    ("not_reciprocal.csv", "cell (A, B): judgment and its mirror are not reciprocal"),
    ("not_reciprocal.csv", "cell (B, C): judgment is not a number (got 'x')"),
    ("mismatched_names.csv", "row criterion 'C' differs from column criterion 'B'"),
    ("disconnected.csv", "Separate groups: {A, B}; {C, D}"),
    ("no_such_file.csv", "file not found"),
])
def test_bad_input_exits_2_with_a_message(name, expected):
    result = run(str(DATA / name))
    assert result.exit_code == 2
    assert expected in result.output
    assert "Traceback" not in result.output


def test_file_or_config_but_not_both_nor_neither():
    assert run().exit_code == 2
    both = run(str(DATA / "source_dimensions.csv"), "--config", "x.yaml")
    assert both.exit_code == 2 and "either a matrix FILE or --config" in both.output


def test_unknown_ri_table_lists_choices():
    result = run(str(DATA / "source_dimensions.csv"), "--ri-table", "saaty")
    assert result.exit_code == 2
    assert "saaty_1980" in result.output and "alonso_lamata_2006" in result.output


def test_help_describes_the_command():
    result = run("--help")
    assert result.exit_code == 0
    assert "FILE is a CSV or XLSX matrix" in result.output and "--ri-table" in result.output


# ---- --config mode ------------------------------------------------------------------------------

CONSISTENT = ("training_hours,exam_score,1/2\n"
              "training_hours,research_output,2\n"
              "exam_score,research_output,4\n")
CYCLE = ("training_hours,exam_score,2\n"
         "exam_score,research_output,2\n"
         "research_output,training_hours,2\n")


def write_config(tmp_path: Path, judgments_body: str, weights: str = "") -> Path:
    lines = "".join(f"learning_growth,E1,{row}\n" for row in judgments_body.splitlines())
    (tmp_path / "judgments.csv").write_text(
        "matrix,expert,criterion_a,criterion_b,value\n" + lines, encoding="utf-8")
    config = tmp_path / "config.yaml"
    config.write_text(
        "period: 2026-10\nunit: {id: b1}\n"
        "inputs:\n  managers: managers.csv\n  judgments: judgments.csv\n" + weights,
        encoding="utf-8")
    return config


def configured() -> click.Command:
    return make_weights_command(matrices_of=lambda config: {"learning_growth": LEARNING})


def test_config_mode_all_matrices(tmp_path):
    config = write_config(tmp_path, CONSISTENT, "language: en\n")
    result = run("--config", str(config), command=configured())
    assert result.exit_code == 0, result.output
    assert "matrix 'learning_growth' (combined)" in result.output
    assert "expert E1: CR 0.0000 (consistent; used)" in result.output
    assert "all matrices pass" in result.output
    data = json.loads(run("--config", str(config), "--json", command=configured()).output)
    assert data["source"] == "judgments.csv"
    # by hand: training:exam = 1/2, exam:research = 4, training:research = 2 are consistent with
    # w ∝ (2, 4, 1)
    assert data["local_weights"]["learning_growth"] == pytest.approx(
        {"training_hours": 2 / 7, "exam_score": 4 / 7, "research_output": 1 / 7}, abs=1e-12)


def test_config_mode_inconsistent_exits_3(tmp_path):
    config = write_config(tmp_path, CYCLE, "language: en\n")
    result = run("--config", str(config), command=configured())
    assert result.exit_code == 3
    assert "stops a run" in result.output and "CR = 0.4310" in result.output


def test_config_mode_shows_an_inconsistent_experts_worst_judgments(tmp_path):
    config = write_config(tmp_path, CYCLE, "language: en\n")
    result = run("--config", str(config), command=configured())
    assert "expert E1: CR 0.4310 (NOT consistent; used)" in result.output
    assert "(training_hours, exam_score) = 2: the weights imply 1.000" in result.output


def test_config_mode_acceptance_exits_0(tmp_path):
    config = write_config(tmp_path, CYCLE, "language: en\nweights:\n  accept:\n"
                                           "    learning_growth:\n"
                                           "      justification: equal weights on purpose\n")
    result = run("--config", str(config), command=configured())
    assert result.exit_code == 0
    assert "accepted in the config: equal weights on purpose" in result.output


def test_config_mode_method_override(tmp_path):
    config = write_config(tmp_path, CONSISTENT)
    data = json.loads(run("--config", str(config), "--method", "eigenvector", "--json",
                          command=configured()).output)
    assert data["method"] == "eigenvector"


def test_config_mode_bad_config_exits_2(tmp_path):
    config = write_config(tmp_path, CONSISTENT, "weights:\n  ri_table: saty\n")
    result = run("--config", str(config), command=configured())
    assert result.exit_code == 2
    assert "weights.ri_table" in result.output and "Traceback" not in result.output


def test_config_mode_bad_judgment_row_exits_2(tmp_path):
    config = write_config(tmp_path, CONSISTENT + "exam_score,rorac,3\n", "language: en\n")
    result = run("--config", str(config), command=configured())
    assert result.exit_code == 2
    assert "judgments.csv, row 5, column 'criterion_b': not a criterion of matrix" in result.output


def test_default_command_takes_the_matrices_the_scorecard_declares(tmp_path):
    from appraisal.config import ScorecardConfig

    if not hasattr(ScorecardConfig, "ahp_matrices"):
        pytest.skip("the scorecard config does not declare AHP matrices yet")
    config = write_config(tmp_path, CONSISTENT, "language: en\n")
    result = run("--config", str(config))
    # the default scheme declares the dimension matrix too, which has no judgments here
    assert result.exit_code == 2
    assert "no judgments for matrix 'dimensions'" in result.output


def test_config_mode_acceptance_of_unknown_matrix_names_the_config(tmp_path):
    config = write_config(tmp_path, CONSISTENT, "language: en\nweights:\n  accept:\n    learning:\n"
                                                "      justification: typo in the id\n")
    result = run("--config", str(config), command=configured())
    assert result.exit_code == 2
    assert "config.yaml: weights.accept.learning: no AHP matrix has this id" in result.output


def test_a_missing_matrix_file_says_where_a_relative_path_is_read_from(tmp_path):
    result = run(str(tmp_path / "nope.csv"))
    assert result.exit_code == 2
    assert "file not found; expected an existing CSV or XLSX file (a relative path is read " \
           "from the current folder)" in result.output
    assert "config" not in result.output
