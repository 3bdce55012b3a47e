"""Helpers of the history tests (a small sample branch run month after month against a real
ledger: SQLite always, PostgreSQL when APPRAISE_TEST_POSTGRES_URL names a server), and the
tests of the period arithmetic they rely on."""

from __future__ import annotations

import copy
import os
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

    def config(self, period: str, *, inputs: Path | None = None,
               carry_in: float | None = None) -> Path:
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
        self.count += 1
        where = self.folder / f"config-{self.count:03d}"
        where.mkdir(parents=True)
        return write_config(where, copy.deepcopy(raw), inputs_from=inputs or self.inputs)

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
