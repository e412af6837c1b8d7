"""Listener evidence in code (analysis-rules §4.1 rung 3, §4.3 "Python code"/"Node code", §4.4)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from odiac_analyzers._python_ports import port_of

from odiac.analysis.ports import argument_at, call_arguments
from odiac.analysis.result import ProjectAnalysisResult

Analyze = Callable[..., ProjectAnalysisResult]

FLASK_REQS = "flask==3.0.3\ngunicorn==23.0.0\n"
FLASK_HEAD = "import os\nfrom flask import Flask\napp = Flask(__name__)\n"


@pytest.mark.parametrize(
    ("tail", "port"),
    [
        # §4.4: int(...) wrapper around the fallback form, quoted fallback
        ('app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "8000")))', 8000),
        ('app.run(port=int(os.getenv("PORT", 8001)), debug=False)', 8001),
        ('app.run(host="0.0.0.0", port=os.environ.get("PORT", 7000))', 7000),
        # §4.4: wrapper inside the fallback
        ('app.run(port=os.environ.get("PORT", int("8002")))', 8002),
        # §4.3: a literal
        ('app.run(host="0.0.0.0", port=8003)', 8003),
        # §4.4: one level of same-file indirection, to the read or to the fallback
        ('PORT = int(os.environ.get("PORT", 8004))\napp.run(port=PORT)', 8004),
        ('DEFAULT_PORT = 8005\napp.run(port=int(os.environ.get("PORT", DEFAULT_PORT)))', 8005),
        # the call spread over several lines
        ('app.run(\n    host="0.0.0.0",\n    port=int(os.environ.get("PORT", "8006")),\n)', 8006),
    ],
)
def test_flask_app_run_port_beats_the_framework_default(
    analyze: Analyze, tail: str, port: int
) -> None:
    """§4.1: rung 3 (app.run(port=...)) outranks rung 4 (Flask's 5000)."""
    r = analyze({"requirements.txt": FLASK_REQS, "app.py": FLASK_HEAD + tail + "\n"})
    assert (r.services[0].framework, r.services[0].port) == ("flask", port)


def test_flask_without_listener_keeps_the_framework_default(analyze: Analyze) -> None:
    """§4.5: no listener evidence → Flask default 5000 (rung 4)."""
    r = analyze({"requirements.txt": FLASK_REQS, "app.py": FLASK_HEAD})
    assert r.services[0].port == 5000


def test_port_read_from_an_imported_constant_is_not_followed(analyze: Analyze) -> None:
    """§4.4: a constant imported from another file is not followed; the default stays."""
    tail = 'from settings import DEFAULT\napp.run(port=int(os.environ.get("PORT", DEFAULT)))\n'
    r = analyze({"requirements.txt": FLASK_REQS, "app.py": FLASK_HEAD + tail})
    assert r.services[0].port == 5000


def test_uvicorn_run_port_in_a_fastapi_module(analyze: Analyze) -> None:
    """§4.3 "Python code": uvicorn.run(..., port=N) beats the FastAPI default 8000."""
    main = (
        "import os\nimport uvicorn\nfrom fastapi import FastAPI\napp = FastAPI()\n"
        'if __name__ == "__main__":\n'
        '    uvicorn.run("main:app", host="0.0.0.0", port=int(os.environ.get("PORT", "9100")))\n'
    )
    r = analyze({"requirements.txt": "fastapi\nuvicorn\n", "main.py": main})
    assert (r.services[0].framework, r.services[0].port) == ("fastapi", 9100)


def test_a_function_named_run_is_not_a_listener(analyze: Analyze) -> None:
    """Only calls count: `def run(port=9999)` is a signature, not listener evidence."""
    tail = "def run(port=9999):\n    return port\n"
    r = analyze({"requirements.txt": FLASK_REQS, "app.py": FLASK_HEAD + tail})
    assert r.services[0].port == 5000


def test_bare_run_call(analyze: Analyze) -> None:
    """§4.3: `run(app, port=N)` imported bare (`from uvicorn import run`) counts too."""
    main = "from fastapi import FastAPI\nfrom uvicorn import run\napp = FastAPI()\nrun(app, port=8123)\n"
    r = analyze({"requirements.txt": "fastapi\nuvicorn\n", "main.py": main})
    assert r.services[0].port == 8123


def test_port_of_forms() -> None:
    """§4.4 extraction: (port, honours PORT)."""
    assert port_of('int(os.environ.get("PORT", "5000"))', "") == (5000, True)
    assert port_of('os.environ["PORT"]', "") == (None, True)
    # a non-standard variable: its default is the literal port, PORT is not honoured
    assert port_of('int(os.environ.get("APP_PORT", 5000))', "") == (5000, False)
    assert port_of("8080", "") == (8080, False)
    assert port_of("P", "P = 9000\n") == (9000, False)
    # a second level is not followed
    assert port_of("A", "B = 9000\nA = B\n") == (None, False)


def test_call_argument_splitting() -> None:
    """Nested calls and quoted commas stay inside one argument."""
    text = 'run(host="0,0", port=int(os.environ.get("PORT", "8000")))'
    assert call_arguments(text, 4) == ['host="0,0"', 'port=int(os.environ.get("PORT", "8000"))']
    text = "listen(Number(process.env.PORT) || 8080, () => go())"
    assert argument_at(text, 7) == "Number(process.env.PORT) || 8080"


def _express(index: str) -> dict[str, str]:
    package = {"main": "index.js", "scripts": {"start": "node index.js"}}
    package["dependencies"] = {"express": "4"}  # type: ignore[assignment]
    return {"package.json": json.dumps(package), "index.js": index}


@pytest.mark.parametrize(
    ("index", "port"),
    [
        ("app.listen(process.env.PORT || 8080)", 8080),
        ("app.listen(process.env.PORT ?? 8081)", 8081),
        ('app.listen(parseInt(process.env.PORT || "8082", 10))', 8082),
        ("const DEFAULT_PORT = 8083\napp.listen(process.env.PORT || DEFAULT_PORT)", 8083),
        ('const port = parseInt(process.env.PORT || "8084", 10)\napp.listen(port)', 8084),
        # wrappers around the PORT read, fallback outside (§4.4 "inside or around")
        ("app.listen(Number(process.env.PORT) || 8085)", 8085),
        ("app.listen(parseInt(process.env.PORT, 10) || 8086, () => {})", 8086),
        ('app.listen({ port: parseInt(process.env.PORT || "8087", 10), host: "0.0.0.0" })', 8087),
        # a non-standard variable: its default is the port (PORT not honoured)
        ("app.listen(process.env.APP_PORT || 8088)", 8088),
    ],
)
def test_node_listen_forms(analyze: Analyze, index: str, port: int) -> None:
    """§4.3 "Node code" + §4.4 fallbacks, wrappers and one same-file constant."""
    r = analyze(_express(index + "\n"))
    assert (r.services[0].framework, r.services[0].port) == ("express", port)


def test_node_imported_constant_is_not_followed(analyze: Analyze) -> None:
    """§4.4: `process.env.PORT || DEFAULT_PORT` with an imported constant → ask (Express)."""
    index = "const { DEFAULT_PORT } = require('./config')\napp.listen(process.env.PORT || DEFAULT_PORT)\n"
    r = analyze(_express(index))
    assert r.services[0].port is None
    assert "port_unknown" in {item.code for item in r.review}
