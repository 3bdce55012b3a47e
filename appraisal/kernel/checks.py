"""The checks on account data run in the kernel's engine (DuckDB or Spark), naming file, row and
column like the pandas checks (`rorac.check_rorac`, `validate.check_roster`), with the same
rules and reason codes:

- a blank product, booking date, balance or revenue (`empty cell`);
- a product not in `rorac.products` (listed once per value with its first row and row count);
- a category other than the product's (`category differs from the product's category...`);
- a credited manager not in the roster (`manager not in the roster`);
- an account with no manager and no split (`account is credited to no one`);
- a split account listed more than once in the business table, a split of an unknown account;
- the shares of an account not summing to 1 within 1e-9 (exact integers of 10⁻¹²).

The queries use the kernel's SQL subset (`kernel.sql.check_subset`). Every relation carries the
spreadsheet row of each record in `_row`.
"""

from __future__ import annotations

import re

import pyarrow as pa
import sqlglot

from ..config.base import Period
from ..errors import InputIssue, IssueCode, IssueTable
from ..money import MAX_AMOUNT_YUAN, MAX_TOTAL_YUAN
from .engines import Engine, Relation
from .sql import SHARE_SCALE

__all__ = ["ROSTER_RULE", "SHARE_TOLERANCE_UNITS", "accounts_clean", "check_accounts"]

ROSTER_RULE = "manager not in the roster"
SHARE_TOLERANCE_UNITS = SHARE_SCALE // 10**9
"""1e-9, the tolerance of a split's shares, in share units."""


def _queries(with_splits: bool, has_category: bool) -> dict[str, str]:
    queries = {
        f"blank_{column}": f"SELECT b._row AS row_number FROM business AS b "
                           f"WHERE b.{column} IS NULL"
        for column in ("product", "booking_date", "balance", "revenue")
    }
    queries["unknown_product"] = (
        "SELECT b.product AS value, MIN(b._row) AS row_number, COUNT(*) AS row_count "
        "FROM business AS b LEFT JOIN products AS p ON p.product = b.product "
        "WHERE p.product IS NULL AND b.product IS NOT NULL GROUP BY b.product")
    if has_category:
        queries["category"] = (
            "SELECT b._row AS row_number, b.category AS value FROM business AS b "
            "JOIN products AS p ON p.product = b.product WHERE NOT b.category = p.category")
    queries["unknown_manager"] = (
        "SELECT b._row AS row_number, b.manager_id AS value FROM business AS b "
        "LEFT JOIN roster AS r ON r.manager_id = b.manager_id "
        "WHERE b.manager_id IS NOT NULL AND r.manager_id IS NULL")
    if not with_splits:
        queries["no_one"] = ("SELECT b._row AS row_number FROM business AS b "
                             "WHERE b.manager_id IS NULL")
        return queries
    queries["no_one"] = (
        "SELECT b._row AS row_number FROM business AS b "
        "LEFT JOIN (SELECT account_id FROM credit_splits GROUP BY account_id) AS s "
        "ON s.account_id = b.account_id WHERE b.manager_id IS NULL AND s.account_id IS NULL")
    queries["split_manager"] = (
        "SELECT s._row AS row_number, s.manager_id AS value FROM credit_splits AS s "
        "LEFT JOIN roster AS r ON r.manager_id = s.manager_id WHERE r.manager_id IS NULL")
    queries["repeated_account"] = (
        "SELECT b._row AS row_number, b.account_id AS value FROM business AS b "
        "JOIN (SELECT x.account_id AS account_id, MIN(x._row) AS first_row "
        "FROM business AS x JOIN (SELECT account_id FROM credit_splits GROUP BY account_id) "
        "AS y ON y.account_id = x.account_id GROUP BY x.account_id) AS f "
        "ON f.account_id = b.account_id WHERE b._row > f.first_row")
    queries["unknown_account"] = (
        "SELECT s._row AS row_number, s.account_id AS value FROM credit_splits AS s "
        "LEFT JOIN (SELECT account_id FROM business GROUP BY account_id) AS b "
        "ON b.account_id = s.account_id WHERE b.account_id IS NULL")
    queries["shares"] = (
        "SELECT s.account_id AS value, MIN(s._row) AS row_number, "
        "CAST(SUM(s.share) AS DECIMAL(38, 0)) AS total FROM credit_splits AS s "
        "GROUP BY s.account_id "
        f"HAVING SUM(s.share) < {SHARE_SCALE - SHARE_TOLERANCE_UNITS} "
        f"OR SUM(s.share) > {SHARE_SCALE + SHARE_TOLERANCE_UNITS}")
    return queries


