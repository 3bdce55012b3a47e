"""The shared performance pool (公共绩效池), source 篇6.

A fixed share (withhold rate) of every manager's gross bonus for the period is withheld into a
common pool, which also holds the carry-in from the previous period. The head of the
customer-manager department allocates it, with a reason, to managers whose results dropped for
special reasons (`special_factor`) or who worked diligently with poor results (`diligence`), or
for another documented reason (`other`, note required). The remainder is carried to the next
period or, if configured, redistributed pro rata to gross bonus. Everything is integer cents:

    withheld_i = rate × gross_i            (largest remainder on exact integer remainders)
    carry_in + Σ withheld = Σ allocated + Σ redistributed + carry_out      (exactly, in cents)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from .config.bonus import SharedPoolConfig
from .errors import InputError, InputIssue, InternalError, IssueCode
from .money import MAX_YUAN, allocate_cents, apply_rate, cents_to_text, to_cents

__all__ = [
    "ALLOCATION_REASONS",
    "LEDGER_COLUMNS",
    "PoolSettlement",
    "allocation_records",
    "check_allocations",
    "check_pool_holds",
    "empty_allocations",
    "settle_pool",
]

ALLOCATION_REASONS = ("special_factor", "diligence", "other")
LEDGER_COLUMNS = (
    "period",
    "withhold_rate",
    "carry_in",
    "withheld",
    "allocated",
    "redistributed",
    "carry_out",
    "mode",
    "note",
)
"""pool_ledger.csv; carry_in, withheld, allocated, redistributed, carry_out are int64 cents."""
_REQUIRED = ("manager_id", "amount", "reason", "approved_by")
_DEFAULT_FILE = "pool_allocations"


@dataclass(frozen=True)
class PoolSettlement:
    """The pool for one period: per-manager cents (index manager_id), the ledger, the records.

    withheld, allocated, redistributed: int64 cents per roster manager. ledger: one row
    (pool_ledger.csv, amounts in int64 cents). allocations: the allocation records.
    """

    withheld: pd.Series
    allocated: pd.Series
    redistributed: pd.Series
    ledger: pd.DataFrame
    allocations: pd.DataFrame
    carry_in_cents: int
    carry_out_cents: int
    mode: Literal["carry_forward", "redistribute"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "ledger": self.ledger.to_dict(orient="records"),
            "allocations": self.allocations.to_dict(orient="records"),
        }


def empty_allocations() -> pd.DataFrame:
    """An allocation-records frame with no rows (no allocations file given)."""
    return pd.DataFrame(
        {
            "manager_id": pd.Series([], dtype="str"),
            "amount": pd.Series([], dtype="int64"),
            "reason": pd.Series([], dtype="str"),
            "approved_by": pd.Series([], dtype="str"),
            "note": pd.Series([], dtype="str"),
            "source_file": pd.Series([], dtype="str"),
            "source_row": pd.Series([], dtype="int64"),
        }
    )


def _file(frame: pd.DataFrame) -> str:
    return str(frame.attrs.get("file", _DEFAULT_FILE))


def _rows(frame: pd.DataFrame) -> pd.Series:
    if "_row" in frame.columns:
        return pd.Series(frame["_row"].to_numpy(dtype="int64"), index=frame.index)
    return pd.Series(np.arange(len(frame), dtype="int64") + 2, index=frame.index)


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    """A text column with missing values and surrounding blanks as ''."""
    if column not in frame.columns:
        return pd.Series("", index=frame.index, dtype="str")
    values = frame[column]
    text = values.astype("str").str.strip()
    return text.where(values.notna(), "")


def _issues(
    frame: pd.DataFrame,
    mask: pd.Series,
    column: str,
    rule: str,
    code: IssueCode,
    values: pd.Series | None = None,
    expected: str = "",
) -> list[InputIssue]:
    """One issue per row of `frame` where `mask` holds."""
    picked = _rows(frame)[mask]
    shown = values[mask] if values is not None else pd.Series(None, index=picked.index)
    return [
        InputIssue(
            _file(frame), int(row), column, rule, None if value == "" else value, expected,
            code=code,
        )
        for row, value in zip(picked.tolist(), shown.tolist(), strict=True)
    ]


def _missing_columns(frame: pd.DataFrame) -> list[InputIssue]:
    return [
        InputIssue(_file(frame), None, column, "required column is missing",
                   code=IssueCode.MISSING_COLUMN)
        for column in _REQUIRED
        if column not in frame.columns
    ]


def _amounts(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(amount in float yuan, mask of usable amounts: a positive number of whole cents)."""
    amount = pd.to_numeric(frame["amount"], errors="coerce").astype("float64")
    usable = np.isfinite(amount.fillna(np.nan)) & (amount > 0) & (amount <= MAX_YUAN)
    filled = amount.where(usable, 1.0)
    whole = (filled * 100 - to_cents(filled.to_numpy())).abs() <= 1e-6
    return amount, usable & whole


