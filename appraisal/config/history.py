"""`history:` section: the ledger database of closed periods (docs/history.md).

A SQLite file by default (a relative path resolves against the config's folder); a
PostgreSQL server by URL, its password from the environment or a file, never from the config.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from .base import StrictModel

__all__ = ["DEFAULT_LEDGER_FILE", "HistoryConfig"]

DEFAULT_LEDGER_FILE = "history.sqlite"
"""The ledger file beside the config when `history:` names no url."""


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
