"""Benchmark: bonus_sheet.xlsx for 50,000 managers against plain `DataFrame.to_excel`.

Frames are generated on the fly (managers, manager x indicator scores, manager x category
RORAC, roll-ups, pool ledger and allocations); both writers get the same frames in the same
run. The last line printed is one JSON object:
{"managers": ..., "engine_s": ..., "to_excel_s": ..., "ratio": ...} (ratio = engine / to_excel).

    python benchmarks/bench_report.py [--managers 50000] [--indicators 14]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from appraisal.config import parse_config
from appraisal.pipeline import InputRecord, RunResult
from appraisal.report.excel import write_bonus_sheet

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
    """A synthetic run of the given size (values plausible, not computed by the stages)."""
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
            "pay_base": np.round(rng.uniform(5000, 15000, managers), 2),
            "position_coefficient": rng.choice([0.8, 1.0, 1.2], managers),
            "rorac": rng.normal(200000, 80000, managers),
            "financial": rng.normal(90, 10, managers),
            "customer": rng.normal(88, 10, managers),
            "internal_process": rng.normal(86, 10, managers),
            "learning_growth": rng.normal(84, 10, managers),
            "additional": rng.uniform(0, 5, managers),
            "composite": composite,
            "grade": grades,
            "grade_coefficient": rng.choice([0.6, 0.8, 1.0, 1.2, 1.5], managers),
            "profit_bonus": np.round(gross * 0.6, 2),
            "grade_bonus": np.round(gross * 0.4, 2),
            "bonus_gross": gross,
            "withheld": withheld,
            "pool_allocation": allocation,
            "bonus_final": gross - withheld + allocation,
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
            "revenue": rng.uniform(1e4, 5e5, cat_rows),
            "ftp_cost": rng.uniform(0, 1e5, cat_rows),
            "management_cost": rng.uniform(0, 2e4, cat_rows),
            "fixed_cost": rng.uniform(0, 1e4, cat_rows),
            "risk_cost": rng.uniform(0, 5e4, cat_rows),
            "tax": rng.uniform(0, 3e4, cat_rows),
            "rorac_stock": rng.uniform(0, 2e5, cat_rows),
            "rorac_increment": rng.uniform(0, 1e5, cat_rows),
            "n": rng.uniform(0, 8, cat_rows),
            "k0": rng.uniform(0.8, 1, cat_rows),
            "rorac": rng.uniform(0, 3e5, cat_rows),
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
            "carry_in": [0.0],
            "withheld": [withheld.sum()],
            "allocated": [allocation.sum()],
            "redistributed": [0.0],
            "carry_out": [withheld.sum() - allocation.sum()],
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
    return RunResult(
        config=config,
        period=config.appraisal_period,
        managers=frame,
        scores=scores,
        rorac=rorac,
        rollups=rollups,
        weights={},
        pool_ledger=pool_ledger,
        pool_allocations=pool_allocations,
        inputs=(InputRecord("managers", "managers.csv", "managers.csv", "0" * 64, managers),),
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--managers", type=int, default=50_000)
    parser.add_argument("--indicators", type=int, default=len(INDICATORS))
    args = parser.parse_args()
    result = make_result(args.managers, min(args.indicators, len(INDICATORS)))
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        write_bonus_sheet(result, Path(folder) / "bonus_sheet.xlsx", language="zh")
        engine = time.perf_counter() - started
        started = time.perf_counter()
        plain_to_excel(result, Path(folder) / "plain.xlsx")
        baseline = time.perf_counter() - started
        sizes = {p.name: p.stat().st_size for p in Path(folder).iterdir()}
    print(
        f"cells: managers {result.managers.size:,}, scores {result.scores.size:,}, "
        f"rorac {result.rorac.size:,}; bytes {sizes}"
    )
    print(
        json.dumps(
            {
                "managers": args.managers,
                "engine_s": round(engine, 2),
                "to_excel_s": round(baseline, 2),
                "ratio": round(engine / baseline, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
