"""Write a run's outputs atomically: everything into a temp folder, then moved into place.

A failure at any point leaves the target untouched (no partial outputs); an existing target is
replaced only with `force`.
"""

from __future__ import annotations

import getpass
import json
import os
import shutil
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from .. import formatting as fmt
from ..columns import Column, ColumnRegistry
from ..errors import OutputExistsError, OutputWriteError
from .manifest import build_manifest

if TYPE_CHECKING:
    from ..config import AppraisalConfig
    from ..result import RunResult

__all__ = [
    "check_target",
    "default_output_dir",
    "os_litter",
    "output_dir_for",
    "output_lock",
    "write_csv",
    "write_folder",
    "write_json",
    "write_run",
]

CSV_ENCODING = "utf-8-sig"  # Excel opens Chinese text correctly only with the BOM

# columns.csv describes the registry itself: its own columns are text.
_REGISTRY_COLUMNS = ColumnRegistry({
    key: Column(key, "text", None, key, key) for key in ("key", "kind", "unit", "zh", "en")
} | {"labelled": Column("labelled", "flag", None, "labelled", "labelled")})


def output_dir_for(config: AppraisalConfig, config_path: Path | None) -> Path:
    """output.dir of the config ({period} and {unit} filled in), relative to the config."""
    template = config.output.dir
    name = template.format(period=config.appraisal_period.label, unit=config.unit.id)
    path = Path(name).expanduser()
    base = config_path.parent if config_path is not None else Path(".")
    return path if path.is_absolute() else base / path


def default_output_dir(result: RunResult) -> Path:
    """`output_dir_for` the run's config."""
    return output_dir_for(result.config, result.config_path)


_OS_FILES = frozenset({".ds_store", "thumbs.db", "ehthumbs.db", "desktop.ini"})


def os_litter(name: str) -> bool:
    """A file the operating system or Office leaves in a folder someone opened (Finder's
    .DS_Store and ._ twins on a network share, Explorer's Thumbs.db and desktop.ini, Excel's
    ~$ owner file of an open workbook): no part of the results, and no edit of them."""
    return name.lower() in _OS_FILES or name.startswith(("._", "~$"))


def _not_written_by_a_run(target: Path, shown: int = 3) -> list[str]:
    """Up to `shown` + 1 files in an existing folder that no run (or compare) wrote there: the
    ones its manifest.json does not list, or every file when it has no manifest of ours."""
    try:
        manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
        listed = set(manifest["outputs"]) | {"manifest.json"}
    except (OSError, ValueError, KeyError, TypeError):
        listed = set()
    foreign: list[str] = []
    for folder, subfolders, files in os.walk(target):  # lazily: a home folder stops at once
        subfolders.sort()
        here = Path(folder).relative_to(target)
        links = [name for name in subfolders if (Path(folder) / name).is_symlink()]
        for name in sorted(files + links):
            written = (here / name).as_posix()
            if not os_litter(name) and written not in listed:
                foreign.append(written)
                if len(foreign) > shown:
                    return foreign
    return foreign


def check_target(out_dir: Path, *, force: bool = False) -> Path:
    """The output folder may be written: it does not exist, or `force` replaces it, and then
    only an earlier run's results folder (or an empty one): --force never deletes a file that
    appraise did not write there (a config, inputs, the history ledger, a home folder)."""
    target = Path(out_dir).expanduser()
    if target.exists() and not target.is_dir():  # --force would not help: never replaced
        raise OutputExistsError(f"{target} exists and is a file, not a folder: choose another "
                                "--out (or output.dir); a file is never replaced by results")
    if target.exists() and not force:
        raise OutputExistsError(
            f"output folder {target} already exists; a closed period is never overwritten "
            "silently: choose another --out, or pass --force to replace it"
        )
    if target.exists():
        foreign = _not_written_by_a_run(target)
        if foreign:
            files = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            raise OutputExistsError(
                f"output folder {target} holds files no run of appraise wrote there ({files}); "
                "--force replaces only the results folder of an earlier run, never other "
                "files: choose another --out"
            )
    return target


