"""The column registry: for every output column its kind, unit and bilingual label.

Writers format a column by its kind, never by its name. Columns whose names come from the config
(`bonus_<component>`, `<component>_band`, `<component>_band_coefficient`, `<component>_points`,
`<dimension>_score`) are declared by `column_registry(config)` from the config itself. A column no
entry declares is a broken invariant (`InternalError`), at write time and in the tests.

Kinds (closed): id, text, code (an id from the config or a closed vocabulary, shown with its
label), money_cents (int64 cents; shown as yuan), score, ratio (a fraction, shown as %), weight,
coefficient, count, number, date, flag (bool).
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import pandas as pd

from .errors import InternalError

if TYPE_CHECKING:
    from .config import AppraisalConfig
    from .config.scorecard import Indicator

__all__ = [
    "CODE_VOCABULARY",
    "CONFIG_VOCABULARIES",
    "KINDS",
    "Column",
    "ColumnRegistry",
    "Kind",
    "Language",
    "code_label",
    "column_registry",
    "compared_columns",
    "config_codes",
    "display_codes",
    "indicator_measure",
    "retro_source_text",
    "with_analysis_columns",
]

Language = Literal["zh", "en"]
Kind = Literal[
    "id", "text", "code", "money_cents", "score", "ratio", "weight", "coefficient", "count",
    "number", "date", "flag",
]
KINDS: tuple[Kind, ...] = typing.get_args(Kind)

_UNITS: dict[Kind, str | None] = {
    "money_cents": "CNY cents",
    "score": "points",
    "ratio": "fraction",
}


@dataclass(frozen=True)
class Column:
    """One output column: key, kind, unit (None when dimensionless) and its zh / en label."""

    key: str
    kind: Kind
    unit: str | None
    zh: str
    en: str
    labelled: bool = False  # a code whose values have display names (shown beside them)
    # The vocabulary its values are looked up in (see CODE_VOCABULARY); None = shown as they are.
    vocabulary: str | None = None

    def label(self, language: Language) -> str:
        return self.zh if language == "zh" else self.en

    def to_dict(self) -> dict[str, str | None]:
        return {"key": self.key, "kind": self.kind, "unit": self.unit, "zh": self.zh,
                "en": self.en, "labelled": self.labelled}

    @property
    def replaced(self) -> bool:
        """True when the values are the engine's own codes, shown by their display name in
        place (a config id keeps its value and gets a name column beside it instead)."""
        return self.vocabulary is not None and self.vocabulary not in CONFIG_VOCABULARIES


# --------------------------------------------------------------------------- code display names
# Every code a person may see, with its zh / en display name, per vocabulary: the same id in two
# vocabularies (reason `other`, category `other`) never borrows the other's name. The engine's
# closed vocabularies are fixed here; those of config ids (dimension, indicator, category, grade,
# matrix, band) come from the config in `column_registry(config)`.
CodeNames = Mapping[str, tuple[str, str]]

CODE_VOCABULARY: dict[str, dict[str, tuple[str, str]]] = {
    "boolean": {"True": ("是", "Yes"), "False": ("否", "No")},
    "limit_applied": {
        "none": ("无", "None"),
        "cap": ("封顶", "Cap"),
        "floor": ("保底下限", "Floor"),
        "guarantee": ("保底", "Minimum guarantee"),
        "rescaled": ("按比例调整(奖金池)", "Rescaled (fixed pool)"),
    },
    "band": {"below lowest band": ("低于最低档", "Below lowest band")},
    "reason": {
        "special_factor": ("特殊因素", "Special factors"),
        "diligence": ("勤勉尽责", "Diligence"),
        "other": ("其他", "Other"),
    },
    "pool_mode": {
        "carry_forward": ("结转下期", "Carried forward"),
        "redistribute": ("按应发奖金再分配", "Redistributed pro rata"),
    },
    "pool_note": {
        "nothing left to redistribute": ("无可再分配余额", "Nothing left to redistribute"),
        "redistribution configured but no manager has a gross bonus; carried forward": (
            "已设置再分配但无人有应发奖金,结转下期",
            "Redistribution configured but no manager has a gross bonus; carried forward"),
        "remainder redistributed pro rata to gross bonus": (
            "余额按应发奖金比例再分配", "Remainder redistributed pro rata to gross bonus"),
    },
    "level": {
        "bank": ("全行", "Bank"),
        "branch": ("分行", "Branch"),
        "sub_branch": ("支行", "Sub-branch"),
        "team": ("团队", "Team"),
        "total": ("合计", "Total"),
        "job_level": ("职级", "Job level"),
        "all": ("全部", "All"),
        "dimension": ("维度层", "Dimension level"),
        "indicator": ("指标层", "Indicator level"),
    },
    "unit": {"total": ("合计", "Total"), "all": ("全部", "All"), "other": ("其他", "Other")},
    "rule": {
        "ratio": ("完成率", "Ratio to target"),
        "lower_better": ("越低越好", "Lower is better"),
        "piecewise": ("分段线性", "Piecewise linear"),
        "scale": ("量表换算", "Scale conversion"),
        "percentile": ("百分位排名", "Percentile rank"),
        "direct": ("直接得分", "Direct score"),
    },
    "source": {
        "indicators": ("指标表", "Indicators table"),
        "rorac_amount": ("风险调整后利润", "Risk-adjusted profit"),
        "rorac_ratio": ("经济资本回报率", "RORAC ratio"),
        "ratings_360": ("360度评价", "360-degree ratings"),
        "satisfaction": ("客户满意度调查", "Satisfaction survey"),
        "tenure_years": ("工作年限", "Years of service"),
    },
    "measure": {
        "number": ("数值", "Number"), "ratio": ("比率", "Ratio"), "score": ("分", "Points"),
    },
    "measure_unit": {
        "CNY": ("元", "yuan"), "fraction": ("比例", "fraction"), "years": ("年", "years"),
        "points": ("分", "points"),
        "as in the indicators table": ("同指标表", "as in the indicators table"),
    },
    "pool_item": {
        "carry_in": ("上期结转", "Carried in"),
        "withheld": ("本期留存", "Withheld"),
        "allocated": ("本期分配", "Allocated"),
        "redistributed": ("再分配", "Redistributed"),
        "carry_out": ("结转下期", "Carried out"),
    },
    "statistic": {
        "count": ("人数", "Count"), "mean": ("平均值", "Mean"),
        "std": ("标准差", "Standard deviation"),
        "min": ("最小值", "Minimum"), "p25": ("25%分位数", "25th percentile"),
        "median": ("中位数", "Median"), "p75": ("75%分位数", "75th percentile"),
        "max": ("最大值", "Maximum"),
    },
    "input_table": {
        "managers": ("客户经理名单", "Managers"),
        "business": ("业务明细", "Business"),
        "credit_splits": ("业绩分成", "Credit splits"),
        "manager_costs": ("客户经理成本", "Manager costs"),
        "indicators": ("指标表", "Indicators"),
        "ratings_360": ("360度评价", "360-degree ratings"),
        "satisfaction": ("客户满意度", "Satisfaction"),
        "judgments": ("专家判断矩阵", "Judgments"),
        "pool_allocations": ("公共绩效池分配", "Pool allocations"),
    },
    "weights_method": {
        "geometric_mean": ("几何平均法", "Geometric mean"),
        "eigenvector": ("特征向量法", "Eigenvector"),
        "fixed": ("固定权重", "Fixed weights"),
    },
    "ri_table": {
        "saaty_1980": ("Saaty 1980 表", "Saaty (1980)"),
        "saaty_2005": ("Saaty 2005 表", "Saaty (2005)"),
        "donegan_dodd_1991": ("Donegan-Dodd 1991 表", "Donegan & Dodd (1991)"),
        "alonso_lamata_2006": ("Alonso-Lamata 2006 公式", "Alonso & Lamata (2006)"),
    },
    "completion": {
        "harker": ("Harker 法", "Harker"),
        "lambda_max_optimal": ("λmax 最优补全", "λmax-optimal"),
        "none": ("不补全", "None"),
    },
    "inconsistent_expert": {"fail": ("停止运行", "Stop the run"), "exclude": ("剔除", "Exclude")},
    "funding_mode": {
        "per_person_base": ("按人均基数", "Per-person base"),
        "fixed_pool": ("固定奖金池", "Fixed pool"),
    },
    "base_source": {
        "roster": ("名单中的基数", "Roster pay base"),
        "job_level": ("按职级基数", "Base by job level"),
        "roster_else_job_level": ("名单基数,缺失时按职级", "Roster, else by job level"),
    },
    "component_kind": {"profit_band": ("利润档次", "Profit band"), "grade": ("等级系数", "Grade")},
    "band_method": {"step": ("全额跳档", "Step"), "progressive": ("超额累进", "Progressive")},
    "amounts_per": {"month": ("按月", "Per month"), "period": ("按考核期", "Per period")},
    "factor": {
        "position_coefficient": ("岗位系数", "Position coefficient"),
        "composite": ("综合得分/100", "Composite / 100"),
    },
    "language": {"zh": ("中文", "Chinese"), "en": ("英文", "English")},
    "rater_type": {
        "self": ("自评", "Self"), "superior": ("上级", "Superior"), "peer": ("同级", "Peer"),
        "subordinate": ("下级", "Subordinate"),
    },
    # scorecard flags (scores.flags, managers.flags; `;`-joined, see `code_label`)
    "change_driver": {
        "profit_band": ("利润档次", "Profit band"), "grade": ("等级", "Grade"),
        "cap_floor": ("封顶保底", "Cap / floor"), "pool": ("公共绩效池", "Shared pool"),
        "retro_adjustment": ("追溯调整", "Retro adjustment"), "none": ("无变动", "No change"),
        "joined": ("上期无记录", "Not in the last period"),
    },
    "compare_side": {
        "both": ("两方案均有", "In both"), "base_only": ("仅原方案", "Base scheme only"),
        "proposal_only": ("仅新方案", "Proposal only"),
    },
    "compare_status": {
        "changed": ("有变化", "Changed"), "base_only": ("仅原方案", "Base scheme only"),
        "proposal_only": ("仅新方案", "Proposal only"),
    },
    "compare_direction": {"winner": ("增加最多", "Largest gain"),
                          "loser": ("减少最多", "Largest loss")},
    "scheme_item": {
        "band": ("利润档次", "Profit band"), "component": ("奖金构成", "Bonus component"),
        "dimension": ("维度", "Dimension"), "funding": ("资金方式", "Funding"),
        "grade": ("等级", "Grade"), "grading": ("评级方式", "Grading"),
        "indicator": ("指标", "Indicator"), "shared_pool": ("公共绩效池", "Shared pool"),
    },
    "money_item": {
        "limit_adjustment": ("封顶保底调整", "Cap / floor adjustment"),
        "withheld": ("留存", "Withheld"), "pool_allocation": ("池分配", "Pool allocation"),
        "pool_redistributed": ("池再分配", "Pool redistributed"),
        "retro_adjustment": ("追溯调整", "Retro adjustment"),
    },
    "flags": {
        "actual_missing": ("缺少实际值", "Actual missing"),
        "target_missing": ("缺少目标值", "Target missing"),
        "target_default": ("采用默认目标", "Default target used"),
        "target_zero": ("目标为零", "Target zero"),
        "target_negative": ("目标为负", "Target negative"),
        "actual_zero": ("实际值为零", "Actual zero"),
        "single_member_group": ("组内仅一人", "Single-member group"),
        "capped": ("已封顶", "Capped"),
        "floored": ("已保底", "Floored"),
        "not_employed": ("期内未在岗", "Not employed in the period"),
        "joined_during_period": ("期内入职", "Joined during the period"),
        "left_during_period": ("期内离职", "Left during the period"),
        "prorated": ("按在岗天数折算", "Prorated"),
        "excluded": ("不参与评级", "Excluded from grading"),
        "additional_capped": ("附加分已封顶", "Additional points capped"),
        "feedback_360_missing": ("360度评价缺少", "360-degree feedback missing"),
        "feedback_360_below_min": ("360度评价人数不足", "360-degree raters below minimum"),
    },
}

# Vocabularies of ids the bank writes in its config and inputs: the id stays (rows must match
# the inputs) and a name column follows it.
CONFIG_VOCABULARIES = frozenset({"dimension", "indicator", "category", "grade", "matrix",
                                 "criterion", "component"})

_VOCABULARY_OF: dict[str, str] = {
    "limit_applied": "limit_applied",
    "reason": "reason",
    "mode": "pool_mode",
    "level": "level",
    "rank_unit": "unit",
    "unit": "unit",
    "shown": "unit",
    "rule": "rule",
    "source": "source",
    "measure": "measure",
    "item": "pool_item",
    "statistic": "statistic",
    "table": "input_table",
    "method": "weights_method",
    "ri_table": "ri_table",
    "completion": "completion",
    "inconsistent_expert": "inconsistent_expert",
    "flags": "flags",
    "note": "pool_note",
    "change_driver": "change_driver",
    "side": "compare_side",
    "status": "compare_status",
    "direction": "compare_direction",
    "item_kind": "scheme_item",
    "driver": "money_item",
    "dimension": "dimension",
    "indicator": "indicator",
    "category": "category",
    "grade": "grade",
    "matrix": "matrix",
    "criterion": "criterion",
    "component": "component",
    "retro_source": "retro_source",
}
_FLAG_SEPARATOR = {"zh": "；", "en": "; "}


def _c(key: str, zh: str, en: str, kind: Kind, unit: str | None = None,
       vocabulary: str | None = None) -> Column:
    if vocabulary is None:
        vocabulary = "boolean" if kind == "flag" else _VOCABULARY_OF.get(key)
    return Column(key, kind, unit if unit is not None else _UNITS.get(kind), zh, en,
                  labelled=key in _LABELLED, vocabulary=vocabulary)


# Codes whose values the run's labels (or the report's fixed texts) name.
_LABELLED = frozenset({"dimension", "indicator", "category", "grade", "reason", "level",
                       "product"})


_BASE: tuple[Column, ...] = (
    # roster
    _c("manager_id", "客户经理编号", "Manager ID", "id"),
    _c("name", "姓名", "Name", "text"),
    _c("branch", "分行", "Branch", "code"),
    _c("sub_branch", "支行", "Sub-branch", "code"),
    _c("team", "团队", "Team", "code"),
    _c("job_level", "职级", "Job level", "code"),
    _c("hire_date", "入职日期", "Hire date", "date"),
    _c("leave_date", "离职日期", "Leave date", "date"),
    _c("pay_base", "绩效工资基数", "Performance pay base", "money_cents"),
    _c("position_coefficient", "岗位系数", "Position coefficient", "coefficient"),
    _c("service_fraction", "在岗天数占比", "Share of period employed", "ratio"),
    _c("years_of_service", "工作年限", "Years of service", "number", "years"),
    # RORAC
    _c("category", "业务大类", "Business category", "code"),
    _c("category_name_zh", "业务大类中文名", "Category name (zh)", "text"),
    _c("category_name_en", "业务大类英文名", "Category name (en)", "text"),
    _c("has_business", "有业务", "Has business", "flag"),
    _c("has_capital", "有经济资本", "Has economic capital", "flag"),
    _c("rorac", "风险调整后利润", "Risk-adjusted profit (RORAC)", "money_cents"),
    _c("stock_age_years", "存量业务加权平均年数(n)", "Stock age, years (n)", "number", "years"),
    _c("k0", "存量系数(k0)", "Stock weight (k0)", "coefficient"),
    _c("rorac_category", "业务大类风险调整后利润", "RORAC of the category", "money_cents"),
    _c("category_weight", "业务大类权重", "Category weight", "weight"),
    _c("rorac_weighted", "加权风险调整后利润", "Weighted RORAC", "money_cents"),
    _c("economic_capital", "经济资本", "Economic capital", "money_cents"),
    _c("rorac_ratio", "经济资本回报率", "RORAC ratio (profit / capital)", "ratio"),
    # scorecard
    _c("dimension", "维度", "Dimension", "code"),
    _c("indicator", "指标", "Indicator", "code"),
    _c("source", "数据来源", "Source", "code"),
    _c("rule", "评分规则", "Scoring rule", "code"),
    _c("actual", "实际值", "Actual", "number", "indicator's unit"),
    _c("target", "目标值", "Target", "number", "indicator's unit"),
    _c("input_row", "输入行号", "Input row", "count"),
    _c("raw_score", "原始得分", "Raw score", "score"),
    _c("score", "指标得分", "Indicator score", "score"),
    _c("local_weight", "层内权重", "Local weight", "weight"),
    _c("dimension_weight", "维度权重", "Dimension weight", "weight"),
    _c("global_weight", "全局权重", "Global weight", "weight"),
    _c("contribution", "得分贡献", "Contribution to composite", "score"),
    _c("joined_during_period", "期内入职", "Joined during period", "flag"),
    _c("left_during_period", "期内离职", "Left during period", "flag"),
    _c("additional_points_raw", "附加分(封顶前)", "Additional points before cap", "score"),
    _c("additional_points", "附加分", "Additional points", "score"),
    _c("weighted_score", "加权得分", "Weighted score", "score"),
    _c("composite_before_proration", "折算前综合得分", "Composite before proration", "score"),
    _c("composite", "综合得分", "Composite score", "score"),
    _c("excluded", "不参与评级", "Excluded from grading", "flag"),
    _c("rank_in_unit", "单位内排名", "Rank in unit", "count"),
    _c("grade", "等级", "Grade", "code"),
    _c("grade_coefficient", "绩效工资调节系数", "Grade pay coefficient", "coefficient"),
    _c("flags", "提示", "Flags", "text"),
    # bonus
    _c("base", "采用的绩效工资基数", "Pay base used", "money_cents"),
    _c("limit_adjustment", "封顶保底调整", "Cap/floor adjustment", "money_cents"),
    _c("limit_applied", "封顶保底说明", "Cap/floor applied", "code"),
    _c("bonus_gross", "应发奖金", "Gross bonus", "money_cents"),
    _c("withheld", "公共绩效池留存", "Withheld into shared pool", "money_cents"),
    _c("pool_allocation", "公共绩效池分配", "Shared-pool allocation", "money_cents"),
    _c("pool_redistributed", "公共绩效池再分配", "Shared-pool redistribution", "money_cents"),
    _c("bonus_final", "实发奖金", "Final bonus", "money_cents"),
    # shared pool
    _c("period", "考核期", "Period", "code"),
    _c("withhold_rate", "留存比例", "Withholding rate", "ratio"),
    _c("carry_in", "上期结转", "Carried in", "money_cents"),
    _c("allocated", "本期分配", "Allocated", "money_cents"),
    _c("redistributed", "再分配", "Redistributed", "money_cents"),
    _c("carry_out", "结转下期", "Carried out", "money_cents"),
    _c("mode", "分配方式", "Mode", "code"),
    _c("amount", "金额", "Amount", "money_cents"),
    _c("reason", "分配原因", "Reason", "code"),
    _c("approved_by", "审批人", "Approved by", "text"),
    _c("note", "备注", "Note", "text"),
    _c("source_file", "来源文件", "Source file", "text"),
    _c("source_row", "来源行号", "Source row", "count"),
    # roll-ups
    _c("level", "层级", "Level", "code"),
    _c("unit", "单位", "Unit", "code"),
    _c("managers", "人数", "Managers", "count"),
    # summary stage (summary_*.csv, summary.json)
    _c("count", "人数", "Count", "count"),
    _c("share", "占比", "Share", "ratio"),
    _c("rank_of", "排名基数(人数)", "Ranked managers in unit (of N)", "count"),
    _c("rank_unit", "排名单位", "Ranking unit", "code"),
    _c("gap", "与目标差额", "Gap to target", "number", "indicator's unit"),
    _c("measure", "计量单位", "Unit of measure", "code"),
    _c("item", "项目", "Item", "code"),
    _c("ledger_cents", "台账合计", "Ledger total", "money_cents"),
    _c("bonus_sheet_cents", "奖金表合计", "Bonus sheet total", "money_cents"),
    _c("statistic", "统计量", "Statistic", "code"),
    _c("value", "值", "Value", "score"),
    _c("shown", "单位(图表)", "Unit (chart)", "code"),
    _c("bin_left", "区间下限", "Bin from", "score"),
    _c("bin_right", "区间上限", "Bin to", "score"),
    # bonus scheme (考核方案 sheet; summary.scheme)
    _c("component", "奖金构成", "Bonus component", "code"),  # a config id
    _c("kind", "类型", "Kind", "code", vocabulary="component_kind"),
    _c("factors", "附加系数", "Factors", "text"),
    _c("sub_pool", "子奖金池", "Sub-pool", "money_cents"),
    _c("points_total", "总点数", "Total points", "number"),
    _c("point_value_yuan", "每点金额(元)", "Value of one point (yuan)", "number", "CNY"),
    _c("band", "档次", "Band", "code", vocabulary="band"),
    _c("lower", "利润下限(含)", "Profit from (inclusive)", "money_cents"),
    _c("coefficient", "系数", "Coefficient", "coefficient"),
    _c("min_score", "最低综合得分", "Minimum composite score", "score"),
    # run
    _c("table", "输入表", "Input table", "code"),
    _c("path", "文件路径", "File path", "text"),
    _c("sha256", "SHA-256 校验值", "SHA-256", "text"),
    _c("rows", "行数", "Rows", "count"),
    # AHP (Weights sheet)
    _c("matrix", "判断矩阵", "Matrix", "code"),
    _c("expert", "专家", "Expert", "code"),
    _c("criterion", "准则", "Criterion", "code"),
    _c("weight", "权重", "Weight", "weight"),
    _c("method", "权重方法", "Weighting method", "code"),
    _c("lambda_max", "最大特征根 λmax", "λmax", "coefficient"),
    _c("consistency_index", "一致性指标 CI", "Consistency index CI", "coefficient"),
    _c("random_index", "随机一致性指标 RI", "Random index RI", "coefficient"),
    _c("ri_table", "RI 取值表", "RI table", "code"),
    _c("ri_table_source", "RI 表出处", "RI table source", "text"),
    _c("consistency_ratio", "一致性比率 CR", "Consistency ratio CR", "coefficient"),
    _c("cr_threshold", "CR 阈值", "CR threshold", "coefficient"),
    _c("geometric_consistency_index", "几何一致性指标 GCI", "Geometric consistency index GCI",
       "coefficient"),
    _c("gci_threshold", "GCI 阈值", "GCI threshold", "coefficient"),
    _c("consistent", "通过一致性检验", "Consistent", "flag"),
    _c("verdict", "一致性检验结论", "Verdict", "text"),
    _c("accepted_justification", "接受说明", "Accepted justification", "text"),
    _c("acceptance_used", "已采用该接受", "Acceptance used", "flag"),
    _c("passed", "通过检验", "Passed", "flag"),
    _c("blocking", "未通过原因", "Blocking problems", "text"),
    _c("combined_from", "合成所用专家", "Combined from experts", "text"),
    _c("excluded_experts", "剔除的专家", "Excluded experts", "text"),
    _c("expert_weight", "专家权重", "Expert weight", "weight"),
    _c("expert_excluded", "已剔除", "Excluded", "flag"),
    _c("exclusion_reason", "剔除原因", "Exclusion reason", "text"),
    _c("input_rows", "输入行号", "Input rows", "text"),
    _c("filled", "补全的判断", "Filled judgments", "text"),
    _c("completion", "缺失判断补全方法", "Completion of missing judgments", "code"),
    _c("inconsistent_expert", "不一致专家的处理", "Inconsistent expert policy", "code"),
    _c("judgments_file", "判断矩阵来源文件", "Judgments file", "text"),
)

def _lc(key: str, zh: str, en: str, kind: Kind, unit: str | None = None) -> Column:
    """A labelled code column (grade and indicator ids shown with their names)."""
    return Column(key, kind, unit, zh, en, labelled=True, vocabulary=_VOCABULARY_OF.get(key))


# analysis columns (docs/design-tools.md): compare, weight sensitivity, incentive balance
_ANALYSIS: tuple[Column, ...] = (
    # compare
    _lc("side", "所在方案", "In scheme", "code"),
    _c("grade_changed", "等级变化", "Grade changed", "flag"),
    _lc("grade_from", "原等级", "Grade (base)", "code"),
    _lc("grade_to", "新等级", "Grade (proposal)", "code"),
    _lc("direction", "方向", "Direction", "code"),
    _lc("driver", "主要原因", "Main driver", "code"),
    _c("driver_delta", "主要原因金额", "Driver amount", "money_cents"),
    _c("driver_detail", "原因说明", "Driver detail", "text"),
    _lc("score_driver", "得分变化主要指标", "Indicator driving the score", "code"),
    _c("score_driver_delta", "该指标贡献变化", "Its contribution change", "score"),
    _lc("item_kind", "项目类别", "Item kind", "code"),
    _lc("status", "差异", "Difference", "code"),
    _c("base_value", "原方案取值", "Base scheme", "text"),
    _c("proposal_value", "新方案取值", "Proposal", "text"),
    _c("shared", "两方案共用", "Shared by both", "flag"),
    # weight sensitivity (Triantaphyllou & Sánchez 1997)
    _c("weight_current", "现权重", "Current weight", "weight"),
    _c("delta_up", "最小上调量", "Smallest increase that changes a grade", "weight"),
    _c("delta_up_relative", "最小上调比例", "Smallest increase, relative", "ratio"),
    _c("flips_up", "上调时首先变化", "Flips first when raised", "text"),
    _c("delta_down", "最小下调量", "Smallest decrease that changes a grade", "weight"),
    _c("delta_down_relative", "最小下调比例", "Smallest decrease, relative", "ratio"),
    _c("flips_down", "下调时首先变化", "Flips first when lowered", "text"),
    _c("critical_rank", "敏感度排名", "Criticality rank", "count"),
    # incentive balance
    _c("step", "步长", "Step", "number", "indicator's unit"),
    _c("score_change", "指标得分变化", "Indicator score change", "score"),
    _c("composite_change", "综合得分变化", "Composite change", "score"),
    _lc("grade_after", "变化后等级", "Grade after the step", "code"),
    _c("marginal_bonus", "每点边际奖金", "Marginal bonus per point", "money_cents"),
    _c("others_change", "他人奖金合计变化", "Change of everyone else's pay", "money_cents"),
    _c("capped_now", "已封顶", "Cap binds", "flag"),
    _c("near_boundary", "临近等级/档次边界", "Grade or band boundary within the step", "flag"),
    _c("median_marginal", "边际奖金中位数", "Median marginal bonus", "money_cents"),
    _c("mean_marginal", "边际奖金平均数", "Mean marginal bonus", "money_cents"),
    _c("share_capped", "封顶人数占比", "Share capped", "ratio"),
    _c("share_near_boundary", "临近边界人数占比", "Share near a boundary", "ratio"),
    _c("pay_share", "边际奖金占比", "Share of pay per point", "ratio"),
    _c("weight_share", "权重占比", "Share of weight", "ratio"),
    _c("balance_ratio", "奖金/权重比", "Pay share / weight share", "coefficient"),
    _c("out_of_line", "激励失衡", "Out of line with its weight", "flag"),
)

def with_analysis_columns(registry: ColumnRegistry) -> ColumnRegistry:
    """The registry of a run that adds analysis tables: its columns plus the analysis block
    (a plain run's columns.csv stays as it was)."""
    return ColumnRegistry({**dict(registry.columns),
                           **{c.key: c for c in _ANALYSIS if c.key not in registry}},
                          registry.codes)


_SIDES = (("base", "（原方案）", " (base)"), ("proposal", "（新方案）", " (proposal)"),
          ("delta", "（变化）", " (change)"))


def compared_columns(registry: ColumnRegistry, keys: Iterable[str]) -> dict[str, Column]:
    """`<key>_base`, `<key>_proposal` and `<key>_delta` for each key of `registry` (the compare
    tables): the kind of the key, its labels with the side in brackets. A delta of a code (a
    grade) is not made."""
    out: dict[str, Column] = {}
    for key in keys:
        column = registry[key]
        for side, zh, en in _SIDES:
            if side == "delta" and column.kind in ("code", "text", "id", "flag", "date"):
                continue
            out[f"{key}_{side}"] = Column(f"{key}_{side}", column.kind, column.unit,
                                          column.zh + zh, column.en + en, column.labelled)
    return out


# RORAC amounts split by vintage: <amount>_stock and <amount>_increment.
_VINTAGE_AMOUNTS: tuple[tuple[str, str, str, Kind, str | None], ...] = (
    ("accounts", "账户数", "Accounts", "number", "accounts"),  # fractional under credit splits
    ("balance", "余额", "Balance", "money_cents", None),
    ("revenue", "直接业务收入(E)", "Revenue (E)", "money_cents", None),
    ("direct_cost", "直接成本(Cd)", "Direct cost, FTP (Cd)", "money_cents", None),
    ("management_cost", "分摊管理成本(Cm)", "Management cost (Cm)", "money_cents", None),
    ("fixed_cost", "分摊固定成本(Cf)", "Fixed cost (Cf)", "money_cents", None),
    ("risk_cost", "风险成本(Cr)", "Risk cost (Cr)", "money_cents", None),
    ("tax", "税费(T)", "Tax (T)", "money_cents", None),
    ("rorac", "风险调整后利润", "RORAC", "money_cents", None),
)
_VINTAGES = (("stock", "存量{}", "{} (stock)"), ("increment", "增量{}", "{} (new business)"))


def _vintage_columns() -> Iterator[Column]:
    for key, zh, en, kind, unit in _VINTAGE_AMOUNTS:
        if key != "rorac":
            yield _c(key, zh, en, kind, unit)
        for vintage, zh_t, en_t in _VINTAGES:
            yield _c(f"{key}_{vintage}", zh_t.format(zh), en_t.format(en), kind, unit)


@dataclass(frozen=True)
class ColumnRegistry:
    """Every output column of a run, by key. Unknown keys are an `InternalError`."""

    columns: Mapping[str, Column] = field(default_factory=dict)
    # Display names of codes per vocabulary: the fixed CODE_VOCABULARY and the config's ids.
    codes: Mapping[str, CodeNames] = field(default_factory=lambda: dict(CODE_VOCABULARY))

    def __getitem__(self, key: str) -> Column:
        try:
            return self.columns[key]
        except KeyError:
            raise InternalError(
                f"column {key!r} is not in the column registry (appraisal/columns.py); "
                "declare its kind, unit and labels there"
            ) from None

    def __contains__(self, key: object) -> bool:
        return key in self.columns

    def __iter__(self) -> Iterator[str]:
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.columns)

    def get(self, key: str) -> Column | None:
        return self.columns.get(key)

    def kind(self, key: str) -> Kind:
        return self[key].kind

    def label(self, key: str, language: Language) -> str:
        return self[key].label(language)

    def unknown(self, keys: Iterable[object]) -> list[str]:
        """The keys no entry declares, in the order given."""
        return [str(key) for key in keys if str(key) not in self.columns]

    def require(self, frame: pd.DataFrame, name: str) -> None:
        """Raise `InternalError` when `frame` (called `name`) has a column the registry lacks."""
        missing = self.unknown(frame.columns)
        if missing:
            raise InternalError(
                f"{name}: column(s) {', '.join(missing)} are not in the column registry "
                "(appraisal/columns.py); declare their kind, unit and labels there"
            )

    def of_kind(self, kind: Kind, keys: Iterable[object]) -> list[str]:
        """The keys among `keys` of the given kind (unknown keys are an InternalError)."""
        return [str(key) for key in keys if self[str(key)].kind == kind]

    def names(self, key: str, language: Language) -> dict[str, str]:
        """{code: display name} of the vocabulary column `key` draws on ({} when none)."""
        column = self.columns.get(key)
        if column is None or column.vocabulary is None:
            return {}
        index = 0 if language == "zh" else 1
        return {code: pair[index] for code, pair in self.codes.get(column.vocabulary, {}).items()}

    def code_label(self, key: str, value: object, language: Language) -> str:
        """The display name of one value of column `key` (see the module function)."""
        return code_label(key, value, language, self)

    def to_frame(self) -> pd.DataFrame:
        """The registry as a table: key, kind, unit, zh, en (sorted by key)."""
        rows = [self.columns[key].to_dict() for key in sorted(self.columns)]
        return pd.DataFrame(rows, columns=["key", "kind", "unit", "zh", "en", "labelled"])


