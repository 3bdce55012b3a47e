"""Display names and number formats of every column the report writes (Chinese and English).

A column is looked up in `COLUMNS` (key -> zh label, en label, kind); a column the registry does
not know gets its key as header and a kind guessed from its name and dtype, so a stage may add
columns without breaking the report. Ids of dimensions, indicators, categories and grades are
translated with the run's `labels` ({key: {"zh": .., "en": ..}}).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import pandas as pd

__all__ = [
    "AHP_KEYS",
    "COLUMNS",
    "NUMBER_FORMATS",
    "SHEET_NAMES",
    "TEXT",
    "VALUE_COLUMNS",
    "VALUE_LABELS",
    "ColumnLabel",
    "Kind",
    "Language",
    "ahp_header",
    "column_header",
    "column_kind",
    "text",
    "value_label",
]

Language = Literal["zh", "en"]
Kind = Literal[
    "money", "percent", "score", "coefficient", "number", "integer", "text", "date"
]

NUMBER_FORMATS: dict[Kind, str] = {
    "money": "#,##0.00",
    "percent": "0.00%",
    "score": "0.00",
    "coefficient": "0.0000",
    "number": "#,##0.00",
    "integer": "0",
    "text": "General",
    "date": "yyyy-mm-dd",
}


@dataclass(frozen=True)
class ColumnLabel:
    """How one column is shown: its Chinese and English header and its number kind."""

    zh: str
    en: str
    kind: Kind

    def header(self, language: Language) -> str:
        return self.zh if language == "zh" else self.en


def _c(zh: str, en: str, kind: Kind) -> ColumnLabel:
    return ColumnLabel(zh, en, kind)


COLUMNS: dict[str, ColumnLabel] = {
    # roster
    "manager_id": _c("客户经理编号", "Manager ID", "text"),
    "name": _c("姓名", "Name", "text"),
    "branch": _c("分行", "Branch", "text"),
    "sub_branch": _c("支行", "Sub-branch", "text"),
    "team": _c("团队", "Team", "text"),
    "job_level": _c("职级", "Job level", "text"),
    "hire_date": _c("入职日期", "Hire date", "date"),
    "leave_date": _c("离职日期", "Leave date", "date"),
    "pay_base": _c("绩效工资基数", "Performance pay base", "money"),
    "position_coefficient": _c("岗位系数", "Position coefficient", "coefficient"),
    "service_fraction": _c("在岗天数占比", "Share of period employed", "percent"),
    "years_of_service": _c("工作年限", "Years of service", "score"),
    # business and RORAC
    "account_id": _c("账户编号", "Account ID", "text"),
    "category": _c("业务大类", "Business category", "text"),
    "product": _c("产品", "Product", "text"),
    "balance": _c("余额", "Balance", "money"),
    "share": _c("分成比例", "Credit share", "percent"),
    "E": _c("直接业务收入(E)", "Revenue (E)", "money"),
    "revenue": _c("直接业务收入(E)", "Revenue (E)", "money"),
    "Cd": _c("直接成本(Cd)", "Direct cost, FTP (Cd)", "money"),
    "ftp_cost": _c("直接成本(Cd)", "Direct cost, FTP (Cd)", "money"),
    "Cm": _c("分摊管理成本(Cm)", "Management cost (Cm)", "money"),
    "management_cost": _c("分摊管理成本(Cm)", "Management cost (Cm)", "money"),
    "Cf": _c("分摊固定成本(Cf)", "Fixed cost (Cf)", "money"),
    "fixed_cost": _c("分摊固定成本(Cf)", "Fixed cost (Cf)", "money"),
    "Cr": _c("风险成本(Cr)", "Risk cost (Cr)", "money"),
    "risk_cost": _c("风险成本(Cr)", "Risk cost (Cr)", "money"),
    "T": _c("税费(T)", "Tax (T)", "money"),
    "tax": _c("税费(T)", "Tax (T)", "money"),
    "rorac": _c("风险调整后利润", "Risk-adjusted profit (RORAC)", "money"),
    "rorac_stock": _c("存量风险调整后利润", "RORAC on stock business", "money"),
    "rorac_increment": _c("增量风险调整后利润", "RORAC on new business", "money"),
    "n": _c("存量业务加权平均年数(n)", "Stock age, years (n)", "coefficient"),
    "stock_age_years": _c("存量业务加权平均年数(n)", "Stock age, years (n)", "coefficient"),
    "k0": _c("存量系数(k0)", "Stock weight (k0)", "coefficient"),
    "rorac_weighted": _c("加权风险调整后利润", "Weighted RORAC", "money"),
    "economic_capital": _c("经济资本", "Economic capital", "money"),
    "rorac_ratio": _c("经济资本回报率", "RORAC ratio (profit / capital)", "percent"),
    "accounts": _c("账户数", "Accounts", "number"),  # fractional under credit splits
    "direct_cost": _c("直接成本(Cd)", "Direct cost, FTP (Cd)", "money"),
    "rorac_category": _c("业务大类风险调整后利润", "RORAC of the category", "money"),
    "category_weight": _c("业务大类权重", "Category weight", "coefficient"),
    "category_name_zh": _c("业务大类中文名", "Category name (zh)", "text"),
    "category_name_en": _c("业务大类英文名", "Category name (en)", "text"),
    "has_capital": _c("有经济资本", "Has economic capital", "text"),
    "has_business": _c("有业务", "Has business", "text"),
    "rorac_target": _c("风险调整后利润目标", "RORAC target", "money"),
    "gap": _c("与目标差额", "Gap to target", "money"),
    "gap_to_target": _c("与目标差额", "Gap to target", "money"),
    # scorecard
    "dimension": _c("维度", "Dimension", "text"),
    "source": _c("数据来源", "Source", "text"),
    "input_row": _c("输入行号", "Input row", "integer"),
    "raw_score": _c("原始得分", "Raw score", "score"),
    "dimension_weight": _c("维度权重", "Dimension weight", "coefficient"),
    "joined_during_period": _c("期内入职", "Joined during period", "text"),
    "left_during_period": _c("期内离职", "Left during period", "text"),
    "additional_points_raw": _c("附加分(封顶前)", "Additional points before cap", "score"),
    "weighted_score": _c("加权得分", "Weighted score", "score"),
    "composite_before_proration": _c("折算前综合得分", "Composite before proration", "score"),
    "excluded": _c("不参与评级", "Excluded from grading", "text"),
    "rank_in_unit": _c("单位内排名", "Rank in unit", "integer"),
    "indicator": _c("指标", "Indicator", "text"),
    "actual": _c("实际值", "Actual", "number"),
    "target": _c("目标值", "Target", "number"),
    "completion": _c("完成率", "Completion rate", "percent"),
    "completion_rate": _c("完成率", "Completion rate", "percent"),
    "rule": _c("评分规则", "Scoring rule", "text"),
    "score": _c("指标得分", "Indicator score", "score"),
    "weight": _c("权重", "Weight", "coefficient"),
    "local_weight": _c("层内权重", "Local weight", "coefficient"),
    "global_weight": _c("全局权重", "Global weight", "coefficient"),
    "contribution": _c("得分贡献", "Contribution to composite", "score"),
    "additional_points": _c("附加分", "Additional points", "score"),
    "composite": _c("综合得分", "Composite score", "score"),
    "rank": _c("排名", "Rank", "integer"),
    "grade": _c("等级", "Grade", "text"),
    "grade_coefficient": _c("绩效工资调节系数", "Grade pay coefficient", "coefficient"),
    "flags": _c("提示", "Flags", "text"),
    # bonus
    "profit_band": _c("利润档次", "Profit band", "text"),
    "band": _c("利润档次", "Profit band", "text"),
    "band_coefficient": _c("档次系数", "Band coefficient", "coefficient"),
    "profit_bonus": _c("利润奖金", "Profit-linked bonus", "money"),
    "bonus_profit": _c("利润奖金", "Profit-linked bonus", "money"),
    "grade_bonus": _c("等级奖金", "Grade-linked bonus", "money"),
    "bonus_grade": _c("等级奖金", "Grade-linked bonus", "money"),
    "base": _c("采用的绩效工资基数", "Pay base used", "money"),
    "limit_adjustment": _c("封顶保底调整", "Cap/floor adjustment", "money"),
    "limit_applied": _c("封顶保底说明", "Cap/floor applied", "text"),
    "pool_redistributed": _c("公共绩效池再分配", "Shared-pool redistribution", "money"),
    "bonus_gross": _c("应发奖金", "Gross bonus", "money"),
    "withheld": _c("公共绩效池留存", "Withheld into shared pool", "money"),
    "pool_allocation": _c("公共绩效池分配", "Shared-pool allocation", "money"),
    "bonus_final": _c("实发奖金", "Final bonus", "money"),
    # shared pool
    "carry_in": _c("上期结转", "Carried in", "money"),
    "allocated": _c("本期分配", "Allocated", "money"),
    "redistributed": _c("再分配", "Redistributed", "money"),
    "carry_out": _c("结转下期", "Carried out", "money"),
    "amount": _c("金额", "Amount", "money"),
    "amount_cents": _c("金额(分)", "Amount (cents)", "integer"),
    "withhold_rate": _c("留存比例", "Withholding rate", "percent"),
    "mode": _c("分配方式", "Mode", "text"),
    "source_file": _c("来源文件", "Source file", "text"),
    "source_row": _c("来源行号", "Source row", "integer"),
    "reason": _c("分配原因", "Reason", "text"),
    "approved_by": _c("审批人", "Approved by", "text"),
    "note": _c("备注", "Note", "text"),
    # roll-ups
    "level": _c("层级", "Level", "text"),
    "unit": _c("单位", "Unit", "text"),
    "managers": _c("人数", "Managers", "integer"),
    "count": _c("人数", "Count", "integer"),
    "period": _c("考核期", "Period", "text"),
    # AHP
    "matrix": _c("判断矩阵", "Matrix", "text"),
    "expert": _c("专家", "Expert", "text"),
    "criterion": _c("准则", "Criterion", "text"),
    "method": _c("权重方法", "Weighting method", "text"),
    "lambda_max": _c("最大特征根 λmax", "λmax", "coefficient"),
    "ci": _c("一致性指标 CI", "Consistency index CI", "coefficient"),
    "consistency_index": _c("一致性指标 CI", "Consistency index CI", "coefficient"),
    "ri": _c("随机一致性指标 RI", "Random index RI", "coefficient"),
    "random_index": _c("随机一致性指标 RI", "Random index RI", "coefficient"),
    "ri_table": _c("RI 取值表", "RI table", "text"),
    "cr": _c("一致性比率 CR", "Consistency ratio CR", "coefficient"),
    "consistency_ratio": _c("一致性比率 CR", "Consistency ratio CR", "coefficient"),
    "verdict": _c("一致性检验结论", "Verdict", "text"),
    "consistent": _c("通过一致性检验", "Consistent", "text"),
    "accepted": _c("已接受", "Accepted", "text"),
    "justification": _c("接受说明", "Accepted justification", "text"),
    # run
    "table": _c("输入表", "Input table", "text"),
    "path": _c("文件路径", "File path", "text"),
    "sha256": _c("SHA-256 校验值", "SHA-256", "text"),
    "rows": _c("行数", "Rows", "integer"),
    "key": _c("项目", "Item", "text"),
    "value": _c("值", "Value", "text"),
}

# Columns whose values are ids to translate with the run's labels or VALUE_LABELS.
VALUE_COLUMNS = ("dimension", "indicator", "category", "grade", "reason", "level", "product")

VALUE_LABELS: dict[str, dict[str, str]] = {
    "special_factor": {"zh": "特殊因素", "en": "Special factors"},
    "diligence": {"zh": "勤勉尽责", "en": "Diligence"},
    "other": {"zh": "其他", "en": "Other"},
    "bank": {"zh": "全行", "en": "Bank"},
    "branch": {"zh": "分行", "en": "Branch"},
    "sub_branch": {"zh": "支行", "en": "Sub-branch"},
    "team": {"zh": "团队", "en": "Team"},
    "total": {"zh": "合计", "en": "Total"},
    "profit": {"zh": "利润", "en": "Profit"},
}

# Keys of weights.json whose meaning there differs from a column of the same name.
AHP_KEYS: dict[str, ColumnLabel] = {
    "completion": _c("缺失判断补全方法", "Completion of missing judgments", "text"),
    "source": _c("判断矩阵来源文件", "Judgments file", "text"),
    "cr_threshold": _c("CR 阈值", "CR threshold", "coefficient"),
    "ri_table_source": _c("RI 表出处", "RI table source", "text"),
    "inconsistent_expert": _c("不一致专家的处理", "Inconsistent expert policy", "text"),
    "expert_weights": _c("专家权重", "Expert weights", "coefficient"),
    "expert_weight": _c("专家权重", "Expert weight", "coefficient"),
    "passed": _c("通过检验", "Passed", "text"),
    "accepted": _c("经说明后接受", "Accepted with justification", "text"),
    "used": _c("已采用该接受", "Acceptance used", "text"),
    "gci": _c("几何一致性指标 GCI", "Geometric consistency index GCI", "coefficient"),
    "gci_threshold": _c("GCI 阈值", "GCI threshold", "coefficient"),
    "combined_from": _c("合成所用专家", "Combined from experts", "text"),
    "excluded_experts": _c("剔除的专家", "Excluded experts", "text"),
    "blocking": _c("未通过原因", "Blocking problems", "text"),
    "diagnostics": _c("诊断", "Diagnostics", "text"),
    "rows": _c("输入行号", "Input rows", "text"),
    "excluded": _c("已剔除", "Excluded", "text"),
    "exclusion_reason": _c("剔除原因", "Exclusion reason", "text"),
    "local_weights": _c("层内权重", "Local weights", "coefficient"),
    "filled": _c("补全的判断", "Filled judgments", "text"),
    "criterion_a": _c("准则 A", "Criterion A", "text"),
    "criterion_b": _c("准则 B", "Criterion B", "text"),
    "implied": _c("一致时应有值", "Value implied by the weights", "coefficient"),
}

SHEET_NAMES: dict[str, dict[Language, str]] = {
    "summary": {"zh": "汇总", "en": "Summary"},
    "bonus": {"zh": "奖金", "en": "Bonus"},
    "scores": {"zh": "得分", "en": "Scores"},
    "rorac": {"zh": "风险调整后利润", "en": "RORAC"},
    "weights": {"zh": "权重", "en": "Weights"},
    "pool": {"zh": "公共绩效池", "en": "Pool ledger"},
    "run": {"zh": "运行信息", "en": "Run"},
    "statement": {"zh": "绩效单", "en": "Statement"},
}

TEXT: dict[str, dict[Language, str]] = {
    "bonus_sheet": {"zh": "绩效奖金分配表", "en": "Bonus sheet"},
    "statement": {"zh": "客户经理绩效单", "en": "Customer manager performance statement"},
    "totals_per_unit": {"zh": "各单位合计", "en": "Totals per unit"},
    "pool_reconciliation": {"zh": "公共绩效池核对", "en": "Shared pool reconciliation"},
    "grade_distribution": {"zh": "等级分布", "en": "Grade distribution"},
    "score_statistics": {"zh": "综合得分统计", "en": "Composite score statistics"},
    "charts": {"zh": "图表", "en": "Charts"},
    "share": {"zh": "占比", "en": "Share"},
    "statistic": {"zh": "统计量", "en": "Statistic"},
    "item": {"zh": "项目", "en": "Item"},
    "value": {"zh": "值", "en": "Value"},
    "source": {"zh": "来源", "en": "Source"},
    "total": {"zh": "合计", "en": "Total"},
    "mean": {"zh": "平均值", "en": "Mean"},
    "std": {"zh": "标准差", "en": "Standard deviation"},
    "min": {"zh": "最小值", "en": "Minimum"},
    "p25": {"zh": "25%分位数", "en": "25th percentile"},
    "median": {"zh": "中位数", "en": "Median"},
    "p75": {"zh": "75%分位数", "en": "75th percentile"},
    "max": {"zh": "最大值", "en": "Maximum"},
    "ledger": {"zh": "公共绩效池台账", "en": "Pool ledger"},
    "ledger_total": {"zh": "台账合计", "en": "Ledger total"},
    "bonus_sheet_total": {"zh": "奖金表合计", "en": "Bonus sheet total"},
    "allocation_records": {"zh": "公共绩效池分配记录", "en": "Pool allocation records"},
    "pool_check": {
        "zh": "差额(上期结转+留存−分配−再分配−结转下期)",
        "en": "Difference (carried in + withheld − allocated − redistributed − carried out)",
    },
    "run_info": {"zh": "运行信息", "en": "Run"},
    "inputs": {"zh": "输入文件", "en": "Input files"},
    "config": {"zh": "配置", "en": "Configuration"},
    "audit": {"zh": "审计记录", "en": "Audit trail"},
    "version": {"zh": "程序版本", "en": "Engine version"},
    "period_start": {"zh": "考核期开始", "en": "Period start"},
    "period_end": {"zh": "考核期结束", "en": "Period end"},
    "unit_id": {"zh": "考核单位编号", "en": "Unit ID"},
    "unit_name": {"zh": "考核单位名称", "en": "Unit name"},
    "language": {"zh": "语言", "en": "Language"},
    "ahp_matrices": {"zh": "层次分析法判断矩阵", "en": "AHP pairwise-comparison matrices"},
    "other_values": {"zh": "权重设置与结果", "en": "Weight settings and results"},
    "combined": {"zh": "综合(专家合成)", "en": "combined (all experts)"},
    "no_weights": {"zh": "本次运行没有权重结果", "en": "No weights in this run"},
    "name_suffix": {"zh": "名称", "en": " name"},
    "score_suffix": {"zh": "得分", "en": " score"},
    "basic_info": {"zh": "基本信息", "en": "Manager"},
    "indicators": {"zh": "指标完成情况与得分", "en": "Indicator results and scores"},
    "rorac_by_category": {"zh": "分业务风险调整后利润", "en": "Risk-adjusted profit by category"},
    "result": {"zh": "考核结果与奖金构成", "en": "Appraisal result and bonus breakdown"},
    "pool_allocation": {"zh": "公共绩效池分配", "en": "Shared-pool allocation"},
    "none": {"zh": "无", "en": "None"},
}


def text(key: str, language: Language) -> str:
    """A fixed report text (titles, row labels) in the given language."""
    return TEXT[key][language]


def value_label(value: str, language: Language, labels: Mapping[str, Mapping[str, str]]) -> str:
    """Display name of an id (indicator, dimension, category, grade, reason, level)."""
    entry = labels.get(value) or VALUE_LABELS.get(value)
    if entry:
        shown = entry.get(language) or entry.get("en") or entry.get("zh")
        if shown:
            return str(shown)
    return value


# Derived columns: (suffix or prefix, zh template, en template); {base} is the base's name.
_SUFFIXES: tuple[tuple[str, str, str], ...] = (
    ("_stock", "存量{base}", "{base} (stock)"),
    ("_increment", "增量{base}", "{base} (new business)"),
    ("_band_coefficient", "{base}档次系数", "{base} band coefficient"),
    ("_band", "{base}档次", "{base} band"),
    ("_points", "{base}点数", "{base} points"),
)
_PREFIXES: tuple[tuple[str, str, str], ...] = (("bonus_", "{base}奖金", "Bonus: {base}"),)


def _derived(
    key: str, language: Language, labels: Mapping[str, Mapping[str, str]]
) -> tuple[str, Kind | None] | None:
    """Header and kind of a column named after another (rorac_stock, bonus_<component>...)."""
    for suffix, zh, en in _SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            base = key[: -len(suffix)]
            entry = COLUMNS.get(base)
            if entry is not None:
                name = entry.header(language)
                kind: Kind | None = entry.kind
            else:
                name = value_label(base, language, labels)
                kind = None
            return (zh if language == "zh" else en).format(base=name), kind
    for prefix, zh, en in _PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            base = key[len(prefix) :]
            name = value_label(base, language, labels)
            return (zh if language == "zh" else en).format(base=name), "money"
    return None


_ID_PREFIXES = ("score_", "dimension_score_")
_ID_SUFFIXES = ("_score",)


def _labelled_id(key: str, labels: Mapping[str, Mapping[str, str]]) -> str | None:
    """The dimension/indicator id a score column is named after, if any."""
    if key in labels and key not in COLUMNS:
        return key
    for prefix in _ID_PREFIXES:
        if key.startswith(prefix) and key[len(prefix) :] in labels:
            return key[len(prefix) :]
    for suffix in _ID_SUFFIXES:
        if key.endswith(suffix) and key[: -len(suffix)] in labels:
            return key[: -len(suffix)]
    return None


def ahp_header(key: str, language: Language) -> str:
    """Header of a weights.json key: its AHP meaning first, else the column registry's."""
    entry = AHP_KEYS.get(key)
    return entry.header(language) if entry is not None else column_header(key, language)


