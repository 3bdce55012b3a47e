"""`output:` section (owned by the report stage)."""

from __future__ import annotations

from .base import StrictModel

__all__ = ["OutputConfig"]


class OutputConfig(StrictModel):
    """What the run writes and in which language."""
