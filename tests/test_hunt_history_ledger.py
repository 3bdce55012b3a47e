"""Fault hunt on the history ledger, as a bank user would meet the faults: a ledger URL typed
wrong, a schema from another engine version, a ledger that cannot be written, a results
folder whose manifest was edited, a closed row rewritten with SQLite's REPLACE, an export of
names an old ledger holds that a spreadsheet would run as formulas. Each checks its message."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
import test_history_helpers as helpers
from click.testing import CliRunner
from sqlalchemy.engine import make_url
from test_history_helpers import Months

from appraisal.cli import main
from appraisal.commands.history import close_line
from appraisal.history import HistoryError

ledger_url = helpers.ledger_url  # the fixtures every history test shares
scratch_postgres = helpers.scratch_postgres
small_branch = helpers.small_branch


def _invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def _sqlite(path) -> str:
    return f"sqlite:///{path}"


# ---------------------------------------------------------------- history export


def test_export_writes_formula_like_texts_of_an_old_ledger_with_a_quote(tmp_path, small_branch,
                                                                       ledger_url):
    months = Months(tmp_path, small_branch, ledger_url)
    months.close(months.run("2026-01"), by="alice")
    ledger = months.ledger()
    with ledger.engine.begin() as conn:  # what an engine before the formula check closed
        row = dict(conn.execute(sa.text("SELECT * FROM period_versions")).mappings().one())
        old = {k: v for k, v in row.items() if k != "id"} | {
            "period": "2025-12", "results_sha256": "0" * 64, "closed_by": "=cmd|' /C calc'!A0",
            "reason": "+1+1"}
        conn.execute(sa.text(f"INSERT INTO period_versions ({', '.join(old)}) VALUES "
                             f"({', '.join(':' + k for k in old)})"), old)
        new_id = conn.execute(sa.text("SELECT id FROM period_versions WHERE period = '2025-12'")
                              ).scalar()
        conn.execute(sa.text(
            "INSERT INTO manager_figures (version_id, manager_id, name, grade, bonus_gross, "
            "withheld, pool_allocation, pool_redistributed, retro_adjustment, bonus_final, "
            "row_json) VALUES (:v, '@SUM(1)', '=HYPERLINK(\"http://x\")', '-2+3', 100, 0, 0, 0, "
            "0, 100, '{}'), (:v, 'M7', '- note', 'A', 100, 0, 0, 0, 0, 100, '{}')"),
            {"v": new_id})
    ledger.dispose()
    out = tmp_path / "payroll.csv"
    url = ledger_url if "://" in ledger_url else _sqlite(ledger_url)
    done = _invoke("history", "export", "--ledger", url, "--out", out, "--period", "2025-12")
    assert done.exit_code == 0, done.output
    text = out.read_text(encoding="utf-8-sig")
    assert "'@SUM(1)" in text and "'=HYPERLINK(\"\"http://x\"\")" in text
    assert "'=cmd|' /C calc'!A0" in text and "'+1+1" in text and "'-2+3" in text
    assert ",- note," in text  # a dash a person may mean stays as typed
    assert "\n=" not in text and ",=" not in text and ",@" not in text and ",+" not in text


# ---------------------------------------------------------------- ledger URLs


def _closed_ledger(tmp_path, small_branch) -> Months:
    months = Months(tmp_path, small_branch, str(tmp_path / "ledger.sqlite"))
    months.close(months.run("2026-01"), by="alice")
    return months


def test_a_ledger_url_typed_wrong_is_refused_naming_it(tmp_path, small_branch, monkeypatch):
    _closed_ledger(tmp_path, small_branch)
    (tmp_path / "afolder").mkdir()
    monkeypatch.chdir(tmp_path)
    expected = {
        "mysql://hr@db/ledger": "--ledger: the ledger runs on SQLite or PostgreSQL, not mysql",
        "http://example/ledger": "--ledger: the ledger runs on SQLite or PostgreSQL, not http",
        "postgresql://hr@db:five432/ledger": (
            "--ledger is not a database URL; write e.g. sqlite:///ledger.sqlite or "
            "postgresql+psycopg://user@host:5432/db"),
        "postgresql+asyncpg://hr@db/ledger": (
            "ledger postgresql+asyncpg://hr@db/ledger: the database driver asyncpg is not "
            "installed; for PostgreSQL use postgresql+psycopg:// and install appraise[postgres]"),
        "afolder": (f"ledger sqlite:///{tmp_path}/afolder: {tmp_path}/afolder is a folder; name "
                    "the ledger's file (e.g. history.sqlite in that folder)"),
        "sqlite:///legder.sqlite": (
            f"ledger sqlite:///{tmp_path}/legder.sqlite: there is no ledger file "
            f"{tmp_path}/legder.sqlite (a ledger is created by the first `appraise run` of a "
            "config with a history: section); check the path"),
    }
    for url, message in expected.items():
        for command in (["history"], ["history", "export", "--out", tmp_path / "x.csv"]):
            outcome = _invoke(*command, "--ledger", url)
            assert outcome.exit_code == 2, (url, outcome.output)
            assert outcome.output == f"error: {message}\n", url
    assert not (tmp_path / "legder.sqlite").exists()  # a typo never creates an empty ledger
    assert not (tmp_path / "x.csv").exists()


def test_a_plain_path_names_a_sqlite_ledger_as_history_url_does(tmp_path, small_branch,
                                                                monkeypatch):
    _closed_ledger(tmp_path, small_branch)
    monkeypatch.chdir(tmp_path)
    for url in ("ledger.sqlite", str(tmp_path / "ledger.sqlite")):
        listing = _invoke("history", "--ledger", url)
        assert listing.exit_code == 0, listing.output
        assert listing.output.startswith("BR01 2026-01 第 1 版 已关账：6 名"), listing.output


def test_history_of_a_config_whose_ledger_file_does_not_exist_creates_none(tmp_path,
                                                                           small_branch):
    months = Months(tmp_path, small_branch, str(tmp_path / "ledger.sqlite"))
    outcome = _invoke("history", "--config", months.config("2026-01"))
    assert outcome.exit_code == 2
    assert outcome.output == (
        f"错误：台账 sqlite:///{tmp_path}/ledger.sqlite：台账文件 {tmp_path}/ledger.sqlite 不存在"
        "（台账由含 history: 配置节的配置第一次 `appraise run` 时创建）；请检查路径\n")
    assert not (tmp_path / "ledger.sqlite").exists()


def test_an_empty_ledger_lists_nothing_and_exports_the_header(tmp_path, small_branch):
    months = Months(tmp_path, small_branch, str(tmp_path / "ledger.sqlite"))
    months.run("2026-01")  # the first run creates the ledger; nothing closed yet
    url = _sqlite(tmp_path / "ledger.sqlite")
    listing = _invoke("history", "--ledger", url)
    assert (listing.exit_code, listing.output) == (0, "no closed period matches\n")
    assert _invoke("history", "--ledger", url, "--json").output == "[]\n"
    out = tmp_path / "payroll.csv"
    exported = _invoke("history", "export", "--ledger", url, "--out", out)
    assert (exported.exit_code, exported.output) == (0, f"0 row(s) written to {out}\n")
    assert out.read_text(encoding="utf-8-sig").startswith("unit,period,version,payable,")


# ---------------------------------------------------------------- schema versions


def _at_revision(ledger_url: str, revision: str) -> str:
    """A new ledger migrated only to `revision` (what an older engine left), its URL."""
    from alembic import command

    from appraisal.history.db import _alembic_config

    url = ledger_url if "://" in ledger_url else _sqlite(ledger_url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), revision)
    engine.dispose()
    return url


def _revision(url: str) -> str:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    return str(found)


def test_a_ledger_of_an_older_engine_is_upgraded_and_keeps_working(tmp_path, small_branch,
                                                                   ledger_url):
    from appraisal.history import head_revision

    url = _at_revision(ledger_url, "0001_ledger")
    months = Months(tmp_path, small_branch, ledger_url)
    first = months.close(months.run("2026-01"))
    assert (first.version, first.already_closed) == (1, False)
    assert _revision(url) == head_revision()
    listing = _invoke("history", "--ledger", url)
    assert listing.exit_code == 0 and "BR01 2026-01 第 1 版 已关账" in listing.output


def test_a_ledger_of_a_newer_engine_is_refused_and_left_as_it_is(tmp_path, small_branch,
                                                                 ledger_url):
    from appraisal.history import head_revision

    url = _at_revision(ledger_url, "head")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0099_future'"))
    engine.dispose()
    months = Months(tmp_path, small_branch, ledger_url)
    config = months.config("2026-01")
    shown = (url if "://" not in ledger_url or not os.environ.get("PGPASSWORD")
             else make_url(url).set(password="x").render_as_string(hide_password=True))
    ran = _invoke("run", config, "--out", tmp_path / "out", "--quiet")
    assert ran.exit_code == 2
    assert ran.output == (
        f"错误：台账 {shown}：其结构版本为 0099_future，本引擎（appraise 0.1.0，最新结构版本 "
        f"{head_revision()}）不认识：它已由更新版本的 appraise 升级。未读取或写入任何内容；"
        "请使用升级它的 appraise 版本（pip install --upgrade appraise）\n")
    listing = _invoke("history", "--ledger", url)
    assert listing.exit_code == 2
    assert listing.output == (
        f"error: ledger {shown}: its schema is at revision 0099_future, which this engine "
        f"(appraise 0.1.0, newest revision {head_revision()}) does not know: a newer appraise has "
        "upgraded it. Nothing was read or written; run the appraise version that upgraded it "
        "(pip install --upgrade appraise)\n")
    assert not (tmp_path / "out").exists() and _revision(url) == "0099_future"


# ---------------------------------------------------------------- results edited by hand


class EnglishMonths(Months):
    def raw(self, period: str, carry_in: float | None = None) -> dict:
        return {**super().raw(period, carry_in), "language": "en"}


def _edited(results, folder, change_manifest=None, pool=None):
    """A copy of `results` with its manifest changed and/or pool_ledger.csv rewritten, the
    manifest's hash of the rewritten file updated (a careful hand edit)."""
    import hashlib
    import json
    import shutil

    shutil.copytree(results, folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    if pool is not None:
        path = folder / "pool_ledger.csv"
        path.write_text(pool(path.read_text(encoding="utf-8-sig")), encoding="utf-8-sig")
        manifest["outputs"]["pool_ledger.csv"] = hashlib.sha256(path.read_bytes()).hexdigest()
    if change_manifest is not None:
        change_manifest(manifest)
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def _period_count(months) -> int:
    ledger = months.ledger()
    with ledger.engine.connect() as conn:
        count = conn.execute(sa.text("SELECT COUNT(*) FROM period_versions")).scalar()
    ledger.dispose()
    return int(count)


def test_a_manifest_edited_by_hand_is_refused_naming_each_key(tmp_path, small_branch):
    months = EnglishMonths(tmp_path, small_branch, str(tmp_path / "ledger.sqlite"))
    months.close(months.run("2026-01"))
    february = months.run("2026-02")

    def edit(manifest):
        manifest.pop("period")
        manifest["unit"]["id"] = "BR02"
        manifest["audit"]["history"]["ledger_mark"] = "1"

    edited = _edited(february, tmp_path / "edited", edit)
    outcome = _invoke("close", edited, "--by", "eve")
    assert outcome.exit_code == 2
    assert outcome.output == (
        f"error: {edited}/manifest.json: not as the run wrote it, so these results cannot be "
        "closed:\n"
        "  period: null is not a period such as 2026-10, 2026-Q4 or 2026\n"
        '  unit.id: BR02 but config.resolved.unit.id is "BR01"\n'
        '  audit.history.ledger_mark: "1" is not a whole number >= 0\n'
        "Re-run `appraise run` and close its untouched folder (corrections go into the inputs, "
        "never into the results)\n")
    assert _period_count(months) == 1  # nothing recorded (was: a version of period '')


def test_a_manifest_filed_under_another_period_is_refused_in_chinese(tmp_path, small_branch):
    months = Months(tmp_path, small_branch, str(tmp_path / "ledger.sqlite"))
    months.close(months.run("2026-01"))
    edited = _edited(months.run("2026-02"), tmp_path / "edited",
                     lambda manifest: manifest.update(period="2026-05"))
    outcome = _invoke("close", edited, "--by", "eve")
    assert outcome.exit_code == 2
    assert outcome.output == (
        f"错误：{edited}/manifest.json：已不是运行写出时的样子，因此这些结果不能关账：\n"
        '  period：2026-05，但 config.resolved.period 为 "2026-02"\n'
        "请重新运行 `appraise run`，并对它写出、未经改动的文件夹关账"
        "（更正应改在输入数据中，绝不改在结果中）\n")
    assert _period_count(months) == 1


def test_a_pool_edited_by_hand_with_its_hash_never_gains_a_cent(tmp_path, small_branch):
    months = EnglishMonths(tmp_path, small_branch, str(tmp_path / "ledger.sqlite"))
    months.close(months.run("2026-01"))
    february = months.run("2026-02")
    assert "2026-02,0.05,240.00,240.00,0.00,0.00,480.00" in (
        february / "pool_ledger.csv").read_text(encoding="utf-8-sig")
    edits = {
        "480.00,carry": (
            "  pool_ledger.csv: carry_in + withheld is not allocated + redistributed + carry_out "
            "(carry_in 240.00, withheld 240.00, allocated 0.00, redistributed 0.00, carry_out "
            "1480.00)", "1480.00,carry"),
        "240.00,240.00,0.00,0.00,480.00": (
            "  pool_ledger.csv: withheld is 250.00 but the managers' withheld in managers.csv "
            "add up to 240.00", "240.00,250.00,0.00,0.00,490.00"),
        "0.05,240.00,240.00,0.00,0.00,480.00": (
            "  pool_ledger.csv: carry_in is 1240.00 but the run took 240.00 (manifest.json "
            "audit.history.carry_in_cents)", "0.05,1240.00,240.00,0.00,0.00,1480.00"),
    }
    for number, (old, (problem, new)) in enumerate(edits.items()):
        edited = _edited(february, tmp_path / f"edited{number}",
                         pool=lambda text, old=old, new=new: text.replace(old, new))
        outcome = _invoke("close", edited, "--by", "eve")
        assert outcome.exit_code == 2
        assert outcome.output == (
            f"error: {edited}: the shared pool does not balance, so these results cannot be "
            "closed (a pool never gains or loses a cent):\n" + problem + "\nRe-run `appraise "
            "run` and close its untouched folder (corrections go into the inputs, never into "
            "the results)\n")
    assert _period_count(months) == 1
    assert months.close(february).version == 1  # the untouched folder closes


# ---------------------------------------------------------------- a ledger that cannot be written


def _read_only_sqlite(monkeypatch) -> None:
    """The close's transaction on a SQLite ledger that refuses writes, as on a read-only mount
    or a full disk (root, who runs the CI, ignores file modes): the INSERT fails in the
    database as it would there."""
    from contextlib import contextmanager

    from appraisal.history import close

    opened = close.writing

    @contextmanager
    def read_only(engine):
        with opened(engine) as conn:
            conn.exec_driver_sql("PRAGMA query_only = ON")
            yield conn

    monkeypatch.setattr(close, "writing", read_only)


def test_closing_into_a_ledger_that_cannot_be_written_is_exit_4_naming_it(tmp_path, small_branch,
                                                                         monkeypatch):
    months = EnglishMonths(tmp_path, small_branch, str(tmp_path / "ledger.sqlite"))
    months.close(months.run("2026-01"))
    february = months.run("2026-02")
    _read_only_sqlite(monkeypatch)
    outcome = _invoke("close", february, "--by", "eve")
    assert outcome.exit_code == 4, outcome.output
    assert outcome.output == (
        f"error: {february}: the ledger sqlite:///{tmp_path}/ledger.sqlite refused to record "
        "the close (attempt to write a readonly database); nothing was recorded. Free disk "
        "space, check that the ledger file and its folder may be written (SQLite writes a "
        "journal beside the file) or that the database user may insert into the ledger's "
        "tables, then close again\n")
    monkeypatch.undo()
    assert _period_count(months) == 1
    assert months.close(february).version == 1  # once it may be written, the same folder closes


def test_a_database_user_without_insert_gets_exit_4_in_chinese(tmp_path, small_branch,
                                                              scratch_postgres, monkeypatch):
    import uuid

    months = Months(tmp_path, small_branch, scratch_postgres)
    months.close(months.run("2026-01"))
    role, password = f"reader_{uuid.uuid4().hex[:8]}", "reader-pw"
    ledger = months.ledger()
    with ledger.engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
        conn.exec_driver_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
    try:
        reader = make_url(scratch_postgres).set(username=role).render_as_string(
            hide_password=False)
        months.ledger_url = reader
        monkeypatch.setenv("PGPASSWORD", password)
        february = months.run("2026-02")
        outcome = _invoke("close", february, "--by", "eve")
        shown = make_url(reader).set(password="x").render_as_string(hide_password=True)
        assert outcome.exit_code == 4
        assert outcome.output == (
            f"错误：{february}：台账 {shown} 拒绝记录此次关账（permission denied for table "
            "period_versions）；未记录任何内容。请释放磁盘空间，确认台账文件及其文件夹可写入"
            "（SQLite 会在文件旁写日志文件），或确认数据库用户可向台账的表插入数据，然后重新关账\n")
    finally:
        monkeypatch.undo()
        with ledger.engine.begin() as conn:
            conn.exec_driver_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}")
        with ledger.engine.begin() as conn:
            conn.exec_driver_sql(f"DROP ROLE {role}")
        ledger.dispose()


