"""The history ledger end to end: close, refuse, revise, carry the pool, pay retro adjustments,
report; every bad request checked by its message. SQLite always; PostgreSQL with
APPRAISE_TEST_POSTGRES_URL (skipped with a reason otherwise, required under CI=true)."""

from __future__ import annotations

import json
import multiprocessing
import shutil
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
import test_history_helpers as helpers
import yaml
from click.testing import CliRunner
from example_config import example_raw, write_config
from test_history_helpers import Months, scaled_pay_base

from appraisal.cli import main
from appraisal.commands.history import close_line
from appraisal.config import load_config
from appraisal.errors import ConfigError
from appraisal.history import HistoryError, shown_url
from appraisal.history import ledger_url as resolve_url
from appraisal.history.close import close_results
from appraisal.history.schema import IMMUTABLE_TABLES
from appraisal.pipeline import run

SECRET = "s3cret-Pa55"
ledger_url = helpers.ledger_url  # the fixtures every history test shares
scratch_postgres = helpers.scratch_postgres
small_branch = helpers.small_branch


def _invoke(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _cents(results: Path, name: str = "managers.csv") -> pd.DataFrame:
    return pd.read_csv(results / name, dtype={"manager_id": "str"}, encoding="utf-8-sig")


@pytest.fixture
def months(tmp_path, small_branch, ledger_url) -> Months:
    return Months(tmp_path, small_branch, ledger_url)


# ---------------------------------------------------------------- close


def test_close_records_the_next_version_and_a_second_close_is_a_no_op(months):
    results = months.run("2026-01")
    first = months.close(results, by="王经理", note="October payroll")
    assert (first.version, first.already_closed) == (1, False)
    again = months.close(results)
    assert again.already_closed and again.version == 1
    assert "already closed as 2026-01 version 1" in close_line(again, "en")
    ledger = months.ledger()
    with ledger.engine.connect() as conn:
        row = conn.execute(sa.text("SELECT closed_by, note, managers, bonus_final, "
                                   "config_sha256 FROM period_versions")).one()
        figures = conn.execute(sa.text("SELECT SUM(bonus_final) FROM manager_figures")).scalar()
        inputs = conn.execute(sa.text("SELECT COUNT(*) FROM input_files")).scalar()
    ledger.dispose()
    managers = _cents(results)
    assert row.closed_by == "王经理" and row.note == "October payroll"
    assert row.managers == len(managers) and len(row.config_sha256) == 64
    expected = round(managers["bonus_final"].sum() * 100)
    assert row.bonus_final == figures == expected
    assert inputs >= 5


def test_closing_a_modified_results_folder_names_every_changed_file(months):
    results = months.run("2026-01")
    managers = results / "managers.csv"
    managers.write_text(managers.read_text(encoding="utf-8-sig").replace(".", ",", 1),
                        encoding="utf-8-sig")
    (results / "notes.txt").write_text("mine")
    (results / "pool_ledger.csv").unlink()
    with pytest.raises(HistoryError) as caught:
        months.close(results)
    message = str(caught.value)
    assert "managers.csv: modified since the run" in message
    assert "pool_ledger.csv: missing" in message
    assert "notes.txt: not written by the run" in message
    assert "corrections go into the inputs" in message


def test_cli_close_of_a_modified_folder_exits_2_and_records_nothing(months):
    results = months.run("2026-01")
    (results / "manifest.json").write_text("{}")
    outcome = _invoke("close", results, "--by", "hr")
    assert outcome.exit_code == 2
    assert "lists no output files" in outcome.output
    assert "Traceback" not in outcome.output


def test_results_of_a_run_without_a_ledger_cannot_be_closed(tmp_path, months):
    raw = example_raw()
    raw["language"] = "en"  # close follows the run's language; the test reads the English text
    raw["output"].update(statements=False, files=["managers_csv", "pool_ledger_csv"])
    config = write_config(tmp_path, raw)
    outcome = _invoke("run", config, "--out", tmp_path / "plain", "--quiet")
    assert outcome.exit_code == 0, outcome.output
    closed = _invoke("close", tmp_path / "plain", "--by", "hr")
    assert closed.exit_code == 2
    assert "this run had no history: ledger configured" in closed.output
    ledger = months.ledger()
    with pytest.raises(HistoryError, match="add history: to the config, re-run, then close"):
        close_results(ledger, tmp_path / "plain", by="hr")
    ledger.dispose()


def test_a_closed_period_refuses_a_run_without_revision(months):
    months.close(months.run("2026-01"))
    config = months.config("2026-01")
    outcome = _invoke("run", config, "--out", config.parent / "again", "--quiet",
                      "--set", "language=en")
    assert outcome.exit_code == 2
    assert "period 2026-01 of unit BR01 is closed (version 1, closed by hr-lead" in outcome.output
    assert '--revision "reason"' in outcome.output
    assert not (config.parent / "again").exists()


def test_revision_without_a_ledger_is_a_config_error(tmp_path):
    config = write_config(tmp_path, example_raw())
    with pytest.raises(ConfigError, match="--revision needs a history: section"):
        run(config, revision="fix")


def test_stale_results_are_refused_when_the_period_was_closed_meanwhile(months):
    first = months.run("2026-01")
    second = months.run("2026-01")
    months.close(first)
    with pytest.raises(HistoryError, match=r"was closed as version 1 by hr-lead .* after these "
                                           r"results were computed; nothing was recorded"):
        months.close(second)


def _close_in_process(args: tuple[str, str, str]) -> str:
    config, results, by = args
    from appraisal.config import load_config as load
    from appraisal.history import HistoryError as Refused
    from appraisal.history import ledger_for
    from appraisal.history.close import close_results as close

    ledger = ledger_for(load(config))
    try:
        return "won: " + close_line(close(ledger, results, by=by), "en")
    except Refused as exc:
        return f"lost: {exc}"
    finally:
        ledger.dispose()


def test_two_concurrent_closes_of_one_period_never_both_succeed(months):
    results = [months.run("2026-01") for _ in range(2)]
    config = str(months.config("2026-01"))
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        outcomes = pool.map(_close_in_process,
                            [(config, str(results[0]), "a"), (config, str(results[1]), "b")])
    assert sorted(o.split(":")[0] for o in outcomes) == ["lost", "won"]
    lost = next(o for o in outcomes if o.startswith("lost"))
    assert "nothing was recorded" in lost
    ledger = months.ledger()
    with ledger.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM period_versions")).scalar() == 1
    ledger.dispose()


def test_the_unique_version_refuses_a_second_row_for_the_same_period(months):
    months.close(months.run("2026-01"))
    ledger = months.ledger()
    with pytest.raises(sa.exc.IntegrityError), ledger.engine.begin() as conn:
        row = conn.execute(sa.text("SELECT * FROM period_versions")).mappings().one()
        copy = {k: v for k, v in row.items() if k != "id"} | {"results_sha256": "0" * 64}
        conn.execute(sa.text(f"INSERT INTO period_versions ({', '.join(copy)}) VALUES "
                             f"({', '.join(':' + k for k in copy)})"), copy)
    ledger.dispose()


# ---------------------------------------------------------------- immutability


def test_the_database_refuses_update_and_delete_of_every_closed_row(months):
    months.close(months.run("2026-01"))
    corrected = scaled_pay_base(months.inputs, months.folder / "fixed", {"M0001": 0.5})
    months.close(months.run("2026-01", revision="roster fix", inputs=corrected))
    months.close(months.run("2026-02"))
    ledger = months.ledger()
    refused = []
    for table in IMMUTABLE_TABLES:
        with ledger.engine.connect() as conn:
            count = conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar()
        if not count:
            continue
        column = "status" if table == "period_versions" else "version_id"
        value = "'open'" if table == "period_versions" else "version_id"
        for statement in (f"UPDATE {table} SET {column} = {value}", f"DELETE FROM {table}"):
            with pytest.raises(sa.exc.DBAPIError, match="closed records are immutable"), \
                    ledger.engine.begin() as conn:
                conn.execute(sa.text(statement))
            refused.append(table)
    if ledger.dialect == "postgresql":
        with pytest.raises(sa.exc.DBAPIError, match="closed records are immutable"), \
                ledger.engine.begin() as conn:
            conn.execute(sa.text("TRUNCATE manager_figures"))
    ledger.dispose()
    assert {"period_versions", "manager_figures", "manager_amounts", "pool_ledger",
            "retro_adjustments", "retro_settlements", "input_files", "output_files"} <= set(refused)


# ---------------------------------------------------------------- carry-in


def test_carry_in_chains_from_the_previous_closed_period(months):
    january = months.run("2026-01")
    months.close(january)
    february = months.run("2026-02")
    before = _cents(january, "pool_ledger.csv")
    after = _cents(february, "pool_ledger.csv")
    assert after["carry_in"].iloc[0] == before["carry_out"].iloc[0]
    assert after["carry_in"].iloc[0] > 0
    manifest = json.loads((february / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["audit"]["history"]["carry_in_source"] == (
        "ledger: carry-out of 2026-01 version 1")


def test_an_explicit_carry_in_that_disagrees_with_the_ledger_needs_a_revision(months):
    months.close(months.run("2026-01"))
    with pytest.raises(HistoryError) as caught:
        months.run("2026-02", carry_in=1.23)
    message = str(caught.value)
    assert "bonus.shared_pool.carry_in is 1.23 but the ledger says" in message
    assert "carry-out of 2026-01 version 1" in message and "--revision" in message
    explained = months.run("2026-02", carry_in=1.23, revision="pool audit: 1.23 agreed")
    assert _cents(explained, "pool_ledger.csv")["carry_in"].iloc[0] == 1.23


def test_a_gap_in_the_chain_is_refused(months):
    months.close(months.run("2026-01"))
    with pytest.raises(HistoryError, match="not 2026-02, the period before 2026-03; close it "
                                           "first"):
        months.run("2026-03")


def test_carry_in_from_history_without_a_ledger_is_a_config_error(tmp_path):
    raw = example_raw()
    raw["bonus"]["shared_pool"]["carry_in"] = "from_history"
    with pytest.raises(ConfigError, match="from_history needs a history: section"):
        load_config(write_config(tmp_path, raw))


# ---------------------------------------------------------------- revisions and retro


def test_a_revision_shows_old_new_delta_and_its_deltas_are_paid_next_period(months):
    january = months.run("2026-01")
    months.close(january)
    corrected = scaled_pay_base(months.inputs, months.folder / "fixed", {"M0001": 1.5})
    revised = months.run("2026-01", revision="pay base of M0001 corrected", inputs=corrected)
    table = _cents(revised, "revision.csv").set_index("manager_id")
    old = _cents(january).set_index("manager_id")
    new = _cents(revised).set_index("manager_id")
    assert table.loc["M0001", "changed"]
    assert table.loc["M0001", "bonus_final_old"] == old.loc["M0001", "bonus_final"]
    assert table.loc["M0001", "bonus_final_new"] == new.loc["M0001", "bonus_final"]
    delta = round(new.loc["M0001", "bonus_final"] - old.loc["M0001", "bonus_final"], 2)
    assert delta > 0 and table.loc["M0001", "bonus_final_delta"] == pytest.approx(delta, abs=1e-9)
    assert {"grade_old", "grade_new", "profit_band_old", "profit_band_new",
            "bonus_gross_delta"} <= set(table.columns)
    assert table.loc["M0001", "revision_reason"] == "pay base of M0001 corrected"
    outcome = months.close(revised)
    assert outcome.version == 2 and outcome.revision_of == 1 and outcome.retro_adjustments >= 1

    february = months.run("2026-02")
    paid = _cents(february).set_index("manager_id")
    assert paid.loc["M0001", "retro_adjustment"] == pytest.approx(delta, abs=1e-9)
    assert paid.loc["M0001", "retro_source"] == "2026-01 v2: pay base of M0001 corrected"
    earned = paid["bonus_gross"] - paid["withheld"] + paid["pool_allocation"] + \
        paid["pool_redistributed"] + paid["retro_adjustment"]
    assert (earned.round(2) == paid["bonus_final"]).all()
    months.close(february)
    march = _cents(months.run("2026-03")).set_index("manager_id")
    assert march["retro_adjustment"].abs().sum() == 0  # paid once, never again


def test_a_negative_retro_is_recovered_never_below_zero_and_the_rest_carries(
        tmp_path, small_branch, ledger_url):
    months = Months(tmp_path, small_branch, ledger_url)
    january = months.run("2026-01")
    months.close(january)
    corrected = scaled_pay_base(months.inputs, months.folder / "fixed", {"M0002": 0.0})
    months.close(months.run("2026-01", revision="M0002 was not eligible", inputs=corrected))
    owed = -_cents(january).set_index("manager_id").loc["M0002", "bonus_final"]
    assert owed < 0
    # February pays M0002 nothing to recover from: pay base 0 in the corrected roster
    february = _cents(months.run("2026-02", inputs=corrected)).set_index("manager_id")
    row = february.loc["M0002"]
    assert row["bonus_final"] >= 0
    assert row["retro_due"] == pytest.approx(owed, abs=1e-9)
    assert row["retro_adjustment"] == pytest.approx(-(row["bonus_final"] - row["retro_adjustment"]),
                                                    abs=1e-9)
    assert row["retro_carried"] == pytest.approx(owed - row["retro_adjustment"], abs=1e-9)


def test_allow_negative_recovers_the_whole_delta_at_once(tmp_path, small_branch, ledger_url):
    months = Months(tmp_path, small_branch, ledger_url,
                    history={"negative_retro": "allow_negative"})
    january = months.run("2026-01")
    months.close(january)
    corrected = scaled_pay_base(months.inputs, months.folder / "fixed", {"M0002": 0.0})
    months.close(months.run("2026-01", revision="M0002 was not eligible", inputs=corrected))
    owed = -_cents(january).set_index("manager_id").loc["M0002", "bonus_final"]
    february = _cents(months.run("2026-02", inputs=corrected)).set_index("manager_id")
    assert february.loc["M0002", "retro_adjustment"] == pytest.approx(owed, abs=1e-9)
    assert february.loc["M0002", "bonus_final"] < 0


# ---------------------------------------------------------------- change on last period


def test_period_change_explains_each_change_by_its_largest_driver(months):
    january = months.run("2026-01")
    months.close(january)
    corrected = scaled_pay_base(months.inputs, months.folder / "fixed", {"M0003": 2.0})
    february = months.run("2026-02", inputs=corrected)
    change = _cents(february, "period_change.csv").set_index("manager_id")
    managers = _cents(february).set_index("manager_id")
    old = _cents(january).set_index("manager_id")
    parts = ["profit_band_change", "grade_change", "cap_floor_change", "pool_change",
             "retro_adjustment_change"]
    assert (change[parts].sum(axis=1).round(2) == change["final_change"].round(2)).all()
    assert (change["previous_final"] == old.loc[change.index, "bonus_final"]).all()
    assert (managers.loc[change.index, "final_change"] == change["final_change"]).all()
    row = change.loc["M0003"]
    assert row["final_change"] > 0 and row["change_driver"] in ("profit_band", "grade")
    assert row["driver_change"] == max(row[parts], key=abs)


# ---------------------------------------------------------------- reporting


def test_history_lists_versions_and_one_managers_pay_and_exports_csv(months, tmp_path):
    january = months.run("2026-01")
    months.close(january, by="alice")
    corrected = scaled_pay_base(months.inputs, months.folder / "fixed", {"M0001": 1.5})
    months.close(months.run("2026-01", revision="roster fix", inputs=corrected), by="bob")
    months.close(months.run("2026-02"), by="alice")
    config = months.config("2026-01")
    raw = {**months.raw("2026-01"), "language": "en"}  # the lines follow the config's language
    (months.folder / "en").mkdir()
    english = write_config(months.folder / "en", raw, inputs_from=months.inputs)
    listing = _invoke("history", "--config", english)
    assert listing.exit_code == 0, listing.output
    lines = listing.output.splitlines()
    assert len(lines) == 3 and "2026-01 v2 closed" in lines[1] and "reason: roster fix" in lines[1]
    assert "closed by bob" in lines[1]
    mine = _invoke("history", "--config", config, "--manager", "M0001", "--json")
    rows = json.loads(mine.output)
    assert [(r["period"], r["version"], r["payable"]) for r in rows] == [
        ("2026-01", 1, True), ("2026-01", 2, False), ("2026-02", 1, True)]
    assert rows[1]["retro_created"] == rows[2]["retro_adjustment"] != 0
    out = tmp_path / "payroll.csv"
    exported = _invoke("history", "export", "--config", config, "--out", out)
    assert exported.exit_code == 0, exported.output
    frame = pd.read_csv(out, encoding="utf-8-sig", dtype={"manager_id": "str"})
    payable = frame[frame["payable"]]
    assert set(payable["period"]) == {"2026-01", "2026-02"}
    first = _cents(january).set_index("manager_id")["bonus_final"]
    jan = payable[payable["period"] == "2026-01"].set_index("manager_id")["bonus_final"]
    assert (jan == first.loc[jan.index]).all()


def test_history_needs_one_ledger(months):
    outcome = _invoke("history")
    assert outcome.exit_code == 2 and "--config CONFIG" in outcome.output


# ---------------------------------------------------------------- credentials


def test_a_password_in_the_url_is_refused_without_echoing_it(tmp_path):
    raw = example_raw()
    raw["history"] = {"url": f"postgresql://hr:{SECRET}@db.example/ledger"}
    with pytest.raises(ConfigError) as caught:
        load_config(write_config(tmp_path, raw))
    assert "must not carry a password" in str(caught.value)
    assert SECRET not in str(caught.value)


def test_passwords_come_from_the_environment_or_a_file_and_are_never_shown(tmp_path,
                                                                          monkeypatch):
    from appraisal.config.history import HistoryConfig

    monkeypatch.setenv("LEDGER_PW", SECRET)
    url = resolve_url(HistoryConfig(url="postgresql://hr@db.example:5432/ledger",
                                    password_env="LEDGER_PW"), tmp_path)
    assert url.password == SECRET and url.drivername == "postgresql+psycopg"
    assert SECRET not in shown_url(url) and "***" in shown_url(url)
    (tmp_path / "pw.txt").write_text(SECRET + "\n")
    from_file = resolve_url(HistoryConfig(url="postgresql://hr@db.example/ledger",
                                          password_file="pw.txt"), tmp_path)
    assert from_file.password == SECRET
    monkeypatch.delenv("LEDGER_PW")
    with pytest.raises(HistoryError, match="LEDGER_PW is not set"):
        resolve_url(HistoryConfig(url="postgresql://hr@db/l", password_env="LEDGER_PW"),
                    tmp_path)


def test_a_failed_connection_never_shows_the_password(tmp_path, monkeypatch):
    from appraisal.history import open_ledger

    monkeypatch.setenv("PGPASSWORD", SECRET)
    with pytest.raises(HistoryError) as caught:
        open_ledger(f"postgresql+psycopg://hr:{SECRET}@127.0.0.1:1/ledger")
    assert SECRET not in str(caught.value) and "cannot connect" in str(caught.value)


def test_the_manifest_and_workbook_never_hold_the_ledger_password(tmp_path, small_branch,
                                                                  scratch_postgres, monkeypatch):
    password = __import__("os").environ["PGPASSWORD"]
    months = Months(tmp_path, small_branch, scratch_postgres)
    config = months.config("2026-01")
    raw = yaml.safe_load(config.read_text(encoding="utf-8"))
    raw["output"]["files"] = ["managers_csv", "pool_ledger_csv", "bonus_sheet"]
    config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    outcome = _invoke("run", config, "--out", tmp_path / "r", "--quiet")
    assert outcome.exit_code == 0, outcome.output
    for path in (tmp_path / "r").rglob("*"):
        if path.is_file():
            assert password.encode() not in path.read_bytes(), path.name
    import zipfile

    with zipfile.ZipFile(tmp_path / "r" / "bonus_sheet.xlsx") as book:
        for name in book.namelist():
            assert password.encode() not in book.read(name)


# ---------------------------------------------------------------- runs without history


def test_a_run_without_history_has_no_history_columns_or_tables(tmp_path):
    raw = example_raw()
    raw["output"]["statements"] = False
    config = write_config(tmp_path, raw)
    result = run(config)
    assert result.extra == ()
    history_columns = {"retro_adjustment", "retro_due", "previous_final", "change_driver"}
    assert not history_columns & set(result.managers.columns)
    assert "history" not in result.audit
    assert "retro_adjustment" not in result.columns
    assert "history" not in result.config.model_dump(mode="json")  # manifest and workbook


def test_relative_sqlite_paths_resolve_against_the_config_folder(tmp_path):
    raw = example_raw()
    raw["history"] = {"url": "sqlite:///ledgers/bank.sqlite"}
    config = load_config(write_config(tmp_path, raw))
    url = resolve_url(config.config.history, config.base_dir)
    assert Path(url.database) == tmp_path.resolve() / "ledgers" / "bank.sqlite"
    raw["history"] = {}
    default = load_config(write_config(tmp_path, raw))
    assert Path(resolve_url(default.config.history, default.base_dir).database) == (
        tmp_path.resolve() / "history.sqlite")
    shutil.rmtree(tmp_path / "ledgers", ignore_errors=True)
