"""RORAC stage: risk-adjusted profit per manager and business category (风险调整后利润).

Source: 篇3 of seeds/004 (see docs/rorac.md for every convention and a worked example)::

    RORAC   = E − (Cd + Cm + Cf + Cr) − T                 for stock and increment separately
    k0      = max(floor, 1 − decay · n)                    n: weighted mean age of the stock, years
    RORAC_i = k0 · RORAC_stock_i + RORAC_increment_i       i: business category
    RORAC   = Σ_i w_i · RORAC_i                            w_i: category weight (default 1)
    ratio   = RORAC ÷ economic capital                     0 when there is no capital

Account rows are credited to managers (manager_id column or credit_splits shares) and summed
per manager × category × stock/increment by the account kernel (`appraisal.kernel`: exact SQL
on DuckDB or Spark, integer cents, docs/kernel.md); every money column leaves the stage as int64
cents, rounded once on the exact value per manager × category × vintage so the figures reconcile
(docs/rorac.md, "Cents"). `check_rorac` holds every data check; `compute_rorac` assumes valid
input and raises `InternalError` if it still meets an impossible value.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .config import AppraisalConfig
from .config.base import Period
from .config.rorac import AllocatedCostConfig, RoracConfig
from .errors import ConfigError, InputError, InputIssue, InternalError, IssueCode, IssueTable
from .io.accounts import (
    CATALOG,
    IN_PLACE,
    REREAD,
    is_catalog,
    is_in_place,
    is_relation,
    relation_of,
    table_rows,
)
from .kernel import (
    AccountCells,
    CatalogTable,
    DuckDBEngine,
    Engine,
    KernelInputs,
    SqlView,
    account_cells,
)
from .kernel.frames import business_relation, splits_relation
from .kernel.in_place import Verdict, business_select
from .kernel.in_place import check as check_in_place
from .money import allocate_cents, decimal_text, scale_cents, to_cents

__all__ = [
    "COMPONENTS",
    "MONEY_STEMS",
    "ORG_LEVELS",
    "VINTAGES",
    "RoracResult",
    "capital_ratio",
    "check_rorac",
    "compute_rorac",
    "has_capital",
]

COMPONENTS = ("revenue", "direct_cost", "management_cost", "fixed_cost", "risk_cost", "tax")
"""E, Cd, Cm, Cf, Cr, T: the amounts of the source's formula, in this order."""
VINTAGES = ("stock", "increment")
ORG_LEVELS = ("team", "sub_branch", "branch")
SUPPLIED_COLUMNS = ("ftp_cost", "risk_cost", "tax")
"""Optional per-account business columns for Cd, Cr, T; a blank cell uses the configured rate."""
MONEY_STEMS = ("balance", *COMPONENTS, "rorac")
"""Per-vintage columns `<stem>_stock`, `<stem>_increment` holding int64 cents."""
SHARE_TOLERANCE = 1e-9
DAYS_PER_YEAR_OF_AGE = 365.25
_DAY_COUNT_BASIS = {"act/365": 365.0, "act/360": 360.0}
_STOCK, _INCREMENT = 0, 1
_UNKNOWN, _MISSING = -1, -2
_NAT = np.iinfo(np.int64).min

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
_CENTS = 100.0


def _cents(yuan: FloatArray) -> IntArray:
    """Yuan amounts (any shape) to int64 cents: `money.to_cents`, the one rounding rule
    (called on the flat array, then reshaped)."""
    values = np.asarray(yuan, dtype=np.float64)
    return np.asarray(to_cents(values.ravel()), dtype=np.int64).reshape(values.shape)


@dataclass(frozen=True)
class RoracResult:
    """The RORAC stage's output.

    by_category: rorac.csv, one row per manager and category with business or costs.
    by_manager: one row per roster manager (sorted by manager_id) with the amount `rorac` and
        the ratio `rorac_ratio`; the scorecard indicator's `source` picks one of them.
    rollups: every amount summed per team, sub_branch and branch (`level`, `unit`).
    """

    by_category: pd.DataFrame
    by_manager: pd.DataFrame
    rollups: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        return {
            "by_category": self.by_category.to_dict(orient="records"),
            "by_manager": self.by_manager.to_dict(orient="records"),
            "rollups": self.rollups.to_dict(orient="records"),
        }


# ---- input checks --------------------------------------------------------------------------


class _Issues:
    """Issues of the RORAC checks. `strict` (compute_rorac, after validation): any issue is an
    impossible state, raised as InternalError; otherwise every issue is kept, counted exactly."""

    def __init__(self, *, strict: bool) -> None:
        self.strict = strict
        self.parts: list[IssueTable | list[InputIssue]] = []

    def _impossible(self, text: str) -> None:
        raise InternalError(f"RORAC input was not validated: {text} (run check_rorac first)")

    def rows(
        self, mask: npt.NDArray[np.bool_], file: str, rows: pd.Series | IntArray, column: str,
        rule: str, expected: str, values: Any = None, *, code: IssueCode,
    ) -> None:
        """One issue per True in `mask`."""
        if not mask.any():
            return
        if self.strict:
            self._impossible(f"{file}, column '{column}': {rule}")
        self.parts.append(IssueTable.at(mask, code=code, file=file, rows=rows, column=column,
                                        rule=rule, expected=expected, values=values))

    def covered(self, mask: npt.NDArray[np.bool_], what: str) -> None:
        """A rule checked elsewhere (the roster check of `appraisal.validate`)."""
        if self.strict and mask.any():
            self._impossible(what)

    def add(self, issues: list[InputIssue]) -> None:
        if issues and self.strict:
            self._impossible(issues[0].describe())
        self.parts.append(issues)

    @property
    def any(self) -> bool:
        return any(len(part) for part in self.parts)

    def table(self) -> IssueTable:
        return IssueTable.concat(self.parts)


