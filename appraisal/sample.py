"""Synthetic branch generator: a realistic, deterministic set of every input table.

`generate_branch(managers, accounts, seed=...)` draws one branch with numpy only. Every table has
its own seeded stream (`np.random.SeedSequence([seed, stream])`) and every chunk of accounts its
own (`[seed, stream, chunk]`), so the same arguments always give the same rows, whatever the
machine or the number of accounts. `write_branch` (the only function touching files) writes the
tables as CSV (UTF-8 with BOM, fixed decimals) or Parquet; large account counts are drawn and
written chunk by chunk. The scheme, rates and distributions are documented in docs/sample.md.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from . import ahp
from .config.base import Period, parse_period
from .errors import OutputExistsError

__all__ = [
    "ACCOUNT_CHUNK",
    "BRANCH_NAME",
    "EXPERTS",
    "INCONSISTENT_EXPERT",
    "INCONSISTENT_MATRIX",
    "INDICATOR_IDS",
    "JOB_LEVELS",
    "MATRIX_CRITERIA",
    "PAY_BASE_BY_LEVEL",
    "POSITION_COEFFICIENT_BY_LEVEL",
    "PRODUCTS",
    "RATER_TYPES",
    "SPLIT_RATE",
    "SPLIT_SHARES",
    "TABLE_COLUMNS",
    "TRUE_WEIGHTS",
    "ProductProfile",
    "SampleBranch",
    "SampleFormat",
    "generate_branch",
    "write_branch",
]

SampleFormat = Literal["csv", "parquet"]
Columns = dict[str, np.ndarray]

# ---- the scheme ---------------------------------------------------------------------------------

BRANCH_NAME = "滨江分行"
_PLACES = (
    "城东", "城西", "城南", "城北", "高新", "滨湖", "江北", "新城",
    "老城", "港区", "大学城", "科技园", "金融街", "东湖", "西山", "开发区",
)
_TEAM_ORDINALS = ("一", "二", "三")

JOB_LEVELS = ("L1", "L2", "L3", "L4", "L5")
#: Monthly performance-pay base (绩效工资基数) in yuan by job level.
PAY_BASE_BY_LEVEL = {"L1": 3000.0, "L2": 4500.0, "L3": 6000.0, "L4": 8000.0, "L5": 10000.0}
#: Position coefficient (岗位系数) by job level; a team's leader (its longest-serving member) +0.1.
POSITION_COEFFICIENT_BY_LEVEL = {"L1": 0.8, "L2": 0.9, "L3": 1.0, "L4": 1.1, "L5": 1.2}
_TEAM_LEADER_EXTRA = 0.1
_LEVEL_CAPACITY = np.array([0.6, 0.8, 1.0, 1.3, 1.6])  # relative number of accounts by level

_SURNAMES = tuple(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
_GIVEN = tuple(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文博宇浩然欣怡晨雪梅琳"
    "婷颖倩佳俊峰凯斌宁波鑫诚蕾薇海燕"
)


@dataclass(frozen=True)
class ProductProfile:
    """How the accounts of one product are drawn; rates are annual (act/365)."""

    product: str
    category: str
    account_share: float  # share of all accounts
    median_balance: float  # yuan; balances are log-normal around it
    balance_sigma: float
    revenue_rate: float  # interest income (loans), FTP credit (deposits), fee income (intermediate)
    ftp_rate: float  # direct cost: FTP charge (loans), interest paid (deposits); config ftp_rate
    provision_rate: float  # risk cost (config provision_rate)
    increment_share: float  # share of accounts booked in the appraisal year (增量)
    mean_stock_age: float  # years before the year start, exponential
    max_stock_age: float


_P = ProductProfile
# product, category, share of accounts, median balance, sigma, revenue rate, FTP rate,
# provision rate, increment share, mean stock age, max stock age
PRODUCTS: tuple[ProductProfile, ...] = (
    _P("demand_deposit", "deposit", 0.34, 60e3, 1.4, 0.0160, 0.0015, 0.0, 0.18, 3.5, 15),
    _P("time_deposit", "deposit", 0.20, 200e3, 1.2, 0.0210, 0.0130, 0.0, 0.22, 2.5, 10),
    _P("working_capital_loan", "loan", 0.06, 2.5e6, 1.0, 0.0360, 0.0210, 0.010, 0.35, 1.2, 3),
    _P("fixed_asset_loan", "loan", 0.025, 6e6, 1.0, 0.0400, 0.0240, 0.012, 0.25, 3.0, 10),
    _P("trade_finance_loan", "loan", 0.045, 1.5e6, 0.9, 0.0310, 0.0190, 0.006, 0.40, 0.8, 2),
    _P("settlement_fee", "intermediate", 0.12, 400e3, 1.3, 0.0040, 0.0, 0.0, 0.22, 3.0, 12),
    _P("wealth_management_fee", "intermediate", 0.13, 300e3, 1.1, 0.0060, 0.0, 0.0, 0.25, 2.0, 8),
    _P("other_business", "other", 0.08, 50e3, 1.2, 0.0120, 0.0040, 0.003, 0.25, 2.0, 8),
)
_CATEGORIES = ("deposit", "loan", "intermediate", "other")
_TAX_RATE = 0.06  # only to make the RORAC targets plausible; the engine takes tax from config
_STOCK_WEIGHT_GUESS = 0.9  # idem, a typical k0

SPLIT_RATE = 0.05
#: Share pairs of split accounts (primary, secondary); each pair sums to exactly 1.0 in float64.
SPLIT_SHARES = ((0.5, 0.5), (0.6, 0.4), (0.7, 0.3))

INDICATOR_IDS = (
    "rorac", "deposit_plan", "loan_plan", "intermediate_plan", "other_plan", "npl_ratio",
    "approval_pass_rate", "file_completeness", "training_hours", "exam_score", "research_output",
    "medical_balance_rate",
)
RATER_TYPES = ("self", "superior", "peer", "subordinate")

MATRIX_CRITERIA: dict[str, tuple[str, ...]] = {
    "dimensions": ("financial", "customer", "internal_process", "learning_growth"),
    "customer": ("deposit_plan", "loan_plan", "intermediate_plan", "other_plan", "satisfaction"),
    "internal_process": ("npl_ratio", "approval_pass_rate", "file_completeness", "feedback_360"),
    "learning_growth": ("training_hours", "exam_score", "research_output"),
}
#: The common "true" weights every expert perturbs (dimensions: the source's worked example).
TRUE_WEIGHTS: dict[str, tuple[float, ...]] = {
    "dimensions": (0.4832, 0.2717, 0.1569, 0.0882),
    "customer": (0.32, 0.28, 0.16, 0.06, 0.18),
    "internal_process": (0.40, 0.22, 0.18, 0.20),
    "learning_growth": (0.35, 0.40, 0.25),
}
EXPERTS = ("E1", "E2", "E3", "E4", "E5")
INCONSISTENT_EXPERT = "E5"
INCONSISTENT_MATRIX = "customer"
_SCALE = np.asarray(ahp.SAATY_SCALE)
_CONSISTENT_BELOW = 0.09  # margin under the 0.10 threshold, by both weight methods
_INCONSISTENT_ABOVE = 0.12
_BROKEN_CR = 0.2

_POOL_ROWS = (  # reason and note of the 1st..4th allocation
    ("special_factor", "重点客户停产导致存款大幅流失，非本人原因"),
    ("diligence", "客户拜访量位居支行前列，业绩暂未体现"),
    ("other", "协助完成分行专项检查工作"),
    ("special_factor", "所在片区整体拆迁，客户外迁导致业绩下滑"),
)

#: Columns of every table written, in file order, with how each is written:
#: text, date, or dN (a number written with N decimals).
TABLE_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "managers": (
        ("manager_id", "text"), ("name", "text"), ("branch", "text"), ("sub_branch", "text"),
        ("team", "text"), ("job_level", "text"), ("hire_date", "date"), ("leave_date", "date"),
        ("pay_base", "d2"), ("position_coefficient", "d2"),
    ),
    "business": (
        ("account_id", "text"), ("category", "text"), ("product", "text"), ("balance", "d2"),
        ("revenue", "d2"), ("booking_date", "date"), ("manager_id", "text"),
    ),
    "credit_splits": (("account_id", "text"), ("manager_id", "text"), ("share", "d1")),
    "indicators": (
        ("manager_id", "text"), ("indicator", "text"), ("actual", "d2"), ("target", "d2"),
    ),
    "ratings_360": (
        ("manager_id", "text"), ("rater_type", "text"), ("rater_id", "text"), ("score", "d1"),
    ),
    "satisfaction": (("manager_id", "text"), ("respondent_id", "text"), ("score", "d0")),
    "judgments": (
        ("matrix", "text"), ("expert", "text"), ("criterion_a", "text"), ("criterion_b", "text"),
        ("value", "text"),
    ),
    "pool_allocations": (
        ("manager_id", "text"), ("amount", "d2"), ("reason", "text"), ("approved_by", "text"),
        ("note", "text"),
    ),
}

#: Accounts drawn (and written) per chunk; part of the definition of the data, do not change.
ACCOUNT_CHUNK = 250_000

_STREAM = {
    "roster": 1, "accounts": 2, "indicators": 3, "ratings_360": 4, "satisfaction": 5,
    "judgments": 6, "pool_allocations": 7,
}


def _rng(seed: int, stream: str, *extra: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, _STREAM[stream], *extra]))


def _codes(prefix: str, numbers: npt.NDArray[np.integer], width: int) -> np.ndarray:
    """Fixed-width ids such as M0001, vectorised (digits built arithmetically, no Python loop)."""
    numbers = np.asarray(numbers, dtype=np.int64)
    head = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    buffer = np.empty((numbers.size, head.size + width), dtype=np.uint8)
    buffer[:, : head.size] = head
    buffer[:, head.size :] = (numbers[:, None] // powers) % 10 + ord("0")
    return buffer.view(f"S{head.size + width}").ravel().astype(str)


def _days(value: object) -> np.datetime64:
    return np.datetime64(value, "D")


def _split_count(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to weights summing to total (largest remainder, earlier first)."""
    exact = weights / weights.sum() * total
    counts = np.floor(exact).astype(np.int64)
    order = np.lexsort((np.arange(weights.size), -(exact - counts)))
    counts[order[: total - int(counts.sum())]] += 1
    return counts


