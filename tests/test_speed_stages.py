"""The vectorised scorecard and summary (issue 16) keep the figures of their per-row definitions.

Each stage groups by integer codes and takes text columns from their distinct values; these
tests recompute the same figures the plain way on the bundled example (grouping by the text ids,
one mapping per row) and require them equal exactly (tolerance 0: same bits), in any row order.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from appraisal.columns import indicator_measure
from appraisal.config import load_config
from appraisal.pipeline import run
from appraisal.scorecard import check_scorecard, combine_360
from appraisal.summary import compute_summary
from appraisal.validate import validate_inputs

EXAMPLE = Path(__file__).resolve().parents[1] / "configs" / "example.yaml"
TEXT = pd.api.types.pandas_dtype("str")


@pytest.fixture(scope="module")
def example():
    loaded = load_config(EXAMPLE)
    validation = validate_inputs(loaded)
    return loaded.config, validation.frames, run(loaded, validation=validation)


def _shuffled(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    out = frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    out.attrs = dict(frame.attrs)
    return out


def test_dimension_and_weighted_scores_are_the_group_sums_by_manager_id(example):
    _, _, result = example
    scores = result.stages.scorecard.scores
    managers = result.stages.scorecard.managers.set_index("manager_id")
    weighted = scores[scores["dimension"] != "additional"]
    part = weighted["local_weight"] * weighted["score"]
    by_dimension = part.groupby([weighted["manager_id"], weighted["dimension"]]).sum().unstack()
    for dimension in by_dimension.columns:
        expected = by_dimension[dimension]
        assert (managers.loc[expected.index, f"{dimension}_score"] == expected).all()
    total = weighted["contribution"].groupby(weighted["manager_id"]).sum()
    assert (managers.loc[total.index, "weighted_score"] == total).all()
    extra = scores[scores["dimension"] == "additional"]
    points = extra["score"].groupby(extra["manager_id"]).sum()
    assert (managers.loc[points.index, "additional_points_raw"] == points).all()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_360_means_are_the_group_means_by_text_ids_in_any_row_order(example, seed):
    config, frames, _ = example
    ratings = _shuffled(frames["ratings_360"], seed)
    ratings.loc[0, "rater_type"] = "boss"  # not a rater type: not counted
    ratings.loc[1, "manager_id"] = np.nan  # blank id: not counted
    combined = combine_360(ratings, config.scorecard.feedback_360)
    grouped = ratings.groupby(["manager_id", "rater_type"])["score"].agg(["mean", "count"])
    expected_mean = grouped["mean"].unstack()
    expected_count = grouped["count"].unstack().fillna(0)
    assert list(combined.index) == list(expected_mean.index)
    for rater in ("self", "superior", "peer", "subordinate"):
        mean = combined[f"{rater}_mean"].to_numpy()
        want = expected_mean[rater].to_numpy()
        assert ((mean == want) | (np.isnan(mean) & np.isnan(want))).all()
        assert (combined[f"{rater}_raters"].to_numpy() == expected_count[rater].to_numpy()).all()


def test_gap_measure_and_unit_follow_each_indicator_source(example):
    config, _, result = example
    scores = result.scores
    unknown = scores.iloc[:1].assign(indicator="not_in_the_scheme")
    summary = compute_summary(result.managers, pd.concat([scores, unknown], ignore_index=True),
                              result.rollups, result.pool_ledger, config)
    gaps = summary.gaps
    measures = {i.id: indicator_measure(i) for i in config.scorecard.all_indicators()}
    want = [measures.get(i, ("number", None)) for i in gaps["indicator"]]
    assert gaps["measure"].tolist() == [m for m, _ in want]
    assert [None if pd.isna(u) else u for u in gaps["unit"]] == [u for _, u in want]
    assert pd.isna(gaps["unit"].iloc[-1])
    for column in ("manager_id", "dimension", "indicator", "measure", "unit"):
        assert gaps[column].dtype == TEXT
    assert (gaps["manager_id"].iloc[:-1].to_numpy() == scores["manager_id"].to_numpy()).all()


def test_scores_rows_are_employed_managers_by_id_times_indicators_in_config_order(example):
    config, _, result = example
    scores = result.stages.scorecard.scores
    ids = [i.id for i in config.scorecard.all_indicators()]
    managers = sorted(scores["manager_id"].unique())
    assert scores["indicator"].tolist() == ids * len(managers)
    assert scores["manager_id"].tolist() == [m for m in managers for _ in ids]
    for column in ("manager_id", "dimension", "indicator", "source", "rule", "flags"):
        assert scores[column].dtype == TEXT


@pytest.mark.parametrize("seed", [4, 5])
def test_indicator_table_issues_come_in_file_order_whatever_the_row_order(example, seed):
    config, frames, _ = example
    table = _shuffled(frames["indicators"], seed)
    table["_row"] = np.arange(2, len(table) + 2)
    table.loc[[3, 40], "indicator"] = "no_such_indicator"
    repeated = table.iloc[[10, 20]].copy()
    repeated["_row"] = [len(table) + 2, len(table) + 3]
    table = pd.concat([table, repeated], ignore_index=True)
    table.attrs = dict(frames["indicators"].attrs)
    issues = check_scorecard({**frames, "indicators": table}, config)
    unknown = [i.row for i in issues if i.rule == "indicator not declared in scorecard config"]
    second = [(i.row, i.value) for i in issues if i.rule.startswith("second row for manager")]
    known = table["indicator"].isin([i.id for i in config.scorecard.all_indicators()])
    assert unknown == table.loc[~known, "_row"].tolist()
    duplicated = table.duplicated(["manager_id", "indicator"], keep="first")
    assert second == list(zip(table.loc[duplicated, "_row"], table.loc[duplicated, "indicator"],
                              strict=True))
