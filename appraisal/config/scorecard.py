"""`scorecard:` section (owned by the scorecard stage): dimensions, indicators, rules, grades.

The defaults are the source's full balanced scorecard (DOMAIN.md; example scheme ids of
docs/architecture.md), so a config that omits `scorecard:` appraises with that scheme.
"""

from __future__ import annotations

import itertools
import math
from typing import Annotated, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from ..ahp import WEIGHT_SUM_TOLERANCE
from .base import DisplayText, StrictModel

__all__ = [
    "AdditionalDimension",
    "Dimension",
    "DirectRule",
    "DisplayName",
    "Feedback360Config",
    "GradeBand",
    "GradingConfig",
    "Indicator",
    "IndicatorSource",
    "LowerBetterRule",
    "PeerGroup",
    "PercentileRule",
    "PiecewisePoint",
    "PiecewiseRule",
    "RaterType",
    "RatioRule",
    "Rule",
    "ScaleRule",
    "ScorecardConfig",
    "TenureConfig",
]

IndicatorSource = Literal[
    "indicators", "rorac_amount", "rorac_ratio", "ratings_360", "satisfaction", "tenure_years"
]
PeerGroup = Literal["team", "sub_branch", "branch", "job_level", "all"]
RaterType = Literal["self", "superior", "peer", "subordinate"]
RATER_TYPES: tuple[RaterType, ...] = ("self", "superior", "peer", "subordinate")
UNBOUNDED_SOURCES: tuple[IndicatorSource, ...] = ("rorac_amount", "rorac_ratio")
"""Sources computed by another stage, known only after validation: a `scale` rule cannot read
them (a value outside the scale could not be reported before the run)."""


class DisplayName(StrictModel):
    """Display names of a dimension, indicator or grade."""

    zh: DisplayText = ""
    en: DisplayText = ""


class RatioRule(StrictModel):
    """Ratio to target, higher is better: 100 · actual / target.

    Negative target (`negative_target: relative`): 100 + 100 · (actual − target) / |target|, which
    equals 100 · actual / target for a positive target. Target 0 (`zero_target:
    cap_if_exceeded`): actual > 0 → the cap, actual = 0 → 100, actual < 0 → 0.
    """

    kind: Literal["ratio"] = "ratio"
    zero_target: Literal["error", "cap_if_exceeded"] = "error"
    negative_target: Literal["relative", "error"] = "relative"
    needs_target: ClassVar[bool] = True


class LowerBetterRule(StrictModel):
    """Lower is better: 100 · target / actual.

    Actual <= 0 scores `zero_actual_score` (default: the indicator's cap).
    """

    kind: Literal["lower_better"] = "lower_better"
    zero_actual_score: float | None = None
    needs_target: ClassVar[bool] = True


class PiecewisePoint(StrictModel):
    """One breakpoint: at `x` the score is `score`; `basis: target` means x is target + `x`."""

    x: float
    score: float
    basis: Literal["target", "absolute"] = "target"


class PiecewiseRule(StrictModel):
    """Piecewise-linear table of breakpoints (x ascending), linear in between.

    Beyond the first/last breakpoint the end segment's slope continues (`extrapolate: true`,
    e.g. "each 0.1 pp worse → −5") or the end score is held (`extrapolate: false`). `better`
    states the direction; scores must be monotone in it.
    """

    kind: Literal["piecewise"] = "piecewise"
    better: Literal["higher", "lower"] = "higher"
    points: list[PiecewisePoint] = Field(min_length=2)
    extrapolate: bool = True

    @model_validator(mode="after")
    def _monotone(self) -> PiecewiseRule:
        for basis in ("target", "absolute"):
            xs = [p.x for p in self.points if p.basis == basis]
            if any(b < a for a, b in itertools.pairwise(xs)):
                raise ValueError(f"points with basis '{basis}' must be listed with x ascending")
        scores = [p.score for p in self.points]
        pairs = list(itertools.pairwise(scores))
        if self.better == "higher" and any(b < a for a, b in pairs):
            raise ValueError("better: higher needs scores that never fall as x rises")
        if self.better == "lower" and any(b > a for a, b in pairs):
            raise ValueError("better: lower needs scores that never rise as x rises")
        return self

    @property
    def needs_target(self) -> bool:
        return any(p.basis == "target" for p in self.points)


