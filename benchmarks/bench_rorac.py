"""Benchmark of the RORAC stage against DuckDB on the same Parquet file.

    python benchmarks/bench_rorac.py [--rows N] [--managers M]

1. Generates N account rows over M managers into a Parquet file in a temp dir, in chunks of at
   most 1,000,000 rows (generation never holds the whole table).
2. Engine: a child process reads that file as a run does (`io.readers.read_table`: the
   columnar account reader, amounts to cents, the reader rules checked) and runs
   `compute_rorac` to the per-manager table. Its wall time is `engine_s`; its `ru_maxrss` is
   `peak_rss_mb` (a separate process, so neither the generator's nor DuckDB's memory is
   attributed to the engine).
3. DuckDB (in this process, all cores) computes the same per-manager figures in SQL from the
   same file: `duckdb_s` (connect + query + fetch).
   Each side runs `--repeat` times (default 3) and the fastest run counts.
4. Both tables must agree for every manager: the engine hands over integer cents, rounded once
   per manager x category x vintage figure (docs/rorac.md), DuckDB full-precision yuan, so rorac
   and economic capital agree within `MONEY_TOLERANCE` yuan (4 categories x (2 vintages x 6
   figures + 1 weighting) x half a cent = 0.26 yuan) and rorac_ratio within that amount divided
   by the manager's capital (plus 1e-9).

5. The account kernel alone (issue 16), each in a child process, on the same file:
   `kernel_duckdb_s`: the file streamed in record batches (amounts to cents on the way) into the
   kernel on DuckDB, plus the exact rounding of every cell (`DenseCells.cents`);
   `kernel_spark_s`: the same kernel on a local Spark session (`--spark-master`, default
   local[2]) reading the file converted once to integer cents (conversion and session start
   not timed, reported apart); versus `cells_duckdb_s`: a plain DuckDB query doing the same
   aggregation in doubles on the same file. Their peak RSS (`ru_maxrss` of each child; Spark's
   driver JVM's from /proc, VmHWM). Both kernels must return the same
   integers (`kernels_agree`).

The last line printed is one JSON object:
{"rows", "engine_s", "duckdb_s", "ratio", "peak_rss_mb", "agree", "kernel_duckdb_s",
"kernel_spark_s", "cells_duckdb_s", "kernel_duckdb_ratio", "kernel_spark_ratio",
"kernel_duckdb_peak_mb", "kernel_spark_peak_mb", "kernels_agree"}.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

PERIOD_LABEL = "2026-10"
CHUNK_ROWS = 1_000_000
SEED = 20261031
MONEY_TOLERANCE = 0.26  # yuan: see step 4 of the module docstring

# The example scheme's categories and products (docs/architecture.md), with illustrative rates.
CATEGORIES = [
    {"id": "deposit", "name_zh": "存款", "name_en": "Deposits", "tax_rate": 0.06},
    {"id": "loan", "name_zh": "贷款", "name_en": "Loans", "tax_rate": 0.06},
    {"id": "intermediate", "name_zh": "中间业务", "name_en": "Intermediate business",
     "tax_rate": 0.06, "weight": 1.2},
    {"id": "other", "name_zh": "其他业务", "name_en": "Other business", "tax_rate": 0.05,
     "weight": 0.5},
]
PRODUCTS = {
    "demand_deposit": {"category": "deposit", "ftp_rate": 0.005},
    "time_deposit": {"category": "deposit", "ftp_rate": 0.015},
    "working_capital_loan": {"category": "loan", "ftp_rate": 0.025, "provision_rate": 0.015,
                             "capital_factor": 0.08},
    "fixed_asset_loan": {"category": "loan", "ftp_rate": 0.03, "provision_rate": 0.02,
                         "capital_factor": 0.10},
    "trade_finance_loan": {"category": "loan", "ftp_rate": 0.02, "provision_rate": 0.01,
                           "capital_factor": 0.05},
    "settlement_fee": {"category": "intermediate"},
    "wealth_management_fee": {"category": "intermediate", "capital_factor": 0.01},
    "other_business": {"category": "other", "ftp_rate": 0.01, "provision_rate": 0.005,
                       "capital_factor": 0.02},
}
FEE_PRODUCTS = ("settlement_fee",)  # no balance: exercises the account-count fallbacks
RORAC_CONFIG = {
    "categories": CATEGORIES,
    "products": PRODUCTS,
    "management_cost": {"source": "allocate", "total": 25_000_000.0, "driver": "headcount"},
    "fixed_cost": {"source": "allocate", "total": 40_000_000.0, "driver": "balance"},
    "cost_split": "balance",
}
COLUMNS = ["manager_id", "category", "product", "balance", "revenue", "booking_date"]


def roster(managers: int) -> pd.DataFrame:
    """M managers: 10 per team, 10 teams per sub-branch, 20 sub-branches per branch."""
    number = np.arange(managers)
    frame = pd.DataFrame({
        "manager_id": pd.array([f"M{i:06d}" for i in number], dtype="str"),
        "branch": pd.array([f"B{i // 2000:03d}" for i in number], dtype="str"),
        "sub_branch": pd.array([f"S{i // 100:04d}" for i in number], dtype="str"),
        "team": pd.array([f"T{i // 10:05d}" for i in number], dtype="str"),
    })
    frame["_row"] = number + 2
    return frame


def generate(path: Path, rows: int, managers: int) -> None:
    """Stream `rows` synthetic account rows into `path`, one row group per chunk."""
    rng = np.random.default_rng(SEED)
    manager_names = pa.array([f"M{i:06d}" for i in range(managers)])
    product_names = list(PRODUCTS)
    product_dict = pa.array(product_names)
    category_names = [c["id"] for c in CATEGORIES]
    category_dict = pa.array(category_names)
    product_category = np.array(
        [category_names.index(PRODUCTS[p]["category"]) for p in product_names], dtype=np.int8)
    fee = np.isin(product_names, FEE_PRODUCTS)
    product_p = np.array([0.2, 0.2, 0.15, 0.1, 0.05, 0.1, 0.1, 0.1])
    active = max(1, int(managers * 0.98))  # 2% of the roster has no business
    end = np.datetime64(date(2026, 10, 31), "D").astype(np.int64)
    schema = pa.schema([
        ("account_id", pa.string()),
        ("manager_id", pa.dictionary(pa.int32(), pa.string())),
        ("category", pa.dictionary(pa.int8(), pa.string())),
        ("product", pa.dictionary(pa.int8(), pa.string())),
        ("balance", pa.float64()),
        ("revenue", pa.float64()),
        ("booking_date", pa.date32()),
    ])
    with pq.ParquetWriter(path, schema, compression="snappy",
                          use_dictionary=["manager_id", "category", "product"],
                          ) as writer:
        for start in range(0, rows, CHUNK_ROWS):
            n = min(CHUNK_ROWS, rows - start)
            product = rng.choice(len(product_names), size=n, p=product_p).astype(np.int8)
            balance = np.round(rng.lognormal(12.0, 1.5, size=n), 2)
            balance[fee[product]] = 0.0
            revenue = np.round(rng.normal(0.002, 0.004, size=n) * np.maximum(balance, 1e6), 2)
            booked = end - rng.integers(0, 15 * 365, size=n)
            ids = pa.array(np.char.add("A", np.arange(start, start + n).astype("U12")))
            table = pa.Table.from_arrays([
                ids,
                pa.DictionaryArray.from_arrays(
                    pa.array(rng.integers(0, active, size=n, dtype=np.int32)), manager_names),
                pa.DictionaryArray.from_arrays(pa.array(product_category[product]),
                                               category_dict),
                pa.DictionaryArray.from_arrays(pa.array(product), product_dict),
                pa.array(balance),
                pa.array(revenue),
                pa.array(booked.astype("datetime64[D]")),
            ], schema=schema)
            writer.write_table(table)


def run_engine(path: Path, managers: int, out: Path) -> dict[str, float]:
    """The timed stage: Parquet file → per-manager table (run in its own process)."""
    from appraisal.config import RoracConfig
    from appraisal.config.base import parse_period
    from appraisal.rorac import compute_rorac

    config = RoracConfig.model_validate(RORAC_CONFIG)
    period = parse_period(PERIOD_LABEL)
    staff = roster(managers)
    from appraisal.io.accounts import is_relation
    from appraisal.io.readers import read_table

    started = time.perf_counter()
    # the account table as a run reads it: columnar (io.accounts), the reader rules checked
    loaded, _ = read_table("business", path, shown=str(path))
    business = loaded.frame
    read_s = time.perf_counter() - started
    if not is_relation(business):  # pragma: no cover - the generated file reads plainly
        raise SystemExit("the benchmark's business file was not read columnar")
    result = compute_rorac(business, staff, config, period)
    engine_s = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result.by_manager[["manager_id", "rorac", "economic_capital", "rorac_ratio"]].to_parquet(out)
    return {"engine_s": engine_s, "read_s": read_s, "peak_rss_mb": peak_mb}


def duckdb_sql(path: Path) -> str:
    """The same computation in SQL (see docs/rorac.md for the rules it mirrors)."""
    from appraisal.config import RoracConfig
    from appraisal.config.base import parse_period

    config = RoracConfig.model_validate(RORAC_CONFIG)
    period = parse_period(PERIOD_LABEL)
    year_fraction = period.days / 365.0
    taxes = {c.id: c.tax_rate for c in config.categories}
    products = ", ".join(
        f"('{name}', '{p.category}', {p.ftp_rate!r}, {p.provision_rate!r}, "
        f"{p.capital_factor!r}, {taxes[p.category]!r})"
        for name, p in config.products.items())
    weights = ", ".join(f"('{c.id}', {c.weight!r})" for c in config.categories)
    cm, cf = config.management_cost.total, config.fixed_cost.total
    decay, floor = config.stock.decay, config.stock.floor
    return f"""
    WITH products(product, category, ftp_rate, provision_rate, capital_factor, tax_rate) AS (
        VALUES {products}),
    weights(category, weight) AS (VALUES {weights}),
    credited AS (
        SELECT b.manager_id::VARCHAR AS manager_id, p.category,
               b.booking_date >= DATE '{period.year_start}' AS increment,
               b.balance, b.revenue,
               greatest(date_diff('day', b.booking_date, DATE '{period.end}'), 0) / 365.25 AS age,
               p.ftp_rate, p.provision_rate, p.capital_factor, p.tax_rate
        FROM read_parquet('{path}') b JOIN products p ON p.product = b.product::VARCHAR),
    cells AS (
        SELECT manager_id, category, increment, count(*) AS accounts, sum(balance) AS balance,
               sum(revenue) AS revenue,
               sum(balance * ftp_rate) * {year_fraction!r} AS direct_cost,
               sum(balance * provision_rate) * {year_fraction!r} AS risk_cost,
               sum(revenue * tax_rate) AS tax, sum(balance * capital_factor) AS capital,
               sum(balance * age) AS age_balance, sum(age) AS age_accounts
        FROM credited GROUP BY ALL),
    mgr AS (SELECT manager_id, sum(balance) AS balance, sum(accounts) AS accounts
            FROM cells GROUP BY ALL),
    unit AS (SELECT count(*) AS heads, sum(balance) AS balance FROM mgr WHERE accounts > 0),
    alloc AS (SELECT m.manager_id, m.balance, m.accounts,
                     {cm!r} / u.heads + {cf!r} * m.balance / u.balance AS cost
              FROM mgr m, unit u),
    cell_rorac AS (
        SELECT c.manager_id, c.category, c.increment, c.capital,
               c.revenue - c.direct_cost - c.risk_cost - c.tax - a.cost * CASE
                   WHEN a.balance > 0 THEN c.balance / a.balance
                   ELSE c.accounts / a.accounts END AS rorac
        FROM cells c JOIN alloc a USING (manager_id)),
    k AS (
        SELECT manager_id, category, greatest({floor!r}, 1 - {decay!r} * CASE
                   WHEN sum(balance) > 0 THEN sum(age_balance) / sum(balance)
                   ELSE sum(age_accounts) / sum(accounts) END) AS k0
        FROM cells WHERE NOT increment GROUP BY ALL),
    cat AS (
        SELECT r.manager_id, r.category,
               w.weight * sum(CASE WHEN r.increment THEN r.rorac
                                   ELSE coalesce(k.k0, 1) * r.rorac END) AS rorac,
               sum(r.capital) AS capital
        FROM cell_rorac r LEFT JOIN k USING (manager_id, category)
             JOIN weights w ON w.category = r.category
        GROUP BY r.manager_id, r.category, w.weight),
    per_manager AS (SELECT manager_id, sum(rorac) AS rorac, sum(capital) AS capital
                    FROM cat GROUP BY ALL)
    SELECT s.manager_id, coalesce(p.rorac, 0) AS rorac,
           coalesce(p.capital, 0) AS economic_capital,
           CASE WHEN p.capital > 0 THEN p.rorac / p.capital ELSE 0 END AS rorac_ratio
    FROM staff s LEFT JOIN per_manager p USING (manager_id)
    ORDER BY s.manager_id
    """


def run_kernel(path: Path, managers: int, engine_name: str, master: str) -> dict[str, object]:
    """The account kernel alone, in its own process: Parquet → exact cells → rounded cents."""
    import hashlib

    from appraisal.config import RoracConfig
    from appraisal.config.base import parse_period
    from appraisal.kernel import (
        DuckDBEngine,
        KernelInputs,
        ParquetFiles,
        SparkEngine,
        account_cells,
    )
    from appraisal.kernel.sources import parquet_business

    config = RoracConfig.model_validate(RORAC_CONFIG)
    period = parse_period(PERIOD_LABEL)
    ids = pd.Index(roster(managers)["manager_id"].to_numpy(), dtype="str")
    categories = pd.Index(config.category_ids(), dtype="str")
    startup_s = 0.0
    if engine_name == "spark":
        started = time.perf_counter()
        engine = SparkEngine(master=master, options={
            "spark.driver.memory": "6g", "spark.sql.shuffle.partitions": "8"})
        engine.run("SELECT 1 AS one", {})
        startup_s = time.perf_counter() - started
        started = time.perf_counter()
        cells = account_cells(KernelInputs(ParquetFiles((str(path),))), config, period, engine)
    else:
        started = time.perf_counter()
        stream, supplied = parquet_business(path, with_splits=False)
        cells = account_cells(KernelInputs(stream, None, supplied), config, period,
                              DuckDBEngine())
    dense = cells.dense(ids, categories)
    cents = dense.cents()
    dense.capital_cents()
    seconds = time.perf_counter() - started
    digest = hashlib.sha256()
    for name in sorted(cents):
        digest.update(np.ascontiguousarray(cents[name]).tobytes())
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = 0.0
    if engine_name == "spark":
        children = _jvm_peak_mb(engine)
        engine.close()
    return {"seconds": seconds, "startup_s": startup_s, "peak_rss_mb": own,
            "jvm_peak_rss_mb": children, "digest": digest.hexdigest()}


def _jvm_peak_mb(engine: object) -> float:
    """Peak RSS (VmHWM) of the Spark driver JVM this process started, from /proc."""
    try:
        pid = engine.session.sparkContext._gateway.proc.pid  # type: ignore[attr-defined]
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (AttributeError, OSError, ValueError):
        pass
    return float("nan")


def cells_sql(path: Path) -> str:
    """The kernel's aggregation done plainly by DuckDB in doubles (the reference for it)."""
    from appraisal.config import RoracConfig
    from appraisal.config.base import parse_period

    config = RoracConfig.model_validate(RORAC_CONFIG)
    period = parse_period(PERIOD_LABEL)
    taxes = {c.id: c.tax_rate for c in config.categories}
    products = ", ".join(
        f"('{name}', '{p.category}', {p.ftp_rate!r}, {p.provision_rate!r}, "
        f"{p.capital_factor!r}, {taxes[p.category]!r})"
        for name, p in config.products.items())
    return f"""
    WITH products(product, category, ftp_rate, provision_rate, capital_factor, tax_rate) AS (
        VALUES {products})
    SELECT b.manager_id::VARCHAR AS manager_id, p.category,
           b.booking_date >= DATE '{period.year_start}' AS increment,
           count(*) AS accounts, sum(b.balance) AS balance, sum(b.revenue) AS revenue,
           sum(b.balance * p.ftp_rate) AS direct, sum(b.balance * p.provision_rate) AS risk,
           sum(b.revenue * p.tax_rate) AS tax, sum(b.balance * p.capital_factor) AS capital,
           sum(b.balance * greatest(date_diff('day', b.booking_date, DATE '{period.end}'), 0))
               AS age_balance,
           sum(greatest(date_diff('day', b.booking_date, DATE '{period.end}'), 0)) AS age
    FROM read_parquet('{path}') b JOIN products p ON p.product = b.product::VARCHAR
    GROUP BY ALL
    """


