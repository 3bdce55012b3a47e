"""`bonus:` section (owned by the bonus and pool stages).

The source's scheme (篇1) is the default: 60% of performance pay follows the period's
risk-adjusted profit by band (档次), 40% follows the grade's pay coefficient (绩效工资调节系数),
both on a per-person base (绩效工资基数). The shared performance pool (公共绩效池, 篇6) withholds
a share of every gross bonus; the source names no rate, so the default withholds nothing.
"""

from __future__ import annotations

import itertools
import math
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from ..money import MAX_TOTAL_YUAN, decimal_text
from .base import DisplayText, Fraction01, NonNegative, StrictModel, UnitYuan, Yuan

__all__ = [
    "AllocationReason",
    "BonusComponent",
    "BonusConfig",
    "BonusFactor",
    "FundingConfig",
    "LimitsConfig",
    "MinimumGuarantee",
    "ProfitBand",
    "Rate01",
    "SharedPoolConfig",
]

BonusFactor = Literal["position_coefficient", "composite"]
"""Extra multipliers of a component: the roster's position coefficient (岗位系数, missing = 1)
or the composite score divided by 100 (a score of 100 counts as 1)."""

AllocationReason = Literal["special_factor", "diligence", "other"]


def _check_rate(value: float) -> float:
    if math.isnan(value):
        raise ValueError("must be a number from 0 to 1")
    if not 0 <= value <= 1:
        raise ValueError("must be >= 0" if value < 0 else "must be <= 1")
    return value


Rate01 = Annotated[float, AfterValidator(_check_rate)]
"""A rate between 0 and 1 (messages read `must be <= 1`)."""

_ID_PATTERN = r"^[a-z][a-z0-9_]*$"


def _check_whole_cents(value: float | None) -> float | None:
    if value is None:
        return value
    if not math.isfinite(value):
        raise ValueError("must be a finite amount in yuan")
    cents = value * 100
    if abs(cents - round(cents)) > 1e-6:
        raise ValueError("must be a whole number of cents (two decimals)")
    return value


class ProfitBand(StrictModel):
    """One profit band (档次): applies from `lower` (yuan of risk-adjusted profit) upwards."""

    lower: float = Field(description="profit (yuan) from which this band applies, inclusive")
    coefficient: NonNegative = Field(
        description="step bands: band coefficient on the base; progressive: rate on the slice"
    )
    label: DisplayText = ""

    @field_validator("lower")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("must be a finite amount in yuan")
        if abs(value) > MAX_TOTAL_YUAN:
            raise ValueError(f"must be at most {MAX_TOTAL_YUAN:,} yuan in magnitude")
        return value


_DEFAULT_BANDS = (
    ProfitBand(lower=0.0, coefficient=0.0, label="档次1"),
    ProfitBand(lower=10_000.0, coefficient=0.5, label="档次2"),
    ProfitBand(lower=30_000.0, coefficient=0.8, label="档次3"),
    ProfitBand(lower=60_000.0, coefficient=1.0, label="档次4"),
    ProfitBand(lower=100_000.0, coefficient=1.2, label="档次5"),
    ProfitBand(lower=200_000.0, coefficient=1.5, label="档次6"),
)


class BonusComponent(StrictModel):
    """One part of the bonus (the source's scheme: `profit` 60%, `grade` 40%).

    kind `profit_band`: the period's risk-adjusted profit mapped to bands (档次).
      method `step`: the whole amount falls in one band; component = share × base × band
      coefficient. Method `progressive`: each slice of profit at its band's rate (like tax
      brackets); component = share × Σ slice × rate (yuan; the base plays no part).
      Profit below the lowest band's `lower` (e.g. a negative profit) pays nothing.
    kind `grade`: component = share × base × grade coefficient (绩效工资调节系数).
    `factors` multiply the component further (per-person mode) or its points (fixed pool).
    """

    id: str = Field(pattern=_ID_PATTERN)
    kind: Literal["profit_band", "grade"]
    share: Fraction01
    method: Literal["step", "progressive"] = "step"
    bands: list[ProfitBand] = Field(default_factory=lambda: list(_DEFAULT_BANDS), min_length=1)
    factors: list[BonusFactor] = Field(default_factory=list)

    @field_validator("bands")
    @classmethod
    def _increasing(cls, bands: list[ProfitBand]) -> list[ProfitBand]:
        lowers = [band.lower for band in bands]
        if any(b <= a for a, b in itertools.pairwise(lowers)):
            raise ValueError(f"band lower bounds must increase strictly, got {lowers}")
        return bands

    @model_validator(mode="after")
    def _bands_only_for_profit(self) -> BonusComponent:
        given = self.model_fields_set
        if self.kind == "grade" and ("bands" in given or "method" in given):
            raise ValueError(
                f"component '{self.id}': bands and method apply to kind profit_band only"
            )
        return self


