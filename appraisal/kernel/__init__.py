"""The account kernel: account-level RORAC work as exact SQL on DuckDB or Spark (docs/kernel.md).

    cells = account_cells(inputs, rorac_config, period, engine)   # one query, Arrow back
    dense = cells.dense(roster_ids, categories)                     # (M, C, 2) exact integers

`account_cells` renders the kernel (`kernel.sql`) for the engine's dialect, runs it over the
business table (and credit splits) and the product rates, and returns integer sums per manager ×
category × vintage. Every division and rounding happens afterwards in Python (`kernel.exact`,
`rorac.py`), the same for every engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from ..config.base import Period
from ..config.rorac import RoracConfig
from ..errors import ConfigError, InternalError
from ..money import exact_fraction
from .engines import (
    CatalogTable,
    DuckDBEngine,
    Engine,
    ParquetFiles,
    Relation,
    SparkEngine,
    SqlView,
    engine_for,
    spark_available,
)
from .exact import Exact, round_ratio
from .sql import CELL_COLUMNS, RATE_SCALE, SHARE_SCALE, SUPPLIED, KernelSpec, render

__all__ = [
    "CELL_COLUMNS",
    "RATE_SCALE",
    "SHARE_SCALE",
    "AccountCells",
    "CatalogTable",
    "DenseCells",
    "DuckDBEngine",
    "Engine",
    "KernelInputs",
    "ParquetFiles",
    "SparkEngine",
    "SqlView",
    "account_cells",
    "engine_for",
    "product_rates",
    "reference_day",
    "spark_available",
]

_DAY_COUNT_BASIS = {"act/365": 365, "act/360": 360}
DAYS_PER_YEAR_OF_AGE = 365.25


@dataclass(frozen=True)
class KernelInputs:
    """The relations the kernel reads. `business`: account_id (with splits), manager_id,
    product, booking_date (date), balance and revenue in integer cents, optionally ftp_cost,
    risk_cost, tax in cents (null = use the rate); `credit_splits`: account_id, manager_id,
    share in units of 1/SHARE_SCALE."""

    business: Relation
    credit_splits: Relation | None = None
    supplied: tuple[str, ...] = ()


def reference_day(config: RoracConfig, period: Period) -> date:
    """The stock/increment boundary: booked on or after it = increment."""
    reference = config.stock.reference_date
    if reference == "year_start":
        return period.year_start
    if reference == "period_start":
        return period.start
    return reference


def _units(value: float, key: str) -> int:
    scaled = exact_fraction(value) * RATE_SCALE
    if scaled.denominator != 1:
        raise ConfigError("config", [(key, f"{value!r} has more than 10 decimals; the exact "
                                      "kernel carries rates to 10⁻¹⁰")])
    return int(scaled)


def product_rates(config: RoracConfig) -> pa.Table:
    """Each product's category and rates as integers in units of 1/RATE_SCALE."""
    tax = {c.id: _units(c.tax_rate, f"rorac.categories.{c.id}.tax_rate")
           for c in config.categories}
    names = list(config.products)
    specs = list(config.products.values())

    def column(attribute: str) -> pa.Array:
        return pa.array([_units(getattr(s, attribute), f"rorac.products.{n}.{attribute}")
                         for n, s in zip(names, specs, strict=True)], pa.int64())

    return pa.table({
        "product": pa.array(names, pa.string()),
        "category": pa.array([s.category for s in specs], pa.string()),
        "ftp_rate": column("ftp_rate"),
        "provision_rate": column("provision_rate"),
        "capital_factor": column("capital_factor"),
        "tax_rate": pa.array([tax[s.category] for s in specs], pa.int64()),
    })


