"""The period before and after a period of the same kind (month, quarter, half, year)."""

from __future__ import annotations

from ..config.base import parse_period

__all__ = ["next_period", "previous_period"]


def _shift(label: str, step: int) -> str:
    period = parse_period(label)
    text = period.label
    year = period.start.year
    if len(text) == 4:
        return f"{year + step:04d}"
    kind = text[5] if text[5] in "QH" else "M"
    size = {"M": 12, "Q": 4, "H": 2}[kind]
    index = {"M": period.start.month, "Q": (period.start.month + 2) // 3,
             "H": (period.start.month + 5) // 6}[kind] - 1 + step
    year += index // size
    index = index % size + 1
    return f"{year:04d}-{index:02d}" if kind == "M" else f"{year:04d}-{kind}{index}"


def previous_period(label: str) -> str:
    """2026-10 → 2026-09, 2026-Q1 → 2025-Q4, 2026-H1 → 2025-H2, 2026 → 2025."""
    return _shift(label, -1)


def next_period(label: str) -> str:
    """2026-12 → 2027-01, 2026-Q4 → 2027-Q1, 2026-H2 → 2027-H1, 2026 → 2027."""
    return _shift(label, 1)
