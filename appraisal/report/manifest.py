"""manifest.json: what produced a run (version, config, input hashes, timings, outputs).

The only file of a run that carries a wall-clock timestamp.
"""

from __future__ import annotations

import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._version import __version__
from ..io.readers import file_sha256

if TYPE_CHECKING:
    from ..pipeline import RunResult

__all__ = ["build_manifest"]


def build_manifest(result: RunResult, outputs: dict[str, Path]) -> dict[str, Any]:
    """The manifest of a run whose files are `outputs` (name -> path, already written)."""
    return {
        "engine": {"name": "appraise", "version": __version__},
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "period": result.period.label,
        "unit": result.config.unit.model_dump(mode="json"),
        "config": {
            "path": None if result.config_path is None else str(result.config_path),
            "sha256": result.audit.get("config_sha256"),
            "resolved": result.config.model_dump(mode="json"),
        },
        "inputs": [record.to_dict() for record in result.inputs],
        "stages": [
            {"stage": t.stage, "rows": t.rows, "seconds": round(t.seconds, 4)}
            for t in result.timings
        ],
        "audit": {key: value for key, value in result.audit.items()
                  if key != "config_sha256"},
        "outputs": {name: file_sha256(path) for name, path in sorted(outputs.items())},
        "environment": {
            "python": platform.python_version(),
            "pandas": pd.__version__,
            "numpy": np.__version__,
        },
    }
