"""§7.3 `required` for Python, PHP and JVM reads, and §6.3/§6.4 database selection.

Each test analyses a small app of its own, laid out like the public apps it mirrors
(a Laravel API with its Docker files in ``docker/``, a Django settings module, a
Flask config class, pydantic settings, a Spring Boot app with database profiles).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from odiac.analysis.envrefs import scan_file
from odiac.analysis.result import ProjectAnalysisResult, ServiceAnalysis
from odiac.analysis.source_index import SourceIndex

Analyze = Callable[..., ProjectAnalysisResult]


def _required(svc: ServiceAnalysis) -> dict[str, bool]:
    return {v.name: v.required for v in svc.runtime_vars}


def _reads(tmp_path: Path, rel: str, text: str) -> dict[str, bool | None]:
    path = tmp_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return {r.name: r.required for r in scan_file(SourceIndex(tmp_path), rel)}


# -- PHP ---------------------------------------------------------------------------

DATABASE_PHP = """<?php
return [
    'default' => env('DB_CONNECTION', '{default}'),
    'connections' => [
        'sqlite' => ['driver' => 'sqlite', 'database' => env('DB_DATABASE', database_path('db.sqlite'))],
        'mysql' => [
            'driver' => 'mysql',
            'host' => env('DB_HOST', '127.0.0.1'),
            'database' => env('DB_DATABASE', 'forge'),
            'password' => env('DB_PASSWORD', ''),
        ],
        'pgsql' => ['driver' => 'pgsql', 'host' => env('DB_HOST', '127.0.0.1')],
    ],
];
"""


def _laravel(
    template: str | None, default: str = "mysql", migrations: bool = True
) -> dict[str, str]:
    """A Laravel 5-era API whose Docker files live in docker/ and mount the root."""
    files = {
        "composer.json": '{"require": {"php": ">=7.0", "laravel/framework": "5.5.*"}}',
        "composer.lock": "{}",
        "artisan": "#!/usr/bin/env php\n<?php\n",
        "public/index.php": "<?php\n",
        "config/app.php": "<?php\nreturn ['key' => env('APP_KEY'), 'name' => env('APP_NAME', 'Laravel')];\n",
        "config/services.php": (
            "<?php\nreturn [\n"
            "    'ses' => ['key' => env('SES_KEY'), 'secret' => env('SES_SECRET')],\n"
            "    'stripe' => ['secret' => env('STRIPE_SECRET')],\n];\n"
        ),
        "config/database.php": DATABASE_PHP.replace("{default}", default),
        "docker/php/Dockerfile": "FROM php:7.2-cli\nWORKDIR /app\nCMD php artisan serve --host=0.0.0.0 --port=8000\n",
        "docker/docker-compose.yml": (
            "services:\n  php:\n    build:\n      context: ./php\n    volumes:\n      - ../:/app\n"
            "    working_dir: /app\n    ports:\n      - 8000:8000\n"
            "  mysql:\n    image: mysql\n    environment:\n      MYSQL_DATABASE: db\n"
        ),
    }  # fmt: skip
    if template is not None:
        files[".env.example"] = template
    if migrations:
        files["database/migrations/2014_10_12_000000_create_users_table.php"] = "<?php\n"
    return files


def test_laravel_env_without_default_is_optional_and_app_key_required(analyze: Analyze) -> None:
    """Laravel's env('X') returns null when X is unset; APP_KEY is required by convention."""
    r = analyze(_laravel("APP_KEY=\nDB_CONNECTION=mysql\nDB_HOST=127.0.0.1\n"), name="shop")
    (svc,) = r.services
    req = _required(svc)
    assert req["APP_KEY"] is True
    assert (req["SES_KEY"], req["SES_SECRET"], req["STRIPE_SECRET"]) == (False, False, False)
    assert req["APP_NAME"] is False


