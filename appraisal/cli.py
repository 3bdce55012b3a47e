"""Command line: `appraise run | validate | compare | weights | sample | close | history`.
Thin: parse, call, print.

Every `AppraisalError` becomes a clear message and exit code 2 here, in one place, in the
`language` of the config the command names (commands/language.py; English without one); an
`InternalError` (a broken invariant) or anything else is an internal error (exit 1) whose
traceback shows only with APPRAISE_DEBUG=1.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import traceback
import warnings
from pathlib import Path
from typing import Any

import click

from . import __version__
from .commands.compare import compare_command
from .commands.help import ARGV as _ARGV
from .commands.help import install as _install_help
from .commands.history import close_command, history_command
from .commands.language import (
    command_language,
    error_line,
    remember_config,
    remember_overrides,
    usage_error_text,
    usage_language,
)
from .commands.lines import (
    progress_line,
    run_closing_line,
    run_header,
    validate_lines,
    warning_line,
)
from .commands.sample import sample_command
from .commands.weights import weights_command
from .console import say, silence
from .errors import AppraisalError, InternalError, IssueTable
from .messages import Language, issue_frame

__all__ = ["main"]


class _Terminated(KeyboardInterrupt):
    """SIGTERM (`kill`, a scheduler stopping a job), unwound like Ctrl-C: the staging folder
    is removed and an open ledger transaction rolled back; exit 143."""


def _terminate(signum: int, frame: object) -> None:
    raise _Terminated


class _AppraiseGroup(click.Group):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta[_ARGV] = list(args)  # as typed: the language of usage errors and of help
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        main_thread = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, _terminate) if main_thread else None
        try:
            with warnings.catch_warnings():  # the command's warnings as its own lines
                warnings.showwarning = _show_warning
                return self._invoke(ctx)
        finally:
            if main_thread:
                signal.signal(signal.SIGTERM, previous)

    def _invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AppraisalError as exc:
            say(error_line(exc, command_language(ctx)), err=True)
            ctx.exit(exc.exit_code)
        except click.UsageError as exc:
            language = command_language(ctx)
            if language == "en":
                language = usage_language(ctx.meta.get(_ARGV, ()))
            if language != "zh":
                raise
            _usage_error_zh(exc)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:  # a listing's reader stopped early (`| head`): end quietly
            silence(err=False)
            silence(err=True)
            return None
        except KeyboardInterrupt as exc:
            stopped = isinstance(exc, _Terminated)
            zh, en = (("已终止；没有写入任何文件", "terminated; nothing was written") if stopped
                      else ("已中断；没有写入任何文件", "interrupted; nothing was written"))
            say(zh if command_language(ctx) == "zh" else en, err=True)
            ctx.exit(143 if stopped else 130)
        except InternalError as exc:
            _internal_error(ctx, exc, command_language(ctx))
        except Exception as exc:
            _internal_error(ctx, exc, command_language(ctx))


def _usage_error_zh(exc: click.UsageError) -> None:
    """click's usage error in Chinese: the usage line as click writes it (the command's
    syntax), where to find help, the reason."""
    if exc.ctx is not None:
        usage = exc.ctx.get_usage()
        if usage.startswith("Usage:"):  # the help's formatter is English (an en locale)
            usage = "用法：" + usage.removeprefix("Usage:").lstrip()
        say(usage, err=True)
        help_option = exc.ctx.help_option_names[-1] if exc.ctx.help_option_names else "--help"
        say(f"运行 '{exc.ctx.command_path} {help_option}' 查看帮助。\n", err=True)
    say(f"错误：{usage_error_text(exc.format_message(), 'zh')}", err=True)


def _internal_error(ctx: click.Context, exc: Exception, language: Language) -> None:
    """Exit 1: a bug in appraise, not in the user's data."""
    if os.environ.get("APPRAISE_DEBUG"):
        traceback.print_exc()
    if language == "zh":
        say(
            f"内部错误：{type(exc).__name__}: {exc}\n"
            "这是 appraise 的缺陷，不是您的数据有误；没有写入任何文件。"
            "请设置 APPRAISE_DEBUG=1 重新运行以查看详情，并报告此问题。",
            err=True,
        )
    else:
        say(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in appraise, not in your data; nothing was written. "
            "Re-run with APPRAISE_DEBUG=1 for details and report it.",
            err=True,
        )
    ctx.exit(1)


@click.group(cls=_AppraiseGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="appraise")
def main() -> None:
    """Appraise customer managers and compute their bonuses, with an audit trail."""
    _libraries_off_the_terminal()


def _libraries_off_the_terminal() -> None:
    """Libraries' log records stay off the terminal: py4j (PySpark's bridge to the JVM) logs a
    traceback of its own when the JVM is gone, which the run's error says on one line;
    matplotlib logs font lookups in English (`findfont: Failed to find font weight normal for
    AR PL UMing CN`), which the charts' own warning covers. With no handler of their own,
    Python prints such records to stderr; a NullHandler keeps them off (APPRAISE_DEBUG=1
    shows them)."""
    if os.environ.get("APPRAISE_DEBUG"):
        return
    for name in ("py4j", "matplotlib", "PIL", "fontTools"):
        library = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in library.handlers):
            library.addHandler(logging.NullHandler())


