"""The synthetic-branch generator (`appraise sample`) and the committed input_samples/."""

from __future__ import annotations

import re
import shlex
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appraisal import sample
from appraisal.commands.sample import sample_command
from appraisal.errors import OutputExistsError
from appraisal.sample import (
    EXPERTS,
    INCONSISTENT_EXPERT,
    INCONSISTENT_MATRIX,
    INDICATOR_IDS,
    JOB_LEVELS,
    MATRIX_CRITERIA,
    PAY_BASE_BY_LEVEL,
    SPLIT_SHARES,
    TABLE_COLUMNS,
    generate_branch,
    write_branch,
)

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "input_samples"
DOCS = REPO / "docs" / "sample.md"

# Canonical columns of docs/architecture.md "Input tables" (the generator leaves out the optional
# ftp_cost, risk_cost and tax of `business`, and the optional table manager_costs).
ARCHITECTURE_COLUMNS = {
    "managers": ["manager_id", "name", "branch", "sub_branch", "team", "job_level", "hire_date",
                 "leave_date", "pay_base", "position_coefficient"],
    "business": ["account_id", "category", "product", "balance", "revenue", "booking_date",
                 "manager_id"],
    "credit_splits": ["account_id", "manager_id", "share"],
    "indicators": ["manager_id", "indicator", "actual", "target"],
    "ratings_360": ["manager_id", "rater_type", "rater_id", "score"],
    "satisfaction": ["manager_id", "respondent_id", "score"],
    "judgments": ["matrix", "expert", "criterion_a", "criterion_b", "value"],
    "pool_allocations": ["manager_id", "amount", "reason", "approved_by", "note"],
}
PRODUCT_CATEGORY = {
    "demand_deposit": "deposit", "time_deposit": "deposit", "working_capital_loan": "loan",
    "fixed_asset_loan": "loan", "trade_finance_loan": "loan", "settlement_fee": "intermediate",
    "wealth_management_fee": "intermediate", "other_business": "other",
}
# Saaty's random index (Saaty 1980), as in DOMAIN.md: n = 3: 0.58, 4: 0.90, 5: 1.12.
SAATY_RI = {3: 0.58, 4: 0.90, 5: 1.12}


def _read(folder: Path, table: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{table}.csv", encoding="utf-8-sig", dtype=str,
                       keep_default_na=False)


def _write(folder: Path, managers: int, accounts: int, seed: int, **kwargs) -> Path:
    write_branch(generate_branch(managers, accounts, seed=seed), folder, **kwargs)
    return folder


@pytest.fixture(scope="module")
def branch_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("branch"), 60, 20_000, 7)


def _file_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# ---- determinism --------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_same_seed_gives_identical_bytes(tmp_path: Path, file_format: str) -> None:
    first = _write(tmp_path / "a", 30, 3_000, 11, file_format=file_format)
    second = _write(tmp_path / "b", 30, 3_000, 11, file_format=file_format)
    assert len(_file_bytes(first)) == len(TABLE_COLUMNS)
    assert _file_bytes(first) == _file_bytes(second)


def test_different_seed_gives_different_data(tmp_path: Path) -> None:
    first = _file_bytes(_write(tmp_path / "a", 30, 3_000, 11))
    second = _file_bytes(_write(tmp_path / "b", 30, 3_000, 12))
    for table in ("managers", "business", "credit_splits", "indicators", "judgments"):
        assert first[f"{table}.csv"] != second[f"{table}.csv"], table


def test_chunked_accounts_are_continuous(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sample, "ACCOUNT_CHUNK", 1_000)
    folder = _write(tmp_path, 12, 2_500, 3)
    business = _read(folder, "business")
    assert list(business["account_id"]) == [f"A{n:06d}" for n in range(1, 2_501)]
    splits = _read(folder, "credit_splits")
    split_accounts = business.loc[business["manager_id"] == "", "account_id"]
    assert set(splits["account_id"]) == set(split_accounts)
    raw = (folder / "business.csv").read_bytes()
    assert raw.count("\ufeff".encode()) == 1 and raw.count(b"account_id") == 1


# ---- shapes and columns -------------------------------------------------------------------------


def test_tables_have_the_canonical_columns_and_a_bom(branch_dir: Path) -> None:
    for table, columns in ARCHITECTURE_COLUMNS.items():
        raw = (branch_dir / f"{table}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf" + ",".join(columns).encode() + b"\n"), table
        assert [name for name, _ in TABLE_COLUMNS[table]] == columns


