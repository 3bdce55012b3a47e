"""Appraisal periods and service within them."""

from datetime import date

import pandas as pd
import pytest

from appraisal.config.base import parse_period
from appraisal.tenure import service_fraction, years_of_service


@pytest.mark.parametrize(
    ("label", "start", "end", "months"),
    [
        ("2026-10", date(2026, 10, 1), date(2026, 10, 31), 1),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28), 1),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31), 3),
        ("2026-H1", date(2026, 1, 1), date(2026, 6, 30), 6),
        ("2026", date(2026, 1, 1), date(2026, 12, 31), 12),
    ],
)
def test_period_labels(label, start, end, months):
    period = parse_period(label)
    assert (period.start, period.end, period.months) == (start, end, months)
    assert period.year_start == date(int(label[:4]), 1, 1)


@pytest.mark.parametrize("label", ["2026-13", "26-10", "2026/10", "2026-Q5", ""])
def test_bad_period_labels_say_what_is_accepted(label):
    with pytest.raises(ValueError, match="2026-10"):
        parse_period(label)


def test_service_fraction_counts_hire_and_leave_days():
    # October 2026 has 31 days. M2 joined on the 16th: 16 days (16..31) -> 16/31.
    # M3 left on the 10th: 10 days -> 10/31. M4 left before the period: 0.
    roster = pd.DataFrame({
        "manager_id": ["M1", "M2", "M3", "M4"],
        "hire_date": pd.to_datetime(["2010-01-01", "2026-10-16", "2020-05-01", "2019-01-01"]),
        "leave_date": pd.to_datetime([None, None, "2026-10-10", "2026-09-30"]),
    })
    fraction = service_fraction(roster, parse_period("2026-10"))
    assert fraction.to_dict() == pytest.approx({"M1": 1.0, "M2": 16 / 31, "M3": 10 / 31, "M4": 0.0})
    years = years_of_service(roster, parse_period("2026-10"))
    # 16 completed anniversaries (2010-01-01 .. 2026-01-01), then 303 of 365 days to 2026-10-31.
    assert years["M1"] == pytest.approx(16 + 303 / 365)


def test_years_of_service_counts_anniversaries_on_the_calendar():
    roster = pd.DataFrame({
        "manager_id": ["exact", "day_before", "leap", "future"],
        "hire_date": pd.to_datetime(["2016-10-31", "2016-11-01", "2024-02-29", "2026-12-01"]),
    })
    years = years_of_service(roster, parse_period("2026-10"))
    assert years["exact"] == 10.0
    assert 9.99 < years["day_before"] < 10.0
    # 2024-02-29 -> anniversaries 2025-02-28, 2026-02-28; 245 of 365 days since the last.
    assert years["leap"] == pytest.approx(2 + 245 / 365)
    assert years["future"] == 0.0
