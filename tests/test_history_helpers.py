"""Helpers of the history tests (a small sample branch run month after month against a real
ledger: SQLite always, PostgreSQL when APPRAISE_TEST_POSTGRES_URL names a server), and the
tests of the period arithmetic they rely on."""

from __future__ import annotations

import copy
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from conftest import require_component
from example_config import example_raw, write_config
from sqlalchemy.engine import URL, make_url

from appraisal.history import ledger_for, open_ledger
from appraisal.history.close import CloseOutcome, close_results
from appraisal.history.periods import next_period, previous_period
from appraisal.pipeline import run
from appraisal.report.writer import write_run
from appraisal.sample import generate_branch, write_branch

POSTGRES_ENV = "APPRAISE_TEST_POSTGRES_URL"
BACKENDS = ("sqlite", "postgresql")


def sample_inputs(folder: Path, *, managers: int = 6, accounts: int = 300) -> Path:
    """A small synthetic branch (no pool allocations) in `folder`."""
    write_branch(generate_branch(managers, accounts, seed=7, period="2026-01"), folder)
    (folder / "pool_allocations.csv").unlink()
    return folder


def scaled_pay_base(inputs: Path, folder: Path, factors: dict[str, float]) -> Path:
    """A copy of `inputs` whose managers' pay_base is multiplied by `factors` (a corrected
    roster), rounded to the cent."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in inputs.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    roster = pd.read_csv(inputs / "managers.csv", dtype="str", keep_default_na=False)
    base = pd.to_numeric(roster["pay_base"], errors="coerce")
    factor = roster["manager_id"].map(factors).fillna(1.0)
    fixed = (base * factor).round(2)
    roster["pay_base"] = [("" if pd.isna(v) else f"{v:.2f}") for v in fixed]
    roster.to_csv(folder / "managers.csv", index=False)
    return folder


def annual_inputs(inputs: Path, folder: Path) -> Path:
    """`inputs` as a bank hands them to a run above the month: the indicators table keeps the
    targets, the actuals (aggregated from the closed months) are blank."""
    if folder.resolve() != inputs.resolve():
        folder.mkdir(parents=True, exist_ok=True)
        for path in inputs.iterdir():
            (folder / path.name).write_bytes(path.read_bytes())
    table = pd.read_csv(folder / "indicators.csv", dtype="str", keep_default_na=False,
                        encoding="utf-8-sig")
    table["actual"] = ""
    table.to_csv(folder / "indicators.csv", index=False)
    return folder


class Months:
    """One unit run month after month: a config per run, results folders, closes."""

    def __init__(self, folder: Path, inputs: Path, ledger_url: str, *, withhold: float = 0.05,
                 history: dict | None = None) -> None:
        self.folder = folder
        self.inputs = inputs
        self.ledger_url = ledger_url
        self.withhold = withhold
        self.history = history or {}
        self.count = 0

    def raw(self, period: str, carry_in: float | None = None) -> dict:
        """The month's config as a mapping (subclasses add their sections)."""
        raw = example_raw()
        raw["period"] = period
        raw["history"] = {"url": self.ledger_url, **self.history}
        raw["inputs"].pop("pool_allocations")
        raw["output"]["statements"] = False
        raw["output"]["files"] = ["managers_csv", "pool_ledger_csv"]
        pool = raw["bonus"]["shared_pool"]
        pool["withhold_rate"] = self.withhold
        pool.pop("carry_in", None)
        if carry_in is not None:
            pool["carry_in"] = carry_in
        return raw

    def config(self, period: str, *, inputs: Path | None = None,
               carry_in: float | None = None) -> Path:
        raw = self.raw(period, carry_in)
        self.count += 1
        where = self.folder / f"config-{self.count:03d}"
        where.mkdir(parents=True)
        source = inputs or self.inputs
        if "annual" in self.history and not re.fullmatch(r"\d{4}-\d{2}", period):
            source = annual_inputs(source, where / "annual-inputs")
        return write_config(where, copy.deepcopy(raw), inputs_from=source)

    def run(self, period: str, *, revision: str | None = None, inputs: Path | None = None,
            carry_in: float | None = None) -> Path:
        config = self.config(period, inputs=inputs, carry_in=carry_in)
        result = run(config, revision=revision)
        return write_run(result, config.parent / "results")

    def close(self, results: Path, *, by: str = "hr-lead", note: str | None = None
              ) -> CloseOutcome:
        ledger = self.ledger()
        try:
            return close_results(ledger, results, by=by, note=note)
        finally:
            ledger.dispose()

    def ledger(self):
        from appraisal.config import load_config

        return ledger_for(load_config(self.config("2026-01")))


