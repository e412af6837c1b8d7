"""The store's hot lookups use their indexes and keep their exact-match semantics."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from odiac.emulator.store import INDEXED_FIELDS, Store


def _plan(store: Store, kind: str, **equals: object) -> str:
    """SQLite's query plan for the statement :meth:`Store.find` runs."""
    traced: list[str] = []
    store._conn.set_trace_callback(traced.append)
    store.find(kind, **equals)
    store._conn.set_trace_callback(None)
    sql = traced[-1]
    rows = store._conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
    return " | ".join(str(row[3]) for row in rows)


@pytest.mark.parametrize("field", INDEXED_FIELDS)
def test_each_indexed_field_is_searched_not_scanned(field: str) -> None:
    store = Store(":memory:")
    for index in range(20):
        store.put("row", {"id": f"r{index}", field: f"v{index % 4}"})
    plan = _plan(store, "row", **{field: "v1"})
    assert f"USING INDEX docs_by_{field}" in plan
    assert [r["id"] for r in store.find("row", **{field: "v1"})] == ["r1", "r5", "r9", "r13", "r17"]


def test_tick_queries_use_indexes_with_booleans_and_null() -> None:
    store = Store(":memory:")
    store.put("deployment", {"id": "d1", "finished": False})
    store.put("deployment", {"id": "d2", "finished": True})
    store.put("deployment", {"id": "d3"})  # no flag at all: neither true nor false
    store.put("project", {"id": "p1", "user_id": None, "agent_id": "a"})
    store.put("project", {"id": "p2", "user_id": "u", "agent_id": "a"})
    assert "docs_by_finished" in _plan(store, "deployment", finished=False)
    assert [d["id"] for d in store.find("deployment", finished=False)] == ["d1"]
    assert [d["id"] for d in store.find("deployment", finished=True)] == ["d2"]
    assert [p["id"] for p in store.find("project", agent_id="a", user_id=None)] == ["p1"]
    assert [p["id"] for p in store.find("project", user_id=None)] == ["p1"]


def test_find_keeps_insertion_order_after_replacing_a_row() -> None:
    store = Store(":memory:")
    for doc_id in ("a", "b", "c"):
        store.put("service", {"id": doc_id, "project_id": "p"})
    store.put("service", {"id": "a", "project_id": "p", "name": "renamed"})
    # INSERT OR REPLACE gives the row a new rowid: it moves last, as before indexing.
    assert [s["id"] for s in store.find("service", project_id="p")] == ["b", "c", "a"]


def test_field_names_are_never_spliced_into_sql() -> None:
    store = Store(":memory:")
    with pytest.raises(ValueError, match="not a document field"):
        store.find("row", **{"x') OR 1=1 --": 1})


def test_a_database_from_before_the_indexes_gains_them(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    conn.executescript(
        "CREATE TABLE docs (kind TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL,"
        " PRIMARY KEY (kind, id));"
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        """INSERT INTO docs VALUES ('domain', 'x', '{"id":"x","service_id":"s"}');"""
    )
    conn.commit()
    conn.close()
    store = Store(str(db))
    assert [d["id"] for d in store.find("domain", service_id="s")] == ["x"]
    assert "docs_by_service_id" in _plan(store, "domain", service_id="s")
    store.close()
