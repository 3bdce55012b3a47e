"""`close`: record an unmodified results folder as the next version of its period and unit.

One transaction: the version row, its inputs' and outputs' hashes, every manager's figures
(every money column in cents), the pool ledger; for a revision, each manager's difference to
the version it replaces becomes a retro adjustment owed (paid by the next open period's run),
and the pool's difference flows into the next open period when the following one is closed;
for a first version, the retro adjustments and pool differences it paid are settled.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError

from .._version import __version__
from ..io.readers import file_sha256
from ..money import cents_to_text
from ..report.writer import os_litter
from .db import HistoryError, Ledger, LedgerWriteError, _reason, writing
from .periods import next_period, previous_period
from .schema import (
    input_files,
    manager_amounts,
    manager_figures,
    output_files,
    period_versions,
    pool_adjustments,
    pool_ledger,
    pool_settlements,
    retro_adjustments,
    retro_settlements,
)
from .state import latest_version, ledger_mark, manager_frame, pool_of

__all__ = ["CloseOutcome", "close_results", "results_ledger", "verify_results"]

_FIXED_MONEY = ("bonus_gross", "withheld", "pool_allocation", "pool_redistributed",
                "retro_adjustment", "bonus_final")


@dataclass(frozen=True)
class CloseOutcome:
    """What `close` did: the version recorded (or found, when already closed)."""

    unit: str
    period: str
    version: int
    already_closed: bool
    revision_of: int | None
    retro_adjustments: int  # managers with a retro adjustment created by this close
    bonus_final: int



def _read_manifest(results: Path) -> tuple[dict[str, Any], str]:
    path = results / "manifest.json"
    if not results.is_dir():
        raise HistoryError(f"{results}: not a folder of results")
    try:
        data = path.read_bytes()
    except OSError:
        raise HistoryError(f"{results}: no manifest.json, so not the results of a run "
                           "(close the folder `appraise run` wrote)") from None
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise HistoryError(f"{path}: not valid JSON; these results cannot be closed") from None
    return manifest, hashlib.sha256(data).hexdigest()


def verify_results(results: Path) -> tuple[dict[str, Any], str]:
    """The manifest and its SHA-256, once every file of the folder is checked against the
    manifest's hashes: a file changed, missing or added is refused, all named at once."""
    results = Path(results)
    manifest, digest = _read_manifest(results)
    outputs = manifest.get("outputs")
    if not isinstance(outputs, dict) or not outputs:
        raise HistoryError(f"{results / 'manifest.json'}: lists no output files")
    problems = []
    for name, expected in sorted(outputs.items()):
        path = results / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif file_sha256(path) != expected:
            problems.append(f"{name}: modified since the run (SHA-256 differs from the manifest)")
    listed = set(outputs) | {"manifest.json"}
    for path in sorted(p for p in results.rglob("*") if p.is_file()):
        name = path.relative_to(results).as_posix()
        if name not in listed and not os_litter(path.name):
            problems.append(f"{name}: not written by the run")
    if problems:
        raise HistoryError(
            f"{results}: these results are not as the run wrote them, so they cannot be "
            "closed:\n  " + "\n  ".join(problems) + "\nRe-run `appraise run` and close its "
            "untouched folder (corrections go into the inputs, never into the results)"
        )
    return manifest, digest


_AMOUNT = r"^-?\d+\.\d{2}$"  # how the writer prints cents as yuan (money.cents_to_text)


def _money(frame: pd.DataFrame, columns: list[str], file: str) -> pd.DataFrame:
    """The money columns of a results CSV (yuan text, two decimals) as int cents, exactly;
    blank stays missing. Anything else names its row and column."""
    out = frame.copy()
    for column in columns:
        texts = frame[column].astype("str").str.strip()
        blank = texts == ""
        bad = ~blank & ~texts.str.match(_AMOUNT)
        if bad.any():
            row = int(bad.to_numpy().argmax()) + 2
            raise HistoryError(f"{file}, row {row}, column '{column}': not an amount in yuan "
                               f"with two decimals (got {texts[bad].iloc[0]!r})")
        digits = texts.where(~blank, "0").str.replace(".", "", regex=False)
        cents = pd.array(pd.to_numeric(digits).astype("int64"), dtype="Int64")
        cents[blank.to_numpy()] = pd.NA
        out[column] = cents
    return out


