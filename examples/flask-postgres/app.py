"""A guestbook on Flask and PostgreSQL: the app behind the odiac demo."""

import logging
import os

import psycopg
from flask import Flask, redirect, render_template, request, url_for

logging.basicConfig(level=os.environ.get("LOG_LEVEL", "info").upper())
app = Flask(__name__)
DATABASE_URL = os.environ["DATABASE_URL"]  # injected by the `db` dependency
GREETING = os.environ.get("APP_GREETING", "Hello")

SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id SERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
)
"""


def connect() -> psycopg.Connection:
    return psycopg.connect(DATABASE_URL, autocommit=True)


with connect() as conn:
    conn.execute(SCHEMA)


@app.get("/")
def index():
    with connect() as conn:
        entries = conn.execute(
            "SELECT name, message, created_at FROM entries ORDER BY created_at DESC LIMIT 50"
        ).fetchall()
    return render_template("index.html", greeting=GREETING, entries=entries)


@app.post("/")
def sign():
    name = request.form.get("name", "").strip()[:80] or "anonymous"
    message = request.form.get("message", "").strip()[:500]
    if message:
        with connect() as conn:
            conn.execute("INSERT INTO entries (name, message) VALUES (%s, %s)", (name, message))
    return redirect(url_for("index"))


@app.get("/healthz")
def healthz():
    with connect() as conn:
        conn.execute("SELECT 1")
    return {"status": "ok"}


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "8000")))
