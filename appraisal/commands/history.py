"""`appraise close`, `appraise history` and `appraise history export`: thin over
`appraisal.history` (docs/history.md).

    appraise close RESULTS_DIR --by NAME [--note TEXT] [--config CONFIG]
    appraise history (--config CONFIG | --ledger URL) [--unit U] [--period P] [--manager M] [--json]
    appraise history export (--config CONFIG | --ledger URL) --out FILE.csv [filters]
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..columns import Column, ColumnRegistry
from ..money import cents_to_text
from .language import remember_config, remember_results

__all__ = ["close_command", "history_command"]

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
def close_command(results: Path, by: str, note: str | None, config: Path | None) -> None:
    """Record RESULTS (an unmodified `appraise run` folder) as the next version of its period."""
    from ..history.close import close_results, results_ledger

    ledger = results_ledger(results, config)
    try:
        outcome = close_results(ledger, results, by=by, note=note)
    finally:
        ledger.dispose()
    click.echo(outcome.describe())


def _ledger(config: Path | None, url: str | None) -> Any:
    from ..config import load_config
    from ..history import HistoryError, ledger_for, open_ledger

    if (config is None) == (url is None):
        raise HistoryError("name the ledger with --config CONFIG (its history: section) or "
                           "--ledger URL, one of the two")
    return ledger_for(load_config(config)) if config is not None else open_ledger(url)


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (cents_to_text(int(v)) if k in _MONEY and v is not None else v)
            for k, v in row.items()}


def _filters(function: Any) -> Any:
    for option in reversed((
        click.option("--config", "config", type=click.Path(dir_okay=False, path_type=Path),
                     default=None, callback=remember_config,
                     help="Config whose history: section names the ledger."),
        click.option("--ledger", "url", default=None,
                     help="Ledger URL (sqlite:///path or postgresql+psycopg://user@host/db; "
                          "password from PGPASSWORD)."),
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
    finally:
        ledger.dispose()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("no closed period matches")
        return
    for row in map(_shown, rows):
        if manager:
            line = (f"{row['unit']} {row['period']} v{row['version']}"
                    f"{' (paid)' if row['payable'] else ''}: final {row['bonus_final']}, "
                    f"retro {row['retro_adjustment']}")
            if row["retro_source"]:
                line += f" from {row['retro_source']}"
            if row["retro_created"] != "0.00":
                line += f"; this revision owes {row['retro_created']} next period"
        else:
            line = (f"{row['unit']} {row['period']} v{row['version']} {row['status']}: "
                    f"{row['managers']} managers, final {row['bonus_final']} (retro "
                    f"{row['retro_adjustment']}), pool in {row['carry_in']} out "
                    f"{row['carry_out']}; closed by {row['closed_by']} ({row['os_user']}) "
                    f"at {row['closed_at']}")
            if row["reason"]:
                line += f"; reason: {row['reason']}"
        click.echo(line)


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


@history_command.command("export")
@_filters
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="CSV to write (UTF-8 with BOM, amounts in yuan).")
def export_command(config: Path | None, url: str | None, unit: str | None, period: str | None,
                   manager: str | None, out: Path) -> None:
    """Write every closed version's pay per manager as CSV for the payroll system."""
    from ..history.query import export_rows
    from ..report.writer import write_csv

    ledger = _ledger(config, url)
    try:
        frame = export_rows(ledger, unit=unit, period=period, manager=manager)
    finally:
        ledger.dispose()
    write_csv(frame, out, _EXPORT_REGISTRY)
    click.echo(f"{len(frame):,} row(s) written to {out}")
