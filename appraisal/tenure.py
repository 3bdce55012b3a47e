"""Employment within the period, from the roster's hire and leave dates."""

from __future__ import annotations

import pandas as pd

from .config.base import Period
from .rorac import DAYS_PER_YEAR_OF_AGE

__all__ = ["DAYS_PER_YEAR", "service_fraction", "years_of_service"]


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


DAYS_PER_YEAR = DAYS_PER_YEAR_OF_AGE
"""Length of a year of service in days: 365.25, the one convention stock age uses too."""


def years_of_service(managers: pd.DataFrame, period: Period) -> pd.Series:
    """Years of service at the period end (index: manager_id), in 365.25-day years.

    years = (period end − hire_date) in days / 365.25: the hire day is day 0 and the period's
    last day counts, so a manager hired on the last day has 0 years and one hired the day before
    1/365.25. Hired after the period end (or no hire date): 0. Never negative.
    """
    end = pd.Timestamp(period.end)
    days = (end - _dates(managers, "hire_date")).dt.days
    years = (days / DAYS_PER_YEAR).clip(lower=0.0).fillna(0.0)
    return pd.Series(years.to_numpy(dtype="float64"),
                     index=pd.Index(managers["manager_id"], name="manager_id"))
