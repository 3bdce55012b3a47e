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
from ..io.accounts import _SAFE_YUAN, _SURE, InPlace, repeats
from ..money import MAX_AMOUNT_YUAN, MAX_TOTAL_YUAN
from .checks import _SHARE_MARGIN
from .engines import duckdb_connection, resource_fault
from .sql import SHARE_SCALE, SUPPLIED

__all__ = ["Verdict", "business_select", "check"]

_MONEY = ("balance", "revenue", *SUPPLIED)
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


def _facts(place: InPlace, with_splits: bool, roster_size: int) -> dict[str, str]:
    """Each fact the check needs, by name, as an aggregate over the files (`b`) joined with
    `products`, `roster` (its managers numbered 0 .. roster_size - 1) and the split accounts
    (`s`). The managers an unsplit row credits come back as a bit string over the roster's
    numbers (`bitstring_agg`: about 1 s less than `LIST(DISTINCT manager_id)` at 10M rows);
    a manager off the roster is counted by `strangers` and fails the check anyway."""
    plain = f"bitstring_agg(r.idx, 0, {max(roster_size - 1, 0)})"
    account = f"b.{_name(place.stored('account_id'))}"
    category = f"b.{_name(place.stored('category'))}"
    booked = f"b.{_name(place.stored('booking_date'))}"
    manager = f"b.{_name(place.stored('manager_id'))}" if place.kind("manager_id") else "NULL"
    facts = {f"filled_{n}": f"COUNT(b.{_name(place.stored(n))})"
             for n in ("account_id", "category", "product", "booking_date", "balance",
                       "revenue")}
    facts["bad_ids"] = (f"COUNT(*) FILTER (WHERE {account} = '' OR "
                        f"regexp_matches({account}, '^{_SPACE}|{_SPACE}$'))")
    for name in (n for n in _MONEY if place.kind(n)):
        value = _raw(place, name)
        facts |= {f"count_{name}": f"COUNT({value})", f"low_{name}": f"MIN({value})",
                  f"largest_{name}": f"MAX(abs({value}))",
                  f"total_{name}": f"SUM(abs({value}))"}
        if place.kind(name) == "float":
            facts[f"infinite_{name}"] = f"COUNT(*) FILTER (WHERE NOT isfinite({value}))"
            facts[f"deviation_{name}"] = f"MAX(abs({value} * 100.0 - round({value} * 100.0)))"
    facts |= {"first_day": f"MIN(CAST({booked} AS DATE))",
              "last_day": f"MAX(CAST({booked} AS DATE))",
              "unknown": "COUNT(*) FILTER (WHERE p.product IS NULL)",
              "other_category": f"COUNT(*) FILTER (WHERE p.product IS NOT NULL AND "
                                f"{category} <> p.category)",
              "strangers": f"COUNT(*) FILTER (WHERE {manager} IS NOT NULL AND "
                           "r.manager_id IS NULL)"}
    if place.kind("booking_date") == "timestamp":
        facts["not_midnight"] = (f"COUNT(*) FILTER (WHERE CAST(CAST({booked} AS DATE) AS "
                                 f"TIMESTAMP) <> {booked})")
    if with_splits:
        low, high = SHARE_SCALE - _SHARE_MARGIN, SHARE_SCALE + _SHARE_MARGIN
        facts |= {"accounts": "(SELECT COUNT(*) FROM s)",
                  "off": f"(SELECT COUNT(*) FROM s WHERE total < {low} OR total > {high})",
                  "matched": "COUNT(s.account_id)",
                  "no_one": f"COUNT(*) FILTER (WHERE {manager} IS NULL AND s.account_id IS NULL)",
                  "plain": f"{plain} FILTER (WHERE s.account_id IS NULL)"}
    else:
        facts |= {"no_one": f"COUNT(*) FILTER (WHERE {manager} IS NULL)",
                  "plain": plain}
    return facts