def _amount_issues(frame: pd.DataFrame) -> list[InputIssue]:
    """amount: given, a number, positive, a whole number of cents."""
    raw = frame["amount"]
    amount = pd.to_numeric(raw, errors="coerce").astype("float64")
    missing = raw.isna() | (_text(frame, "amount") == "")
    not_number = ~missing & (amount.isna() | ~np.isfinite(amount.fillna(0.0)))
    number = ~missing & ~not_number
    not_positive = number & (amount.where(number, 1.0) <= 0)
    too_large = number & (amount.where(number, 1.0) > MAX_YUAN)
    _, usable = _amounts(frame)
    fractional = number & ~not_positive & ~too_large & ~usable
    return [
        *_issues(frame, missing, "amount", "amount is required", IssueCode.BLANK),
        *_issues(frame, not_number, "amount", "amount is not a number", IssueCode.NOT_A_NUMBER,
                 raw.astype("str"), "an amount in yuan, e.g. 1200.50"),
        *_issues(frame, not_positive, "amount", "amount must be positive",
                 IssueCode.OUT_OF_RANGE, amount, "> 0"),
        *_issues(frame, too_large, "amount", "amount is too large", IssueCode.OUT_OF_RANGE,
                 amount, f"at most {MAX_YUAN:g}"),
        *_issues(frame, fractional, "amount", "amount must be a whole number of cents",
                 IssueCode.NOT_ALLOWED, amount, "at most two decimals"),
    ]


def _reason_issues(frame: pd.DataFrame, config: SharedPoolConfig) -> list[InputIssue]:
    """reason: given and allowed by `bonus.shared_pool.allowed_reasons`; `other` needs a note."""
    reason = _text(frame, "reason")
    allowed = ", ".join(config.allowed_reasons)
    unlisted = (reason != "") & ~reason.isin(list(config.allowed_reasons))
    no_note = (reason == "other") & (_text(frame, "note") == "")
    return [
        *_issues(frame, reason == "", "reason", "a reason is required", IssueCode.BLANK,
                 expected=allowed),
        *_issues(frame, unlisted, "reason",
                 "reason not allowed (bonus.shared_pool.allowed_reasons)",
                 IssueCode.NOT_ALLOWED, reason, allowed),
        *_issues(frame, no_note, "note", "a note is required when the reason is 'other'",
                 IssueCode.MISSING_VALUE),
    ]


def check_allocations(
    pool_allocations: pd.DataFrame | None, config: SharedPoolConfig
) -> list[InputIssue]:
    """Every problem of the department head's allocations, sorted by row (pure, never raises).

    Rules: required columns present; manager_id given; amount given, a number, positive, whole
    cents; reason given and allowed by `bonus.shared_pool.allowed_reasons`; approved_by given;
    note given for `other`. Whether the manager is in the roster is checked once for all
    tables by validation; whether the pool holds the total, by `check_pool_holds`.
    """
    if pool_allocations is None or len(pool_allocations) == 0:
        return []
    frame = pool_allocations
    missing = _missing_columns(frame)
    if missing:
        return missing
    issues = [
        *_issues(frame, _text(frame, "manager_id") == "", "manager_id",
                 "manager_id is required", IssueCode.BLANK),
        *_amount_issues(frame),
        *_reason_issues(frame, config),
        *_issues(frame, _text(frame, "approved_by") == "", "approved_by",
                 "approved_by is required (who approved it)", IssueCode.BLANK),
    ]
    return sorted(issues, key=lambda issue: (issue.row or 0, issue.column or ""))


def allocation_records(pool_allocations: pd.DataFrame | None) -> pd.DataFrame:
    """The checked allocations as records, amount in int64 cents, sorted by manager and row.

    Columns: manager_id, amount, reason, approved_by, note, source_file, source_row.
    Assumes `check_allocations` found nothing (InternalError otherwise).
    """
    if pool_allocations is None or len(pool_allocations) == 0:
        return empty_allocations()
    frame = pool_allocations
    amount, usable = _amounts(frame) if "amount" in frame.columns else (None, None)
    if amount is None or not bool(usable.all()) or _missing_columns(frame):
        raise InternalError("pool: allocations reached the pool without passing their checks")
    records = pd.DataFrame(
        {
            "manager_id": _text(frame, "manager_id").astype("str"),
            "amount": to_cents(amount.to_numpy()),
            "reason": _text(frame, "reason").astype("str"),
            "approved_by": _text(frame, "approved_by").astype("str"),
            "note": _text(frame, "note").astype("str"),
            "source_file": pd.Series(_file(frame), index=frame.index, dtype="str"),
            "source_row": _rows(frame),
        }
    )
    records = records.sort_values(["manager_id", "source_row"], kind="stable")
    return records.reset_index(drop=True)


