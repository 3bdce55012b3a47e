"""The lines `appraise run` and `appraise validate` print, in the command's language.

Progress (one line per stage), the run's closing line, validate's summary of what a run would
do, and library warnings. Ids (period, unit, manager, expert, grade), amounts, counts and paths
pass into either language unchanged; in Chinese the engine's and the config's codes (stages,
input tables, matrices, indicators) are shown by their display names (the column registry's
`code_label`), in English by the codes themselves, the keys the config and the tables use.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..console import Phrasebook, fit, listed
from ..messages import Language, translate
from ..money import cents_to_text

if TYPE_CHECKING:
    from ..result import InputRecord, RunResult

__all__ = [
    "LINES",
    "progress_line",
    "run_closing_line",
    "run_header",
    "validate_lines",
    "warning_line",
]

LINES = Phrasebook("run", {
    "header": ("appraise {version}: {config}", "appraise {version}：{config}"),
    "progress": ("  {stage} {rows:>12,} rows {seconds:>8.2f} s",
                 "  {stage} {rows:>12,} 行 {seconds:>8.2f} 秒"),
    "done": ("{managers} managers, period {period}: bonus total {total}; results in {written}",
             "{managers} 名客户经理，期间 {period}：奖金合计 {total}；结果已写入 {written}"),
    "done_annual": (
        "{managers} managers, period {period}: settlement of the grade part over {months} closed "
        "months, true-up total {total} (owed to the next open month once closed); results in "
        "{written}",
        "{managers} 名客户经理，期间 {period}：等级奖金按 {months} 个已关账月份年度清算，补差合计 "
        "{total}（关账后计入下一个未关账月份发放）；结果已写入 {written}"),
    "valid": ("{config}: configuration valid", "{config}：配置有效"),
    "input": ("  {table} {rows:>10,} rows  {path}", "  {table} {rows:>10,} 行  {path}"),
    "passed": ("all checks passed; nothing was written", "全部检查通过；未写入任何文件"),
    "period": ("period {period} ({start} .. {end}), unit {unit}",
               "考核期间 {period}（{start} 至 {end}），机构 {unit}"),
    "counts": ("{managers} managers, {scores} indicator scores, {rorac} manager x category RORAC "
               "rows",
               "{managers} 名客户经理，{scores} 个指标得分，{rorac} 行客户经理 × 业务类别 RORAC"),
    "matrix": ("AHP matrix {matrix}: CR {cr} ({verdict}; experts {experts})",
               "AHP 判断矩阵 {matrix}：CR {cr}（{verdict}；专家 {experts}）"),
    "consistent": ("consistent", "一致"),
    "inconsistent": ("inconsistent", "不一致"),
    "inconsistent_accepted": ("inconsistent, accepted", "不一致，已接受"),
    "excluded": ("AHP matrix {matrix}: excluded inconsistent expert(s) {experts}",
                 "AHP 判断矩阵 {matrix}：已剔除判断不一致的专家 {experts}"),
    "accepted": ("AHP matrix {matrix}: inconsistent judgments accepted, because: {why}",
                 "AHP 判断矩阵 {matrix}：已接受不一致的判断，理由：{why}"),
    "missing": ("{count} missing actuals scored 0 (`missing_actual: zero`):",
                "{count} 个缺失的实际值按 0 分计（配置 missing_actual: zero）："),
    "missing_one": ("  {manager} {name}: {indicator}", "  {manager} {name}：{indicator}"),
    "grades": ("grades: {grades}", "等级分布：{grades}"),
    "grade": ("{grade} {count}", "{grade} {count} 人"),
    "money": ("bonus gross {gross}, withheld {withheld}, pool allocations {pool}, final {final}",
              "应发奖金 {gross}，留存 {withheld}，公共池分配 {pool}，实发 {final}"),
    "warning": ("warning: {text}", "警告：{text}"),
})

_STAGES: dict[str, tuple[str, str]] = {
    "read": ("读取与检查输入", "read"),
    "rorac": ("RORAC 计算", "rorac"),
    "weights": ("AHP 权重", "weights"),
    "scorecard": ("计分卡", "scorecard"),
    "bonus": ("奖金", "bonus"),
    "write csv": ("写出 CSV", "write csv"),
    "charts": ("图表", "charts"),
    "workbook": ("奖金工作簿", "workbook"),
    "payroll": ("工资表", "payroll"),
    "statements": ("绩效单", "statements"),
}


def run_header(version: str, config: Path | str, language: Language) -> str:
    """The first line of `appraise run`: the engine's version and the config."""
    return LINES("header", language, version=version, config=config)


