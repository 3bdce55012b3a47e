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
import re
from collections.abc import Sequence
from itertools import pairwise
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
    "usage_error_text",
    "usage_language",
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


# ---- click's usage errors (before a command's parameters are read) -------------------------

_USAGE: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(en), zh) for en, zh in (
    (r"No such option '(?P<name>[^']+)'\. \(Did you mean one of: (?P<choices>.+)\?\)",
     "没有选项 '{name}'（是否想用以下之一：{choices}？）"),
    (r"No such option '(?P<name>[^']+)'\. Did you mean '(?P<choice>[^']+)'\?",
     "没有选项 '{name}'（是否想用 '{choice}'？）"),
    (r"No such option '(?P<name>[^']+)'\.", "没有选项 '{name}'"),
    (r"No such command '(?P<name>[^']+)'\. Did you mean '(?P<choice>[^']+)'\?",
     "没有命令 '{name}'（是否想用 '{choice}'？）"),
    (r"No such command '(?P<name>[^']+)'\.", "没有命令 '{name}'"),
    (r"Missing argument '(?P<name>[^']+)'\.", "缺少参数 '{name}'"),
    (r"Missing option '(?P<name>[^']+)'\.", "缺少选项 '{name}'"),
    (r"Option '(?P<name>[^']+)' requires an argument\.", "选项 '{name}' 需要一个值"),
    (r"Option '(?P<name>[^']+)' requires (?P<n>\d+) arguments\.", "选项 '{name}' 需要 {n} 个值"),
    (r"Got unexpected extra arguments? \((?P<args>.*)\)", "多余的参数（{args}）"),
    (r"Invalid value for '(?P<name>[^']+)': '(?P<value>.*)' is not a valid integer range\.",
     "'{name}' 的值无效：'{value}' 不是有效的整数"),
    (r"Invalid value for '(?P<name>[^']+)': '(?P<value>.*)' is not a valid integer\.",
     "'{name}' 的值无效：'{value}' 不是有效的整数"),
    (r"Invalid value for '(?P<name>[^']+)': '(?P<value>.*)' is not a valid float( range)?\.",
     "'{name}' 的值无效：'{value}' 不是有效的数字"),
    (r"Invalid value for '(?P<name>[^']+)': '(?P<value>.*)' is not one of (?P<choices>.+)\.",
     "'{name}' 的值无效：'{value}' 不是 {choices} 之一"),
    (r"Invalid value for '(?P<name>[^']+)': (?P<value>.+) is not in the range "
     r"(?P<range>.+)\.", "'{name}' 的值无效：{value} 不在范围 {range} 内"),
    (r"Invalid value for '(?P<name>[^']+)': (?P<kind>File|Directory|Path) '(?P<path>.*)' "
     r"does not exist\.", "'{name}' 的值无效：路径 '{path}' 不存在"),
    (r"Invalid value for '(?P<name>[^']+)': (?P<kind>File|Directory|Path) '(?P<path>.*)' "
     r"is a directory\.", "'{name}' 的值无效：'{path}' 是文件夹，需要文件"),
    (r"Invalid value for '(?P<name>[^']+)': (?P<kind>File|Directory|Path) '(?P<path>.*)' "
     r"is a file\.", "'{name}' 的值无效：'{path}' 是文件，需要文件夹"),
    (r"Invalid value for '(?P<name>[^']+)': (?P<detail>.+)", "'{name}' 的值无效：{detail}"),
))
"""click's usage errors (click 8) and their Chinese: the option, command and value as typed."""


def usage_error_text(message: str, language: Language) -> str:
    """A click usage error's message in `language` (one click has no pattern for: as it is)."""
    if language != "zh":
        return message
    for pattern, zh in _USAGE:
        found = pattern.fullmatch(message.strip())
        if found is not None:
            return zh.format(**found.groupdict())
    return message


def usage_language(args: Sequence[str]) -> Language:
    """The language of a command line click refused before reading its parameters: that of
    the first config file (.yaml/.yml) it names (with its `--set language=...`), else of the
    first results folder; English when it names neither."""
    overrides = [value for flag, value in pairwise(args)
                 if flag == "--set"] + [a.removeprefix("--set=") for a in args
                                        if a.startswith("--set=")]
    for arg in args:
        path = Path(arg)
        if path.suffix.lower() in (".yaml", ".yml") and path.is_file():
            return language_of_config(path, overrides)
    for arg in args:
        if (Path(arg) / "manifest.json").is_file():
            return _language_of_results(Path(arg))
    return language_of_config(None, overrides)
