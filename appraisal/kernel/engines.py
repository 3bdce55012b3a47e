"""Runners of the kernel's SQL: DuckDB (embedded, default) and Spark SQL; results as Arrow.

A runner takes the rendered SQL and the relations it reads (`business`, `credit_splits`,
`products`), each an Arrow table, Parquet files (a list of paths) or, on Spark, a catalog table,
and returns the result as an Arrow table. Neither runner computes anything itself.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import pyarrow as pa

from ..errors import ConfigError, InternalError, ResourceError
from .sql import Dialect

if TYPE_CHECKING:
    from ..config.engine import EngineConfig

__all__ = [
    "CatalogTable",
    "DuckDBEngine",
    "Engine",
    "ParquetFiles",
    "Relation",
    "SparkEngine",
    "SqlView",
    "duckdb_connection",
    "engine_for",
    "resource_fault",
    "spark_available",
    "spark_fault",
]


@dataclass(frozen=True)
class ParquetFiles:
    """A relation stored as Parquet files (one or many: a partitioned table)."""

    paths: tuple[str, ...]


@dataclass(frozen=True)
class CatalogTable:
    """A table of the Spark session's catalog (e.g. `lake.business_2026_10`)."""

    name: str


@dataclass(frozen=True)
class SqlView:
    """A relation DuckDB computes from files itself (`kernel.in_place.business_select`): a
    SELECT over `read_parquet`, outside the kernel's subset, so DuckDB's alone."""

    select: str


Relation = pa.Table | pa.RecordBatchReader | ParquetFiles | CatalogTable | SqlView
"""An Arrow table, a stream of record batches (read once), Parquet files, a catalog table or
a DuckDB view over files."""


class Engine(Protocol):
    """Runs one query over named relations; the result as Arrow."""

    dialect: Dialect

    def run(self, sql: str, relations: Mapping[str, Relation]) -> pa.Table: ...


def duckdb_connection(options: Mapping[str, str] | None = None) -> Any:
    """A fresh in-memory DuckDB connection with `options`, its progress bar off (the run
    reports its own progress; in Jupyter, where DuckDB draws it as a widget and may refuse the
    setting, it is left as DuckDB has it)."""
    import duckdb

    connection = duckdb.connect(config=dict(options or {}))
    if "enable_progress_bar" not in (options or {}):
        with contextlib.suppress(duckdb.InvalidInputException):
            connection.execute("SET enable_progress_bar = false")
    return connection


def resource_fault(error: Exception, options: Mapping[str, str] | None = None
                   ) -> ResourceError | None:
    """The fault to report when DuckDB ran out of memory or of temporary disk (its spill
    files), naming the settings that give it more; None for any other error."""
    import duckdb

    options = options or {}
    if isinstance(error, duckdb.OutOfMemoryException):
        what = "memory"
    elif isinstance(error, duckdb.IOException) and "No space left" in str(error):
        what = "temporary disk"
    else:
        return None
    limit = options.get("memory_limit", "DuckDB's default, 80% of the machine's memory")
    reason = str(error).splitlines()[0].split("Error: ", 1)[-1]
    return ResourceError(
        f"the SQL engine (DuckDB) ran out of {what} over the account data ({reason}); nothing "
        f"was written. Give it more: engine.options.memory_limit (now {limit}), fewer "
        "engine.options.threads (each holds its own share), or engine.options.temp_directory "
        "on a disk with room for what it spills (docs/kernel.md, \"Memory\")")


@dataclass
class DuckDBEngine:
    """DuckDB in this process: a fresh in-memory connection per query, nothing on disk."""

    options: Mapping[str, str] = field(default_factory=dict)
    dialect: Dialect = "duckdb"

    def run(self, sql: str, relations: Mapping[str, Relation]) -> pa.Table:
        import duckdb

        connection = duckdb_connection(self.options)
        try:
            for name, relation in relations.items():
                if isinstance(relation, pa.Table | pa.RecordBatchReader):
                    connection.register(name, relation)
                elif isinstance(relation, ParquetFiles):
                    files = ", ".join("'" + p.replace("'", "''") + "'" for p in relation.paths)
                    connection.execute(
                        f"CREATE VIEW {name} AS SELECT * FROM read_parquet([{files}])")
                elif isinstance(relation, SqlView):
                    connection.execute(f"CREATE VIEW {name} AS {relation.select}")
                else:
                    raise ConfigError("config", [(
                        "engine.tables", "catalog tables need engine: {name: spark}")])
            try:
                return connection.sql(sql).to_arrow_table()
            except duckdb.Error as exc:
                fault = resource_fault(exc, self.options)
                if fault is None:
                    raise
                raise fault from None
        finally:
            connection.close()

    def close(self) -> None:
        """Nothing to release: each query has its own connection."""


