"""Opening the ledger: URL resolution, credentials, migrations to head.

`open_ledger(url)` connects (SQLite file by default, PostgreSQL by URL) and upgrades the schema
to the newest migration shipped in `appraisal/history/migrations`. A password is never read
from the config: it comes from the environment (PGPASSWORD, or `history.password_env`) or from
`history.password_file`, and every URL shown anywhere goes through `shown_url` (password hidden).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from ..config.history import DEFAULT_LEDGER_FILE, HistoryConfig
from ..errors import AppraisalError

if TYPE_CHECKING:
    from ..config import LoadedConfig

__all__ = [
    "MIGRATIONS",
    "HistoryError",
    "Ledger",
    "LedgerWriteError",
    "command_url",
    "head_revision",
    "ledger_for",
    "ledger_url",
    "open_ledger",
    "shown_url",
    "writing",
]

MIGRATIONS = Path(__file__).parent / "migrations"
"""The Alembic scripts of the ledger's schema, shipped inside the package."""


class HistoryError(AppraisalError):
    """A ledger problem caused by what the user asked (exit 2): a closed period, a modified
    results folder, a carry-in that disagrees with the ledger, a lost concurrent close."""


class LedgerWriteError(HistoryError):
    """The ledger's database refused to record (a read-only file or folder, a full disk, a
    user without INSERT): the machine refused a resource, exit 4 as an unwritable output."""

    exit_code = 4


def shown_url(url: URL | str) -> str:
    """The URL as it may be shown (messages, manifest, workbook): the password hidden."""
    try:
        parsed = url if isinstance(url, URL) else make_url(str(url))
    except (ArgumentError, ValueError):
        return "<unparsable database URL>"
    return parsed.render_as_string(hide_password=True)


def ledger_url(config: HistoryConfig, base_dir: Path, *, key: str = "history.url") -> URL:
    """The SQLAlchemy URL of the ledger: a plain path or `sqlite:///relative` resolves against
    the config's folder; a PostgreSQL password comes from password_env / PGPASSWORD or
    password_file (never the config text). `key`: how errors name where the URL was given."""
    text = config.url or DEFAULT_LEDGER_FILE
    if "://" not in text:
        path = Path(text).expanduser()
        return URL.create("sqlite", database=str(path if path.is_absolute() else base_dir / path))
    try:
        url = make_url(text)  # a port that is not a number is a ValueError
    except (ArgumentError, ValueError):
        raise HistoryError(f"{key} is not a database URL; write e.g. sqlite:///ledger.sqlite "
                           "or postgresql+psycopg://user@host:5432/db") from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        database = url.database or ""
        if database and database != ":memory:" and not Path(database).is_absolute():
            url = url.set(database=str(base_dir / database))
        return url
    if backend != "postgresql":
        raise HistoryError(f"{key}: the ledger runs on SQLite or PostgreSQL, not {backend}")
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    password = _password(config, base_dir) if url.password is None else None
    return url.set(password=password) if password is not None else url


def command_url(text: str) -> URL:
    """The ledger `--ledger TEXT` names, read as `history.url` is: a SQLAlchemy URL or a plain
    SQLite file path (relative to the current folder); errors name --ledger."""
    return ledger_url(HistoryConfig.model_construct(url=text), Path.cwd(), key="--ledger")


def _password(config: HistoryConfig, base_dir: Path) -> str | None:
    if config.password_file:
        path = Path(config.password_file).expanduser()
        path = path if path.is_absolute() else base_dir / path
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise HistoryError(f"history.password_file {path}: cannot be read "
                               f"({exc.strerror or type(exc).__name__})") from None
        return lines[0].strip() if lines else ""
    variable = config.password_env or "PGPASSWORD"
    value = os.environ.get(variable)
    if config.password_env and value is None:
        raise HistoryError(f"history.password_env: the environment variable {variable} is not "
                           "set (it holds the ledger database's password)")
    return value


@dataclass(frozen=True)
class Ledger:
    """An open ledger: the engine and the URL to show (password hidden)."""

    engine: Engine
    shown: str

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def dispose(self) -> None:
        self.engine.dispose()


def _alembic_config(connection: sa.Connection) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _scripts() -> ScriptDirectory:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


def head_revision() -> str:
    """The newest migration shipped with this engine."""
    return str(_scripts().get_current_head())


def _newer_schema(shown: str, current: str) -> HistoryError:
    """A ledger migrated by a newer appraise: this engine must not read or write it."""
    from .._version import __version__

    return HistoryError(
        f"ledger {shown}: its schema is at revision {current}, which this engine "
        f"(appraise {__version__}, newest revision {head_revision()}) does not know: a newer "
        "appraise has upgraded it. Nothing was read or written; run the appraise version that "
        "upgraded it (pip install --upgrade appraise)")