class ScaleRule(StrictModel):
    """Survey scale mapping: `low`..`high` (e.g. 1–5) linearly onto `to_low`..`to_high` (0–100)."""

    kind: Literal["scale"] = "scale"
    low: float = 1.0
    high: float = 5.0
    to_low: float = 0.0
    to_high: float = 100.0
    needs_target: ClassVar[bool] = False

    @model_validator(mode="after")
    def _ordered(self) -> ScaleRule:
        if not self.low < self.high:
            raise ValueError(f"low must be below high, got low={self.low}, high={self.high}")
        if not self.to_low <= self.to_high:
            raise ValueError("to_low must not exceed to_high")
        return self


class PercentileRule(StrictModel):
    """Percentile rank within a peer group: 100 · (rank − 1) / (n − 1).

    Ties share their average rank; a group of one scores `single_member_score`.
    """

    kind: Literal["percentile"] = "percentile"
    group_by: PeerGroup = "branch"
    better: Literal["higher", "lower"] = "higher"
    single_member_score: float = 100.0
    needs_target: ClassVar[bool] = False


class DirectRule(StrictModel):
    """The actual is the score (e.g. an exam score out of 100)."""

    kind: Literal["direct"] = "direct"
    needs_target: ClassVar[bool] = False


Rule = Annotated[
    RatioRule | LowerBetterRule | PiecewiseRule | ScaleRule | PercentileRule | DirectRule,
    Field(discriminator="kind"),
]


class Indicator(StrictModel):
    """One indicator: where its actual comes from, how it is scored, its cap and floor."""

    id: DisplayText = Field(min_length=1)
    name: DisplayName = DisplayName()
    source: IndicatorSource = "indicators"
    rule: Rule = RatioRule()
    cap: float | None = 150.0
    floor: float | None = 0.0
    default_target: float | None = None
    missing_actual: Literal["error", "zero"] = "error"
    missing_target: Literal["error", "zero"] = "error"

    @model_validator(mode="after")
    def _consistent(self) -> Indicator:
        if self.cap is not None and self.floor is not None and self.floor > self.cap:
            raise ValueError(f"floor ({self.floor}) is above cap ({self.cap})")
        if (
            isinstance(self.rule, LowerBetterRule)
            and self.cap is None
            and self.rule.zero_actual_score is None
        ):
            raise ValueError("lower_better needs a cap or rule.zero_actual_score (score at 0)")
        if (
            isinstance(self.rule, RatioRule)
            and self.rule.zero_target == "cap_if_exceeded"
            and self.cap is None
        ):
            raise ValueError("zero_target: cap_if_exceeded needs a cap")
        if self.rule.kind == "scale" and self.source in UNBOUNDED_SOURCES:
            raise ValueError(f"a scale rule cannot score source {self.source} (an amount with no "
                             "bounds); use kind: ratio or piecewise")
        return self

    @property
    def needs_target(self) -> bool:
        """True when the rule reads a target."""
        return self.rule.needs_target


def _check_fixed_weights(weights: dict[str, float] | None, criteria: list[str], key: str) -> None:
    if weights is None:
        return
    if set(weights) != set(criteria):
        raise ValueError(
            f"{key} must give exactly these criteria: {', '.join(criteria)}; "
            f"got {', '.join(weights)}"
        )
    bad = [k for k, v in weights.items() if not (math.isfinite(v) and v >= 0)]
    if bad:
        raise ValueError(f"{key}: weights must be finite and >= 0 ({', '.join(bad)})")
    total = sum(weights.values())
    if abs(total - 1.0) > WEIGHT_SUM_TOLERANCE:
        raise ValueError(f"{key}: weights must sum to 1, got {total:.6g}")


class Dimension(StrictModel):
    """A weighted dimension: its indicators and how they are weighed (AHP matrix or fixed)."""

    id: DisplayText = Field(min_length=1)
    name: DisplayName = DisplayName()
    indicators: list[Indicator] = Field(min_length=1)
    matrix: str | None = None
    weights: dict[str, float] | None = None

    @model_validator(mode="after")
    def _weights(self) -> Dimension:
        _check_fixed_weights(self.weights, [i.id for i in self.indicators], "weights")
        return self

    @property
    def matrix_id(self) -> str:
        """The AHP matrix weighing the indicators (default: the dimension id)."""
        return self.matrix or self.id


