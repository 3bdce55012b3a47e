"""The analysis tables a run adds through `RunResult.extra` (CSV + workbook sheet each), and
the weight sensitivity in weights.json (`WeightsResult.sensitivity`)."""

from __future__ import annotations

import dataclasses

from ..columns import with_analysis_columns
from ..config import LoadedConfig
from ..result import ExtraTable, RunResult
from ..validate import Validation
from .sensitivity import weight_sensitivity

__all__ = ["EXTRA_TITLES", "add_analysis", "with_sensitivity"]

EXTRA_TITLES = {
    "weight_sensitivity": {"zh": "权重敏感性", "en": "Weight sensitivity"},
    "incentive_balance": {"zh": "边际激励", "en": "Incentive balance"},
    "incentive_summary": {"zh": "激励平衡(按指标)", "en": "Incentive balance by indicator"},
}


def with_sensitivity(result: RunResult) -> RunResult:
    """The run with the weight sensitivity in weights.json and as the weight_sensitivity
    table."""
    found = weight_sensitivity(result.stages.scorecard, result.managers,
                               result.config.scorecard)
    weights = dataclasses.replace(result.stages.weights, sensitivity=found.to_dict())
    stages = dataclasses.replace(result.stages, weights=weights)
    table = ExtraTable("weight_sensitivity", found.table, EXTRA_TITLES["weight_sensitivity"])
    return dataclasses.replace(result, stages=stages, extra=(*result.extra, table),
                               columns=with_analysis_columns(result.columns))


def add_analysis(result: RunResult, loaded: LoadedConfig, *, sensitivity: bool,
                 incentive: bool, validation: Validation | None = None) -> RunResult:
    """The run with the analysis tables asked for, and their settings in the audit."""
    settings = result.config.analysis
    result = dataclasses.replace(result, columns=with_analysis_columns(result.columns))
    audit = dict(result.audit)
    audit["analysis"] = {"weight_sensitivity": sensitivity, "incentive_balance": incentive}
    if sensitivity:
        result = with_sensitivity(result)
    if incentive:
        from .incentive import incentive_tables

        balance, summary = incentive_tables(result, loaded, validation)
        audit["analysis"]["incentive_balance_settings"] = (
            settings.incentive_balance.model_dump(mode="json"))
        result = dataclasses.replace(result, extra=(
            *result.extra,
            ExtraTable("incentive_balance", balance, EXTRA_TITLES["incentive_balance"]),
            ExtraTable("incentive_summary", summary, EXTRA_TITLES["incentive_summary"]),
        ))
    return dataclasses.replace(result, audit=audit)
