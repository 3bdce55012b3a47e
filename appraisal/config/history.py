"""`history:` section: the ledger database of closed periods (docs/history.md).

A SQLite file by default (a relative path resolves against the config's folder); a
PostgreSQL server by URL, its password from the environment or a file, never from the config.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_serializer, model_validator

from .base import StrictModel

__all__ = ["AGGREGATION_RULES", "DEFAULT_LEDGER_FILE", "AggregationRule", "AnnualConfig",
           "HistoryConfig", "ledger_indicators"]

DEFAULT_LEDGER_FILE = "history.sqlite"
"""The ledger file beside the config when `history:` names no url."""


AggregationRule = Literal["sum", "mean", "last", "recompute"]
AGGREGATION_RULES = ("sum", "mean", "last", "recompute")
"""How the closed months' actuals of an indicator make the actual of a quarter or year: their
sum, their mean, the last month's, or `recompute` from the annual run's own inputs (e.g. RORAC
over the year's account data with the year's stock/increment split)."""


class AnnualConfig(StrictModel):
    """Runs above the month (`period: 2026` or `2026-Q4`) over the closed months of the span:
    how each indicator's annual actual is made, and what the monthly runs advanced of the grade
    component (docs/deferral.md, "The annual settlement")."""

    aggregation: dict[str, AggregationRule] = Field(
        default_factory=dict,
        description="indicator id -> sum | mean | last (of the closed months' actuals in the "
                    "ledger) | recompute (from the annual run's own inputs)")
    default: AggregationRule | None = Field(
        None, description="the rule of an indicator not listed in aggregation; none: every "
                          "indicator read from the indicators table or RORAC needs a rule")
    grade_advances: Literal["provisional", "none"] = Field(
        "provisional",
        description="provisional: the monthly runs pay the grade component at the month's "
                    "(provisional) grade, and the annual run settles the difference; none: the "
                    "monthly runs have no grade component (refused if a closed month paid one)")


class HistoryConfig(StrictModel):
    """Where closed periods are recorded, and how retro adjustments are recovered."""

    url: str | None = Field(
        None,
        description="a SQLAlchemy URL (sqlite:///ledger.sqlite, postgresql+psycopg://user@host/db)"
                    " or a plain file path (SQLite); relative paths resolve against the config's"
                    f" folder; default {DEFAULT_LEDGER_FILE} beside the config",
    )
    password_env: str | None = Field(
        None, description="environment variable holding the PostgreSQL password "
                          "(default: PGPASSWORD, as libpq reads it)")
    password_file: str | None = Field(
        None, description="a file whose first line is the PostgreSQL password (relative to the "
                          "config's folder)")
    negative_retro: Literal["not_below_zero", "allow_negative"] = Field(
        "not_below_zero",
        description="a negative retro adjustment is recovered from the next period's pay but "
                    "never below zero in one period (the rest carries forward as a balance); "
                    "allow_negative recovers it all at once",
    )

    annual: AnnualConfig | None = Field(
        None, description="annual (or quarterly) runs over the closed months: aggregation of "
                          "actuals and the grade advances (docs/deferral.md)")

    @model_serializer(mode="wrap")
    def _omit_absent_annual(self, handler: Any) -> Any:
        """Without `annual:` the resolved config reads as before (outputs stay the same)."""
        data = handler(self)
        if self.annual is None and isinstance(data, dict):
            data.pop("annual", None)
        return data

    @model_validator(mode="before")
    @classmethod
    def _no_password_in_url(cls, data: Any) -> Any:
        """A password in the URL is refused without echoing it (it is checked on the whole
        section, so the message never quotes the value)."""
        url = data.get("url") if isinstance(data, dict) else None
        if not isinstance(url, str):
            return data
        text = url.strip()
        if not text:
            raise ValueError("history.url must name a database (a file path or a URL), or be "
                             "left out")
        if "://" in text:
            authority = text.split("://", 1)[1].split("/", 1)[0]
            if "@" in authority and ":" in authority.rsplit("@", 1)[0]:
                raise ValueError(
                    "history.url must not carry a password (it would be stored in the "
                    "manifest); put it in PGPASSWORD, history.password_env or "
                    "history.password_file"
                )
        return {**data, "url": text}


def ledger_indicators(config: Any) -> frozenset[str]:
    """The indicators an annual run (a quarter or year with `history.annual`) takes from the
    closed months' actuals in the ledger (rule sum, mean or last, source `indicators`): their
    actual is left blank in the run's indicators table (the target stays there)."""
    history = getattr(config, "history", None)
    annual = None if history is None else history.annual
    if annual is None or config.appraisal_period.months == 1:
        return frozenset()
    return frozenset(
        indicator.id for indicator in config.scorecard.all_indicators()
        if indicator.source == "indicators"
        and (annual.aggregation.get(indicator.id) or annual.default or "recompute") != "recompute")