_ROW = re.compile(r"\b([bsx])\._row\b")
_NO_ROW = "CAST(NULL AS DECIMAL(38, 0))"
_DUPLICATE_ACCOUNT = (
    "SELECT b.account_id AS value, COUNT(*) AS row_count FROM business AS b "
    "GROUP BY b.account_id HAVING COUNT(*) > 1")


def _unlocated(queries: dict[str, str]) -> dict[str, str]:
    """The queries for tables without spreadsheet rows (catalog tables): no row numbers, the
    values name the records; repeated accounts found by their count."""
    found = {name: _ROW.sub(_NO_ROW, query) for name, query in queries.items()
             if name != "repeated_account"}
    for column in ("product", "booking_date", "balance", "revenue"):
        found[f"blank_{column}"] = (f"SELECT {_NO_ROW} AS row_number, b.account_id AS value "
                                    f"FROM business AS b WHERE b.{column} IS NULL")
    found["duplicate_account"] = _DUPLICATE_ACCOUNT
    return found


def _value_queries(with_splits: bool, period: Period) -> dict[str, str]:
    """Late bookings, negative balances and shares outside (0, 1]."""
    queries = {
        "late": "SELECT b._row AS row_number, b.account_id AS value FROM business AS b "
                f"WHERE b.booking_date > DATE '{period.end.isoformat()}'",
        "negative": "SELECT b._row AS row_number, b.account_id AS value FROM business AS b "
                    "WHERE b.balance < 0",
    }
    largest, most = MAX_AMOUNT_YUAN * 100, MAX_TOTAL_YUAN * 100  # the relations hold cents
    for column in ("balance", "revenue"):
        queries[f"large_{column}"] = (
            f"SELECT b._row AS row_number, b.account_id AS value FROM business AS b "
            f"WHERE b.{column} > {largest} OR b.{column} < -{largest}")
        queries[f"total_{column}"] = (
            f"SELECT CAST(SUM(CASE WHEN b.{column} < 0 THEN -b.{column} ELSE b.{column} END) "
            f"AS DECIMAL(38, 0)) AS total FROM business AS b "
            f"WHERE b.{column} <= {largest} AND b.{column} >= -{largest} "
            f"HAVING SUM(CASE WHEN b.{column} < 0 THEN -b.{column} ELSE b.{column} END) "
            f"> {most}")
    if with_splits:
        queries["share_range"] = (
            "SELECT s._row AS row_number, s.account_id AS value FROM credit_splits AS s "
            f"WHERE s.share <= 0 OR s.share > {SHARE_SCALE}")
    return queries


def _subset_extra(sql: str, dialect: str) -> None:
    """The check queries: the kernel's subset plus HAVING, MIN and sub-selects."""
    from sqlglot import exp

    from . import sql as kernel_sql

    allowed = kernel_sql.SUBSET | {exp.Having, exp.Min}
    tree = sqlglot.parse_one(sql, read=dialect)
    for node in tree.walk():
        if type(node) not in allowed:
            raise kernel_sql.SubsetError(f"{type(node).__name__} in a check query")


