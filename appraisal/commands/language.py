"""The language of the command line (its errors and its own lines): the `language` of the
config a command names.

Each command's config parameter (and `--set`, and `close`'s results folder) records its value
in `ctx.meta` through a click callback as it is parsed, before the command body runs, so an
error while loading the config is shown in its language too. The language itself is read from
the raw YAML (`messages.language_of_config`): the config may be the very thing that is broken.
Public click API only (`Context.meta` is shared by a context and its sub-contexts).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..errors import AppraisalError
from ..messages import Language, error_text, language_of_config, translate

__all__ = [
    "command_language",
    "error_line",
    "remember_config",
    "remember_language",
    "remember_overrides",
    "remember_results",
]

_CONFIG = "appraise.config"
_OVERRIDES = "appraise.overrides"
_RESULTS = "appraise.results"
_LEDGER = "appraise.ledger_language"


def remember_config(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Click callback of a config parameter: the config whose `language` errors follow."""
    if value is not None:
        ctx.meta[_CONFIG] = value
    return value


def remember_overrides(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Click callback of `--set KEY=VALUE`: a `--set language=...` counts too."""
    ctx.meta[_OVERRIDES] = tuple(value or ())
    return value


def remember_results(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Click callback of a results folder (`close`): its run's config language, without
    `--config`."""
    if value is not None:
        ctx.meta[_RESULTS] = value
    return value


def remember_language(ctx: click.Context, language: Language) -> None:
    """A language the command found itself (`history --ledger URL`: the ledger's), for the
    command's lines and its errors from then on, when it names no config or results."""
    ctx.meta[_LEDGER] = language


def _language_of_results(folder: Path) -> Language:
    """The `language` of the resolved config in a results folder's manifest; English when it
    cannot be read."""
    try:
        manifest = json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))
        language = manifest["config"]["resolved"]["language"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return "en"
    return "zh" if language == "zh" else "en"


def command_language(ctx: click.Context | None) -> Language:
    """The language a command speaks (its lines and its errors): the named config's (with
    `--set language=...`), else the results folder's run's, else one the command found itself
    (`remember_language`); English when there is none (or no context)."""
    if ctx is None:
        return "en"
    meta = ctx.meta
    if meta.get(_CONFIG) is not None:
        return language_of_config(Path(meta[_CONFIG]), meta.get(_OVERRIDES, ()))
    if meta.get(_RESULTS) is not None:
        return _language_of_results(Path(meta[_RESULTS]))
    if meta.get(_LEDGER) is not None:
        return meta[_LEDGER]
    return language_of_config(None, meta.get(_OVERRIDES, ()))


def error_line(error: AppraisalError | str, language: Language) -> str:
    """`error: <text>` in English, `错误：<text>` in Chinese (a plain text goes through the
    catalog too)."""
    if language != "zh":
        return f"error: {error}"
    text = error_text(error, language) if isinstance(error, AppraisalError) else translate(error)
    return f"错误：{text}"
