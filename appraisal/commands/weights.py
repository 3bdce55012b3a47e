"""`appraise weights`: audit AHP weights of one matrix file or of every matrix of a config.

    appraise weights FILE [--method geometric-mean|eigenvector] [--ri-table NAME] [--json]
    appraise weights --config CONFIG [--method ...] [--ri-table NAME] [--json]
    appraise weights --config CONFIG --sensitivity [--json]

Exit 0 when every matrix is consistent (or accepted in the config), 3 when one is not (the
output is still printed), 2 for bad input (a message, no traceback).

The text output speaks the config's `language` (`command_language`; English for a bare matrix
FILE, which names no config): every line from `LINES`. In Chinese, criteria, dimensions and
matrices are shown by the config's display names (the column registry's `code_label`, the
workbook's Weights sheet's names; the id where the config gives none), the weight method and
RI table by their names; numbers, expert ids and the abbreviations CR, CI, RI, GCI and λmax
pass unchanged. In English the ids are shown, as the config and the judgments table write them.
`--json` is the same in both: machine-readable, English keys and ids.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import click
import pandas as pd

from .. import ahp
from ..columns import code_label, column_registry
from ..config import AppraisalConfig, LoadedConfig, WeightsConfig, load_config
from ..console import Phrasebook, fit
from ..console import width as text_width
from ..errors import AppraisalError, ConfigError, InputError, InputIssue, IssueCode
from ..messages import Language
from ..weights import (
    MatrixWeights,
    WeightsResult,
    check_judgments,
    derive_weights,
    describe_blocking,
    describe_diagnostics,
    describe_exclusion,
)
from .language import command_language, error_line, remember_config

__all__ = [
    "EXIT_INCONSISTENT",
    "LINES",
    "MatrixFile",
    "make_weights_command",
    "read_matrix_file",
    "weights_command",
]

LINES = Phrasebook("weights", {
    # one matrix
    "title": ("{title}: {n} criteria, weights by {method}",
              "{title}：{n} 个准则，权重采用{method}"),
    "combined": ("matrix '{matrix}' (combined)", "判断矩阵“{matrix}”（综合）"),
    "grid_header": ("{indent}{names}", "{indent}{names}"),
    "grid_row": ("  {name}{cells}", "  {name}{cells}"),
    "completed": ("  * completed (no judgment given)", "  * 补全值（未给出判断）"),
    "weights": ("  weights", "  权重"),
    "weight_row": ("  {name}  {weight:.4f}", "  {name}  {weight:.4f}"),
    "indices": ("  λmax = {lambda_max:.4f}   CI = {ci:.4f}   RI = {ri} ({ri_table})   "
                "CR = {cr:.4f}{gci}",
                "  最大特征值 λmax = {lambda_max:.4f}   一致性指标 CI = {ci:.4f}   "
                "随机一致性指标 RI = {ri}（{ri_table}）   一致性比率 CR = {cr:.4f}{gci}"),
    "gci": ("   GCI = {gci:.4f} (threshold {threshold})",
            "   几何一致性指标 GCI = {gci:.4f}（阈值 {threshold}）"),
    "verdict": ("  verdict: {verdict} (CR {cr:.4f} {relation} {threshold})",
                "  结论：{verdict}（CR {cr:.4f} {relation} {threshold}）"),
    "consistent": ("consistent", "一致"),
    "inconsistent": ("NOT consistent", "不一致"),
    "diagnostics": ("  judgments that disagree most with the weights:",
                    "  与权重最不相符的判断："),
    # a config's matrix: its experts, acceptance, what stops a run
    "expert": ("  expert {expert}: CR {cr:.4f} ({verdict}; {state})",
               "  专家 {expert}：CR {cr:.4f}（{verdict}；{state}）"),
    "used": ("used", "采用"),
    "excluded": ("excluded: {reason}", "已排除：{reason}"),
    "accepted": ("  accepted in the config: {why}", "  配置中已接受：{why}"),
    "blocking": ("  stops a run: {reason}", "  会使运行停止：{reason}"),
    "all_pass": ("all matrices pass", "所有判断矩阵均通过"),
    "some_fail": ("some matrices would stop `appraise run` (see above)",
                  "部分判断矩阵会使正式运行停止，见上文"),
    "summary": ("{verdict} (method {method}, RI table {ri_table}, CR < {threshold:g})",
                "{verdict}（{method}，RI 取自 {ri_table}，CR < {threshold:g}）"),
    # --sensitivity
    "robustness": ("weight robustness: {method}", "权重稳健性：{method}"),
    "robustness_method": ("{citation}; weights of a level renormalised, grades by {grading}",
                          "{citation}；同一层级的权重重新归一化，等级按{grading}评定"),
    "grading_bands": ("bands", "分数段"),
    "grading_forced": ("forced", "强制分布"),
    "sensitivity_row": ("  #{rank} {name} w = {weight:.4f}", "  #{rank} {name} 权重 {weight:.4f}"),
    "up": ("        up   {change} {flips}", "        上调 {change} {flips}"),
    "down": ("        down {change} {flips}", "        下调 {change} {flips}"),
    "change": ("{delta:+.4f} ({relative:+.1%})", "{delta:+.4f}（{relative:+.1%}）"),
    "none_feasible": ("none feasible", "无可行变动"),
})

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
    if not Path(path).exists():  # a path typed on the command line: from the current folder
        raise InputError([InputIssue(shown, None, None, "file not found", None,
                                     "an existing CSV or XLSX file (a relative path is read "
                                     "from the current folder)", code=IssueCode.FILE_NOT_FOUND)])
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


def _right(text: str, columns: int) -> str:
    return " " * max(0, columns - text_width(text)) + text


def _number(value: float) -> str:
    """RI and thresholds as published: at least two decimals, up to four."""
    text = f"{value:.4f}".rstrip("0")
    return text + "0" * max(0, 2 - len(text.partition(".")[2]))


class _Names:
    """How ids and codes are shown: in Chinese by their display names (the config's, through its
    column registry, as the workbook names them; the engine's for methods and RI tables; the id
    where none is given), in English as the ids and codes themselves."""

    def __init__(self, config: AppraisalConfig | None, language: Language) -> None:
        self.language = language
        self._registry = (column_registry(config) if config is not None and language == "zh"
                          else None)

    def code(self, vocabulary: str, value: str) -> str:
        """`value` of `vocabulary` (criterion, matrix, method, ri_table) as shown."""
        if self.language != "zh":
            return value
        return code_label(vocabulary, value, "zh", self._registry) or value

    def criterion(self, criterion: str) -> str:
        return self.code("criterion", criterion)

    def matrix(self, matrix_id: str) -> str:
        return self.code("matrix", matrix_id)

    def criteria(self, criteria: Sequence[str]) -> dict[str, str]:
        return {c: self.criterion(c) for c in criteria}

    def method_words(self, method: str) -> str:
        """The weight method in a sentence: `geometric mean` in English, 几何平均法 in Chinese."""
        return self.code("method", method) if self.language == "zh" else method.replace("_", " ")


_ENGLISH = _Names(None, "en")


def _matrix_lines(analysis: ahp.MatrixAnalysis, filled: set[tuple[int, int]],
                  names: _Names) -> list[str]:
    language = names.language
    shown = [names.criterion(c) for c in analysis.criteria]
    width = max(6, *(text_width(c) for c in shown))
    values = analysis.array
    lines = [LINES("grid_header", language, indent=" " * (width + 2),
                   names="".join(_right(c, width + 2) for c in shown))]
    for i, name in enumerate(shown):
        cells = "".join(
            _right(ahp.format_judgment(values[i, j]) + ("*" if (i, j) in filled else ""), width + 2)
            for j in range(len(shown))
        )
        lines.append(LINES("grid_row", language, name=fit(name, width), cells=cells))
    if filled:
        lines.append(LINES("completed", language))
    return lines


def _analysis_lines(analysis: ahp.MatrixAnalysis, diagnostics: Sequence[ahp.JudgmentDiagnostic],
                    filled: set[tuple[int, int]], title: str,
                    names: _Names = _ENGLISH) -> list[str]:
    language = names.language
    lines = [LINES("title", language, title=title, n=analysis.n,
                   method=names.method_words(analysis.method)), ""]
    lines += _matrix_lines(analysis, filled, names)
    lines += ["", LINES("weights", language)]
    shown = names.criteria(analysis.criteria)
    width = max(6, *(text_width(c) for c in shown.values()))
    lines += [LINES("weight_row", language, name=fit(shown[c], width), weight=w)
              for c, w in analysis.weights_by_criterion.items()]
    verdict = LINES("consistent" if analysis.consistent else "inconsistent", language)
    relation = "<" if analysis.consistent else ">="
    gci_note = (LINES("gci", language, gci=analysis.geometric_consistency_index,
                      threshold=_number(analysis.gci_threshold))
                if analysis.gci_threshold is not None else "")
    lines += [
        "",
        LINES("indices", language, lambda_max=analysis.lambda_max, ci=analysis.consistency_index,
              ri=_number(analysis.random_index), ri_table=names.code("ri_table", analysis.ri_table),
              cr=analysis.consistency_ratio, gci=gci_note),
        LINES("verdict", language, verdict=verdict, cr=analysis.consistency_ratio,
              relation=relation, threshold=_number(analysis.cr_threshold)),
    ]
    if diagnostics and not analysis.consistent:
        lines += ["", LINES("diagnostics", language)]
        lines += describe_diagnostics(diagnostics, indent="    ", language=language, names=shown)
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


def _record_lines(record: MatrixWeights, result: WeightsResult, names: _Names) -> list[str]:
    language = names.language
    criteria = names.criteria(record.criteria)
    lines = []
    for expert in record.experts:
        state = (LINES("excluded", language, reason=describe_exclusion(expert, language))
                 if expert.excluded else LINES("used", language))
        verdict = LINES("consistent" if expert.analysis.consistent else "inconsistent", language)
        lines.append(LINES("expert", language, expert=expert.expert,
                           cr=expert.analysis.consistency_ratio, verdict=verdict, state=state))
        lines += describe_diagnostics(expert.diagnostics, indent="      ", language=language,
                                      names=criteria)
    title = LINES("combined", language, matrix=names.matrix(record.matrix_id))
    body = _analysis_lines(record.combined, record.diagnostics, set(), title, names)
    lines = [body[0], *lines, *body[1:]]
    if record.accepted_justification is not None and record.acceptance_used:
        lines.append(LINES("accepted", language, why=record.accepted_justification))
    # English: the reasons as recorded (weights.json); Chinese: the same reasons in its words
    reasons = (record.blocking if language != "zh" else
               describe_blocking(record, result.inconsistent_expert, result.cr_threshold,
                                 language, names.matrix(record.matrix_id)))
    lines += [LINES("blocking", language, reason=reason) for reason in reasons]
    return lines


def _matrices_lines(result: WeightsResult, names: _Names) -> str:
    blocks = [_record_lines(record, result, names) for record in result.matrices.values()]
    return "\n\n".join("\n".join(block) for block in blocks)


# ---- the command ---------------------------------------------------------------------------------


def _fail(error: AppraisalError | str) -> None:
    """Exit 2 with `error` in the language of the config named (English without one)."""
    ctx = click.get_current_context()
    click.echo(error_line(error, command_language(ctx)), err=True)
    ctx.exit(2)


def _single(file: Path, sheet: str | None, method: str, ri_table: str, threshold: float,
            as_json: bool, language: Language = "en") -> int:
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
        click.echo("\n".join(_analysis_lines(analysis, diagnostics, filled, matrix_file.shown,
                                             _Names(None, language))))
    return 0 if analysis.consistent else EXIT_INCONSISTENT


def _sensitivity_lines(sensitivity: Mapping[str, Any], grading: str, names: _Names) -> list[str]:
    """The weight-robustness table: per weight the smallest increase and decrease (others
    renormalised) that change a grade, absolute and relative, and what flips first (manager
    ids and grade ids, in either language); `grading` is the config's grading method."""
    language = names.language

    def shown(value: Any, relative: Any) -> str:
        if value is None:
            text = LINES("none_feasible", language)
        else:
            text = LINES("change", language, delta=value, relative=relative)
        return fit(text, 24)

    method = str(sensitivity.get("method", ""))
    if language == "zh":  # the citation stays as published; the rest in Chinese
        graded = LINES(f"grading_{grading}", language) if f"grading_{grading}" in LINES.entries \
            else grading
        method = LINES("robustness_method", language, citation=method.partition(";")[0],
                       grading=graded)
    lines = ["", LINES("robustness", language, method=method)]
    for row in sensitivity["weights"]:
        name = (names.criterion(row["criterion"]) if row["level"] == "dimension"
                else f"{names.criterion(row['dimension'])}/{names.criterion(row['criterion'])}")
        rank = row["critical_rank"] if row["critical_rank"] is not None else "-"
        lines.append(LINES("sensitivity_row", language, rank=f"{rank!s:<3}",
                           name=fit(name, 34), weight=row["weight_current"]))
        lines.append(LINES("up", language, change=shown(row["delta_up"],
                                                        row["delta_up_relative"]),
                           flips=row["flips_up"]))
        lines.append(LINES("down", language, change=shown(row["delta_down"],
                                                          row["delta_down_relative"]),
                           flips=row["flips_down"]))
    return lines


