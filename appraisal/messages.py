"""Error messages in the config's language: the English texts of `errors.py`, rendered in Chinese.

The checks write their rules and expectations in English (`InputIssue.rule`, `expected`,
`ConfigError.problems`, the text of other `AppraisalError`s); with `language: zh` the command
line shows them through this module. The location (file, row, column) is laid out in Chinese
structurally; each prose text is matched against a catalog of English templates
(`messages_zh.CATALOG`) whose placeholders carry the interpolated parts (numbers, ids, key paths,
headers, values) into the Chinese template unchanged. A text no template matches is split at its
lines (a report: indents and bullets kept), then at its clauses (`; `) and parenthesised remarks,
and each part tried again; a part that still matches nothing stays English, so nothing is lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from .errors import (
    AppraisalError,
    ConfigError,
    InputError,
    InputIssue,
    _is_missing,
)
from .messages_zh import CATALOG, WORDS

__all__ = [
    "Language",
    "describe_issue",
    "error_text",
    "issue_frame",
    "language_of_config",
    "translate",
    "untranslated",
]

Language = Literal["zh", "en"]


@dataclass(frozen=True)
class _Template:
    pattern: re.Pattern[str]
    zh: str
    nested: frozenset[str]  # placeholders whose value is prose, translated in turn
    values: frozenset[str]  # placeholders whose value is a setting: a known word translated


_PLACEHOLDER = re.compile(r"\{(\w+)(?::(\w))?\}")


def _compile(english: str, zh: str) -> _Template:
    """`"must be >= {n}, got {value}"` -> a full-match regex with a named group per placeholder.

    `{name}` takes any text (shortest first); `{name:t}` also, translated in turn; `{name:v}`
    also, a value kept as it is unless it is one of `WORDS` (a default described in words);
    `{name:w}` one token without spaces.
    """
    parts: list[str] = []
    nested: set[str] = set()
    values: set[str] = set()
    at = 0
    for match in _PLACEHOLDER.finditer(english):
        parts.append(re.escape(english[at:match.start()]))
        name, kind = match.group(1), match.group(2)
        parts.append(f"(?P<{name}>\\S+?)" if kind == "w" else f"(?P<{name}>.+?)")
        if kind == "t":
            nested.add(name)
        elif kind == "v":
            values.add(name)
        at = match.end()
    parts.append(re.escape(english[at:]))
    return _Template(re.compile("".join(parts), re.DOTALL), zh, frozenset(nested),
                     frozenset(values))


@lru_cache(maxsize=1)
def _templates() -> tuple[_Template, ...]:
    """The catalog compiled, most literal text first (a specific template before a general one)."""
    ordered = sorted(CATALOG, key=lambda entry: -len(_PLACEHOLDER.sub("", entry[0])))
    return tuple(_compile(english, zh) for english, zh in ordered)


def _split_top(text: str, separator: str) -> list[str]:
    """`text` split at `separator` where it is outside brackets and quotes."""
    parts, depth, quote, start, i = [], 0, "", 0, 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'`" and (i == 0 or not text[i - 1].isalnum()):
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif depth == 0 and text.startswith(separator, i):
            parts.append(text[start:i])
            i += len(separator)
            start = i
            continue
        i += 1
    parts.append(text[start:])
    return parts


def _translate(text: str, missed: list[str]) -> str:
    """`text` in Chinese; every part no template matches is appended to `missed` (kept English)."""
    stripped = text.strip()
    if not stripped:
        return text
    if stripped in WORDS:
        return WORDS[stripped]
    if "\n" in stripped:  # a report of lines: line by line, unless the whole text fits better
        by_line: list[str] = []
        lines = "\n".join(_translate_line(line, by_line) for line in stripped.split("\n"))
        if by_line:
            whole: list[str] = []
            text = _translate_text(stripped, whole)
            if len(whole) < len(by_line):
                missed.extend(whole)
                return text
        missed.extend(by_line)
        return lines
    return _translate_text(stripped, missed)


def _translate_text(stripped: str, missed: list[str]) -> str:
    """`_translate` of a text taken whole: a template, else its clauses, else its remark."""
    for template in _templates():
        match = template.pattern.fullmatch(stripped)
        if match:
            values = {name: (_translate(value, missed) if name in template.nested
                             else WORDS.get(value, value) if name in template.values else value)
                      for name, value in match.groupdict().items()}
            return template.zh.format(**values)
    for separator, joiner in (("; ", "；"), (": ", "：")):
        parts = _split_top(stripped, separator)
        if len(parts) > 1:
            return joiner.join(_translate(part, missed) for part in parts)
    bracket = re.fullmatch(r"(?P<head>.+?) \((?P<remark>[^()]*(?:\([^()]*\)[^()]*)*)\)",
                           stripped, re.DOTALL)
    if bracket:
        return (f"{_translate(bracket['head'], missed)}"
                f"（{_translate(bracket['remark'], missed)}）")
    missed.append(stripped)
    return stripped


def _translate_line(line: str, missed: list[str]) -> str:
    """One line of a report, its leading indent and `- ` bullet kept as they are."""
    head = re.match(r"\s*(?:- )?", line)
    at = head.end() if head else 0
    return line[:at] + _translate(line[at:], missed) if line[at:].strip() else line


def translate(text: str) -> str:
    """The Chinese of one English message text (parts with no catalog entry stay English)."""
    return _translate(text, [])


def untranslated(text: str) -> list[str]:
    """The parts of `text` the catalog does not cover (empty when it translates in full)."""
    missed: list[str] = []
    _translate(text, missed)
    return missed


# ---- layout ----------------------------------------------------------------------------------


def _where(file: str, row: int | None, column: object) -> str:
    where = file
    if row is not None:
        where += f"，第 {row} 行"
    if column is not None and not _is_missing(column):
        where += f"，列“{column}”"
    return where


def describe_issue(issue: InputIssue, language: Language) -> str:
    """`issue.describe()` in `language`: the same file, row, column, value and expectation."""
    return issue.describe(_CHINESE_REPORT if language == "zh" else None)


_CHINESE_REPORT: dict[str, Any] = {
    "head": lambda total: f"输入数据中有 {total:,} 个问题：",
    "more": lambda hidden: (f"  …… 另有 {hidden:,} 个问题（请先修正以上问题再重新检查；"
                            "`appraise validate CONFIG --issues FILE.csv` 列出全部问题）"),
    "per_rule": "  各文件、列与规则的问题数：",
    "where": _where, "colon": "：", "rule": lambda rule: translate(rule),
    "got": lambda value: f"（实际为 {value!r}）", "expected": lambda text: f"；要求：{text}",
    "more_rules": lambda more: f"    …… 另有 {more:,} 条规则",
}
"""The words of an input issue and of an InputError's report in Chinese
(`errors.InputIssue.describe`, `errors.InputError.render`)."""


def _input_error_zh(error: InputError) -> str:
    return error.render(_CHINESE_REPORT)


def _config_error_zh(error: ConfigError) -> str:
    if len(error.problems) == 1:
        key, message = error.problems[0]
        return f"{error.file}：{key}：{translate(message)}" if key \
            else f"{error.file}：{translate(message)}"
    lines = [f"{error.file}：配置中有 {len(error.problems)} 个问题："]
    lines += [f"  - {key}：{translate(message)}" if key else f"  - {translate(message)}"
              for key, message in error.problems]
    return "\n".join(lines)


def error_text(error: AppraisalError, language: Language) -> str:
    """What the command line prints for `error` (after `error: ` / `错误：`), in `language`."""
    if language != "zh":
        return str(error)
    if isinstance(error, InputError):
        return _input_error_zh(error)
    if isinstance(error, ConfigError):
        return _config_error_zh(error)
    return translate(str(error))


def issue_frame(frame: pd.DataFrame, language: Language) -> pd.DataFrame:
    """The issues table with its `rule` and `expected` texts in `language` (code, file, row,
    column and value as they are); each distinct text is translated once."""
    if language != "zh" or not len(frame):
        return frame
    out = frame.copy()
    for name in ("rule", "expected"):
        texts = out[name].dropna().astype("str").unique()
        out[name] = out[name].astype("object").map({text: translate(text) for text in texts})
    return out


def language_of_config(path: Path | None, overrides: Iterable[str] = ()) -> Language:
    """The `language` a config file asks for, read from its YAML without validating it: the
    last `--set language=...`, else the root `language` key, else the config's default (zh).
    A file that is not valid YAML is searched for a top-level `language:` line (the config may
    be the very thing that is broken); English when there is no readable file."""
    import yaml

    for item in reversed(tuple(overrides)):
        key, equals, text = str(item).partition("=")
        if equals and key.strip() == "language":
            try:  # a value as `--set` reads it (config.apply_overrides): YAML
                value = yaml.safe_load(text) if text.strip() else None
            except yaml.YAMLError:
                value = None
            if value in ("zh", "en"):
                return "zh" if value == "zh" else "en"
    if path is None:
        return "en"

    try:
        data = Path(path).expanduser().read_bytes()
        if len(data) > 1 << 20:
            return "en"
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:  # saved as GBK: refused by load_config, in its language
            text = data.decode("gb18030")
    except (OSError, UnicodeDecodeError):
        return "en"
    try:
        raw = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError):
        found = _LANGUAGE_LINE.search(text)
        return "en" if found is not None and found["language"] == "en" else "zh"
    language = raw.get("language", "zh") if isinstance(raw, dict) else "zh"
    return "zh" if language == "zh" else "en"


_LANGUAGE_LINE = re.compile(r"""^(?P<k>['"]?)language(?P=k)[ \t]*:[ \t]*"""
                            r"""(?P<q>['"]?)(?P<language>zh|en)(?P=q)[ \t]*(?:#.*)?\r?$""",
                            re.MULTILINE)
"""A root `language: zh|en` line (quoted or not, a comment after it) in a config's text."""