def _lock_path(target: Path) -> Path:
    return target.parent / f".{target.name}.lock"


def _holder(lock: Path) -> dict[str, Any]:
    try:
        return dict(json.loads(lock.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return {}


@contextmanager
def output_lock(out_dir: Path) -> Iterator[Path]:
    """Hold the output folder for this run, from before the computation to the final move: a
    second run into the same folder is refused while this one goes on, naming the run that
    holds it. A lock left by a killed run on this machine is taken over. Reentrant within one
    process (the outer holder releases it)."""
    target = Path(out_dir).expanduser()
    lock = _lock_path(target)
    me = {"pid": os.getpid(), "host": socket.gethostname(), "user": getpass.getuser(),
          "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _write_error(target, exc) from None
    for _ in range(2):
        try:
            handle = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = _holder(lock)
            if holder.get("pid") == me["pid"] and holder.get("host") == me["host"]:
                yield target  # this process holds it already
                return
            pid = holder.get("pid")
            if holder.get("host") == me["host"] and isinstance(pid, int) and not _alive(pid):
                lock.unlink(missing_ok=True)  # left by a run that was killed
                continue
            raise OutputExistsError(
                f"output folder {target} is being written by another run (process "
                f"{holder.get('pid', '?')} of {holder.get('user', '?')} on "
                f"{holder.get('host', '?')}, since {holder.get('started', '?')}); wait for it "
                f"to finish or choose another --out (if no such run exists, remove {lock})"
            ) from None
        except OSError as exc:
            raise _write_error(target, exc) from None
        break
    else:  # pragma: no cover - the stale lock reappeared between unlink and open
        raise OutputExistsError(f"output folder {target} is locked by {lock}")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(me, stream)
        yield target
    finally:
        lock.unlink(missing_ok=True)


def _fixed(values: pd.Series, decimals: int) -> np.ndarray:
    """Floats with `decimals` decimals (as f"{v:.{d}f}"); missing values empty."""
    numbers = values.to_numpy(dtype=np.float64, na_value=np.nan)
    missing = np.isnan(numbers)
    text = np.char.mod(f"%.{decimals}f", np.where(missing, 0.0, numbers)).astype(object)
    text[missing] = ""
    return text


def _money_text(values: pd.Series) -> pa.Array:
    """Int cents as exact decimal yuan text ("1234.56"); missing amounts stay empty."""
    dtype = values.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        return fmt.cents_text(values.to_numpy(dtype=np.int64))
    cents = values.astype("Int64")
    return fmt.cents_text(cents.to_numpy(dtype=np.int64, na_value=0), cents.isna().to_numpy())


def _days(values: pd.Series) -> np.ndarray | None:
    """A datetime column's days (datetime64[D], NaT for missing) when every year has four
    digits (the range Arrow's date text shares with strftime's); else None."""
    if isinstance(values.dtype, np.dtype) and values.dtype.kind == "M":
        days = values.to_numpy().astype("datetime64[D]")
        known = days[~np.isnat(days)]
        if not len(known) or (known.min() >= _FIRST_DAY and known.max() <= _LAST_DAY):
            return days
    return None


def _date_text(values: pd.Series) -> pa.Array:
    """Days as YYYY-MM-DD (a datetime's day); missing dates empty."""
    days = _days(values)
    if days is not None:
        return fmt.date_text(days)
    shown = pd.to_datetime(values).dt.strftime("%Y-%m-%d").fillna("")
    return fmt.as_array(shown.astype(object).to_numpy(), pa.string())


_FIRST_DAY, _LAST_DAY = np.datetime64("1000-01-01", "D"), np.datetime64("9999-12-31", "D")


def _plain_text(values: pd.Series) -> pa.Array:
    """A column as pandas' `to_csv` prints it: floats in their shortest round-trip form, ints,
    True/False, text; missing values empty."""
    dtype = values.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "fiub":
        array = values.to_numpy()
        if dtype.kind == "f":
            return fmt.float_text(array)
        return fmt.bool_text(array) if dtype.kind == "b" else fmt.int_text(array)
    if isinstance(dtype, pd.StringDtype):
        return fmt.as_array(values).fill_null("")
    if pd.api.types.is_integer_dtype(dtype):  # nullable Int64 and its kin
        return fmt.int_text(fmt.as_array(values))
    if pd.api.types.is_bool_dtype(dtype):
        return fmt.bool_text(fmt.as_array(values))
    return fmt.as_array(values.astype("string").fillna("").astype(object).to_numpy(),
                        pa.string())


def _column_text(values: pd.Series, kind: str, decimals: int | None) -> pa.Array:
    """One column's fields as text, by the registry's kind (see `write_csv`)."""
    if kind == "money_cents":
        return _money_text(values)
    if kind == "date" or pd.api.types.is_datetime64_any_dtype(values):
        return _date_text(values)
    if (decimals is not None and pd.api.types.is_float_dtype(values)
            and not pd.api.types.is_bool_dtype(values)):
        return fmt.as_array(_fixed(values, decimals), pa.string())
    return _plain_text(values)


_BATCH_ROWS = 1 << 16  # rows formatted and written at a time: temporaries stay small and reused
_NEWLINE = pa.scalar("\n", pa.string())
# kinds whose text never holds a comma, quote or newline (numbers, dates, flags)
_NEVER_QUOTED = frozenset({"money_cents", "score", "ratio", "weight", "coefficient", "count",
                           "number", "date", "flag"})
# pyarrow's writer joining fields that need no quotes: "," between, "\n" after, null empty
_UNQUOTED = pa_csv.WriteOptions(include_header=False, quoting_style="none", null_string="",
                                delimiter=",", eol="\n", batch_size=_BATCH_ROWS)

Field = Callable[[int, int], pa.Array]
"""A column's rows start:stop as an Arrow array that pyarrow's writer prints as our text."""


def _write_rows(handle: Any, texts: list[pa.Array]) -> None:
    """The fields of a batch of rows joined, "," between fields and "\n" after each row,
    written straight from Arrow's buffer."""
    texts = [t.cast(pa.string()) if t.type != pa.string() else t for t in texts]
    last = pc.binary_join_element_wise(texts[-1], _NEWLINE, "")
    rows = pc.binary_join_element_wise(*texts[:-1], last, ",") if len(texts) > 1 else last
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int32)[
        rows.offset: rows.offset + len(rows) + 1]
    handle.write(memoryview(rows.buffers()[2])[int(offsets[0]): int(offsets[-1])])


def _sliced(array: pa.Array) -> Field:
    return lambda start, stop: array.slice(start, stop - start)


def _coded(values: np.ndarray, text: Callable[[np.ndarray], pa.Array]) -> Field | None:
    """A column of few distinct values: each formatted once, the rows as codes into their texts
    (pyarrow's writer gathers them); None when the values are not few (`fmt.distinct_codes`)."""
    coded = fmt.distinct_codes(values)
    if coded is None:
        return None
    codes, distinct = coded
    texts = text(distinct)
    return lambda start, stop: pa.DictionaryArray.from_arrays(
        codes.slice(start, stop - start), texts)


def _text_field(text: pa.Array) -> Field | None:
    """Text printed as it is, unless a field needs quotes (or holds a carriage return, which
    pyarrow's unquoted writer refuses): None, and the frame takes the joined path."""
    return None if fmt.has_structural(text) else _sliced(text)


def _field(values: pd.Series, kind: str, decimals: int | None) -> Field | None:
    """How a column reaches pyarrow's writer, by the same rules as `_column_text`: cents as
    decimal128 (Arrow prints the exact yuan), floats themselves where Arrow's text is Python's
    repr (`fmt.float_field`), ints and in-range dates as they are, missing values null (printed
    empty); the rest as our text."""
    dtype = values.dtype
    numpy = isinstance(dtype, np.dtype)
    if kind == "money_cents":
        missing = None
        if numpy and dtype.kind in "iu":
            cents = values.to_numpy(dtype=np.int64)
            coded = _coded(cents, fmt.cents_text)
            if coded is not None:
                return coded
        else:
            exact = values.astype("Int64")
            cents = exact.to_numpy(dtype=np.int64, na_value=0)
            missing = exact.isna().to_numpy()
        return lambda start, stop: fmt.cents_decimal(
            cents[start:stop], None if missing is None else missing[start:stop])
    if kind == "date" or pd.api.types.is_datetime64_any_dtype(values):
        days = _days(values)
        if days is not None:
            return lambda start, stop: pa.array(days[start:stop], pa.date32())
        return _text_field(_date_text(values))
    if (decimals is not None and pd.api.types.is_float_dtype(values)
            and not pd.api.types.is_bool_dtype(values)):
        return lambda start, stop: fmt.as_array(_fixed(values.iloc[start:stop], decimals),
                                                pa.string())
    if numpy and dtype.kind in "fiub":
        array = values.to_numpy()
        if dtype.kind == "f":
            array = np.ascontiguousarray(array, dtype=np.float64)
            return _coded(array, fmt.float_text) or (
                lambda start, stop: fmt.float_field(array[start:stop]))
        if dtype.kind == "b":
            return lambda start, stop: fmt.bool_text(array[start:stop])
        return lambda start, stop: pa.array(array[start:stop])
    if isinstance(dtype, pd.StringDtype):
        return _text_field(fmt.as_array(values))
    if pd.api.types.is_integer_dtype(dtype):
        return _sliced(fmt.as_array(values))
    if pd.api.types.is_bool_dtype(dtype):
        flags = fmt.as_array(values)
        return lambda start, stop: fmt.bool_text(flags.slice(start, stop - start))
    return _text_field(_plain_text(values))


def _write_joined(handle: Any, frame: pd.DataFrame, columns: ColumnRegistry,
                  decimals: int | None, alone: bool) -> None:
    """Rows joined by Arrow compute, each column whole as text, quoted where a field needs it:
    the path of frames with such fields (and of a column alone, whose empty fields are "")."""
    texts = []
    for key in frame.columns:
        kind = columns.kind(str(key))
        values = frame[key]
        text = _column_text(values, kind, decimals)
        numeric = kind in _NEVER_QUOTED and (
            pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values))
        texts.append(text if numeric and not alone else fmt.quoted(text, alone=alone))
    for start in range(0, len(frame), _BATCH_ROWS):
        _write_rows(handle, [t.slice(start, _BATCH_ROWS) for t in texts])


def write_csv(
    frame: pd.DataFrame, path: Path, columns: ColumnRegistry, *, decimals: int | None = None
) -> None:
    """Deterministic CSV, formatted by the registry's kinds: money (int cents) as exact yuan
    text with two decimals; other floats with `decimals`, or in their shortest round-trip form
    when None (full precision); dates as YYYY-MM-DD. An unknown column is an InternalError.

    Columnar, a batch of rows at a time: each column becomes an Arrow array that pyarrow's CSV
    writer prints as our text (`_field`), which joins the fields; a frame with a field that
    needs quotes is joined by Arrow compute instead, quoted where needed (`_write_joined`).
    Byte for byte what pandas' `to_csv` wrote (UTF-8 with BOM, "\n", minimal quoting)."""
    columns.require(frame, path.name)
    alone = len(frame.columns) == 1
    header = pa.array([str(key) for key in frame.columns], pa.string())
    header_line = ",".join(fmt.quoted(header, alone=alone).to_pylist()) + "\n"
    fields = [] if alone else [_field(frame[key], columns.kind(str(key)), decimals)
                               for key in frame.columns]
    with path.open("wb") as handle:
        handle.write(header_line.encode(CSV_ENCODING))
        if len(frame.columns) == 0:
            return
        if alone or any(field is None for field in fields):
            _write_joined(handle, frame, columns, decimals, alone)
            return
        names = [str(index) for index in range(len(fields))]
        for start in range(0, len(frame), _BATCH_ROWS):
            stop = min(start + _BATCH_ROWS, len(frame))
            batch = pa.RecordBatch.from_arrays(
                [field(start, stop) for field in fields], names=names)  # type: ignore[misc]
            sink = pa.BufferOutputStream()
            pa_csv.write_csv(batch, sink, _UNQUOTED)
            handle.write(sink.getvalue())


def _json_default(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def write_json(data: Any, path: Path) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False, default=_json_default)
    path.write_text(text + "\n", encoding="utf-8")


def _write_all(result: RunResult, folder: Path, statements: bool | str,
               progress: Callable[[str, int, float], None] | None) -> dict[str, Path]:
    from .charts import draw_charts
    from .excel import write_bonus_sheet
    from .payroll import check_payroll, write_payroll
    from .statements import write_statements

    outputs: dict[str, Path] = {}
    language = result.config.output.language or result.config.language

    def timed(stage: str, rows: int, action: Callable[[], None]) -> None:
        started = time.perf_counter()
        action()
        if progress:
            progress(stage, rows, time.perf_counter() - started)

    wanted = set(result.config.output.files)
    decimals = result.config.output.csv_decimals
    if "payroll_csv" in wanted:
        check_payroll(result)  # a wrong output.payroll source stops the run before any file

    for name, frame in result.frames().items():  # nothing unknown reaches any output
        result.columns.require(frame, name)
    for table in result.extra:
        result.columns.require(table.frame, table.key)

    extra_keys = {table.key for table in result.extra}

    def tables() -> None:
        frames = {
            **result.frames(),
            "summary_ranks": result.summary.ranks,
            "summary_gaps": result.summary.gaps,
            **{table.key: table.frame for table in result.extra},
        }
        for name, frame in frames.items():
            if f"{name}_csv" in wanted or name in extra_keys:
                outputs[f"{name}.csv"] = folder / f"{name}.csv"
                write_csv(frame, outputs[f"{name}.csv"], result.columns, decimals=decimals)
        if "weights_json" in wanted:
            outputs["weights.json"] = folder / "weights.json"
            write_json(result.weights.to_dict(), outputs["weights.json"])
        if "summary_json" in wanted:
            outputs["summary.json"] = folder / "summary.json"
            write_json(result.summary.to_dict(), outputs["summary.json"])
        if "columns_csv" in wanted:
            outputs["columns.csv"] = folder / "columns.csv"
            write_csv(result.columns.to_frame(), outputs["columns.csv"], _REGISTRY_COLUMNS)

    timed("write csv", len(result.managers), tables)
    charts: dict[str, Path] = {}
    if result.config.output.charts:
        def draw() -> None:
            charts.update(draw_charts(result, folder / "charts", language=language))

        timed("charts", len(result.managers), draw)
        outputs.update({f"charts/{p.name}": p for p in charts.values()})
    if "bonus_sheet" in wanted:
        sheet = folder / "bonus_sheet.xlsx"
        timed("workbook", len(result.managers),
              lambda: write_bonus_sheet(result, sheet, language=language, charts=charts))
        outputs["bonus_sheet.xlsx"] = sheet
    if "payroll_csv" in wanted:
        outputs["payroll.csv"] = folder / "payroll.csv"
        timed("payroll", len(result.managers),
              lambda: write_payroll(result, outputs["payroll.csv"]))
    # `statements`: the --statements switch (bool) or output.statements as configured
    formats = result.config.output.statement_formats(
        statements if isinstance(statements, bool) else None)
    if formats:
        def write_each() -> None:
            for path in write_statements(result, folder / "statements", language=language,
                                         formats=formats,
                                         workers=result.config.output.statement_workers):
                outputs[f"statements/{path.name}"] = path

        timed("statements", len(result.managers), write_each)
    return outputs


def _staging_prefix(target: Path, kind: str) -> str:
    """Hidden work folders beside the target carry the writing process's id."""
    return f".{target.name}.{kind}-{os.getpid()}-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def remove_abandoned_staging(target: Path) -> list[Path]:
    """Remove the hidden work folders a killed run left beside `target` (their process is gone
    on this machine); folders of a run still going on are left alone. Returns what was removed.

    A run killed between moving the old results aside and moving the new ones in (`--force`)
    left no `target`: the old results are moved back first, so the folder is as it was."""
    removed = []
    for kind in ("old", "staging"):
        for folder in sorted(target.parent.glob(f".{target.name}.{kind}-*-*")):
            pid_text = folder.name.removeprefix(f".{target.name}.{kind}-").split("-", 1)[0]
            if folder.is_dir() and pid_text.isdigit() and not _alive(int(pid_text)):
                kept = folder / target.name
                if kind == "old" and kept.is_dir() and not target.exists():
                    kept.rename(target)
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
    return removed


def unwritable(path: Path, exc: OSError, option: str) -> OutputWriteError:
    """The error for a file a person named (`option`: the flag that named it) that could not
    be written: exit 4, naming the file and the system's reason."""
    return OutputWriteError(
        f"could not write {path} ({exc.filename or path}: {exc.strerror or type(exc).__name__});"
        f" nothing was written. Check that the folder exists and may be written, or choose "
        f"another {option}")


def _write_error(target: Path, exc: OSError) -> OutputWriteError:
    where = exc.filename or target
    reason = exc.strerror or type(exc).__name__
    return OutputWriteError(
        f"could not write the results to {target} ({where}: {reason}); nothing was written "
        "there. Free disk space, check the folder's permissions, or choose another --out"
    )


def _open_as_umask_allows(folder: Path) -> None:
    """mkdtemp makes the staging folder 0700; the results get the mode the umask gives any
    new folder (restrict pay data with a umask or a group, see docs/outputs.md)."""
    umask = os.umask(0)
    os.umask(umask)
    for path in (folder, *(p for p in folder.rglob("*") if p.is_dir())):
        path.chmod(0o777 & ~umask)


def write_run(
    result: RunResult,
    out_dir: Path,
    *,
    force: bool = False,
    statements: bool | None = None,
    progress: Callable[[str, int, float], None] | None = None,
) -> Path:
    """Write every output of `result` into `out_dir`, all or nothing. Returns the folder."""
    with_statements = result.config.output.statements if statements is None else statements

    def fill(staging: Path) -> None:
        outputs = _write_all(result, staging, with_statements, progress)
        write_json(build_manifest(result, outputs), staging / "manifest.json")

    return write_folder(out_dir, fill, force=force)


def write_folder(out_dir: Path, fill: Callable[[Path], None], *, force: bool = False) -> Path:
    """The one way results reach a folder: hold its lock, refuse an existing folder without
    `force`, let `fill` write everything into a hidden staging folder beside it, then move
    that into place (replacing the old folder only with `force`). All or nothing: a failure
    leaves the target as it was; an OSError becomes exit 4 naming the folder."""
    with output_lock(out_dir) as target:
        check_target(target, force=force)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            remove_abandoned_staging(target)
            staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(target, "staging"),
                                            dir=target.parent))
        except OSError as exc:
            raise _write_error(target, exc) from None
        try:
            fill(staging)
            _open_as_umask_allows(staging)
            if target.exists() and not force:  # created meanwhile, not by a run of appraise
                shutil.rmtree(staging, ignore_errors=True)
                check_target(target, force=False)
            if target.exists():
                retired = Path(tempfile.mkdtemp(prefix=_staging_prefix(target, "old"),
                                                dir=target.parent))
                target.rename(retired / target.name)
                staging.rename(target)
                shutil.rmtree(retired, ignore_errors=True)
            else:
                staging.rename(target)
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise _write_error(target, exc) from None
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return target