def _flag_text(value: str, names: Mapping[str, str], raters: Mapping[str, str],
               separator: str) -> str:
    """`capped;feedback_360_missing:self+peer` → `已封顶；360度评价缺少:自评+同级`."""
    parts = []
    for token in value.split(";"):
        code, colon, detail = token.partition(":")
        shown = names.get(code, code)
        if colon:
            shown += ":" + "+".join(raters.get(d, d) for d in detail.split("+"))
        parts.append(shown)
    return separator.join(parts)


def code_label(
    column_key: str, value: object, language: Language,
    registry: ColumnRegistry | None = None,
) -> str:
    """Display name of `value` in column `column_key`, looked up in that column's vocabulary
    only (reason `other` is 其他, category `other` 其他业务). Booleans (kind flag) are 是 / 否;
    scorecard `flags` are translated code by code. A value the vocabulary lacks (a bank's own
    id, free text) is returned as it is. Without `registry`, only the engine's fixed
    vocabularies (and config-free columns) are known."""
    registry = registry if registry is not None else _FIXED_REGISTRY
    if value is None or (isinstance(value, float) and value != value):
        return ""
    column = registry.get(column_key)
    text = str(bool(value)) if isinstance(value, bool) or type(value).__name__ == "bool_" \
        else str(value)
    if column is None or column.vocabulary is None:
        return text
    if column.vocabulary == "retro_source":
        return retro_source_text(text, language)
    names = registry.names(column_key, language)
    if column.vocabulary == "flags":
        if not text:
            return text
        index = 0 if language == "zh" else 1
        raters = {k: v[index] for k, v in registry.codes.get("rater_type", {}).items()}
        return _flag_text(text, names, raters, _FLAG_SEPARATOR[language])
    return names.get(text, text)


