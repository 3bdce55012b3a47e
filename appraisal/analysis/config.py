"""The `analysis:` config section: which design tools a run adds, and their thresholds."""

from __future__ import annotations

from pydantic import Field

from ..config.base import StrictModel

__all__ = ["AnalysisConfig", "IncentiveBalanceConfig", "WeightSensitivityConfig"]


class WeightSensitivityConfig(StrictModel):
    """Weight robustness (Triantaphyllou & Sánchez 1997) in weights.json and its own table."""

    enabled: bool = Field(False, description="add the weight_sensitivity table to every run")


class IncentiveBalanceConfig(StrictModel):
    """Marginal bonus of one more point of every indicator, per manager and per indicator."""

    enabled: bool = Field(False, description="add the incentive_balance tables to every run")
    step_percent: float = Field(
        1.0, gt=0.0, le=100.0,
        description="the step: percentage points of the target (one unit where no target)")
    unit_step: float = Field(
        1.0, gt=0.0, description="the step of an indicator scored without a target, in units "
                                 "of its actual (a survey rating point, a percent, ...)")
    flag_ratio: float = Field(
        2.0, gt=1.0,
        description="flag an indicator whose share of the pay per point is more than "
                    "flag_ratio times (or less than 1/flag_ratio of) its share of the weight")


class AnalysisConfig(StrictModel):
    """`analysis:`: off by default, so a plain run's outputs do not change; `appraise run
    --analysis` turns both on for one run."""

    weight_sensitivity: WeightSensitivityConfig = WeightSensitivityConfig()
    incentive_balance: IncentiveBalanceConfig = IncentiveBalanceConfig()
