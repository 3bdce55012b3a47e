"""Benchmark of a whole `appraise run` at bank scale, stage by stage, with plain references.

    python benchmarks/bench_run.py [--managers 50000] [--accounts 10000000]
                                   [--formats parquet,csv] [--work DIR]

1. Generates the sample branch on the fly (`appraise sample --managers M --accounts N`, once per
   format, Parquet and/or CSV) into a temp folder (or `--work`); never committed.
2. Engine: a child process runs the example config on it (`pipeline.run`, then
   `report.write_run` with the example's outputs, statements off) and reports each stage's
   seconds (read + check, rorac, weights, scorecard, bonus, write csv, charts, workbook) and its
   peak RSS (`ru_maxrss`), so the generator's memory is not counted.
3. References, in the same run, on the same files and frames:
   - `duckdb_read_aggregate_s`: DuckDB reading the same business table (read_parquet or
     read_csv) and aggregating it per manager x category x vintage (sums of balance, revenue and
     the rate products): what reading, checking and the account stage do at their core;
   - `duckdb_same_work_s`: DuckDB doing the account stage's work in floats on the same files:
     crediting through the credit splits, the product rates per line and the kernel's twelve
     sums per manager x category x vintage, with no check and no cents (`same_work_ratio`);
   - `pyarrow_csv_s`: pyarrow's CSV writer writing the same frames the run writes as CSV
     (in the engine's child, right after the run), in turn with the engine's `write_csv` on
     those frames (`engine_csv_s`; fastest of 3 each, wall and CPU: `csv_writers`).
   Ratios: `(read + rorac) / duckdb_read_aggregate_s`, `write csv / pyarrow_csv_s` (the stage
   also writes weights.json, summary.json and columns.csv) and `csv_writer_ratio`
   (`engine_csv_s / pyarrow_csv_s`, the same frames; `csv_writer_cpu_ratio` in CPU seconds);
   the same in CPU seconds (`*_cpu_*`: every thread of the process, `time.process_time`),
   which a shared machine's load disturbs less than wall time.

The last stdout line is a JSON list, one object per format.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def generate(folder: Path, managers: int, accounts: int, fmt: str) -> float:
    started = time.perf_counter()
    beside = Path(sys.executable).with_name("appraise")  # this venv's, even when not on PATH
    command = str(beside) if beside.exists() else "appraise"
    subprocess.run([command, "sample", "--managers", str(managers), "--accounts",
                    str(accounts), "--format", fmt, "--out", str(folder), "--force"],
                   check=True, capture_output=True)
    return time.perf_counter() - started


def write_config(folder: Path, fmt: str, out: Path) -> Path:
    raw = yaml.safe_load((ROOT / "configs" / "example.yaml").read_text(encoding="utf-8"))
    suffix = ".parquet" if fmt == "parquet" else ".csv"
    for name, source in list(raw["inputs"].items()):
        path = source if isinstance(source, str) else source["path"]
        local = folder / (Path(path).stem + suffix)
        if not local.exists():
            local = (ROOT / "configs" / path).resolve()  # a table the generator does not make
        raw["inputs"][name] = str(local) if isinstance(source, str) else {
            **source, "path": str(local)}
    raw.setdefault("output", {})["statements"] = False
    config = out / f"bench-{fmt}.yaml"
    config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return config


def csv_writers(result: object, out: Path, repeat: int = 3) -> dict[str, float]:
    """The writer side: the engine's `write_csv` and pyarrow's CSV writer on the same frames
    (those the run writes as CSV), in turn, `repeat` times each; the fastest wall and CPU
    seconds of each side (`pyarrow_csv_s`, `pyarrow_csv_cpu_s`, `engine_csv_s`,
    `engine_csv_cpu_s`)."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    from appraisal.report.writer import write_csv

    frames = {**result.frames(), "summary_ranks": result.summary.ranks,  # type: ignore[attr-defined]
              "summary_gaps": result.summary.gaps}  # type: ignore[attr-defined]
    wanted = set(result.config.output.files)  # type: ignore[attr-defined]
    chosen = {name: frame for name, frame in frames.items() if f"{name}_csv" in wanted}
    folder = out / "csv_writers"
    folder.mkdir(exist_ok=True)

    def engine() -> None:
        for name, frame in chosen.items():
            write_csv(frame, folder / f"{name}.csv", result.columns)  # type: ignore[attr-defined]

    def pyarrow() -> None:
        for name, frame in chosen.items():
            pa_csv.write_csv(pa.Table.from_pandas(frame, preserve_index=False),
                             folder / f"{name}.pyarrow.csv")

    best = {side: (float("inf"), float("inf")) for side in ("engine", "pyarrow")}
    for _ in range(repeat):
        for side, action in (("engine", engine), ("pyarrow", pyarrow)):
            wall, cpu = time.perf_counter(), time.process_time()
            action()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            best[side] = (min(best[side][0], wall), min(best[side][1], cpu))  # each its own
    return {f"{side}_csv{suffix}": figures[index] for side, figures in best.items()
            for index, suffix in ((0, "_s"), (1, "_cpu_s"))}