_RETRO_SOURCE = re.compile(r"(?:^|(?<=; ))(\d{4}(?:-[0-9QH]\d)?) v(\d+): ")
_ANNUAL_REASON = re.compile(r"annual settlement (\S+): grade true-up(?: \(revision: (.*)\))?")


def retro_source_text(text: str, language: Language) -> str:
    """Where a retro adjustment comes from, as the ledger records it (history/state.py): each
    source `2026-03 v2: reason`, several joined by `; `; an annual settlement's reason reads
    `annual settlement 2026: grade true-up (revision: why)`. In zh: `2026-03 第 2 版：reason`,
    joined by `；`; the reason a person typed (`--revision`) stays as typed. A text of another
    form is returned as it is."""
    starts = list(_RETRO_SOURCE.finditer(text))
    if language != "zh" or not starts or starts[0].start() != 0:
        return text
    parts = []
    for found, after in zip(starts, [*starts[1:], None], strict=True):
        reason = text[found.end(): after.start() - 2 if after is not None else len(text)]
        annual = _ANNUAL_REASON.fullmatch(reason)
        if annual is not None:
            reason = f"{annual[1]} 年度清算：等级奖金补差" + (
                f"（更正：{annual[2]}）" if annual[2] is not None else "")
        parts.append(f"{found[1]} 第 {found[2]} 版：{reason}")
    return "；".join(parts)


