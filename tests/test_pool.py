"""Shared performance pool (公共绩效池): allocation checks, ledger identity, carry-out, refusals.

Hand calculations are in the comments; money is compared exactly in cents (no tolerance).
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appraisal.config.bonus import SharedPoolConfig
from appraisal.errors import InputError, IssueCode
from appraisal.pool import (
    allocation_records,
    check_allocations,
    empty_allocations,
    settle_pool,
)


def allocations(**columns: list[object]) -> pd.DataFrame:
    base: dict[str, list[object]] = {
        "manager_id": ["M1"],
        "amount": [100.0],
        "reason": ["special_factor"],
        "approved_by": ["部门负责人"],
        "note": [None],
    }
    base.update(columns)
    frame = pd.DataFrame(base)
    frame["_row"] = range(2, len(frame) + 2)
    frame.attrs["file"] = "allocations.xlsx"
    return frame


def gross(*yuan_cents: int) -> pd.Series:
    return pd.Series(list(yuan_cents), index=pd.Index(["M1", "M2", "M3"], name="manager_id"))


def message_of(frame: pd.DataFrame, config: SharedPoolConfig | None = None) -> str:
    issues = check_allocations(frame, config or SharedPoolConfig())
    assert issues, "the allocations were expected to be refused"
    return str(InputError(issues))


def checked(frame: pd.DataFrame, config: SharedPoolConfig) -> pd.DataFrame:
    """The allocation records, after their check found nothing."""
    assert check_allocations(frame, config) == []
    return allocation_records(frame)


def test_withhold_allocate_and_carry_out_in_cents() -> None:
    # gross 5000.00, 3333.33, 0.00 at 10%: exact 500.000 + 333.333 = 833.333 → 833.33
    # (floors 500.00 + 333.33); carry-in 120.50 → pool holds 953.83
    # allocated 200.00 (M3, diligence) → carry-out 753.83
    config = SharedPoolConfig(withhold_rate=0.1, carry_in=120.5)
    records = checked(
        allocations(manager_id=["M3"], amount=[200.0], reason=["diligence"]), config
    )
    result = settle_pool(gross(500_000, 333_333, 0), records, config, period_label="2026-10")
    assert result.withheld.tolist() == [50_000, 33_333, 0]
    assert result.allocated.tolist() == [0, 0, 20_000]
    assert result.carry_out_cents == 75_383
    ledger = result.ledger.iloc[0].to_dict()
    assert ledger == {
        "period": "2026-10",
        "withhold_rate": 0.1,
        "carry_in": 12_050,
        "withheld": 83_333,
        "allocated": 20_000,
        "redistributed": 0,
        "carry_out": 75_383,
        "mode": "carry_forward",
        "note": "",
    }


def test_redistribute_returns_the_remainder_pro_rata_to_gross() -> None:
    # gross 100.00, 200.00, 0 at 50%: withheld 50, 100; pool 150; nothing allocated;
    # redistributed 150 × 1/3 = 50.00 and 150 × 2/3 = 100.00; carry-out 0
    config = SharedPoolConfig(withhold_rate=0.5, remainder="redistribute")
    result = settle_pool(gross(10_000, 20_000, 0), empty_allocations(), config)
    assert result.redistributed.tolist() == [5_000, 10_000, 0]
    assert result.carry_out_cents == 0
    assert result.ledger.iloc[0]["mode"] == "redistribute"


def test_redistribution_without_any_gross_is_carried_forward_and_says_so() -> None:
    config = SharedPoolConfig(carry_in=10.0, remainder="redistribute")
    result = settle_pool(gross(0, 0, 0), empty_allocations(), config)
    assert result.carry_out_cents == 1_000
    assert result.ledger.iloc[0]["mode"] == "carry_forward"
    assert "carried forward" in result.ledger.iloc[0]["note"]


def test_allocations_above_the_pool_are_refused_with_the_file_and_column() -> None:
    # pool: carry-in 50.00 + 10% of 1000.00 = 150.00; allocations 100.00 + 50.01 = 150.01
    config = SharedPoolConfig(withhold_rate=0.1, carry_in=50.0)
    frame = allocations(
        manager_id=["M1", "M2"],
        amount=[100.0, 50.01],
        reason=["special_factor", "diligence"],
        approved_by=["head", "head"],
        note=[None, None],
    )
    records = checked(frame, config)
    with pytest.raises(InputError) as caught:
        settle_pool(gross(100_000, 0, 0), records, config)
    message = str(caught.value)
    assert "allocations.xlsx, column 'amount'" in message
    assert "'150.01'" in message and "at most 150.00" in message


def test_allocating_exactly_what_the_pool_holds_is_allowed() -> None:
    config = SharedPoolConfig(withhold_rate=0.1, carry_in=50.0)
    records = checked(allocations(amount=[150.0]), config)
    result = settle_pool(gross(100_000, 0, 0), records, config)
    assert result.carry_out_cents == 0


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        ({"manager_id": [None]}, "allocations.xlsx, row 2, column 'manager_id': manager_id is"),
        ({"amount": [-5.0]}, "row 2, column 'amount': amount must be positive"),
        ({"amount": [0.0]}, "row 2, column 'amount': amount must be positive"),
        ({"amount": [None]}, "row 2, column 'amount': amount is required"),
        ({"amount": [10.005]}, "row 2, column 'amount': amount must be a whole number of cents"),
        ({"amount": ["十元"]}, "row 2, column 'amount': amount is not a number"),
        ({"reason": [None]}, "row 2, column 'reason': a reason is required"),
        ({"reason": ["bonus"]}, "row 2, column 'reason': reason not allowed"),
        ({"approved_by": [" "]}, "row 2, column 'approved_by': approved_by is required"),
        ({"reason": ["other"]}, "row 2, column 'note': a note is required"),
    ],
)
def test_bad_allocation_names_file_row_and_column(
    columns: dict[str, list[object]], expected: str
) -> None:
    assert expected in message_of(allocations(**columns))


def test_other_with_a_note_is_accepted() -> None:
    records = checked(allocations(reason=["other"], note=["季度特殊贡献"]), SharedPoolConfig())
    assert records[["reason", "note", "source_row", "amount"]].iloc[0].tolist() == [
        "other",
        "季度特殊贡献",
        2,
        10_000,
    ]


def test_reasons_can_be_narrowed_by_config() -> None:
    config = SharedPoolConfig(allowed_reasons=["special_factor", "diligence"])
    assert "expected special_factor, diligence" in message_of(
        allocations(reason=["other"], note=["x"]), config
    )


def test_every_bad_row_is_reported_at_once() -> None:
    frame = allocations(
        manager_id=["", "M2", "M3"],
        amount=[10.0, -1.0, 5.0],
        reason=["diligence", "diligence", None],
        approved_by=["a", "a", "a"],
        note=[None, None, None],
    )
    message = message_of(frame)
    assert message.startswith("3 problems in the input data")
    assert "row 2" in message and "row 3" in message and "row 4" in message


def test_missing_required_column_is_named() -> None:
    frame = allocations().drop(columns=["approved_by"])
    assert "allocations.xlsx, column 'approved_by': required column is missing" in message_of(frame)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 5_000_000), min_size=3, max_size=3),
    st.sampled_from([0.0, 0.05, 0.1, 0.37, 1.0]),
    st.integers(0, 200_000),
    st.lists(st.tuples(st.sampled_from(["M1", "M2", "M3"]), st.integers(1, 300_000)), max_size=4),
    st.sampled_from(["carry_forward", "redistribute"]),
)
def test_pool_money_in_equals_money_out_or_is_refused(
    gross_cents: list[int],
    rate: float,
    carry_in: int,
    grants: list[tuple[str, int]],
    remainder: str,
) -> None:
    config = SharedPoolConfig(withhold_rate=rate, carry_in=carry_in / 100, remainder=remainder)
    frame = allocations(
        manager_id=[m for m, _ in grants] or ["M1"],
        amount=[c / 100 for _, c in grants] or [1.0],
        reason=["diligence"] * max(len(grants), 1),
        approved_by=["head"] * max(len(grants), 1),
        note=[None] * max(len(grants), 1),
    )
    records = checked(frame, config) if grants else empty_allocations()
    asked = sum(c for _, c in grants)
    withheld_exact = sum(rate * g for g in gross_cents)
    if asked > carry_in + withheld_exact + len(gross_cents):
        with pytest.raises(InputError, match="more than the shared pool holds"):
            settle_pool(gross(*gross_cents), records, config)
        return
    try:
        result = settle_pool(gross(*gross_cents), records, config)
    except InputError:
        # only possible within rounding of the withheld cents
        assert asked > carry_in + withheld_exact - len(gross_cents)
        return
    withheld = int(result.withheld.sum())
    allocated = int(result.allocated.sum())
    redistributed = int(result.redistributed.sum())
    assert carry_in + withheld == allocated + redistributed + result.carry_out_cents
    assert allocated == asked
    assert result.carry_out_cents >= 0
    assert all(0 <= w <= g for w, g in zip(result.withheld, gross_cents, strict=True))
    if remainder == "redistribute" and sum(gross_cents) > 0:
        assert result.carry_out_cents == 0


DEFECTS = {
    "manager_id": ("manager_id", None),
    "amount": ("amount", -1.0),
    "reason": ("reason", "luck"),
    "approved_by": ("approved_by", ""),
    "note": ("reason", "other"),
}


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 12), st.data())
def test_a_bad_row_anywhere_is_named_by_file_row_and_column(size: int, data: st.DataObject) -> None:
    bad = data.draw(st.integers(0, size - 1))
    defect = data.draw(st.sampled_from(sorted(DEFECTS)))
    frame = allocations(
        manager_id=["M1"] * size,
        amount=[10.0] * size,
        reason=["diligence"] * size,
        approved_by=["head"] * size,
        note=[None] * size,
    )
    column, value = DEFECTS[defect]
    frame[column] = frame[column].astype(object)
    frame.loc[bad, column] = value
    message = message_of(frame)
    assert message.startswith("1 problem in the input data")
    assert f"allocations.xlsx, row {bad + 2}, column '{defect}'" in message


def test_an_unknown_manager_is_left_to_the_one_roster_check() -> None:
    # moved from the allocation rules: the roster check runs once for every table
    # (appraisal.validate.check_roster), so check_allocations does not repeat it
    from appraisal.validate import check_roster

    frame = allocations(manager_id=["X9"])
    assert check_allocations(frame, SharedPoolConfig()) == []
    roster = pd.DataFrame({"manager_id": ["M1", "M2", "M3"], "_row": [2, 3, 4]})
    roster.attrs["file"] = "managers.csv"
    frame = frame.copy()
    frame.attrs["file"] = "allocations.xlsx"
    [issue] = check_roster({"managers": roster, "pool_allocations": frame})
    assert (issue.file, issue.row, issue.column, issue.value) == (
        "allocations.xlsx", 2, "manager_id", "X9",
    )
    assert "not in the roster" in issue.rule


def test_issue_codes_of_the_allocation_rules() -> None:
    frame = allocations(
        manager_id=[None, "M1", "M1", "M1"],
        amount=[1.0, "x", 10.005, -1.0],
        reason=["other", "luck", None, "diligence"],
        approved_by=["a", "a", "a", ""],
        note=[None, None, None, None],
    )
    found = {(i.row, i.column, i.code) for i in check_allocations(frame, SharedPoolConfig())}
    assert found == {
        (2, "manager_id", IssueCode.BLANK),
        (2, "note", IssueCode.MISSING_VALUE),
        (3, "amount", IssueCode.NOT_A_NUMBER),
        (3, "reason", IssueCode.NOT_ALLOWED),
        (4, "amount", IssueCode.NOT_ALLOWED),
        (4, "reason", IssueCode.BLANK),
        (5, "amount", IssueCode.OUT_OF_RANGE),
        (5, "approved_by", IssueCode.BLANK),
    }