def test_row_counts(branch_dir: Path) -> None:
    assert len(_read(branch_dir, "managers")) == 60
    assert len(_read(branch_dir, "business")) == 20_000
    assert len(_read(branch_dir, "indicators")) == 60 * len(INDICATOR_IDS)
    pairs = sum(len(c) * (len(c) - 1) // 2 for c in MATRIX_CRITERIA.values())
    assert len(_read(branch_dir, "judgments")) == pairs * len(EXPERTS) == 125
    assert 3 <= len(_read(branch_dir, "pool_allocations")) <= 4


def test_parquet_holds_the_same_values_as_csv(tmp_path: Path) -> None:
    csv_dir = _write(tmp_path / "csv", 20, 1_500, 5)
    pq_dir = _write(tmp_path / "pq", 20, 1_500, 5, file_format="parquet")
    for table in ("business", "indicators", "managers"):
        from_csv = pd.read_csv(csv_dir / f"{table}.csv", encoding="utf-8-sig")
        from_parquet = pd.read_parquet(pq_dir / f"{table}.parquet")
        assert list(from_parquet.columns) == list(from_csv.columns)
        for column, kind in TABLE_COLUMNS[table]:
            if re.fullmatch(r"d\d", kind):
                np.testing.assert_array_equal(from_parquet[column].to_numpy(float),
                                              from_csv[column].to_numpy(float))


def test_managers_roster_is_realistic(branch_dir: Path) -> None:
    managers = _read(branch_dir, "managers")
    assert managers["manager_id"].is_unique and managers["manager_id"].is_monotonic_increasing
    assert managers["branch"].nunique() == 1
    assert 3 <= managers["sub_branch"].nunique() <= 4
    teams = managers.groupby("sub_branch")["team"].nunique()
    assert teams.between(2, 3).all()
    assert set(managers["job_level"]) <= set(JOB_LEVELS)
    pay = managers["pay_base"].astype(float)
    assert (pay == managers["job_level"].map(PAY_BASE_BY_LEVEL)).all()
    assert managers["name"].str.fullmatch(r"[\u4e00-\u9fff]{2,3}").all()
    hire = pd.to_datetime(managers["hire_date"])
    leave = pd.to_datetime(managers["leave_date"].replace("", None))
    period_start, period_end = pd.Timestamp("2026-10-01"), pd.Timestamp("2026-10-31")
    joined = hire >= period_start
    assert 1 <= joined.sum() <= 4 and (hire <= period_end).all()
    assert ((period_end - hire[~joined]).dt.days / 365.25).between(0.99, 20.01).all()
    assert 1 <= leave.notna().sum() <= 4
    assert leave.dropna().between(period_start, period_end).all()


# ---- business and splits ------------------------------------------------------------------------


def test_business_uses_the_scheme_products_and_has_stock_and_increment(branch_dir: Path) -> None:
    business = _read(branch_dir, "business")
    assert set(business["product"]) == set(PRODUCT_CATEGORY)
    assert (business["category"] == business["product"].map(PRODUCT_CATEGORY)).all()
    assert (business["balance"].astype(float) > 0).all()
    assert (business["revenue"].astype(float) >= 0).all()
    assert business["balance"].str.fullmatch(r"\d+\.\d\d").all()
    booked = pd.to_datetime(business["booking_date"])
    stock = booked < pd.Timestamp("2026-01-01")
    increment = booked.between(pd.Timestamp("2026-01-01"), pd.Timestamp("2026-10-31"))
    assert (stock | increment).all()
    assert 0.6 < stock.mean() < 0.9
    assert booked.min() < pd.Timestamp("2016-01-01")  # stock spread over years
    for category in ("deposit", "loan", "intermediate", "other"):
        in_category = business["category"] == category
        assert stock[in_category].any() and increment[in_category].any(), category
    roster = set(_read(branch_dir, "managers")["manager_id"])
    assert set(business["manager_id"]) - {""} <= roster


def test_about_five_percent_of_accounts_are_split_with_shares_summing_to_one(
    branch_dir: Path,
) -> None:
    business = _read(branch_dir, "business")
    splits = _read(branch_dir, "credit_splits")
    blank = set(business.loc[business["manager_id"] == "", "account_id"])
    assert 0.04 <= len(blank) / len(business) <= 0.06
    assert set(splits["account_id"]) == blank
    assert splits.groupby("account_id").size().eq(2).all()
    assert splits.groupby("account_id")["manager_id"].nunique().eq(2).all()
    shares = splits["share"].astype(float)
    assert splits.assign(share=shares).groupby("account_id")["share"].sum().eq(1.0).all()
    pairs = splits.assign(share=shares).groupby("account_id")["share"].agg(
        lambda s: tuple(sorted(s, reverse=True)))
    assert set(pairs) <= set(SPLIT_SHARES)
    assert (splits.sort_values(["account_id", "manager_id"]).index == splits.index).all()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(managers=st.integers(1, 40), accounts=st.integers(0, 400), seed=st.integers(0, 10**6))
def test_any_branch_credits_every_account_exactly_once(managers: int, accounts: int,
                                                       seed: int) -> None:
    branch = generate_branch(managers, accounts, seed=seed)
    roster = set(branch.tables["managers"]["manager_id"])
    assert len(roster) == managers
    seen = 0
    for business, splits in branch.account_chunks():
        seen += business["account_id"].size
        direct = business["manager_id"] != ""
        assert set(business["manager_id"][direct]) <= roster
        split_ids = business["account_id"][~direct]
        assert np.array_equal(np.unique(splits["account_id"]), np.sort(split_ids))
        totals = pd.Series(splits["share"]).groupby(splits["account_id"]).sum()
        assert (totals == 1.0).all()
        assert set(splits["manager_id"]) <= roster
    assert seen == accounts
    indicators = branch.tables["indicators"]
    assert indicators["manager_id"].size == managers * len(INDICATOR_IDS)
    assert np.all(np.isfinite(indicators["target"]) | (indicators["indicator"] ==
                                                       "medical_balance_rate"))


# ---- indicators, ratings, satisfaction, pool ----------------------------------------------------


def test_every_manager_has_every_indicator(branch_dir: Path) -> None:
    indicators = _read(branch_dir, "indicators")
    managers = _read(branch_dir, "managers")["manager_id"]
    full = pd.MultiIndex.from_product([managers, INDICATOR_IDS])
    assert indicators.set_index(["manager_id", "indicator"]).index.equals(full)
    by = indicators.set_index("indicator")
    assert (by.loc["rorac", "actual"] == "").all()
    assert (by.loc["rorac", "target"].astype(float) > 0).all()
    assert (by.loc["medical_balance_rate", "target"] == "").all()
    assert by.loc["medical_balance_rate", "actual"].astype(float).between(0, 100).all()
    others = by.drop(index=["rorac", "medical_balance_rate"])
    assert (others["actual"] != "").all() and (others["target"].astype(float) > 0).all()
    for percent in ("npl_ratio", "approval_pass_rate", "file_completeness", "exam_score"):
        assert by.loc[percent, "actual"].astype(float).between(0, 100).all(), percent
    # plan actuals are the credited business: deposits in yuan, tens of millions per manager
    deposits = by.loc["deposit_plan", "actual"].astype(float)
    assert deposits.median() > 1e6


def test_360_ratings_have_several_raters_and_a_couple_missing_types(branch_dir: Path) -> None:
    ratings = _read(branch_dir, "ratings_360")
    assert set(ratings["rater_type"]) == {"self", "superior", "peer", "subordinate"}
    assert ratings["score"].astype(float).between(1, 5).all()
    counts = ratings.groupby(["manager_id", "rater_type"]).size().unstack(fill_value=0)
    assert (counts["self"] == 1).all()
    assert (counts[["superior", "peer", "subordinate"]] == 0).any(axis=1).sum() == 2
    assert counts["peer"].max() >= 3 and counts["subordinate"].max() >= 2
    satisfaction = _read(branch_dir, "satisfaction")
    assert satisfaction.groupby("manager_id").size().between(5, 10).all()
    assert set(satisfaction["score"]) <= {"1", "2", "3", "4", "5"}


def test_pool_allocations_are_small_reasoned_and_approved(branch_dir: Path) -> None:
    pool = _read(branch_dir, "pool_allocations")
    managers = _read(branch_dir, "managers").set_index("manager_id")
    assert {"special_factor", "diligence", "other"} <= set(pool["reason"])
    amounts = pool["amount"].astype(float)
    assert amounts.between(10, 2_000).all()
    assert amounts.sum() <= 0.015 * managers["pay_base"].astype(float).sum()
    assert (managers.loc[pool["manager_id"], "leave_date"] == "").all()
    assert (pool["approved_by"] != "").all() and (pool["note"] != "").all()


# ---- AHP judgments ------------------------------------------------------------------------------


def _consistency_ratio(matrix: np.ndarray) -> float:
    """Saaty: w by row geometric mean, λmax = mean (A·w)_i / w_i, CI = (λmax − n)/(n − 1),
    CR = CI / RI(n)."""
    n = matrix.shape[0]
    w = np.exp(np.log(matrix).mean(axis=1))
    w /= w.sum()
    lam = float(np.mean(matrix @ w / w))
    return (lam - n) / (n - 1) / SAATY_RI[n]


def test_inline_consistency_ratio_matches_the_source_example() -> None:
    source = np.array(
        [[1, 2, 3, 5], [1 / 2, 1, 2, 3], [1 / 3, 1 / 2, 1, 2], [1 / 5, 1 / 3, 1 / 2, 1]]
    )
    # DOMAIN.md: λmax ≈ 4.0145, CR ≈ 0.005 (< 0.1); tolerance 5e-4
    assert _consistency_ratio(source) == pytest.approx(0.0054, abs=5e-4)


def _matrices(judgments: pd.DataFrame) -> dict[tuple[str, str], np.ndarray]:
    found = {}
    for (matrix_id, expert), rows in judgments.groupby(["matrix", "expert"], sort=False):
        criteria = MATRIX_CRITERIA[matrix_id]
        a = np.eye(len(criteria))
        for row in rows.itertuples():
            i, j = criteria.index(row.criterion_a), criteria.index(row.criterion_b)
            assert i < j, "upper-triangle pairs only"
            a[i, j] = float(Fraction(row.value))
            a[j, i] = 1.0 / a[i, j]
        found[matrix_id, expert] = a
    return found


@pytest.mark.parametrize("seed", [7, 2026, 99])
def test_judgments_mostly_consistent_one_expert_not_group_consistent(tmp_path: Path,
                                                                     seed: int) -> None:
    folder = _write(tmp_path, 5, 0, seed)
    judgments = _read(folder, "judgments")
    assert judgments["value"].str.fullmatch(r"[1-9]|1/[2-9]").all()
    assert set(judgments["expert"]) == set(EXPERTS)
    matrices = _matrices(judgments)
    assert set(matrices) == {(m, e) for m in MATRIX_CRITERIA for e in EXPERTS}
    try:
        from appraisal.ahp import analyse_matrix
    except ImportError:  # the AHP module is written in parallel; the inline CR suffices
        analyse_matrix = None
    for (matrix_id, expert), a in matrices.items():
        cr = _consistency_ratio(a)
        if analyse_matrix is not None:
            assert analyse_matrix(a).consistency_ratio == pytest.approx(cr, abs=1e-9)
        if (matrix_id, expert) == (INCONSISTENT_MATRIX, INCONSISTENT_EXPERT):
            assert cr > 0.1
        else:
            assert cr < 0.1, (matrix_id, expert, cr)
    for matrix_id in MATRIX_CRITERIA:
        stack = np.stack([matrices[matrix_id, e] for e in EXPERTS])
        combined = np.exp(np.log(stack).mean(axis=0))
        assert _consistency_ratio(combined) < 0.1, matrix_id


# ---- command and committed sample ---------------------------------------------------------------


def test_existing_tables_are_not_overwritten_without_force(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["--managers", "5", "--accounts", "50", "--seed", "1", "--out", str(tmp_path)]
    (tmp_path / "notes.txt").write_text("keep me")
    assert runner.invoke(sample_command, args).exit_code == 0
    again = runner.invoke(sample_command, args)
    assert isinstance(again.exception, OutputExistsError)
    assert "--force" in str(again.exception) and "managers.csv" in str(again.exception)
    forced = runner.invoke(sample_command, [*args, "--force", "--format", "parquet"])
    assert forced.exit_code == 0, forced.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(["notes.txt", *(f"{t}.parquet" for t in TABLE_COLUMNS)])
    assert (tmp_path / "notes.txt").read_text() == "keep me"


def test_bad_period_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(sample_command, ["--out", str(tmp_path), "--period", "2026-13"])
    assert result.exit_code == 2
    assert "period month must be 01..12" in result.output


def _documented_command() -> list[str]:
    text = DOCS.read_text(encoding="utf-8")
    made_it = re.compile(r"appraise sample .*--out\s+input_samples\b")
    lines = [line.strip() for line in text.splitlines() if made_it.match(line.strip())]
    assert len(lines) == 1, "docs/sample.md must show the one command that made input_samples/"
    return shlex.split(lines[0])[2:]


def test_committed_input_samples_equal_a_fresh_generation(tmp_path: Path) -> None:
    args = _documented_command()
    out = args.index("--out")
    args[out + 1] = str(tmp_path)
    result = CliRunner().invoke(sample_command, args)
    assert result.exit_code == 0, result.output
    fresh = _file_bytes(tmp_path)
    committed = {name: data for name, data in _file_bytes(SAMPLES).items() if name in fresh}
    assert sorted(fresh) == sorted(committed)
    for name in fresh:
        assert fresh[name] == committed[name], f"input_samples/{name} differs from a fresh run"
    assert sum(len(data) for data in fresh.values()) < 2_000_000


@pytest.mark.parametrize(
    ("managers", "accounts", "seed", "period", "message"),
    [
        (0, 10, 1, "2026-10", "managers must be at least 1, got 0"),
        (5, -1, 1, "2026-10", "accounts must be 0 or more, got -1"),
        (5, 10, -3, "2026-10", "seed must be 0 or more, got -3"),
        (5, 10, 1, "October", "period must look like 2026-10"),
    ],
)
def test_bad_arguments_are_refused_with_a_message(managers: int, accounts: int, seed: int,
                                                  period: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        generate_branch(managers, accounts, seed=seed, period=period)
