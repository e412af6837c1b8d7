"""How apps read configuration: defaults, guards, validators, settings, comments, glue."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from odiac.analysis.comments import strip_comments
from odiac.analysis.envfiles import is_config_name, is_secret_name
from odiac.analysis.envrefs import scan_file
from odiac.analysis.glue import strip_glue
from odiac.analysis.result import ProjectAnalysisResult
from odiac.analysis.source_index import SourceIndex, join, norm_dir


def _reads(tmp_path: Path, rel: str, text: str) -> dict[str, tuple[str | None, bool | None, bool]]:
    path = tmp_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return {
        r.name: (r.fallback, r.required, r.config) for r in scan_file(SourceIndex(tmp_path), rel)
    }


def test_commented_out_code_is_not_evidence(tmp_path: Path) -> None:
    py = _reads(
        tmp_path,
        "a.py",
        'import os\nA = os.environ["A"]  # os.environ["B"]\n# C = os.environ["C"]\nU = "http://x#y"\n',
    )
    js = _reads(
        tmp_path,
        "b.ts",
        "const a = process.env.A // process.env.B\n/* process.env.C\n process.env.D */\nconst u = 'http://h' + process.env.E\n",
    )
    php = _reads(tmp_path, "c.php", "<?php\n$a = env('A');\n// env('B')\n# env('C')\n")
    assert set(py) == {"A"}
    assert set(js) == {"A", "E"}
    assert set(php) == {"A"}


def test_comment_blanking_keeps_lines_and_strings() -> None:
    text = 'x = "a # b"  # gone\n"""doc"""\n'
    out = strip_comments("m.py", text)
    assert out.splitlines()[0].rstrip() == 'x = "a # b"'
    assert len(out) == len(text)


def test_a_read_with_a_default_or_a_guard_is_optional(tmp_path: Path) -> None:
    reads = _reads(tmp_path, "s.py", (
        'import os\nfrom os import getenv\nA = getenv("A_URL") or "http://x"\n'
        'DSN = os.environ.get("SENTRY_DSN")\nif DSN:\n    init(DSN)\n'
        'KEY = os.getenv("OPENAI_API_KEY")\nif not KEY:\n    raise RuntimeError("missing")\n'
    ))  # fmt: skip
    assert reads["A_URL"][0] == '"http://x"'
    assert not reads["A_URL"][1]
    assert reads["SENTRY_DSN"][1] is False
    assert reads["OPENAI_API_KEY"][1] is True, "the app refuses to start without it"


def test_elixir_raise_fallback_is_required_and_python_get_is_optional(tmp_path: Path) -> None:
    ex = _reads(tmp_path, "runtime.exs", (
        'url = System.get_env("DATABASE_URL") || raise "missing"\n'
        'pool = System.get_env("POOL_SIZE") || "10"\n'
    ))  # fmt: skip
    py = _reads(tmp_path, "c.py", 'import os\nMAIL_SERVER = os.environ.get("MAIL_SERVER")\n')
    assert ex["DATABASE_URL"][:2] == (None, True)
    assert ex["POOL_SIZE"][0] == '"10"'
    assert py["MAIL_SERVER"][1] is False


def test_js_throw_makes_a_read_required(tmp_path: Path) -> None:
    reads = _reads(tmp_path, "s.js", (
        "if (!process.env.DATABASE_URL) {\n  throw new Error('missing');\n}\n"
        "const dsn = process.env.SENTRY_DSN;\nif (dsn) { init(dsn) }\n"
    ))  # fmt: skip
    assert reads["DATABASE_URL"][1] is True
    assert reads["SENTRY_DSN"][1] is False


def test_rust_and_go_fallbacks(tmp_path: Path) -> None:
    rust = _reads(tmp_path, "src/main.rs", (
        'let a = std::env::var("A").unwrap_or_else(|_| "x".into());\n'
        'let b = env::var("B").ok();\nlet c = env::var("C").unwrap_or_default();\nlet d = env::var("D").expect("D");\n'
    ))  # fmt: skip
    go = _reads(
        tmp_path,
        "main.go",
        'package main\nfunc main() {\n addr := os.Getenv("LISTEN")\n if addr == "" {\n  addr = ":8080"\n }\n t := os.Getenv("TOKEN")\n}\n',
    )
    assert rust["A"][0] == '"x"'
    assert rust["B"][0] is not None
    assert rust["C"][0] is not None
    assert rust["D"][0] is None
    assert go["LISTEN"][1] is False
    assert go["TOKEN"][1] is None


def test_joi_and_zod_schemas_validating_the_environment(tmp_path: Path) -> None:
    joi = _reads(tmp_path, "config.js", (
        "const schema = Joi.object({\n  A_SECRET: Joi.string().required(),\n  B_URL: Joi.string(),\n"
        "  C_PORT: Joi.number().default(587),\n  D_KEY: Joi.string()\n    .required(),\n});\n"
        "schema.validate(process.env);\n"
    ))  # fmt: skip
    zod = _reads(tmp_path, "env.ts", (
        "const s = z.object({\n  API_KEY: z.string(),\n  LEVEL: z.string().default('info'),\n"
        "  FLAG: z.string().optional(),\n});\nexport const env = s.parse(process.env);\n"
    ))  # fmt: skip
    assert (joi["A_SECRET"][1], joi["B_URL"][1], joi["C_PORT"][1], joi["D_KEY"][1]) == (
        True,
        False,
        False,
        True,
    )
    assert joi["C_PORT"][0] == "587"
    assert joi["C_PORT"][2] is True, "a number is a setting"
    assert (zod["API_KEY"][1], zod["LEVEL"][1], zod["FLAG"][1]) == (True, False, False)
    assert zod["LEVEL"][0] == "'info'"


def test_an_unrelated_zod_object_is_not_an_env_schema(tmp_path: Path) -> None:
    reads = _reads(
        tmp_path, "form.ts", "const Form = z.object({\n  EMAIL: z.string().email(),\n});\n"
    )
    assert reads == {}


def test_values_read_as_booleans_or_numbers_are_settings(tmp_path: Path) -> None:
    reads = _reads(tmp_path, "a.js", (
        "const tls = process.env.MAIL_TLS === 'true';\nconst n = parseInt(process.env.WORKERS_N);\n"
        "const k = process.env.API_SECRET;\n"
    ))  # fmt: skip
    assert reads["MAIL_TLS"][1:] == (False, True)
    assert reads["WORKERS_N"][2] is True
    assert reads["API_SECRET"][2] is False


@pytest.mark.parametrize(
    "name", ["SMTP_PORT", "LOG_LEVEL", "MAIL_USE_TLS", "SERVER_NAME", "DB_HOST", "DEBUG",
             "ACCESS_TOKEN_EXPIRE_MINUTES", "SSL_KEY_PATH", "ENABLE_SIGNUP"],
)  # fmt: skip
def test_configuration_names_are_never_secrets(name: str) -> None:
    assert is_config_name(name)
    assert not is_secret_name(name)


@pytest.mark.parametrize("name", ["SECRET_KEY", "DB_PASSWORD", "STRIPE_API_KEY", "SENTRY_DSN"])
def test_credentials_stay_secrets(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize(
    ("command", "real"),
    [
        ('sh -c "while !</dev/tcp/db/5432; do sleep 1; done; npm start"', "npm start"),
        ("./wait-for-it.sh db:5432 -t 30 -- python app.py", "python app.py"),
        ("wait-for db:5432 -- node server.js", "node server.js"),
        ("dockerize -wait tcp://db:5432 -timeout 60s ./server", "./server"),
        ("sleep 5 && gunicorn app:app", "gunicorn app:app"),
        ('bash -c "until nc -z db 5432; do sleep 1; done && a && b"', "sh -c 'a && b'"),
        ("/wait && npm start", "npm start"),
    ],
)
def test_local_orchestration_glue_is_stripped(command: str, real: str) -> None:
    stripped, glue = strip_glue(command)
    assert stripped == real
    assert glue


def test_a_plain_command_is_left_alone() -> None:
    assert strip_glue("gunicorn app:app --bind 0.0.0.0:8000") == (
        "gunicorn app:app --bind 0.0.0.0:8000",
        [],
    )


def test_paths_are_normalised() -> None:
    assert norm_dir("docker/..") == ""
    assert norm_dir("./apps/web/") == "apps/web"
    assert join("docker", "../Dockerfile") == "Dockerfile"
    assert norm_dir("..") == ".."


def test_node_config_port_and_rust_parse_bind(
    analyze: Callable[..., ProjectAnalysisResult],
) -> None:
    """Listener evidence outside listen(): node-config `port` and a parsed address literal."""
    node = analyze({
        "package.json": '{"scripts":{"start":"node index.js"},"dependencies":{"koa":"2","config":"3"}}',
        "index.js": "const config = require('config');\napp.listen(config.get('server.port'))\n",
        "config/default.yml": "server:\n  port: 3000\n",
    })  # fmt: skip
    rust = analyze({
        "Cargo.toml": '[package]\nname = "app"\nversion = "0.1.0"\n[dependencies]\naxum = "0.6"\n',
        "src/http/mod.rs": 'pub async fn serve() { axum::Server::bind(&"0.0.0.0:8080".parse()?) }\n',
        "src/main.rs": "mod http;\nfn main() {}\n",
    })  # fmt: skip
    assert node.services[0].port == 3000
    assert rust.services[0].port == 8080


def test_flower_dashboard_is_a_web_service(analyze: Callable[..., ProjectAnalysisResult]) -> None:
    r = analyze({
        "requirements.txt": "celery[redis]\nflower\nflask\n",
        "app.py": "from flask import Flask\napp = Flask(__name__)\n",
        "docker-compose.yml": (
            "services:\n  web:\n    build: .\n    command: gunicorn app:app -b 0.0.0.0:5000\n"
            "    ports: ['5000:5000']\n  dashboard:\n    build: .\n"
            "    command: celery --broker=redis://redis:6379/0 flower --port=5555\n"
            "    ports: ['5556:5555']\n  redis:\n    image: redis:7\n"
        ),
    })  # fmt: skip
    dashboard = r.service("dashboard")
    assert (dashboard.project_type, dashboard.port) == ("web", 5555)


def test_bundled_index_html_without_a_server_is_a_static_site(
    analyze: Callable[..., ProjectAnalysisResult],
) -> None:
    r = analyze({
        "package.json": (
            '{"scripts":{"build":"webpack --config webpack.config.prod.js",'
            '"start":"webpack serve --open"},"devDependencies":{"webpack":"5"}}'
        ),
        "package-lock.json": "{}",
        "src/index.html": "<html></html>",
        "src/js/app.js": "console.log(1)\n",
    })  # fmt: skip
    site = r.services[0]
    assert (site.project_type, site.port, site.output_directory) == ("static", 80, "dist")


def test_runtime_only_compose_image_is_analysed_from_its_bind_mount(
    analyze: Callable[..., ProjectAnalysisResult],
) -> None:
    """docker/php builds an image without code; the app is the mounted repository root."""
    r = analyze({
        "composer.json": '{"require":{"php":"^8.2","laravel/framework":"^11.0"}}',
        "composer.lock": "{}",
        "artisan": "<?php\n",
        "public/index.php": "<?php\n",
        ".env.example": "APP_KEY=\nDB_CONNECTION=mysql\nDB_HOST=mysql\nDB_PASSWORD=\n",
        "docker/php/Dockerfile": "FROM php:8.3-fpm\nWORKDIR /app\n",
        "docker/docker-compose.yml": (
            "services:\n  php:\n    build: ./php\n    volumes:\n      - ../:/app\n"
            "    depends_on: [mysql]\n  mysql:\n    image: mysql:8\n"
        ),
    })  # fmt: skip
    php = r.service("php")
    assert (php.source_path, php.framework, php.dependencies) == (".", "laravel", ["mysql"])
    assert r.extras["php"].env_aliases["DB_HOST"] == "mysql.MYSQL_HOST"
    assert next(v for v in php.runtime_vars if v.name == "DB_HOST").default == ""
    assert "compose_runtime_image" in {i.code for i in r.review}


def test_pydantic_settings_upper_case_and_multi_line_fields(tmp_path: Path) -> None:
    reads = _reads(tmp_path, "config.py", (
        "class Settings(BaseSettings):\n"
        "    model_config = SettingsConfigDict(env_file='.env')\n"
        "    PROJECT_NAME: str\n"
        "    CORS_ORIGINS: Annotated[\n        list[str] | str, BeforeValidator(parse)\n    ] = []\n"
        "    EMAILS_FROM_NAME: str | None = None\n"
        "    FIRST_SUPERUSER_PASSWORD: str\n"
    ))  # fmt: skip
    assert reads["PROJECT_NAME"][1] is True
    assert reads["FIRST_SUPERUSER_PASSWORD"][1] is True
    assert reads["CORS_ORIGINS"][1] is False
    assert reads["EMAILS_FROM_NAME"][1] is False