def run_cells_duckdb(path: Path) -> float:
    import duckdb

    started = time.perf_counter()
    connection = duckdb.connect()
    connection.sql(cells_sql(path)).to_arrow_table()
    connection.close()
    return time.perf_counter() - started


def write_cents_copy(path: Path, target: Path) -> float:
    """The bench file with amounts as integer cents (what a lake table in DECIMAL/cents holds),
    for the Spark kernel, which reads Parquet itself."""
    from appraisal.kernel.sources import parquet_business

    started = time.perf_counter()
    stream, _ = parquet_business(path, with_splits=False)
    with pq.ParquetWriter(target, stream.schema, compression="snappy") as writer:
        for batch in stream:
            writer.write_batch(batch)
    return time.perf_counter() - started


def _child(args: list[str]) -> dict[str, object]:
    child = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True,
                           text=True)
    return json.loads(child.stdout.strip().splitlines()[-1])


def run_duckdb(path: Path, managers: int) -> tuple[float, pd.DataFrame]:
    import duckdb

    staff = roster(managers)[["manager_id"]].astype({"manager_id": object})
    sql = duckdb_sql(path)
    started = time.perf_counter()
    connection = duckdb.connect()
    connection.register("staff", staff)
    result = connection.execute(sql).df()
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed, result