def _file(frame: pd.DataFrame, default: str) -> str:
    return str(frame.attrs.get("file", default))


def _row_numbers(frame: pd.DataFrame) -> pd.Series | IntArray:
    """Spreadsheet row numbers (the reader's `_row`; header = row 1 otherwise)."""
    if "_row" in frame.columns:
        return frame["_row"]
    return np.arange(2, len(frame) + 2, dtype=np.int64)


def _require_columns(
    frame: pd.DataFrame, file: str, columns: tuple[str, ...], issues: _Issues
) -> bool:
    """True when every column is there; else one issue per missing column."""
    missing = [c for c in columns if c not in frame.columns]
    issues.add([
        InputIssue(file, 1, c, "required column is missing", None, f"a column named '{c}'",
                   code=IssueCode.MISSING_COLUMN)
        for c in missing
    ])
    return not missing


def _codes(values: pd.Series, vocabulary: pd.Index) -> npt.NDArray[np.int32]:
    """Position of each value in `vocabulary`; -1 unknown, -2 missing (vectorised)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        own = values.cat.codes.to_numpy()
        uniques = values.cat.categories
    else:
        own, uniques = pd.factorize(values, use_na_sentinel=True)
    found = vocabulary.get_indexer(pd.Index(uniques))
    if np.array_equal(found, np.arange(len(found))) and (own.size == 0 or own.min() >= 0):
        return own  # the values' own codes already index the vocabulary
    mapping = np.append(found, _MISSING).astype(np.int32)
    return mapping[own]


def _numbers(values: pd.Series) -> FloatArray:
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _date_ticks(values: pd.Series) -> tuple[IntArray, int]:
    """Dates as int64 ticks of their own datetime64 unit (NaT = _NAT) and the ticks per day."""
    if not pd.api.types.is_datetime64_any_dtype(values):
        values = pd.to_datetime(values, errors="coerce")
    array = values.to_numpy()
    unit, count = np.datetime_data(array.dtype)
    per_day = int(np.timedelta64(1, "D") // np.timedelta64(count, unit))
    if per_day < 1:  # coarser than days (months, years): count in days
        array, per_day = array.astype("datetime64[D]"), 1
    return array.view(np.int64), per_day


def _check_values(
    issues: _Issues, frame: pd.DataFrame, file: str, rows: pd.Series | IntArray, column: str,
    vocabulary: pd.Index, key_path: str,
) -> npt.NDArray[np.int32]:
    """Codes of a text column against the config's ids; each unknown value listed once with
    its first row and its row count."""
    codes = _codes(frame[column], vocabulary)
    if codes.size == 0 or codes.min() >= 0:
        return codes
    issues.rows(codes == _MISSING, file, rows, column, "empty cell", f"an id from {key_path}",
                code=IssueCode.BLANK)
    unknown = np.flatnonzero(codes == _UNKNOWN)
    if unknown.size:
        found = frame[column].iloc[unknown].astype(str).to_numpy()
        distinct, first, counts = np.unique(found, return_index=True, return_counts=True)
        row_numbers = np.asarray(rows)
        issues.add([
            InputIssue(
                file, int(row_numbers[unknown[at]]), column,
                f"unknown {column} ({count} row{'s' if count != 1 else ''}, first shown)",
                str(value), f"one of the ids in {key_path}: {', '.join(map(str, vocabulary))}",
                code=IssueCode.UNKNOWN_ID,
            )
            for value, at, count in zip(distinct, first, counts, strict=True)
        ])
    return codes


# ---- crediting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Credits:
    """Credit lines: business row (None = every row once), manager code and share (None = 1)."""

    rows: IntArray | None
    managers: npt.NDArray[np.int32]
    shares: FloatArray | None

    def take(self, values: np.ndarray) -> np.ndarray:
        return values if self.rows is None else values[self.rows]

    def credited(self, values: FloatArray) -> FloatArray:
        taken = self.take(values)
        return taken if self.shares is None else taken * self.shares


def _credit(
    business: pd.DataFrame, credit_splits: pd.DataFrame | None, roster_ids: pd.Index,
    issues: _Issues, bfile: str, brows: pd.Series | IntArray,
) -> _Credits:
    """Who is credited with each account: split shares first, else the manager_id column."""
    n = len(business)
    has_manager_column = "manager_id" in business.columns
    manager_codes = (
        _codes(business["manager_id"], roster_ids) if has_manager_column
        else np.full(n, _MISSING, dtype=np.int32)
    )
    in_split = np.zeros(n, dtype=bool)
    split: tuple[IntArray, npt.NDArray[np.int32], FloatArray] | None = None
    if credit_splits is not None:
        split = _check_splits(business, credit_splits, roster_ids, issues, bfile, brows)
    if split is not None:
        in_split[split[0][split[0] >= 0]] = True
    if split is None and (n == 0 or manager_codes.min() >= 0):
        return _Credits(None, manager_codes, None)
    plain = ~in_split
    issues.covered(plain & (manager_codes == _UNKNOWN), f"{bfile}: manager not in the roster")
    issues.rows(plain & (manager_codes == _MISSING), bfile, brows, "manager_id",
                "account is credited to no one", "a manager_id, or the account in credit_splits",
                code=IssueCode.MISSING_VALUE)
    plain_rows = np.flatnonzero(plain & (manager_codes >= 0))
    if split is None:
        return _Credits(plain_rows, manager_codes[plain_rows], None)
    usable = (split[0] >= 0) & (split[1] >= 0) & (split[2] > 0)
    return _Credits(
        rows=np.concatenate([plain_rows, split[0][usable]]),
        managers=np.concatenate([manager_codes[plain_rows], split[1][usable]]),
        shares=np.concatenate([np.ones(plain_rows.size), split[2][usable]]),
    )


def _arrow_text(values: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A text column as pyarrow strings (zero-copy for pandas' arrow-backed str dtype)."""
    return pa.array(values.astype("str"), from_pandas=True)