def child(config: Path, out: Path) -> dict[str, object]:
    """The engine's run, timed by stage, then pyarrow's CSV writer on the same frames."""
    from appraisal.pipeline import run
    from appraisal.report.writer import write_run

    stages: dict[str, float] = {}
    cpu: dict[str, float] = {}
    cpu_mark = [time.process_time()]

    def progress(stage: str, rows: int, seconds: float) -> None:
        stages[stage] = stages.get(stage, 0.0) + seconds
        now = time.process_time()  # every thread of the process (DuckDB's too)
        cpu[stage] = cpu.get(stage, 0.0) + now - cpu_mark[0]
        cpu_mark[0] = now

    started = time.perf_counter()
    result = run(config, progress=progress)
    write_run(result, out / "results", force=True, progress=progress)
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = {t.table: t.rows for t in result.inputs}
    return {"stages": stages, "cpu_s": cpu, "wall_s": wall, "peak_rss_mb": peak,
            **csv_writers(result, out), "business_rows": rows.get("business", 0)}


def _table(folder: Path, fmt: str, name: str) -> str:
    """A generated table as DuckDB reads it: read_parquet or read_csv of its file."""
    return (f"read_parquet('{folder / (name + '.parquet')}')" if fmt == "parquet"
            else f"read_csv('{folder / (name + '.csv')}', header = true)")


def _timed(sql: str) -> tuple[float, float]:
    """One DuckDB query to Arrow on a fresh connection: (wall seconds, CPU seconds of all its
    threads)."""
    import duckdb

    started, cpu = time.perf_counter(), time.process_time()
    connection = duckdb.connect()
    connection.execute("SET enable_progress_bar = false")
    connection.sql(sql).to_arrow_table()
    connection.close()
    return time.perf_counter() - started, time.process_time() - cpu


def duckdb_reference(folder: Path, fmt: str) -> tuple[float, float]:
    """DuckDB reading the business table and aggregating it per manager x category x vintage
    (the example's period: 2026-10, vintages split at 2026-01-01)."""
    return _timed(f"""
        SELECT manager_id, category, booking_date >= DATE '2026-01-01' AS increment,
               count(*) AS accounts, sum(balance) AS balance, sum(revenue) AS revenue,
               sum(balance * 0.013) AS direct, sum(balance * 0.01) AS risk,
               sum(revenue * 0.06) AS tax, sum(balance * 0.08) AS capital,
               sum(balance * greatest(date_diff('day', booking_date, DATE '2026-10-31'), 0))
                   AS age_balance
        FROM {_table(folder, fmt, 'business')} GROUP BY ALL""")


def duckdb_same_work(folder: Path, fmt: str) -> tuple[float, float]:
    """DuckDB doing the account stage's work in floats: the business table credited through
    the credit splits (LEFT JOIN on account_id, share 1 where none), the example's product
    rates joined per line, and the same twelve sums per manager x category x vintage as the
    exact kernel (docs/kernel.md), in DOUBLE. No check, no cents."""
    raw = yaml.safe_load((ROOT / "configs" / "example.yaml").read_text(encoding="utf-8"))
    tax = {c["id"]: c.get("tax_rate", 0.0) for c in raw["rorac"]["categories"]}
    rates = ", ".join(
        f"('{name}', '{spec['category']}', {spec['ftp_rate']}, {spec['provision_rate']}, "
        f"{spec['capital_factor']}, {tax.get(spec['category'], 0.0)})"
        for name, spec in raw["rorac"]["products"].items())
    return _timed(f"""
        WITH products(product, category, ftp, provision, factor, tax) AS (VALUES {rates}),
        lines AS (
            SELECT COALESCE(s.manager_id, b.manager_id) AS manager_id, p.category,
                   b.booking_date >= DATE '2026-01-01' AS increment,
                   COALESCE(s.share, 1.0) AS share, b.balance * COALESCE(s.share, 1.0) AS balance,
                   b.revenue * COALESCE(s.share, 1.0) AS revenue, p.ftp, p.provision, p.factor,
                   p.tax, greatest(date_diff('day', b.booking_date, DATE '2026-10-31'), 0) AS age
            FROM {_table(folder, fmt, 'business')} AS b
            LEFT JOIN {_table(folder, fmt, 'credit_splits')} AS s ON s.account_id = b.account_id
            JOIN products AS p ON p.product = b.product)
        SELECT manager_id, category, increment, sum(share) AS accounts, sum(balance) AS balance,
               sum(revenue) AS revenue, sum(balance * ftp) AS direct_derived,
               0.0 AS direct_given, sum(balance * provision) AS risk_derived, 0.0 AS risk_given,
               sum(revenue * tax) AS tax_derived, 0.0 AS tax_given,
               sum(balance * factor) AS capital, sum(age * balance) AS age_balance,
               sum(age * share) AS age_accounts
        FROM lines GROUP BY ALL""")


