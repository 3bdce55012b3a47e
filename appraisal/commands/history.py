"""`appraise close`, `appraise history` and `appraise history export`: thin over
`appraisal.history` (docs/history.md).

    appraise close RESULTS_DIR --by NAME [--note TEXT] [--config CONFIG]
    appraise history (--config CONFIG | --ledger URL) [--unit U] [--period P] [--manager M] [--json]
    appraise history export (--config CONFIG | --ledger URL) --out FILE.csv [filters]

Every line printed comes from `LINES`, in the command's language: the named config's `language`
(`command_language`); for `close` without `--config`, the language its run's config recorded in
the manifest; for `--ledger URL` (no config), the language the ledger's newest closed version was
closed in (`period_versions.language`: the bank's config's), English when the ledger holds no
version yet. In Chinese the codes read as Chinese (status `closed` 已关账, `v2` 第 2 版,
`(paid)` 已发放, `v2:` in a retro adjustment's source); ids, periods, amounts, names, user
names, timestamps, reasons and paths pass unchanged. `--json` is the same in both languages.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..columns import Column, ColumnRegistry, retro_source_text
from ..console import Phrasebook, say
from ..messages import Language
from ..money import cents_to_text
from .language import (
    command_language,
    remember_config,
    remember_language,
    remember_results,
)

if TYPE_CHECKING:
    from ..history.close import CloseOutcome
    from ..history.db import Ledger

__all__ = ["LINES", "close_command", "close_line", "history_command", "history_line"]

LINES = Phrasebook("history", {
    # close
    "already_closed": ("these results are already closed as {period} version {version} of unit "
                       "{unit}; nothing changed",
                       "这些结果已关账为单位 {unit} 的 {period} 第 {version} 版；未作任何更改"),
    "closed": ("closed {period} of unit {unit} as version {version}",
               "已将单位 {unit} 的 {period} 关账为第 {version} 版"),
    "revises": (" (revises version {revision_of}; {managers} manager(s) get a retro adjustment "
                "in the next open period)",
                "（更正第 {revision_of} 版；{managers} 名客户经理在下一个未关账期间获得追溯调整）"),
    # history
    "no_match": ("no closed period matches", "没有符合条件的已关账期间"),
    "version": ("v{version}", "第 {version} 版"),
    "status_closed": ("closed", "已关账"),
    "period_row": ("{unit} {period} {version} {status}: {managers} managers, final {bonus_final} "
                   "(retro {retro_adjustment}), pool in {carry_in} out {carry_out}; closed by "
                   "{closed_by} ({os_user}) at {closed_at}",
                   "{unit} {period} {version} {status}：{managers} 名客户经理，实发奖金 "
                   "{bonus_final}（追溯调整 {retro_adjustment}），奖金池上期结转 {carry_in}、"
                   "结转下期 {carry_out}；关账人 {closed_by}（{os_user}），关账时间 {closed_at}"),
    "reason": ("; reason: {reason}", "；原因：{reason}"),
    "manager_row": ("{unit} {period} {version}{paid}: final {bonus_final}, retro "
                    "{retro_adjustment}",
                    "{unit} {period} {version}{paid}：实发奖金 {bonus_final}，追溯调整 "
                    "{retro_adjustment}"),
    "paid": (" (paid)", "（已发放）"),
    "retro_from": (" from {source}", "，来源 {source}"),
    "retro_owed": ("; this revision owes {amount} next period",
                   "；本次更正在下一期形成追溯调整 {amount}"),
    # history export
    "exported": ("{rows:,} row(s) written to {out}", "已将 {rows:,} 行写入 {out}"),
})

def close_line(outcome: CloseOutcome, language: Language) -> str:
    """What `close` did, in `language`."""
    where = {"unit": outcome.unit, "period": outcome.period, "version": outcome.version}
    if outcome.already_closed:
        return LINES("already_closed", language, **where)
    text = LINES("closed", language, **where)
    if outcome.revision_of is not None:
        text += LINES("revises", language, revision_of=outcome.revision_of,
                      managers=outcome.retro_adjustments)
    return text


def history_line(row: dict[str, Any], language: Language, *, manager: bool) -> str:
    """One row of `history` (money already shown as text, `_shown`): a version of a period, or
    with `manager` one manager's pay in it."""
    version = LINES("version", language, version=row["version"])
    if manager:
        line = LINES("manager_row", language, unit=row["unit"], period=row["period"],
                     version=version, paid=LINES("paid", language) if row["payable"] else "",
                     bonus_final=row["bonus_final"], retro_adjustment=row["retro_adjustment"])
        if row["retro_source"]:
            source = retro_source_text(row["retro_source"], language)
            line += LINES("retro_from", language, source=source)
        if row["retro_created"] != "0.00":
            line += LINES("retro_owed", language, amount=row["retro_created"])
        return line
    status = (LINES(f"status_{row['status']}", language)
              if f"status_{row['status']}" in LINES.entries else row["status"])
    line = LINES("period_row", language, unit=row["unit"], period=row["period"], version=version,
                 status=status, managers=row["managers"], bonus_final=row["bonus_final"],
                 retro_adjustment=row["retro_adjustment"], carry_in=row["carry_in"],
                 carry_out=row["carry_out"], closed_by=row["closed_by"],
                 os_user=row["os_user"], closed_at=row["closed_at"])
    if row["reason"]:
        line += LINES("reason", language, reason=row["reason"])
    return line