def check_accounts(
    business: Relation, products: pa.Table, roster: pa.Table, engine: Engine, *,
    credit_splits: Relation | None = None, business_file: str = "business",
    splits_file: str = "credit_splits", roster_file: str = "managers",
    has_category: bool = True, product_ids: tuple[str, ...] = (), located: bool = True,
    period: Period | None = None,
) -> IssueTable:
    """Every issue of the account checks, found by `engine`'s SQL (see the module docstring).

    `located=False`: the relations have no `_row` (catalog tables): issues carry no row, the
    record is named by its value (the account_id for blank cells), and each account_id given
    more than once is reported once (`duplicate key`)."""
    relations: dict[str, Relation] = {"business": business, "products": products,
                                      "roster": roster}
    if credit_splits is not None:
        relations["credit_splits"] = credit_splits
    parts: list[IssueTable | list[InputIssue]] = []
    results = {}
    queries = _queries(credit_splits is not None, has_category)
    if period is not None:  # the value rules too (the readers' for files)
        queries.update(_value_queries(credit_splits is not None, period))
    for name, query in (queries if located else _unlocated(queries)).items():
        rendered = sqlglot.parse_one(query, read="duckdb").sql(dialect=engine.dialect)
        _subset_extra(rendered, engine.dialect)
        results[name] = engine.run(rendered, relations).to_pylist()
    for column in ("product", "booking_date", "balance", "revenue"):
        found = results[f"blank_{column}"]
        if located:
            rows = [r["row_number"] for r in found]
            parts.append(IssueTable.at(None, code=IssueCode.BLANK, file=business_file,
                                       rows=sorted(rows), column=column, rule="empty cell",
                                       expected="a value"))
        else:
            parts.append(_rows(sorted(found, key=lambda r: str(r["value"])), business_file,
                               column, "empty cell", "a value (the record's account_id shown)",
                               IssueCode.BLANK))
    if period is not None:
        for name, column, rule, expected, code in (
                ("late", "booking_date", f"booked after the end of period {period.label}",
                 f"a booking date on or before {period.end.isoformat()}",
                 IssueCode.OUT_OF_RANGE),
                ("negative", "balance", "negative balance", "a number >= 0",
                 IssueCode.NEGATIVE),
                ("share_range", "share", "share out of range", "a number in (0, 1]",
                 IssueCode.OUT_OF_RANGE)):
            if name in results:
                file = splits_file if name == "share_range" else business_file
                parts.append(_rows(sorted(results[name], key=_order), file, column, rule,
                                   expected, code))
    for column in ("balance", "revenue"):
        if f"large_{column}" in results:
            parts.append(_rows(sorted(results[f"large_{column}"], key=_order), business_file,
                               column, "value out of range",
                               f"an amount of at most {MAX_AMOUNT_YUAN * 100:,} cents "
                               "in magnitude (the record's account_id shown)",
                               IssueCode.OUT_OF_RANGE))
            parts.append([
                InputIssue(business_file, None, column, "amounts total too large",
                           str(r["total"]), f"a column whose amounts total at most "
                           f"{MAX_TOTAL_YUAN * 100:,} cents in magnitude",
                           code=IssueCode.OUT_OF_RANGE)
                for r in results[f"total_{column}"] if r["total"] is not None])
    if "duplicate_account" in results:
        parts.append([
            InputIssue(business_file, None, "account_id",
                       f"duplicate key ({r['row_count']} records)", str(r["value"]),
                       "each account_id once", code=IssueCode.DUPLICATE_KEY)
            for r in sorted(results["duplicate_account"], key=lambda r: str(r["value"]))])
    ids = ", ".join(product_ids)
    parts.append([
        InputIssue(business_file, _row_of(r), "product",
                   f"unknown product ({r['row_count']} row{'s' if r['row_count'] != 1 else ''}"
                   ", first shown)", str(r["value"]),
                   f"one of the ids in rorac.products: {ids}", code=IssueCode.UNKNOWN_ID)
        for r in sorted(results["unknown_product"], key=lambda r: str(r["value"]))])
    if "category" in results:
        found = sorted(results["category"], key=_order)
        parts.append(_rows(found, business_file, "category", "category differs from the "
                           "product's category in rorac.products",
                           "the category configured for the product", IssueCode.INCONSISTENT))
    parts.append(_rows(sorted(results["unknown_manager"], key=_order),
                       business_file, "manager_id", ROSTER_RULE,
                       f"a manager_id listed in {roster_file}", IssueCode.UNKNOWN_MANAGER))
    parts.append(_rows(sorted(results["no_one"], key=_order),
                       business_file, "manager_id", "account is credited to no one",
                       "a manager_id, or the account in credit_splits",
                       IssueCode.MISSING_VALUE))
    if credit_splits is not None and "repeated_account" in results:
        parts.append(_rows(sorted(results["repeated_account"], key=_order),
                           business_file, "account_id",
                           "split account appears more than once in the business table",
                           "each account once per period", IssueCode.DUPLICATE_KEY))
    if credit_splits is not None:
        parts.append(_rows(sorted(results["split_manager"], key=_order),
                           splits_file, "manager_id", ROSTER_RULE,
                           f"a manager_id listed in {roster_file}", IssueCode.UNKNOWN_MANAGER))
        parts.append(_rows(sorted(results["unknown_account"], key=_order),
                           splits_file, "account_id", "split account not in the business table",
                           f"an account_id of {business_file}", IssueCode.UNKNOWN_ID))
        parts.append([
            InputIssue(splits_file, _row_of(r), "share",
                       f"shares of account {r['value']} sum to "
                       f"{int(r['total']) / SHARE_SCALE:.12g}", None,
                       "shares summing to 1 (tolerance 1e-09)", code=IssueCode.SHARES_NOT_ONE)
            for r in sorted(results["shares"], key=lambda r: (r["row_number"] or 0,
                                                              str(r["value"])))])
    return IssueTable.concat(parts)