class AdditionalDimension(StrictModel):
    """Bonus points added with weight 1: sum of the indicators' points, clipped to cap/floor."""

    id: DisplayText = Field(default="additional", min_length=1)
    name: DisplayName = DisplayName(zh="附加", en="Additional")
    indicators: list[Indicator] = Field(min_length=1)
    cap: float | None = 10.0
    floor: float | None = 0.0

    @model_validator(mode="after")
    def _bounds(self) -> AdditionalDimension:
        if self.cap is not None and self.floor is not None and self.floor > self.cap:
            raise ValueError(f"floor ({self.floor}) is above cap ({self.cap})")
        return self


class Feedback360Config(StrictModel):
    """360-degree feedback: rater-type weights and minimum raters per type."""

    type_weights: dict[RaterType, float] = Field(
        default_factory=lambda: {"self": 0.1, "superior": 0.4, "peer": 0.3, "subordinate": 0.2}
    )
    min_raters: dict[RaterType, int] = Field(
        default_factory=lambda: {"self": 1, "superior": 1, "peer": 1, "subordinate": 1}
    )

    @field_validator("type_weights")
    @classmethod
    def _weights(cls, value: dict[str, float]) -> dict[str, float]:
        if any(not (math.isfinite(v) and v >= 0) for v in value.values()):
            raise ValueError("type weights must be finite and >= 0")
        if sum(value.values()) <= 0:
            raise ValueError("at least one rater type needs a positive weight")
        return value

    @field_validator("min_raters")
    @classmethod
    def _minimum(cls, value: dict[str, int]) -> dict[str, int]:
        if any(v < 1 for v in value.values()):
            raise ValueError("min_raters must be >= 1")
        return value


class GradeBand(StrictModel):
    """One grade: band lower bound (bands), share of the unit (forced), pay coefficient."""

    id: DisplayText = Field(min_length=1)
    name: DisplayName = DisplayName()
    min_score: float | None = None
    quota: float = Field(default=0.0, ge=0.0, le=1.0)
    coefficient: float = Field(ge=0.0)


def _default_grades() -> list[GradeBand]:
    return [
        GradeBand(id="A", name=DisplayName(zh="优秀", en="Outstanding"), min_score=110.0,
                  quota=0.1, coefficient=1.5),
        GradeBand(id="B", name=DisplayName(zh="良好", en="Good"), min_score=100.0, quota=0.2,
                  coefficient=1.2),
        GradeBand(id="C", name=DisplayName(zh="合格", en="Satisfactory"), min_score=90.0,
                  quota=0.4, coefficient=1.0),
        GradeBand(id="D", name=DisplayName(zh="基本合格", en="Needs improvement"),
                  min_score=80.0, quota=0.2, coefficient=0.8),
        GradeBand(id="E", name=DisplayName(zh="不合格", en="Unsatisfactory"), min_score=None,
                  quota=0.1, coefficient=0.5),
    ]


class GradingConfig(StrictModel):
    """Grades best first: by score bands or by forced distribution within a unit."""

    method: Literal["bands", "forced"] = "bands"
    unit: Literal["team", "sub_branch", "branch", "all"] = "sub_branch"
    grades: list[GradeBand] = Field(default_factory=_default_grades, min_length=1)

    @model_validator(mode="after")
    def _grades(self) -> GradingConfig:
        ids = [g.id for g in self.grades]
        if len(set(ids)) != len(ids):
            raise ValueError(f"grade ids must be unique, got {', '.join(ids)}")
        for better, worse in itertools.pairwise(self.grades):
            if better.coefficient < worse.coefficient:
                raise ValueError(
                    f"grade {better.id} pays less than the grade below it, {worse.id} "
                    f"(coefficient {better.coefficient:g} < {worse.coefficient:g}): grades are "
                    "listed best first, their coefficients never rising down the list")
        if self.method == "bands":
            bounds = [g.min_score for g in self.grades[:-1]]
            if any(b is None for b in bounds):
                raise ValueError("bands: every grade but the last needs min_score")
            if self.grades[-1].min_score is not None:
                raise ValueError("bands: the last grade takes every lower score; leave its "
                                 "min_score empty")
            if any(b <= a for a, b in zip(bounds[1:], bounds, strict=False)):  # type: ignore[operator]
                raise ValueError("bands: min_score must fall strictly from the best grade down")
        else:
            total = sum(g.quota for g in self.grades)
            if abs(total - 1.0) > WEIGHT_SUM_TOLERANCE:
                raise ValueError(f"forced: grade quotas must sum to 1, got {total:.6g}")
        return self