def progress_line(stage: str, rows: int, seconds: float, language: Language) -> str:
    """One stage done: its name, the rows it handled, its seconds."""
    zh, en = _STAGES.get(stage, (stage, stage))
    return LINES("progress", language, stage=fit(zh if language == "zh" else en, 12),
                 rows=rows, seconds=seconds)


def run_closing_line(result: RunResult, written: Path, language: Language) -> str:
    """The run's last line: managers, period, the bonus total (or an annual settlement's
    true-up total) and where the results are."""
    head = result.headline()
    annual = result.audit.get("annual")
    if annual:  # a settlement over closed months pays only its true-up, through next month
        return LINES("done_annual", language, managers=head["managers"], period=head["period"],
                     months=len(annual["months"]),
                     total=cents_to_text(annual["annual_true_up_cents"]), written=written)
    return LINES("done", language, managers=head["managers"], period=head["period"],
                 total=cents_to_text(head["bonus_final"]), written=written)


def _shown(result: RunResult, key: str, value: object, language: Language) -> str:
    """A code as the command shows it: its Chinese display name in zh, the code itself (a key
    the config and the tables use) in English."""
    return result.columns.code_label(key, value, "zh") if language == "zh" else str(value)


def _input_lines(inputs: Sequence[InputRecord], result: RunResult,
                 language: Language) -> list[str]:
    return [LINES("input", language, rows=record.rows, path=record.path,
                  table=fit(_shown(result, "table", record.table, language), 17))
            for record in inputs]


def validate_lines(result: RunResult, config: Path | str, language: Language) -> list[str]:
    """`appraise validate`'s report once every check passed: the inputs read, then what a run
    would do (period, counts, each AHP matrix's consistency, grades, money totals)."""
    def name(key: str, value: object) -> str:
        return _shown(result, key, value, language)

    lines = [LINES("valid", language, config=config), *_input_lines(result.inputs, result,
                                                                     language)]
    unit = f"{result.config.unit.id} {result.config.unit.name}".rstrip()
    said = [LINES("period", language, period=result.period.label, start=result.period.start,
                  end=result.period.end, unit=unit).rstrip(),
            LINES("counts", language, managers=len(result.managers), scores=len(result.scores),
                  rorac=len(result.rorac))]
    for matrix_id, matrix in result.weights.matrices.items():
        analysis = matrix.combined
        verdict = ("consistent" if analysis.consistent else
                   "inconsistent_accepted" if matrix.acceptance_used else "inconsistent")
        experts = [e.expert for e in matrix.experts if not e.excluded]
        said.append(LINES("matrix", language, matrix=name("matrix", matrix_id),
                          cr=f"{analysis.consistency_ratio:.4f}",
                          verdict=LINES(verdict, language), experts=listed(experts, language)))
    for matrix_id, excluded in result.audit.get("excluded_experts", {}).items():
        said.append(LINES("excluded", language, matrix=name("matrix", matrix_id),
                          experts=listed([e["expert"] for e in excluded], language)))
    for matrix_id, why in result.audit.get("accepted_matrices", {}).items():
        said.append(LINES("accepted", language, matrix=name("matrix", matrix_id), why=why))
    missing = result.extra_table("missing_actuals")
    if missing is not None:
        frame = missing.frame
        said.append(LINES("missing", language, count=len(frame)))
        said += [LINES("missing_one", language, manager=manager, name=person,
                       indicator=name("indicator", indicator))
                 for manager, person, indicator in zip(
                     frame["manager_id"], frame.get("name", frame["manager_id"]),
                     frame["indicator"], strict=True)]
    grades = result.summary.grades
    if not grades.empty:
        said.append(LINES("grades", language, grades=listed(
            [LINES("grade", language, grade=g or "-", count=n)
             for g, n in zip(grades["grade"], grades["count"], strict=True)], language)))
    head = result.headline()
    gross, withheld, pool, final = cents_to_text(
        [head[k] for k in ("bonus_gross", "withheld", "pool_allocation", "bonus_final")])
    said.append(LINES("money", language, gross=gross, withheld=withheld, pool=pool,
                      final=final))
    return [*lines, *(f"  {line}" for line in said), LINES("passed", language)]


def warning_line(message: Warning | str, language: Language) -> str:
    """A warning (the engine's or a library's) as one line: `warning: …` / `警告：…`."""
    text = str(message)
    return LINES("warning", language, text=translate(text) if language == "zh" else text)

