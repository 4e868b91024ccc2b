"""SQLite storage of the workbench: the user's models and cached analysis results.

One file (by default in the user's data directory, see :func:`default_database_path`).
The schema is versioned with SQLite's ``user_version`` and upgraded by the ordered
:data:`MIGRATIONS` when the file is opened, inside one transaction each.

Every write is one transaction (``BEGIN IMMEDIATE``).  Models carry a version number that
each save increments; a save names the version it started from and is refused
(:class:`VersionConflict`) when the stored model has moved on since, so two tabs editing the
same model never silently overwrite each other (optimistic concurrency control).
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = [
    "MIGRATIONS",
    "ModelNotFound",
    "Storage",
    "StoredModel",
    "VersionConflict",
    "default_database_path",
]

#: Schema migrations, in order; migration k brings ``user_version`` from k to k + 1.
MIGRATIONS: tuple[str, ...] = (
    # 1: the models
    """
    CREATE TABLE models (
        id        TEXT PRIMARY KEY,
        name      TEXT NOT NULL,
        document  TEXT NOT NULL,          -- the model, detente/1 data as JSON
        version   INTEGER NOT NULL,       -- incremented by every save
        created   TEXT NOT NULL,          -- ISO 8601, UTC
        updated   TEXT NOT NULL
    );
    """,
    # 2: a summary of each model for the library list, and cached analysis results
    """
    ALTER TABLE models ADD COLUMN n_states INTEGER;
    ALTER TABLE models ADD COLUMN n_dms INTEGER;
    ALTER TABLE models ADD COLUMN n_options INTEGER;
    CREATE TABLE results (
        key      TEXT PRIMARY KEY,        -- hash of detente version, analysis and request
        kind     TEXT NOT NULL,
        created  TEXT NOT NULL,
        used     TEXT NOT NULL,
        body     TEXT NOT NULL            -- the result as JSON
    );
    CREATE INDEX results_used ON results (used);
    """,
)

#: Cached results kept (the least recently used are dropped beyond this).
MAX_RESULTS = 500
#: Results larger than this (bytes of JSON) are not cached.
MAX_RESULT_BYTES = 8 * 2**20


def default_database_path() -> Path:
    """``workbench.sqlite3`` in the user's data directory (platformdirs)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("detente", appauthor=False)) / "workbench.sqlite3"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class ModelNotFound(LookupError):
    """No model with that id."""

    def __init__(self, model_id: str) -> None:
        super().__init__(f"no model with id {model_id!r} (it may have been deleted)")
        self.model_id = model_id


class VersionConflict(Exception):
    """A save based on an old version of a model that has been saved since."""

    def __init__(self, model_id: str, yours: int, current: int, updated: str) -> None:
        super().__init__(
            f"this model was changed elsewhere (in another tab or window) after you opened it:"
            f" your edit is based on version {yours}, the saved model is now version {current}"
            f" (saved {updated[:19].replace('T', ' ')} UTC); reload it to see those changes, or"
            " save yours as a copy"
        )
        self.model_id = model_id
        self.yours = yours
        self.current = current
        self.updated = updated


@dataclass(frozen=True)
class StoredModel:
    id: str
    name: str
    document: dict[str, Any]
    version: int
    created: str
    updated: str
    n_states: int | None = None
    n_dms: int | None = None
    n_options: int | None = None

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": str(self.document.get("description") or ""),
            "version": self.version,
            "created": self.created,
            "updated": self.updated,
            "n_states": self.n_states,
            "n_dms": self.n_dms,
            "n_options": self.n_options,
        }


def _row_model(row: sqlite3.Row) -> StoredModel:
    return StoredModel(
        id=row["id"],
        name=row["name"],
        document=json.loads(row["document"]),
        version=row["version"],
        created=row["created"],
        updated=row["updated"],
        n_states=row["n_states"],
        n_dms=row["n_dms"],
        n_options=row["n_options"],
    )