def display_codes(frame: pd.DataFrame, registry: ColumnRegistry,
                  language: Language) -> pd.DataFrame:
    """The frame as a person reads it: every column of the engine's own codes (limit kinds,
    pool modes, levels, rules, sources, reasons, flags, booleans …) holds display names
    instead; config ids (grade, category …) stay. Vectorised: one lookup per distinct value."""
    out = {}
    for key in frame.columns:
        series = frame[key]
        column = registry.get(str(key))
        if column is None or not column.replaced:
            out[key] = series
            continue
        missing = series.isna()
        uniques = pd.unique(series[~missing])
        mapping = {u: code_label(str(key), u, language, registry) for u in uniques}
        shown = series.astype(object).map(mapping)
        out[key] = shown.where(~missing, None)
    return pd.DataFrame(out, index=frame.index)


def config_codes(config: AppraisalConfig) -> dict[str, dict[str, tuple[str, str]]]:
    """The vocabularies of the config's ids: dimension, indicator, category, grade, matrix,
    criterion and the profit band labels, each {id: (zh, en)}."""
    scorecard = config.scorecard
    dims: list[object] = [*scorecard.dimensions]
    if scorecard.additional is not None:
        dims.append(scorecard.additional)
    dimension = {d.id: (_name(d.name, "zh", d.id), _name(d.name, "en", d.id))  # type: ignore[attr-defined]
                 for d in dims}
    indicator = {i.id: (_name(i.name, "zh", i.id), _name(i.name, "en", i.id))
                 for i in scorecard.all_indicators()}
    grade = {g.id: (_name(g.name, "zh", g.id), _name(g.name, "en", g.id))
             for g in scorecard.grading.grades}
    category = {c.id: (c.name_zh or c.id, c.name_en or c.id) for c in config.rorac.categories}
    matrix = {d.matrix_id: dimension[d.id] for d in scorecard.dimensions}
    matrix[scorecard.matrix] = ("维度", "Dimensions")
    components = {c.id: _COMPONENT_NAMES.get(c.id, (c.id, c.id, c.id))[:2]
                  for c in config.bonus.components}
    band = dict(CODE_VOCABULARY["band"])
    for component in config.bonus.components:
        for b in getattr(component, "bands", None) or ():
            if b.label:
                band.setdefault(b.label, (b.label, b.label))
    money_item = dict(CODE_VOCABULARY["money_item"])
    money_item.update({f"bonus_{cid}": names for cid, names in components.items()})
    return {"dimension": dimension, "indicator": indicator, "grade": grade,
            "category": category, "matrix": matrix, "criterion": {**dimension, **indicator},
            "band": band, "component": components, "money_item": money_item}