def _with_sensitivity(config_path: Path, overrides: Mapping[str, Any]
                      ) -> tuple[AppraisalConfig, WeightsResult]:
    """The whole run of the config (the sensitivity needs every manager's scores), with the
    command's options applied as `--set weights.<key>=<value>`: the config run, its weights."""
    from ..analysis.tables import with_sensitivity
    from ..pipeline import run as run_pipeline

    settings = [f"weights.{key}={value}" for key, value in overrides.items() if value is not None]
    loaded = load_config(config_path, settings)
    return loaded.config, with_sensitivity(run_pipeline(loaded)).weights


def _from_config(config_path: Path, overrides: Mapping[str, Any], as_json: bool,
                 matrices_of: MatricesOf, judgments_of: JudgmentsOf,
                 sensitivity: bool = False, language: Language = "en") -> int:
    if sensitivity:
        config, result = _with_sensitivity(config_path, overrides)
        if as_json:
            click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        else:
            names = _Names(config, language)
            click.echo(_matrices_lines(result, names))
            click.echo("\n".join(_sensitivity_lines(result.sensitivity or {},
                                                    config.scorecard.grading.method, names)))
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
        names = _Names(loaded.config, language)
        click.echo(_matrices_lines(result, names))
        verdict = LINES("all_pass" if result.passed else "some_fail", language)
        click.echo("\n" + LINES("summary", language, verdict=verdict,
                                method=names.code("method", result.method),
                                ri_table=names.code("ri_table", result.ri_table),
                                threshold=result.cr_threshold))
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
        language = command_language(click.get_current_context())
        try:
            if file is not None:
                code = _single(file, sheet, weight_method or "geometric_mean",
                               ri_table or "saaty_1980",
                               cr_threshold if cr_threshold is not None
                               else ahp.DEFAULT_CR_THRESHOLD, as_json, language)
            else:
                overrides = {"method": weight_method, "ri_table": ri_table,
                             "cr_threshold": cr_threshold}
                code = _from_config(Path(str(config_path)), overrides, as_json, matrices_of,
                                    judgments_of, sensitivity, language)
        except AppraisalError as exc:
            _fail(exc)
            return
        click.get_current_context().exit(code)

    return weights


weights_command = make_weights_command()
