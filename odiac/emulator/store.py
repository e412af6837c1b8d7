"""SQLite persistence: JSON documents per kind plus a small key/value table.

Rows are JSON documents filtered with SQLite's JSON functions. The fields that
every request filters on (the lazy lifecycle tick and the per-project and
per-service listings) have expression indexes, so those lookups read only
their own rows instead of decoding every document of a kind. One connection is
shared behind a lock; callers never hold the lock across an ``await`` (every
method is synchronous and short).
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

Doc = dict[str, Any]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""
# Top-level fields with an index on (kind, field): the owners every listing filters
# by, the lifecycle flags the per-request tick polls, and the unique names.
INDEXED_FIELDS = (
    "project_id",
    "service_id",
    "user_id",
    "agent_id",
    "finished",
    "domain_pending",
    "source_status",
    "label",
    "domain",
)
_FIELD_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _field_expr(field: str) -> str:
    # The path is spelled inline (not bound) so SQLite matches the index expression.
    if not _FIELD_RE.match(field):
        raise ValueError(f"not a document field name: {field!r}")
    return f"json_extract(doc, '$.{field}')"


_INDEXES = "".join(
    f"CREATE INDEX IF NOT EXISTS docs_by_{f} ON docs (kind, {_field_expr(f)});\n"
    for f in INDEXED_FIELDS
)


class Store:
    """Document store over one SQLite database (file in WAL mode, or memory)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        if path != ":memory:":
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA + _INDEXES)
        self._depth = 0

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes atomically; nested use joins the outer transaction."""
        with self._lock:
            outer = self._depth == 0
            if outer:
                self._conn.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if outer:
                    self._conn.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outer:
                self._conn.execute("COMMIT")

    def get(self, kind: str, doc_id: str) -> Doc | None:
        """One document by id, or None."""
        with self._lock:
            row = self._conn.execute(
                "SELECT doc FROM docs WHERE kind = ? AND id = ?", (kind, doc_id)
            ).fetchone()
        return None if row is None else _load(row[0])

    def put(self, kind: str, doc: Doc) -> Doc:
        """Insert or replace a document (its ``id`` key is the primary key)."""
        text = json.dumps(doc, separators=(",", ":"), ensure_ascii=False)
        text.encode("utf-8")  # a string that is not valid Unicode never reaches the store
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO docs (kind, id, doc) VALUES (?, ?, ?)",
                (kind, doc["id"], text),
            )
        return doc

    def delete(self, kind: str, doc_id: str) -> None:
        """Remove a document if present."""
        with self._lock:
            self._conn.execute("DELETE FROM docs WHERE kind = ? AND id = ?", (kind, doc_id))

    def find(self, kind: str, /, **equals: Any) -> list[Doc]:
        """Documents of ``kind`` whose top-level fields equal the given values."""
        sql = "SELECT doc FROM docs WHERE kind = ?"
        args: list[Any] = [kind]
        for field, value in equals.items():
            if value is None:
                sql += f" AND {_field_expr(field)} IS NULL"
            else:
                sql += f" AND {_field_expr(field)} = ?"
                args.append(value)
        with self._lock:
            rows = self._conn.execute(sql + " ORDER BY rowid", args).fetchall()
        return [_load(r[0]) for r in rows]

    def kinds(self) -> list[str]:
        """Every kind that has at least one document."""
        with self._lock:
            rows = self._conn.execute("SELECT DISTINCT kind FROM docs ORDER BY kind").fetchall()
        return [r[0] for r in rows]

    def meta_get(self, key: str, default: Any = None) -> Any:
        """A JSON value from the key/value table."""
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def meta_set(self, key: str, value: Any) -> None:
        """Store a JSON value in the key/value table."""
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                (key, json.dumps(value, separators=(",", ":"))),
            )

    def wipe(self, keep_meta: tuple[str, ...] = ()) -> None:
        """Delete every document and every meta key not listed in ``keep_meta``."""
        with self.transaction():
            self._conn.execute("DELETE FROM docs")
            marks = ",".join("?" for _ in keep_meta) or "''"
            self._conn.execute(f"DELETE FROM meta WHERE key NOT IN ({marks})", keep_meta)  # noqa: S608


def _load(text: str) -> Doc:
    value: Doc = json.loads(text)
    return value