def _positions(values: pa.Array | pa.ChunkedArray, vocabulary: pa.Array) -> IntArray:
    """Position of each value in `vocabulary`, -1 when absent or missing."""
    found = pc.index_in(values, value_set=vocabulary).fill_null(-1)
    return np.asarray(found.to_numpy(), dtype=np.int64)


def _check_splits(
    business: pd.DataFrame, splits: pd.DataFrame, roster_ids: pd.Index, issues: _Issues,
    bfile: str, brows: pd.Series | IntArray,
) -> tuple[IntArray, npt.NDArray[np.int32], FloatArray] | None:
    """Business row (-1: none), manager code and share (0 when refused) of every split line;
    None when the table lacks a column."""
    sfile = _file(splits, "credit_splits")
    if not _require_columns(splits, sfile, ("account_id", "manager_id", "share"), issues):
        return None
    srows = _row_numbers(splits)
    share = _numbers(splits["share"])
    bad_share = ~np.isfinite(share) | (share <= 0) | (share > 1)
    issues.rows(bad_share, sfile, srows, "share", "share out of range", "a number in (0, 1]",
                splits["share"], code=IssueCode.OUT_OF_RANGE)
    managers = _codes(splits["manager_id"], roster_ids)
    issues.covered(managers == _UNKNOWN, f"{sfile}: manager not in the roster")
    issues.rows(managers == _MISSING, sfile, srows, "manager_id", "empty cell", "a manager_id",
                code=IssueCode.BLANK)
    pair = splits.duplicated(["account_id", "manager_id"]).to_numpy(dtype=bool)
    issues.rows(pair, sfile, srows, "account_id + manager_id",
                "the same credit is listed twice", "each account and manager once",
                code=IssueCode.DUPLICATE_KEY)

    # account matching by pyarrow hashing (no Python string objects for the business rows)
    split_ids = _arrow_text(splits["account_id"])
    accounts = pc.unique(split_ids.drop_null())
    account_codes = _positions(split_ids, accounts)
    has_account = account_codes >= 0
    issues.rows(~has_account, sfile, srows, "account_id", "empty cell", "an account_id",
                code=IssueCode.BLANK)
    position = _positions(_arrow_text(business["account_id"]), accounts)
    matched = np.flatnonzero(position >= 0)
    repeated = np.zeros(len(business), dtype=bool)
    repeated[matched[pd.Series(position[matched]).duplicated().to_numpy(dtype=bool)]] = True
    issues.rows(repeated, bfile, brows, "account_id",
                "split account appears more than once in the business table",
                "each account once per period", business["account_id"],
                code=IssueCode.DUPLICATE_KEY)
    row_of_account = np.full(len(accounts), -1, dtype=np.int64)
    row_of_account[position[matched]] = matched
    business_row = np.where(has_account, row_of_account[np.maximum(account_codes, 0)], -1)
    issues.rows(has_account & (business_row < 0), sfile, srows, "account_id",
                "split account not in the business table", f"an account_id of {bfile}",
                splits["account_id"], code=IssueCode.UNKNOWN_ID)

    valid_share = np.where(bad_share, 0.0, share)
    line_rows = np.asarray(srows, dtype=np.int64)
    codes, lines = account_codes[has_account], line_rows[has_account]
    sums = np.bincount(codes, weights=valid_share[has_account], minlength=len(accounts))
    off = np.flatnonzero(np.abs(sums - 1.0) > SHARE_TOLERANCE)
    if off.size:
        first_row = np.full(len(accounts), np.iinfo(np.int64).max)
        np.minimum.at(first_row, codes, lines)
        names = pc.take(accounts, pa.array(off)).to_pylist()
        issues.add([
            InputIssue(
                sfile, int(first_row[code]), "share",
                f"shares of account {name} sum to {sums[code]:.12g}", None,
                f"shares summing to 1 (tolerance {SHARE_TOLERANCE:g})",
                code=IssueCode.SHARES_NOT_ONE,
            )
            for code, name in zip(off, names, strict=True)
        ])
    return business_row, managers, valid_share


@dataclass(frozen=True)
class _BusinessRows:
    """The checked columns of the business table as arrays (codes index the config's ids)."""

    product: npt.NDArray[np.integer]
    product_category: npt.NDArray[np.int32]
    balance: FloatArray
    revenue: FloatArray
    booked: IntArray  # datetime64 ticks in the column's own unit
    per_day: int  # ticks per day
    credits: _Credits

    @classmethod
    def check(
        cls, business: pd.DataFrame, bfile: str, config: RoracConfig, categories: pd.Index,
        products: pd.Index, credit_splits: pd.DataFrame | None, roster_ids: pd.Index,
        issues: _Issues,
    ) -> _BusinessRows:
        """All row checks; the fast path uses reductions, the masks only run on failure."""
        brows = _row_numbers(business)
        product = _check_values(issues, business, bfile, brows, "product", products,
                                "rorac.products")
        category = _check_values(issues, business, bfile, brows, "category", categories,
                                 "rorac.categories")
        product_category = np.array(
            [categories.get_loc(spec.category) for spec in config.products.values()],
            dtype=np.int32)
        known = (product.size == 0 or product.min() >= 0) and (
            category.size == 0 or category.min() >= 0)
        if known and not np.array_equal(product_category[product], category):
            mismatch = product_category[product] != category
            issues.rows(mismatch, bfile, brows, "category", "category differs from the "
                        "product's category in rorac.products",
                        "the category configured for the product", business["category"],
                        code=IssueCode.INCONSISTENT)
        balance = _numbers(business["balance"])
        revenue = _numbers(business["revenue"])
        # min() is NaN when any value is NaN; sum() is not finite when any value is ±inf
        if balance.size and not (balance.min() >= 0 and np.isfinite(balance.sum())):
            issues.rows(~np.isfinite(balance), bfile, brows, "balance", "not a number",
                        "a number >= 0", business["balance"], code=IssueCode.NOT_A_NUMBER)
            issues.rows(balance < 0, bfile, brows, "balance", "negative balance",
                        "a number >= 0", balance, code=IssueCode.NEGATIVE)
        if revenue.size and not np.isfinite(revenue.sum()):
            issues.rows(~np.isfinite(revenue), bfile, brows, "revenue", "not a number",
                        "a number", business["revenue"], code=IssueCode.NOT_A_NUMBER)
        for column in SUPPLIED_COLUMNS:
            if column in business.columns:
                given = _numbers(business[column])
                if given.size and not np.isfinite(np.nansum(given)):
                    issues.rows(np.isinf(given), bfile, brows, column, "not a finite number",
                                "a number, or blank to use the configured rate",
                                business[column], code=IssueCode.NOT_FINITE)
        booked, per_day = _date_ticks(business["booking_date"])
        if booked.size and booked.min() == _NAT:
            issues.rows(booked == _NAT, bfile, brows, "booking_date", "not a valid date",
                        "a date", business["booking_date"], code=IssueCode.NOT_A_DATE)
        credits = _credit(business, credit_splits, roster_ids, issues, bfile, brows)
        return cls(product, product_category, balance, revenue, booked, per_day, credits)