def _default_components() -> list[BonusComponent]:
    return [
        BonusComponent(id="profit", kind="profit_band", share=0.6),
        BonusComponent(id="grade", kind="grade", share=0.4),
    ]


class FundingConfig(StrictModel):
    """Funding: a per-person base × coefficients, or a fixed pool split in proportion to points."""

    mode: Literal["per_person_base", "fixed_pool"] = "per_person_base"
    base_source: Literal["roster", "job_level", "roster_else_job_level"] = "roster_else_job_level"
    base_by_job_level: dict[str, Yuan] = Field(default_factory=dict)
    pool_amount: UnitYuan | None = None
    amounts_per: Literal["month", "period"] = "month"

    @field_validator("pool_amount")
    @classmethod
    def _pool_cents(cls, value: float | None) -> float | None:
        return _check_whole_cents(value)

    @model_validator(mode="after")
    def _pool_needed(self) -> FundingConfig:
        if self.mode == "fixed_pool" and self.pool_amount is None:
            raise ValueError("pool_amount is required when mode is 'fixed_pool'")
        if self.mode != "fixed_pool" and self.pool_amount is not None:
            raise ValueError(f"pool_amount has no effect unless mode: fixed_pool (it is "
                             f"{self.mode}): remove it, or set mode: fixed_pool")
        return self


class MinimumGuarantee(StrictModel):
    """Guaranteed minimum gross bonus (保底), optionally only for recent hires."""

    amount: Yuan
    within_months_of_hire: int | None = Field(default=None, ge=1)


class LimitsConfig(StrictModel):
    """Per-manager bounds on the gross bonus (per month or per period, see `amounts_per`)."""

    cap: Yuan | None = None
    cap_base_multiple: NonNegative | None = None
    floor: Yuan = 0.0
    minimum_guarantee: MinimumGuarantee | None = None

    @model_validator(mode="after")
    def _cap_above_the_minimums(self) -> LimitsConfig:
        """A cap below the floor or the guarantee leaves no amount a manager may be paid: which
        one wins is not guessed."""
        if self.cap is None:
            return self
        if self.floor > self.cap:
            raise ValueError(f"floor ({decimal_text(self.floor)}) is above cap "
                             f"({decimal_text(self.cap)}): no gross "
                             "bonus can keep both; lower the floor or raise the cap")
        guarantee = self.minimum_guarantee
        if guarantee is not None and guarantee.amount > self.cap:
            raise ValueError(f"minimum_guarantee.amount ({decimal_text(guarantee.amount)}) "
                             f"is above cap ({decimal_text(self.cap)}): no gross bonus can "
                             "keep both; lower the guarantee or raise the cap")
        return self


class SharedPoolConfig(StrictModel):
    """The shared performance pool (公共绩效池)."""

    withhold_rate: Rate01 = 0.0
    carry_in: UnitYuan | Literal["from_history"] = Field(
        0.0, description="previous period's carry-out, yuan; from_history: read from the ledger "
                         "(the default when history: is configured and carry_in is not given)")
    remainder: Literal["carry_forward", "redistribute"] = "carry_forward"
    allowed_reasons: list[AllocationReason] = Field(
        default_factory=lambda: ["special_factor", "diligence", "other"], min_length=1
    )

    @field_validator("carry_in")
    @classmethod
    def _carry_cents(cls, value: float | str) -> float | str:
        if isinstance(value, float):
            _check_whole_cents(value)
        return value


class BonusConfig(StrictModel):
    """Bonus and shared-pool settings."""

    funding: FundingConfig = FundingConfig()
    components: list[BonusComponent] = Field(default_factory=_default_components, min_length=1)
    limits: LimitsConfig = LimitsConfig()
    prorate: bool = True
    shared_pool: SharedPoolConfig = SharedPoolConfig()

    @field_validator("components")
    @classmethod
    def _unique_ids(cls, components: list[BonusComponent]) -> list[BonusComponent]:
        ids = [component.id for component in components]
        duplicated = sorted({i for i in ids if ids.count(i) > 1})
        if duplicated:
            raise ValueError(f"component ids must be unique, repeated: {', '.join(duplicated)}")
        return components

    @model_validator(mode="after")
    def _shares_fill_the_pool(self) -> BonusConfig:
        if self.funding.mode == "fixed_pool":
            total = sum(component.share for component in self.components)
            if abs(total - 1.0) > 1e-9:
                raise ValueError(
                    f"components: shares must add up to 1 in fixed_pool mode, got {total:g}"
                )
        return self