def _facts_query(place: InPlace, with_splits: bool, roster_size: int) -> str:
    chosen = ", ".join(f"{sql} AS {name}"
                       for name, sql in _facts(place, with_splits, roster_size).items())
    account = f"b.{_name(place.stored('account_id'))}"
    joins = (f"FROM {_files(place)} AS b "
             f"LEFT JOIN products AS p ON p.product = b.{_name(place.stored('product'))} "
             f"LEFT JOIN roster AS r ON r.manager_id = "
             + (f"b.{_name(place.stored('manager_id'))}" if place.kind("manager_id") else "NULL"))
    if not with_splits:
        return f"SELECT {chosen} {joins}"
    return ("WITH s AS (SELECT account_id, SUM(share) AS total FROM credit_splits "
            f"GROUP BY account_id) SELECT {chosen} {joins} "
            f"LEFT JOIN s ON s.account_id = {account}")


def _holds(place: InPlace, found: dict, last_day: date) -> bool:
    """Whether the facts prove every rule (see the module docstring)."""
    if any(found[f"filled_{n}"] != place.rows for n in ("account_id", "category", "product",
                                                       "booking_date", "balance", "revenue")):
        return False
    for name in (n for n in _MONEY if place.kind(n)):
        if found.get(f"infinite_{name}") or (found[f"count_{name}"] and (
                found[f"largest_{name}"] > min(_SAFE_YUAN, MAX_AMOUNT_YUAN)
                or found[f"total_{name}"] > MAX_TOTAL_YUAN
                or (found.get(f"deviation_{name}") or 0) >= _SURE)):
            return False
    return not (found["bad_ids"] or found["low_balance"] < 0  # the stage check words it
                or found["first_day"] < _FIRST_DAY or found["last_day"] > min(_LAST_DAY, last_day)
                or found.get("not_midnight") or found["unknown"] or found["other_category"]
                or found["strangers"] or found["no_one"] or found.get("off")
                or found.get("accounts") != found.get("matched"))


def check(
    place: InPlace, splits: pa.Table | None, roster_ids: pa.Array, products: pa.Table,
    last_day: date, options: Mapping[str, str] | None = None,
) -> Verdict:
    """Whether the table (with its splits, a checked columnar relation) breaks none of the
    readers' and the account checks' rules; conservative: False whenever in doubt.
    `options`: DuckDB settings (`engine.options`: threads, memory_limit, ...)."""
    import duckdb

    if any(place.kind(n) is None for n in ("account_id", "category", "product")):
        return Verdict(False)
    roster = roster_ids.cast(pa.string())
    if splits is not None:
        split_managers = pc.unique(pc.cast(splits.column("manager_id"), pa.string())
                                   .combine_chunks())
        if split_managers.null_count or not pc.all(  # min_count 0: no lines is all in
                pc.is_in(split_managers, value_set=roster), min_count=0).as_py():
            return Verdict(False)
    connection = duckdb_connection(options)
    try:
        connection.register("products", products)
        connection.register("roster", pa.table({
            "manager_id": roster, "idx": pa.array(np.arange(len(roster), dtype=np.int32))}))
        if splits is not None:
            connection.register("credit_splits", splits.select(["account_id", "share"]))
        result = connection.sql(_facts_query(place, splits is not None, len(roster)))
        found = dict(zip(result.columns, result.fetchall()[0], strict=True))
        if not _holds(place, found, last_day):
            return Verdict(False)
        hashes = connection.sql(f"SELECT hash({_name(place.stored('account_id'))}) AS h "
                                f"FROM {_files(place)}").to_arrow_table().column("h")
    except duckdb.Error as exc:
        fault = resource_fault(exc, options)
        if fault is not None:  # reading it into this process instead would need more still
            raise fault from None
        return Verdict(False)  # a file DuckDB cannot read as the schema said: the readers word it
    finally:
        connection.close()
    if repeats(hashes.to_numpy()):
        return Verdict(False)
    bits = np.frombuffer((found["plain"] or "").encode("ascii"), dtype=np.uint8)[:len(roster)]
    credited = set(roster.filter(pa.array(bits == ord("1"))).to_pylist()) if len(bits) else set()
    if splits is not None:
        credited |= set(split_managers.to_pylist())
    supplied = tuple(n for n in SUPPLIED if place.kind(n) and found[f"count_{n}"])
    return Verdict(True, tuple(sorted(credited)), supplied)