def _engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        # wait for a concurrent writer instead of failing at once; foreign keys enforced
        engine = sa.create_engine(url, connect_args={"timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (DDL included)
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def _begin(connection: sa.Connection) -> None:
            # a writing transaction takes SQLite's write lock at once: concurrent closes and
            # first opens wait for each other (30 s) instead of failing half-way
            writing = connection.get_execution_options().get("ledger_write", False)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


@contextmanager
def writing(engine: Engine) -> Iterator[sa.Connection]:
    """One writing transaction (SQLite: BEGIN IMMEDIATE), committed at the end of the block."""
    with engine.connect() as connection:
        connection = connection.execution_options(ledger_write=True)
        with connection.begin():
            yield connection


def _refuse_foreign(connection: sa.Connection, shown: str) -> None:
    """A SQLite file with tables but no `alembic_version` is another application's database
    (or a ledger whose alembic_version was dropped): never add the ledger's tables to it."""
    tables = sorted(sa.inspect(connection).get_table_names())
    if tables:
        listed = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
        raise HistoryError(
            f"ledger {shown}: this database is not an appraise ledger (it has no "
            f"alembic_version table but holds {listed}); nothing was changed. Name the "
            "ledger's own file (a new or empty file becomes a ledger on first use)")


def open_ledger(url: URL | str, *, create: bool = True) -> Ledger:
    """Connect to the ledger at `url` and upgrade its schema to head (creating it when new;
    with `create=False`, as `history` reads, a SQLite file that does not exist is refused
    rather than created empty). A schema newer than this engine's is refused."""
    try:
        parsed = url if isinstance(url, URL) else make_url(str(url))
    except (ArgumentError, ValueError):
        raise HistoryError("the ledger URL is not a database URL; write e.g. "
                           "sqlite:///ledger.sqlite or postgresql+psycopg://user@host:5432/db"
                           ) from None
    shown = shown_url(parsed)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        if not path.parent.is_dir():
            raise HistoryError(f"ledger {shown}: folder {path.parent} does not exist")
        if path.is_dir():
            raise HistoryError(f"ledger {shown}: {path} is a folder; name the ledger's file "
                               "(e.g. history.sqlite in that folder)")
        if not create and not path.exists():
            raise HistoryError(f"ledger {shown}: there is no ledger file {path} (a ledger is "
                               "created by the first `appraise run` of a config with a "
                               "history: section); check the path")
    try:
        engine = _engine(parsed)
    except ModuleNotFoundError as exc:
        raise HistoryError(f"ledger {shown}: the database driver {exc.name} is not installed; "
                           "for PostgreSQL use postgresql+psycopg:// and install "
                           "appraise[postgres]") from None
    except (ArgumentError, ImportError) as exc:
        raise HistoryError(f"ledger {shown}: cannot use this database URL "
                           f"({type(exc).__name__}); for PostgreSQL install appraise[postgres]"
                           ) from None
    try:
        with writing(engine) as connection:
            if connection.dialect.name == "postgresql":  # one migrating process at a time
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(4242001300)")
            current = MigrationContext.configure(connection).get_current_revision()
            if current is None and connection.dialect.name == "sqlite":
                _refuse_foreign(connection, shown)
            if current != head_revision():
                if current is not None and current not in {
                        s.revision for s in _scripts().walk_revisions()}:
                    raise _newer_schema(shown, current)
                command.upgrade(_alembic_config(connection), "head")
                if current is None:
                    warnings.warn(f"ledger {shown} is new: no period is closed in it yet, so "
                                  "this run's carry-in is the config's; if this unit's earlier "
                                  "months were closed in another ledger, set history.url to "
                                  "it", stacklevel=2)
    except HistoryError:
        engine.dispose()
        raise
    except OperationalError as exc:
        engine.dispose()
        raise HistoryError(f"ledger {shown}: cannot connect or upgrade "
                           f"({_reason(exc, parsed)})") from None
    except SQLAlchemyError as exc:
        engine.dispose()
        raise HistoryError(f"ledger {shown}: {_reason(exc, parsed)}") from None
    return Ledger(engine, shown)


def _reason(exc: SQLAlchemyError, url: URL) -> str:
    """The driver's first line, with the password removed should it ever be echoed."""
    text = str(getattr(exc, "orig", exc) or type(exc).__name__).strip().splitlines()
    reason = text[0] if text else type(exc).__name__
    if url.password:
        reason = reason.replace(str(url.password), "***")
    return reason


def ledger_for(loaded: LoadedConfig, *, create: bool = True) -> Ledger:
    """The ledger a config names (its `history:` section must be present); `create=False`:
    a SQLite ledger must already exist (see `open_ledger`)."""
    history = loaded.config.history
    if history is None:
        raise HistoryError(f"{loaded.path}: no history: section, so there is no ledger; add "
                           "`history: {}` for a history.sqlite beside the config")
    return open_ledger(ledger_url(history, loaded.base_dir), create=create)