class Storage:
    """The workbench database.  Safe to use from several threads (one connection per call)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._migrate_lock = threading.Lock()
        self.migrate()

    # -- connections and transactions ---------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA synchronous = NORMAL")
        return conn

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed when the block ends, rolled back on an error."""
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        conn = self._connect()
        try:
            yield conn
        finally:
            conn.close()

    # -- schema ----------------------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        with self._reading() as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        """Bring the schema up to date, one transaction per migration."""
        with self._migrate_lock:
            conn = self._connect()
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                current = int(conn.execute("PRAGMA user_version").fetchone()[0])
                if current > len(MIGRATIONS):
                    raise RuntimeError(
                        f"the database {self.path} was written by a newer detente (schema"
                        f" {current}, this one knows {len(MIGRATIONS)}); upgrade detente"
                    )
                for version in range(current, len(MIGRATIONS)):
                    conn.execute("BEGIN IMMEDIATE")
                    try:
                        # executescript would commit on its own: run the statements one by one.
                        for statement in _statements(MIGRATIONS[version]):
                            conn.execute(statement)
                        conn.execute(f"PRAGMA user_version = {version + 1}")
                    except BaseException:
                        conn.execute("ROLLBACK")
                        raise
                    conn.execute("COMMIT")
            finally:
                conn.close()

    # -- models ----------------------------------------------------------------------------------
    def list_models(self) -> list[StoredModel]:
        with self._reading() as conn:
            rows = conn.execute("SELECT * FROM models ORDER BY updated DESC, id").fetchall()
        return [_row_model(row) for row in rows]

    def get_model(self, model_id: str) -> StoredModel:
        with self._reading() as conn:
            row = conn.execute("SELECT * FROM models WHERE id = ?", (model_id,)).fetchone()
        if row is None:
            raise ModelNotFound(model_id)
        return _row_model(row)

    def create_model(
        self, name: str, document: dict[str, Any], sizes: dict[str, int | None] | None = None
    ) -> StoredModel:
        sizes = sizes or {}
        now = _now()
        model_id = secrets.token_hex(6)
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO models (id, name, document, version, created, updated, n_states,"
                " n_dms, n_options) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?)",
                (
                    model_id,
                    name,
                    json.dumps(document),
                    now,
                    now,
                    sizes.get("n_states"),
                    sizes.get("n_dms"),
                    sizes.get("n_options"),
                ),
            )
        return self.get_model(model_id)

    def update_model(
        self,
        model_id: str,
        base_version: int,
        name: str,
        document: dict[str, Any],
        sizes: dict[str, int | None] | None = None,
    ) -> StoredModel:
        """Save a new version; refused with :class:`VersionConflict` if ``base_version`` is not
        the stored version."""
        sizes = sizes or {}
        now = _now()
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT version, updated FROM models WHERE id = ?", (model_id,)
            ).fetchone()
            if row is None:
                raise ModelNotFound(model_id)
            if row["version"] != base_version:
                raise VersionConflict(model_id, base_version, row["version"], row["updated"])
            conn.execute(
                "UPDATE models SET name = ?, document = ?, version = version + 1, updated = ?,"
                " n_states = ?, n_dms = ?, n_options = ? WHERE id = ? AND version = ?",
                (
                    name,
                    json.dumps(document),
                    now,
                    sizes.get("n_states"),
                    sizes.get("n_dms"),
                    sizes.get("n_options"),
                    model_id,
                    base_version,
                ),
            )
        return self.get_model(model_id)

    def delete_model(self, model_id: str, base_version: int | None = None) -> None:
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT version, updated FROM models WHERE id = ?", (model_id,)
            ).fetchone()
            if row is None:
                raise ModelNotFound(model_id)
            if base_version is not None and row["version"] != base_version:
                raise VersionConflict(model_id, base_version, row["version"], row["updated"])
            conn.execute("DELETE FROM models WHERE id = ?", (model_id,))

    # -- cached results ----------------------------------------------------------------------------
    def get_result(self, key: str) -> dict[str, Any] | None:
        with self._reading() as conn:
            row = conn.execute("SELECT body FROM results WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        try:
            with self._transaction() as conn:
                conn.execute("UPDATE results SET used = ? WHERE key = ?", (_now(), key))
        except sqlite3.OperationalError:
            pass  # a busy database only delays the bookkeeping
        return json.loads(row["body"])

    def put_result(self, key: str, kind: str, body: dict[str, Any]) -> None:
        now = _now()
        text = json.dumps(body)
        if len(text) > MAX_RESULT_BYTES:
            return
        with self._transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO results (key, kind, created, used, body)"
                " VALUES (?, ?, ?, ?, ?)",
                (key, kind, now, now, text),
            )
            conn.execute(
                "DELETE FROM results WHERE key IN (SELECT key FROM results ORDER BY used DESC"
                " LIMIT -1 OFFSET ?)",
                (MAX_RESULTS,),
            )

    def count_results(self) -> int:
        with self._reading() as conn:
            return int(conn.execute("SELECT COUNT(*) FROM results").fetchone()[0])


def _statements(script: str) -> list[str]:
    """Split a migration into statements (no migration contains ';' inside a string)."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]