def check_pool_holds(
    allocations: pd.DataFrame, withheld_cents: int, config: SharedPoolConfig
) -> list[InputIssue]:
    """Allocations may total at most carry_in + Σ withheld (an issue on the `amount` column).

    A carry-in still to be read from the ledger (`from_history`) is checked once it is known
    (the run resolves it before computing)."""
    if config.carry_in == "from_history":
        return []
    carry_in = int(to_cents(config.carry_in))
    holds = carry_in + int(withheld_cents)
    asked = int(allocations["amount"].sum()) if len(allocations) else 0
    if asked <= holds:
        return []
    return [
        InputIssue(
            str(allocations["source_file"].iloc[0]),
            None,
            "amount",
            "allocations total more than the shared pool holds",
            cents_to_text(asked),
            f"at most {cents_to_text(holds)} (carry-in {cents_to_text(carry_in)} + withheld "
            f"{cents_to_text(int(withheld_cents))} at rate {config.withhold_rate:g})",
            code=IssueCode.OVER_LIMIT,
        )
    ]


def _redistribute(
    gross: pd.Series, remainder: int, config: SharedPoolConfig
) -> tuple[pd.Series, Literal["carry_forward", "redistribute"], str]:
    """(redistributed cents per manager, ledger mode, ledger note) of what the pool has left."""
    nothing = pd.Series(0, index=gross.index, dtype="int64")
    if config.remainder != "redistribute":
        return nothing, "carry_forward", ""
    if remainder == 0:
        return nothing, "redistribute", "nothing left to redistribute"
    if int(gross.sum()) <= 0:
        note = "redistribution configured but no manager has a gross bonus; carried forward"
        return nothing, "carry_forward", note
    shares = allocate_cents(gross.to_numpy(dtype="int64"), remainder)
    return (
        pd.Series(shares, index=gross.index, dtype="int64"),
        "redistribute",
        "remainder redistributed pro rata to gross bonus",
    )


def settle_pool(
    gross_cents: pd.Series,
    allocations: pd.DataFrame,
    config: SharedPoolConfig,
    *,
    period_label: str = "",
) -> PoolSettlement:
    """Withhold, allocate and carry out (or redistribute) the pool, in integer cents.

    `gross_cents`: int64 gross bonus per roster manager (index manager_id). `allocations`:
    records from `allocation_records`. withheld = `money.apply_rate(gross, withhold_rate)`: each
    the floor or ceiling of its exact share (never above the gross), ties to the earlier
    manager. Raises InputError naming the allocations file when they total more than the
    pool holds (known only once the gross bonuses are).
    """
    gross = gross_cents.astype("int64")
    ids = gross.index
    withheld = pd.Series(apply_rate(gross.to_numpy(), config.withhold_rate), index=ids,
                         dtype="int64")
    if config.carry_in == "from_history":
        raise InternalError("pool: carry_in from_history reached the pool unresolved")
    InputError.collect(check_pool_holds(allocations, int(withheld.sum()), config))
    carry_in = int(to_cents(config.carry_in))
    per_manager = allocations.groupby("manager_id", sort=True)["amount"].sum()
    allocated = per_manager.reindex(ids, fill_value=0).astype("int64")
    if int(allocated.sum()) != (int(allocations["amount"].sum()) if len(allocations) else 0):
        raise InternalError("pool: an allocation names a manager outside the roster")
    remainder = carry_in + int(withheld.sum()) - int(allocated.sum())
    redistributed, mode, note = _redistribute(gross, remainder, config)
    carry_out = remainder - int(redistributed.sum())
    ledger = pd.DataFrame(
        {
            "period": [period_label],
            "withhold_rate": [float(config.withhold_rate)],
            "carry_in": [carry_in],
            "withheld": [int(withheld.sum())],
            "allocated": [int(allocated.sum())],
            "redistributed": [int(redistributed.sum())],
            "carry_out": [carry_out],
            "mode": [mode],
            "note": [note],
        },
        columns=list(LEDGER_COLUMNS),
    )
    for column in ("carry_in", "withheld", "allocated", "redistributed", "carry_out"):
        ledger[column] = ledger[column].astype("int64")
    return PoolSettlement(
        withheld=withheld,
        allocated=allocated,
        redistributed=redistributed,
        ledger=ledger,
        allocations=allocations,
        carry_in_cents=carry_in,
        carry_out_cents=carry_out,
        mode=mode,
    )