# ---- roster -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Roster:
    """Manager arrays in roster order (grouped by sub-branch and team)."""

    ids: np.ndarray
    team: np.ndarray  # team index per manager
    team_start: np.ndarray  # first manager index of each team
    team_size: np.ndarray
    level: np.ndarray  # 0..4
    hire: np.ndarray  # datetime64[D]
    leave: np.ndarray  # datetime64[D], NaT when still employed
    joined: np.ndarray  # bool: hired within the period
    quality: np.ndarray  # latent performance, N(0, 1)
    account_weight: np.ndarray  # probability that an account is credited to the manager
    columns: Columns


def _org_units(count: int, rng: np.random.Generator) -> tuple[list[str], list[str], np.ndarray]:
    """Sub-branch names, team names and each team's sub-branch: 3–4 sub-branches of 2–3 teams
    (more sub-branches, about 25 managers each, for large branches)."""
    n_sub = int(rng.integers(3, 5))
    if count > 100:
        n_sub = max(n_sub, math.ceil(count / 25))
    teams_per_sub = rng.integers(2, 4, size=n_sub)
    if n_sub <= len(_PLACES):
        places = [_PLACES[i] for i in rng.permutation(len(_PLACES))[:n_sub]]
    else:
        places = [f"{_PLACES[i % len(_PLACES)]}{i // len(_PLACES) + 1}" for i in range(n_sub)]
    sub_names = [f"{place}支行" for place in places]
    team_names: list[str] = []
    team_sub: list[int] = []
    for sub, place in enumerate(places):  # loop over org units, not accounts
        for ordinal in _TEAM_ORDINALS[: int(teams_per_sub[sub])]:
            team_names.append(f"{place}{ordinal}组")
            team_sub.append(sub)
    return sub_names, team_names, np.asarray(team_sub)


