"""The shared performance pool (公共绩效池), source 篇6.

A fixed share (withhold rate) of every manager's gross bonus for the period is withheld into a
common pool, which also holds the carry-in from the previous period. The head of the
customer-manager department allocates it, with a reason, to managers whose results dropped for
special reasons (`special_factor`) or who worked diligently with poor results (`diligence`), or
for another documented reason (`other`, note required). The remainder is carried to the next
period or, if configured, redistributed pro rata to gross bonus. Everything is integer cents:

    carry_in + withheld = allocated + redistributed + carry_out      (exactly, in cents)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from .config.bonus import SharedPoolConfig
from .errors import InputError, InputIssue
from .money import allocate_cents, cents_to_yuan, round_to_cents, yuan_to_cents

__all__ = [
    "ALLOCATION_REASONS",
    "LEDGER_COLUMNS",
    "PoolSettlement",
    "check_allocations",
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
_DEFAULT_FILE = "pool_allocations"


@dataclass(frozen=True)
class PoolSettlement:
    """The pool for one period: per-manager cents (index manager_id), the ledger, the records.

    withheld, allocated, redistributed: int64 cents per roster manager. ledger: one row
    (pool_ledger.csv, yuan). allocations: the checked allocation records with their reasons.
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
            "amount": pd.Series([], dtype="float64"),
            "amount_cents": pd.Series([], dtype="int64"),
            "reason": pd.Series([], dtype="str"),
            "approved_by": pd.Series([], dtype="str"),
            "note": pd.Series([], dtype="str"),
            "source_file": pd.Series([], dtype="str"),
            "source_row": pd.Series([], dtype="int64"),
        }
    )


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    """A text column with missing values and surrounding blanks as ''."""
    if column not in frame.columns:
        return pd.Series("", index=frame.index, dtype="str")
    values = frame[column]
    text = values.astype("str").str.strip()
    return text.where(values.notna(), "")


def _issues(
    file: str,
    rows: pd.Series,
    mask: pd.Series,
    column: str,
    rule: str,
    values: pd.Series | None = None,
    expected: str = "",
) -> list[InputIssue]:
    picked = rows[mask]
    shown = values[mask] if values is not None else pd.Series(None, index=picked.index)
    return [
        InputIssue(file, int(row), column, rule, None if value == "" else value, expected)
        for row, value in zip(picked.tolist(), shown.tolist(), strict=True)
    ]


def check_allocations(
    pool_allocations: pd.DataFrame | None,
    roster_ids: pd.Series,
    config: SharedPoolConfig,
) -> pd.DataFrame:
    """Validate the department head's allocations; all problems at once as an InputError.

    Rules: manager in the roster, amount a positive whole number of cents, reason given and
    allowed by `bonus.shared_pool.allowed_reasons`, approved_by given, note given for `other`.
    Returns the records (manager_id, amount, amount_cents, reason, approved_by, note,
    source_file, source_row) sorted by manager and row. The pool total is checked in
    `settle_pool`, once the amount withheld is known.
    """
    if pool_allocations is None or len(pool_allocations) == 0:
        return empty_allocations()
    frame = pool_allocations
    file = str(frame.attrs.get("file", _DEFAULT_FILE))
    if "_row" in frame.columns:
        rows = pd.Series(frame["_row"].to_numpy(dtype="int64"), index=frame.index)
    else:
        rows = pd.Series(np.arange(len(frame), dtype="int64") + 2, index=frame.index)

    issues: list[InputIssue] = []
    for column in ("manager_id", "amount", "reason", "approved_by"):
        if column not in frame.columns:
            issues.append(InputIssue(file, None, column, "required column is missing"))
    if issues:
        raise InputError(issues)

    manager_id = _text(frame, "manager_id")
    known = manager_id.isin(pd.Index(roster_ids.astype("str")))
    issues += _issues(file, rows, manager_id == "", "manager_id", "manager_id is required")
    issues += _issues(
        file,
        rows,
        (manager_id != "") & ~known,
        "manager_id",
        "unknown manager (not in the roster)",
        manager_id,
    )

    raw_amount = frame["amount"]
    amount = pd.to_numeric(raw_amount, errors="coerce").astype("float64")
    missing_amount = raw_amount.isna() | (_text(frame, "amount") == "")
    not_number = ~missing_amount & (amount.isna() | ~np.isfinite(amount.fillna(0.0)))
    issues += _issues(file, rows, missing_amount, "amount", "amount is required")
    issues += _issues(
        file,
        rows,
        not_number,
        "amount",
        "amount is not a number",
        raw_amount.astype("str"),
        "an amount in yuan, e.g. 1200.50",
    )
    valid_number = ~missing_amount & ~not_number
    filled = amount.where(valid_number, 1.0)
    not_positive = valid_number & (filled <= 0)
    issues += _issues(
        file,
        rows,
        not_positive,
        "amount",
        "amount must be positive",
        amount,
        "> 0",
    )
    cents_exact = filled * 100
    fractional = valid_number & ~not_positive & ((cents_exact - cents_exact.round()).abs() > 1e-6)
    issues += _issues(
        file,
        rows,
        fractional,
        "amount",
        "amount must be a whole number of cents",
        amount,
        "at most two decimals",
    )

    reason = _text(frame, "reason")
    allowed = tuple(config.allowed_reasons)
    allowed_text = ", ".join(allowed)
    issues += _issues(
        file,
        rows,
        reason == "",
        "reason",
        "a reason is required",
        expected=allowed_text,
    )
    issues += _issues(
        file,
        rows,
        (reason != "") & ~reason.isin(allowed),
        "reason",
        "reason not allowed (bonus.shared_pool.allowed_reasons)",
        reason,
        allowed_text,
    )
    approved_by = _text(frame, "approved_by")
    issues += _issues(
        file,
        rows,
        approved_by == "",
        "approved_by",
        "approved_by is required (who approved it)",
    )
    note = _text(frame, "note")
    issues += _issues(
        file,
        rows,
        (reason == "other") & (note == ""),
        "note",
        "a note is required when the reason is 'other'",
    )
    if issues:
        issues.sort(key=lambda issue: (issue.row or 0, issue.column or ""))
        raise InputError(issues)

    records = pd.DataFrame(
        {
            "manager_id": manager_id.astype("str"),
            "amount_cents": cents_exact.round().astype("int64"),
            "reason": reason.astype("str"),
            "approved_by": approved_by.astype("str"),
            "note": note.astype("str"),
            "source_file": pd.Series(file, index=frame.index, dtype="str"),
            "source_row": rows,
        }
    )
    records.insert(1, "amount", cents_to_yuan(records["amount_cents"].to_numpy()))
    records = records.sort_values(["manager_id", "source_row"], kind="stable")
    return records.reset_index(drop=True)