def test_laravel_app_is_the_mounted_root_and_db_connection_picks_the_engine(
    analyze: Analyze,
) -> None:
    """The template's DB_CONNECTION selects one engine of the multi-driver config."""
    r = analyze(_laravel("APP_KEY=\nDB_CONNECTION=mysql\nDB_HOST=127.0.0.1\n"), name="shop")
    (svc,) = r.services
    assert (svc.source_path, svc.framework, svc.port) == (".", "laravel", 8000)
    assert svc.dependencies == ["mysql"]


def test_laravel_config_default_decides_without_a_template(analyze: Analyze) -> None:
    r = analyze(_laravel(None, default="pgsql"), name="shop")
    assert r.services[0].dependencies == ["postgres"]


def test_laravel_sqlite_selection_provisions_nothing(analyze: Analyze) -> None:
    r = analyze(_laravel("APP_KEY=\nDB_CONNECTION=sqlite\n"), name="shop")
    assert r.services[0].dependencies == []


def test_laravel_without_a_schema_does_not_provision(analyze: Analyze) -> None:
    """No migrations: the skeleton's DB_CONNECTION alone is weak and provisions nothing."""
    r = analyze(_laravel("APP_KEY=\nDB_CONNECTION=mysql\n", migrations=False), name="shop")
    assert r.services[0].dependencies == []


def test_symfony_env_placeholder_throws_unless_defaulted(tmp_path: Path) -> None:
    """%env(X)% throws when X is unset (required); a `default:` processor makes it optional."""
    reads = _reads(tmp_path, "config/packages/app.yaml", (
        "framework:\n    secret: '%env(APP_SECRET)%'\n"
        "doctrine:\n    dbal:\n        url: '%env(resolve:DATABASE_URL)%'\n"
        "sentry:\n    dsn: '%env(default::SENTRY_DSN)%'\n"
        "    release: '%env(default:app.release:RELEASE)%'\n"
    ))  # fmt: skip
    assert (reads["APP_SECRET"], reads["DATABASE_URL"]) == (None, None)
    assert (reads["SENTRY_DSN"], reads["RELEASE"]) == (False, False)


# -- Python ------------------------------------------------------------------------


def test_python_get_dereferenced_at_import_is_required(tmp_path: Path) -> None:
    reads = _reads(tmp_path, "core/settings.py", (
        "import os\n"
        "SECRET_KEY = os.environ.get(\"SECRET_KEY\")\n"
        "DEBUG = int(os.environ.get(\"DEBUG\", default=0))\n"
        "ALLOWED_HOSTS = os.environ.get(\"DJANGO_ALLOWED_HOSTS\").split(\" \")\n"
        "WORKERS = int(os.getenv(\"WORKERS\"))\n"
        "REGION = os.getenv(\"REGION\")[0:2]\n"
        "INSTALLED_APPS = ['django.contrib.admin']\n"
        "def hosts():\n    return os.environ.get(\"EXTRA_HOSTS\").split(\",\")\n"
        "class Mail:\n    SERVERS = os.environ.get(\"MAIL_SERVERS\").split(\",\")\n"
    ))  # fmt: skip
    assert reads["SECRET_KEY"] is True, "Django refuses to start with an empty SECRET_KEY"
    assert reads["DJANGO_ALLOWED_HOSTS"] is True
    assert reads["WORKERS"] is True
    assert reads["REGION"] is True
    assert reads["MAIL_SERVERS"] is True, "a class body runs at import"
    assert reads["DEBUG"] is False
    assert reads["EXTRA_HOSTS"] is False, "only read when the function is called"


