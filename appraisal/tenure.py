"""Employment within the period, from the roster's hire and leave dates."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .config.base import Period

__all__ = ["service_fraction", "years_of_service"]


def _dates(managers: pd.DataFrame, column: str) -> pd.Series:
    if column not in managers.columns:
        return pd.Series(pd.NaT, index=managers.index, dtype="datetime64[ns]")
    return pd.to_datetime(managers[column])


def service_fraction(managers: pd.DataFrame, period: Period) -> pd.Series:
    """Share of the period's days each manager was employed, in [0, 1] (index: manager_id).

    Hire and leave dates count as days worked. Missing leave_date means still employed.
    """
    start = pd.Timestamp(period.start)
    end = pd.Timestamp(period.end)
    first = _dates(managers, "hire_date").clip(lower=start)
    last = _dates(managers, "leave_date").fillna(end).clip(upper=end)
    worked = ((last - first).dt.days + 1).clip(lower=0).fillna(0)
    fraction = (worked / period.days).clip(0.0, 1.0).astype("float64")
    return pd.Series(fraction.to_numpy(), index=pd.Index(managers["manager_id"], name="manager_id"))


def years_of_service(managers: pd.DataFrame, period: Period) -> pd.Series:
    """Years of service at the period end (index: manager_id), counted on the calendar.

    Whole years are completed anniversaries (hired 2016-10-31 -> exactly 10.0 on 2026-10-31);
    the fraction is the share of the current anniversary year already served. Never negative.
    """
    end = pd.Timestamp(period.end)
    hired = _dates(managers, "hire_date")
    whole = end.year - hired.dt.year
    not_yet = (hired.dt.month > end.month) | (
        (hired.dt.month == end.month) & (hired.dt.day > end.day)
    )
    whole = (whole - not_yet.astype("int64")).clip(lower=0)
    last = _add_years(hired, whole)
    following = _add_years(hired, whole + 1)
    fraction = (end - last).dt.days / (following - last).dt.days
    years = (whole + fraction.clip(0.0, 1.0)).where(hired <= end, 0.0).fillna(0.0)
    return pd.Series(years.to_numpy(dtype="float64"),
                     index=pd.Index(managers["manager_id"], name="manager_id"))


def _add_years(dates: pd.Series, years: pd.Series) -> pd.Series:
    """dates + years on the calendar (29 Feb -> 28 Feb in non-leap years), vectorised."""
    year = dates.dt.year + years
    month = dates.dt.month
    first = pd.to_datetime(
        pd.DataFrame({"year": year, "month": month, "day": 1}), errors="coerce"
    )
    day = np.minimum(dates.dt.day, first.dt.days_in_month)
    return first + pd.to_timedelta(day - 1, unit="D")