def _yuan(cents: int) -> float:
    return float(cents_to_yuan([cents])[0])


def settle_pool(
    gross_cents: pd.Series,
    allocations: pd.DataFrame,
    config: SharedPoolConfig,
    *,
    period_label: str = "",
) -> PoolSettlement:
    """Withhold, allocate and carry out (or redistribute) the pool, in integer cents.

    `gross_cents`: int64 gross bonus per roster manager (index manager_id). `allocations`:
    records from `check_allocations`. Withheld = rate × gross rounded once with largest
    remainder (so each is the floor or ceiling of its exact share and never above the gross).
    Raises InputError naming the allocations file when they total more than the pool holds.
    """
    gross = gross_cents.astype("int64")
    ids = gross.index
    rate = float(config.withhold_rate)
    exact_withheld = rate * gross.to_numpy(dtype="float64") / 100
    withheld = pd.Series(round_to_cents(exact_withheld), index=ids, dtype="int64")
    carry_in = yuan_to_cents(config.carry_in)
    withheld_total = int(withheld.sum())
    holds = carry_in + withheld_total

    allocated_total = int(allocations["amount_cents"].sum()) if len(allocations) else 0
    if allocated_total > holds:
        file = str(allocations["source_file"].iloc[0])
        raise InputError(
            [
                InputIssue(
                    file,
                    None,
                    "amount",
                    "allocations total more than the shared pool holds",
                    f"{_yuan(allocated_total):.2f}",
                    f"at most {_yuan(holds):.2f} (carry-in {_yuan(carry_in):.2f} + withheld "
                    f"{_yuan(withheld_total):.2f} at rate {rate:g})",
                )
            ]
        )
    per_manager = allocations.groupby("manager_id", sort=True)["amount_cents"].sum()
    allocated = per_manager.reindex(ids, fill_value=0).astype("int64")

    remainder = holds - allocated_total
    redistributed = pd.Series(0, index=ids, dtype="int64")
    mode: Literal["carry_forward", "redistribute"] = "carry_forward"
    note = ""
    if config.remainder == "redistribute":
        if remainder == 0:
            mode = "redistribute"
            note = "nothing left to redistribute"
        elif int(gross.sum()) > 0:
            mode = "redistribute"
            shares = allocate_cents(gross.to_numpy(dtype="float64"), remainder)
            redistributed = pd.Series(shares, index=ids, dtype="int64")
            note = "remainder redistributed pro rata to gross bonus"
        else:
            note = "redistribution configured but no manager has a gross bonus; carried forward"
    carry_out = remainder - int(redistributed.sum())

    ledger = pd.DataFrame(
        {
            "period": [period_label],
            "withhold_rate": [rate],
            "carry_in": [_yuan(carry_in)],
            "withheld": [_yuan(withheld_total)],
            "allocated": [_yuan(allocated_total)],
            "redistributed": [_yuan(int(redistributed.sum()))],
            "carry_out": [_yuan(carry_out)],
            "mode": [mode],
            "note": [note],
        },
        columns=list(LEDGER_COLUMNS),
    )
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
