"""`rorac:` section (owned by the RORAC stage): categories, products and their rates, costs,
stock/increment weighting and the measure the scorecard uses. Documented in docs/rorac.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Literal

from pydantic import Field, Strict, model_validator

from .base import DisplayText, Fraction01, NonNegative, StrictModel, UnitYuan

__all__ = [
    "AllocatedCostConfig",
    "CategorySpec",
    "ProductSpec",
    "RoracConfig",
    "StockConfig",
]

AnnualRate = Annotated[float, Field(ge=-1.0, le=1.0)]


class CategorySpec(StrictModel):
    """One business category (业务大类) i: its display names, weight in the total and tax rate."""

    id: DisplayText = Field(min_length=1)
    name_zh: DisplayText = ""
    name_en: DisplayText = ""
    weight: NonNegative = Field(1.0, description="category weight w_i in Σ_i w_i·RORAC_i")
    tax_rate: Fraction01 = Field(0.0, description="T = E × tax_rate when no tax column is given")


class ProductSpec(StrictModel):
    """One product: its category and the rates that derive its cost components."""

    category: str = Field(min_length=1)
    ftp_rate: AnnualRate = Field(
        0.0, description="annual FTP rate: Cd = rate × balance × days/basis (rorac.day_count)")
    provision_rate: Fraction01 = Field(
        0.0, description="provision rate, annual by default: Cr = rate × balance × days/basis; "
        "with rorac.provision_basis: per_period, Cr = rate × balance")
    capital_factor: float = Field(0.0, ge=0.0, le=10.0,
                                  description="economic capital = factor × balance (0 to 10)")


class StockConfig(StrictModel):
    """Stock vs increment (存量/增量) and the stock weight k0 = max(floor, 1 − decay·n)."""

    reference_date: Literal["year_start", "period_start"] | Annotated[date, Strict(False)] = (
        "year_start")
    age_weight: Literal["balance", "accounts"] = "balance"
    decay: NonNegative = 0.05
    floor: Fraction01 = 0.8


class AllocatedCostConfig(StrictModel):
    """Where a manager's management (Cm) or fixed (Cf) cost comes from."""

    source: Literal["table", "allocate"] = "table"
    total: UnitYuan = Field(0.0, description="the unit's total for the period, yuan")
    driver: Literal["headcount", "revenue", "balance"] = "headcount"

    @model_validator(mode="after")
    def _allocation_keys_need_allocate(self) -> AllocatedCostConfig:
        given = {key for key in ("total", "driver") if key in self.model_fields_set
                 and getattr(self, key) != type(self).model_fields[key].default}
        if self.source == "table" and given:
            keys, verb, them = (" and ".join(sorted(given)), "have", "them") if len(given) > 1 \
                else (next(iter(given)), "has", "it")
            raise ValueError(f"{keys} {verb} no effect unless source: allocate (it is table): "
                             f"remove {them}, or set source: allocate")
        return self


_DEFAULT_CATEGORIES = (
    CategorySpec(id="deposit", name_zh="存款", name_en="Deposits"),
    CategorySpec(id="loan", name_zh="贷款", name_en="Loans"),
    CategorySpec(id="intermediate", name_zh="中间业务", name_en="Intermediate business"),
    CategorySpec(id="other", name_zh="其他业务", name_en="Other business"),
)


class RoracConfig(StrictModel):
    """Risk-adjusted profit: RORAC = E − (Cd + Cm + Cf + Cr) − T per manager and category."""

    categories: tuple[CategorySpec, ...] = Field(_DEFAULT_CATEGORIES, min_length=1)
    products: Mapping[str, ProductSpec] = Field(default_factory=dict)
    day_count: Literal["act/365", "act/360"] = Field(
        "act/365", description="basis of days/basis in Cd and the annual Cr: 365 or 360")
    provision_basis: Literal["annual", "per_period"] = Field(
        "annual", description="annual: provision rates are yearly, prorated by days/basis like "
        "FTP; per_period: charged as given in every period")
    stock: StockConfig = StockConfig()
    management_cost: AllocatedCostConfig = AllocatedCostConfig()
    fixed_cost: AllocatedCostConfig = AllocatedCostConfig()
    cost_split: Literal["balance", "revenue", "accounts"] = "balance"

    @model_validator(mode="after")
    def _check_references(self) -> RoracConfig:
        ids = [category.id for category in self.categories]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"categories: ids must be unique, repeated: {', '.join(repeated)}")
        unknown = {
            name: spec.category for name, spec in self.products.items() if spec.category not in ids
        }
        if unknown:
            listed = ", ".join(
                f"products.{name}.category = {cat!r}" for name, cat in unknown.items())
            raise ValueError(f"{listed}: not a category id; known: {', '.join(ids)}")
        return self

    def category_ids(self) -> tuple[str, ...]:
        return tuple(category.id for category in self.categories)