def test_python_get_whose_none_is_handled_stays_optional(tmp_path: Path) -> None:
    """A Flask config class: values may be None and are used behind guards."""
    reads = _reads(tmp_path, "config.py", (
        "import os\n\nclass Config:\n"
        "    SECRET_KEY = os.environ.get('SECRET_KEY') or 'you-will-never-guess'\n"
        "    MAIL_SERVER = os.environ.get('MAIL_SERVER')\n"
        "    MAIL_PORT = int(os.environ.get('MAIL_PORT') or 25)\n"
        "    MAIL_USE_TLS = os.environ.get('MAIL_USE_TLS') is not None\n"
        "    SESSION_KEY = os.environ.get('SESSION_KEY')\n"
    ))  # fmt: skip
    assert reads == {
        "SECRET_KEY": False,
        "MAIL_SERVER": False,
        "MAIL_PORT": False,
        "MAIL_USE_TLS": False,
        "SESSION_KEY": False,
    }


def test_pydantic_fields_with_a_default_are_optional_env(analyze: Analyze) -> None:
    """§7.1 lists BaseSettings fields as env reads; a default makes one optional (§7.3)."""
    r = analyze({
        "pyproject.toml": '[project]\nname = "api"\ndependencies = ["fastapi[standard]", "pydantic-settings"]\n',
        "app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
        "app/core/config.py": (
            "from pydantic_settings import BaseSettings\n\n"
            "class Settings(BaseSettings):\n"
            '    API_V1_STR: str = "/api/v1"\n'
            "    ACCESS_TOKEN_EXPIRE_MINUTES: int = 60 * 24 * 8\n"
            "    PROJECT_NAME: str\n"
            "    FIRST_SUPERUSER_PASSWORD: str\n"
        ),
    }, name="api")  # fmt: skip
    (svc,) = r.services
    req = _required(svc)
    assert (req["PROJECT_NAME"], req["FIRST_SUPERUSER_PASSWORD"]) == (True, True)
    assert (req["API_V1_STR"], req["ACCESS_TOKEN_EXPIRE_MINUTES"]) == (False, False)
    assert next(v for v in svc.runtime_vars if v.name == "API_V1_STR").default == "/api/v1"


# -- JVM ---------------------------------------------------------------------------

POM = """<project>
  <parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId></parent>
  <artifactId>clinic</artifactId>
  <dependencies>
    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-data-jpa</artifactId></dependency>
    <dependency><groupId>com.h2database</groupId><artifactId>h2</artifactId><scope>runtime</scope></dependency>
    <dependency><groupId>com.mysql</groupId><artifactId>mysql-connector-j</artifactId><scope>runtime</scope></dependency>
    <dependency><groupId>org.postgresql</groupId><artifactId>postgresql</artifactId><scope>runtime</scope></dependency>
  </dependencies>
</project>
"""


def _clinic(**extra: str) -> dict[str, str]:
    res = "src/main/resources/"
    return {
        "pom.xml": POM,
        "mvnw": "#!/bin/sh\n",
        "src/main/java/org/clinic/App.java": "package org.clinic;\npublic class App {}\n",
        res + "application.properties": "database=h2\nspring.jpa.open-in-view=false\n",
        res + "application-mysql.properties": (
            "spring.datasource.url=${MYSQL_URL:jdbc:mysql://localhost/clinic}\n"
            "spring.datasource.password=${MYSQL_PASS:clinic}\n"
        ),
        res + "application-postgres.properties": (
            "spring.datasource.url=${POSTGRES_URL:jdbc:postgresql://localhost/clinic}\n"
        ),
        **extra,
    }


def test_spring_databases_of_inactive_profiles_are_not_provisioned(analyze: Analyze) -> None:
    """The default profile runs on H2; mysql/postgres profiles are opt-in (§6.3 weak)."""
    r = analyze(_clinic(), name="clinic")
    (svc,) = r.services
    assert (svc.framework, svc.port, svc.dependencies) == ("spring-boot", 8080, [])
    assert not {"MYSQL_URL", "MYSQL_PASS", "POSTGRES_URL"} & set(_required(svc))
    assert "database_weak_signal" in {i.code for i in r.review}