def postgres_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


@pytest.fixture
def scratch_postgres(monkeypatch) -> Iterator[str]:
    """A fresh database on the test server; its URL without the password (which goes to
    PGPASSWORD, as a bank's would)."""
    url = postgres_url()
    require_component("PostgreSQL", url is not None,
                      f"set {POSTGRES_ENV} to a server URL (.ci/run starts one)")
    server = make_url(url).set(drivername="postgresql+psycopg")
    name = f"appraise_t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    if server.password:
        monkeypatch.setenv("PGPASSWORD", server.password)
    try:
        bare = URL.create(server.drivername, username=server.username, host=server.host,
                          port=server.port, database=name)
        yield bare.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def ledger_url(request, tmp_path) -> str:
    """The ledger every history test runs against: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "ledger.sqlite")
    return request.getfixturevalue("scratch_postgres")


@pytest.fixture(scope="session")
def small_branch(tmp_path_factory) -> Path:
    return sample_inputs(tmp_path_factory.mktemp("branch"))


def test_previous_and_next_period_of_every_kind():
    pairs = {"2026-01": "2025-12", "2026-10": "2026-09", "2026-Q1": "2025-Q4",
             "2026-H1": "2025-H2", "2026-H2": "2026-H1", "2026": "2025"}
    for label, before in pairs.items():
        assert previous_period(label) == before
        assert next_period(before) == label


def test_open_ledger_migrates_a_new_database_to_head(ledger_url):
    from alembic.runtime.migration import MigrationContext

    from appraisal.history import head_revision

    url = ledger_url if "://" in ledger_url else f"sqlite:///{ledger_url}"
    for _ in range(2):  # a second open finds it at head and changes nothing
        ledger = open_ledger(url)
        with ledger.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == head_revision()
            tables = set(sa.inspect(conn).get_table_names())
        ledger.dispose()
    assert {"period_versions", "manager_figures", "pool_ledger", "retro_adjustments"} <= tables


# ---------------------------------------------------------------- the ledger's invariants


def _frame(conn, sql: str) -> pd.DataFrame:
    result = conn.execute(sa.text(sql))
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def snapshot(ledger) -> dict[str, set]:
    """Every row of every ledger table, to check later that nothing closed changed."""
    from appraisal.history.annual import annual_metadata
    from appraisal.history.deferral import deferral_metadata
    from appraisal.history.schema import IMMUTABLE_TABLES

    tables = dict.fromkeys([*IMMUTABLE_TABLES, *deferral_metadata.tables,
                            *annual_metadata.tables])
    with ledger.engine.connect() as conn:
        return {table: {tuple(row) for row in conn.execute(sa.text(f"SELECT * FROM {table}"))}
                for table in tables}


def check_append_only(before: dict[str, set], after: dict[str, set]) -> None:
    """A close only adds rows: every row seen before is still there, unchanged."""
    for table, rows in before.items():
        assert rows <= after[table], f"{table}: a closed row changed or disappeared"


def check_invariants(ledger, unit: str = "BR01") -> None:
    """Money conserved per manager and the pool chained, to the cent (docs/history.md):

    Σ paid (each period's first version's bonus_final, retro included) + retro still owed
        = Σ earned of each period's latest version (bonus_final − retro_adjustment);
    every version: carry_in + withheld = allocated + redistributed + carry_out;
    every first version: carry_in = carry_out of the previous period's latest version at the
        time + the revised months' pool differences it took;
    carry_in of the first period + Σ (withheld − allocated − redistributed) of the latest
        versions = carry_out of the last period's latest version + differences still pending.
    Runs above the month (annual settlements) pay nothing themselves: their true-up is owed
    as a retro adjustment, so Σ paid + owed = Σ earned + Σ true-ups of the latest settlements.
    """
    from appraisal.history.periods import previous_period
    from appraisal.history.state import outstanding_retro, pending_pool

    with ledger.engine.connect() as conn:
        versions = _frame(conn, "SELECT v.id, v.period, v.version, p.carry_in, p.withheld, "
                                "p.allocated, p.redistributed, p.carry_out "
                                "FROM period_versions v JOIN pool_ledger p "
                                f"ON p.version_id = v.id WHERE v.unit = '{unit}'")
        figures = _frame(conn, "SELECT f.version_id, f.manager_id, f.bonus_final, "
                               "f.retro_adjustment FROM manager_figures f")
        taken = _frame(conn, "SELECT version_id, amount FROM pool_settlements")
        settled = _frame(conn, "SELECT version_id, manager_id, annual_true_up "
                               "FROM annual_settlements")
        owed = outstanding_retro(conn, unit).set_index("manager_id")["due"]
        pending = pending_pool(conn, unit)
    month = versions["period"].str.fullmatch(r"\d{4}-\d{2}")
    spans = versions[~month]
    versions = versions[month]
    if versions.empty:
        return
    money = ["carry_in", "withheld", "allocated", "redistributed", "carry_out"]
    versions[money] = versions[money].astype("int64")
    assert (versions["carry_in"] + versions["withheld"] == versions["allocated"]
            + versions["redistributed"] + versions["carry_out"]).all()
    latest = versions.sort_values("version").groupby("period").tail(1).set_index("period")
    first = versions[versions["version"] == 1].set_index("period")
    taken_by = taken.groupby("version_id")["amount"].sum()
    for period, row in first.iterrows():
        before = versions[(versions["period"] == previous_period(period))
                          & (versions["id"] < row["id"])]
        if before.empty:
            continue
        source = before.sort_values("version").iloc[-1]
        assert row["carry_in"] == source["carry_out"] + int(taken_by.get(row["id"], 0)), period
    periods = sorted(latest.index)
    flows = (latest["withheld"] - latest["allocated"] - latest["redistributed"]).sum()
    assert first.loc[periods[0], "carry_in"] + flows == (
        latest.loc[periods[-1], "carry_out"] + pending)

    figures[["bonus_final", "retro_adjustment"]] = figures[
        ["bonus_final", "retro_adjustment"]].astype("int64")
    paid = figures[figures["version_id"].isin(first["id"])].groupby("manager_id")[
        "bonus_final"].sum()
    last = figures[figures["version_id"].isin(latest["id"])]
    earned = (last["bonus_final"] - last["retro_adjustment"]).groupby(last["manager_id"]).sum()
    span_latest = spans.sort_values("version").groupby("period").tail(1)
    true_ups = settled[settled["version_id"].isin(span_latest["id"])].groupby("manager_id")[
        "annual_true_up"].sum().astype("int64")
    ids = paid.index.union(earned.index).union(owed.index).union(true_ups.index)
    left = paid.reindex(ids, fill_value=0) + owed.reindex(ids, fill_value=0)
    right = earned.reindex(ids, fill_value=0) + true_ups.reindex(ids, fill_value=0)
    assert (left == right).all(), (left - right).to_dict()


def check_refuses_changes(ledger) -> None:
    """A raw UPDATE and DELETE on a closed row raise from the database itself."""
    for statement in ("UPDATE period_versions SET closed_by = 'someone else'",
                      "DELETE FROM manager_figures", "UPDATE pool_ledger SET carry_out = 0"):
        with pytest.raises(sa.exc.DBAPIError, match="closed records are immutable"), \
                ledger.engine.begin() as conn:
            conn.execute(sa.text(statement))
