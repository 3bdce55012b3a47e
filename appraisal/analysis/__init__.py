"""Scheme design tools over `pipeline.run` (never a copy of it): compare two schemes
(`analysis.compare`), the robustness of the AHP weights (`analysis.sensitivity`) and the
incentive balance of the indicators (`analysis.incentive`). Docs: docs/design-tools.md.

The submodules are imported on use: the config schema imports `analysis.config`, and the
pipeline must not be imported with it.
"""

__all__ = ["compare", "config", "incentive", "sensitivity"]