_SPARK_REASONS = (
    re.compile(r'Exception in thread "main" [\w.$]+: (.+)'),
    re.compile(r"(All masters are unresponsive.*)"),
    re.compile(r"(Failed to connect to master .+)"),
    re.compile(r"^(Invalid .+)$", re.MULTILINE),
    re.compile(r"^Error: (.+)$", re.MULTILINE),
)


def _spark_reason(printed: str, error: Exception) -> str:
    """Spark's reason a session did not start, from what its JVM printed (else the error)."""
    for pattern in _SPARK_REASONS:
        found = pattern.search(printed)
        if found:
            return found.group(1).strip()
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


_SPARK_GONE = ("Answer from Java side is empty", "SparkContext was shut down",
               "Cannot call methods on a stopped SparkContext", "SparkContext has been shutdown",
               "Error while sending or receiving", "Connection reset by peer")
"""What py4j and Spark say when the session's JVM is gone (killed, crashed) or its cluster."""
_SPARK_MEMORY = ("java.lang.OutOfMemoryError", "Java heap space", "GC overhead limit exceeded",
                 "Container killed by YARN for exceeding memory limits")
_SPARK_ABORTED = ("Job aborted", "ExecutorLostFailure", "FetchFailed", "SparkException: Job ",
                  "cancelled because SparkContext was shut down")


def spark_fault(error: Exception, master: str, options: Mapping[str, str] | None = None
                ) -> ResourceError | None:
    """The fault to report when Spark failed for the machine or the cluster while it computed
    the account data (its JVM gone, out of memory, the job aborted: an executor lost), naming
    the settings that give it more; None for any other error (a bug: our SQL is checked)."""
    if isinstance(error, ConfigError | InternalError | ResourceError):
        return None
    text = f"{type(error).__name__}: {error}"
    options = options or {}
    memory = ", ".join(f"{key} (now {options.get(key, 'Spark’s default')})"
                       for key in ("spark.driver.memory", "spark.executor.memory"))
    tail = (f"; nothing was written. Give it more: engine.options {memory}, or spread the work "
            "(spark.sql.shuffle.partitions) (docs/kernel.md, \"Memory\")")
    if any(marker in text for marker in _SPARK_MEMORY):
        return ResourceError(f"Spark on master {master!r} ran out of memory over the account "
                             f"data ({_first_line(error, _SPARK_MEMORY)}){tail}")
    py4j_gone = type(error).__name__ in ("Py4JNetworkError", "Py4JError") and (
        "Answer from Java side" in text or "connect" in text.lower())
    if isinstance(error, ConnectionError) or py4j_gone or any(m in text for m in _SPARK_GONE):
        return ResourceError(
            f"the Spark session on master {master!r} ended while it computed the account data "
            f"(its JVM stopped or the connection to it was lost: killed, out of memory, or the "
            f"cluster went away; {_first_line(error, ())}){tail}; then run it again")
    if any(marker in text for marker in _SPARK_ABORTED):
        return ResourceError(f"Spark on master {master!r} aborted the job over the account "
                             f"data ({_first_line(error, _SPARK_ABORTED)}){tail}")
    return None


def _first_line(error: Exception, markers: tuple[str, ...]) -> str:
    """The line of Spark's message that names the reason (the first with a marker), short."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    chosen = next((line for line in lines if any(m in line for m in markers)),
                  lines[0] if lines else type(error).__name__)
    return chosen if len(chosen) <= 300 else chosen[:297] + "..."


def _quiet_py4j() -> None:
    """py4j logs a lost JVM connection with its traceback (through logging's last-resort
    handler, on stderr, when nobody configured logging); the run reports that fault itself, on
    one line (spark_fault). A handler of our own stops the traceback; an application's handlers
    on the root logger still see py4j's records."""
    py4j = logging.getLogger("py4j")
    if not any(isinstance(h, logging.NullHandler) for h in py4j.handlers):
        py4j.addHandler(logging.NullHandler())


