"""Click commands of `appraise`, one module each; `appraisal/cli.py` registers them."""

from __future__ import annotations

from .weights import make_weights_command, weights_command

__all__ = ["make_weights_command", "weights_command"]
