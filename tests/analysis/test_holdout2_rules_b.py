"""Rules found missing on a second set of unseen public apps (analysis-rules 4.2, 7.3).

Each fixture is a minimal app of our own showing one rule: a Go server whose own
listener is on a port otherwise kept for metrics, reads of one connection that must
share a verdict, a shell comparison, and compose values that are not defaults.
"""

from __future__ import annotations

from collections.abc import Callable

from odiac.analysis.result import ProjectAnalysisResult

Analyze = Callable[..., ProjectAnalysisResult]

GO_MOD = "module example.com/api\n\ngo 1.22\n\nrequire github.com/labstack/echo/v4 v4.11.4\n"


def _env(result: ProjectAnalysisResult, service: int = 0) -> dict[str, tuple[bool, str]]:
    return {v.name: (v.required, v.default) for v in result.services[service].runtime_vars}


def test_go_listener_on_a_metrics_port_is_the_app_port(analyze: Analyze) -> None:
    """EXPOSE 9090 plus an Echo start on a `":9090"` constant: the app's own HTTP listener
    wins over the metrics-port exclusion (9090 is metrics only when nothing says HTTP)."""
    r = analyze({
        "go.mod": GO_MOD,
        "Dockerfile": "FROM golang:1.22\nCOPY . .\nRUN go build -o /app/engine .\nEXPOSE 9090\n"
                      'CMD ["/app/engine"]\n',
        "main.go": """package main

import (
	"os"

	"github.com/labstack/echo/v4"
)

const defaultAddress = ":9090"

func main() {
	e := echo.New()
	address := os.Getenv("SERVER_ADDRESS")
	if address == "" {
		address = defaultAddress
	}
	e.Start(address)
}
""",
    })  # fmt: skip
    assert r.services[0].port == 9090


def test_metrics_port_without_listener_stays_ignored(analyze: Analyze) -> None:
    """An exposed 9090 next to the app's 8080 listener is still a metrics port."""
    r = analyze({
        "go.mod": GO_MOD,
        "Dockerfile": "FROM golang:1.22\nCOPY . .\nRUN go build -o /s .\nEXPOSE 8080 9090\n"
                      'CMD ["/s"]\n',
        "main.go": 'package main\n\nimport "github.com/labstack/echo/v4"\n\n'
                   'func main() {\n\te := echo.New()\n\te.Start(":8080")\n}\n',
    })  # fmt: skip
    assert r.services[0].port == 8080


def test_go_connection_reads_without_fallback_share_one_verdict(analyze: Analyze) -> None:
    """`os.Getenv` of DB host/port/name next to the user/password reads of the same DSN:
    setting-shaped names read the same bare way are required like their neighbours."""
    r = analyze({
        "go.mod": "module example.com/api\n\ngo 1.22\n",
        "main.go": """package main

import (
	"fmt"
	"net/http"
	"os"
)

func main() {
	dbHost := os.Getenv("STORE_HOST")
	dbPort := os.Getenv("STORE_PORT")
	dbUser := os.Getenv("STORE_USER")
	dbName := os.Getenv("STORE_NAME")
	dsn := fmt.Sprintf("%s@tcp(%s:%s)/%s", dbUser, dbHost, dbPort, dbName)
	_ = dsn
	level := os.Getenv("LOG_LEVEL")
	_ = level
	http.ListenAndServe(":8080", nil)
}
""",
    })  # fmt: skip
    env = _env(r)
    assert env["STORE_USER"][0] is True
    assert env["STORE_HOST"][0] is True
    assert env["STORE_PORT"][0] is True
    assert env["STORE_NAME"][0] is True
    assert env["LOG_LEVEL"][0] is False, "a setting of another group keeps its own verdict"


FLASK_REQS = "flask==3.0.0\n"


def test_python_read_naming_the_config_to_load_is_required(analyze: Analyze) -> None:
    """`app.config.from_object(os.getenv("X"))`, directly or through a variable: unset, no
    configuration loads, so the read is required although `getenv` returns None quietly."""
    r = analyze({
        "requirements.txt": FLASK_REQS,
        "app.py": """import os
from flask import Flask


def create_app():
    app = Flask(__name__)
    settings = os.getenv("APP_CONFIG_CLASS")
    app.config.from_object(settings)
    app.config.from_object(os.environ.get("EXTRA_CONFIG_CLASS"))
    app.config["GREETING"] = os.getenv("GREETING")
    return app


app = create_app()
""",
    })  # fmt: skip
    env = _env(r)
    assert env["APP_CONFIG_CLASS"][0] is True
    assert env["EXTRA_CONFIG_CLASS"][0] is True
    assert env["GREETING"][0] is False


def test_compose_environment_value_is_not_a_default(analyze: Analyze) -> None:
    """Defaults come only from code fallbacks or template values: a compose `environment:`
    literal configures the local stack, and a compose-only `FLASK_DEBUG=1` must not reach
    production as a default."""
    r = analyze({
        "requirements.txt": FLASK_REQS,
        "Dockerfile": 'FROM python:3.12\nCOPY . .\nRUN pip install -r requirements.txt\n'
                      'EXPOSE 5000\nCMD ["flask", "run", "--host", "0.0.0.0"]\n',
        "docker-compose.yml": """services:
  web:
    build: .
    ports:
      - 5000:5000
    environment:
      - FLASK_DEBUG=1
      - APP_MODE=development
""",
        "app.py": """import os
from flask import Flask

app = Flask(__name__)
MODE = os.getenv("APP_MODE")
""",
    })  # fmt: skip
    env = _env(r)
    assert env["APP_MODE"][1] == ""
    assert env.get("FLASK_DEBUG", (False, ""))[1] == ""


def test_shell_value_only_compared_is_optional(analyze: Analyze) -> None:
    """`if [ "$X" = "postgres" ]` in an entrypoint: unset, the test is false and the branch
    is skipped; a value the script uses as such stays required."""
    r = analyze({
        "requirements.txt": FLASK_REQS,
        "app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
        "Dockerfile": 'FROM python:3.12\nCOPY . .\nRUN pip install -r requirements.txt\n'
                      'EXPOSE 5000\nENTRYPOINT ["./entrypoint.sh"]\n'
                      'CMD ["flask", "run", "--host", "0.0.0.0"]\n',
        "entrypoint.sh": """#!/bin/sh

if [ "$STORE_KIND" = "postgres" ]
then
    echo "waiting"
fi
if [ "production" != "$RUN_MODE" ]; then
    echo "dev"
fi
curl -fsS "$BOOT_HOOK_URL"

exec "$@"
""",
    })  # fmt: skip
    env = _env(r)
    assert env["STORE_KIND"][0] is False
    assert env["RUN_MODE"][0] is False
    assert env["BOOT_HOOK_URL"][0] is True