# ---- cost allocation ------------------------------------------------------------------------


def _split_weights(keys: list[FloatArray]) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Each row's weights over its cells from the first key with a positive row sum; also the
    rows no key could carry."""
    groups, cells = keys[0].shape
    weights = np.zeros((groups, cells))
    unresolved = np.ones(groups, dtype=bool)
    for key in keys:
        total = key.sum(axis=1)
        use = unresolved & (total > 0)
        weights[use] = key[use] / total[use, None]
        unresolved &= ~use
    return weights, unresolved


def _spread_cents(amount: IntArray, keys: list[FloatArray]) -> IntArray:
    """Split each row's cents over its cells by `_split_weights`, largest remainder: floor
    every part, hand the missing cents to the largest remainders (ties: the earlier cell), so
    every row adds up exactly to its amount. An amount no key can carry is an InternalError
    (validation refuses it)."""
    weights, unresolved = _split_weights(keys)
    if (unresolved & (amount != 0)).any():
        raise InternalError("a cost with no cell to carry it reached the RORAC stage")
    exact = amount[:, None].astype(np.float64) * weights
    floors = np.floor(exact)
    parts = floors.astype(np.int64)
    missing = amount - parts.sum(axis=1)
    cells = weights.shape[1]
    rounds, rest = np.divmod(missing, cells)
    order = np.argsort(-(exact - floors), axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.broadcast_to(np.arange(cells), order.shape), axis=1)
    parts += rounds[:, None] + (rank < rest[:, None])
    return np.where(unresolved[:, None], 0, parts)


def _allocate_total(total: float, weights: FloatArray, key_path: str) -> IntArray:
    """Split a unit's total (yuan) over managers by driver weights, in cents, exactly."""
    total_cents = int(to_cents(total))
    if total_cents == 0:
        return np.zeros(weights.size, dtype=np.int64)
    if not weights.sum() > 0:
        raise ConfigError("config", [(
            key_path, f"cannot allocate {decimal_text(total)}: the driver is zero for every "
            "manager with business in the period (choose another driver or set the total to 0)",
        )])
    return np.asarray(allocate_cents(weights, total_cents), dtype=np.int64)


@dataclass(frozen=True)
class _CostRows:
    """The checked rows of one cost column of manager_costs: manager and category codes, cents."""

    who: npt.NDArray[np.int32]
    category: npt.NDArray[np.int32]
    cents: IntArray

    @classmethod
    def check(
        cls, name: str, manager_costs: pd.DataFrame, roster_ids: pd.Index,
        categories: pd.Index, has_business: npt.NDArray[np.bool_], issues: _Issues,
    ) -> _CostRows:
        cfile = _file(manager_costs, "manager_costs")
        crows = _row_numbers(manager_costs)
        amount = _numbers(manager_costs[name])
        issues.rows(np.isinf(amount), cfile, crows, name, "not a finite number", "a number",
                    manager_costs[name], code=IssueCode.NOT_FINITE)
        amount = np.where(np.isfinite(amount), amount, 0.0)  # blank = no cost
        who = _codes(manager_costs["manager_id"], roster_ids)
        issues.covered(who < 0, f"{cfile}: manager not in the roster")
        if "category" in manager_costs.columns:
            category = _codes(manager_costs["category"], categories)
            issues.rows(category == _UNKNOWN, cfile, crows, "category", "unknown category",
                        "an id from rorac.categories or blank", manager_costs["category"],
                        code=IssueCode.UNKNOWN_ID)
        else:
            category = np.full(len(manager_costs), _MISSING, dtype=np.int32)
        general = (who >= 0) & (category == _MISSING)
        no_business = general & (amount != 0) & ~has_business[np.maximum(who, 0)]
        issues.rows(no_business, cfile, crows, name,
                    "manager has no credited business to carry a cost without a category",
                    "a category in the category column, or no row for this manager",
                    code=IssueCode.INCONSISTENT)
        return cls(who, category, np.asarray(to_cents(amount), dtype=np.int64))