def spark_available() -> tuple[bool, str]:
    """(whether PySpark and a Java runtime are installed, why not)."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False, "pyspark is not installed (pip install -e '.[spark]')"
    if shutil.which("java") is None:
        return False, "no Java runtime (java) on PATH (apt-get install default-jre-headless)"
    return True, ""


@dataclass
class SparkEngine:
    """Spark SQL: the given session, or one built from master and options (stopped by
    `close` when this runner built it). ANSI mode is set, so an overflow or a failed cast is an
    error, as in DuckDB, never a NULL."""

    master: str = "local[*]"
    options: Mapping[str, str] = field(default_factory=dict)
    session: Any = None
    dialect: Dialect = "spark"
    _owned: bool = False

    def _session(self) -> Any:
        if self.session is None:
            ok, why = spark_available()
            if not ok:
                raise ConfigError("config", [("engine.name", f"spark: {why}")])
            from pyspark.sql import SparkSession

            _quiet_py4j()
            active = SparkSession.getActiveSession()
            if active is not None:  # the caller's session (its catalog, its temp views): kept
                self.session = active
                self.session.conf.set("spark.sql.ansi.enabled", "true")
                return self.session
            builder = SparkSession.builder.master(self.master).appName("appraise")
            builder = builder.config("spark.ui.enabled", "false")
            for key, value in self.options.items():
                builder = builder.config(key, value)
            self.session = self._started(builder)
            self.session.sparkContext.setLogLevel("ERROR")
            self._owned = True
        self.session.conf.set("spark.sql.ansi.enabled", "true")
        return self.session

    def _started(self, builder: Any) -> Any:
        """The new session; what the JVM prints while it starts (log4j's banner, warnings,
        a failure's stack) is kept off the terminal, and a session that cannot start (a
        master URL Spark does not take or cannot reach, an option it refuses, a JVM that
        cannot be created) is a ConfigError on `engine` with Spark's own reason."""
        with tempfile.TemporaryFile() as printed:
            sys.stderr.flush()
            saved = os.dup(2)
            os.dup2(printed.fileno(), 2)  # the JVM inherits it: its later output goes there too
            try:
                return builder.getOrCreate()
            except Exception as exc:
                printed.seek(0)
                reason = _spark_reason(printed.read().decode("utf-8", "replace"), exc)
                raise ConfigError("config", [("engine", (
                    f"Spark could not start a session on master {self.master!r} with "
                    f"options {dict(self.options)}: {reason}"))]) from None
            finally:
                os.dup2(saved, 2)
                os.close(saved)

    def run(self, sql: str, relations: Mapping[str, Relation]) -> pa.Table:
        try:
            return self._run(sql, relations)
        except Exception as exc:
            fault = spark_fault(exc, self.master, self.options)
            if fault is None:
                raise
            raise fault from None

    def _run(self, sql: str, relations: Mapping[str, Relation]) -> pa.Table:
        spark = self._session()
        views: list[str] = []
        try:
            for name, relation in relations.items():
                if isinstance(relation, pa.RecordBatchReader):
                    relation = relation.read_all()
                if isinstance(relation, pa.Table):
                    frame = spark.createDataFrame(_plain(relation))
                elif isinstance(relation, ParquetFiles):
                    frame = spark.read.parquet(*relation.paths)
                elif isinstance(relation, SqlView):
                    raise InternalError("a table left in place for DuckDB reached Spark "
                                        "(io.accounts.InPlace is DuckDB's only)")
                else:
                    frame = spark.table(relation.name)
                view = f"{name}"
                frame.createOrReplaceTempView(view)
                views.append(view)
            result = spark.sql(sql).toArrow()
        finally:
            with contextlib.suppress(Exception):  # a session that is gone has no views left
                for view in views:
                    spark.catalog.dropTempView(view)
        if not isinstance(result, pa.Table):  # pragma: no cover - pyspark < 4
            raise InternalError("pyspark returned no Arrow table (pyspark >= 4 is required)")
        return result

    def close(self) -> None:
        """Stop the session if this runner started it."""
        if self._owned and self.session is not None:
            try:
                self.session.stop()
            except Exception as exc:  # its JVM already gone: the run's fault says so
                if spark_fault(exc, self.master, self.options) is None:
                    raise
            finally:
                self.session = None
                self._owned = False


def _plain(table: pa.Table) -> pa.Table:
    """Dictionary-encoded columns decoded (Spark's Arrow conversion takes plain types)."""
    import pyarrow.compute as pc

    for index, column in enumerate(table.schema):
        if pa.types.is_dictionary(column.type):
            table = table.set_column(index, column.name,
                                     pc.cast(table.column(index), column.type.value_type))
    return table


def engine_for(config: EngineConfig) -> DuckDBEngine | SparkEngine:
    """The runner the `engine:` section asks for."""
    if config.name == "spark":
        return SparkEngine(master=config.master, options=dict(config.options))
    return DuckDBEngine(options=dict(config.options))
