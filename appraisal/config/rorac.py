"""`rorac:` section (owned by the RORAC stage)."""

from __future__ import annotations

from .base import StrictModel

__all__ = ["RoracConfig"]


class RoracConfig(StrictModel):
    """Risk-adjusted profit settings."""
