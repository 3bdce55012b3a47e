"""`appraise sample`: write a deterministic synthetic branch (every input table) to a folder.

Its line comes from `LINES` in `command_language`, which is English here: `sample` names no
config and writes none (only input tables: English column keys, Chinese names as data), so it
has no `language` to follow, and its errors are English too. A config's language is a choice
of the bank's; a generator of test data does not guess it (no `--language` option either). The
Chinese line is kept beside the English one for the day `sample` writes or reads a config.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import click

from ..config.base import parse_period
from ..console import Phrasebook
from ..sample import SampleFormat, generate_branch, write_branch
from .language import command_language

__all__ = ["LINES", "sample_command"]

LINES = Phrasebook("sample", {
    "done": ("sample branch: {managers:,} managers, {accounts:,} accounts, period {period}, "
             "seed {seed}: {tables} tables in {out}",
             "样例分行：{managers:,} 名客户经理，{accounts:,} 个账户，考核期间 {period}，"
             "随机种子 {seed}：{tables} 张表已写入 {out}"),
})


def _period(ctx: click.Context, param: click.Parameter, value: str) -> str:
    try:
        parse_period(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None
    return value


@click.command("sample")
@click.option("--managers", type=click.IntRange(min=1), default=60, show_default=True,
              help="Number of customer managers.")
@click.option("--accounts", type=click.IntRange(min=0), default=20_000, show_default=True,
              help="Number of accounts (about 5% split between two managers).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              required=True, help="Folder to write the tables into (created if missing).")
@click.option("--seed", type=click.IntRange(min=0), default=2026, show_default=True,
              help="Random seed: the same arguments always give the same bytes.")
@click.option("--period", default="2026-10", show_default=True, callback=_period,
              help="Appraisal period: 2026-10, 2026-Q4, 2026-H2 or 2026.")
@click.option("--format", "file_format", type=click.Choice(["csv", "parquet"]), default="csv",
              show_default=True, help="CSV (UTF-8 with BOM, opens in Excel) or Parquet.")
@click.option("--force", is_flag=True, help="Replace sample tables already in the folder.")
@click.pass_context
def sample_command(ctx: click.Context, managers: int, accounts: int, out_dir: Path, seed: int,
                   period: str, file_format: str, force: bool) -> None:
    """Write a synthetic branch (roster, accounts, indicators, ratings, judgments, pool
    allocations) to OUT: deterministic for a given seed, see docs/sample.md."""
    branch = generate_branch(managers, accounts, seed=seed, period=period)
    try:
        written = write_branch(
            branch, out_dir, file_format=cast(SampleFormat, file_format), force=force
        )
    except OSError as exc:  # the tables are staged and moved into place: none was written
        from ..report.writer import unwritable

        raise unwritable(out_dir, exc, "--out") from None
    click.echo(LINES("done", command_language(ctx), managers=managers, accounts=accounts,
                     period=period, seed=seed, tables=len(written), out=out_dir))
