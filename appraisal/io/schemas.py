"""The declared schema of every input table: columns, types, keys, allowed values, references.

docs/inputs.md documents the same tables for users; `tests/test_docs.py` keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..money import MAX_AMOUNT_YUAN

__all__ = ["SCHEMAS", "Column", "TableSchema"]

ColumnKind = Literal["text", "number", "date", "choice"]


@dataclass(frozen=True)
class Column:
    """One column: `required` = must be present in the file; `nullable` = cells may be blank."""

    name: str
    kind: ColumnKind
    description: str
    required: bool = True
    nullable: bool = False
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    minimum_exclusive: bool = False
    maximum: float | None = None
    # a fraction (0.95); such a column also reads a percentage written `95%`
    fraction: bool = False
    # an amount in yuan: each cell within ±money.MAX_AMOUNT_YUAN, the column's Σ|x| within
    # money.MAX_TOTAL_YUAN
    money: bool = False

    def expected(self) -> str:
        """What a valid cell looks like, for error messages."""
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        if self.kind == "date":
            return ("a date such as 2026-10-31 (YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD or "
                    "2026年10月31日)")
        if self.kind == "number" and self.money:
            sign = ("" if self.minimum is None or self.minimum < 0
                    else f" {'>' if self.minimum_exclusive else '>='} {self.minimum:g}")
            return f"an amount in yuan{sign}, at most {MAX_AMOUNT_YUAN:,} in magnitude"
        if self.kind == "number":
            parts = ["a number"]
            if self.minimum is not None:
                parts.append(f"{'>' if self.minimum_exclusive else '>='} {self.minimum:g}")
            if self.maximum is not None:
                parts.append(f"<= {self.maximum:g}")
            if self.fraction:
                parts.append("(a fraction such as 0.6, or 60%)")
            return " ".join(parts)
        return "a non-empty text"


@dataclass(frozen=True)
class TableSchema:
    """One input table. `key`: columns whose combination must be unique.

    `references`: column -> table whose `manager_id` it must exist in (the roster).
    """

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    references: dict[str, str] = field(default_factory=dict)

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


def _text(name: str, description: str, **kw: object) -> Column:
    return Column(name, "text", description, **kw)  # type: ignore[arg-type]


def _number(name: str, description: str, **kw: object) -> Column:
    return Column(name, "number", description, **kw)  # type: ignore[arg-type]


def _money(name: str, description: str, **kw: object) -> Column:
    """An amount in yuan: within ±money.MAX_AMOUNT_YUAN (a `minimum` narrows the lower side)."""
    kw.setdefault("minimum", -float(MAX_AMOUNT_YUAN))
    return Column(name, "number", description, money=True,  # type: ignore[arg-type]
                  maximum=float(MAX_AMOUNT_YUAN), **kw)


def _date(name: str, description: str, **kw: object) -> Column:
    return Column(name, "date", description, **kw)  # type: ignore[arg-type]


_MANAGER = _text("manager_id", "the manager's staff number, as in the roster")

SCHEMAS: dict[str, TableSchema] = {
    "managers": TableSchema(
        "managers",
        "Roster of customer managers (客户经理名册): one row per manager.",
        (
            _text("manager_id", "staff number (工号), unique"),
            _text("name", "full name (姓名)"),
            _text("branch", "branch (分行)"),
            _text("sub_branch", "sub-branch (支行)"),
            _text("team", "team (团队)"),
            _text("job_level", "job level (岗位等级)"),
            _date("hire_date", "date joined (入职日期)"),
            _date("leave_date", "date left (离职日期); blank while employed", required=False,
                  nullable=True),
            _text("leave_reason", "reason for leaving (离职原因), read by deferral.leavers: "
                  "by_reason", required=False, nullable=True),
            _text("risk_relevant", "risk-relevant position (风险相关岗位): true/false, 是/否; read "
                  "by deferral.groups[].roster_flag", required=False, nullable=True),
            _text("senior_management", "senior management (高级管理人员): true/false; read by "
                  "deferral.groups[].roster_flag", required=False, nullable=True),
            _money("pay_base", "performance-pay base for the period (绩效工资基数), yuan",
                    required=False, nullable=True, minimum=0.0),
            _number("position_coefficient", "position coefficient (岗位系数)", required=False,
                    nullable=True, minimum=0.0, minimum_exclusive=True),
        ),
        key=("manager_id",),
    ),
    "business": TableSchema(
        "business",
        "Account-level business for the period (账户级业绩): one row per account.",
        (
            _text("account_id", "account number, unique within the period"),
            _text("category", "business category (业务大类), an id from rorac.categories"),
            _text("product", "product (产品), an id from rorac.products"),
            _money("balance", "average balance in the period, yuan (日均余额)"),
            _money("revenue", "direct revenue E for the period, yuan (直接业务收入)"),
            _date("booking_date", "date the business was booked (起始日期)"),
            _text("manager_id", "crediting manager; blank when the account is in credit_splits",
                  required=False, nullable=True),
            _money("ftp_cost", "direct cost Cd (FTP) for the period, yuan; derived from "
                    "rorac.products when absent", required=False, nullable=True),
            _money("risk_cost", "risk cost Cr for the period, yuan; derived when absent",
                    required=False, nullable=True),
            _money("tax", "taxes T for the period, yuan; derived when absent", required=False,
                    nullable=True),
        ),
        key=("account_id",),
        references={"manager_id": "managers"},
    ),
    "credit_splits": TableSchema(
        "credit_splits",
        "Credit splits (业绩分成): accounts shared between managers; an account's shares sum to 1.",
        (
            _text("account_id", "account number, as in the business table"),
            _MANAGER,
            _number("share", "share of the account credited to the manager (0-1]; `60%` "
                    "reads as 0.6", minimum=0.0, minimum_exclusive=True, maximum=1.0,
                    fraction=True),
        ),
        key=("account_id", "manager_id"),
        references={"manager_id": "managers"},
    ),
    "manager_costs": TableSchema(
        "manager_costs",
        "Management and fixed costs (Cm, Cf) supplied per manager, optionally per category.",
        (
            _MANAGER,
            _text("category", "business category; blank = spread over the manager's categories",
                  required=False, nullable=True),
            _money("management_cost", "allocated management cost Cm, yuan", required=False,
                    nullable=True),
            _money("fixed_cost", "allocated fixed cost Cf, yuan", required=False, nullable=True),
        ),
        key=("manager_id", "category"),
        references={"manager_id": "managers"},
    ),
    "indicators": TableSchema(
        "indicators",
        "Indicator actuals and targets (指标实际值与目标值), long format.",
        (
            _MANAGER,
            _text("indicator", "indicator id from scorecard.indicators"),
            _number("actual", "actual value; blank when another stage supplies it",
                    nullable=True),
            _number("target", "target value; blank when the rule needs none", required=False,
                    nullable=True),
        ),
        key=("manager_id", "indicator"),
        references={"manager_id": "managers"},
    ),
    "ratings_360": TableSchema(
        "ratings_360",
        "360-degree ratings (360度考核): one row per rater and manager.",
        (
            _MANAGER,
            Column("rater_type", "choice", "who rates (评价人类型)",
                   choices=("self", "superior", "peer", "subordinate")),
            _text("rater_id", "rater's id (may be anonymised)", required=False, nullable=True),
            _number("score", "rating on the configured scale"),
        ),
        references={"manager_id": "managers"},
    ),
    "satisfaction": TableSchema(
        "satisfaction",
        "Customer-satisfaction questionnaire results (客户满意度): one row per response.",
        (
            _MANAGER,
            _text("respondent_id", "customer or questionnaire id", required=False, nullable=True),
            _number("score", "score on the configured scale"),
        ),
        references={"manager_id": "managers"},
    ),
    "judgments": TableSchema(
        "judgments",
        "Experts' AHP pairwise judgments (专家判断矩阵), long format: one comparison per row.",
        (
            _text("matrix", "matrix id declared by the scorecard (e.g. dimensions)"),
            _text("expert", "expert id"),
            _text("criterion_a", "criterion compared"),
            _text("criterion_b", "criterion it is compared with"),
            _text("value", "how much more important a is than b: 1..9 or 1/9..1/2 "
                  "(e.g. 3, 1/3, 0.5); blank = not judged", nullable=True),
        ),
        key=("matrix", "expert", "criterion_a", "criterion_b"),
    ),
    "pool_allocations": TableSchema(
        "pool_allocations",
        "Shared-pool allocations (公共绩效池分配) decided by the department head.",
        (
            _MANAGER,
            _money("amount", "amount allocated, yuan", minimum=0.0, minimum_exclusive=True),
            Column("reason", "choice", "reason (分配原因)",
                   choices=("special_factor", "diligence", "other")),
            _text("approved_by", "who approved (审批人)"),
            _text("note", "explanation; required when reason is other", required=False,
                  nullable=True),
        ),
        references={"manager_id": "managers"},
    ),
    "clawback_events": TableSchema(
        "clawback_events",
        "Clawback events (追索扣回) approved for managers whose risk losses surfaced: each stops "
        "unreleased deferred pay of the periods concerned, the rest is recovered from future pay.",
        (
            _text("event_id", "event number, unique (recorded once in the ledger)"),
            _text("manager_id", "the manager concerned"),
            _text("periods", "the periods concerned, e.g. 2026-03 or 2026-03;2026-04"),
            _text("reason", "reason (追索原因)"),
            _text("approved_by", "who approved (审批人)"),
            _money("amount", "amount to recover, yuan; or give share", required=False,
                    nullable=True, minimum=0.0),
            _number("share", "share 0..1 of the periods' performance pay; or give amount",
                    required=False, nullable=True, minimum=0.0),
        ),
        key=("event_id",),
    ),
}