# ---------------------------------------------------------------- raw SQL on closed versions


def test_replace_and_late_rows_are_refused_by_the_database(tmp_path, small_branch, ledger_url):
    months = Months(tmp_path, small_branch, ledger_url)
    months.close(months.run("2026-01"))
    months.close(months.run("2026-02"))
    ledger = months.ledger()
    before = helpers.snapshot(ledger)
    attempts = [  # a manager paid in January, added by hand in March
        "INSERT INTO manager_figures (version_id, manager_id, name, bonus_gross, withheld, "
        "pool_allocation, pool_redistributed, retro_adjustment, bonus_final, row_json) "
        "SELECT id, 'M9999', 'ghost', 100000, 0, 0, 0, 0, 100000, '{}' FROM period_versions "
        "WHERE period = '2026-01'",
        "INSERT INTO output_files (version_id, name, sha256) SELECT id, 'x.csv', 'y' "
        "FROM period_versions WHERE period = '2026-01'",
    ]
    if ledger.dialect == "sqlite":  # REPLACE deletes without firing the DELETE trigger
        columns = ", ".join(c for c in before_columns(ledger, "period_versions"))
        attempts += [
            "INSERT OR REPLACE INTO pool_ledger SELECT version_id, period, withhold_rate, 0, 0, "
            "0, 0, 0, mode, note FROM pool_ledger",
            f"REPLACE INTO period_versions ({columns}) SELECT "
            + columns.replace("closed_by", "'mallory'") + " FROM period_versions",
            "INSERT OR IGNORE INTO manager_figures SELECT * FROM manager_figures",
        ]
    for statement in attempts:
        with pytest.raises(sa.exc.DBAPIError, match="closed records are immutable"), \
                ledger.engine.begin() as conn:
            conn.execute(sa.text(statement))
    assert helpers.snapshot(ledger) == before
    ledger.dispose()
    march = months.close(months.run("2026-03"))  # closing still adds its rows
    assert (march.period, march.version) == ("2026-03", 1)
    ledger = months.ledger()
    helpers.check_invariants(ledger)
    ledger.dispose()