def _row_of(record: dict) -> int | None:
    return None if record["row_number"] is None else int(record["row_number"])


def _order(record: dict) -> tuple[int, str]:
    """Issues by row, then by value (catalog tables have no rows)."""
    return (record["row_number"] or 0, str(record.get("value")))


def _rows(found: list[dict], file: str, column: str, rule: str, expected: str,
          code: IssueCode) -> IssueTable:
    if not found:
        return IssueTable()
    if any(r["row_number"] is None for r in found):  # catalog tables: no spreadsheet rows
        return IssueTable.of([InputIssue(file, None, column, rule, r.get("value"), expected,
                                         code=code) for r in found])
    rows = [r["row_number"] for r in found]
    return IssueTable.at(None, code=code, file=file, rows=rows,
                         column=column, rule=rule, expected=expected,
                         values=[r.get("value") for r in found])


# ---- the columnar relations' config-aware rules (validate.check_inputs) -------------------

_SHARE_MARGIN = SHARE_TOLERANCE_UNITS - 10
"""A little inside 1e-9: the per-cell check sums float shares, so near the bound it decides."""


def _known(chunk: pa.Array, vocabulary: pa.Array) -> bool:
    """Whether every value a dictionary chunk uses is in `vocabulary` (its dictionary alone is
    looked up: a few values, whatever the rows)."""
    import pyarrow.compute as pc

    if len(chunk.dictionary) > len(chunk):  # a dictionary larger than its rows: the used ones
        values = pc.take(chunk.dictionary, pc.unique(chunk.indices.drop_null()))
    else:  # all of it (an unused unknown label is a false alarm: the per-cell checks decide)
        values = chunk.dictionary
    return bool(pc.all(pc.is_in(values, value_set=vocabulary)).as_py() if len(values) else True)


def _codes(chunk: pa.Array, vocabulary: pa.Array) -> pa.Array:
    """Each row's position in `vocabulary` (through its dictionary)."""
    import pyarrow.compute as pc

    return pc.take(pc.index_in(chunk.dictionary, value_set=vocabulary), chunk.indices)