ExcludedPay = Literal["standard", "guarantee_only", "none"]


class TenureConfig(StrictModel):
    """Managers who joined or left during the period (flagged in every mode).

    With `joiners_leavers: exclude` they are not graded, and `excluded_pay` says what they are
    paid: `standard` (default) the bonus with `excluded_coefficient` as their grade coefficient,
    within the limits (floor, minimum guarantee, cap); `guarantee_only` the minimum guarantee
    where eligible and nothing else; `none` nothing (a pool allocation may still reach them).
    """

    joiners_leavers: Literal["include", "exclude", "prorate"] = "include"
    excluded_coefficient: float = Field(
        default=1.0, ge=0.0,
        description="grade coefficient of excluded managers (excluded_pay: standard)")
    excluded_pay: ExcludedPay = Field(
        "standard", description="what excluded joiners and leavers are paid: standard | "
        "guarantee_only | none")

    @model_validator(mode="after")
    def _settings_take_effect(self) -> TenureConfig:
        # keys written with a value other than the default (the default written out is harmless)
        given = {key for key in self.model_fields_set
                 if getattr(self, key) != type(self).model_fields[key].default}
        if self.joiners_leavers != "exclude":
            for key in sorted(given & {"excluded_coefficient", "excluded_pay"}):
                raise ValueError(f"{key} has no effect unless joiners_leavers: exclude "
                                 f"(it is {self.joiners_leavers}): remove it")
        elif self.excluded_pay != "standard" and "excluded_coefficient" in given:
            raise ValueError(f"excluded_coefficient has no effect with excluded_pay: "
                             f"{self.excluded_pay} (only excluded_pay: standard pays by it)")
        return self


def _pct(id_: str, zh: str, en: str, **kw: object) -> Indicator:
    return Indicator(id=id_, name=DisplayName(zh=zh, en=en), **kw)  # type: ignore[arg-type]


def _default_dimensions() -> list[Dimension]:
    survey = ScaleRule(low=1.0, high=5.0)
    return [
        Dimension(id="financial", name=DisplayName(zh="财务", en="Financial"), indicators=[
            _pct("rorac", "风险调整后利润", "Risk-adjusted profit (RORAC)", source="rorac_amount"),
        ]),
        Dimension(id="customer", name=DisplayName(zh="客户", en="Customer"), indicators=[
            _pct("deposit_plan", "存款计划完成率", "Deposit plan completion"),
            _pct("loan_plan", "贷款计划完成率", "Loan plan completion"),
            _pct("intermediate_plan", "中间业务计划完成率", "Fee business plan completion"),
            _pct("other_plan", "其他业务计划完成率", "Other business plan completion"),
            _pct("satisfaction", "客户满意度", "Customer satisfaction", source="satisfaction",
                 rule=survey, cap=100.0),
        ]),
        Dimension(id="internal_process", name=DisplayName(zh="内部流程", en="Internal process"),
                  indicators=[
            _pct("npl_ratio", "当年贷款不良率", "NPL ratio of the year", rule=PiecewiseRule(
                better="lower",
                points=[
                    PiecewisePoint(x=0.0, score=120.0, basis="absolute"),
                    PiecewisePoint(x=0.0, score=100.0),
                    PiecewisePoint(x=0.1, score=95.0),
                ],
            ), cap=120.0),
            _pct("approval_pass_rate", "报告一次性报批合格率", "One-time approval pass rate"),
            _pct("file_completeness", "贷款档案资料完整性", "Loan file completeness"),
            _pct("feedback_360", "360度考核", "360-degree feedback", source="ratings_360",
                 rule=survey, cap=100.0),
        ]),
        Dimension(id="learning_growth", name=DisplayName(zh="学习与成长", en="Learning & growth"),
                  indicators=[
            _pct("training_hours", "培训学时完成率", "Training hours completion"),
            _pct("exam_score", "培训考试成绩", "Training exam score", rule=DirectRule(),
                 cap=100.0),
            _pct("research_output", "岗位研究成果", "Research output",
                 rule=PercentileRule(group_by="branch")),
        ]),
    ]


