"""Env names (§7, §8) and managed dependencies (§6) across analyzers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from odiac.analysis.envrefs import scan_file
from odiac.analysis.result import ProjectAnalysisResult
from odiac.analysis.source_index import SourceIndex

Analyze = Callable[..., ProjectAnalysisResult]
EXPRESS = {
    "package.json": json.dumps(
        {"scripts": {"start": "node server.js"}, "dependencies": {"express": "4"}}
    ),
    "package-lock.json": "{}",
}


def _reads(tmp_path: Path, rel: str, text: str) -> dict[str, tuple[str | None, bool | None]]:
    path = tmp_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return {r.name: (r.fallback, r.required) for r in scan_file(SourceIndex(tmp_path), rel)}


def test_js_reference_forms(tmp_path: Path) -> None:
    """§7.1 JS/TS patterns, fallbacks and guards."""
    reads = _reads(tmp_path, "a.ts", (
        "const a = process.env.A || 'x'\nconst b = process.env['B'] ?? 3\nconst { C, D = 'd' } = process.env\n"
        "if (process.env.E) {}\nconst f = import.meta.env.VITE_F\nconst g = Bun.env.G\nDeno.env.get('H')\n"
    ))  # fmt: skip
    assert reads["A"] == ("'x'", None)
    assert reads["B"] == ("3", None)
    assert reads["C"][0] is None
    assert reads["D"][0] == "'d'"
    assert reads["E"] == (None, False)
    assert set(reads) == {"A", "B", "C", "D", "E", "VITE_F", "G", "H"}


def test_python_ruby_php_go_elixir_forms(tmp_path: Path) -> None:
    """§7.1 patterns for the other languages."""
    assert set(
        _reads(
            tmp_path,
            "s.py",
            'os.getenv("A", "1")\nos.environ["B"]\nenv.bool("C", default=False)\nconfig("D")\n',
        )
    ) == {"A", "B", "C", "D"}
    assert _reads(tmp_path, "c.rb", 'ENV.fetch("A") { 5 }\nENV["B"]\n') == {
        "A": ("5", None),
        "B": (None, None),
    }
    assert set(
        _reads(
            tmp_path,
            "i.php",
            "<?php getenv('A'); $_ENV['B']; env('C', 'x'); $_SERVER['REQUEST_METHOD'];",
        )
    ) == {"A", "B", "C"}
    assert set(_reads(tmp_path, "m.go", 'os.Getenv("A")\nos.LookupEnv("B")\n')) == {"A", "B"}
    assert _reads(tmp_path, "r.exs", 'System.fetch_env!("A")\n')["A"] == (None, True)


def test_test_files_and_docs_are_not_scanned(analyze: Analyze) -> None:
    """§7.1 item 2: tests, fixtures, docs and *.test.* files are never scanned."""
    r = analyze({
        **EXPRESS, "server.js": "app.listen(process.env.PORT || 3000)\nprocess.env.REAL\n",
        "tests/a.js": "process.env.TEST_ONLY_A", "server.test.js": "process.env.TEST_ONLY_B",
        "docs/x.js": "process.env.DOCS_ONLY", "fixtures/y.js": "process.env.FIXTURE_ONLY",
    })  # fmt: skip
    assert [v.name for v in r.services[0].runtime_vars] == ["REAL"]


def test_required_and_defaults(analyze: Analyze) -> None:
    """§7.3: placeholders and secrets never become defaults; commented keys are optional."""
    r = analyze({
        **EXPRESS,
        "server.js": "app.listen(3000)\nprocess.env.API_KEY; process.env.LOG_LEVEL; process.env.SITE_NAME || 'Shop'\n",
        ".env.example": "API_KEY=your-key-here\nLOG_LEVEL=info\n# SENTRY_DSN=\nREGION=\n",
    })  # fmt: skip
    env = {v.name: v for v in r.services[0].runtime_vars}
    assert (env["API_KEY"].required, env["API_KEY"].default) == (True, "")
    assert (env["LOG_LEVEL"].required, env["LOG_LEVEL"].default) == (False, "info")
    assert (env["SITE_NAME"].required, env["SITE_NAME"].default) == (False, "Shop")
    assert (env["SENTRY_DSN"].required, env["REGION"].required) == (False, True)


def test_real_env_values_never_leave_the_analysis(analyze: Analyze) -> None:
    """§0.5 / §7.5: a committed .env gives key names only, values never appear anywhere."""
    canary = "sk_live_CANARY_4242"
    r = analyze(
        {
            **EXPRESS,
            "server.js": "app.listen(3000)",
            ".env": f"STRIPE_SECRET_KEY={canary}\nDEBUG=1\n",
        }
    )
    dump = r.model_dump_json()
    assert canary not in dump
    assert "STRIPE_SECRET_KEY" in {v.name for v in r.services[0].runtime_vars}
    assert {"env_file_secret_material", "env_file_dev_switch"} <= {i.code for i in r.review}


def test_platform_names_are_never_requirements(analyze: Analyze) -> None:
    """§7.2: PORT, NODE_ENV, HOST are platform-set."""
    r = analyze(
        {
            **EXPRESS,
            "server.js": "app.listen(process.env.PORT || 3000, process.env.HOST)\nprocess.env.NODE_ENV\n",
        }
    )
    assert r.services[0].runtime_vars == []


def test_database_url_alone_asks_instead_of_provisioning(analyze: Analyze) -> None:
    """§6.4: DATABASE_URL with no engine evidence → review question, no dependency."""
    r = analyze({**EXPRESS, "server.js": "app.listen(3000)\nconnect(process.env.DATABASE_URL)\n"})
    assert r.services[0].dependencies == []
    assert any(i.code == "database_engine_unknown" for i in r.review)


def test_template_url_scheme_names_the_engine(analyze: Analyze) -> None:
    """§6.4: the engine comes from a URL scheme in a template value."""
    r = analyze(
        {
            **EXPRESS,
            "server.js": "app.listen(3000)\nconnect(process.env.DATABASE_URL)\n",
            ".env.example": "DATABASE_URL=mysql://u:p@localhost/db\n",
        }
    )
    assert r.services[0].dependencies == ["mysql"]
    assert r.services[0].database_type == "mysql"


def test_engine_specific_names_and_primary_engine(analyze: Analyze) -> None:
    """§6.4 / §6.5: REDIS_URL → redis, POSTGRES_* → postgres; database_type prefers non-cache."""
    r = analyze(
        {
            **EXPRESS,
            "server.js": "app.listen(3000)\nprocess.env.REDIS_URL\nprocess.env.POSTGRES_HOST\n",
        }
    )
    assert (r.services[0].dependencies, r.services[0].database_type) == (
        ["postgres", "redis"],
        "postgres",
    )


def test_ai_provider_keys(analyze: Analyze) -> None:
    """§7.4: provider-named keys; a generic *_TOKEN is not enough."""
    r = analyze(
        {
            **EXPRESS,
            "server.js": "app.listen(3000)\nprocess.env.OPENAI_API_KEY\nprocess.env.GITHUB_TOKEN\n",
        }
    )
    ai = r.services[0].ai_config
    assert (ai.requires_ai_api_key, ai.detected_providers, ai.api_key_vars) == (
        True,
        ["openai"],
        ["OPENAI_API_KEY"],
    )


def test_env_schema_keys(tmp_path: Path) -> None:
    """§7.1 JS config libraries: createEnv / cleanEnv schema keys; optional or default → not required."""
    reads = _reads(tmp_path, "src/env.ts", (
        "export const env = createEnv({\n  server: {\n    DATABASE_URL: z.string().url(),\n"
        "    SENTRY_DSN: z.string().optional(),\n  },\n  client: {\n    NEXT_PUBLIC_APP_URL: z.string(),\n  },\n})\n"
    ))  # fmt: skip
    assert reads["DATABASE_URL"] == (None, True)
    assert reads["SENTRY_DSN"] == (None, False)
    assert "NEXT_PUBLIC_APP_URL" in reads