def _cost_cells(
    name: str, setting: AllocatedCostConfig, manager_costs: pd.DataFrame | None,
    roster_ids: pd.Index, categories: pd.Index, driver: dict[str, FloatArray],
    split_keys: list[FloatArray],
) -> IntArray:
    """Cm or Cf in cents per manager, category and vintage, shape (M, C, 2)."""
    managers, n_categories = len(roster_ids), len(categories)
    by_manager = np.zeros(managers, dtype=np.int64)
    by_category = np.zeros(managers * n_categories, dtype=np.int64)
    has_business = driver["accounts"] > 0
    if setting.source == "allocate":
        if setting.driver == "headcount":
            weights = has_business.astype(np.float64)
        elif setting.driver == "revenue":
            weights = np.where(has_business, np.maximum(driver["revenue"], 0), 0)
        else:
            weights = np.where(has_business, driver["balance"], 0)
        by_manager = _allocate_total(setting.total, weights, f"rorac.{name}.driver")
    elif manager_costs is not None and name in manager_costs.columns:
        rows = _CostRows.check(name, manager_costs, roster_ids, categories, has_business,
                               _Issues(strict=True))
        general = rows.category == _MISSING
        np.add.at(by_manager, rows.who[general], rows.cents[general])
        specific = rows.category >= 0
        flat = rows.who[specific].astype(np.int64) * n_categories + rows.category[specific]
        np.add.at(by_category, flat, rows.cents[specific])
    cells = len(VINTAGES) * n_categories
    general_parts = _spread_cents(by_manager, [k.reshape(managers, cells) for k in split_keys])
    increment_only = np.zeros((managers * n_categories, len(VINTAGES)))
    increment_only[:, _INCREMENT] = 1.0
    specific_parts = _spread_cents(
        by_category, [k.reshape(-1, len(VINTAGES)) for k in split_keys] + [increment_only])
    return general_parts.reshape(managers, n_categories, -1) + specific_parts.reshape(
        managers, n_categories, -1)


# ---- the checks and the stage -------------------------------------------------------------

_NEEDED = ("category", "product", "balance", "revenue", "booking_date")
"""Business columns the stage reads (account_id too when credit splits are given)."""


def _roster(managers: pd.DataFrame, issues: _Issues) -> pd.Index | None:
    """The roster's manager ids (their uniqueness is the reader's key check); None if absent."""
    mfile = _file(managers, "managers")
    if not _require_columns(managers, mfile, ("manager_id", *ORG_LEVELS), issues):
        return None
    ids = managers["manager_id"].astype("str")
    if issues.strict and (ids.isna().any() or ids.duplicated().any()):
        issues.covered(np.ones(1, dtype=bool), f"{mfile}: manager_id blank or repeated")
    return pd.Index(ids.to_numpy(), dtype="str", name="manager_id")


def _has_business(credits: _Credits, n_managers: int) -> npt.NDArray[np.bool_]:
    weights = None if credits.shares is None else credits.shares
    return np.bincount(credits.managers, weights=weights, minlength=n_managers) > 0


def _check_booked_in_time(rows: _BusinessRows, business: pd.DataFrame, file: str,
                          period: Period, issues: _Issues) -> None:
    """Business booked after the period's last day is not this period's: never credited
    silently (a bank re-runs the month, or fixes the export's cut-off)."""
    last_day = np.datetime64(period.end, "D").astype(np.int64) * rows.per_day
    late = rows.booked > last_day
    issues.rows(late, file, _row_numbers(business), "booking_date",
                f"booked after the end of period {period.label}",
                f"a booking date on or before {period.end.isoformat()}",
                business["booking_date"].dt.strftime("%Y-%m-%d")
                if pd.api.types.is_datetime64_any_dtype(business["booking_date"])
                else business["booking_date"],
                code=IssueCode.OUT_OF_RANGE)


def check_rorac(tables: Mapping[str, pd.DataFrame], config: AppraisalConfig) -> IssueTable:
    """Every problem of the RORAC inputs (business, credit_splits, manager_costs) against the
    `rorac:` config, counted exactly; pure, never raises for bad data.

    The roster check (manager_id in the roster) is `appraisal.validate.check_roster`'s.
    """
    issues = _Issues(strict=False)
    managers = tables.get("managers")
    roster_ids = None if managers is None else _roster(managers, issues)
    if roster_ids is None:
        return issues.table()
    rorac = config.rorac
    categories = pd.Index(rorac.category_ids(), dtype="str")
    products = pd.Index(list(rorac.products), dtype="str")
    has_business = np.zeros(len(roster_ids), dtype=bool)
    business = tables.get("business")
    splits = tables.get("credit_splits") if business is not None else None
    costs = tables.get("manager_costs")
    if business is not None and is_catalog(business):  # Spark catalog tables: checked there
        from .kernel.catalog import check_catalog

        found, credited_ids = check_catalog(business, splits, roster_ids, config,
                                            _file(managers, "managers"))
        issues.parts.append(found)
        business = None
        has_business = np.asarray(roster_ids.isin(sorted(credited_ids)), dtype=bool)
    if business is not None and is_in_place(business):  # Parquet files DuckDB reads in place
        verdict = _in_place_verdict(business, splits, roster_ids, rorac,
                                    config.appraisal_period.end, dict(config.engine.options))
        if verdict.clean:  # every rule holds: nothing to word
            business = None
            has_business = np.asarray(roster_ids.isin(list(verdict.credited)), dtype=bool)
        else:  # read after all (columnar, else cell by cell): those paths word it
            business = _read_in_place(business, issues)
            from .validate import check_roster

            issues.parts.append(check_roster({"managers": managers, "business": business}))
    if business is not None and (is_relation(business) or is_relation(splits)):
        credited = _credited(business, splits, roster_ids, rorac, config)
        if credited is not None:  # every rule holds: nothing to word
            business = None
            has_business = credited
        else:  # some rule fails: the per-cell tables and checks word it
            business, splits = _per_cell(business), _per_cell(splits)
    if business is not None:
        bfile = _file(business, "business")
        needed = _NEEDED if splits is None else ("account_id", *_NEEDED)
        if _require_columns(business, bfile, needed, issues):
            rows = _BusinessRows.check(business, bfile, rorac, categories, products, splits,
                                       roster_ids, issues)
            has_business = _has_business(rows.credits, len(roster_ids))
            _check_booked_in_time(rows, business, bfile, config.appraisal_period, issues)
    if costs is not None and _require_columns(costs, _file(costs, "manager_costs"),
                                              ("manager_id",), issues):
        for name in ("management_cost", "fixed_cost"):
            if getattr(rorac, name).source == "table" and name in costs.columns:
                _CostRows.check(name, costs, roster_ids, categories, has_business, issues)
    return issues.table()