def test_spring_profile_activated_by_the_deployment_is_provisioned(analyze: Analyze) -> None:
    r = analyze(
        _clinic(Dockerfile=(
            "FROM eclipse-temurin:21-jre\nCOPY target/app.jar /app.jar\n"
            "ENV SPRING_PROFILES_ACTIVE=postgres\nEXPOSE 8080\nCMD java -jar /app.jar\n"
        )),
        name="clinic",
    )  # fmt: skip
    assert r.services[0].dependencies == ["postgres"]


def test_spring_profile_activated_in_the_default_config_is_provisioned(analyze: Analyze) -> None:
    res = "src/main/resources/application.properties"
    r = analyze(_clinic(**{res: "spring.profiles.active=mysql\n"}), name="clinic")
    assert r.services[0].dependencies == ["mysql"]


def test_spring_profile_activated_in_yaml_is_provisioned(analyze: Analyze) -> None:
    res = "src/main/resources/application.yml"
    r = analyze(_clinic(**{res: "spring:\n  profiles:\n    active: mysql\n"}), name="clinic")
    assert r.services[0].dependencies == ["mysql"]


def test_split_django_settings_and_none_fallback(tmp_path: Path) -> None:
    """A settings package module: SECRET_KEY is mandatory; `.get("X", None).split()` still crashes."""
    reads = _reads(tmp_path, "shop/settings/production.py", (
        "from .base import *  # noqa\nimport os\n"
        "SECRET_KEY = os.environ.get('SECRET_KEY')\n"
        "CSRF_TRUSTED_ORIGINS = os.environ.get('CSRF_ORIGINS', None).split(',')\n"
    ))  # fmt: skip
    flask = _reads(
        tmp_path, "settings.py", "import os\nSECRET_KEY = os.environ.get('SECRET_KEY')\n"
    )
    assert (reads["SECRET_KEY"], reads["CSRF_ORIGINS"]) == (True, True)
    assert flask["SECRET_KEY"] is False, "not a Django settings module"


def _skeleton(template: str) -> dict[str, str]:
    """A current `laravel new` skeleton: SQLite selected, every driver's block in the config."""
    database = DATABASE_PHP.replace("{default}", "sqlite").replace(
        "'password' => env('DB_PASSWORD', ''),",
        "'password' => env('DB_PASSWORD', ''),\n"
        "            'options' => [PDO::MYSQL_ATTR_SSL_CA => env('MYSQL_ATTR_SSL_CA')],",
    ).replace(
        "    ],\n];",
        "    ],\n    'redis' => ['default' => ['url' => env('REDIS_URL'), 'host' => env('REDIS_HOST', '127.0.0.1')]],\n];",
    )  # fmt: skip
    files = _laravel(template)
    del files["docker/php/Dockerfile"], files["docker/docker-compose.yml"]
    files["config/database.php"] = database
    files["config/filesystems.php"] = (
        "<?php\nreturn ['s3' => ['key' => env('AWS_ACCESS_KEY_ID'), 'bucket' => env('AWS_BUCKET')]];\n"
    )
    return files


def test_laravel_skeleton_boilerplate_is_no_database_signal(analyze: Analyze) -> None:
    """MYSQL_ATTR_SSL_CA and REDIS_URL of the multi-driver config do not provision (§6.3);
    an empty template line read through env() keeps its null default: optional."""
    r = analyze(_skeleton("APP_KEY=\nDB_CONNECTION=sqlite\nAWS_ACCESS_KEY_ID=\nAWS_BUCKET=\n"))
    (svc,) = r.services
    assert svc.dependencies == []
    req = _required(svc)
    assert (req["AWS_ACCESS_KEY_ID"], req["AWS_BUCKET"], req["APP_KEY"]) == (False, False, True)


def test_laravel_redis_store_selection_provisions_redis(analyze: Analyze) -> None:
    r = analyze(_skeleton("APP_KEY=\nDB_CONNECTION=sqlite\nCACHE_STORE=redis\n"))
    assert r.services[0].dependencies == ["redis"]