def _draw_roster(count: int, period: Period, seed: int) -> _Roster:
    rng = _rng(seed, "roster")
    sub_names, team_names, team_sub = _org_units(count, rng)
    sizes = _split_count(count, rng.uniform(0.7, 1.3, size=len(team_names)))
    team = np.repeat(np.arange(len(team_names)), sizes)
    team_start = np.concatenate([[0], np.cumsum(sizes)[:-1]])

    start, end = _days(period.start), _days(period.end)
    years = rng.uniform(1.0, 20.0, size=count)
    hire = end - np.round(years * 365.25).astype("timedelta64[D]")
    movers = max(1, round(0.03 * count)) if count >= 10 else 0
    chosen = rng.permutation(count)[: 2 * movers]
    joined_idx, left_idx = chosen[:movers], chosen[movers:]
    hire[joined_idx] = start + rng.integers(0, period.days, size=movers).astype("timedelta64[D]")
    years[joined_idx] = 0.0
    leave = np.full(count, np.datetime64("NaT"), dtype="datetime64[D]")
    leave[left_idx] = start + rng.integers(0, max(period.days - 1, 1), size=movers).astype(
        "timedelta64[D]"
    )
    joined = np.zeros(count, dtype=bool)
    joined[joined_idx] = True

    level = np.clip(np.floor(years / 5.0 + rng.normal(0.0, 0.7, size=count)), 0, 4).astype(int)
    quality = rng.normal(0.0, 1.0, size=count)
    capacity = _LEVEL_CAPACITY[level] * np.exp(0.25 * quality + rng.normal(0.0, 0.3, size=count))
    capacity[joined] *= 0.15

    surname = np.asarray(_SURNAMES)[rng.integers(0, len(_SURNAMES), size=count)]
    given = np.char.add(
        np.asarray(_GIVEN)[rng.integers(0, len(_GIVEN), size=count)],
        np.where(
            rng.random(count) < 0.7,
            np.asarray(_GIVEN)[rng.integers(0, len(_GIVEN), size=count)],
            "",
        ),
    )

    # team leader: the longest-serving member of each team
    order = np.lexsort((np.arange(count), hire, team))
    _, first = np.unique(team[order], return_index=True)
    leader = np.zeros(count, dtype=bool)
    leader[order[first]] = True
    levels = np.asarray(JOB_LEVELS)[level]
    coefficient = np.array([POSITION_COEFFICIENT_BY_LEVEL[x] for x in JOB_LEVELS])[level]
    coefficient = np.round(coefficient + _TEAM_LEADER_EXTRA * leader, 2)

    ids = _codes("M", np.arange(1, count + 1), max(4, len(str(count))))
    columns: Columns = {
        "manager_id": ids,
        "name": np.char.add(surname, given),
        "branch": np.full(count, BRANCH_NAME),
        "sub_branch": np.asarray(sub_names)[team_sub[team]],
        "team": np.asarray(team_names)[team],
        "job_level": levels,
        "hire_date": hire,
        "leave_date": leave,
        "pay_base": np.array([PAY_BASE_BY_LEVEL[x] for x in JOB_LEVELS])[level],
        "position_coefficient": coefficient,
    }
    return _Roster(
        ids=ids, team=team, team_start=team_start, team_size=sizes, level=level, hire=hire,
        leave=leave, joined=joined, quality=quality,
        account_weight=capacity / capacity.sum(), columns=columns,
    )


