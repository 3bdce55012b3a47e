"""Incentive balance at bank scale in fixed-pool mode (issue 17): the exact marginals of every
manager × indicator (the pool re-shared, caps and floors water-filled), side by side with the
reference — the stage's own full re-share for one manager at a time (`PoolTerms.gross`),
timed on a few managers and extrapolated to all of them.

    python benchmarks/bench_incentive.py [--managers 50000] [--accounts 200000] [--reference 20]
                                         [--per-person]

Builds a synthetic branch (`appraise sample`, seed 7) in a temp folder, runs the example scheme
with a fixed pool (7,500 cap, 5,000 floor: both bind) and times `incentive_balance`. Prints a
JSON line: seconds for the run and the analysis, cells, fallbacks (managers × indicators where
the step could move another manager across a limit, re-shared in full), the reference's
seconds per cell and its extrapolation, and the largest difference between the two on the
reference cells (float cents).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--managers", type=int, default=50_000)
    parser.add_argument("--accounts", type=int, default=200_000)
    parser.add_argument("--reference", type=int, default=20)
    parser.add_argument("--per-person", action="store_true",
                        help="the example scheme as it is (per_person_base): time only")
    args = parser.parse_args()

    import appraisal
    from appraisal.analysis.incentive import (
        _cells,
        _declared,
        _new_card,
        incentive_balance,
        pool_marginals,
    )
    from appraisal.bonus import pool_terms
    from appraisal.config import load_config
    from appraisal.sample import generate_branch, write_branch
    from appraisal.validate import validate_inputs

    folder = Path(tempfile.mkdtemp(prefix="bench-incentive-"))
    try:
        write_branch(generate_branch(managers=args.managers, accounts=args.accounts, seed=7),
                     folder / "input_samples")
        (folder / "configs").mkdir()
        config = yaml.safe_load((ROOT / "configs" / "example.yaml").read_text("utf-8"))
        path = folder / "configs" / "example.yaml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        pool = 6000 * args.managers
        overrides = [] if args.per_person else [
            "bonus.funding.mode=fixed_pool", f"bonus.funding.pool_amount={pool}",
            "bonus.components[1].factors=[composite]", "bonus.limits.cap=7500",
            "bonus.limits.floor=5000"]
        loaded = load_config(path, overrides)
        started = time.perf_counter()
        validation = validate_inputs(loaded)
        result = appraisal.run(loaded, validation=validation)
        run_s = time.perf_counter() - started
        limits = result.managers["limit_applied"].value_counts().to_dict()

        started = time.perf_counter()
        found = incentive_balance(result, validation)
        analysis_s = time.perf_counter() - started
        if args.per_person:
            print(json.dumps({"managers": args.managers, "cells": len(found.balance),
                              "mode": "per_person_base", "run_s": round(run_s, 1),
                              "incentive_s": round(analysis_s, 1)}))
            return

        # reference: the full re-share, one manager at a time, on the first indicators' cells
        cfg = result.config
        roster = validation.frames["managers"]
        base = pool_terms(roster, result.stages.scorecard.managers,
                          result.stages.rorac.by_manager, cfg.bonus, result.period)
        cells = _cells(result, _declared(cfg), cfg.analysis.incentive_balance.step_percent,
                       cfg.analysis.incentive_balance.unit_step)
        rows = cells[cells["indicator"] == "deposit_plan"]
        moved = pool_terms(roster, _new_card(result, rows, cfg), result.stages.rorac.by_manager,
                           cfg.bonus, result.period)
        exact = pool_marginals(base, moved)
        picked = np.random.default_rng(7).choice(len(base.ids), args.reference, replace=False)
        started = time.perf_counter()
        worst = 0.0
        for m in picked:
            points = {c: base.points[c].copy() for c in base.points}
            for c in points:
                points[c][m] = moved.points[c][m]
            worst = max(worst, abs(float(base.gross(points)[m]) - float(exact.after[m])))
        per_cell = (time.perf_counter() - started) / args.reference
        cells_count = len(found.balance)
        fallbacks = int(exact.fallbacks)
        print(json.dumps({
            "managers": args.managers, "indicators": int(found.balance["indicator"].nunique()),
            "cells": cells_count, "limits": limits, "run_s": round(run_s, 1),
            "incentive_s": round(analysis_s, 1),
            "fallbacks_deposit_plan": fallbacks, "fallbacks_all": found.pool_fallbacks,
            "reference_s_per_cell": round(per_cell, 4),
            "reference_extrapolated_s": round(per_cell * cells_count, 0),
            "largest_difference_cents": worst,
        }))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