_MONEY = ("bonus_final", "retro_adjustment", "carry_in", "withheld", "allocated",
          "redistributed", "carry_out", "bonus_gross", "retro_created")


@click.command("close")
@click.argument("results", type=click.Path(file_okay=False, path_type=Path),
                callback=remember_results)
@click.option("--by", "by", required=True,
              help="Who closes the period (recorded with the OS user).")
@click.option("--note", default=None, help="A note recorded with the version.")
@click.option("--config", "config", type=click.Path(dir_okay=False, path_type=Path), default=None,
              callback=remember_config,
              help="Config whose history: ledger to use (default: the run's own config).")
@click.pass_context
def close_command(ctx: click.Context, results: Path, by: str, note: str | None,
                  config: Path | None) -> None:
    """Record RESULTS (an unmodified `appraise run` folder) as the next version of its period."""
    from ..history.close import close_results, results_ledger

    ledger = results_ledger(results, config)
    try:
        outcome = close_results(ledger, results, by=by, note=note)
    finally:
        ledger.dispose()
    click.echo(close_line(outcome, command_language(ctx)))


def _ledger(config: Path | None, url: str | None) -> Any:
    from ..config import load_config
    from ..history import HistoryError, ledger_for, open_ledger
    from ..history.db import command_url

    if (config is None) == (url is None):
        raise HistoryError("name the ledger with --config CONFIG (its history: section) or "
                           "--ledger URL, one of the two")
    if config is not None:
        return ledger_for(load_config(config), create=False)
    return open_ledger(command_url(str(url)), create=False)


def _language(ctx: click.Context, ledger: Ledger, config: Path | None) -> Language:
    """The config's language; with `--ledger URL` (no config) the language the ledger's newest
    version was closed in (English for an empty ledger), kept for the command's errors too."""
    if config is not None:
        return command_language(ctx)
    from ..history.query import ledger_language

    remember_language(ctx, "zh" if ledger_language(ledger) == "zh" else "en")
    return command_language(ctx)


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (cents_to_text(int(v)) if k in _MONEY and v is not None else v)
            for k, v in row.items()}


def _filters(function: Any) -> Any:
    for option in reversed((
        click.option("--config", "config", type=click.Path(dir_okay=False, path_type=Path),
                     default=None, callback=remember_config,
                     help="Config whose history: section names the ledger."),
        click.option("--ledger", "url", default=None,
                     help="Ledger URL (sqlite:///path, or a plain path of a SQLite file, or "
                          "postgresql+psycopg://user@host/db; password from PGPASSWORD)."),
        click.option("--unit", default=None, help="Only this unit."),
        click.option("--period", default=None, help="Only this period."),
        click.option("--manager", default=None, help="One manager's pay in every period."),
    )):
        function = option(function)
    return function


@click.group("history", invoke_without_command=True)
@_filters
@click.option("--json", "as_json", is_flag=True, help="JSON (money in int cents).")
@click.pass_context
def history_command(ctx: click.Context, config: Path | None, url: str | None, unit: str | None,
                    period: str | None, manager: str | None, as_json: bool) -> None:
    """Closed periods and versions (who, when, why, totals); with --manager, one manager's pay."""
    if ctx.invoked_subcommand is not None:
        return
    from ..history.query import history_rows, manager_history

    ledger = _ledger(config, url)
    try:
        rows = (manager_history(ledger, manager, unit=unit, period=period) if manager
                else history_rows(ledger, unit=unit, period=period))
        language = "en" if as_json else _language(ctx, ledger, config)
    finally:
        ledger.dispose()
    if as_json:
        _print([json.dumps(rows, ensure_ascii=False, indent=2)])
    elif not rows:
        _print([LINES("no_match", language)])
    else:
        _print(history_line(row, language, manager=bool(manager)) for row in map(_shown, rows))


