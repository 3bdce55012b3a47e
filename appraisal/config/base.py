"""Building blocks shared by every config section: strict frozen models and the period."""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from ..errors import FORMULA_EXPECTED, FORMULA_RULE, FORMULA_START
from ..money import MAX_AMOUNT_YUAN, MAX_TOTAL_YUAN

__all__ = ["PERIOD_YEARS", "DisplayText", "Fraction01", "NonNegative", "Period", "Positive",
           "StrictModel", "UnitYuan", "Yuan", "parse_period"]


class StrictModel(BaseModel):
    """Config model: unknown keys are errors, values are immutable once loaded.

    Strict types: a number must be written as a number (`"0.3"`, `true` or `.nan` where a number
    is expected are errors, never read as 0.3, 1 or a NaN that silently changes pay), a flag as
    true/false, a text as text. A YAML list is accepted where a tuple is declared.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False, strict=True,
                              allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _lists_as_tuples(cls, data: Any) -> Any:
        """YAML has lists, not tuples: a list given for a tuple field is taken as the tuple
        (strict mode would refuse it), its items still checked strictly."""
        if not isinstance(data, dict):
            return data
        converted = {name: tuple(data[name]) for name, field in cls.model_fields.items()
                     if isinstance(data.get(name), list) and _admits_tuple(field.annotation)}
        return {**data, **converted} if converted else data


def _admits_tuple(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin is tuple:
        return True
    if origin is typing.Annotated:
        return _admits_tuple(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return any(_admits_tuple(arg) for arg in typing.get_args(annotation))
    return False


def _not_a_formula(text: str) -> str:
    """A text the run writes into its CSVs and workbook must not be one a spreadsheet runs."""
    if re.search(FORMULA_START, text):
        raise ValueError(f"{FORMULA_RULE}, got {text!r}; expected {FORMULA_EXPECTED}")
    return text


DisplayText = Annotated[str, AfterValidator(_not_a_formula)]
"""A name, id, label or header the outputs show (CSV cells, sheet cells, statements): refused
when Excel or WPS would run it as a formula (errors.FORMULA_START), as such an input cell is."""
Fraction01 = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0)]
Positive = Annotated[float, Field(gt=0.0)]
Yuan = Annotated[float, Field(ge=0.0, le=float(MAX_AMOUNT_YUAN))]
"""An amount per manager in yuan (a base, cap, floor, guarantee): within money.MAX_AMOUNT_YUAN,
as an amount cell of an input table."""
UnitYuan = Annotated[float, Field(ge=0.0, le=float(MAX_TOTAL_YUAN))]
"""An amount of the whole unit in yuan (a pool, a carry-in, a cost total): within
money.MAX_TOTAL_YUAN, as the total of an amount column."""

PERIOD_YEARS = (1900, 2200)
"""The years a period may fall in: its dates, the stock ages and the deferral schedules
computed from it stay within the dates the engine's tables hold (pandas: 1677 to 2262)."""

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
    if not PERIOD_YEARS[0] <= year <= PERIOD_YEARS[1]:
        raise ValueError(f"period year must be from {PERIOD_YEARS[0]} to {PERIOD_YEARS[1]}, "
                         f"got {label!r}")
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