def agree(engine: pd.DataFrame, reference: pd.DataFrame) -> bool:
    merged = engine.merge(reference, on="manager_id", suffixes=("", "_duckdb"), how="outer")
    if len(merged) != len(engine) or len(merged) != len(reference):
        return False
    capital = merged["economic_capital_duckdb"].to_numpy(dtype=np.float64)
    for column in ("rorac", "economic_capital", "rorac_ratio"):
        ours = merged[column].to_numpy(dtype=np.float64)
        if column != "rorac_ratio":
            ours = ours / 100  # engine: integer cents
        theirs = merged[f"{column}_duckdb"].to_numpy(dtype=np.float64)
        with np.errstate(divide="ignore"):
            allowed = (
                np.full_like(ours, MONEY_TOLERANCE) if column != "rorac_ratio"
                else np.where(capital > 0, MONEY_TOLERANCE / np.abs(capital), 0.0) + 1e-9
            )
        if not np.all(np.abs(ours - theirs) <= allowed):
            worst = np.argmax(np.abs(ours - theirs))
            print(f"disagree on {column}: {merged['manager_id'].iloc[worst]} "
                  f"{ours[worst]!r} vs {theirs[worst]!r}", file=sys.stderr)
            return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--managers", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each side; the fastest counts (other load on the machine "
                             "only ever slows a run down)")
    parser.add_argument("--kernels", default="duckdb,spark",
                        help="kernels to time on their own: duckdb, spark, both or none ('')")
    parser.add_argument("--spark-master", default="local[2]")
    parser.add_argument("--skip-engine", action="store_true",
                        help="time only the kernels and plain DuckDB (e.g. at 10^8 rows)")
    parser.add_argument("--engine-only", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--kernel-only", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine_only is not None:
        print(json.dumps(run_engine(args.engine_only, args.managers, args.out)))
        return
    if args.kernel_only is not None:
        print(json.dumps(run_kernel(Path(args.kernel_only[1]), args.managers,
                                    args.kernel_only[0], args.spark_master)))
        return
    kernels = [k for k in args.kernels.split(",") if k]

    with tempfile.TemporaryDirectory(prefix="bench_rorac_") as folder:
        path = Path(folder) / "business.parquet"
        out = Path(folder) / "engine_by_manager.parquet"
        started = time.perf_counter()
        generate(path, args.rows, args.managers)
        print(f"generated {args.rows:,} rows over {args.managers:,} managers in "
              f"{time.perf_counter() - started:.1f} s ({path.stat().st_size / 2**20:.0f} MiB)",
              file=sys.stderr)
        engine_runs = []
        duckdb_runs: list[tuple[float, pd.DataFrame]] = []
        same = None
        if not args.skip_engine:
            for _ in range(max(1, args.repeat)):
                child = subprocess.run(
                    [sys.executable, __file__, "--engine-only", str(path), "--managers",
                     str(args.managers), "--out", str(out)],
                    check=True, capture_output=True, text=True,
                )
                engine_runs.append(json.loads(child.stdout.strip().splitlines()[-1]))
            duckdb_runs = [run_duckdb(path, args.managers) for _ in range(max(1, args.repeat))]
            same = agree(pd.read_parquet(out), duckdb_runs[-1][1])
        kernel: dict[str, dict[str, object]] = {}
        repeat = max(1, args.repeat)
        cells_s = min(run_cells_duckdb(path) for _ in range(max(2, repeat))) if kernels else None
        if "duckdb" in kernels:
            runs = [_child(["--kernel-only", "duckdb", str(path), "--managers",
                            str(args.managers)]) for _ in range(repeat)]
            kernel["duckdb"] = min(runs, key=lambda r: float(r["seconds"]))  # type: ignore[arg-type]
        if "spark" in kernels:
            cents_path = Path(folder) / "business_cents.parquet"
            convert_s = write_cents_copy(path, cents_path)
            runs = [_child(["--kernel-only", "spark", str(cents_path), "--managers",
                            str(args.managers), "--spark-master", args.spark_master])
                    for _ in range(repeat)]
            kernel["spark"] = min(runs, key=lambda r: float(r["seconds"]))  # type: ignore[arg-type]
            kernel["spark"]["convert_s"] = convert_s
        print(f"kernel runs: {kernel}", file=sys.stderr)
    figures: dict[str, object] = {"rows": args.rows}
    if engine_runs:
        engine_s = min(run["engine_s"] for run in engine_runs)
        duckdb_s = min(seconds for seconds, _ in duckdb_runs)
        print(f"engine runs (s): {[round(r['engine_s'], 3) for r in engine_runs]} (of which "
              f"reading: {[round(r['read_s'], 3) for r in engine_runs]}); duckdb runs (s): "
              f"{[round(s, 3) for s, _ in duckdb_runs]}", file=sys.stderr)
        figures.update({
            "engine_s": round(engine_s, 3),
            "duckdb_s": round(duckdb_s, 3),
            "ratio": round(engine_s / duckdb_s, 3),
            "peak_rss_mb": round(max(run["peak_rss_mb"] for run in engine_runs), 1),
            "agree": same,
        })
    figures.update(_kernel_figures(kernel, cells_s))
    print(json.dumps(figures))


def _kernel_figures(kernel: dict[str, dict[str, object]], cells_s: float | None
                    ) -> dict[str, object]:
    figures: dict[str, object] = {}
    if cells_s is not None:
        figures["cells_duckdb_s"] = round(cells_s, 3)
    for name, run in kernel.items():
        seconds = float(run["seconds"])  # type: ignore[arg-type]
        figures[f"kernel_{name}_s"] = round(seconds, 3)
        if cells_s:
            figures[f"kernel_{name}_ratio"] = round(seconds / cells_s, 3)
        figures[f"kernel_{name}_peak_mb"] = round(float(run["peak_rss_mb"]), 1)  # type: ignore[arg-type]
        if name == "spark":
            figures["spark_jvm_peak_mb"] = round(float(run["jvm_peak_rss_mb"]), 1)  # type: ignore[arg-type]
            figures["spark_startup_s"] = round(float(run["startup_s"]), 1)  # type: ignore[arg-type]
    if len(kernel) == 2:
        figures["kernels_agree"] = kernel["duckdb"]["digest"] == kernel["spark"]["digest"]
    return figures


if __name__ == "__main__":
    main()
