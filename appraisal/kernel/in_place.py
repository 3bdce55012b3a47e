"""A Parquet business table read where it is, by DuckDB: checked by one query, summed by the
kernel through a view, never loaded into this process (docs/kernel.md, "In place").

    verdict = check(place, splits, roster_ids, products, last_day)   # one pass over the files
    select  = business_select(place, verdict.supplied)              # the kernel's `business`

`check` proves every rule the columnar reader (`io.accounts`) and the account checks
(`kernel.checks.accounts_clean`) would prove, in one aggregate query over the files plus the
sorted 64-bit hashes of account_id; it answers `clean=False` whenever it cannot vouch for the
table, and the table is then read (columnar, else cell by cell) and checked as before, with
those paths' messages. It words nothing itself.

`business_select` is the reader's conversion as SQL, the same rule as the columnar reader's:
float yuan × 100 rounded to the nearest cent (the check has proved every x·100 within 0.49 of
an integer, so this is `money.to_cents`), integer yuan × 100, decimals of at most two places
× 100 exactly. It is outside the kernel's exact subset on purpose: it runs only on DuckDB.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..io.accounts import _FIRST_DAY as _FIRST_ORDINAL
from ..io.accounts import _LAST_DAY as _LAST_ORDINAL
from ..io.accounts import _SAFE_YUAN, _SURE, InPlace
from .checks import _SHARE_MARGIN
from .engines import duckdb_connection
from .sql import SHARE_SCALE, SUPPLIED

__all__ = ["Verdict", "business_select", "check"]

_MONEY = ("balance", "revenue", *SUPPLIED)
_TEXT = ("account_id", "category", "product", "manager_id")
_SPACE = r"[\t-\r\x{1c}-\x{1f}\x{85}\pZ]"
"""What the readers strip from a text cell, as an RE2 class: exactly the characters of Python's
`str.isspace` (controls 9-13 and 28-31, U+0085, and the Unicode separators Z). A value with one
at either end is read differently cell by cell, so the check refuses it."""
_FIRST_DAY, _LAST_DAY = (date(1970, 1, 1) + timedelta(days=int(day))
                          for day in (_FIRST_ORDINAL, _LAST_ORDINAL))
"""pandas' datetime64[ns] range, the columnar reader's (`io.accounts`)."""


@dataclass(frozen=True)
class Verdict:
    """The check's answer: whether every rule holds, the managers the table credits, and the
    supplied cost columns that hold any value (an all-blank one leaves the rates to apply)."""

    clean: bool
    credited: tuple[str, ...] = ()
    supplied: tuple[str, ...] = ()


def _name(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _files(place: InPlace) -> str:
    listed = ", ".join("'" + p.replace("'", "''") + "'" for p in place.paths)
    return f"read_parquet([{listed}])"


def _cents(place: InPlace, name: str) -> str:
    column, kind = _name(place.stored(name)), place.kind(name)
    if kind == "float":
        return f"CAST(round(CAST({column} AS DOUBLE) * 100.0) AS BIGINT)"
    if kind == "integer":
        return f"CAST({column} AS BIGINT) * 100"
    return f"CAST({column} * 100 AS BIGINT)"  # a decimal of at most two places: exact


def business_select(place: InPlace, supplied: tuple[str, ...] = ()) -> str:
    """The business relation the kernel reads (its columns and types, `KernelInputs`)."""
    parts = []
    for name in ("account_id", "manager_id", "product", "category"):
        parts.append(f"CAST({_name(place.stored(name))} AS VARCHAR) AS {name}"
                     if place.kind(name) else f"CAST(NULL AS VARCHAR) AS {name}")
    parts.append(f"CAST({_name(place.stored('booking_date'))} AS DATE) AS booking_date")
    parts += [f"{_cents(place, name)} AS {name}" for name in ("balance", "revenue", *supplied)]
    return f"SELECT {', '.join(parts)} FROM {_files(place)}"


def _raw(place: InPlace, name: str) -> str:
    column = f"b.{_name(place.stored(name))}"
    return f"CAST({column} AS DOUBLE)" if place.kind(name) == "float" else column


def _queries(place: InPlace, with_splits: bool) -> tuple[str, str]:
    """The facts query (one row: counts, extremes, label and split facts) and the query of
    the account_id hashes, over the files, `products`, `roster` and `credit_splits`."""
    facts = [f"COUNT(b.{_name(place.stored(n))})" for n in _TEXT[:3] if place.kind(n)]
    facts += [f"COUNT(b.{_name(place.stored(n))})" for n in ("booking_date", "balance",
                                                             "revenue")]
    account = f"b.{_name(place.stored('account_id'))}"
    facts.append(f"COUNT(*) FILTER (WHERE {account} = '' OR "
                 f"regexp_matches({account}, '^{_SPACE}|{_SPACE}$'))")
    money = [n for n in _MONEY if place.kind(n)]
    for name in money:
        value = _raw(place, name)
        facts += [f"COUNT({value})", f"MIN({value})", f"MAX(abs({value}))"]
        facts.append(f"COUNT(*) FILTER (WHERE NOT isfinite({value}))"
                     if place.kind(name) == "float" else "0")
        facts.append(f"MAX(abs({value} * 100.0 - round({value} * 100.0)))"
                     if place.kind(name) == "float" else "0")
    date_column = f"b.{_name(place.stored('booking_date'))}"
    facts += [f"MIN(CAST({date_column} AS DATE))", f"MAX(CAST({date_column} AS DATE))",
              f"COUNT(*) FILTER (WHERE CAST(CAST({date_column} AS DATE) AS TIMESTAMP) <> "
              f"{date_column})" if place.kind("booking_date") == "timestamp" else "0"]
    product = f"b.{_name(place.stored('product'))}"
    category = f"b.{_name(place.stored('category'))}"
    manager = f"b.{_name(place.stored('manager_id'))}" if place.kind("manager_id") else "NULL"
    facts += ["COUNT(*) FILTER (WHERE p.product IS NULL)",
              f"COUNT(*) FILTER (WHERE p.product IS NOT NULL AND {category} <> p.category)",
              f"COUNT(*) FILTER (WHERE {manager} IS NOT NULL AND r.manager_id IS NULL)"]
    joins = (f"FROM {_files(place)} AS b LEFT JOIN products AS p ON p.product = {product} "
             f"LEFT JOIN roster AS r ON r.manager_id = {manager}")
    low, high = SHARE_SCALE - _SHARE_MARGIN, SHARE_SCALE + _SHARE_MARGIN
    if with_splits:
        facts += ["(SELECT COUNT(*) FROM s)",
                  f"(SELECT COUNT(*) FROM s WHERE total < {low} OR total > {high})",
                  "COUNT(s.account_id)",
                  f"COUNT(*) FILTER (WHERE {manager} IS NULL AND s.account_id IS NULL)",
                  f"LIST(DISTINCT {manager}) FILTER (WHERE s.account_id IS NULL)"]
        joins += f" LEFT JOIN s ON s.account_id = {account}"
        prefix = ("WITH s AS (SELECT account_id, SUM(share) AS total FROM credit_splits "
                  "GROUP BY account_id) ")
    else:
        facts += ["0", "0", "0", f"COUNT(*) FILTER (WHERE {manager} IS NULL)",
                  f"LIST(DISTINCT {manager})"]
        prefix = ""
    repeated = f"SELECT hash({_name(place.stored('account_id'))}) AS h FROM {_files(place)}"
    return f"{prefix}SELECT {', '.join(facts)} {joins}", repeated


def check(
    place: InPlace, splits: pa.Table | None, roster_ids: pa.Array, products: pa.Table,
    last_day: date, options: Mapping[str, str] | None = None,
) -> Verdict:
    """Whether the table (with its splits, a checked columnar relation) breaks none of the
    readers' and the account checks' rules; conservative: False whenever in doubt.
    `options`: DuckDB settings (`engine.options`: threads, memory_limit, ...)."""
    import duckdb

    if splits is not None and place.kind("account_id") is None:
        return Verdict(False)
    facts_query, repeated = _queries(place, splits is not None)
    money = [n for n in _MONEY if place.kind(n)]
    connection = duckdb_connection(options)
    try:
        connection.register("products", products)
        connection.register("roster", pa.table({"manager_id": roster_ids.cast(pa.string())}))
        if splits is not None:
            connection.register("credit_splits", splits.select(["account_id", "share"]))
        found = list(connection.sql(facts_query).fetchall()[0])
        hashes = connection.sql(repeated).to_arrow_table().column("h").to_numpy()
    except duckdb.Error:
        return Verdict(False)  # a file DuckDB cannot read as the schema said: the readers word it
    finally:
        connection.close()
    hashes = np.sort(hashes)  # a repeat sits beside its twin (faster than DuckDB's GROUP BY)
    duplicates = bool((hashes[1:] == hashes[:-1]).any())
    rows = place.rows
    labels = sum(1 for n in _TEXT[:3] if place.kind(n))
    counts, found = found[:labels + 3], found[labels + 3:]
    bad_ids, found = found[0], found[1:]
    if any(count != rows for count in counts) or bad_ids or duplicates:
        return Verdict(False)
    supplied = []
    for name in money:
        count, low_value, largest, infinite, deviation = found[:5]
        found = found[5:]
        if infinite or (count and (largest > _SAFE_YUAN or (deviation or 0) >= _SURE)):
            return Verdict(False)
        if name == "balance" and low_value < 0:
            return Verdict(False)  # a negative balance is the stage check's to word
        if name in SUPPLIED and count:
            supplied.append(name)
    first_day, last_booked, not_midnight, unknown, other_category, strangers = found[:6]
    accounts, off, matched, no_one, plain = found[6:]
    if (first_day < _FIRST_DAY or last_booked > min(_LAST_DAY, last_day) or not_midnight
            or unknown
            or other_category or strangers or no_one or off or accounts != matched):
        return Verdict(False)
    credited = {str(m) for m in (plain or []) if m is not None}
    if splits is not None:
        split_managers = pc.unique(pc.cast(splits.column("manager_id"), pa.string())
                                   .combine_chunks())
        known = pc.is_in(split_managers, value_set=roster_ids.cast(pa.string()))
        if split_managers.null_count or not pc.all(known).as_py():
            return Verdict(False)
        credited |= set(split_managers.to_pylist())
    return Verdict(True, tuple(sorted(credited)), tuple(supplied))