def _quiet_libraries() -> None:
    """--quiet: library warnings and log lines (matplotlib's font messages, its font-cache
    notice) stay off stderr; errors still show. The command line's own process only."""
    warnings.simplefilter("ignore")
    logging.getLogger().setLevel(logging.ERROR)
    for name in ("matplotlib", "matplotlib.font_manager", "PIL", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _progress_printer(quiet: bool, language: Language):
    if quiet:
        _quiet_libraries()
        return None

    def report(stage: str, rows: int, seconds: float) -> None:
        say(progress_line(stage, rows, seconds, language), err=True)

    return report


def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                  file: Any = None, line: str | None = None) -> None:
    """A warning on the terminal as one line in the command's language, not Python's
    `path:line: UserWarning: …` with a line of source."""
    language = command_language(click.get_current_context(silent=True))
    say(warning_line(message, language), err=True)


@main.command()
@click.argument("config", type=click.Path(dir_okay=False, path_type=Path),
                callback=remember_config)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: output.dir of the config).")
@click.option("--force", is_flag=True, help="Replace an existing output folder.")
@click.option("--quiet", is_flag=True,
              help="Nothing on stderr but errors (no progress, no library warnings).")
@click.option("--statements/--no-statements", default=None,
              help="Write one statement per manager (default: output.statements of the config).")
@click.option("--revision", default=None, metavar="REASON",
              help="Re-run a closed period (history: ledger) as its next version, for this "
                   "reason; its differences are paid in the next open period.")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE",
              callback=remember_overrides,
              help="Override a config key by its path, e.g. bonus.shared_pool.withhold_rate=0.1 "
                   "or scorecard.grading.grades[0].min_score=105 (repeatable; validated like "
                   "the file; recorded in the manifest).")
@click.option("--analysis", "with_analysis", is_flag=True,
              help="Add the weight-sensitivity and incentive-balance tables "
                   "(docs/design-tools.md).")
def run(config: Path, out_dir: Path | None, force: bool, quiet: bool,
        statements: bool | None, revision: str | None, overrides: tuple[str, ...],
        with_analysis: bool) -> None:
    """Run the whole appraisal for CONFIG and write the results to a folder."""
    from .analysis.extend import extend_run, wants_analysis
    from .config import load_config
    from .pipeline import run as run_pipeline
    from .report.writer import check_target, output_dir_for, output_lock, write_run

    language = command_language(click.get_current_context())
    progress = _progress_printer(quiet, language)
    if progress:
        say(run_header(__version__, config, language), err=True)
    loaded = load_config(config, overrides)
    target = out_dir if out_dir is not None else output_dir_for(loaded.config, loaded.path)
    with output_lock(target):  # a second run into the same folder is refused meanwhile
        check_target(target, force=force)  # before the computation, not after it
        analysis = with_analysis or None
        validation = None
        if wants_analysis(loaded, analysis):  # the inputs as read serve the analysis too
            from .validate import validate_inputs

            validation = validate_inputs(loaded)
        result = extend_run(
            run_pipeline(loaded, progress=progress, validation=validation, revision=revision),
            loaded, analysis=analysis, validation=validation)
        written = write_run(result, target, force=force, statements=statements,
                            progress=progress)
    say(run_closing_line(result, written, language))


@main.command()
@click.argument("config", type=click.Path(dir_okay=False, path_type=Path),
                callback=remember_config)
@click.option("--issues", "issues_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None,
              help="Write every input issue to this CSV (UTF-8 with BOM, for Excel; header only "
                   "when there is none). Exit code 2 when there are issues.")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE",
              callback=remember_overrides,
              help="Override a config key by its path, as `appraise run --set` does "
                   "(repeatable): check the run you are about to start.")
def validate(config: Path, issues_path: Path | None, overrides: tuple[str, ...]) -> None:
    """Check CONFIG and every input it names in one pass; write nothing else."""
    from .config import load_config
    from .pipeline import run as run_pipeline
    from .validate import validate_inputs

    loaded = load_config(config, overrides)
    validation = validate_inputs(loaded)
    if issues_path is not None:
        language = loaded.config.language
        try:
            with issues_path.open("w", encoding="utf-8-sig", newline="") as handle:
                IssueTable(issue_frame(validation.issues.frame, language)).to_csv(handle)
        except OSError as exc:
            from .report.writer import unwritable

            raise unwritable(issues_path, exc, "--issues") from None
        say(f"已将 {len(validation.issues):,} 个问题写入 {issues_path}" if language == "zh"
                   else f"{len(validation.issues):,} issue(s) written to {issues_path}", err=True)
    result = run_pipeline(loaded, validation=validation)
    if "payroll_csv" in result.config.output.files:
        from .report.payroll import check_payroll

        check_payroll(result)  # sources name the run's columns: known only after computing
    say("\n".join(validate_lines(result, config, loaded.config.language)))


main.add_command(compare_command, "compare")
main.add_command(weights_command, "weights")
main.add_command(sample_command, "sample")
main.add_command(close_command, "close")
main.add_command(history_command, "history")
_install_help(main)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
