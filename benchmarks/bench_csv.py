"""Benchmark: the CSV writer against pyarrow's CSV writer on the same frames of a real run.

    python benchmarks/bench_csv.py [--managers 50000] [--accounts 1000000] [--repeat 3]
        [--dir DIR]

1. `appraise sample --managers M --accounts N` (Parquet, a temp folder) and the example config
   through `pipeline.run`: the frames a run writes as CSV (managers ~64 columns, scores
   manager x 15 indicators, rorac manager x category, roll-ups, pool, summary ranks and gaps).
2. For each frame, in turn, `--repeat` times each (the fastest counts):
   - engine: `report.writer.write_csv` (registry kinds: exact yuan text from int cents,
     shortest round-trip floats in Python's notation, minimal quoting, UTF-8 with BOM);
   - reference: `pyarrow.csv.write_csv(pa.Table.from_pandas(frame))` (pyarrow's own float
     text, every string quoted, ints for the cents).
   Both write files into `--dir` (default: the system's temp folder).
CPU time (`time.process_time`, this process) is the figure to compare on a shared machine;
wall time is printed beside it. The last stdout line is one JSON object: per frame and in total
the seconds of each side and the ratio engine / pyarrow.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import yaml

ROOT = Path(__file__).resolve().parents[1]


def make_frames(managers: int, accounts: int, folder: Path) -> tuple[dict, object]:
    """The CSV frames of the example scheme on a generated branch, and the column registry."""
    import subprocess

    from appraisal.pipeline import run

    data = folder / "inputs"
    subprocess.run([sys.executable, "-m", "appraisal.cli", "sample", "--managers",
                    str(managers), "--accounts", str(accounts), "--format", "parquet",
                    "--out", str(data), "--force"], check=True, capture_output=True)
    raw = yaml.safe_load((ROOT / "configs" / "example.yaml").read_text(encoding="utf-8"))
    for name, source in list(raw["inputs"].items()):
        path = source if isinstance(source, str) else source["path"]
        local = data / (Path(path).stem + ".parquet")
        if not local.exists():
            local = (ROOT / "configs" / path).resolve()
        raw["inputs"][name] = str(local) if isinstance(source, str) else {
            **source, "path": str(local)}
    config = folder / "bench-csv.yaml"
    config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    result = run(config)
    frames = {**result.frames(), "summary_ranks": result.summary.ranks,
              "summary_gaps": result.summary.gaps}
    wanted = set(result.config.output.files)
    return {k: f for k, f in frames.items() if f"{k}_csv" in wanted}, result.columns


def fastest(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of the fastest of `repeat` runs."""
    best = (float("inf"), float("inf"))
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        best = min(best, (time.process_time() - cpu, time.perf_counter() - wall))
    return best


def main() -> None:
    from appraisal.report.writer import write_csv

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--managers", type=int, default=50_000)
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-csv-", dir=args.dir) as temp:
        folder = Path(temp)
        frames, registry = make_frames(args.managers, args.accounts, folder)
        figures: dict[str, object] = {"managers": args.managers, "frames": {}}
        totals = {"engine_cpu_s": 0.0, "pyarrow_cpu_s": 0.0, "engine_wall_s": 0.0,
                  "pyarrow_wall_s": 0.0}
        for name, frame in frames.items():
            engine = fastest(lambda f=frame, n=name: write_csv(f, folder / f"{n}.csv",
                                                                registry), args.repeat)
            reference = fastest(lambda f=frame, n=name: pa_csv.write_csv(
                pa.Table.from_pandas(f, preserve_index=False), folder / f"{n}.pyarrow.csv"),
                args.repeat)
            row = {"rows": len(frame), "columns": len(frame.columns),
                   "engine_cpu_s": round(engine[0], 3), "pyarrow_cpu_s": round(reference[0], 3),
                   "cpu_ratio": round(engine[0] / max(reference[0], 1e-9), 2),
                   "bytes": (folder / f"{name}.csv").stat().st_size}
            figures["frames"][name] = row  # type: ignore[index]
            for side, (cpu, wall) in (("engine", engine), ("pyarrow", reference)):
                totals[f"{side}_cpu_s"] += cpu
                totals[f"{side}_wall_s"] += wall
            print(f"{name}: {row}", file=sys.stderr)
    figures.update({k: round(v, 3) for k, v in totals.items()})
    figures["cpu_ratio"] = round(totals["engine_cpu_s"] / totals["pyarrow_cpu_s"], 2)
    figures["wall_ratio"] = round(totals["engine_wall_s"] / totals["pyarrow_wall_s"], 2)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