# ---- accounts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Accounts:
    """One chunk of accounts: product index, amounts, booking date and crediting."""

    number: np.ndarray  # 1-based account number
    product: np.ndarray
    balance: np.ndarray
    revenue: np.ndarray
    booking: np.ndarray
    increment: np.ndarray
    manager: np.ndarray
    split: np.ndarray
    second: np.ndarray  # second manager of a split account (meaningless where not split)
    share: np.ndarray  # primary share (secondary = 1 − share, exact for SPLIT_SHARES)
    second_share: np.ndarray


def _draw_accounts(roster: _Roster, period: Period, seed: int, chunk: int, first: int,
                   stop: int) -> _Accounts:
    rng = _rng(seed, "accounts", chunk)
    size = stop - first
    shares = np.array([p.account_share for p in PRODUCTS])
    product = rng.choice(len(PRODUCTS), size=size, p=shares / shares.sum())

    median = np.array([p.median_balance for p in PRODUCTS])[product]
    sigma = np.array([p.balance_sigma for p in PRODUCTS])[product]
    balance = np.round(np.maximum(median * np.exp(sigma * rng.normal(size=size)), 100.0), 2)

    year_start, start, end = _days(period.year_start), _days(period.start), _days(period.end)
    increment = rng.random(size) < np.array([p.increment_share for p in PRODUCTS])[product]
    age = np.minimum(
        rng.exponential(np.array([p.mean_stock_age for p in PRODUCTS])[product]),
        np.array([p.max_stock_age for p in PRODUCTS])[product],
    )
    stock_day = year_start - (1 + np.floor(age * 365.25)).astype("timedelta64[D]")
    window = int((end - year_start).astype(int)) + 1
    new_day = year_start + rng.integers(0, window, size=size).astype("timedelta64[D]")
    booking = np.where(increment, new_day, stock_day)

    # revenue for the period (act/365), only for the days the account existed in it
    active_days = np.minimum((end - np.maximum(booking, start)).astype(int) + 1, period.days)
    rate = np.array([p.revenue_rate for p in PRODUCTS])[product]
    noise = np.exp(rng.normal(0.0, 0.1, size=size))
    revenue = np.round(balance * rate * active_days / 365.0 * noise, 2)

    count = roster.ids.size
    manager = rng.choice(count, size=size, p=roster.account_weight)
    split = (rng.random(size) < SPLIT_RATE) & (count >= 2)
    pair = rng.integers(0, len(SPLIT_SHARES), size=size)
    offset_draw = rng.random(size)
    team = roster.team[manager]
    team_size = roster.team_size[team]
    in_team = team_size >= 2
    # a colleague of the same team when there is one, else any other manager
    pool_size = np.where(in_team, team_size, count)
    pool_start = np.where(in_team, roster.team_start[team], 0)
    position = manager - pool_start
    step = 1 + np.floor(offset_draw * np.maximum(pool_size - 1, 1)).astype(np.int64)
    second = pool_start + (position + step) % np.maximum(pool_size, 1)
    share_table = np.array(SPLIT_SHARES)
    return _Accounts(
        number=np.arange(first + 1, stop + 1), product=product, balance=balance, revenue=revenue,
        booking=booking, increment=increment, manager=manager, split=split, second=second,
        share=share_table[pair, 0], second_share=share_table[pair, 1],
    )


def _account_columns(accounts: _Accounts, roster: _Roster, width: int) -> tuple[Columns, Columns]:
    account_id = _codes("A", accounts.number, width)
    product_names = np.asarray([p.product for p in PRODUCTS])
    category_names = np.asarray([p.category for p in PRODUCTS])
    business: Columns = {
        "account_id": account_id,
        "category": category_names[accounts.product],
        "product": product_names[accounts.product],
        "balance": accounts.balance,
        "revenue": accounts.revenue,
        "booking_date": accounts.booking,
        "manager_id": np.where(accounts.split, "", roster.ids[accounts.manager]),
    }
    split = np.flatnonzero(accounts.split)
    first_ids = roster.ids[accounts.manager[split]]
    second_ids = roster.ids[accounts.second[split]]
    ids = np.column_stack([first_ids, second_ids])
    share = np.column_stack([accounts.share[split], accounts.second_share[split]])
    swap = second_ids < first_ids  # rows sorted by account_id, then manager_id
    ids[swap] = ids[swap][:, ::-1]
    share[swap] = share[swap][:, ::-1]
    splits: Columns = {
        "account_id": np.repeat(account_id[split], 2),
        "manager_id": ids.ravel(),
        "share": share.ravel(),
    }
    return business, splits


def _chunks(accounts: int) -> Iterator[tuple[int, int, int]]:
    for chunk, first in enumerate(range(0, accounts, ACCOUNT_CHUNK)):
        yield chunk, first, min(first + ACCOUNT_CHUNK, accounts)