def before_columns(ledger, table: str) -> list[str]:
    return [c["name"] for c in sa.inspect(ledger.engine).get_columns(table)]


def test_another_applications_sqlite_file_is_never_made_a_ledger(tmp_path, small_branch):
    import sqlite3

    foreign = tmp_path / "payroll.sqlite"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE employees (id INTEGER PRIMARY KEY, name TEXT)")
    listing = _invoke("history", "--ledger", foreign)
    assert listing.exit_code == 2
    assert listing.output == (
        f"error: ledger sqlite:///{foreign}: this database is not an appraise ledger (it has no "
        "alembic_version table but holds employees); nothing was changed. Name the ledger's "
        "own file (a new or empty file becomes a ledger on first use)\n")
    months = Months(tmp_path, small_branch, str(foreign))  # a run names it in its config
    ran = _invoke("run", months.config("2026-01"), "--out", tmp_path / "out", "--quiet")
    assert ran.exit_code == 2
    assert ran.output == (
        f"错误：台账 sqlite:///{foreign}：这个数据库不是 appraise 台账（没有 alembic_version 表，"
        "却有 employees）；未作任何更改。请指明台账自己的文件"
        "（新的或空的文件在第一次使用时成为台账）\n")
    with sqlite3.connect(foreign) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    assert tables == ["employees"] and not (tmp_path / "out").exists()