def _read_csv(results: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(results / name, dtype="str", keep_default_na=False,
                       encoding="utf-8-sig")


@dataclass(frozen=True)
class _Run:
    """A verified results folder, read: what close records."""

    manifest: dict[str, Any]
    digest: str
    history: dict[str, Any]
    unit: str
    period: str
    config_text: str
    language: str
    managers: pd.DataFrame
    money: list[str]
    amount_columns: list[str]  # kept one row each in manager_amounts (the rest: row_json)
    drivers: dict[str, str]
    band: str | None
    pool: dict[str, Any]


def _identity_problems(manifest: dict[str, Any], history: dict[str, Any]) -> list[str]:
    """What in the manifest no run writes: a period, unit or ledger mark edited, missing, or
    disagreeing with the resolved config beside it (the version would be filed wrongly)."""
    from ..config.base import parse_period

    config = manifest.get("config")
    resolved = config.get("resolved") if isinstance(config, dict) else None
    if not isinstance(resolved, dict):
        return ["config.resolved: missing (the run's config is recorded there)"]
    problems = []
    period = manifest.get("period")
    try:
        parse_period(period) if isinstance(period, str) else parse_period("")
    except ValueError:
        problems.append(f"period: {json.dumps(period, ensure_ascii=False)} is not a period "
                        "such as 2026-10, 2026-Q4 or 2026")
    else:
        if period != resolved.get("period"):
            problems.append(f"period: {period} but config.resolved.period is "
                            f"{json.dumps(resolved.get('period'), ensure_ascii=False)}")
    unit = (manifest.get("unit") or {}).get("id") if isinstance(manifest.get("unit"), dict) \
        else None
    resolved_unit = (resolved.get("unit") or {}).get("id") \
        if isinstance(resolved.get("unit"), dict) else None
    if not isinstance(unit, str) or not unit.strip():
        problems.append(f"unit.id: {json.dumps(unit, ensure_ascii=False)} is not a unit id")
    elif unit != resolved_unit:
        problems.append(f"unit.id: {unit} but config.resolved.unit.id is "
                        f"{json.dumps(resolved_unit, ensure_ascii=False)}")
    mark = history.get("ledger_mark")
    if isinstance(mark, bool) or not isinstance(mark, int) or mark < 0:
        problems.append(f"audit.history.ledger_mark: {json.dumps(mark, ensure_ascii=False)} is "
                        "not a whole number >= 0")
    return problems


def _check_identity(results: Path, manifest: dict[str, Any], history: dict[str, Any]) -> None:
    problems = _identity_problems(manifest, history)
    if problems:
        raise HistoryError(
            f"{results / 'manifest.json'}: not as the run wrote it, so these results cannot be "
            "closed:\n  " + "\n  ".join(problems) + "\nRe-run `appraise run` and close its "
            "untouched folder (corrections go into the inputs, never into the results)")


def _check_pool(results: Path, pool: dict[str, Any], managers: pd.DataFrame,
                history: dict[str, Any]) -> None:
    """The pool as the run balanced it: carry_in + withheld = allocated + redistributed +
    carry_out, the managers' columns summing to the pool's, the carry-in the run recorded; a
    results folder edited by hand (and its hashes with it) never makes the pool gain a cent."""
    cents = {k: int(pool[k]) for k in ("carry_in", "withheld", "allocated", "redistributed",
                                       "carry_out")}
    problems = []
    if cents["carry_in"] + cents["withheld"] != (cents["allocated"] + cents["redistributed"]
                                                 + cents["carry_out"]):
        problems.append("pool_ledger.csv: carry_in + withheld is not allocated + redistributed "
                        "+ carry_out (" + ", ".join(f"{k} {cents_to_text(v)}"
                                                    for k, v in cents.items()) + ")")
    for column, key in (("withheld", "withheld"), ("pool_allocation", "allocated"),
                        ("pool_redistributed", "redistributed")):
        total = int(managers[column].fillna(0).astype("int64").sum())
        if total != cents[key]:
            problems.append(f"pool_ledger.csv: {key} is {cents_to_text(cents[key])} but the "
                            f"managers' {column} in managers.csv add up to "
                            f"{cents_to_text(total)}")
    recorded = history.get("carry_in_cents")
    if isinstance(recorded, int) and recorded != cents["carry_in"]:
        problems.append(f"pool_ledger.csv: carry_in is {cents_to_text(cents['carry_in'])} but "
                        f"the run took {cents_to_text(recorded)} (manifest.json "
                        "audit.history.carry_in_cents)")
    if problems:
        raise HistoryError(
            f"{results}: the shared pool does not balance, so these results cannot be closed "
            "(a pool never gains or loses a cent):\n  " + "\n  ".join(problems)
            + "\nRe-run `appraise run` and close its untouched folder (corrections go into the "
            "inputs, never into the results)")


def _managers_named(frame: pd.DataFrame, bad: pd.Series, text: pd.Series) -> str:
    """The first few managers where `bad` holds, each with its `text`."""
    shown = (frame["manager_id"].astype("str") + ": " + text)[bad.to_numpy()]
    return "; ".join(shown.head(5)) + ("; …" if int(bad.sum()) > 5 else "")


def _pay_problems(run: _Run) -> list[str]:
    """What no run writes in managers.csv: a final bonus that is not the sum of its parts
    (bonus components, limit, − withheld, pool, retro, deferral), a retro paid plus carried
    that is not the retro due."""
    from .plan import _SIGN

    frame = run.managers
    problems = []
    parts = [c for c in run.drivers if c in run.money and c in frame.columns]
    if parts and not run.history.get("span"):
        total = sum(_SIGN.get(c, 1) * frame[c].fillna(0).astype("int64") for c in parts)
        final = frame["bonus_final"].fillna(0).astype("int64")
        bad = total != final
        if bad.any():
            problems.append("managers.csv: bonus_final is not the sum of "
                            f"{', '.join(parts)} for " + _managers_named(
                                frame, bad, final.map(cents_to_text) + " but its parts add up "
                                "to " + total.map(cents_to_text)))
    if {"retro_due", "retro_adjustment", "retro_carried"} <= set(run.money):
        due = frame["retro_due"].fillna(0).astype("int64")
        paid = (frame["retro_adjustment"].fillna(0).astype("int64")
                + frame["retro_carried"].fillna(0).astype("int64"))
        bad = due != paid
        if bad.any():
            problems.append("managers.csv: retro_adjustment + retro_carried is not retro_due "
                            "for " + _managers_named(frame, bad, "due " + due.map(cents_to_text)
                                                     + ", paid + carried "
                                                     + paid.map(cents_to_text)))
    return problems


def _check_retro_due(folder: Path, run: _Run, conn: sa.Connection) -> None:
    """A first version's retro_due per manager is what the ledger says is owed (the run read
    it; the ledger has not moved since): an edited retro never pays a cent not owed."""
    from .state import outstanding_retro

    owed = outstanding_retro(conn, run.unit).set_index("manager_id")["due"]
    frame = run.managers
    due = frame["retro_due"].fillna(0).astype("int64")
    expected = frame["manager_id"].astype("str").map(owed).fillna(0).astype("int64")
    bad = due != expected
    if bad.any():
        raise HistoryError(
            f"{folder}: managers.csv's retro_due is not what the ledger says is owed, so these "
            "results cannot be closed: " + _managers_named(
                frame, bad, due.map(cents_to_text) + " but the ledger owes "
                + expected.map(cents_to_text))
            + ". Re-run `appraise run` and close its untouched folder")


def _check_carry_in(folder: Path, run: _Run, conn: sa.Connection) -> None:
    """A first version's carry-in is the ledger's: the carry-out of the previous period's
    latest version plus the revised months' differences pending (unless the run explained
    another with --revision). Results computed on another ledger, or edited, never move a
    cent into or out of the pool chain."""
    from .state import pending_pool

    if str(run.history.get("carry_in_source", "")).startswith("config, explained"):
        return
    previous = latest_version(conn, run.unit, previous_period(run.period))
    if previous is None:
        return
    expected = int(pool_of(conn, int(previous["id"]))["carry_out"]) + pending_pool(conn, run.unit)
    if int(run.pool["carry_in"]) != expected:
        raise HistoryError(
            f"{folder}: pool_ledger.csv's carry_in is {cents_to_text(int(run.pool['carry_in']))} "
            f"but the ledger carries {cents_to_text(expected)} into "
            f"{run.period} (the carry-out of {previous['period']} version "
            f"{previous['version']}, with the revised months' differences), so these results "
            "were not computed on this ledger and cannot be closed. Close them into the ledger "
            "their run read, or re-run `appraise run` with this ledger and close that")


def _read_run(results: Path) -> _Run:
    manifest, digest = verify_results(results)
    history = (manifest.get("audit") or {}).get("history")
    if not isinstance(history, dict):
        raise HistoryError(f"{results}: this run had no history: ledger configured, so its "
                           "carry-in and retro adjustments were not checked against one; add "
                           "history: to the config, re-run, then close")
    _check_identity(results, manifest, history)
    resolved = manifest["config"]["resolved"]
    if "managers.csv" not in manifest["outputs"] or "pool_ledger.csv" not in manifest["outputs"]:
        raise HistoryError(f"{results}: closing needs managers.csv and pool_ledger.csv "
                           "(output.files must keep managers_csv and pool_ledger_csv)")
    raw = _read_csv(results, "managers.csv")
    money = [c for c in history.get("money_columns", []) if c in raw.columns]
    managers = _money(raw, money, "managers.csv")
    missing = [c for c in (*_FIXED_MONEY, "retro_due") if c not in money]
    if missing:
        raise HistoryError(f"{results}/managers.csv lacks {', '.join(missing)}")
    pool_frame = _money(_read_csv(results, "pool_ledger.csv"),
                        ["carry_in", "withheld", "allocated", "redistributed", "carry_out"],
                        "pool_ledger.csv")
    if len(pool_frame) != 1:
        raise HistoryError(f"{results}/pool_ledger.csv must hold one row")
    pool = pool_frame.iloc[0].to_dict()
    _check_pool(results, pool, managers, history)
    unit = manifest.get("unit") or {}
    run = _Run(
        manifest=manifest, digest=digest, history=history, unit=str(unit.get("id", "")),
        period=str(manifest.get("period", "")),
        config_text=json.dumps(resolved, ensure_ascii=False, sort_keys=True, indent=1),
        language=str((resolved.get("output") or {}).get("language")
                     or resolved.get("language") or ""),
        managers=managers, money=money,
        amount_columns=[c for c in history.get("amount_columns", money) if c in money],
        drivers=dict(history.get("drivers") or {}),
        band=history.get("band_column"), pool=pool,
    )
    problems = _pay_problems(run)
    if problems:
        raise HistoryError(
            f"{results}: the managers' pay does not add up, so these results cannot be closed:"
            "\n  " + "\n  ".join(problems) + "\nRe-run `appraise run` and close its untouched "
            "folder (corrections go into the inputs, never into the results)")
    return run


def _stale(run: _Run, conn: sa.Connection, latest: dict[str, Any] | None) -> str | None:
    """Why these results no longer fit the ledger (another version closed since), or None."""
    seen = int(run.history.get("ledger_mark", -1))
    now = ledger_mark(conn, run.unit)
    if now == seen:
        return None
    if latest is not None and int(latest["id"]) > seen:
        return (f"{run.period} of unit {run.unit} was closed as version {latest['version']} "
                f"by {latest['closed_by']} at {latest['closed_at']} after these results were "
                "computed; nothing was recorded. To change it, re-run with --revision "
                '"reason" and close that')
    return ("the ledger changed since these results were computed (another period of unit "
            f"{run.unit} was closed), so their carry-in or retro adjustments may be out of "
            "date; nothing was recorded. Re-run, then close")


def _figure_rows(run: _Run, version_id: int) -> tuple[list[dict], list[dict]]:
    frame = run.managers
    figures, amounts = [], []
    records = frame.to_dict(orient="records")
    for record in records:
        manager = str(record["manager_id"])
        money = {c: (None if pd.isna(record[c]) else int(record[c])) for c in run.money}
        row = {k: (money.get(k, v)) for k, v in record.items()}
        composite = str(record.get("composite", "")).strip()
        figures.append({
            "version_id": version_id, "manager_id": manager,
            "name": record.get("name"), "branch": record.get("branch"),
            "sub_branch": record.get("sub_branch"), "team": record.get("team"),
            "composite": float(composite) if composite else None,
            "grade": record.get("grade"), "band": record.get(run.band) if run.band else None,
            "flags": record.get("flags"),
            **{c: money[c] or 0 for c in _FIXED_MONEY},
            "row_json": json.dumps(row, ensure_ascii=False, sort_keys=True),
        })
        amounts.extend(
            {"version_id": version_id, "manager_id": manager, "column_key": column,
             "driver": run.drivers.get(column), "cents": money[column]}
            for column in run.amount_columns if money.get(column) is not None
        )
    return figures, amounts


def _record(conn: sa.Connection, run: _Run, results: Path, by: str, note: str | None,
            latest: dict[str, Any] | None, os_user: str) -> CloseOutcome:
    history = run.history
    revision = history.get("revision")
    version = 1 if latest is None else int(latest["version"]) + 1
    finals = run.managers["bonus_final"].fillna(0).astype("int64")
    retro = run.managers["retro_adjustment"].fillna(0).astype("int64")
    version_id = conn.execute(period_versions.insert().values(
        unit=run.unit, period=run.period, version=version, status="closed", closed_by=by,
        os_user=os_user, closed_at=datetime.now(UTC).isoformat(timespec="seconds"),
        reason=revision, note=note,
        revises_version=None if latest is None else int(latest["version"]),
        engine_version=str(run.manifest.get("engine", {}).get("version", __version__)),
        config_text=run.config_text,
        config_sha256=hashlib.sha256(run.config_text.encode("utf-8")).hexdigest(),
        results_sha256=run.digest, results_dir=str(results.resolve()), language=run.language,
        managers=len(run.managers), bonus_final=int(finals.sum()),
        retro_adjustment=int(retro.sum()),
    )).inserted_primary_key[0]
    inputs = [{"version_id": version_id, "table_name": i["table"], "path": i["path"],
               "sha256": i["sha256"], "rows": int(i["rows"])}
              for i in run.manifest.get("inputs", [])]
    if inputs:
        conn.execute(input_files.insert(), inputs)
    conn.execute(output_files.insert(), [
        {"version_id": version_id, "name": name, "sha256": sha}
        for name, sha in sorted(run.manifest["outputs"].items())])
    figures, amounts = _figure_rows(run, version_id)
    if figures:
        conn.execute(manager_figures.insert(), figures)
    if amounts:
        conn.execute(manager_amounts.insert(), amounts)
    pool = run.pool
    conn.execute(pool_ledger.insert().values(
        version_id=version_id, period=run.period, withhold_rate=float(pool["withhold_rate"]),
        **{k: int(pool[k]) for k in ("carry_in", "withheld", "allocated", "redistributed",
                                     "carry_out")},
        mode=str(pool["mode"]), note=str(pool.get("note", "")),
    ))
    created = 0
    from .annual import record_actuals, record_annual  # the year (issue 14)
    from .deferral import record_deferral

    if history.get("span"):  # a settlement over closed months: its true-up owed as a retro
        created = record_annual(conn, results, run.manifest, run.unit, run.period, version_id,
                                version, latest)
    elif latest is not None:
        created = _revision_rows(conn, run, version_id, version, latest, revision or "")
    else:
        _settlements(conn, run, version_id)
    record_actuals(conn, results, run.manifest, run.unit, run.period, version_id)
    record_deferral(conn, results, run.manifest, run.unit, run.period, version_id,
                    latest is not None, version)
    return CloseOutcome(run.unit, run.period, version, False,
                        None if latest is None else int(latest["version"]), created,
                        int(finals.sum()))


def _revision_rows(conn: sa.Connection, run: _Run, version_id: int, version: int,
                   latest: dict[str, Any], reason: str) -> int:
    """Each manager's change of earned pay (final − retro paid) becomes a retro adjustment;
    the pool's change flows on when the following period is already closed."""
    old = manager_frame(conn, int(latest["id"])).set_index("manager_id")
    new = run.managers.set_index(run.managers["manager_id"].astype("str"))
    earned_old = (old["bonus_final"] - old["retro_adjustment"]).astype("int64")
    earned_new = (new["bonus_final"].fillna(0) - new["retro_adjustment"].fillna(0)).astype("int64")
    ids = earned_old.index.union(earned_new.index).sort_values()
    delta = earned_new.reindex(ids, fill_value=0) - earned_old.reindex(ids, fill_value=0)
    delta = delta[delta != 0]
    if len(delta):
        conn.execute(retro_adjustments.insert(), [
            {"version_id": version_id, "unit": run.unit, "manager_id": manager,
             "source_period": run.period, "source_version": version, "amount": int(amount),
             "reason": reason}
            for manager, amount in delta.items()])
    following = latest_version(conn, run.unit, next_period(run.period))
    if following is not None:
        moved = int(run.pool["carry_out"]) - int(pool_of(conn, int(latest["id"]))["carry_out"])
        if moved:
            conn.execute(pool_adjustments.insert().values(
                version_id=version_id, unit=run.unit, source_period=run.period,
                source_version=version, amount=moved, reason=reason))
    return len(delta)


def _settlements(conn: sa.Connection, run: _Run, version_id: int) -> None:
    """A first version pays what was owed: retro adjustments applied (and carried), and the
    pool differences of revised months taken into its carry-in."""
    frame = run.managers
    due = frame["retro_due"].fillna(0).astype("int64")
    applied = frame["retro_adjustment"].fillna(0).astype("int64")
    rows = [
        {"version_id": version_id, "unit": run.unit, "manager_id": str(manager),
         "due": int(d), "applied": int(a), "carried": int(d - a)}
        for manager, d, a in zip(frame["manager_id"], due, applied, strict=True)
        if d != 0 or a != 0
    ]
    if rows:
        conn.execute(retro_settlements.insert(), rows)
    pending = int(run.history.get("pool_pending_cents", 0))
    if pending:
        conn.execute(pool_settlements.insert().values(version_id=version_id, unit=run.unit,
                                                      amount=pending))


def close_results(ledger: Ledger, results: str | Path, *, by: str, note: str | None = None,
                  os_user: str | None = None) -> CloseOutcome:
    """Verify `results` against its manifest and record it as the next version of its period
    and unit, in one transaction. Already closed: a no-op saying so. Closes of one unit take
    turns (SQLite's write lock, a PostgreSQL advisory lock per unit): one that finds the ledger
    moved since its run fails with a HistoryError (nothing recorded)."""
    if not by or not by.strip():
        raise HistoryError("--by needs the name of who closes the period")
    folder = Path(results)
    run = _read_run(folder)
    user = os_user or _os_user()
    try:
        with writing(ledger.engine) as conn:
            if conn.dialect.name == "postgresql":
                # one close of a unit at a time (SQLite: BEGIN IMMEDIATE): a close of another
                # period of the unit that commits first is then seen by the stale check below
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(4242002, hashtext(:unit))"),
                             {"unit": run.unit})
            found = conn.execute(sa.select(period_versions)
                                 .where(period_versions.c.results_sha256 == run.digest)
                                 ).mappings().first()
            if found is not None:
                return CloseOutcome(found["unit"], found["period"], int(found["version"]), True,
                                    found["revises_version"], 0, int(found["bonus_final"]))
            latest = latest_version(conn, run.unit, run.period)
            stale = _stale(run, conn, latest)
            if stale:
                raise HistoryError(f"{folder}: {stale}")
            if latest is None and not run.history.get("span"):
                _check_retro_due(folder, run, conn)
                _check_carry_in(folder, run, conn)
            return _record(conn, run, folder, by.strip(), note, latest, user)
    except IntegrityError:
        raise HistoryError(
            f"{folder}: another close of {run.period} of unit {run.unit} was recorded first "
            "(the ledger's unique version decided); nothing was recorded from these results. "
            "Check `appraise history`; to change that period, re-run with --revision"
        ) from None
    except DBAPIError as exc:
        raise _unrecorded(folder, ledger, exc) from None