def _credited_totals(roster: _Roster, period: Period, seed: int, accounts: int) -> Columns:
    """Per manager, credited (share-weighted) balances and revenues by category and an estimate
    of the risk-adjusted profit, summed over all accounts chunk by chunk."""
    count = roster.ids.size
    category_of = np.array([_CATEGORIES.index(p.category) for p in PRODUCTS])
    cost_rate = np.array([p.ftp_rate + p.provision_rate for p in PRODUCTS])
    totals = {
        "balance": np.zeros((len(_CATEGORIES), count)),
        "revenue": np.zeros((len(_CATEGORIES), count)),
        "profit": np.zeros(count),
    }
    for chunk, first, stop in _chunks(accounts):
        acc = _draw_accounts(roster, period, seed, chunk, first, stop)
        profit = (
            acc.revenue * (1.0 - _TAX_RATE)
            - acc.balance * cost_rate[acc.product] * period.days / 365.0
        ) * np.where(acc.increment, 1.0, _STOCK_WEIGHT_GUESS)
        primary = np.where(acc.split, acc.share, 1.0)
        secondary = np.where(acc.split, acc.second_share, 0.0)
        category = category_of[acc.product]
        amounts = (("balance", acc.balance), ("revenue", acc.revenue), ("profit", profit))
        for name, values in amounts:
            target = totals[name]
            for weight, who in ((primary, acc.manager), (secondary, acc.second)):
                if target.ndim == 1:
                    target += np.bincount(who, weights=values * weight, minlength=count)
                else:
                    flat = category * count + who
                    target += np.bincount(
                        flat, weights=values * weight, minlength=target.size
                    ).reshape(target.shape)
    return totals


# ---- indicators, 360, satisfaction --------------------------------------------------------------


def _draw_indicators(roster: _Roster, totals: Columns, period: Period, seed: int) -> Columns:
    rng = _rng(seed, "indicators")
    count = roster.ids.size
    months = period.months
    q = roster.quality

    def attainment() -> np.ndarray:
        return np.exp(0.10 * q + 0.12 * rng.normal(size=count))

    def plan(actual: np.ndarray, unit: float, minimum: float) -> np.ndarray:
        return np.maximum(np.round(actual / attainment() / unit) * unit, minimum)

    balance, revenue = totals["balance"], totals["revenue"]
    deposit, loan = np.round(balance[0], 2), np.round(balance[1], 2)
    intermediate, other = np.round(revenue[2], 2), np.round(revenue[3], 2)
    rorac_target = plan(totals["profit"], 100.0, 100.0 * months)

    has_loans = loan > 0
    clean = rng.random(count) < 0.35
    npl = np.where(
        has_loans & ~clean,
        np.minimum(np.exp(np.log(1.0) - 0.2 * q + 0.5 * rng.normal(size=count)), 8.0),
        0.0,
    )
    pass_rate = np.clip(92.0 + 4.0 * q + 3.0 * rng.normal(size=count), 60.0, 100.0)
    completeness = np.clip(96.0 + 2.0 * q + 2.0 * rng.normal(size=count), 70.0, 100.0)
    hours = np.round(np.clip(8.0 * months + 2.0 * q + 2.0 * rng.normal(size=count), 0.0, None) * 2)
    exam = np.clip(80.0 + 6.0 * q + 6.0 * rng.normal(size=count), 40.0, 100.0)
    research = rng.poisson(np.maximum(0.2, (1.0 + 0.5 * q)) * months).astype(float)
    medical = np.clip(60.0 + 20.0 * rng.normal(size=count), 0.0, 100.0)
    nan = np.full(count, np.nan)

    actual = np.column_stack([
        nan, deposit, loan, intermediate, other, npl, pass_rate, completeness, hours / 2, exam,
        research, medical,
    ])
    target = np.column_stack([
        rorac_target,
        plan(deposit, 10_000.0, 10_000.0),
        plan(loan, 10_000.0, 10_000.0),
        plan(intermediate, 100.0, 100.0 * months),
        plan(other, 100.0, 100.0 * months),
        np.full(count, 1.5),
        np.full(count, 90.0),
        np.full(count, 95.0),
        np.full(count, 8.0 * months),
        np.full(count, 80.0),
        np.full(count, 1.0 * months),
        nan,
    ])
    n_ind = len(INDICATOR_IDS)
    return {
        "manager_id": np.repeat(roster.ids, n_ind),
        "indicator": np.tile(np.asarray(INDICATOR_IDS), count),
        "actual": np.round(actual.ravel(), 2),
        "target": np.round(target.ravel(), 2),
    }


def _rank_within(groups: np.ndarray) -> np.ndarray:
    """1-based position of each row within its run of equal consecutive group values."""
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    lengths = np.diff(np.r_[starts, groups.size])
    return np.arange(groups.size) - np.repeat(starts, lengths) + 1


