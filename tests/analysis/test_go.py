"""Go analyzer (analysis-rules §3.4, §6.3)."""

from __future__ import annotations

from collections.abc import Callable

from odiac.analysis.result import ProjectAnalysisResult

Analyze = Callable[..., ProjectAnalysisResult]

GO_MOD = """module example.com/shop

go 1.22

require (
	github.com/labstack/echo/v4 v4.12.0
	github.com/lib/pq v1.10.9 // indirect
	github.com/mattn/go-sqlite3 v1.14.22
)
"""


def test_direct_requires_only_and_major_suffix(analyze: Analyze) -> None:
    """§3.4: echo/v4 is echo; `// indirect` never counts (§6.3); go-sqlite3 needs cgo."""
    r = analyze({
        "go.mod": GO_MOD, "go.sum": "",
        "main.go": 'package main\n\nfunc main() {\n\te.Logger.Fatal(e.Start(":1323"))\n}\n',
    })  # fmt: skip
    svc = r.services[0]
    assert (svc.framework, svc.port, svc.language_version, svc.entry_point) == (
        "echo",
        1323,
        "1.22",
        ".",
    )
    assert svc.dependencies == []
    assert svc.scripts_build.startswith("CGO_ENABLED=1 ")


def test_cmd_binary_and_port_lookup_default(analyze: Analyze) -> None:
    """§3.4 entrypoint cmd/<name>; §4.4 PORT lookup with a default."""
    r = analyze({
        "go.mod": "module example.com/api\n\ngo 1.22\n",
        "cmd/api/main.go": (
            'package main\n\nimport (\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n\tport := os.Getenv("PORT")\n'
            '\tif port == "" {\n\t\tport = "8081"\n\t}\n\thttp.ListenAndServe(":"+port, nil)\n}\n'
        ),
    })  # fmt: skip
    svc = r.services[0]
    assert (svc.framework, svc.entry_point, svc.port) == ("nethttp", "./cmd/api", 8081)
    assert svc.dependency_resolution == "locked", "a go.mod without require is locked"


def test_gin_run_without_address_defaults_to_8080(analyze: Analyze) -> None:
    """§3.4: gin Run() with no argument uses PORT or 8080."""
    r = analyze({
        "go.mod": "module x\n\ngo 1.22\n\nrequire github.com/gin-gonic/gin v1.10.0\n",
        "main.go": "package main\n\nfunc main() { r.Run() }\n",
    })  # fmt: skip
    assert (r.services[0].framework, r.services[0].port) == ("gin", 8080)
    assert r.services[0].dependency_resolution == "unlocked"
