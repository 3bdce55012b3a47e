"""Checks before computation (check_scorecard, check_weights), the rule table, RORAC in int64
cents, and the invariants compute_scorecard assumes. Hand-worked; tolerance 1e-9 unless stated."""

from __future__ import annotations

import typing

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from appraisal.config import parse_config
from appraisal.config.scorecard import Rule, ScorecardConfig
from appraisal.errors import ConfigError, InputError, InternalError, IssueCode
from appraisal.scorecard import compute_scorecard
from appraisal.scoring import RULES
from appraisal.weights import check_weights
from tests.test_scorecard import (
    HAND_CONFIG,
    HAND_WEIGHTS,
    PERIOD,
    ROOT,
    check_hand,
    hand_inputs,
    roster,
    score_of,
    table,
)
from tests.test_weights_stage import SOURCE_UPPER, judgments


def test_rule_table_covers_every_rule_kind_of_the_config():
    rule_union = typing.get_args(typing.get_args(Rule)[0])
    kinds = {typing.get_args(model.model_fields["kind"].annotation)[0] for model in rule_union}
    assert kinds == set(RULES)


def test_valid_hand_inputs_have_no_issue():
    assert check_hand(HAND_CONFIG, roster(), hand_inputs()) == []


def test_every_bad_row_is_counted_exactly_with_its_code():
    # 300 rows naming an undeclared indicator: 300 issues, none dropped, each UNKNOWN_ID
    inputs = hand_inputs()
    extra = pd.DataFrame({"manager_id": ["M1"] * 300, "indicator": [f"x{k}" for k in range(300)],
                          "actual": 1.0, "target": 1.0})
    bad = pd.concat([inputs["indicators"].drop(columns="_row"), extra], ignore_index=True)
    bad["_row"] = range(2, 2 + len(bad))
    bad.attrs["file"] = "indicators.csv"
    issues = check_hand(HAND_CONFIG, roster(), inputs | {"indicators": bad})
    assert len(issues) == 300
    assert {i.code for i in issues} == {IssueCode.UNKNOWN_ID}
    assert [i.row for i in issues] == list(range(23, 323))
    assert "... and 250 more" in str(InputError(issues))


def test_issues_of_several_tables_come_in_one_pass_with_codes():
    inputs = hand_inputs()
    indicators = inputs["indicators"].copy()
    indicators.loc[0, "actual"] = 1.0                         # actual of rorac given: NOT_ALLOWED
    indicators.loc[4, "target"] = 0.0                         # deposit M2 target 0: OUT_OF_RANGE
    indicators.loc[7, "target"] = -1.0                        # npl M2 negative: NEGATIVE
    indicators.attrs["file"] = "indicators.csv"
    ratings = inputs["ratings_360"].copy()
    ratings.loc[0, "score"] = 7.0                             # off the 1–5 scale: OUT_OF_RANGE
    ratings.loc[1, "rater_type"] = "boss"                     # unknown type: NOT_ALLOWED
    ratings.attrs["file"] = "ratings_360.csv"
    issues = check_hand(HAND_CONFIG, roster(),
                        inputs | {"indicators": indicators, "ratings_360": ratings})
    found = {(i.file, i.row, i.column, i.code) for i in issues}
    assert found == {
        ("indicators.csv", 2, "actual", IssueCode.NOT_ALLOWED),
        ("indicators.csv", 6, "target", IssueCode.OUT_OF_RANGE),
        ("indicators.csv", 9, "target", IssueCode.NEGATIVE),
        ("ratings_360.csv", 2, "score", IssueCode.OUT_OF_RANGE),
        ("ratings_360.csv", 3, "rater_type", IssueCode.NOT_ALLOWED),
    }
    assert len(issues) == 5


def test_duplicate_indicator_row_is_reported_once_per_extra_row():
    inputs = hand_inputs()
    frame = inputs["indicators"]
    bad = pd.concat([frame.drop(columns="_row"), frame.drop(columns="_row").iloc[[3, 3]]],
                    ignore_index=True)
    bad["_row"] = range(2, 2 + len(bad))
    bad.attrs["file"] = "indicators.csv"
    issues = check_hand(HAND_CONFIG, roster(), inputs | {"indicators": bad})
    assert [(i.row, i.code) for i in issues] == [(23, IssueCode.DUPLICATE_KEY),
                                                 (24, IssueCode.DUPLICATE_KEY)]
    assert "second row for manager 'M1'" in issues[0].rule


def test_managers_outside_the_roster_are_left_to_validation():
    inputs = hand_inputs()
    satisfaction = table([("M1", 4.0), ("M9", 5.0)], ["manager_id", "score"], "satisfaction.csv")
    assert check_hand(HAND_CONFIG, roster(), inputs | {"satisfaction": satisfaction}) == []


def test_missing_tables_and_columns_are_named():
    inputs = hand_inputs()
    ratings = inputs["ratings_360"].drop(columns="rater_type")
    ratings.attrs["file"] = "ratings_360.csv"
    issues = check_hand(HAND_CONFIG, roster(),
                        inputs | {"satisfaction": None, "ratings_360": ratings})
    assert {(i.file, i.column, i.code) for i in issues} == {
        ("satisfaction", None, IssueCode.MISSING_TABLE),
        ("ratings_360.csv", "rater_type", IssueCode.MISSING_COLUMN),
    }


def test_check_never_raises_on_bad_data():
    inputs = hand_inputs()
    indicators = inputs["indicators"].drop(columns="indicator")
    indicators.attrs["file"] = "indicators.csv"
    issues = check_hand(HAND_CONFIG, roster(), inputs | {"indicators": indicators})
    assert [(i.column, i.code) for i in issues] == [("indicator", IssueCode.MISSING_COLUMN)]


