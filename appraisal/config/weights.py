"""`weights:` section (owned by the AHP stage): how judgment matrices become weights.

Every key has a default, so a config without a `weights:` section still validates (geometric mean,
Saaty's 1980 RI table, CR < 0.10, inconsistent experts stop the run).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import Field, field_validator

from ..ahp import (
    CompletionMethod,
    JudgmentScale,
    RandomIndexError,
    RandomIndexTable,
    WeightMethod,
    random_index,
)
from .base import Positive, StrictModel

__all__ = ["AcceptedMatrix", "WeightsConfig"]


class AcceptedMatrix(StrictModel):
    """An explicit acceptance of a matrix whose CR is at or above the threshold."""

    justification: str = Field(min_length=1, description="why the weights are used anyway")

    @field_validator("justification")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("justification must be written out (not blank)")
        return value.strip()


class WeightsConfig(StrictModel):
    """AHP settings: weight method, RI table, CR gate, expert policy, completion, acceptances."""

    method: WeightMethod = "geometric_mean"
    ri_table: RandomIndexTable = "saaty_1980"
    cr_threshold: float = Field(0.10, gt=0.0, lt=1.0)
    scale: JudgmentScale = "saaty"
    reciprocal_tolerance: float = Field(0.02, ge=0.0, lt=0.5)
    inconsistent_expert: Literal["fail", "exclude"] = "fail"
    expert_weights: dict[str, Positive] = Field(default_factory=dict)
    completion: CompletionMethod | Literal["none"] = "harker"
    diagnostics: int = Field(3, ge=1, le=50)
    accept: dict[str, AcceptedMatrix] = Field(default_factory=dict)

    def problems(self, matrices: Mapping[str, Sequence[str]]) -> list[tuple[str, str]]:
        """(key path, message) for each key that does not fit the declared AHP matrices:
        an acceptance of a matrix that does not exist, an RI table too short for a matrix."""
        found = [
            (f"weights.accept.{key}", f"no AHP matrix has this id; declared: {', '.join(matrices)}")
            for key in self.accept if key not in matrices
        ]
        for matrix_id, criteria in matrices.items():
            try:
                random_index(len(criteria), self.ri_table)
            except RandomIndexError as exc:
                found.append(("weights.ri_table", f"matrix '{matrix_id}': {exc}"))
        return found
