"""Benchmark: bonus_sheet.xlsx for 50,000 managers against two references on the same frames.

Frames are generated on the fly (managers, manager x indicator scores, manager x category
RORAC, roll-ups, pool ledger and allocations); every writer gets the same frames in the same
run:
- engine: `write_bonus_sheet` (every sheet, formats, formulas, print setup);
- to_excel: plain `DataFrame.to_excel` (openpyxl engine) of the six frames;
- xlsxwriter: xlsxwriter in constant-memory mode writing the same frames' cells unformatted
  (header row + values, money as yuan), the reference of issue 16.
The last line printed is one JSON object: {"managers", "engine_s", "to_excel_s",
"xlsxwriter_s", "ratio" (engine / to_excel), "ratio_xlsxwriter" (engine / xlsxwriter)}.

    python benchmarks/bench_report.py [--managers 50000] [--indicators 14]
        [--only engine|to_excel|xlsxwriter]   # one writer only (for paired whole-process runs)
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from appraisal.columns import column_registry
from appraisal.config import parse_config
from appraisal.money import to_cents
from appraisal.report.excel import write_bonus_sheet
from appraisal.result import InputRecord, RunResult, StageResults
from appraisal.summary import compute_summary
from appraisal.weights import WeightsResult

INDICATORS = (
    ("financial", "rorac"),
    ("customer", "deposit_plan"),
    ("customer", "loan_plan"),
    ("customer", "intermediate_plan"),
    ("customer", "other_plan"),
    ("customer", "satisfaction"),
    ("internal_process", "npl_ratio"),
    ("internal_process", "approval_pass_rate"),
    ("internal_process", "file_completeness"),
    ("internal_process", "feedback_360"),
    ("learning_growth", "training_hours"),
    ("learning_growth", "exam_score"),
    ("learning_growth", "research_output"),
    ("additional", "years_of_service"),
)
CATEGORIES = ("deposit", "loan", "intermediate", "other")


def make_result(managers: int, indicators: int, seed: int = 7) -> RunResult:
    """A synthetic run of the given size (values plausible, not computed by the stages; money in
    int64 cents as the stages hand it over; the summary stage runs on these frames)."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"M{i:06d}" for i in range(managers)], dtype=object)
    teams = rng.integers(0, max(managers // 12, 1), managers)
    composite = rng.normal(85, 8, managers)
    grades = np.select([composite >= 95, composite >= 88, composite >= 78, composite >= 65],
                       ["A", "B", "C", "D"], "E")
    gross = np.round(rng.uniform(3000, 30000, managers), 2)
    withheld = np.round(gross * 0.05, 2)
    allocation = np.where(rng.random(managers) < 0.02, np.round(rng.uniform(100, 2000), 2), 0.0)
    frame = pd.DataFrame(
        {
            "manager_id": ids,
            "name": [f"经理{i}" for i in range(managers)],
            "branch": [f"BR{t % 10:02d}" for t in teams],
            "sub_branch": [f"SB{t % 100:03d}" for t in teams],
            "team": [f"T{t:05d}" for t in teams],
            "job_level": rng.choice(["junior", "senior", "principal"], managers),
            "hire_date": pd.Timestamp("2010-01-01")
            + pd.to_timedelta(rng.integers(0, 5000, managers), unit="D"),
            "pay_base": to_cents(rng.uniform(5000, 15000, managers)),
            "base": to_cents(rng.uniform(5000, 15000, managers)),
            "position_coefficient": rng.choice([0.8, 1.0, 1.2], managers),
            "rorac": to_cents(rng.normal(200000, 80000, managers)),
            "financial_score": rng.normal(90, 10, managers),
            "customer_score": rng.normal(88, 10, managers),
            "internal_process_score": rng.normal(86, 10, managers),
            "learning_growth_score": rng.normal(84, 10, managers),
            "additional_points": rng.uniform(0, 5, managers),
            "composite": composite,
            "grade": grades,
            "grade_coefficient": rng.choice([0.6, 0.8, 1.0, 1.2, 1.5], managers),
            "profit_band": rng.choice(["档次2", "档次3", "档次4"], managers),
            "profit_band_coefficient": rng.choice([0.5, 0.8, 1.0], managers),
            "profit_points": rng.uniform(0.5, 1.5, managers),
            "grade_points": rng.uniform(0.5, 1.5, managers),
            "bonus_profit": to_cents(gross * 0.6),
            "bonus_grade": to_cents(gross) - to_cents(gross * 0.6),
            "limit_adjustment": np.zeros(managers, dtype=np.int64),
            "limit_applied": "none",
            "bonus_gross": to_cents(gross),
            "withheld": to_cents(withheld),
            "pool_allocation": to_cents(allocation),
            "pool_redistributed": np.zeros(managers, dtype=np.int64),
            "bonus_final": to_cents(gross) - to_cents(withheld) + to_cents(allocation),
        }
    )
    chosen = INDICATORS[:indicators]
    rows = managers * len(chosen)
    scores = pd.DataFrame(
        {
            "manager_id": np.repeat(ids, len(chosen)),
            "dimension": np.tile([d for d, _ in chosen], managers),
            "indicator": np.tile([i for _, i in chosen], managers),
            "actual": rng.uniform(0, 2e6, rows),
            "target": rng.uniform(1e5, 2e6, rows),
            "rule": np.tile(["ratio"] * len(chosen), managers),
            "score": rng.uniform(50, 120, rows),
            "local_weight": rng.uniform(0, 1, rows),
            "global_weight": rng.uniform(0, 0.5, rows),
            "contribution": rng.uniform(0, 30, rows),
        }
    )
    cat_rows = managers * len(CATEGORIES)
    rorac = pd.DataFrame(
        {
            "manager_id": np.repeat(ids, len(CATEGORIES)),
            "category": np.tile(CATEGORIES, managers),
            "revenue": to_cents(rng.uniform(1e4, 5e5, cat_rows)),
            "direct_cost": to_cents(rng.uniform(0, 1e5, cat_rows)),
            "management_cost": to_cents(rng.uniform(0, 2e4, cat_rows)),
            "fixed_cost": to_cents(rng.uniform(0, 1e4, cat_rows)),
            "risk_cost": to_cents(rng.uniform(0, 5e4, cat_rows)),
            "tax": to_cents(rng.uniform(0, 3e4, cat_rows)),
            "rorac_stock": to_cents(rng.uniform(0, 2e5, cat_rows)),
            "rorac_increment": to_cents(rng.uniform(0, 1e5, cat_rows)),
            "stock_age_years": rng.uniform(0, 8, cat_rows),
            "k0": rng.uniform(0.8, 1, cat_rows),
            "rorac": to_cents(rng.uniform(0, 3e5, cat_rows)),
        }
    )
    rollups = (
        frame.groupby("team", sort=True)[["bonus_gross", "withheld", "bonus_final"]]
        .sum()
        .reset_index()
        .rename(columns={"team": "unit"})
    )
    rollups.insert(0, "level", "team")
    pool_ledger = pd.DataFrame(
        {
            "unit": ["BANK"],
            "carry_in": [0],
            "withheld": [int(frame["withheld"].sum())],
            "allocated": [int(frame["pool_allocation"].sum())],
            "redistributed": [0],
            "carry_out": [int(frame["withheld"].sum() - frame["pool_allocation"].sum())],
        }
    )
    given = frame.loc[allocation > 0, ["manager_id", "pool_allocation"]]
    pool_allocations = pd.DataFrame(
        {
            "manager_id": given["manager_id"].to_numpy(),
            "amount": given["pool_allocation"].to_numpy(),
            "reason": "special_factor",
            "approved_by": "H001",
            "note": "",
        }
    )
    config = parse_config(
        {"period": "2026-10", "unit": {"id": "BANK"}, "inputs": {"managers": "managers.csv"}}
    )
    weights = WeightsResult(matrices={}, method="geometric_mean", ri_table="saaty_1980",
                            cr_threshold=0.1, inconsistent_expert="exclude",
                            completion="harker", source="")
    return RunResult(
        config=config,
        period=config.appraisal_period,
        # only the weights are read by the workbook; the other stage results are not needed
        stages=StageResults(None, weights, None, None),  # type: ignore[arg-type]
        managers=frame,
        scores=scores,
        rorac=rorac,
        rollups=rollups,
        pool_ledger=pool_ledger,
        pool_allocations=pool_allocations,
        summary=compute_summary(frame, scores, rollups, pool_ledger, config),
        columns=column_registry(config),
        inputs=(InputRecord("managers", "managers.csv", "managers.csv", "0" * 64, managers),),
        # display names as the pipeline gives them (categories, dimensions, indicators, grades)
        labels={
            **{c.id: {"zh": c.name_zh or c.id, "en": c.name_en or c.id}
               for c in config.rorac.categories},
            **config.scorecard.labels(),
        },
    )


def plain_to_excel(result: RunResult, path: Path) -> None:
    """The baseline: every frame through `DataFrame.to_excel` with the openpyxl engine."""
    frames = {
        "managers": result.managers,
        "scores": result.scores,
        "rorac": result.rorac,
        "rollups": result.rollups,
        "pool_ledger": result.pool_ledger,
        "pool_allocations": result.pool_allocations,
    }
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=name, index=False)


def xlsxwriter_plain(result: RunResult, path: Path) -> None:
    """The issue-16 reference: xlsxwriter, constant-memory mode, the same frames' cells
    unformatted (a header row, then values; money cents as yuan, dates as dates)."""
    import xlsxwriter

    money = set(result.columns.of_kind("money_cents", result.columns))
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "nan_inf_to_errors": True})
    for name, frame in result.frames().items():
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, [str(c) for c in frame.columns])
        columns = []
        for key in frame.columns:
            values = frame[key]
            if key in money:
                values = values / 100
            elif pd.api.types.is_datetime64_any_dtype(values):
                values = values.dt.to_pydatetime()
            columns.append(pd.Series(values).astype(object).where(pd.notna(values), None)
                           .tolist())
        for row, record in enumerate(zip(*columns, strict=True), start=1):
            sheet.write_row(row, 0, record)
    book.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--managers", type=int, default=50_000)
    parser.add_argument("--indicators", type=int, default=len(INDICATORS))
    parser.add_argument("--only", choices=["engine", "to_excel", "xlsxwriter"])
    args = parser.parse_args()
    result = make_result(args.managers, min(args.indicators, len(INDICATORS)))
    writers = {
        "engine": lambda path: write_bonus_sheet(result, path, language="zh"),
        "to_excel": lambda path: plain_to_excel(result, path),
        "xlsxwriter": lambda path: xlsxwriter_plain(result, path),
    }
    seconds: dict[str, float | None] = dict.fromkeys(writers)
    with tempfile.TemporaryDirectory() as folder:
        for name, write in writers.items():
            if args.only and name != args.only:
                continue
            started = time.perf_counter()
            write(Path(folder) / f"{name}.xlsx")
            seconds[name] = time.perf_counter() - started
        sizes = {p.name: p.stat().st_size for p in Path(folder).iterdir()}
    print(
        f"cells: managers {result.managers.size:,}, scores {result.scores.size:,}, "
        f"rorac {result.rorac.size:,}; bytes {sizes}"
    )
    engine, baseline, reference = (seconds[k] for k in writers)

    def ratio(a: float | None, b: float | None) -> float | None:
        return round(a / b, 3) if a is not None and b else None

    print(json.dumps({
        "managers": args.managers,
        "engine_s": None if engine is None else round(engine, 2),
        "to_excel_s": None if baseline is None else round(baseline, 2),
        "xlsxwriter_s": None if reference is None else round(reference, 2),
        "ratio": ratio(engine, baseline),
        "ratio_xlsxwriter": ratio(engine, reference),
    }))


if __name__ == "__main__":
    main()