def _draw_ratings(roster: _Roster, seed: int) -> Columns:
    rng = _rng(seed, "ratings_360")
    count = roster.ids.size
    raters = np.column_stack([
        np.ones(count, dtype=np.int64),
        rng.integers(1, 3, size=count),
        rng.integers(3, 6, size=count),
        rng.integers(2, 5, size=count),
    ])
    missing = min(count, 2 if count < 70 else round(0.03 * count))
    chosen = rng.permutation(count)[:missing]
    raters[chosen, rng.integers(1, 4, size=missing)] = 0  # a superior, peer or subordinate type
    manager = np.repeat(np.repeat(np.arange(count), 4), raters.ravel())
    kind = np.repeat(np.tile(np.arange(4), count), raters.ravel())
    number = _rank_within(manager * 4 + kind)
    bias = np.array([0.4, 0.0, 0.1, 0.15])[kind]
    score = 3.9 + 0.35 * roster.quality[manager] + bias + 0.45 * rng.normal(size=manager.size)
    tags = np.array(["", "-S", "-P", "-U"])[kind]
    rater_id = np.where(
        kind == 0,
        roster.ids[manager],
        np.char.add(np.char.add(roster.ids[manager], tags), number.astype(str)),
    )
    return {
        "manager_id": roster.ids[manager],
        "rater_type": np.asarray(RATER_TYPES)[kind],
        "rater_id": rater_id,
        "score": np.round(np.clip(score, 1.0, 5.0), 1),
    }


def _draw_satisfaction(roster: _Roster, seed: int) -> Columns:
    rng = _rng(seed, "satisfaction")
    count = roster.ids.size
    manager = np.repeat(np.arange(count), rng.integers(5, 11, size=count))
    number = _rank_within(manager)
    score = 4.0 + 0.3 * roster.quality[manager] + 0.7 * rng.normal(size=manager.size)
    return {
        "manager_id": roster.ids[manager],
        "respondent_id": np.char.add(np.char.add(roster.ids[manager], "-C"), _pad2(number)),
        "score": np.round(np.clip(score, 1.0, 5.0)),
    }


def _pad2(numbers: np.ndarray) -> np.ndarray:
    return np.char.zfill(numbers.astype(str), 2)


# ---- AHP judgments ------------------------------------------------------------------------------


def _consistency_ratios(matrix: np.ndarray) -> tuple[float, float]:
    """CR by the geometric-mean weights and by the principal eigenvalue (`ahp`, Saaty's 1980 RI)."""
    n = matrix.shape[0]
    if n <= 2:
        return 0.0, 0.0
    lam_gm = ahp.lambda_max(matrix, ahp.priority_vector(matrix, "geometric_mean"))
    lam_ev = float(np.max(np.linalg.eigvals(matrix).real))
    return tuple(  # type: ignore[return-value]
        ahp.consistency_ratio(ahp.consistency_index(lam, n), n, "saaty_1980")
        for lam in (lam_gm, lam_ev)
    )


def _to_scale(ratio: np.ndarray) -> np.ndarray:
    """Nearest value of Saaty's scale 1/9..9 (in log space)."""
    distance = np.abs(np.log(ratio)[..., None] - np.log(_SCALE))
    return _SCALE[np.argmin(distance, axis=-1)]


