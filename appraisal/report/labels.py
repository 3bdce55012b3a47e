"""Sheet names, fixed report texts and display names of fixed values, in Chinese and English.

Column headers, kinds and units are not here: they are the column registry's
(`appraisal.columns`). Ids of dimensions, indicators, categories and grades are translated with
the run's `labels` ({key: {"zh": .., "en": ..}}).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..columns import Language

__all__ = ["SHEET_NAMES", "TEXT", "VALUE_LABELS", "Language", "text", "value_label"]

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

SHEET_NAMES: dict[str, dict[Language, str]] = {
    "payout": {"zh": "发放表", "en": "Payout"},
    "scheme": {"zh": "考核方案", "en": "Scheme"},
    "summary": {"zh": "汇总", "en": "Summary"},
    "bonus": {"zh": "奖金", "en": "Bonus"},
    "scores": {"zh": "得分", "en": "Scores"},
    "rorac_managers": {"zh": "客户经理利润明细", "en": "RORAC by manager"},
    "rorac": {"zh": "风险调整后利润", "en": "RORAC"},
    "weights": {"zh": "权重", "en": "Weights"},
    "pool": {"zh": "公共绩效池", "en": "Pool ledger"},
    "chart_data": {"zh": "图表数据", "en": "Chart data"},
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
    "settings": {"zh": "权重设置", "en": "Weight settings"},
    "accepted_for": {"zh": "接受说明 — ", "en": "Accepted justification — "},
    "verdict_consistent": {"zh": "通过", "en": "consistent"},
    "verdict_inconsistent": {"zh": "未通过", "en": "inconsistent"},
    "verdict_accepted": {"zh": "未通过,经说明后接受", "en": "inconsistent, accepted"},
    "rank_of": {"zh": "{rank} / {of}", "en": "{rank} of {of}"},
    "financial_gap": {"zh": "财务指标完成情况", "en": "Financial indicator against target"},
    "yuan": {"zh": "元", "en": "yuan"},
    "config_file": {"zh": "配置文件", "en": "Config file"},
    "payout_title": {"zh": "绩效奖金发放表", "en": "Bonus payout"},
    "scheme_title": {"zh": "绩效奖金考核方案", "en": "Bonus scheme"},
    "subtotal": {"zh": "小计", "en": "Subtotal"},
    "grand_total": {"zh": "合计", "en": "Grand total"},
    "prepared_by": {"zh": "制表:", "en": "Prepared by:"},
    "reviewed_by": {"zh": "复核:", "en": "Reviewed by:"},
    "approved_by": {"zh": "审批:", "en": "Approved by:"},
    "date": {"zh": "日期:", "en": "Date:"},
    "signature_line": {"zh": "____________", "en": "____________"},
    "page_of": {"zh": "第 &P 页 / 共 &N 页", "en": "Page &P / &N"},
    "general": {"zh": "基本设置", "en": "General"},
    "band_method": {"zh": "档次计算方法", "en": "Band method"},
    "funding_mode": {"zh": "奖金分配方式", "en": "Funding mode"},
    "base_source": {"zh": "绩效工资基数来源", "en": "Pay base source"},
    "amounts_per": {"zh": "金额口径", "en": "Amounts per"},
    "months": {"zh": "金额所乘月数", "en": "Months amounts are multiplied by"},
    "prorate": {"zh": "按在岗天数折算", "en": "Prorated by days employed"},
    "remainder": {"zh": "公共绩效池余额处理", "en": "Pool remainder"},
    "components_table": {"zh": "奖金构成", "en": "Bonus components"},
    "bands_table": {"zh": "利润档次", "en": "Profit bands"},
    "grades_table": {"zh": "等级与绩效工资调节系数", "en": "Grades and pay coefficients"},
    "bases_table": {"zh": "各职级绩效工资基数", "en": "Pay base by job level"},
    "limits_table": {"zh": "封顶与保底", "en": "Caps and floors"},
    "pool_section": {"zh": "固定奖金池", "en": "Fixed pool"},
    "pool_amount": {"zh": "奖金池总额", "en": "Pool"},
    "rescale_factor": {"zh": "封顶保底后的调整系数(λ)", "en": "Rescale factor of limits (λ)"},
    "not_set": {"zh": "未设置", "en": "not set"},
    "cap": {"zh": "封顶(每人)", "en": "Cap per manager"},
    "cap_base_multiple": {"zh": "封顶(基数倍数)", "en": "Cap as multiple of base"},
    "floor": {"zh": "保底下限(每人)", "en": "Floor per manager"},
    "guarantee": {"zh": "保底金额", "en": "Minimum guarantee"},
    "within_months_of_hire": {"zh": "保底适用(入职月数内)",
                              "en": "Guarantee within months of hire"},
    "formula_note": {
        "zh": "说明:奖金各项为公式 = 基数 × 占比 × 点数 + 尾差(固定奖金池:每点金额 × 点数 + 尾差);"
              "应发 = 各项之和 + 封顶保底调整;实发 = 应发 − 留存 + 池分配 + 再分配。",
        "en": "Components are formulas = base × share × points + rounding (fixed pool: value of "
              "one point × points + rounding); gross = Σ components + cap/floor adjustment; "
              "final = gross − withheld + pool allocation + redistribution.",
    },
    "config_sha256": {"zh": "配置文件 SHA-256", "en": "Config file SHA-256"},
}


def text(key: str, language: Language) -> str:
    """A fixed report text (titles, row labels) in the given language."""
    return TEXT[key][language]


def value_label(value: str, language: Language, labels: Mapping[str, Mapping[str, str]]) -> str:
    """Display name of an id from one shared lookup. Superseded: ids that coincide across kinds
    (reason `other`, category `other`) borrow each other's names here; use
    `appraisal.columns.code_label(column_key, value, language, registry)`, which looks the value
    up in its column's own vocabulary."""
    entry = labels.get(value) or VALUE_LABELS.get(value)
    if entry:
        shown = entry.get(language) or entry.get("en") or entry.get("zh")
        if shown:
            return str(shown)
    return value