def test_compute_refuses_what_the_check_refuses_as_an_internal_error():
    frame = hand_inputs()["indicators"].copy()
    frame.loc[3, "target"] = 0.0
    with pytest.raises(InternalError, match="target is 0"):
        compute_scorecard(roster(), ScorecardConfig.model_validate(HAND_CONFIG), PERIOD,
                          local_weights=HAND_WEIGHTS, **(hand_inputs() | {"indicators": frame}))


def test_compute_does_not_change_its_inputs():
    inputs = hand_inputs()
    before = {name: frame.copy(deep=True) for name, frame in inputs.items()}
    managers = roster()
    compute_scorecard(managers, ScorecardConfig.model_validate(HAND_CONFIG), PERIOD,
                      local_weights=HAND_WEIGHTS, **inputs)
    for name, frame in inputs.items():
        pd.testing.assert_frame_equal(frame, before[name])
    pd.testing.assert_frame_equal(managers, roster())


# ---- RORAC in int64 cents -------------------------------------------------------------------


def run(inputs):
    return compute_scorecard(roster(), ScorecardConfig.model_validate(HAND_CONFIG), PERIOD,
                             local_weights=HAND_WEIGHTS, **inputs)


def test_rorac_in_int64_cents_scores_like_yuan():
    # 13 000 000 cents = 130 000 yuan → 100·130 000/100 000 = 130 (target in yuan); the odd
    # cents show the actual is cents/100 exactly: 1 234 567 cents → 12 345.67 yuan
    inputs = hand_inputs()
    yuan = run(inputs)
    cents = inputs["rorac_by_manager"].assign(
        rorac=np.array([13_000_000, -1_500_000, 1_234_567], dtype="int64"))
    result = run(inputs | {"rorac_by_manager": cents})
    assert cents["rorac"].dtype == "int64"
    m1, m3 = score_of(result, "M1", "rorac"), score_of(result, "M3", "rorac")
    assert m1["actual"] == 130_000.0 and m1["score"] == pytest.approx(130.0, abs=1e-9)
    assert m3["actual"] == 12_345.67
    assert m3["score"] == pytest.approx(100 * 12_345.67 / 50_000, abs=1e-9)
    same = ["M1", "M2"]
    for manager in same:
        assert score_of(result, manager, "rorac")["score"] == score_of(yuan, manager,
                                                                        "rorac")["score"]


def test_rorac_ratio_is_read_as_it_is():
    config = yaml.safe_load(yaml.safe_dump(HAND_CONFIG))
    config["dimensions"][0]["indicators"][0]["source"] = "rorac_ratio"
    inputs = hand_inputs()
    frame = inputs["indicators"].copy()
    frame.loc[frame["indicator"].eq("rorac"), "target"] = 0.08
    by_manager = inputs["rorac_by_manager"].assign(
        rorac=np.array([1, 2, 3], dtype="int64"), rorac_ratio=[0.1, 0.04, 0.12])
    result = compute_scorecard(roster(), ScorecardConfig.model_validate(config), PERIOD,
                               local_weights=HAND_WEIGHTS,
                               **(inputs | {"indicators": frame, "rorac_by_manager": by_manager}))
    # 100 · 0.1/0.08 = 125; 100 · 0.04/0.08 = 50; 100 · 0.12/0.08 = 150
    got = [score_of(result, m, "rorac")["score"] for m in ("M1", "M2", "M3")]
    np.testing.assert_allclose(got, [125.0, 50.0, 150.0], atol=1e-9)
    assert score_of(result, "M1", "rorac")["actual"] == 0.1


def test_scale_rule_cannot_read_a_rorac_amount():
    with pytest.raises(ConfigError, match="scale rule cannot score source rorac_amount"):
        parse_config(ROOT | {"scorecard": {"dimensions": [{"id": "d", "indicators": [
            {"id": "r", "source": "rorac_amount", "rule": {"kind": "scale"}}]}]}})


# ---- check_weights ------------------------------------------------------------------------------


def test_check_weights_reads_the_scorecard_matrices_and_counts_every_issue():
    config = parse_config(ROOT | {"scorecard": {
        "dimension_weights": None,
        "dimensions": [{"id": d, "indicators": [{"id": f"{d}_x"}]}
                       for d in ("financial", "customer", "internal_process", "learning_growth")],
        "additional": None}})
    frame = judgments(("dimensions", "E1", SOURCE_UPPER))
    assert check_weights({"judgments": frame}, config) == []
    frame.loc[[0, 1, 2], "value"] = "12"
    issues = check_weights({"judgments": frame}, config)
    assert [(i.row, i.code) for i in issues] == [(2, IssueCode.OUT_OF_RANGE),
                                                 (3, IssueCode.OUT_OF_RANGE),
                                                 (4, IssueCode.OUT_OF_RANGE)]
    missing = check_weights({}, config)
    assert [(i.file, i.code) for i in missing] == [("judgments", IssueCode.MISSING_TABLE)]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 20), unique=True, max_size=21))
def test_one_issue_per_undeclared_indicator_row(rows):
    # renaming any set of the 21 hand rows to an undeclared id gives exactly that many issues
    inputs = hand_inputs()
    frame = inputs["indicators"].copy()
    frame.loc[rows, "indicator"] = "undeclared"
    issues = check_hand(HAND_CONFIG, roster(), inputs | {"indicators": frame})
    unknown = [i for i in issues if i.code == IssueCode.UNKNOWN_ID]
    assert sorted(i.row for i in unknown) == sorted(r + 2 for r in rows)
    assert all(i.code is not None for i in issues)
