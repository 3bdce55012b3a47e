"""`appraise weights`: audit AHP weights of one matrix file or of every matrix of a config.

    appraise weights FILE [--method geometric-mean|eigenvector] [--ri-table NAME] [--json]
    appraise weights --config CONFIG [--method ...] [--ri-table NAME] [--json]
    appraise weights --config CONFIG --sensitivity [--json]

Exit 0 when every matrix is consistent (or accepted in the config), 3 when one is not (the
output is still printed), 2 for bad input (a message, no traceback).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import click
import pandas as pd

from .. import ahp
from ..config import AppraisalConfig, LoadedConfig, WeightsConfig, load_config
from ..errors import AppraisalError, ConfigError, InputError, InputIssue, IssueCode
from ..weights import (
    MatrixWeights,
    WeightsResult,
    check_judgments,
    derive_weights,
    describe_diagnostics,
)
from .language import command_language, error_line, remember_config

__all__ = [
    "EXIT_INCONSISTENT",
    "MatrixFile",
    "make_weights_command",
    "read_matrix_file",
    "weights_command",
]

EXIT_INCONSISTENT = 3

MatricesOf = Callable[[AppraisalConfig], Mapping[str, Sequence[str]]]
JudgmentsOf = Callable[[LoadedConfig], pd.DataFrame]


# ---- reading -------------------------------------------------------------------------------------


class MatrixFile:
    """A matrix file as read: criterion names (first row and column) and the cells as written."""

    def __init__(self, shown: str, criteria: tuple[str, ...], cells: list[list[str]]) -> None:
        self.shown = shown
        self.criteria = criteria
        self.cells = cells


def _read_text(path: Path, sheet: str | None, shown: str) -> pd.DataFrame:
    from ..io.readers import read_text_table

    return read_text_table(path, encoding="auto", sheet=sheet, header=False, shown=shown)


def read_matrix_file(path: str | Path, *, sheet: str | None = None) -> MatrixFile:
    """Read a CSV/XLSX matrix: first row and first column are the criterion names, in the same
    order; cells are numbers or fractions (`1/3`), blank where not judged."""
    shown = str(path)
    raw = _read_text(Path(path), sheet, shown)
    table = raw.astype("object").where(raw.notna(), "").map(lambda v: str(v).strip())
    rows = [list(row) for row in table.itertuples(index=False)]
    while rows and all(cell == "" for cell in rows[-1]):
        rows.pop()
    width = max((len(row) for row in rows), default=0)
    while width > 0 and all(len(row) < width or row[width - 1] == "" for row in rows):
        width -= 1
    rows = [row[:width] + [""] * (width - len(row)) for row in rows]
    if len(rows) < 2 or width < 2:
        raise InputError([InputIssue(shown, None, None, "no matrix found", None,
                                     "criterion names in the first row and first column, "
                                     "judgments in the cells", IssueCode.MATRIX_SHAPE)])
    header = rows[0][1:]
    names = [row[0] for row in rows[1:]]
    issues = []
    if len(names) != len(header):
        issues.append(InputIssue(shown, None, None, "the matrix is not square",
                                 f"{len(names)} rows x {len(header)} columns",
                                 "as many rows as columns", IssueCode.MATRIX_SHAPE))
    else:
        for k, (row_name, column_name) in enumerate(zip(names, header, strict=True)):
            if row_name == "" or column_name == "":
                issues.append(InputIssue(shown, k + 2, None, "criterion name is blank", None,
                                         "a name in the first row and first column",
                                         IssueCode.BLANK))
            elif row_name != column_name:
                issues.append(InputIssue(shown, k + 2, None,
                                         f"row criterion {row_name!r} differs from column "
                                         f"criterion {column_name!r}",
                                         None, "the same criteria in the same order in the "
                                         "first row and the first column",
                                         IssueCode.MATRIX_SHAPE))
    if issues:
        raise InputError(issues)
    return MatrixFile(shown, tuple(header), [row[1:] for row in rows[1:]])


def _declared_matrices(config: AppraisalConfig) -> Mapping[str, Sequence[str]]:
    declared = getattr(config.scorecard, "ahp_matrices", None)
    if not callable(declared):
        raise ConfigError("config", [("scorecard", "declares no AHP matrices")])
    return declared()


def _read_judgments(loaded: LoadedConfig) -> pd.DataFrame:
    from ..io.readers import read_table

    source = loaded.config.inputs.judgments
    if source is None:
        raise ConfigError(str(loaded.path), [("inputs.judgments", "no judgments file configured "
                                              "(needed to derive AHP weights)")])
    table, issues = read_table("judgments", loaded.resolve(source), shown=source.path,
                               file_format=source.format, encoding=source.encoding,
                               sheet=source.sheet, delimiter=source.delimiter,
                               columns=source.columns, header_row=source.header_row)
    if issues:
        raise InputError(issues)
    frame = table.frame
    frame.attrs["file"] = source.path
    return frame


# ---- showing -------------------------------------------------------------------------------------


def _width(text: str) -> int:
    """Columns a text takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _left(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _right(text: str, width: int) -> str:
    return " " * max(0, width - _width(text)) + text


def _number(value: float) -> str:
    """RI and thresholds as published: at least two decimals, up to four."""
    text = f"{value:.4f}".rstrip("0")
    return text + "0" * max(0, 2 - len(text.partition(".")[2]))


def _matrix_lines(analysis: ahp.MatrixAnalysis, filled: set[tuple[int, int]]) -> list[str]:
    names = analysis.criteria
    width = max(6, *(_width(c) for c in names))
    values = analysis.array
    lines = [" " * (width + 2) + "".join(_right(c, width + 2) for c in names)]
    for i, name in enumerate(names):
        cells = "".join(
            _right(ahp.format_judgment(values[i, j]) + ("*" if (i, j) in filled else ""), width + 2)
            for j in range(len(names))
        )
        lines.append(f"  {_left(name, width)}{cells}")
    if filled:
        lines.append("  * completed (no judgment given)")
    return lines


def _analysis_lines(analysis: ahp.MatrixAnalysis, diagnostics: Sequence[ahp.JudgmentDiagnostic],
                    filled: set[tuple[int, int]], title: str) -> list[str]:
    method = analysis.method.replace("_", " ")
    lines = [f"{title}: {analysis.n} criteria, weights by {method}", ""]
    lines += _matrix_lines(analysis, filled)
    lines += ["", "  weights"]
    width = max(6, *(_width(c) for c in analysis.criteria))
    lines += [f"  {_left(c, width)}  {w:.4f}" for c, w in analysis.weights_by_criterion.items()]
    verdict = "consistent" if analysis.consistent else "NOT consistent"
    relation = "<" if analysis.consistent else ">="
    gci = analysis.geometric_consistency_index
    gci_note = (f"   GCI = {gci:.4f} (threshold {_number(analysis.gci_threshold)})"
                if analysis.gci_threshold is not None else "")
    lines += [
        "",
        f"  λmax = {analysis.lambda_max:.4f}   CI = {analysis.consistency_index:.4f}   "
        f"RI = {_number(analysis.random_index)} ({analysis.ri_table})   "
        f"CR = {analysis.consistency_ratio:.4f}{gci_note}",
        f"  verdict: {verdict} (CR {analysis.consistency_ratio:.4f} {relation} "
        f"{_number(analysis.cr_threshold)})",
    ]
    if diagnostics and not analysis.consistent:
        lines += ["", "  judgments that disagree most with the weights:"]
        lines += describe_diagnostics(diagnostics, indent="    ")
    return lines


def _single_json(analysis: ahp.MatrixAnalysis, diagnostics: Sequence[ahp.JudgmentDiagnostic],
                 completion: ahp.MatrixCompletion) -> dict[str, Any]:
    data = analysis.to_dict()
    return {
        "criteria": data["criteria"],
        "weights": data["weights"],
        "method": data["method"],
        "lambda_max": data["lambda_max"],
        "ci": data["ci"],
        "ri": data["ri"],
        "ri_table": data["ri_table"],
        "cr": data["cr"],
        "consistent": data["consistent"],
        "diagnostics": [d.to_dict() for d in diagnostics],
        "cr_threshold": data["cr_threshold"],
        "gci": data["gci"],
        "gci_threshold": data["gci_threshold"],
        "matrix": data["matrix"],
        "completion": completion.to_dict(),
    }


def _record_lines(record: MatrixWeights) -> list[str]:
    lines = []
    for expert in record.experts:
        state = "excluded: " + expert.exclusion_reason if expert.excluded else "used"
        lines.append(f"  expert {expert.expert}: CR {expert.analysis.consistency_ratio:.4f} "
                     f"({'consistent' if expert.analysis.consistent else 'NOT consistent'}; "
                     f"{state})")
        lines += describe_diagnostics(expert.diagnostics, indent="      ")
    title = f"matrix '{record.matrix_id}' (combined)"
    body = _analysis_lines(record.combined, record.diagnostics, set(), title)
    lines = [body[0], *lines, *body[1:]]
    if record.accepted_justification is not None and record.acceptance_used:
        lines.append(f"  accepted in the config: {record.accepted_justification}")
    lines += [f"  stops a run: {reason}" for reason in record.blocking]
    return lines


# ---- the command ---------------------------------------------------------------------------------


def _fail(error: AppraisalError | str) -> None:
    """Exit 2 with `error` in the language of the config named (English without one)."""
    ctx = click.get_current_context()
    click.echo(error_line(error, command_language(ctx)), err=True)
    ctx.exit(2)


def _single(file: Path, sheet: str | None, method: str, ri_table: str, threshold: float,
            as_json: bool) -> int:
    matrix_file = read_matrix_file(file, sheet=sheet)
    matrix = ahp.judgment_matrix(matrix_file.cells, matrix_file.criteria,
                                 matrix_id=matrix_file.shown, scale="saaty")
    completion = ahp.complete_matrix(matrix.array, matrix.criteria, matrix_id=matrix_file.shown)
    analysis = ahp.analyse_matrix(completion.array, matrix.criteria,
                                  method=method,  # type: ignore[arg-type]
                                  ri_table=ri_table, cr_threshold=threshold,
                                  matrix_id=matrix_file.shown)
    diagnostics = ahp.inconsistency_diagnostics(analysis) if not analysis.consistent else ()
    if as_json:
        click.echo(json.dumps(_single_json(analysis, diagnostics, completion), ensure_ascii=False,
                              indent=2))
    else:
        index = {c: k for k, c in enumerate(matrix.criteria)}
        filled = {pair for a, b, _ in completion.filled
                  for pair in ((index[a], index[b]), (index[b], index[a]))}
        click.echo("\n".join(_analysis_lines(analysis, diagnostics, filled, matrix_file.shown)))
    return 0 if analysis.consistent else EXIT_INCONSISTENT


def _sensitivity_lines(sensitivity: Mapping[str, Any]) -> list[str]:
    """The weight-robustness table: per weight the smallest increase and decrease (others
    renormalised) that change a grade, absolute and relative, and what flips first."""

    def shown(value: Any, relative: Any) -> str:
        if value is None:
            return "none feasible"
        return f"{value:+.4f} ({relative:+.1%})"

    lines = ["", f"weight robustness: {sensitivity['method']}"]
    for row in sensitivity["weights"]:
        name = (row["criterion"] if row["level"] == "dimension"
                else f"{row['dimension']}/{row['criterion']}")
        rank = row["critical_rank"] if row["critical_rank"] is not None else "-"
        lines.append(f"  #{rank!s:<3} {name:<34} w = {row['weight_current']:.4f}")
        lines.append(f"        up   {shown(row['delta_up'], row['delta_up_relative']):<24} "
                     f"{row['flips_up']}")
        lines.append(f"        down {shown(row['delta_down'], row['delta_down_relative']):<24} "
                     f"{row['flips_down']}")
    return lines


def _with_sensitivity(config_path: Path, overrides: Mapping[str, Any]) -> WeightsResult:
    """The whole run of the config (the sensitivity needs every manager's scores), with the
    command's options applied as `--set weights.<key>=<value>`."""
    from ..analysis.tables import with_sensitivity
    from ..pipeline import run as run_pipeline

    settings = [f"weights.{key}={value}" for key, value in overrides.items() if value is not None]
    return with_sensitivity(run_pipeline(load_config(config_path, settings))).weights


def _from_config(config_path: Path, overrides: Mapping[str, Any], as_json: bool,
                 matrices_of: MatricesOf, judgments_of: JudgmentsOf,
                 sensitivity: bool = False) -> int:
    if sensitivity:
        result = _with_sensitivity(config_path, overrides)
        if as_json:
            click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        else:
            blocks = [_record_lines(record) for record in result.matrices.values()]
            click.echo("\n\n".join("\n".join(block) for block in blocks))
            click.echo("\n".join(_sensitivity_lines(result.sensitivity or {})))
        return 0 if result.passed else EXIT_INCONSISTENT
    loaded = load_config(config_path)
    settings: WeightsConfig = loaded.config.weights
    update = {k: v for k, v in overrides.items() if v is not None}
    if update:
        settings = WeightsConfig.model_validate({**settings.model_dump(), **update})
    matrices = matrices_of(loaded.config)
    problems = settings.problems(matrices)
    if problems:
        raise ConfigError(str(config_path), problems)
    judgments = judgments_of(loaded)
    InputError.collect(check_judgments(judgments, settings, matrices))
    result: WeightsResult = derive_weights(judgments, settings, matrices,
                                           enforce=False, config_file=str(config_path))
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        blocks = [_record_lines(record) for record in result.matrices.values()]
        click.echo("\n\n".join("\n".join(block) for block in blocks))
        verdict = ("all matrices pass" if result.passed
                   else "some matrices would stop `appraise run` (see above)")
        click.echo(f"\n{verdict} (method {result.method}, RI table {result.ri_table}, "
                   f"CR < {result.cr_threshold:g})")
    return 0 if result.passed else EXIT_INCONSISTENT


def make_weights_command(
    matrices_of: MatricesOf = _declared_matrices,
    judgments_of: JudgmentsOf = _read_judgments,
) -> click.Command:
    """The `weights` command; `matrices_of(config)` gives every AHP matrix id with its criteria."""

    @click.command("weights")
    @click.argument("file", required=False,
                    type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
                  callback=remember_config,
                  help="Check every AHP matrix of this config (with its judgments file).")
    @click.option("--method", type=click.Choice(["geometric-mean", "eigenvector"]), default=None,
                  help="Weight method (default: geometric-mean, or the config's weights.method).")
    @click.option("--ri-table", type=click.Choice(list(ahp.RI_TABLES)), default=None,
                  help="Random-index table (default: saaty_1980, or the config's).")
    @click.option("--cr-threshold", type=click.FloatRange(0, 1, min_open=True, max_open=True),
                  default=None, help="CR acceptance threshold (default 0.10, or the config's).")
    @click.option("--sheet", default=None, help="Worksheet of an XLSX FILE (default: the first).")
    @click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
    @click.option("--sensitivity", is_flag=True,
                  help="With --config: also the smallest change of every weight that changes "
                       "a manager's grade (runs the whole appraisal; docs/design-tools.md).")
    def weights(file: Path | None, config_path: Path | None, method: str | None,
                ri_table: str | None, cr_threshold: float | None, sheet: str | None,
                as_json: bool, sensitivity: bool) -> None:
        """Show AHP weights, λmax, CI, RI, CR, the verdict and diagnostics.

        FILE is a CSV or XLSX matrix: the first row and the first column are the criterion
        names; the cells are numbers or fractions (1/3); a blank pair is completed (Harker).
        Exit 0 when consistent, 3 when not, 2 for bad input.
        """
        if (file is None) == (config_path is None):
            _fail("give either a matrix FILE or --config CONFIG (not both)")
        if sensitivity and config_path is None:
            _fail("--sensitivity needs --config CONFIG (the managers' scores)")
        weight_method = method.replace("-", "_") if method else None
        try:
            if file is not None:
                code = _single(file, sheet, weight_method or "geometric_mean",
                               ri_table or "saaty_1980",
                               cr_threshold if cr_threshold is not None
                               else ahp.DEFAULT_CR_THRESHOLD, as_json)
            else:
                overrides = {"method": weight_method, "ri_table": ri_table,
                             "cr_threshold": cr_threshold}
                code = _from_config(Path(str(config_path)), overrides, as_json, matrices_of,
                                    judgments_of, sensitivity)
        except AppraisalError as exc:
            _fail(exc)
            return
        click.get_current_context().exit(code)

    return weights


weights_command = make_weights_command()