@dataclass(frozen=True)
class DenseCells:
    """The kernel's sums on the (manager, category, vintage) grid, with the period's scales.

    `sums[name]`: an `Exact` column of M·C·2 integers (C-order: manager, category, vintage).
    """

    shape: tuple[int, int, int]
    sums: Mapping[str, Exact]
    share_scale: int
    days: int
    basis: int
    provision_annual: bool

    def _ratio(self, terms: list[tuple[str, int]], denominator: int) -> npt.NDArray[np.int64]:
        return round_ratio([(self.sums[name], m) for name, m in terms],
                           denominator).reshape(self.shape)

    def cents(self) -> dict[str, npt.NDArray[np.int64]]:
        """Balance, E, Cd, Cr, T per cell, each rounded once to the cent (half away from zero,
        on the exact value)."""
        s, r, days, basis = self.share_scale, RATE_SCALE, self.days, self.basis
        annual = [("direct_derived", days), ("direct_given", r * basis)]
        risk = ([("risk_derived", days), ("risk_given", r * basis)] if self.provision_annual
                else [("risk_derived", 1), ("risk_given", r)])
        return {
            "balance": self._ratio([("balance", 1)], s),
            "revenue": self._ratio([("revenue", 1)], s),
            "direct_cost": self._ratio(annual, r * s * basis),
            "risk_cost": self._ratio(risk, r * s * (basis if self.provision_annual else 1)),
            "tax": self._ratio([("tax_derived", 1), ("tax_given", r)], r * s),
        }

    def capital_cents(self) -> npt.NDArray[np.int64]:
        """Economic capital per manager × category (both vintages), rounded once."""
        capital = self.sums["capital"]
        stock, increment = np.arange(0, len(capital), 2), np.arange(1, len(capital), 2)
        return round_ratio([(capital.take(stock), 1), (capital.take(increment), 1)],
                           RATE_SCALE * self.share_scale).reshape(self.shape[:2])

    def approx(self, name: str, scale: int = 1) -> npt.NDArray[np.float64]:
        """A sum as floats divided by `scale` (for weights and keys, never for money)."""
        return (self.sums[name].approx() / float(scale)).reshape(self.shape)

    def accounts(self) -> npt.NDArray[np.float64]:
        """Credited accounts per cell, each counted by its share."""
        return self.approx("accounts", self.share_scale)

    def balance_yuan(self) -> npt.NDArray[np.float64]:
        return self.approx("balance", self.share_scale * 100)

    def revenue_yuan(self) -> npt.NDArray[np.float64]:
        return self.approx("revenue", self.share_scale * 100)

    def exact_by_manager(self, name: str, *, positive_only: bool = False) -> np.ndarray:
        """A sum per manager as exact Python ints (object array), for allocation weights.
        `positive_only`: each manager's total counted as 0 when negative."""
        values = np.array(self.sums[name].ints(), dtype=object).reshape(self.shape[0], -1)
        totals = values.sum(axis=1) if values.shape[1] else np.zeros(self.shape[0], object)
        if positive_only:
            totals = np.array([max(v, 0) for v in totals], dtype=object)
        return totals

    def stock_age_years(self, by_balance: bool) -> npt.NDArray[np.float64]:
        """n: weighted mean age (years) of each manager × category's stock: by credited balance
        (when it is > 0) or by credited accounts; 0 without stock."""
        balance = self.approx("balance")[:, :, 0]
        accounts = self.approx("accounts")[:, :, 0]
        age_balance = self.approx("age_balance")[:, :, 0]
        age_accounts = self.approx("age_accounts")[:, :, 0]
        use_balance = by_balance & (balance > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            days = np.where(use_balance, age_balance / balance,
                            np.where(accounts > 0, age_accounts / accounts, 0.0))
        return days / DAYS_PER_YEAR_OF_AGE


@dataclass(frozen=True)
class AccountCells:
    """The kernel's result: one row per manager × category × vintage with credited business
    (columns manager_id, category, increment, and CELL_COLUMNS as decimal128(38, 0))."""

    table: pa.Table
    share_scale: int
    days: int
    basis: int
    provision_annual: bool

    def dense(self, roster_ids: pd.Index, categories: pd.Index) -> DenseCells:
        """The sums placed on the roster × categories × (stock, increment) grid (0 elsewhere);
        a manager or category outside them is an InternalError (validation refuses it)."""
        managers = _positions(self.table.column("manager_id"), roster_ids)
        category = _positions(self.table.column("category"), categories)
        if (managers < 0).any() or (category < 0).any():
            raise InternalError("the account kernel credited a manager or category that is "
                                "not in the roster or the config (run check_rorac first)")
        vintage = np.asarray(self.table.column("increment").to_numpy(zero_copy_only=False),
                             dtype=np.int64)
        shape = (len(roster_ids), len(categories), 2)
        slot = (managers.astype(np.int64) * shape[1] + category) * 2 + vintage
        size = shape[0] * shape[1] * 2
        sums = {}
        for name in CELL_COLUMNS:
            column = Exact.of(self.table.column(name))
            hi = np.zeros(size, dtype=np.int64)
            lo = np.zeros(size, dtype=np.uint64)
            hi[slot], lo[slot] = column.hi, column.lo
            sums[name] = Exact(hi, lo)
        return DenseCells(shape, sums, self.share_scale, self.days, self.basis,
                          self.provision_annual)


def _positions(labels: pa.ChunkedArray, known: pd.Index) -> npt.NDArray[np.int64]:
    """Each label's position in `known` (-1 when absent), by one Arrow hash lookup."""
    import pyarrow.compute as pc

    vocabulary = pa.array(known.astype("str").to_numpy(), pa.string())
    found = pc.index_in(pc.cast(labels, pa.string()), value_set=vocabulary)
    return np.asarray(pc.fill_null(found, -1).to_numpy(zero_copy_only=False), dtype=np.int64)


def _require_cents(files: ParquetFiles) -> None:
    """Parquet files read by the engine itself must hold amounts as integer cents (a float or
    a yuan decimal would be cast, not converted): else an InputError naming file and column
    (stream yuan files through `kernel.sources.parquet_business` instead)."""
    import pyarrow.parquet as pq

    from ..errors import InputError, InputIssue, IssueCode

    issues = []
    for path in files.paths:
        schema = pq.read_schema(path)
        for name in ("balance", "revenue", *SUPPLIED):
            if name in schema.names and not pa.types.is_integer(schema.field(name).type):
                issues.append(InputIssue(
                    path, None, name, f"amount column of type {schema.field(name).type}", None,
                    "integer cents (int64) for the engine to read the file itself",
                    code=IssueCode.NOT_A_NUMBER))
    if issues:
        raise InputError(issues)


def account_cells(
    inputs: KernelInputs, config: RoracConfig, period: Period, engine: Engine | None = None,
) -> AccountCells:
    """Run the kernel on `engine` (DuckDB by default): the exact sums per manager × category ×
    vintage of the credited business."""
    runner = engine if engine is not None else DuckDBEngine()
    if isinstance(inputs.business, ParquetFiles):
        _require_cents(inputs.business)
    supplied = tuple(name for name in SUPPLIED if name in inputs.supplied)
    spec = KernelSpec(reference_day(config, period), period.end,
                      inputs.credit_splits is not None, supplied)
    relations: dict[str, Relation] = {"business": inputs.business,
                                      "products": product_rates(config)}
    if inputs.credit_splits is not None:
        relations["credit_splits"] = inputs.credit_splits
    table = runner.run(render(spec, runner.dialect), relations)
    return AccountCells(table, SHARE_SCALE if spec.with_splits else 1, period.days,
                        _DAY_COUNT_BASIS[config.day_count], config.provision_basis == "annual")