def _credited(business: pd.DataFrame, splits: pd.DataFrame | None, roster_ids: pd.Index,
              rorac: RoracConfig, config: AppraisalConfig) -> npt.NDArray[np.bool_] | None:
    """Which roster managers the columnar business (and splits) relations credit, when they
    break none of the rules of this check and the roster check (`kernel.checks.accounts_clean`,
    vectorised); None when some rule fails (or a table was read cell by cell)."""
    from .kernel.checks import accounts_clean

    if not is_relation(business) or (splits is not None and not is_relation(splits)):
        return None
    products = pa.table({"product": pa.array(list(rorac.products), pa.string()),
                         "category": pa.array([p.category for p in rorac.products.values()],
                                              pa.string())})
    clean, credited = accounts_clean(
        relation_of(business), None if splits is None else relation_of(splits),
        pa.array(roster_ids.to_numpy(), pa.string()), products, config.appraisal_period.end)
    if not clean:
        return None
    return np.asarray(pc.fill_null(pc.is_in(pa.array(roster_ids.to_numpy(), pa.string()),
                                            value_set=credited.cast(pa.string())), False)
                      .to_numpy(zero_copy_only=False), dtype=bool)


_VERDICT = "in_place_verdict"
"""frame.attrs key: (what it was checked against, `kernel.in_place.Verdict`)."""


def _in_place_verdict(business: pd.DataFrame, splits: pd.DataFrame | None,
                      roster_ids: pd.Index, rorac: RoracConfig, last_day: Any,
                      options: Mapping[str, str] | None = None) -> Verdict:
    """`kernel.in_place.check` of a table left in place, run once per roster, products, period
    end and splits (the verdict is kept on the stand-in for the stage: the check costs a pass
    over the files)."""
    if splits is not None and not is_relation(splits):
        return Verdict(False)  # splits read cell by cell: the per-cell checks decide
    products = tuple((name, spec.category) for name, spec in rorac.products.items())
    roster = hashlib.sha256("\n".join(roster_ids.astype("str")).encode()).hexdigest()
    against = (products, last_day, roster, None if splits is None else _identity(splits))
    kept = business.attrs.get(_VERDICT)
    if kept is not None and kept[0] == against:
        return kept[1]
    verdict = check_in_place(
        business.attrs[IN_PLACE], None if splits is None else relation_of(splits),
        pa.array(roster_ids.to_numpy(), pa.string()),
        pa.table({"product": pa.array([p for p, _ in products], pa.string()),
                  "category": pa.array([c for _, c in products], pa.string())}),
        last_day, options)
    business.attrs[_VERDICT] = (against, verdict)
    return verdict


def _identity(frame: pd.DataFrame) -> tuple[int, tuple[int, ...]]:
    """A columnar relation's identity in this process: its length and buffer addresses."""
    chunks = relation_of(frame).column(0).chunks
    return len(frame), tuple(b.address if b is not None else 0
                             for chunk in chunks for b in chunk.buffers())


def _read_in_place(frame: pd.DataFrame, issues: _Issues) -> pd.DataFrame:
    """A table left in place, read after all (columnar, else cell by cell), its readers'
    issues kept (in the stage, after validation, any is an InternalError)."""
    table, found = frame.attrs[REREAD]()
    issues.add(list(found))
    return table.frame


