"""Spark failing under the account stage (its JVM killed or crashed, out of memory, a job
aborted) is exit 4 naming the master and the settings that give it more, nothing written,
never "a bug in appraise". The JVM is really killed, in a process of its own (the test
session's shared Spark session stays alive)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from example_config import example_raw, write_config

from appraisal.errors import ConfigError, ResourceError
from appraisal.kernel.engines import spark_fault

ROOT = Path(__file__).resolve().parents[1]

_KILL = """
import os, signal, time
from pyspark.sql import SparkSession

def kill(session):
    process = session.sparkContext._gateway.proc
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    time.sleep(0.5)
"""


def _require_spark() -> None:
    from conftest import require_component

    from appraisal.kernel import spark_available

    available, why = spark_available()
    require_component("Spark (pyspark + Java)", available, why)


def _python(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True,
                          text=True, timeout=300, cwd=ROOT)


def test_a_killed_spark_jvm_is_a_resource_fault_and_the_engine_still_closes() -> None:
    _require_spark()
    done = _python(_KILL + """
import pyarrow as pa
from appraisal.errors import ResourceError
from appraisal.kernel.engines import SparkEngine

engine = SparkEngine(master="local[1]", options={"spark.sql.shuffle.partitions": "2"})
lines = pa.table({"x": [1, 2, 3]})
print("sum", engine.run("SELECT SUM(x) AS s FROM lines", {"lines": lines}).column("s")[0])
kill(engine.session)
try:
    engine.run("SELECT SUM(x) AS s FROM lines", {"lines": lines})
except ResourceError as fault:
    print("fault", fault.exit_code, fault)
engine.close()
print("closed")
""")
    assert done.returncode == 0, done.stderr
    assert "sum 6" in done.stdout
    assert ("fault 4 the Spark session on master 'local[1]' ended while it computed the account "
            "data (its JVM stopped or the connection to it was lost") in done.stdout
    assert "nothing was written" in done.stdout
    assert "spark.driver.memory (now Spark’s default)" in done.stdout
    assert "closed" in done.stdout


def test_appraise_run_on_a_spark_session_whose_jvm_died_is_exit_4_nothing_written(
        tmp_path: Path) -> None:
    """The caller's session (active in the process) dies before the run: exit 4, the reason
    on one line, the output folder never created."""
    _require_spark()
    raw = example_raw()
    raw["language"] = "en"
    raw["engine"] = {"name": "spark", "master": "local[1]"}
    config = write_config(tmp_path, raw)
    out = tmp_path / "out"
    done = _python(_KILL + f"""
session = SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false").getOrCreate()
kill(session)
from appraisal.cli import main
main(["run", {str(config)!r}, "--out", {str(out)!r}])
""")
    assert done.returncode == 4, done.stderr
    # what the run printed: py4j may log the caller's lost connection (with its traceback)
    # while the caller kills the session, before appraise starts
    printed = done.stderr[done.stderr.index("appraise 0.1.0"):]
    assert "the Spark session on master 'local[1]' ended while it computed the account data" in (
        printed)
    for noise in ("Traceback", "bug in appraise", "\tat org.apache"):
        assert noise not in printed, done.stderr
    assert not out.exists()


@pytest.mark.parametrize(("error", "said"), [
    (RuntimeError("An error occurred while calling o52.collectToPython.\n"
                  ": org.apache.spark.SparkException: Job aborted due to stage failure: Task 0 "
                  "in stage 3.0 failed 1 times, most recent failure: Lost task 0.0: "
                  "java.lang.OutOfMemoryError: Java heap space\n\tat java.base/..."),
     "Spark on master 'yarn' ran out of memory over the account data (: org.apache.spark."
     "SparkException: Job aborted due to stage failure: Task 0 in stage 3.0 failed 1 times, "
     "most recent failure: Lost task 0.0: java.lang.OutOfMemoryError: Java heap space); "
     "nothing was written. Give it more: engine.options spark.driver.memory (now 4g), "
     "spark.executor.memory (now Spark’s default)"),
    (RuntimeError("org.apache.spark.SparkException: Job aborted due to stage failure: "
                  "ExecutorLostFailure (executor 7 exited caused by one of the running tasks)"),
     "Spark on master 'yarn' aborted the job over the account data (org.apache.spark."
     "SparkException: Job aborted due to stage failure: ExecutorLostFailure (executor 7 "
     "exited caused by one of the running tasks)); nothing was written"),
    (ConnectionRefusedError(111, "Connection refused"),
     "the Spark session on master 'yarn' ended while it computed the account data"),
])
def test_spark_faults_of_the_machine_or_cluster_are_named(error: Exception, said: str) -> None:
    fault = spark_fault(error, "yarn", {"spark.driver.memory": "4g"})
    assert isinstance(fault, ResourceError) and fault.exit_code == 4
    assert said in str(fault)


@pytest.mark.parametrize("error", [
    ValueError("[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name "
               "`x` cannot be resolved."),
    ConfigError("config", [("engine", "Spark could not start a session")]),
    ArithmeticError("[ARITHMETIC_OVERFLOW] long overflow."),
])
def test_other_spark_errors_are_not_taken_for_faults(error: Exception) -> None:
    """An error in our SQL or arithmetic the checks should have prevented stays a bug (exit
    1), a config error stays a config error."""
    assert spark_fault(error, "local[2]") is None



def test_py4j_records_stay_off_the_terminal_of_the_command_line() -> None:
    """py4j logs its own traceback when the JVM it talks to is gone; the command line keeps it
    off stderr (the run's one-line error says what happened), APPRAISE_DEBUG=1 shows it."""
    script = """
import logging
from appraisal.cli import main
main(["sample", "--help"], standalone_mode=False)
try:
    raise ConnectionRefusedError(111, "Connection refused")
except ConnectionRefusedError:
    logging.getLogger("py4j.clientserver").exception("could not connect to the Java server")
"""
    quiet = _python(script)
    assert quiet.returncode == 0 and "Traceback" not in quiet.stderr, quiet.stderr
    debug = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True,
                           text=True, timeout=120, cwd=ROOT,
                           env={**os.environ, "APPRAISE_DEBUG": "1"})
    assert "could not connect to the Java server" in debug.stderr


def test_py4j_never_prints_its_traceback_for_a_lost_jvm() -> None:
    """py4j logs a lost connection with its traceback through logging's last-resort handler;
    once the engine has a session nothing of it reaches stderr (the run says it on one line)."""
    _require_spark()
    done = _python("""
import logging
from appraisal.kernel.engines import SparkEngine

engine = SparkEngine(master="local[1]")
engine._session()
try:
    raise ConnectionResetError(104, "Connection reset by peer")
except ConnectionResetError:
    logging.getLogger("py4j.java_gateway").exception("Exception while sending command.")
engine.close()
print("closed")
""")
    assert done.returncode == 0, done.stderr
    assert "closed" in done.stdout
    assert "Traceback" not in done.stderr and "Exception while sending" not in done.stderr