def test_an_export_is_never_written_over_the_ledger_or_the_config(tmp_path, small_branch):
    months = Months(tmp_path, small_branch, str(tmp_path / "ledger.sqlite"))
    months.close(months.run("2026-01"))
    ledger = tmp_path / "ledger.sqlite"
    before = ledger.read_bytes()
    for out in (ledger, tmp_path / "ledger.sqlite-journal"):
        outcome = _invoke("history", "export", "--ledger", ledger, "--out", out)
        assert outcome.exit_code == 2  # the ledger was closed in Chinese: its language
        assert outcome.output == (
            f"错误：--out {out} 就是台账文件本身（sqlite:///{ledger}）；导出绝不覆盖台账："
            "请另选 --out，如 payroll.csv\n")
    assert ledger.read_bytes() == before and not (tmp_path / "ledger.sqlite-journal").exists()
    config = EnglishMonths(tmp_path / "en", small_branch, str(ledger)).config("2026-01")
    text = config.read_bytes()
    outcome = _invoke("history", "export", "--config", config, "--out", config)
    assert outcome.exit_code == 2
    assert outcome.output == (f"error: --out {config} is the config named by --config; choose "
                              "another --out, e.g. payroll.csv\n")
    assert config.read_bytes() == text


def test_a_close_that_fails_half_way_leaves_nothing(tmp_path, small_branch, ledger_url,
                                                    monkeypatch):
    from appraisal.history import deferral

    months = EnglishMonths(tmp_path, small_branch, ledger_url)
    months.close(months.run("2026-01"))
    february = months.run("2026-02")
    ledger = months.ledger()
    before = helpers.snapshot(ledger)
    ledger.dispose()

    def disk_full(*_args, **_kwargs):  # after the version, figures and pool rows went in
        raise sa.exc.OperationalError("INSERT INTO deferral_grants", {},
                                      OSError("database or disk is full"))

    with monkeypatch.context() as patch:
        patch.setattr(deferral, "record_deferral", disk_full)
        outcome = _invoke("close", february, "--by", "eve")
    assert outcome.exit_code == 4
    assert "refused to record the close (database or disk is full); nothing was recorded" in (
        outcome.output)
    ledger = months.ledger()
    assert helpers.snapshot(ledger) == before
    ledger.dispose()
    assert months.close(february).version == 1


