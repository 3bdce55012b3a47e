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
    "KINDS",
    "Column",
    "ColumnRegistry",
    "Kind",
    "Language",
    "column_registry",
    "indicator_measure",
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

    def label(self, language: Language) -> str:
        return self.zh if language == "zh" else self.en

    def to_dict(self) -> dict[str, str | None]:
        return {"key": self.key, "kind": self.kind, "unit": self.unit, "zh": self.zh,
                "en": self.en, "labelled": self.labelled}


def _c(key: str, zh: str, en: str, kind: Kind, unit: str | None = None) -> Column:
    return Column(key, kind, unit if unit is not None else _UNITS.get(kind), zh, en,
                  labelled=key in _LABELLED)


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

    def to_frame(self) -> pd.DataFrame:
        """The registry as a table: key, kind, unit, zh, en (sorted by key)."""
        rows = [self.columns[key].to_dict() for key in sorted(self.columns)]
        return pd.DataFrame(rows, columns=["key", "kind", "unit", "zh", "en", "labelled"])


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
        if component.kind == "profit_band":
            columns[f"{cid}_band"] = _c(f"{cid}_band", f"{zh}档次", f"{en} band", "code")
            columns[f"{cid}_band_coefficient"] = _c(
                f"{cid}_band_coefficient", f"{zh}档次系数", f"{en} band coefficient",
                "coefficient",
            )
    if getattr(config, "deferral", None) is not None:
        columns.update({column.key: column for column in _DEFERRAL})
    if config.history is not None:
        columns.update(_history_columns(columns))
    return ColumnRegistry(columns)


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
