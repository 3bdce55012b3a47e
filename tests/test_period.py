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
    # 2010-01-01 .. 2026-10-31 is 6147 days (16·365 + 4 leap days + 303): 6147 / 365.25 years.
    assert years["M1"] == pytest.approx(6147 / 365.25, rel=1e-15)


def test_years_of_service_are_365_25_day_years():
    # docs/scorecard.md: years = (period end − hire_date) in days / 365.25, the hire day being
    # day 0. By hand, to 2026-10-31: 2016-10-31 is 3652 days (10·365 + 2 leap days, 2020 and
    # 2024), so ten calendar years are 3652/365.25 = 9.99863 (not 10.0, as whole anniversaries
    # would say); 2016-11-01 is one day less; 2024-02-29 is 975 days; 2026-10-01 is 30 days;
    # hired on the last day: 0; hired after the period: 0.
    roster = pd.DataFrame({
        "manager_id": ["ten_calendar_years", "day_before", "leap", "month", "last_day", "future"],
        "hire_date": pd.to_datetime(["2016-10-31", "2016-11-01", "2024-02-29", "2026-10-01",
                                     "2026-10-31", "2026-12-01"]),
    })
    years = years_of_service(roster, parse_period("2026-10"))
    assert years["ten_calendar_years"] == pytest.approx(3652 / 365.25, rel=1e-15)
    assert years["ten_calendar_years"] == pytest.approx(9.998631, abs=1e-6)
    assert 9.99 < years["day_before"] < years["ten_calendar_years"] < 10.0
    assert years["day_before"] == pytest.approx(3651 / 365.25, rel=1e-15)
    assert years["leap"] == pytest.approx(975 / 365.25, rel=1e-15)
    assert years["month"] == pytest.approx(30 / 365.25, rel=1e-15)
    assert years["last_day"] == 0.0
    assert years["future"] == 0.0


def test_years_of_service_are_exact_for_whole_julian_years():
    # 1461 days (4 · 365.25) from 2022-10-31 to 2026-10-31 are exactly 4 years: the hand example
    # of the scorecard tests (4 years of service → 2 points).
    roster = pd.DataFrame({"manager_id": ["M"], "hire_date": pd.to_datetime(["2022-10-31"])})
    assert years_of_service(roster, parse_period("2026-10"))["M"] == 4.0
