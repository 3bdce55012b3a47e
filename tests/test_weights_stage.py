"""The weights stage: judgments table → weights per matrix, expert policy, CR gate, weights.json."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appraisal.ahp import SAATY_SCALE, analyse_matrix, combine_judgments, hierarchy_weights
from appraisal.config import parse_config
from appraisal.config.weights import WeightsConfig
from appraisal.errors import ConfigError, InputError
from appraisal.weights import InconsistentJudgmentsError, check_judgments, derive_weights

DIMENSIONS = ["financial", "customer", "internal_process", "learning_growth"]
LEARNING = ["training_hours", "exam_score", "research_output"]
MATRICES = {"dimensions": DIMENSIONS, "learning_growth": LEARNING, "financial": ["rorac"]}
# the source's dimension matrix, upper triangle as an expert writes it
SOURCE_UPPER = {
    ("financial", "customer"): "2",
    ("financial", "internal_process"): "3",
    ("financial", "learning_growth"): "5",
    ("customer", "internal_process"): "2",
    ("customer", "learning_growth"): "3",
    ("internal_process", "learning_growth"): "2",
}
SOURCE_WEIGHTS = (0.4832, 0.2717, 0.1569, 0.0882)
LEARNING_OK = {
    ("training_hours", "exam_score"): "1/2",
    ("training_hours", "research_output"): "2",
    ("exam_score", "research_output"): "4",
}
# a cyclic, inconsistent judgment of the three learning indicators (CR = 0.25/0.58 by hand)
LEARNING_CYCLE = {
    ("training_hours", "exam_score"): "2",
    ("exam_score", "research_output"): "2",
    ("research_output", "training_hours"): "2",
}


def judgments(*blocks: tuple[str, str, dict[tuple[str, str], object]]) -> pd.DataFrame:
    """Long judgments table from (matrix, expert, {(a, b): value}) blocks, with `_row` and file."""
    rows = [
        {"matrix": matrix, "expert": expert, "criterion_a": a, "criterion_b": b, "value": value}
        for matrix, expert, pairs in blocks
        for (a, b), value in pairs.items()
    ]
    frame = pd.DataFrame(rows, columns=["matrix", "expert", "criterion_a", "criterion_b", "value"])
    frame["_row"] = np.arange(len(frame)) + 2
    frame.attrs["file"] = "judgments.csv"
    return frame


def checked_weights(frame, config, matrices, **options):
    """Check the judgments first (bad input raises InputError, as a run does), then derive."""
    InputError.collect(check_judgments(frame, config, matrices))
    return derive_weights(frame, config, matrices, **options)


def standard() -> pd.DataFrame:
    return judgments(("dimensions", "E1", SOURCE_UPPER), ("learning_growth", "E1", LEARNING_OK))


# ---- the source's example through the stage -----------------------------------------------------


def test_source_example_through_the_stage():
    result = derive_weights(standard(), WeightsConfig(), MATRICES)
    weights = result.local_weights["dimensions"]
    assert list(weights) == DIMENSIONS
    assert tuple(weights.values()) == pytest.approx(SOURCE_WEIGHTS, abs=5e-5)
    record = result.matrices["dimensions"]
    assert record.combined.lambda_max == pytest.approx(4.0145, abs=5e-5)
    assert record.combined.consistency_ratio == pytest.approx(0.0054, abs=5e-5)
    assert result.local_weights["financial"] == {"rorac": 1.0}
    assert result.passed and result.accepted == {}


def test_weights_json_has_every_matrix_per_expert_and_combined():
    data = json.loads(json.dumps(derive_weights(standard(), WeightsConfig(), MATRICES).to_dict()))
    assert data["method"] == "geometric_mean" and data["ri_table"] == "saaty_1980"
    assert "Saaty" in data["ri_table_source"]
    matrix = data["matrices"]["dimensions"]
    for key in (
        "criteria",
        "matrix",
        "weights",
        "method",
        "lambda_max",
        "ci",
        "ri",
        "ri_table",
        "cr",
        "consistent",
        "gci",
        "excluded_experts",
        "accepted",
        "experts",
    ):
        assert key in matrix
    expert = matrix["experts"][0]
    assert expert["expert"] == "E1" and expert["rows"] == [2, 3, 4, 5, 6, 7]
    assert expert["completion"] == {"method": None, "filled": []}
    assert data["local_weights"]["learning_growth"] == matrix_weights(data, "learning_growth")
    assert matrix["diagnostics"] == []  # only an inconsistent matrix gets suggestions


def matrix_weights(data: dict, matrix_id: str) -> dict:
    return data["matrices"][matrix_id]["weights"]


def test_global_weights_from_the_stage_sum_to_one():
    result = derive_weights(standard(), WeightsConfig(), MATRICES)
    local = {d: {d: 1.0} for d in DIMENSIONS}
    local["learning_growth"] = result.local_weights["learning_growth"]
    local["financial"] = result.local_weights["financial"]
    global_weights = hierarchy_weights(result.local_weights["dimensions"], local)
    total = sum(v for d in global_weights.values() for v in d.values())
    assert total == pytest.approx(1, abs=1e-12)


def test_eigenvector_method_is_recorded():
    result = derive_weights(standard(), WeightsConfig(method="eigenvector"), MATRICES)
    assert result.matrices["dimensions"].combined.method == "eigenvector"
    assert result.to_dict()["matrices"]["dimensions"]["experts"][0]["method"] == "eigenvector"


# ---- groups of experts --------------------------------------------------------------------------


def test_two_experts_combined_by_geometric_mean():
    other = {**SOURCE_UPPER, ("financial", "customer"): "4"}
    frame = judgments(
        ("dimensions", "E1", SOURCE_UPPER),
        ("dimensions", "E2", other),
        ("learning_growth", "E1", LEARNING_OK),
    )
    result = derive_weights(frame, WeightsConfig(), MATRICES)
    record = result.matrices["dimensions"]
    assert [e.expert for e in record.experts] == ["E1", "E2"]
    # by hand: the combined (financial, customer) is sqrt(2·4) = 2.828...
    assert record.combined.array[0, 1] == pytest.approx(8**0.5, rel=1e-12)
    expected = analyse_matrix(
        combine_judgments([e.analysis.array for e in record.experts]), DIMENSIONS
    )
    assert record.combined.weights == pytest.approx(expected.weights, abs=1e-15)
    assert all(e.analysis.consistency_ratio >= 0 for e in record.experts)


def test_expert_weights_from_the_config():
    other = {**SOURCE_UPPER, ("financial", "customer"): "4"}
    frame = judgments(("dimensions", "E1", SOURCE_UPPER), ("dimensions", "E2", other))
    config = WeightsConfig(expert_weights={"E1": 3, "E2": 1})
    result = derive_weights(frame, config, {"dimensions": DIMENSIONS})
    # by hand: 2^(3/4) · 4^(1/4) = 2^1.25
    assert result.matrices["dimensions"].combined.array[0, 1] == pytest.approx(2**1.25, rel=1e-12)
    assert result.to_dict()["expert_weights"] == {"E1": 3.0, "E2": 1.0}


def test_expert_weights_must_name_every_expert_and_only_them():
    frame = judgments(("dimensions", "E1", SOURCE_UPPER), ("dimensions", "E2", SOURCE_UPPER))
    with pytest.raises(InputError) as caught:
        checked_weights(
            frame, WeightsConfig(expert_weights={"E1": 1, "E9": 1}), {"dimensions": DIMENSIONS}
        )
    message = str(caught.value)
    assert "weights.expert_weights.E9" in message and "expert 'E2'" in message


@settings(max_examples=20, deadline=None)
@given(st.lists(st.sampled_from(SAATY_SCALE), min_size=6, max_size=6))
def test_group_of_one_expert_equals_that_expert(values):
    pairs = {}
    k = 0
    for i in range(4):
        for j in range(i + 1, 4):
            pairs[(DIMENSIONS[i], DIMENSIONS[j])] = values[k]
            k += 1
    frame = judgments(("dimensions", "E1", pairs))
    result = derive_weights(frame, WeightsConfig(), {"dimensions": DIMENSIONS}, enforce=False)
    record = result.matrices["dimensions"]
    assert record.combined.weights == record.experts[0].analysis.weights
    assert record.combined.consistency_ratio == record.experts[0].analysis.consistency_ratio


# ---- the CR gate and the expert policy ----------------------------------------------------------


def test_inconsistent_matrix_stops_with_diagnostics():
    frame = judgments(("dimensions", "E1", SOURCE_UPPER), ("learning_growth", "E1", LEARNING_CYCLE))
    with pytest.raises(InconsistentJudgmentsError) as caught:
        derive_weights(frame, WeightsConfig(), MATRICES)
    message = str(caught.value)
    assert "matrix 'learning_growth'" in message
    assert "0.4310" in message  # CR = 0.25 / 0.58 by hand
    assert "(training_hours, exam_score) = 2: the weights imply 1.000" in message
    assert "weights: accept: <matrix id>: justification:" in message


def test_accepted_matrix_passes_and_is_reported():
    frame = judgments(("dimensions", "E1", SOURCE_UPPER), ("learning_growth", "E1", LEARNING_CYCLE))
    why = "Board decision 2026-09: equal weights intended while the training scheme is rebuilt"
    config = WeightsConfig(accept={"learning_growth": {"justification": why}})
    result = derive_weights(frame, config, MATRICES)
    assert result.accepted == {"learning_growth": why}
    data = result.to_dict()
    assert data["accepted"] == {"learning_growth": why}
    assert data["matrices"]["learning_growth"]["accepted"] == {"justification": why, "used": True}
    assert data["matrices"]["learning_growth"]["consistent"] is False


def test_acceptance_of_an_unknown_matrix_is_a_config_error():
    config = WeightsConfig(accept={"learnin_growth": {"justification": "x"}})
    with pytest.raises(ConfigError, match=r"weights\.accept\.learnin_growth: no AHP matrix"):
        derive_weights(standard(), config, MATRICES)


def test_inconsistent_expert_fails_by_default():
    frame = judgments(
        ("learning_growth", "E1", LEARNING_OK), ("learning_growth", "E2", LEARNING_CYCLE)
    )
    with pytest.raises(InconsistentJudgmentsError, match=r"inconsistent expert judgments: E2 "):
        derive_weights(frame, WeightsConfig(), {"learning_growth": LEARNING})


def test_inconsistent_expert_excluded_and_said_so():
    frame = judgments(
        ("learning_growth", "E1", LEARNING_OK), ("learning_growth", "E2", LEARNING_CYCLE)
    )
    result = derive_weights(
        frame, WeightsConfig(inconsistent_expert="exclude"), {"learning_growth": LEARNING}
    )
    record = result.matrices["learning_growth"]
    assert record.excluded_experts == ("E2",)
    only_e1 = derive_weights(
        judgments(("learning_growth", "E1", LEARNING_OK)),
        WeightsConfig(),
        {"learning_growth": LEARNING},
    )
    assert record.weights == only_e1.local_weights["learning_growth"]
    data = result.to_dict()["matrices"]["learning_growth"]
    assert data["excluded_experts"] == ["E2"] and data["combined_from"] == ["E1"]
    assert "exclude" in data["experts"][1]["exclusion_reason"]
    assert data["experts"][1]["diagnostics"]  # the excluded expert's worst judgments are shown


def test_every_expert_inconsistent_with_exclude_stops():
    frame = judgments(("learning_growth", "E2", LEARNING_CYCLE))
    with pytest.raises(InconsistentJudgmentsError, match="every expert is inconsistent"):
        derive_weights(
            frame, WeightsConfig(inconsistent_expert="exclude"), {"learning_growth": LEARNING}
        )


def test_enforce_false_returns_the_blocking_reasons():
    frame = judgments(("learning_growth", "E1", LEARNING_CYCLE))
    result = derive_weights(frame, WeightsConfig(), {"learning_growth": LEARNING}, enforce=False)
    assert not result.passed
    assert result.matrices["learning_growth"].blocking


# ---- missing judgments --------------------------------------------------------------------------


def test_missing_judgment_completed_and_recorded():
    partial = {
        ("training_hours", "exam_score"): "1/2",
        ("exam_score", "research_output"): "4",
        ("training_hours", "research_output"): "",
    }
    result = derive_weights(
        judgments(("learning_growth", "E1", partial)),
        WeightsConfig(),
        {"learning_growth": LEARNING},
    )
    completion = result.to_dict()["matrices"]["learning_growth"]["experts"][0]["completion"]
    assert completion["method"] == "harker"
    # consistent chain: training:exam = 1/2, exam:research = 4 → training:research = 2 exactly
    assert completion["filled"] == [
        {
            "criterion_a": "training_hours",
            "criterion_b": "research_output",
            "value": pytest.approx(2.0, rel=1e-9),
        }
    ]


def test_missing_judgment_refused_when_completion_is_none():
    partial = {("training_hours", "exam_score"): "1/2", ("exam_score", "research_output"): "4"}
    with pytest.raises(
        InputError,
        match=r"expert E1: no judgment for \(training_hours, "
        r"research_output\)",
    ):
        checked_weights(
            judgments(("learning_growth", "E1", partial)),
            WeightsConfig(completion="none"),
            {"learning_growth": LEARNING},
        )


def test_disconnected_judgments_refused():
    four = ["a", "b", "c", "d"]
    frame = judgments(("m", "E3", {("a", "b"): "3", ("c", "d"): "2"}))
    with pytest.raises(InputError) as caught:
        checked_weights(frame, WeightsConfig(), {"m": four})
    message = str(caught.value)
    assert "expert E3" in message and "{a, b}; {c, d}" in message and "rows 2, 3" in message


def test_declared_matrix_without_judgments():
    with pytest.raises(InputError, match="no judgments for matrix 'customer'"):
        checked_weights(
            standard(), WeightsConfig(), {**MATRICES, "customer": ["deposit_plan", "loan_plan"]}
        )


# ---- bad input rows -----------------------------------------------------------------------------


def test_bad_rows_are_all_reported_with_file_row_and_column():
    frame = judgments(("dimensions", "E1", SOURCE_UPPER))
    frame.loc[0, "value"] = "two"
    frame.loc[1, "criterion_b"] = "profit"
    frame.loc[2, "matrix"] = "dimension"
    frame.loc[3, "value"] = "0"
    frame.loc[4, "value"] = "12"
    with pytest.raises(InputError) as caught:
        checked_weights(frame, WeightsConfig(), MATRICES)
    message = str(caught.value)
    assert "judgments.csv, row 2, column 'value': judgment is not a number (got 'two')" in message
    assert (
        "judgments.csv, row 3, column 'criterion_b': not a criterion of matrix 'dimensions' "
        "(got 'profit')"
    ) in message
    assert "row 4, column 'matrix': unknown AHP matrix id (got 'dimension')" in message
    assert "row 5, column 'value': judgment must be positive" in message
    assert "row 6, column 'value': judgment is outside Saaty's scale (got '12')" in message


def test_any_positive_scale_allows_large_judgments():
    pairs = {
        ("training_hours", "exam_score"): "12",
        ("exam_score", "research_output"): "1",
        ("training_hours", "research_output"): "12",
    }
    result = derive_weights(
        judgments(("learning_growth", "E1", pairs)),
        WeightsConfig(scale="any_positive"),
        {"learning_growth": LEARNING},
    )
    assert result.matrices["learning_growth"].combined.consistent


def test_both_mirror_judgments_must_be_reciprocal():
    pairs = {**LEARNING_OK, ("exam_score", "training_hours"): "3"}
    with pytest.raises(InputError) as caught:
        checked_weights(
            judgments(("learning_growth", "E1", pairs)),
            WeightsConfig(),
            {"learning_growth": LEARNING},
        )
    message = str(caught.value)
    assert "row 5, column 'value'" in message
    assert (
        "(exam_score, training_hours) is not the reciprocal of (training_hours, exam_score) "
        "in row 2" in message
    )
    assert "exactly 2" in message


def test_reciprocal_mirror_judgments_are_accepted():
    pairs = {
        **LEARNING_OK,
        ("exam_score", "training_hours"): "2",
        ("research_output", "exam_score"): "0.25",
    }
    result = derive_weights(
        judgments(("learning_growth", "E1", pairs)), WeightsConfig(), {"learning_growth": LEARNING}
    )
    assert result.passed


def test_duplicate_and_self_comparisons():
    itself = {("training_hours", "training_hours"): "3"}
    again = {("training_hours", "exam_score"): "1/2"}
    frame = pd.concat(
        [
            judgments(("learning_growth", "E1", LEARNING_OK)),
            judgments(("learning_growth", "E1", again)),
            judgments(("learning_growth", "E1", itself)),
        ],
        ignore_index=True,
    )
    frame["_row"] = np.arange(len(frame)) + 2
    frame.attrs["file"] = "j.xlsx"
    with pytest.raises(InputError) as caught:
        checked_weights(frame, WeightsConfig(), {"learning_growth": LEARNING})
    message = str(caught.value)
    assert "j.xlsx, row 5, column 'criterion_b': the same comparison is given twice" in message
    assert "j.xlsx, row 6, column 'value': a criterion compared with itself must be 1" in message


def test_missing_column_is_reported():
    frame = standard().drop(columns=["expert"])
    with pytest.raises(InputError, match="column 'expert': column missing"):
        checked_weights(frame, WeightsConfig(), MATRICES)


def test_blank_value_cells_from_a_reader_are_missing():
    # readers give blank text cells as "" or NaN: both mean "not judged"
    partial = {
        ("training_hours", "exam_score"): "1/2",
        ("exam_score", "research_output"): "4",
        ("training_hours", "research_output"): None,
    }
    result = derive_weights(
        judgments(("learning_growth", "E1", partial)),
        WeightsConfig(),
        {"learning_growth": LEARNING},
    )
    assert result.matrices["learning_growth"].experts[0].completion.filled


# ---- config -------------------------------------------------------------------------------------


def test_config_defaults():
    config = WeightsConfig()
    assert (
        config.method,
        config.ri_table,
        config.cr_threshold,
        config.scale,
        config.inconsistent_expert,
        config.completion,
    ) == ("geometric_mean", "saaty_1980", 0.10, "saaty", "fail", "harker")
    assert config.accept == {} and config.expert_weights == {}


def _root(weights: dict) -> dict:
    return {
        "period": "2026-10",
        "unit": {"id": "b1"},
        "inputs": {"managers": "m.csv"},
        "weights": weights,
    }


def test_config_unknown_ri_table_lists_the_names():
    with pytest.raises(ConfigError) as caught:
        parse_config(_root({"ri_table": "saaty"}), "config.yaml")
    message = str(caught.value)
    assert "weights.ri_table" in message and "alonso_lamata_2006" in message


def test_config_acceptance_needs_a_written_justification():
    with pytest.raises(ConfigError, match=r"weights\.accept\.dimensions\.justification"):
        parse_config(_root({"accept": {"dimensions": {"justification": "   "}}}), "config.yaml")


def test_config_rejects_non_positive_expert_weights():
    with pytest.raises(ConfigError, match=r"weights\.expert_weights\.E1"):
        parse_config(_root({"expert_weights": {"E1": 0}}), "config.yaml")


def test_matrix_larger_than_the_ri_table_is_a_config_error():
    eleven = [f"k{i}" for i in range(11)]
    pairs = {(eleven[0], other): "1" for other in eleven[1:]}
    with pytest.raises(ConfigError) as caught:
        derive_weights(
            judgments(("big", "E1", pairs)),
            WeightsConfig(),
            {"big": eleven},
            config_file="config.yaml",
        )
    message = str(caught.value)
    assert message.startswith("config.yaml: weights.ri_table: matrix 'big'")
    assert "up to n = 10" in message and "alonso_lamata_2006" in message
    result = derive_weights(
        judgments(("big", "E1", pairs)),
        WeightsConfig(ri_table="alonso_lamata_2006"),
        {"big": eleven},
    )
    assert result.local_weights["big"] == pytest.approx(dict.fromkeys(eleven, 1 / 11), abs=1e-12)