def indicator_measure(indicator: Indicator) -> tuple[Kind, str | None]:
    """Kind and unit of an indicator's actual and target (and of their gap), from its source.

    rorac_amount: yuan of risk-adjusted profit; rorac_ratio: profit / capital (a fraction);
    tenure_years: years; ratings_360 and satisfaction: survey points; indicators: the unit of
    the indicators table's figures (amounts in yuan, rates in percent, hours...).
    """
    return {
        "rorac_amount": ("number", "CNY"),
        "rorac_ratio": ("ratio", "fraction"),
        "tenure_years": ("number", "years"),
        "ratings_360": ("score", "points"),
        "satisfaction": ("score", "points"),
    }.get(indicator.source, ("number", "as in the indicators table"))


def _name(entry: object, language: Language, fallback: str) -> str:
    value = getattr(entry, language, "") if entry is not None else ""
    return str(value) or fallback


_COMPONENT_NAMES = {
    "profit": ("利润", "Profit", "Profit-linked bonus"),
    "grade": ("等级", "Grade", "Grade-linked bonus"),
}


def column_registry(config: AppraisalConfig) -> ColumnRegistry:
    """The registry of a run: the fixed columns plus those the config's ids name."""
    columns: dict[str, Column] = {}
    for column in (*_BASE, *_vintage_columns()):
        columns[column.key] = column
    scorecard = config.scorecard
    dimensions = [*scorecard.dimensions]
    if scorecard.additional is not None:
        dimensions.append(scorecard.additional)  # type: ignore[arg-type]
    for dimension in dimensions:
        zh = _name(dimension.name, "zh", dimension.id)
        en = _name(dimension.name, "en", dimension.id)
        key = f"{dimension.id}_score"
        columns[key] = _c(key, f"{zh}得分", f"{en} score", "score")
    for component in config.bonus.components:
        cid = component.id
        zh, en, bonus_en = _COMPONENT_NAMES.get(cid, (cid, cid, f"Bonus: {cid}"))
        columns[f"bonus_{cid}"] = _c(f"bonus_{cid}", f"{zh}奖金", bonus_en, "money_cents")
        columns[f"{cid}_points"] = _c(f"{cid}_points", f"{zh}点数", f"{en} points", "number")
        columns[f"{cid}_rounding"] = _c(f"{cid}_rounding", f"{zh}奖金尾差(分配一分钱)",
                                        f"{en} bonus rounding (largest remainder)", "number",
                                        "CNY")
        if component.kind == "profit_band":
            columns[f"{cid}_band"] = _c(f"{cid}_band", f"{zh}档次", f"{en} band", "code",
                                        vocabulary="band")
            columns[f"{cid}_band_coefficient"] = _c(
                f"{cid}_band_coefficient", f"{zh}档次系数", f"{en} band coefficient",
                "coefficient",
            )
    if getattr(config, "deferral", None) is not None:
        columns.update({column.key: column for column in _DEFERRAL})
    if config.history is not None:
        columns.update(_history_columns(columns))
    if config.history is not None and (config.history.annual is not None
                                       or getattr(config, "deferral", None) is not None):
        columns.update({column.key: column for column in _YEAR})  # year columns
    return ColumnRegistry(columns, {**CODE_VOCABULARY, **config_codes(config)})