def accounts_clean(
    business: pa.Table, credit_splits: pa.Table | None, roster_ids: pa.Array,
    products: pa.Table, last_day: object,
) -> tuple[bool, pa.Array]:
    """Whether the columnar business (and splits) relation breaks none of the RORAC and roster
    rules (`rorac.check_rorac`, `validate.check_roster`), and the managers credited with
    business (for the manager_costs checks). Conservative: when in doubt it says False and the
    per-cell checks decide, with their messages.

    `products`: product and category of each configured product; `last_day`: the period's end.
    """
    import duckdb
    import numpy as np
    import pyarrow.compute as pc

    nobody = pa.array([], pa.string())
    product_ids = products.column("product").combine_chunks()
    category_of = products.column("category").combine_chunks()
    categories = pc.unique(category_of)
    category_code = pc.index_in(category_of, value_set=categories).to_numpy(zero_copy_only=False)
    columns = business.column_names
    for name in ("manager_id", "product", "category"):
        if name not in columns or not pa.types.is_dictionary(business.schema.field(name).type):
            return False, nobody
    with_splits = credit_splits is not None
    if with_splits and "account_id" not in columns:
        return False, nobody
    for product, category, manager in zip(business.column("product").chunks,
                                          business.column("category").chunks,
                                          business.column("manager_id").chunks, strict=True):
        if not (_known(product, product_ids) and _known(category, categories)
                and _known(manager, roster_ids)):
            return False, nobody
        expected = category_code[np.asarray(_codes(product, product_ids).to_numpy(
            zero_copy_only=False), dtype=np.int64)]
        given = np.asarray(_codes(category, categories).to_numpy(zero_copy_only=False))
        if not np.array_equal(expected, given):
            return False, nobody
    if len(business) and pc.max(business.column("booking_date")).as_py() > last_day:
        return False, nobody
    if not with_splits:
        if business.column("manager_id").null_count:
            return False, nobody
        return True, _used(business.column("manager_id"))
    if credit_splits is None:  # pragma: no cover - with_splits
        return False, nobody
    if not all(_known(chunk, roster_ids) for chunk in credit_splits.column("manager_id").chunks):
        return False, nobody
    keyed = business.select(["account_id", "manager_id"])
    owners = keyed.column("manager_id")
    coded = owners.num_chunks == 1  # one dictionary: group its int32 codes, not the text
    if coded:
        keyed = keyed.set_column(1, "manager_id", owners.chunks[0].indices)
    # the managers of the unsplit rows: a bit string over the dictionary's codes (about 1 s
    # less than LIST(DISTINCT) at 10M rows), else the distinct texts
    size = len(owners.chunks[0].dictionary) if coded else 0
    plain_sql = (f"bitstring_agg(b.manager_id, 0, {max(size - 1, 0)})" if coded
                 else "LIST(DISTINCT CAST(b.manager_id AS VARCHAR))")
    connection = duckdb.connect()
    try:
        connection.register("business", keyed)
        connection.register("credit_splits", credit_splits.select(["account_id", "share"]))
        low, high = SHARE_SCALE - _SHARE_MARGIN, SHARE_SCALE + _SHARE_MARGIN
        # one pass over the business rows: the split accounts they match, the rows credited
        # to no one, the managers of the rows credited by their own manager_id
        facts = connection.sql(f"""
            WITH s AS (SELECT account_id, SUM(share) AS total FROM credit_splits
                       GROUP BY account_id)
            SELECT (SELECT COUNT(*) FROM s) AS accounts,
                   (SELECT COUNT(*) FROM s WHERE total < {low} OR total > {high}) AS off,
                   COUNT(s.account_id) AS matched,
                   COUNT(*) FILTER (WHERE b.manager_id IS NULL AND s.account_id IS NULL)
                       AS no_one,
                   {plain_sql} FILTER (WHERE s.account_id IS NULL) AS plain
            FROM business AS b LEFT JOIN s ON s.account_id = b.account_id""").fetchall()[0]
    finally:
        connection.close()
    if facts[1] or facts[3] or facts[0] != facts[2]:
        return False, nobody
    if coded:
        bits = np.frombuffer((facts[4] or "").encode("ascii"), dtype=np.uint8)[:size]
        plain = pc.take(owners.chunks[0].dictionary,
                        pa.array(np.flatnonzero(bits == ord("1")), pa.int32())).cast(pa.string())
    else:
        plain = pa.array([m for m in (facts[4] or []) if m is not None], pa.string())
    split_managers = _used(credit_splits.column("manager_id"))
    return True, pc.unique(pa.concat_arrays([plain, split_managers]))


def _used(column: pa.ChunkedArray) -> pa.Array:
    """The distinct values a dictionary column uses."""
    import pyarrow.compute as pc

    parts = [pc.take(chunk.dictionary, pc.unique(chunk.indices.drop_null()))
             for chunk in column.chunks]
    if not parts:
        return pa.array([], pa.string())
    return pc.unique(pa.concat_arrays([p.cast(pa.string()) for p in parts]))