def _expert_matrix(weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = weights.size
    felt = weights * np.exp(rng.normal(0.0, 0.2, size=n))
    ratios = felt[:, None] / felt[None, :] * np.exp(rng.normal(0.0, 0.1, size=(n, n)))
    upper = np.triu(_to_scale(ratios), k=1)
    matrix = np.eye(n) + upper
    lower = np.tril_indices(n, k=-1)
    matrix[lower] = 1.0 / matrix.T[lower]
    return matrix


def _break_consistency(matrix: np.ndarray) -> np.ndarray:
    """The same matrix with one judgment changed to the scale value that brings its CR closest
    to _BROKEN_CR: a realistic slip (clearly above the threshold, not absurd)."""
    n = matrix.shape[0]
    best, best_gap = matrix, math.inf
    for i, j in zip(*np.triu_indices(n, k=1), strict=True):  # at most 10 pairs x 17 values
        for value in _SCALE:
            candidate = matrix.copy()
            candidate[i, j], candidate[j, i] = value, 1.0 / value
            ratios = _consistency_ratios(candidate)
            gap = abs(min(ratios) - _BROKEN_CR)
            if min(ratios) > _INCONSISTENT_ABOVE and gap < best_gap:
                best, best_gap = candidate, gap
    return best


def _draw_judgment_matrices(seed: int) -> dict[str, list[np.ndarray]]:
    """Five experts' matrices per matrix id: all consistent except INCONSISTENT_EXPERT on
    INCONSISTENT_MATRIX; the experts' element-wise geometric mean is consistent."""
    rng = _rng(seed, "judgments")
    drawn: dict[str, list[np.ndarray]] = {}
    for matrix_id, weights in TRUE_WEIGHTS.items():  # loops over 4 matrices and 5 experts
        w = np.asarray(weights)
        while True:
            experts = []
            for expert in EXPERTS:
                while True:
                    candidate = _expert_matrix(w, rng)
                    if max(_consistency_ratios(candidate)) < _CONSISTENT_BELOW:
                        break
                if expert == INCONSISTENT_EXPERT and matrix_id == INCONSISTENT_MATRIX:
                    candidate = _break_consistency(candidate)
                experts.append(candidate)
            combined = np.exp(np.mean(np.log(np.stack(experts)), axis=0))
            bad_ok = matrix_id != INCONSISTENT_MATRIX or (
                min(_consistency_ratios(experts[-1])) > _INCONSISTENT_ABOVE
            )
            if bad_ok and max(_consistency_ratios(combined)) < _CONSISTENT_BELOW:
                break
        drawn[matrix_id] = experts
    return drawn


def _judgment_text(value: float) -> str:
    if value >= 1.0:
        return str(round(value))
    return f"1/{round(1.0 / value)}"


def _judgments_table(matrices: Mapping[str, Sequence[np.ndarray]]) -> Columns:
    rows: dict[str, list[str]] = {name: [] for name, _ in TABLE_COLUMNS["judgments"]}
    for matrix_id, experts in matrices.items():
        criteria = MATRIX_CRITERIA[matrix_id]
        upper = np.triu_indices(len(criteria), k=1)
        for expert, matrix in zip(EXPERTS, experts, strict=True):
            for i, j in zip(*upper, strict=True):
                rows["matrix"].append(matrix_id)
                rows["expert"].append(expert)
                rows["criterion_a"].append(criteria[i])
                rows["criterion_b"].append(criteria[j])
                rows["value"].append(_judgment_text(float(matrix[i, j])))
    return {name: np.asarray(values, dtype=str) for name, values in rows.items()}


# ---- shared-pool allocations --------------------------------------------------------------------


_POOL_BUDGET = (0.0085, 0.015)
"""The allocations' budget as a share of the roster's pay base: 0.85 %, which the grade
component alone withholds in any branch under configs/example.yaml (measured: the pool is at
least 0.9 % of the pay base), up to 1.5 % for a branch the size of the example's unit costs."""
_FULL_BRANCH = (60, 300)
"""Managers, and accounts per manager, of a branch whose profit carries the example config's
unit costs (120 000 + 60 000 yuan a month): the default branch."""


def _pool_budget(roster: _Roster, accounts: int) -> float:
    """Yuan the allocations may total: 1.5 % of the pay base for a branch the size of the
    example's (60 managers, 300+ accounts each), shrinking towards 0.85 % for a smaller or
    thinner one, whose unit costs leave little profit pay to withhold from."""
    managers = roster.ids.size
    scale = min(1.0, managers / _FULL_BRANCH[0]) * min(
        1.0, accounts / (_FULL_BRANCH[1] * managers))
    low, high = _POOL_BUDGET
    return (low + (high - low) * scale) * float(roster.columns["pay_base"].sum())


def _draw_pool_allocations(roster: _Roster, seed: int, accounts: int) -> Columns:
    """3–4 approved allocations within `_pool_budget` (at most 1.5 % of the pay base)."""
    rng = _rng(seed, "pool_allocations")
    eligible = np.flatnonzero(~roster.joined & np.isnat(roster.leave))
    rows = min(int(rng.integers(3, 5)), eligible.size)
    reasons = [reason for reason, _ in _POOL_ROWS[:rows]]
    notes = [note for _, note in _POOL_ROWS[:rows]]
    weakest = eligible[np.argsort(roster.quality[eligible], kind="stable")]
    others = rng.permutation(eligible)
    others = others[~np.isin(others, weakest[:2])]
    picked = np.concatenate([weakest[:2], others])[:rows]
    amount = rng.integers(30, 201, size=rows) * 10.0
    budget = _pool_budget(roster, accounts)
    if amount.sum() > budget:
        amount = np.maximum(np.floor(amount * budget / amount.sum() / 10.0) * 10.0, 10.0)
    head = (
        _SURNAMES[int(rng.integers(len(_SURNAMES)))]
        + _GIVEN[int(rng.integers(len(_GIVEN)))]
        + _GIVEN[int(rng.integers(len(_GIVEN)))]
    )
    ids = roster.ids[np.asarray(picked, dtype=np.int64)]
    order = np.lexsort((np.asarray(reasons), ids))
    return {
        "manager_id": ids[order],
        "amount": amount[order],
        "reason": np.asarray(reasons, dtype=str)[order],
        "approved_by": np.full(rows, head),
        "note": np.asarray(notes, dtype=str)[order],
    }


# ---- the branch ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SampleBranch:
    """A generated branch: the small tables in memory; accounts drawn again chunk by chunk."""

    managers: int
    accounts: int
    seed: int
    period: Period
    tables: Mapping[str, Columns]
    _roster: _Roster

    def account_chunks(self) -> Iterator[tuple[Columns, Columns]]:
        """(business, credit_splits) columns for each chunk of ACCOUNT_CHUNK accounts."""
        width = max(6, len(str(self.accounts)))
        for chunk, first, stop in _chunks(self.accounts):
            accounts = _draw_accounts(self._roster, self.period, self.seed, chunk, first, stop)
            yield _account_columns(accounts, self._roster, width)


def generate_branch(
    managers: int, accounts: int, *, seed: int, period: str | Period = "2026-10"
) -> SampleBranch:
    """Draw a synthetic branch of `managers` customer managers and `accounts` accounts."""
    if managers < 1:
        raise ValueError(f"managers must be at least 1, got {managers}")
    if accounts < 0:
        raise ValueError(f"accounts must be 0 or more, got {accounts}")
    if seed < 0:
        raise ValueError(f"seed must be 0 or more, got {seed}")
    period = parse_period(period) if isinstance(period, str) else period
    roster = _draw_roster(managers, period, seed)
    totals = _credited_totals(roster, period, seed, accounts)
    tables = {
        "managers": roster.columns,
        "indicators": _draw_indicators(roster, totals, period, seed),
        "ratings_360": _draw_ratings(roster, seed),
        "satisfaction": _draw_satisfaction(roster, seed),
        "judgments": _judgments_table(_draw_judgment_matrices(seed)),
        "pool_allocations": _draw_pool_allocations(roster, seed, accounts),
    }
    return SampleBranch(managers, accounts, seed, period, tables, roster)


# ---- writing ------------------------------------------------------------------------------------


def _decimal_text(values: np.ndarray, decimals: int):
    """Numbers as text with exactly `decimals` decimals (NaN -> empty), vectorised in Arrow."""
    import pyarrow as pa
    import pyarrow.compute as pc

    missing = np.isnan(values)
    scale = 10**decimals
    units = np.rint(np.abs(np.where(missing, 0.0, values)) * scale).astype(np.int64)
    text = pc.cast(pa.array(units // scale), pa.string())
    if decimals:
        fraction = pc.utf8_lpad(pc.cast(pa.array(units % scale), pa.string()), decimals, "0")
        text = pc.binary_join_element_wise(text, fraction, ".")
    negative = pa.array((values < 0) & (units > 0))
    text = pc.if_else(negative, pc.binary_join_element_wise("-", text, ""), text)
    return pc.if_else(pa.array(missing), pa.scalar(None, pa.string()), text)


def _arrow_table(table: str, columns: Columns, for_csv: bool):
    import pyarrow as pa
    import pyarrow.compute as pc

    arrays, names = [], []
    for name, kind in TABLE_COLUMNS[table]:
        values = columns[name]
        if kind == "text":
            array = pa.array(values.astype(str), type=pa.string(), mask=values == "")
            if for_csv and pc.any(pc.match_substring_regex(array, '[,"\r\n]')).as_py():
                raise ValueError(f"{table}.{name}: generated text must not need CSV quoting")
        elif kind == "date":
            array = pa.array(values.astype("datetime64[D]"), type=pa.date32())
        elif for_csv:
            array = _decimal_text(values.astype(np.float64), int(kind[1:]))
        else:
            array = pa.array(values.astype(np.float64), mask=np.isnan(values.astype(np.float64)))
        arrays.append(array)
        names.append(name)
    return pa.Table.from_arrays(arrays, names=names)


def _write_table(path: Path, table: str, parts: Iterator[Columns], file_format: str) -> None:
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    header = [name for name, _ in TABLE_COLUMNS[table]]
    if file_format == "csv":
        options = pa_csv.WriteOptions(include_header=False, quoting_style="none")
        with path.open("wb") as sink:
            sink.write(("\ufeff" + ",".join(header) + "\n").encode("utf-8"))
            for part in parts:
                data = _arrow_table(table, part, for_csv=True)
                if data.num_rows:
                    pa_csv.write_csv(data, sink, write_options=options)
        return
    with pq.ParquetWriter(path, _parquet_schema(table), compression="zstd") as writer:
        for part in parts:
            writer.write_table(_arrow_table(table, part, for_csv=False))


def _parquet_schema(table: str):
    import pyarrow as pa

    types = {"text": pa.string(), "date": pa.date32()}
    return pa.schema([(name, types.get(kind, pa.float64())) for name, kind in TABLE_COLUMNS[table]])


def write_branch(
    branch: SampleBranch, out_dir: str | Path, *, file_format: SampleFormat = "csv",
    force: bool = False,
) -> tuple[Path, ...]:
    """Write every table of `branch` into `out_dir` (created if needed); returns the files.

    Existing sample tables in `out_dir` (of either format) are replaced only with `force`;
    other files there are never touched. Tables are written to a temporary folder first and
    moved into place only when all of them succeeded.
    """
    if file_format not in ("csv", "parquet"):
        raise ValueError(f"file_format must be 'csv' or 'parquet', got {file_format!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    existing = [
        out / f"{table}.{ext}" for table in TABLE_COLUMNS for ext in ("csv", "parquet")
        if (out / f"{table}.{ext}").exists()
    ]
    if existing and not force:
        listed = ", ".join(p.name for p in existing)
        raise OutputExistsError(
            f"{out}: already holds sample tables ({listed}); use --force to replace them"
        )
    staging = Path(tempfile.mkdtemp(prefix=".sample-", dir=out))
    try:
        written = []
        for table in TABLE_COLUMNS:
            path = staging / f"{table}.{file_format}"
            if table in ("business", "credit_splits"):
                index = 0 if table == "business" else 1
                parts = (pair[index] for pair in branch.account_chunks())
            else:
                parts = iter([branch.tables[table]])
            _write_table(path, table, parts, file_format)
            written.append(path)
        for path in existing:
            path.unlink()
        for path in written:
            os.replace(path, out / path.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return tuple(out / path.name for path in written)
