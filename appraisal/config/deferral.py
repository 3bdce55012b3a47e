"""`deferral:` and `clawback:` sections: deferred performance pay and its recovery
(《商业银行稳健薪酬监管指引》, CBRC 2010; docs/deferral.md).

Who is deferred (groups selected by job level, a roster flag column or a list of managers),
which share of their performance pay, over how many years and on what schedule; what happens to
a leaver's unreleased tranches; how a clawback is recovered (a cap per period).

Rules the config cannot break (config errors naming the key):
- a risk-relevant group defers at least 40% (senior management more than 50%) unless it
  states a `justification`, which is then recorded in the manifest;
- a risk-relevant group defers over at least 3 years;
- a schedule is never front-loaded: no tranche weight is larger than a later one.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .base import DisplayText, Fraction01, StrictModel, Yuan

__all__ = [
    "RISK_RELEVANT_MIN_SHARE",
    "RISK_RELEVANT_MIN_YEARS",
    "SENIOR_MIN_SHARE",
    "ClawbackConfig",
    "DeferralConfig",
    "DeferralGroup",
    "LeaverTreatment",
]

RISK_RELEVANT_MIN_SHARE = 0.4
"""Risk-relevant staff: at least 40% of performance pay deferred (指引 第十八条)."""
SENIOR_MIN_SHARE = 0.5
"""Senior management: more than 50% deferred."""
RISK_RELEVANT_MIN_YEARS = 3
"""Risk-relevant staff: deferred over at least three years."""

LeaverTreatment = Literal["kept", "forfeited"]


class DeferralGroup(StrictModel):
    """One group of deferred managers and the terms of its deferral."""

    id: DisplayText = Field(min_length=1, description="group id, recorded on every grant")
    job_levels: tuple[str, ...] = Field(
        (), description="job levels (roster job_level) whose managers belong to the group")
    roster_flag: Literal["risk_relevant", "senior_management"] | None = Field(
        None, description="a roster column, risk_relevant or senior_management (docs/inputs.md); "
                          "managers with a true value (true, 1, yes, 是) belong to the group")
    managers: tuple[str, ...] = Field((), description="manager ids that belong to the group")
    risk_relevant: bool = Field(
        False, description="risk-relevant positions: share >= 40% and years >= 3 unless a "
                           "justification is given")
    senior_management: bool = Field(
        False, description="senior management: share > 50% unless a justification is given")
    share: Fraction01 = Field(description="share of the period's performance pay deferred")
    years: int = Field(ge=1, le=10, description="years over which the deferral is released")
    schedule: tuple[float, ...] | None = Field(
        None, description="relative weight of each yearly tranche (as many as years); default "
                          "equal tranches; a front-loaded schedule (a weight above a later "
                          "one) is refused")
    justification: str | None = Field(
        None, description="why a risk-relevant group defers less than the floor (recorded in "
                          "the manifest)")

    @model_validator(mode="after")
    def _rules(self) -> DeferralGroup:
        if not (self.job_levels or self.roster_flag or self.managers):
            raise ValueError(f"group {self.id} names nobody: give job_levels, roster_flag or "
                             "managers")
        justified = bool(self.justification and self.justification.strip())
        if self.risk_relevant and self.share < RISK_RELEVANT_MIN_SHARE and not justified:
            raise ValueError(
                f"group {self.id} is risk_relevant: its share must be at least 40% "
                f"(稳健薪酬监管指引), got {self.share:g}; raise it or state a justification "
                "(recorded in the manifest)")
        if self.senior_management and self.share <= SENIOR_MIN_SHARE and not justified:
            raise ValueError(
                f"group {self.id} is senior_management: its share must be more than 50%, got "
                f"{self.share:g}; raise it or state a justification")
        if self.risk_relevant and self.years < RISK_RELEVANT_MIN_YEARS:
            raise ValueError(f"group {self.id} is risk_relevant: years must be at least 3, "
                             f"got {self.years}")
        if self.schedule is not None:
            if len(self.schedule) != self.years:
                raise ValueError(f"group {self.id}: schedule has {len(self.schedule)} "
                                 f"weights for {self.years} years; give one per year")
            if any(w < 0 for w in self.schedule) or sum(self.schedule) <= 0:
                raise ValueError(f"group {self.id}: schedule weights must be non-negative and "
                                 "not all zero")
            for i, (early, late) in enumerate(zip(self.schedule, self.schedule[1:],
                                                  strict=False)):
                if early > late:
                    raise ValueError(
                        f"group {self.id}: the schedule is front-loaded (tranche {i + 1} "
                        f"weighs {early:g}, more than tranche {i + 2} at {late:g}); "
                        "deferred pay is released in equal or rising parts")
        return self

    @property
    def weights(self) -> tuple[float, ...]:
        """The tranche weights: the schedule, or equal."""
        return self.schedule if self.schedule is not None else (1.0,) * self.years


class DeferralConfig(StrictModel):
    """Deferred performance pay: groups, the base it is taken from, leavers."""

    groups: tuple[DeferralGroup, ...] = Field(
        min_length=1, description="deferred groups; a manager in several takes the first")
    months_between_tranches: int = Field(
        12, ge=1, le=36, description="months from the grant (the closed period) to the first "
                                     "tranche and between tranches")
    leavers: Literal["kept", "forfeited", "by_reason"] = Field(
        "kept", description="a leaver's unreleased tranches: kept to their due dates "
                            "(default), forfeited, or by the roster's leave_reason")
    leaver_reasons: dict[str, LeaverTreatment] = Field(
        default_factory=dict, description="leavers: by_reason — leave_reason -> kept or "
                                          "forfeited (a reason not listed: kept)")

    @model_validator(mode="after")
    def _unique(self) -> DeferralConfig:
        ids = [g.id for g in self.groups]
        if len(set(ids)) != len(ids):
            raise ValueError(f"group ids must be unique, got {', '.join(ids)}")
        if self.leaver_reasons and self.leavers != "by_reason":
            raise ValueError("leaver_reasons applies only with leavers: by_reason")
        return self

    def justifications(self) -> dict[str, str]:
        """Group id -> the justification recorded for a share below the floor."""
        return {g.id: g.justification for g in self.groups if g.justification}


class ClawbackConfig(StrictModel):
    """Clawback (追索扣回): how a receivable is recovered from future pay."""

    cap_share_per_period: Fraction01 = Field(
        1.0, description="at most this share of a period's pay (final before recovery) is "
                         "deducted for a receivable; the rest waits for later periods")
    cap_per_period: Yuan | None = Field(
        None, description="at most this amount (yuan) is deducted in one period")