def _per_cell(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """A columnar account table read again by the per-cell reader (for its messages)."""
    if frame is None or not is_relation(frame):
        return frame
    table, _ = frame.attrs[REREAD]()
    return table.frame


def compute_rorac(
    business: pd.DataFrame | None,
    managers: pd.DataFrame,
    config: RoracConfig,
    period: Period,
    *,
    credit_splits: pd.DataFrame | None = None,
    manager_costs: pd.DataFrame | None = None,
    engine: Engine | None = None,
) -> RoracResult:
    """Risk-adjusted profit of every roster manager for the period, by category and in total.

    Money in int64 cents. Assumes inputs that passed `check_rorac` (and the roster check): an
    impossible value is an InternalError. Without a business table (None) every RORAC is 0.
    The account-level sums run as the exact SQL kernel on `engine` (DuckDB when None).
    """
    if business is None:
        business = pd.DataFrame({
            "category": pd.Series([], dtype="str"), "product": pd.Series([], dtype="str"),
            "balance": pd.Series([], dtype="float64"), "revenue": pd.Series([], dtype="float64"),
            "booking_date": pd.Series([], dtype="datetime64[ns]"),
            "manager_id": pd.Series([], dtype="str"),
        })
        credit_splits = None
    strict = _Issues(strict=True)
    roster_ids = _roster(managers, strict)
    if roster_ids is None:  # pragma: no cover - _require_columns raised
        raise InternalError("roster without manager_id")
    categories = pd.Index(config.category_ids(), dtype="str")
    options = dict(engine.options) if isinstance(engine, DuckDBEngine) else {}
    if is_in_place(business) and not _in_place_verdict(business, credit_splits, roster_ids,
                                                       config, period.end, options).clean:
        business = _read_in_place(business, strict)  # the check could not vouch for it
    if not (is_relation(business) or is_relation(credit_splits) or is_catalog(business)
            or is_in_place(business)):
        # per-cell frames (small by nature, or called without validation): checked again
        bfile = _file(business, "business")
        # account_id is only read to match credit splits (the reader checks its uniqueness)
        _require_columns(business, bfile,
                         _NEEDED if credit_splits is None else ("account_id", *_NEEDED), strict)
        _BusinessRows.check(business, bfile, config, categories,
                            pd.Index(list(config.products), dtype="str"), credit_splits,
                            roster_ids, strict)
    # a columnar relation (io.accounts) was checked once, vectorised, by check_rorac: no
    # second pass; the kernel's result is still required to credit every row in full
    cells = _account_cells(business, credit_splits, config, period, engine).dense(
        roster_ids, categories)
    accounts_c, balance_c = cells.accounts(), cells.balance_yuan()
    revenue_c = cells.revenue_yuan()
    # every money figure rounded once, on its exact value, per manager × category × vintage
    # (docs/rorac.md, Cents; docs/kernel.md)
    cents = cells.cents()
    drivers = {getattr(config, name).driver for name in ("management_cost", "fixed_cost")
               if getattr(config, name).source == "allocate"}
    driver = {"accounts": accounts_c.sum(axis=(1, 2))}
    for name in drivers & {"revenue", "balance"}:  # exact integers: allocation weights
        driver[name] = cells.exact_by_manager(name)
    split_key = {
        "balance": balance_c, "revenue": np.maximum(revenue_c, 0.0), "accounts": accounts_c,
    }[config.cost_split]
    split_keys = [split_key, accounts_c]
    for name in ("management_cost", "fixed_cost"):
        cents[name] = _cost_cells(name, getattr(config, name), manager_costs, roster_ids,
                                  categories, driver, split_keys)

    # stock age n and weight k0 per manager and category
    n_years = cells.stock_age_years(config.stock.age_weight == "balance")
    k0 = np.maximum(config.stock.floor, 1.0 - config.stock.decay * n_years)

    costs = cents["direct_cost"] + cents["management_cost"] + cents["fixed_cost"]
    rorac_cells = cents["revenue"] - (costs + cents["risk_cost"]) - cents["tax"]
    # RORAC_i = RORAC_increment + k0 · RORAC_stock: k0 × stock rounded once to the cent
    stock = rorac_cells[:, :, _STOCK]
    weighted_stock = _cents(k0 * (stock / _CENTS))
    at_floor = k0 == config.stock.floor  # k0 is then the config's decimal: exact half cents
    weighted_stock[at_floor] = scale_cents(stock[at_floor], config.stock.floor)
    rorac_category = rorac_cells[:, :, _INCREMENT] + weighted_stock
    # w_i × RORAC_i on the weight's exact decimal (0.7 × 0.05 yuan = 3.5 cents → 4 cents)
    rorac_weighted = np.stack(
        [scale_cents(rorac_category[:, i], c.weight) for i, c in enumerate(config.categories)],
        axis=1,
    ).reshape(rorac_category.shape)
    capital = cells.capital_cents()

    dense = {
        "accounts": accounts_c, "balance": cents["balance"],
        **{name: cents[name] for name in COMPONENTS}, "rorac": rorac_cells,
    }
    order = np.argsort(roster_ids.to_numpy(), kind="stable")
    by_category = _by_category_frame(
        config, roster_ids, order, dense, n_years, k0, rorac_category, rorac_weighted, capital)
    by_manager = _by_manager_frame(
        config, managers, roster_ids, order, dense, rorac_weighted, capital)
    rollups = _rollups(by_manager)
    return RoracResult(by_category, by_manager, rollups)


def _account_cells(
    business: pd.DataFrame, credit_splits: pd.DataFrame | None, config: RoracConfig,
    period: Period, engine: Engine | None,
) -> AccountCells:
    """The kernel's exact sums of the credited business (docs/kernel.md): a columnar
    relation (`io.accounts`) goes to the kernel as it is, a per-cell frame is converted."""
    if is_catalog(business):  # read by the engine itself, by name
        relation = CatalogTable(str(business.attrs[CATALOG]))
        supplied = tuple(n for n in SUPPLIED_COLUMNS if n in business.attrs["columns"])
    elif is_in_place(business):  # checked in place (compute_rorac): DuckDB reads the files
        supplied = business.attrs[_VERDICT][1].supplied
        relation = SqlView(business_select(business.attrs[IN_PLACE], supplied))
    elif is_relation(business):
        relation = relation_of(business)
        supplied = tuple(n for n in SUPPLIED_COLUMNS if n in relation.column_names)
    else:
        relation, supplied = business_relation(business, with_splits=credit_splits is not None)
    if credit_splits is None:
        splits = None
    elif is_catalog(credit_splits):
        splits = CatalogTable(str(credit_splits.attrs[CATALOG]))
    elif is_relation(credit_splits):
        splits = relation_of(credit_splits)
    else:
        splits = splits_relation(credit_splits)
    try:
        cells = account_cells(KernelInputs(relation, splits, supplied), config, period, engine)
    except Exception as exc:
        if not _overflow(exc):
            raise
        raise InputError([InputIssue(
            _file(business, "business"), None, "balance",
            "amounts too large for the exact sums", None,
            "sums per manager, category and vintage within the kernel's 38 digits (with "
            "credit splits about 10^13 yuan of balance × rate in one manager's category)",
            code=IssueCode.OUT_OF_RANGE)]) from None
    _require_all_credited(cells, table_rows(business),
                          None if credit_splits is None else table_rows(credit_splits))
    return cells


def _overflow(error: Exception) -> bool:
    """Whether the engine refused the kernel for an overflow of its exact sums (DuckDB's
    OutOfRangeException, Spark's ArithmeticException under ANSI mode)."""
    import duckdb

    if isinstance(error, duckdb.OutOfRangeException):
        return True
    try:
        from pyspark.errors import ArithmeticException
    except ImportError:
        return False
    return isinstance(error, ArithmeticException)


def _require_all_credited(cells: AccountCells, rows: int, split_lines: int | None) -> None:
    """The one guard left in the stage (the rows were checked once, in validation): every
    business row is credited in full (Σ shares = rows, within the splits' 1e-9 tolerance), so a
    row dropped by the kernel (unknown product, no manager) is an InternalError, never a
    silent loss."""
    total = pc.sum(cells.table.column("accounts")).as_py() if cells.table.num_rows else 0
    expected = rows * cells.share_scale
    slack = 0 if split_lines is None else split_lines * (cells.share_scale // 10**9)
    if abs(int(total or 0) - expected) > slack:
        raise InternalError(f"RORAC input was not validated: {rows} business rows, "
                            f"{int(total or 0) / cells.share_scale:g} credited "
                            "(run check_rorac first)")


def has_capital(economic_capital: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """The one definition: economic capital (int64 cents) of at least one cent.

    Capital is rounded to the cent once (half away from zero), so this is capital of at least
    0.005 yuan before rounding; less counts as none (ratio 0). Every roll-up calls this.
    """
    return np.asarray(economic_capital) >= 1


def capital_ratio(profit: npt.ArrayLike, economic_capital: npt.ArrayLike) -> FloatArray:
    """RORAC ÷ economic capital (both in cents): 0 where there is no capital (`has_capital`)."""
    profit_values = np.asarray(profit, dtype=np.float64)
    capital_values = np.asarray(economic_capital, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.where(has_capital(economic_capital), profit_values / capital_values, 0.0)


def _vintage_columns(dense: dict[str, FloatArray], pick: Any) -> dict[str, FloatArray]:
    columns: dict[str, FloatArray] = {}
    for vintage_index, vintage in enumerate(VINTAGES):
        for name, values in dense.items():
            columns[f"{name}_{vintage}"] = pick(values[..., vintage_index])
    return columns


def _by_category_frame(
    config: RoracConfig, roster_ids: pd.Index, order: IntArray, dense: dict[str, FloatArray],
    n_years: FloatArray, k0: FloatArray, rorac_category: FloatArray,
    rorac_weighted: FloatArray, capital: FloatArray,
) -> pd.DataFrame:
    active = (dense["accounts"].sum(axis=2) > 0) | (dense["management_cost"] != 0).any(axis=2) | (
        dense["fixed_cost"] != 0).any(axis=2)
    manager_at, category_at = np.nonzero(active[order])
    manager_at = order[manager_at]

    def pick(values: FloatArray) -> FloatArray:
        return values[manager_at, category_at]

    spec = config.categories
    frame = pd.DataFrame({
        "manager_id": roster_ids.take(manager_at).array,
        "category": pd.array([c.id for c in spec], dtype="str").take(category_at),
        "category_name_zh": pd.array([c.name_zh for c in spec], dtype="str").take(category_at),
        "category_name_en": pd.array([c.name_en for c in spec], dtype="str").take(category_at),
        **_vintage_columns(dense, pick),
        "stock_age_years": pick(n_years),
        "k0": pick(k0),
        "rorac_category": pick(rorac_category),
        "category_weight": np.array([c.weight for c in spec])[category_at],
        "rorac_weighted": pick(rorac_weighted),
        "economic_capital": pick(capital),
    })
    frame["rorac_ratio"] = capital_ratio(frame["rorac_category"].to_numpy(),
                                  frame["economic_capital"].to_numpy())
    frame["has_capital"] = has_capital(frame["economic_capital"].to_numpy())
    return frame


def _by_manager_frame(
    config: RoracConfig, managers: pd.DataFrame, roster_ids: pd.Index, order: IntArray,
    dense: dict[str, FloatArray], rorac_weighted: FloatArray, capital: FloatArray,
) -> pd.DataFrame:
    def pick(values: FloatArray) -> FloatArray:
        return values.sum(axis=1)[order]

    rorac = rorac_weighted.sum(axis=1)[order]
    total_capital = capital.sum(axis=1)[order]
    org = {level: managers[level].array.take(order) for level in reversed(ORG_LEVELS)}
    frame = pd.DataFrame({
        "manager_id": roster_ids.take(order).array,
        **org,
        "has_business": dense["accounts"].sum(axis=(1, 2))[order] > 0,
        **_vintage_columns(dense, pick),
        "rorac": rorac,
        "economic_capital": total_capital,
        "rorac_ratio": capital_ratio(rorac, total_capital),
        "has_capital": has_capital(total_capital),
    })
    return frame


def _rollups(by_manager: pd.DataFrame) -> pd.DataFrame:
    """Every amount summed per team, sub_branch and branch (teams keyed within their parents)."""
    amounts = [c for c in by_manager.columns
               if c.endswith(VINTAGES) or c in ("rorac", "economic_capital")]
    parts = []
    hierarchy = list(reversed(ORG_LEVELS))  # branch, sub_branch, team
    for level in ORG_LEVELS:
        keys = hierarchy[: hierarchy.index(level) + 1]
        grouped = by_manager.groupby(keys, sort=True, dropna=False)
        summed = grouped[amounts].sum().reset_index()
        summed.insert(0, "managers", grouped.size().to_numpy())
        for missing in hierarchy[len(keys):]:
            summed[missing] = ""
        summed["level"] = level
        summed["unit"] = summed[level]
        parts.append(summed)
    rollups = pd.concat(parts, ignore_index=True)
    rollups["rorac_ratio"] = capital_ratio(rollups["rorac"].to_numpy(),
                                    rollups["economic_capital"].to_numpy())
    rollups["has_capital"] = has_capital(rollups["economic_capital"].to_numpy())
    leading = ["level", "unit", *hierarchy, "managers"]
    return rollups[leading + [c for c in rollups.columns if c not in leading]]