def _unrecorded(folder: Path, ledger: Ledger, exc: DBAPIError) -> HistoryError:
    """Why the database refused the close, its transaction rolled back: busy (another close
    holds SQLite's write lock past the wait: exit 2, try again), or refused a resource (a
    read-only file or folder, a full disk, a user without INSERT: exit 4), with its reason."""
    reason = _reason(exc, ledger.engine.url)
    if "database is locked" in reason or "lock timeout" in reason:
        return HistoryError(f"{folder}: the ledger {ledger.shown} is busy ({reason}: another "
                            "close or run held it for 30 seconds); nothing was recorded, close "
                            "again")
    return LedgerWriteError(
        f"{folder}: the ledger {ledger.shown} refused to record the close ({reason}); nothing "
        "was recorded. Free disk space, check that the ledger file and its folder may be "
        "written (SQLite writes a journal beside the file) or that the database user may "
        "insert into the ledger's tables, then close again")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def results_ledger(results: str | Path, config: str | Path | None = None) -> Ledger:
    """The ledger a results folder was run against: its config's `history:` section (the
    manifest's resolved config and path), or that of `config` when given. The run created it,
    so a SQLite file that is not there (moved, deleted, a path typed wrong) is refused."""
    from ..config import load_config
    from ..config.history import HistoryConfig
    from .db import ledger_for, ledger_url, open_ledger

    if config is not None:  # the run created the ledger: a missing file is never made anew
        return ledger_for(load_config(config), create=False)
    manifest, _ = verify_results(Path(results))
    section = (manifest.get("config") or {}).get("resolved", {}).get("history")
    path = (manifest.get("config") or {}).get("path")
    if not isinstance(section, dict) or not path:
        raise HistoryError(f"{results}: this run had no history: ledger configured; add "
                           "history: to the config, re-run, then close (or pass --config)")
    return open_ledger(ledger_url(HistoryConfig.model_validate(section), Path(path).parent),
                       create=False)
