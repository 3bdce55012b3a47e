"""Employment within the period, from the roster's hire and leave dates."""

from __future__ import annotations

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
    """Completed years of service at the period end (fractional, >= 0; index: manager_id)."""
    end = pd.Timestamp(period.end)
    days = (end - _dates(managers, "hire_date")).dt.days.clip(lower=0).fillna(0)
    years = (days / 365.25).astype("float64")
    return pd.Series(years.to_numpy(), index=pd.Index(managers["manager_id"], name="manager_id"))
