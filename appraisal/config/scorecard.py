"""`scorecard:` section (owned by the scorecard stage)."""

from __future__ import annotations

from .base import StrictModel

__all__ = ["ScorecardConfig"]


class ScorecardConfig(StrictModel):
    """Balanced-scorecard settings."""
