"""`appraise compare BASE.yaml PROPOSAL.yaml [--out DIR] [--force] [--set KEY=VALUE ...]`:
two schemes on the same inputs, side by side (docs/design-tools.md).

Its closing line comes from `LINES`, in the proposal's `language` (with `--set language=...`),
as its workbook and its errors are; counts, amounts and the path pass into either language
unchanged.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..console import Phrasebook
from .language import command_language, remember_config, remember_overrides

__all__ = ["LINES", "compare_command"]

LINES = Phrasebook("compare", {
    "done": ("{both} managers in both schemes; final bonus {base} -> {proposal} ({delta}); "
             "{changes} grade change(s), {winners} paid more, {losers} paid less; results in "
             "{written}",
             "两个方案共有 {both} 名客户经理；实发奖金合计 {base} → {proposal}（{delta}）；"
             "{changes} 人等级变化，{winners} 人奖金增加，{losers} 人奖金减少；结果已写入 "
             "{written}"),
})


@click.command("compare")
@click.argument("base", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("proposal", type=click.Path(dir_okay=False, path_type=Path),
                callback=remember_config)  # errors follow the proposal, as its outputs do
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Output folder (default: compare-<period> beside PROPOSAL).")
@click.option("--force", is_flag=True, help="Replace an existing output folder.")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE",
              callback=remember_overrides,
              help="Override a key of the PROPOSAL config by its path (repeatable).")
@click.option("--top", type=click.IntRange(1, 1000), default=10, show_default=True,
              help="How many winners and losers to list.")
@click.pass_context
def compare_command(ctx: click.Context, base: Path, proposal: Path, out_dir: Path | None,
                    force: bool, overrides: tuple[str, ...], top: int) -> None:
    """Compare scheme PROPOSAL with BASE on the same inputs: per manager, grade migration,
    cost by unit, winners and losers, structure; a workbook and CSVs."""
    from ..analysis.compare import check_comparable, compare_schemes
    from ..config import load_config
    from ..money import cents_to_text
    from ..report.compare import write_compare
    from ..report.writer import check_target, output_lock

    base_loaded = load_config(base)
    proposal_loaded = load_config(proposal, overrides)
    check_comparable(base_loaded, proposal_loaded)  # before the output folder is touched
    period = proposal_loaded.config.appraisal_period.label
    target = out_dir if out_dir is not None else proposal_loaded.path.parent / f"compare-{period}"
    with output_lock(target):  # held from before the computation to the move
        check_target(target, force=force)
        comparison = compare_schemes(base_loaded, proposal_loaded, top=top)
        written = write_compare(comparison, target, force=force)
    summary = comparison.summary
    totals = summary["totals_cents"]["bonus_final"]
    click.echo(LINES(
        "done", command_language(ctx), both=summary["managers_both"],
        base=cents_to_text(totals["base"]), proposal=cents_to_text(totals["proposal"]),
        delta=cents_to_text(totals["delta"]), changes=summary["grade_changes"],
        winners=summary["winners"], losers=summary["losers"], written=written,
    ))