def _print(lines: Iterable[str]) -> None:
    """The listing on stdout; a reader that stops early (`appraise history | head`) ends it
    quietly (`console.say`), as any Unix listing does."""
    for line in lines:
        say(line)


_EXPORT_REGISTRY = ColumnRegistry({
    key: Column(key, kind, "CNY cents" if kind == "money_cents" else None, key, key)
    for key, kind in {
        "unit": "code", "period": "code", "version": "count", "payable": "flag",
        "manager_id": "id", "name": "text", "bonus_gross": "money_cents",
        "withheld": "money_cents", "pool_allocation": "money_cents",
        "pool_redistributed": "money_cents", "retro_adjustment": "money_cents",
        "retro_source": "text", "bonus_final": "money_cents", "grade": "code",
        "closed_by": "text", "closed_at": "text", "reason": "text",
    }.items()
})


_EXPORT_TEXT = tuple(key for key in _EXPORT_REGISTRY
                     if _EXPORT_REGISTRY.kind(key) in ("code", "id", "text"))


@history_command.command("export")
@_filters
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="CSV to write (UTF-8 with BOM, amounts in yuan).")
@click.pass_context
def export_command(ctx: click.Context, config: Path | None, url: str | None, unit: str | None,
                   period: str | None, manager: str | None, out: Path) -> None:
    """Write every closed version's pay per manager as CSV for the payroll system."""
    from ..history.query import export_rows
    from ..report.writer import write_csv

    ledger = _ledger(config, url)
    try:
        frame = export_rows(ledger, unit=unit, period=period, manager=manager)
        language = _language(ctx, ledger, config)
        _refuse_own_files(out, ledger, config)
    finally:
        ledger.dispose()
    _write_export(frame, out, write_csv)
    click.echo(LINES("exported", language, rows=len(frame), out=out))


def _refuse_own_files(out: Path, ledger: Ledger, config: Path | None) -> None:
    """`--out` naming the SQLite ledger itself (or its journal) or the config would replace
    the system of record or the scheme with a CSV: refused before anything is written."""
    from ..history import HistoryError

    target = out.expanduser().resolve()
    database = ledger.engine.url.database if ledger.dialect == "sqlite" else None
    if database and database != ":memory:":
        own = Path(database).expanduser().resolve()
        if target in {own, *(own.with_name(own.name + tail)
                             for tail in ("-journal", "-wal", "-shm"))}:
            raise HistoryError(f"--out {out} is the ledger's own file ({ledger.shown}); an "
                               "export is never written over the ledger: choose another "
                               "--out, e.g. payroll.csv")
    if config is not None and target == config.expanduser().resolve():
        raise HistoryError(f"--out {out} is the config named by --config; choose another "
                           "--out, e.g. payroll.csv")


def _as_text_cells(frame: Any) -> Any:
    """The export with every text a spreadsheet would run as a formula (a name, reason or
    closed_by from an old ledger starting with =, +, @, -cmd...) written with a ' before it,
    as `validate --issues` does (errors.FORMULA_START): payroll opens this file in Excel."""
    from ..errors import FORMULA_START

    out = frame.copy()
    for key in _EXPORT_TEXT:
        texts = out[key].astype("string")
        risky = texts.str.contains(FORMULA_START, regex=True).fillna(False).astype("bool")
        if risky.any():
            out[key] = texts.where(~risky, "'" + texts).astype("object")
    return out


def _write_export(frame: Any, out: Path, write_csv: Any) -> None:
    """The export written whole or not at all: into a file beside `out`, then renamed over it
    (a payroll import never reads half a file); a folder that cannot be written is an
    OutputWriteError (exit 4) naming it."""
    import contextlib
    import os

    from ..report.writer import unwritable

    staged = out.with_name(f".{out.name}.{os.getpid()}.part")
    try:
        write_csv(_as_text_cells(frame), staged, _EXPORT_REGISTRY)
        os.replace(staged, out)
    except OSError as exc:
        with contextlib.suppress(OSError):
            staged.unlink(missing_ok=True)
        raise unwritable(out, exc, "--out") from None