# deferral columns (appraisal/deferral.py, appraisal/history/deferral.py; docs/deferral.md)
_DEFERRAL: tuple[Column, ...] = (
    _c("deferred", "本期递延", "Deferred now", "money_cents"),
    _c("released", "本期递延发放", "Released now", "money_cents"),
    _c("clawback_recovered", "本期追索扣回", "Clawback recovered now", "money_cents"),
    _c("deferral_group", "递延组", "Deferral group", "text"),
    _c("leave_reason", "离职原因", "Reason for leaving", "text"),
    _c("risk_relevant", "风险相关岗位", "Risk-relevant position", "text"),
    _c("senior_management", "高级管理人员", "Senior management", "text"),
    _c("deferral_change", "递延带来的变动", "Change from deferral", "money_cents"),
    _c("entry", "台账类型", "Ledger entry", "text"),
    _c("grant_period", "递延所属期", "Granted in", "text"),
    _c("tranche", "期次", "Tranche", "count"),
    _c("due_period", "到期月份", "Due in", "text"),
    _c("tranche_id", "台账期次编号", "Ledger tranche id", "count"),
    _c("event_id", "追索事件编号", "Clawback event", "text"),
    _c("deferral_amount", "金额", "Amount", "money_cents"),
    _c("deferral_pay", "当期绩效工资", "Performance pay of the period", "money_cents"),
    _c("deferral_share", "递延比例", "Deferred share", "text"),
    _c("clawback_periods", "追索涉及期间", "Periods concerned", "text"),
    _c("approved_by", "批准人", "Approved by", "text"),
    _c("tranche_released", "已发放", "Released", "money_cents"),
    _c("forfeited", "已没收", "Forfeited", "money_cents"),
    _c("stopped", "已止付", "Stopped (clawback)", "money_cents"),
    _c("unreleased", "未发放余额", "Still deferred", "money_cents"),
    _c("granted", "递延总额", "Granted", "money_cents"),
    _c("clawback_balance", "追索应收余额", "Clawback receivable owed", "money_cents"),
    _c("tranche_status", "状态", "Status", "text"),
)


