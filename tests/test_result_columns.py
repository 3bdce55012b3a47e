"""The seam between stages and report: every column of a real run is in the registry, the
summary stage's figures reconcile, and report/ computes nothing."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from report_fixture import build_project, sample_run

import appraisal
from appraisal.columns import KINDS, column_registry
from appraisal.money import cents_to_text, to_cents
from appraisal.result import FRAMES, RunResult

REPORT = Path(appraisal.__file__).parent / "report"


def _frames(result: RunResult) -> dict:
    summary = result.summary
    return {**result.frames(), "summary.ranks": summary.ranks, "summary.gaps": summary.gaps,
            "summary.pool": summary.pool, "summary.grades": summary.grades,
            "summary.score_statistics": summary.score_statistics,
            "summary.chart_units": summary.chart_units, "summary.unit_bonus": summary.unit_bonus,
            "summary.unit_grades": summary.unit_grades,
            "summary.unit_dimension_means": summary.unit_dimension_means,
            "summary.score_histogram": summary.score_histogram}


def test_every_column_of_a_real_run_is_in_the_registry():
    result = sample_run("zh")
    for name, frame in _frames(result).items():
        assert result.columns.unknown(frame.columns) == [], name
    assert set(FRAMES) <= set(result.frames())


def test_config_named_columns_come_from_the_config(tmp_path):
    """Renamed bonus components and the rorac_ratio source: the registry follows the config."""
    import yaml

    config = build_project(tmp_path)
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["bonus"]["components"] = [
        {"id": "margin", "kind": "profit_band", "share": 0.6},
        {"id": "rating", "kind": "grade", "share": 0.4},
    ]
    data["scorecard"]["dimensions"][0]["indicators"][0]["source"] = "rorac_ratio"
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = appraisal.run(config)
    for name, frame in _frames(result).items():
        assert result.columns.unknown(frame.columns) == [], name
    for key in ("bonus_margin", "margin_band", "margin_band_coefficient", "margin_points",
                "bonus_rating", "rating_points"):
        assert key in result.managers.columns and key in result.columns
    assert result.columns.kind("bonus_margin") == "money_cents"
    assert "bonus_profit" not in result.columns  # not guessed from names
    gaps = result.summary.gaps
    assert set(gaps.loc[gaps["indicator"] == "rorac", "measure"]) == {"ratio"}


def test_every_kind_is_closed_and_money_is_int_cents():
    result = sample_run("zh")
    registry = result.columns
    assert {registry[k].kind for k in registry} <= set(KINDS)
    for name, frame in result.frames().items():
        for key in registry.of_kind("money_cents", frame.columns):
            assert str(frame[key].dtype) in ("int64", "Int64"), (name, key)


def test_summary_reconciles_to_the_cent():
    result = sample_run("zh")
    summary = result.summary
    assert summary.pool_difference_cents == 0
    pool = summary.pool.set_index("item")
    assert pool.loc["withheld", "ledger_cents"] == pool.loc["withheld", "bonus_sheet_cents"]
    assert summary.totals["bonus_final"] == int(result.managers["bonus_final"].sum())
    assert summary.totals["bonus_final"] == (
        summary.totals["bonus_gross"] - summary.totals["withheld"]
        + summary.totals["pool_allocation"] + summary.totals["pool_redistributed"])
    assert summary.grades["count"].sum() == summary.graded == len(result.managers)
    assert summary.grades["share"].sum() == pytest.approx(1.0, abs=1e-12)
    assert int(summary.unit_bonus["bonus_final"].sum()) == summary.totals["bonus_final"]
    assert int(summary.score_histogram["count"].sum()) == len(result.managers)
    assert summary.statistic("mean") == pytest.approx(result.managers["composite"].mean())


def test_gap_is_actual_minus_target_in_the_indicators_unit():
    result = sample_run("zh")
    gaps = result.summary.gaps
    both = gaps["actual"].notna() & gaps["target"].notna()
    assert np.allclose(gaps.loc[both, "gap"], gaps.loc[both, "actual"] - gaps.loc[both, "target"])
    measures = dict(zip(gaps["indicator"], gaps["unit"], strict=False))
    assert measures["rorac"] == "CNY" and measures["years_of_service"] == "years"


_FORBIDDEN = re.compile(
    r"\.sum\(|\.mean\(|\.median\(|\.std\(|value_counts|quantile|crosstab|yuan_to_cents"
    r"|round_to_cents|\.groupby\((?!.*\)\.indices)|[*/]\s*100\b|np\.histogram"
)


def test_report_computes_nothing():
    """report/ presents the stages' figures: no sums, means, counts, quantiles or money
    arithmetic (int cents become yuan only through appraisal.money). Grouping only to find a
    manager's rows (`groupby(...).indices`) is allowed."""
    found = []
    for path in sorted(REPORT.glob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _FORBIDDEN.search(line):
                found.append(f"{path.name}:{number}: {line.strip()}")
    assert found == []


@pytest.mark.parametrize(
    ("yuan", "cents"),
    [(0.125, 13), (1.005, 101), (-2.675, -268), (2.5, 250), (-0.005, -1), (0.0, 0),
     (1234.56, 123456), (12345678901.235, 1234567890124), (90071992547409.95, 9007199254740995)],
)
def test_to_cents_is_half_away_from_zero_of_the_decimal_text(yuan, cents):
    assert to_cents(yuan) == cents
    assert to_cents([yuan]).tolist() == [cents]


@given(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False))
def test_to_cents_agrees_with_decimal_rounding(yuan):
    expected = int(Decimal(repr(yuan)).scaleb(2).quantize(Decimal(1), ROUND_HALF_UP))
    assert int(to_cents(yuan)) == expected


@given(st.integers(-(2**62), 2**62))
def test_cents_to_text_is_exact(cents):
    assert Decimal(str(cents_to_text(cents))) == Decimal(cents).scaleb(-2)


def test_to_cents_refuses_what_it_cannot_hold():
    with pytest.raises(ValueError, match="finite"):
        to_cents([float("nan")])
    with pytest.raises(ValueError, match="int64"):
        to_cents([1e18])


def test_registry_is_built_from_the_config_alone():
    config = sample_run("zh").config
    registry = column_registry(config)
    assert registry.label("financial_score", "zh") == "财务得分"
    assert registry.label("bonus_profit", "en") == "Profit-linked bonus"
    assert list(registry.to_frame().columns) == ["key", "kind", "unit", "zh", "en", "labelled"]