def column_header(
    key: str, language: Language, labels: Mapping[str, Mapping[str, str]] | None = None
) -> str:
    """Header of a column: the registry's name, a labelled id + 'score', else the key itself."""
    entry = COLUMNS.get(key)
    if entry is not None:
        return entry.header(language)
    labels = labels or {}
    ident = _labelled_id(key, labels)
    if ident is not None:
        return value_label(ident, language, labels) + text("score_suffix", language)
    derived = _derived(key, language, labels)
    if derived is not None:
        return derived[0]
    return key


def column_kind(
    key: str,
    dtype: object = None,
    labels: Mapping[str, Mapping[str, str]] | None = None,
) -> Kind:
    """Number kind of a column: the registry's, else guessed from the name, else from the dtype."""
    entry = COLUMNS.get(key)
    if entry is not None:
        return entry.kind
    if labels and _labelled_id(key, labels) is not None:
        return "score"
    derived = _derived(key, "en", labels or {})
    if derived is not None and derived[1] is not None:
        return derived[1]
    lowered = key.lower()
    if dtype is not None and pd.api.types.is_datetime64_any_dtype(dtype):
        return "date"
    numeric = dtype is None or (
        pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
    )
    if not numeric:
        return "text"
    if lowered.endswith(("_coefficient", "_weight", "_factor")):
        return "coefficient"
    if lowered.endswith(("_rate", "_ratio", "_share", "_pct")):
        return "percent"
    if lowered.startswith("score_") or lowered.endswith(("_score", "_points")):
        return "score"
    if lowered.endswith(("_count", "_rows")) or lowered.startswith("n_"):
        return "integer"
    if any(word in lowered for word in ("bonus", "amount", "cost", "revenue", "pay", "yuan")):
        return "money"
    if dtype is not None and pd.api.types.is_integer_dtype(dtype):
        return "integer"
    return "number"
