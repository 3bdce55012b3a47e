"""`bonus:` section (owned by the bonus and pool stages)."""

from __future__ import annotations

from .base import StrictModel

__all__ = ["BonusConfig"]


class BonusConfig(StrictModel):
    """Bonus and shared-pool settings."""
