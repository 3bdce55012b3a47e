"""What the command line tells a person, in the command's language (`language` of its config).

Each command keeps its own `Phrasebook`: every line it prints, keyed, in English and Chinese,
with the same named fields in both. Ids, periods, amounts, paths and counts are fields, put into
either language's text unchanged. Errors have their own layer (`messages.py`): their English
texts come from the checks and are matched against a catalog; the command's own lines are
written here in both languages from the start.
"""

from __future__ import annotations

import contextlib
import os
import string
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

import click

from .messages import Language

__all__ = ["PHRASEBOOKS", "Phrasebook", "fields_of", "fit", "listed", "say", "silence",
           "width"]

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


def say(text: str, *, err: bool = False) -> None:
    """`click.echo`, except that a reader gone away (`appraise run ... 2>&1 | head`) silences
    the stream instead of failing the command: the run goes on, its results are written and
    its exit code stands."""
    try:
        click.echo(text, err=err)
        (sys.stderr if err else sys.stdout).flush()
    except BrokenPipeError:
        silence(err=err)


def silence(*, err: bool) -> None:
    """Point a stream whose reader has gone at the null device: what is still buffered, and
    the interpreter's last flush, go nowhere instead of raising."""
    stream = sys.stderr if err else sys.stdout
    with contextlib.suppress(OSError, ValueError):  # not a file descriptor (a captured stream)
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, stream.fileno())
        finally:
            os.close(null)
