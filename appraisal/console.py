"""What the command line tells a person, in the command's language (`language` of its config).

Each command keeps its own `Phrasebook`: every line it prints, keyed, in English and Chinese,
with the same named fields in both. Ids, periods, amounts, paths and counts are fields, put into
either language's text unchanged. Errors have their own layer (`messages.py`): their English
texts come from the checks and are matched against a catalog; the command's own lines are
written here in both languages from the start.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from .messages import Language

__all__ = ["PHRASEBOOKS", "Phrasebook", "fields_of", "fit", "listed", "width"]

PHRASEBOOKS: dict[str, Phrasebook] = {}


def fields_of(template: str) -> frozenset[str]:
    """The named fields of a `str.format` template."""
    return frozenset(name.partition(".")[0].partition("[")[0]
                     for _, name, _, _ in string.Formatter().parse(template) if name)


class Phrasebook:
    """A command's lines: `key -> (English, Chinese)`; `say(key, language, **fields)`."""

    def __init__(self, name: str, entries: Mapping[str, tuple[str, str]]) -> None:
        for key, (english, chinese) in entries.items():
            if fields_of(english) != fields_of(chinese):
                raise ValueError(f"phrasebook {name}: {key!r} has different fields in English "
                                 f"and Chinese")
        self.name = name
        self.entries = dict(entries)
        PHRASEBOOKS[name] = self

    def say(self, key: str, language: Language, /, **fields: Any) -> str:
        """The line `key` in `language`, its fields filled in."""
        english, chinese = self.entries[key]
        return (chinese if language == "zh" else english).format(**fields)

    def __call__(self, key: str, language: Language, /, **fields: Any) -> str:
        return self.say(key, language, **fields)


def listed(items: Sequence[str], language: Language) -> str:
    """`a, b, c` in English, `a、b、c` in Chinese."""
    return ("、" if language == "zh" else ", ").join(items)


def width(text: str) -> int:
    """Columns a text takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit(text: str, columns: int) -> str:
    """`text` padded on the right to `columns` terminal columns (CJK characters count two)."""
    return text + " " * max(0, columns - width(text))
