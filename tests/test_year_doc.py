"""docs/deferral.md, "Worked example of the annual settlement", by hand: the grade part
(share × base × coefficient) of each month and of the year, advances, true-up, its recovery
never below zero, and the aggregation of a quarter's actuals (exact, in cents)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from appraisal.bonus import retro_cents
from appraisal.deferral import annual_actuals, true_up

DOC = Path(__file__).resolve().parent.parent / "docs" / "deferral.md"
SHARE = Fraction(2, 5)
COEFFICIENT = {"B": Fraction(6, 5), "C": Fraction(1), "D": Fraction(4, 5)}


def _grade_part(base_cents: int, grade: str) -> int:
    value = SHARE * base_cents * COEFFICIENT[grade]
    assert value.denominator == 1  # whole cents: nothing to round
    return int(value)


def test_worked_example_of_the_annual_settlement() -> None:
    text = DOC.read_text(encoding="utf-8")
    m1 = [_grade_part(600_000, "C")] * 6 + [_grade_part(600_000, "D")] * 6
    assert (m1[0], m1[-1]) == (240_000, 192_000)
    m2 = [_grade_part(300_000, "B")] * 12
    advances = np.array([sum(m1), sum(m2)], dtype=np.int64)
    due = np.array([_grade_part(7_200_000, "B"), _grade_part(3_600_000, "D")], dtype=np.int64)
    settled = true_up(due, advances)
    assert advances.tolist() == [2_592_000, 1_728_000]
    assert due.tolist() == [3_456_000, 1_152_000]
    assert settled.tolist() == [864_000, -576_000]
    assert (advances + settled == due).all()
    ids = pd.Index(["M0002"])
    owed, applied = retro_cents(ids, pd.Series([-576_000], index=ids),
                                np.array([400_000], dtype=np.int64))
    assert applied.tolist() == [-400_000] and (owed - applied).tolist() == [-176_000]
    _, later = retro_cents(ids, pd.Series([-176_000], index=ids),
                           np.array([450_000], dtype=np.int64))
    assert later.tolist() == [-176_000] and 450_000 + int(later[0]) == 274_000
    for figure in ("25,920.00", "34,560.00", "8,640.00", "17,280.00", "11,520.00",
                   "−5,760.00", "−1,760.00", "2,740.00"):
        assert figure in text, figure
    monthly = pd.DataFrame({
        "manager_id": ["M0001"] * 9,
        "indicator": ["deposit_plan"] * 3 + ["npl_ratio"] * 3 + ["exam_score"] * 3,
        "period": ["2026-10", "2026-11", "2026-12"] * 3,
        "actual": [1_000_000, 1_200_000, 1_100_000, 1.20, 1.10, 1.30, 85, 90, 88]})
    table = annual_actuals(monthly, {"deposit_plan": "sum", "npl_ratio": "mean",
                                     "exam_score": "last"}).set_index("indicator")
    assert table.loc["deposit_plan", "actual"] == 3_300_000
    assert abs(table.loc["npl_ratio", "actual"] - 1.20) < 1e-12
    assert table.loc["exam_score", "actual"] == 88
    assert "3,300,000" in text and "→ 88" in text
