"""Building blocks shared by every config section: strict frozen models and the period."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from ..money import MAX_AMOUNT_YUAN, MAX_TOTAL_YUAN

__all__ = ["Fraction01", "NonNegative", "Period", "Positive", "StrictModel", "UnitYuan", "Yuan",
           "parse_period"]


class StrictModel(BaseModel):
    """Config model: unknown keys are errors, values are immutable once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)


Fraction01 = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0)]
Positive = Annotated[float, Field(gt=0.0)]
Yuan = Annotated[float, Field(ge=0.0, le=float(MAX_AMOUNT_YUAN))]
"""An amount per manager in yuan (a base, cap, floor, guarantee): within money.MAX_AMOUNT_YUAN,
as an amount cell of an input table."""
UnitYuan = Annotated[float, Field(ge=0.0, le=float(MAX_TOTAL_YUAN))]
"""An amount of the whole unit in yuan (a pool, a carry-in, a cost total): within
money.MAX_TOTAL_YUAN, as the total of an amount column."""

_PERIOD_RE = re.compile(
    r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<quarter>[1-4])|H(?P<half>[12])))?$"
)


@dataclass(frozen=True)
class Period:
    """An appraisal period: a month (`2026-10`), quarter (`2026-Q4`), half (`2026-H2`) or year."""

    label: str
    start: date
    end: date  # inclusive
    year_start: date

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _month_end(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date.fromordinal(date(year, month + 1, 1).toordinal() - 1)


def parse_period(label: str) -> Period:
    """Parse a period label; raises ValueError with the accepted forms."""
    match = _PERIOD_RE.match(str(label).strip())
    if not match:
        raise ValueError(
            f"period must look like 2026-10 (month), 2026-Q4, 2026-H2 or 2026, got {label!r}"
        )
    year = int(match["year"])
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise ValueError(f"period month must be 01..12 (e.g. 2026-10), got {label!r}")
        first, last = month, month
    elif match["quarter"]:
        quarter = int(match["quarter"])
        first, last = 3 * quarter - 2, 3 * quarter
    elif match["half"]:
        half = int(match["half"])
        first, last = 6 * half - 5, 6 * half
    else:
        first, last = 1, 12
    return Period(
        label=str(label).strip(),
        start=date(year, first, 1),
        end=_month_end(year, last),
        year_start=date(year, 1, 1),
    )