# year columns (appraisal/history/annual.py, appraisal/history/deferral.py; docs/deferral.md)
_YEAR: tuple[Column, ...] = (
    _c("annual_due", "年度等级奖金应发", "Grade part due by the annual grade", "money_cents"),
    _c("annual_advances", "月度已预发等级奖金", "Grade part advanced monthly", "money_cents"),
    _c("annual_true_up", "年度清算补扣", "Annual true-up", "money_cents"),
    _c("annual_months", "清算月份数", "Months settled", "count"),
    _c("settled_span", "清算期间", "Period settled", "text"),
    _c("aggregation", "年度汇总方式", "Annual aggregation", "text"),
    _c("monthly_actuals", "月度实际值个数", "Monthly actuals", "count"),
    _c("deferral_balance", "递延余额", "Deferred balance", "money_cents"),
    _c("clawback_stopped", "本期追索止付", "Clawback stopped now", "money_cents"),
)


# history columns (appraisal/history: retro adjustments, change on last month, revision sheet)
_HISTORY: tuple[Column, ...] = (
    _c("retro_due", "应补扣追溯调整", "Retro adjustment due", "money_cents"),
    _c("retro_adjustment", "追溯调整", "Retro adjustment", "money_cents"),
    _c("retro_carried", "追溯调整结转下期", "Retro adjustment carried forward", "money_cents"),
    _c("retro_source", "追溯调整来源", "Retro adjustment from", "text"),
    _c("previous_period", "上期", "Previous period", "code"),
    _c("previous_final", "上期实发奖金", "Previous final bonus", "money_cents"),
    _c("final_change", "实发奖金变动", "Change in final bonus", "money_cents"),
    _c("change_driver", "变动主要原因", "Largest driver of the change", "code"),
    _c("driver_change", "主要原因金额", "Change from the largest driver", "money_cents"),
    _c("revision_of", "更正的版本", "Revises version", "count"),
    _c("revision_reason", "更正原因", "Reason for the revision", "text"),
    _c("changed", "有变动", "Changed", "flag"),
    _c("profit_band_change", "利润档次带来的变动", "Change from profit band", "money_cents"),
    _c("grade_change", "等级带来的变动", "Change from grade", "money_cents"),
    _c("cap_floor_change", "封顶保底带来的变动", "Change from cap/floor", "money_cents"),
    _c("pool_change", "公共绩效池带来的变动", "Change from shared pool", "money_cents"),
    _c("retro_adjustment_change", "追溯调整带来的变动", "Change from retro adjustment",
       "money_cents"),
)


def _history_columns(columns: Mapping[str, Column]) -> dict[str, Column]:
    """The history columns, and for the revision sheet the old / new (/ delta) of every money
    column, the composite, the grade and the bands."""
    out = {column.key: column for column in _HISTORY}
    known = {**columns, **out}
    for key, column in known.items():
        compared = column.kind == "money_cents" or key in ("composite", "grade") or (
            key.endswith("_band") and column.kind == "code")
        if not compared or key in ("previous_final", "final_change", "driver_change") or (
                key.endswith("_change")):
            continue
        out[f"{key}_old"] = Column(f"{key}_old", column.kind, column.unit, f"{column.zh}(原)",
                                   f"{column.en} (closed)")
        out[f"{key}_new"] = Column(f"{key}_new", column.kind, column.unit, f"{column.zh}(新)",
                                   f"{column.en} (revised)")
        if column.kind in ("money_cents", "score"):
            out[f"{key}_delta"] = Column(f"{key}_delta", column.kind, column.unit,
                                         f"{column.zh}(差额)", f"{column.en} (change)")
    return out


_FIXED_REGISTRY = ColumnRegistry({c.key: c for c in (*_BASE, *_vintage_columns())})
