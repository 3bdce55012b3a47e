"""`weights:` section (owned by the AHP stage)."""

from __future__ import annotations

from .base import StrictModel

__all__ = ["WeightsConfig"]


class WeightsConfig(StrictModel):
    """AHP settings."""
