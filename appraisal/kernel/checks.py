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

import pyarrow as pa
import sqlglot

from ..errors import InputIssue, IssueCode, IssueTable
from .engines import Engine, Relation
from .sql import SHARE_SCALE

__all__ = ["ROSTER_RULE", "SHARE_TOLERANCE_UNITS", "check_accounts"]

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
    has_category: bool = True, product_ids: tuple[str, ...] = (),
) -> IssueTable:
    """Every issue of the account checks, found by `engine`'s SQL (see the module docstring)."""
    relations: dict[str, Relation] = {"business": business, "products": products,
                                      "roster": roster}
    if credit_splits is not None:
        relations["credit_splits"] = credit_splits
    parts: list[IssueTable | list[InputIssue]] = []
    results = {}
    for name, query in _queries(credit_splits is not None, has_category).items():
        rendered = sqlglot.parse_one(query, read="duckdb").sql(dialect=engine.dialect)
        _subset_extra(rendered, engine.dialect)
        results[name] = engine.run(rendered, relations).to_pylist()
    for column in ("product", "booking_date", "balance", "revenue"):
        rows = [r["row_number"] for r in results[f"blank_{column}"]]
        parts.append(IssueTable.at(None, code=IssueCode.BLANK, file=business_file,
                                   rows=sorted(rows), column=column, rule="empty cell",
                                   expected="a value"))
    ids = ", ".join(product_ids)
    parts.append([
        InputIssue(business_file, int(r["row_number"]), "product",
                   f"unknown product ({r['row_count']} row{'s' if r['row_count'] != 1 else ''}"
                   ", first shown)", str(r["value"]),
                   f"one of the ids in rorac.products: {ids}", code=IssueCode.UNKNOWN_ID)
        for r in sorted(results["unknown_product"], key=lambda r: str(r["value"]))])
    if "category" in results:
        found = sorted(results["category"], key=lambda r: r["row_number"])
        parts.append(_rows(found, business_file, "category", "category differs from the "
                           "product's category in rorac.products",
                           "the category configured for the product", IssueCode.INCONSISTENT))
    parts.append(_rows(sorted(results["unknown_manager"], key=lambda r: r["row_number"]),
                       business_file, "manager_id", ROSTER_RULE,
                       f"a manager_id listed in {roster_file}", IssueCode.UNKNOWN_MANAGER))
    parts.append(_rows(sorted(results["no_one"], key=lambda r: r["row_number"]),
                       business_file, "manager_id", "account is credited to no one",
                       "a manager_id, or the account in credit_splits",
                       IssueCode.MISSING_VALUE))
    if credit_splits is not None:
        parts.append(_rows(sorted(results["split_manager"], key=lambda r: r["row_number"]),
                           splits_file, "manager_id", ROSTER_RULE,
                           f"a manager_id listed in {roster_file}", IssueCode.UNKNOWN_MANAGER))
        parts.append(_rows(sorted(results["repeated_account"], key=lambda r: r["row_number"]),
                           business_file, "account_id",
                           "split account appears more than once in the business table",
                           "each account once per period", IssueCode.DUPLICATE_KEY))
        parts.append(_rows(sorted(results["unknown_account"], key=lambda r: r["row_number"]),
                           splits_file, "account_id", "split account not in the business table",
                           f"an account_id of {business_file}", IssueCode.UNKNOWN_ID))
        parts.append([
            InputIssue(splits_file, int(r["row_number"]), "share",
                       f"shares of account {r['value']} sum to "
                       f"{int(r['total']) / SHARE_SCALE:.12g}", None,
                       "shares summing to 1 (tolerance 1e-09)", code=IssueCode.SHARES_NOT_ONE)
            for r in sorted(results["shares"], key=lambda r: r["row_number"])])
    return IssueTable.concat(parts)


def _rows(found: list[dict], file: str, column: str, rule: str, expected: str,
          code: IssueCode) -> IssueTable:
    if not found:
        return IssueTable()
    return IssueTable.at(None, code=code, file=file, rows=[r["row_number"] for r in found],
                         column=column, rule=rule, expected=expected,
                         values=[r.get("value") for r in found])
