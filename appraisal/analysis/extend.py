"""What `appraise run` adds to a pipeline result: the `--set` overrides in the audit, and the
design tables the run asks for (`--analysis`, or `analysis.*.enabled` in the config)."""

from __future__ import annotations

import dataclasses

from ..config import LoadedConfig
from ..result import RunResult
from ..validate import Validation

__all__ = ["extend_run", "wants_analysis", "with_overrides"]


def wants_analysis(loaded: LoadedConfig, analysis: bool | None = None) -> bool:
    """Whether a run adds any analysis table (`--analysis`, or enabled in the config)."""
    settings = loaded.config.analysis
    return bool(analysis) or settings.weight_sensitivity.enabled or (
        settings.incentive_balance.enabled)


def with_overrides(result: RunResult, loaded: LoadedConfig) -> RunResult:
    """The run with its `--set` overrides recorded in the audit (manifest, Run sheet)."""
    if not loaded.overrides:
        return result
    return dataclasses.replace(result, audit={**result.audit,
                                              "overrides": list(loaded.overrides)})


def extend_run(result: RunResult, loaded: LoadedConfig, *, analysis: bool | None = None,
               validation: Validation | None = None) -> RunResult:
    """The run with its overrides recorded and the analysis tables it asks for: `analysis`
    True adds them all; None follows `analysis.*.enabled` of the config. `validation`: the
    run's inputs as read (the incentive balance needs the roster as typed; read again when
    None)."""
    result = with_overrides(result, loaded)
    settings = result.config.analysis
    sensitivity = bool(analysis) or settings.weight_sensitivity.enabled
    incentive = bool(analysis) or settings.incentive_balance.enabled
    if not (sensitivity or incentive):
        return result
    from .tables import add_analysis

    return add_analysis(result, loaded, sensitivity=sensitivity, incentive=incentive,
                        validation=validation)