def test_python_reads_behind_a_presence_guard_are_optional(tmp_path: Path) -> None:
    """`if "X" in os.environ:` blocks are optional features (§7.4 feature_optional);
    a branch on a value (`== "production"`) is not."""
    reads = _reads(tmp_path, "shop/settings/production.py", (
        "import os\n"
        "if 'CSP_BASE_URI' in os.environ:\n"
        "    CSP_BASE_URI = os.environ.get('CSP_BASE_URI').split(',')\n"
        "if (\n    'CF_TOKEN' in os.environ\n    or 'CF_BEARER' in os.environ\n):\n"
        "    CACHE = {'ZONE': os.environ['CF_ZONEID']}\n"
        "if os.getenv('SENTRY_DSN'):\n    SENTRY_ENV = os.environ['SENTRY_ENV']\n"
        "if os.environ.get('STAGE') == 'production':\n    API_TOKEN = os.environ['API_TOKEN']\n"
        "HOSTS = os.environ['ALLOWED_HOSTS'].split(',')\n"
    ))  # fmt: skip
    assert reads["CSP_BASE_URI"] is False
    assert reads["CF_ZONEID"] is False
    assert reads["SENTRY_ENV"] is False
    assert reads["API_TOKEN"] is None, "no fallback: required unless a template gives one"
    assert reads["ALLOWED_HOSTS"] is None


def test_env_test_file_is_not_deployment_env(analyze: Analyze) -> None:
    """Symfony's committed `.env.test` configures the test run: no keys, no secret warning."""
    r = analyze({
        "composer.json": '{"require": {"php": ">=8.2", "symfony/framework-bundle": "7.*"}}',
        "composer.lock": "{}",
        "bin/console": "#!/usr/bin/env php\n<?php\n",
        "public/index.php": "<?php\n",
        "config/packages/framework.yaml": "framework:\n    secret: '%env(APP_SECRET)%'\n",
        ".env": "APP_ENV=prod\nAPP_SECRET=\n",
        ".env.test": "KERNEL_CLASS='App\\\\Kernel'\nAPP_SECRET='$ecretf0rt3st'\n",
    }, name="demo")  # fmt: skip
    (svc,) = r.services
    assert "KERNEL_CLASS" not in _required(svc)
    assert _required(svc)["APP_SECRET"] is True
    assert not [i for i in r.review if ".env.test" in i.message]


def test_python_project_helpers_wrapping_getenv_are_env_reads(analyze: Analyze) -> None:
    """§7.1 custom helpers: `get_env("NAME", default)` through two levels of wrapping."""
    r = analyze({
        "pyproject.toml": '[project]\nname = "svc"\ndependencies = ["litestar[standard]"]\n',
        "app/utils/env.py": (
            "import os\n\n"
            "def get_config_val(  # noqa: C901\n    key: str, default=None\n):\n"
            "    value = os.getenv(key)\n    return default if value is None else value\n\n"
            "def get_env(key, default=None):\n"
            "    return lambda: get_config_val(key=key, default=default)\n"
        ),
        "app/settings.py": (
            "from app.utils.env import get_env\n"
            "POOL_SIZE = get_env('DATABASE_POOL_SIZE', 5)\n"
            "SENTRY = get_env(\"SENTRY_DSN\")\n"
            "lower = get_env('not_a_name', 1)\n"
        ),
        "app/main.py": "from litestar import Litestar\napp = Litestar([])\n",
    }, name="svc")  # fmt: skip
    (svc,) = r.services
    env = {v.name: v for v in svc.runtime_vars}
    assert env["DATABASE_POOL_SIZE"].default == "5"
    assert env["DATABASE_POOL_SIZE"].required is False
    assert env["SENTRY_DSN"].required is False
    assert "not_a_name" not in env