def _default_additional() -> AdditionalDimension:
    return AdditionalDimension(indicators=[
        _pct("years_of_service", "工作年限", "Years of service", source="tenure_years",
             rule=PiecewiseRule(points=[
                 PiecewisePoint(x=0.0, score=0.0, basis="absolute"),
                 PiecewisePoint(x=10.0, score=5.0, basis="absolute"),
             ], extrapolate=False), cap=5.0),
        _pct("medical_balance_rate", "医疗福利余额率", "Medical-benefit balance rate",
             rule=PiecewiseRule(points=[
                 PiecewisePoint(x=0.0, score=0.0, basis="absolute"),
                 PiecewisePoint(x=100.0, score=5.0, basis="absolute"),
             ], extrapolate=False), cap=5.0),
    ])


class ScorecardConfig(StrictModel):
    """Balanced-scorecard settings: the dimensions and indicators, 360, grades, joiners."""

    matrix: str = Field(default="dimensions", min_length=1)
    dimension_weights: dict[str, float] | None = None
    dimensions: list[Dimension] = Field(default_factory=_default_dimensions, min_length=1)
    additional: AdditionalDimension | None = Field(default_factory=_default_additional)
    feedback_360: Feedback360Config = Feedback360Config()
    grading: GradingConfig = GradingConfig()
    tenure: TenureConfig = TenureConfig()

    @model_validator(mode="after")
    def _ids(self) -> ScorecardConfig:
        dims = [d.id for d in self.dimensions]
        if self.additional is not None:
            dims.append(self.additional.id)
        duplicated = sorted({d for d in dims if dims.count(d) > 1})
        if duplicated:
            raise ValueError(f"dimension ids must be unique, repeated: {', '.join(duplicated)}")
        indicators = [i.id for i in self.all_indicators()]
        duplicated = sorted({i for i in indicators if indicators.count(i) > 1})
        if duplicated:
            raise ValueError(f"indicator ids must be unique, repeated: {', '.join(duplicated)}")
        _check_fixed_weights(self.dimension_weights, [d.id for d in self.dimensions],
                             "dimension_weights")
        matrices = [self.matrix, *(d.matrix_id for d in self.dimensions)]
        duplicated = sorted({m for m in matrices if matrices.count(m) > 1})
        if duplicated:
            raise ValueError(f"AHP matrix ids must be unique, repeated: {', '.join(duplicated)}")
        return self

    def all_indicators(self) -> list[Indicator]:
        """Every indicator, weighted dimensions first, in config order."""
        found = [i for d in self.dimensions for i in d.indicators]
        if self.additional is not None:
            found += self.additional.indicators
        return found

    def ahp_matrices(self) -> dict[str, list[str]]:
        """Every AHP matrix the scorecard needs, with its ordered criteria.

        The dimension matrix (unless `dimension_weights` is given or there is one dimension) and
        one per dimension with two or more indicators and no fixed `weights`.
        """
        matrices: dict[str, list[str]] = {}
        if self.dimension_weights is None and len(self.dimensions) >= 2:
            matrices[self.matrix] = [d.id for d in self.dimensions]
        for dim in self.dimensions:
            if dim.weights is None and len(dim.indicators) >= 2:
                matrices[dim.matrix_id] = [i.id for i in dim.indicators]
        return matrices

    def labels(self) -> dict[str, dict[str, str]]:
        """Display names {id: {"zh": .., "en": ..}} of dimensions, indicators and grades."""
        found: dict[str, dict[str, str]] = {}
        dims: list[Dimension | AdditionalDimension] = list(self.dimensions)
        if self.additional is not None:
            dims.append(self.additional)
        for item in [*dims, *self.all_indicators(), *self.grading.grades]:
            found[item.id] = {"zh": item.name.zh, "en": item.name.en}
        return found