# ---------------------------------------------------------------- concurrent closes of one unit


def test_concurrent_closes_of_two_periods_of_one_unit_never_both_succeed(
        tmp_path, small_branch, ledger_url, monkeypatch):
    """February and a revision of January, both computed on the ledger with January v1: closed
    at the same moment, one must be refused as stale (the revision moves January's carry-out,
    which February took), or the pool difference is lost."""
    import contextlib
    import threading

    from appraisal.history import close as closing

    months = EnglishMonths(tmp_path, small_branch, ledger_url)
    months.close(months.run("2026-01"))
    february = months.run("2026-02")
    corrected = helpers.scaled_pay_base(months.inputs, tmp_path / "fixed", {"M0001": 1.5})
    revision = months.run("2026-01", revision="roster fix", inputs=corrected)
    both_checked = threading.Barrier(2, timeout=3)
    checked = closing._stale

    def stale_then_wait(run, conn, latest):
        found = checked(run, conn, latest)
        with contextlib.suppress(threading.BrokenBarrierError):
            both_checked.wait()  # the other close has checked too (unless it waits for a lock)
        return found

    monkeypatch.setattr(closing, "_stale", stale_then_wait)
    outcomes: dict[str, str] = {}

    def close(name, results):
        try:
            outcomes[name] = close_line(months.close(results), "en")
        except HistoryError as exc:
            outcomes[name] = f"refused: {exc}"

    threads = [threading.Thread(target=close, args=(n, r))
               for n, r in (("february", february), ("revision", revision))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    refused = [name for name, text in outcomes.items() if text.startswith("refused")]
    assert len(refused) == 1, outcomes
    assert "after these results were computed" in outcomes[refused[0]] or (
        "the ledger changed since these results were computed" in outcomes[refused[0]])
    ledger = months.ledger()
    helpers.check_invariants(ledger)
    ledger.dispose()


def _managers_edited(results, folder, change):
    """A copy of `results` whose managers.csv row of M0001 is changed by `change(row)` (a
    mapping of column -> text), the manifest's hash updated."""
    import csv
    import hashlib
    import io
    import json
    import shutil

    shutil.copytree(results, folder)
    path = folder / "managers.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    change(next(r for r in rows if r["manager_id"] == "M0001"))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8-sig")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["outputs"]["managers.csv"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def _plus(text: str, yuan: int) -> str:
    return f"{float(text) + yuan:.2f}"


def test_a_final_bonus_or_retro_edited_by_hand_with_its_hash_is_refused(tmp_path, small_branch):
    months = EnglishMonths(tmp_path, small_branch, str(tmp_path / "ledger.sqlite"))
    months.close(months.run("2026-01"))
    february = months.run("2026-02")
    final = _managers_edited(february, tmp_path / "final", lambda r: r.update(
        bonus_final=_plus(r["bonus_final"], 100)))
    outcome = _invoke("close", final, "--by", "eve")
    assert outcome.exit_code == 2
    assert outcome.output == (
        f"error: {final}: the managers' pay does not add up, so these results cannot be closed:\n"
        "  managers.csv: bonus_final is not the sum of bonus_profit, bonus_grade, "
        "limit_adjustment, withheld, pool_allocation, pool_redistributed, retro_adjustment for "
        "M0001: 1240.00 but its parts add up to 1140.00\n"
        "Re-run `appraise run` and close its untouched folder (corrections go into the inputs, "
        "never into the results)\n")
    owed = _managers_edited(february, tmp_path / "owed", lambda r: r.update(
        retro_due="50.00", retro_adjustment="50.00", bonus_final=_plus(r["bonus_final"], 50)))
    outcome = _invoke("close", owed, "--by", "eve")
    assert outcome.exit_code == 2
    assert outcome.output == (
        f"error: {owed}: managers.csv's retro_due is not what the ledger says is owed, so these "
        "results cannot be closed: M0001: 50.00 but the ledger owes 0.00. Re-run `appraise "
        "run` and close its untouched folder\n")
    assert _period_count(months) == 1


def test_a_retro_paid_beyond_its_due_is_refused_in_chinese(tmp_path, small_branch):
    months = Months(tmp_path, small_branch, str(tmp_path / "ledger.sqlite"))
    months.close(months.run("2026-01"))
    edited = _managers_edited(months.run("2026-02"), tmp_path / "retro", lambda r: r.update(
        retro_adjustment="50.00", bonus_final=_plus(r["bonus_final"], 50)))
    outcome = _invoke("close", edited, "--by", "eve")
    assert outcome.exit_code == 2
    assert outcome.output == (
        f"错误：{edited}：客户经理的奖金对不上，因此这些结果不能关账：\n"
        "  managers.csv：以下客户经理的 retro_adjustment + retro_carried 不等于 retro_due："
        "M0001：应付 0.00，已付加结转 50.00\n"
        "请重新运行 `appraise run`，并对它写出、未经改动的文件夹关账"
        "（更正应改在输入数据中，绝不改在结果中）\n")
    assert _period_count(months) == 1


def test_a_listing_piped_into_a_reader_that_stops_early_ends_quietly(tmp_path, small_branch):
    import subprocess
    import sys

    _closed_ledger(tmp_path, small_branch)
    for extra in ([], ["--json"]):
        process = subprocess.Popen(
            [sys.executable, "-c", "from appraisal.cli import main; main()", "history",
             "--ledger", str(tmp_path / "ledger.sqlite"), *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        process.stdout.close()  # `| head -0`: the reader is gone before the first line
        error = process.stderr.read().decode()
        assert (process.wait(timeout=60), error) == (0, "")  # was exit 1, BrokenPipeError


def test_files_the_os_leaves_in_an_opened_results_folder_do_not_block_the_close(tmp_path,
                                                                              small_branch):
    months = EnglishMonths(tmp_path, small_branch, str(tmp_path / "ledger.sqlite"))
    january = months.run("2026-01")
    for name in (".DS_Store", "._managers.csv", "Thumbs.db", "desktop.ini"):
        (january / name).write_bytes(b"\0\1")  # Finder / Explorer opened the folder
    (january / "notes.txt").write_text("mine")
    outcome = _invoke("close", january, "--by", "eve")
    assert outcome.exit_code == 2
    assert outcome.output == (
        f"error: {january}: these results are not as the run wrote them, so they cannot be "
        "closed:\n  notes.txt: not written by the run\nRe-run `appraise run` and close its "
        "untouched folder (corrections go into the inputs, never into the results)\n")
    (january / "notes.txt").unlink()
    closed = _invoke("close", january, "--by", "eve")
    assert (closed.exit_code, closed.output) == (0, "closed 2026-01 of unit BR01 as version 1\n")


def test_closing_after_the_ledger_file_was_moved_never_starts_a_new_ledger(tmp_path,
                                                                           small_branch):
    months = Months(tmp_path, small_branch, str(tmp_path / "ledger.sqlite"))
    january = months.run("2026-01")  # the run created the ledger
    (tmp_path / "ledger.sqlite").rename(tmp_path / "moved.sqlite")
    ledger = tmp_path / "ledger.sqlite"
    for extra in ([], ["--config", months.config("2026-01")]):
        outcome = _invoke("close", january, "--by", "eve", *extra)
        assert outcome.exit_code == 2  # was: closed into a new, empty ledger.sqlite
        assert outcome.output == (
            f"错误：台账 sqlite:///{ledger}：台账文件 {ledger} 不存在（台账由含 history: 配置节的"
            "配置第一次 `appraise run` 时创建）；请检查路径\n")
        assert not ledger.exists()


def test_results_closed_into_another_ledger_never_move_its_pool(tmp_path, small_branch):
    bank = EnglishMonths(tmp_path / "a", small_branch, str(tmp_path / "a.sqlite"))
    other = EnglishMonths(tmp_path / "b", small_branch, str(tmp_path / "b.sqlite"),
                          withhold=0.1)
    bank.close(bank.run("2026-01"))
    other.close(other.run("2026-01"))  # its ledger_mark is 1 too
    february = bank.run("2026-02")
    outcome = _invoke("close", february, "--by", "eve", "--config", other.config("2026-02"))
    assert outcome.exit_code == 2
    assert outcome.output == (
        f"error: {february}: pool_ledger.csv's carry_in is 240.00 but the ledger carries 480.00 "
        "into 2026-02 (the carry-out of 2026-01 version 1, with the revised months' "
        "differences), so these results were not computed on this ledger and cannot be closed. "
        "Close them into the ledger their run read, or re-run `appraise run` with this ledger "
        "and close that\n")
    assert _period_count(other) == 1
    assert bank.close(february).version == 1  # into its own ledger it closes