def csv_ratios(measured: dict[str, float]) -> dict[str, float]:
    """The writer side's figures: both writers' seconds on the same frames and their ratios."""
    figures = {k: round(measured[k], 2) for k in
               ("engine_csv_s", "engine_csv_cpu_s", "pyarrow_csv_s", "pyarrow_csv_cpu_s")}
    figures["csv_writer_ratio"] = round(measured["engine_csv_s"] / measured["pyarrow_csv_s"], 2)
    figures["csv_writer_cpu_ratio"] = round(
        measured["engine_csv_cpu_s"] / measured["pyarrow_csv_cpu_s"], 2)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--managers", type=int, default=50_000)
    parser.add_argument("--accounts", type=int, default=10_000_000)
    parser.add_argument("--formats", default="parquet,csv")
    parser.add_argument("--work", type=Path, help="folder for the data (default: a temp dir)")
    parser.add_argument("--reference-runs", type=int, default=3,
                        help="runs of the DuckDB reference (the fastest is kept)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child[0]), Path(args.child[1]))))
        return
    figures = []
    with tempfile.TemporaryDirectory(prefix="bench_run_", dir=args.work) as temp:
        work = Path(temp)
        for fmt in [f for f in args.formats.split(",") if f]:
            folder = work / fmt
            generate_s = generate(folder, args.managers, args.accounts, fmt)
            print(f"{fmt}: generated in {generate_s:.1f} s", file=sys.stderr)
            config = write_config(folder, fmt, work)
            out = work / f"out-{fmt}"
            out.mkdir()
            engine = subprocess.run([sys.executable, __file__, "--child", str(config), str(out)],
                                    check=True, capture_output=True, text=True)
            measured = json.loads(engine.stdout.strip().splitlines()[-1])
            reference_s, reference_cpu_s = min(duckdb_reference(folder, fmt)
                                               for _ in range(args.reference_runs))
            same_s, same_cpu_s = min(duckdb_same_work(folder, fmt)
                                     for _ in range(args.reference_runs))
            stages = measured["stages"]
            account_stage = stages.get("read", 0.0) + stages.get("rorac", 0.0)
            account_cpu = measured["cpu_s"].get("read", 0.0) + measured["cpu_s"].get("rorac", 0.0)
            figures.append({
                "format": fmt, "managers": args.managers, "accounts": args.accounts,
                "generate_s": round(generate_s, 1),
                "stages_s": {k: round(v, 2) for k, v in stages.items()},
                "wall_s": round(measured["wall_s"], 1),
                "peak_rss_mb": round(measured["peak_rss_mb"]),
                "duckdb_read_aggregate_s": round(reference_s, 2),
                "read_check_rorac_ratio": round(account_stage / reference_s, 2),
                "stages_cpu_s": {k: round(v, 2) for k, v in measured["cpu_s"].items()},
                "duckdb_read_aggregate_cpu_s": round(reference_cpu_s, 2),
                "read_check_rorac_cpu_ratio": round(account_cpu / reference_cpu_s, 2),
                "duckdb_same_work_s": round(same_s, 2),
                "duckdb_same_work_cpu_s": round(same_cpu_s, 2),
                "same_work_ratio": round(account_stage / same_s, 2),
                "same_work_cpu_ratio": round(account_cpu / same_cpu_s, 2),
                "pyarrow_csv_s": round(measured["pyarrow_csv_s"], 2),
                "write_csv_ratio": round(stages.get("write csv", 0.0)
                                         / measured["pyarrow_csv_s"], 2),
                **csv_ratios(measured),
            })
            print(json.dumps(figures[-1]), file=sys.stderr)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
