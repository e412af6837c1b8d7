"""Python analyzer (analysis-rules §3.3, §6.3, §13)."""

from __future__ import annotations

from collections.abc import Callable

from odiac.analysis.result import ProjectAnalysisResult

Analyze = Callable[..., ProjectAnalysisResult]

MANAGE = 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site1.settings")\nfrom django.core.management import execute_from_command_line\n'


def test_manage_py_alone_makes_django(analyze: Analyze) -> None:
    """§3.3 / §12.3: a manage.py referencing Django is sufficient on its own."""
    r = analyze({
        "manage.py": MANAGE,
        "requirements.txt": "wagtail==6.0\n",
        "site1/settings.py": 'WSGI_APPLICATION = "site1.wsgi.application"\nDATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3"}}\n',
        "site1/wsgi.py": "",
    })  # fmt: skip
    svc = r.services[0]
    assert (svc.framework, svc.port, svc.entry_point) == ("django", 8000, "site1.wsgi")
    assert svc.scripts_start == "gunicorn site1.wsgi:application --bind 0.0.0.0:$PORT"
    assert r.extras[svc.name].release_commands == ["python manage.py migrate"]
    assert (svc.lockfile, svc.dependency_resolution) == ("requirements.txt", "locked")
    assert svc.dependencies == []


def test_django_stubs_is_not_django(analyze: Analyze) -> None:
    """§3.3: dependency matching is by normalised name, never substring."""
    r = analyze(
        {
            "requirements.txt": "django-stubs\nflask\n",
            "app.py": "from flask import Flask\napp = Flask(__name__)\n",
        }
    )
    assert r.services[0].framework == "flask"


def test_fastapi_app_object_in_a_package(analyze: Analyze) -> None:
    """§3.3 app-object resolution: `api = FastAPI()` in app/main.py → app.main:api."""
    r = analyze({
        "pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=3.9,<3.13"\ndependencies = ["fastapi[standard]", "asyncpg"]\n',
        "app/__init__.py": "", "app/main.py": "from fastapi import FastAPI\napi = FastAPI()\n",
        "tests/test_main.py": "from fastapi import FastAPI\nother = FastAPI()\n",
    })  # fmt: skip
    svc = r.services[0]
    assert (svc.framework, svc.entry_point, svc.language_version) == (
        "fastapi",
        "app.main:api",
        "3.12",
    )
    assert svc.scripts_start == "uvicorn app.main:api --host 0.0.0.0 --port $PORT"
    assert svc.dependencies == ["postgres"]
    assert not any(i.code == "server_not_declared" for i in r.review), (
        "fastapi[standard] declares uvicorn"
    )


def test_flask_factory_and_undeclared_server(analyze: Analyze) -> None:
    """§3.3 flask row (create_app factory) and the server dependency check."""
    r = analyze({
        "requirements.txt": "flask\n",
        "shop/__init__.py": "from flask import Flask\n\ndef create_app():\n    app = Flask(__name__)\n    return app\n",
    })  # fmt: skip
    svc = r.services[0]
    assert svc.entry_point == "shop:create_app()"
    assert svc.scripts_start == "gunicorn --bind 0.0.0.0:$PORT 'shop:create_app()'"
    assert svc.port == 5000
    assert any(i.code == "server_not_declared" for i in r.review)


def test_commented_and_dev_requirements_are_not_database_signals(analyze: Analyze) -> None:
    """§6.3: commented-out requirements and dev/test groups do not count."""
    r = analyze({
        "requirements.txt": "flask==3.0\n# psycopg2-binary==2.9\n-r requirements-dev.txt\n",
        "requirements-dev.txt": "redis==5.0\n",
        "pyproject.toml": '[project]\nname="x"\ndependencies=[]\n[project.optional-dependencies]\ntest=["psycopg"]\n',
        "app.py": "from flask import Flask\napp = Flask(__name__)\n",
    })  # fmt: skip
    assert r.services[0].dependencies == []


def test_tooling_only_pyproject_is_not_a_runtime(analyze: Analyze) -> None:
    """§3.1 / §11: a library without entrypoint is refused, naming the manifest."""
    r = analyze(
        {
            "pyproject.toml": '[project]\nname = "lib"\ndependencies = ["attrs"]\n',
            "src/lib/__init__.py": "",
        }
    )
    assert r.refusal is not None
    assert "no runnable entrypoint" in r.refusal.reason
    assert r.refusal.evidence == ("pyproject.toml",)


def test_gunicorn_conf_port_fallback(analyze: Analyze) -> None:
    """§3.3 / §4.3: gunicorn.conf.py bind with os.environ.get("PORT", N) → N."""
    r = analyze({
        "manage.py": MANAGE, "requirements.txt": "django\ngunicorn\n",
        "site1/settings.py": 'WSGI_APPLICATION = "site1.wsgi.application"\n', "site1/wsgi.py": "",
        "gunicorn.conf.py": 'import os\nbind = "0.0.0.0:" + os.environ.get("PORT", "9000")\n',
    })  # fmt: skip
    assert r.services[0].port == 9000


def test_pydantic_settings_fields_are_env_names(analyze: Analyze) -> None:
    """§7.1: BaseSettings fields upper-cased, env_prefix honoured, no default → required."""
    r = analyze({
        "requirements.txt": "fastapi\nuvicorn\npydantic-settings\n",
        "main.py": (
            "from fastapi import FastAPI\nfrom pydantic_settings import BaseSettings, SettingsConfigDict\n\n"
            "class Settings(BaseSettings):\n    model_config = SettingsConfigDict(env_prefix='APP_')\n"
            "    token: str\n    log_level: str = 'info'\n\napp = FastAPI()\n"
        ),
    })  # fmt: skip
    env = {v.name: v for v in r.services[0].runtime_vars}
    assert env["APP_TOKEN"].required is True
    assert (env["APP_LOG_LEVEL"].required, env["APP_LOG_LEVEL"].default) == (False, "info")


def test_streamlit(analyze: Analyze) -> None:
    """§3.3 streamlit row: port 8501 and the headless start."""
    r = analyze({"requirements.txt": "streamlit\n", "streamlit_app.py": "import streamlit as st\n"})
    svc = r.services[0]
    assert (svc.framework, svc.port) == ("streamlit", 8501)
    assert svc.scripts_start.startswith("streamlit run streamlit_app.py --server.port $PORT")


FLASK_FACTORY = (
    "from flask import Flask\n\ndef create_app():\n    app = Flask(__name__)\n    return app\n"
)


def test_flaskenv_flask_app_names_the_factory_module(analyze: Analyze) -> None:
    """§3.3 flask row / §1.5: `FLASK_APP` in `.flaskenv` names the factory module."""
    r = analyze({
        "requirements.txt": "flask\ngunicorn\n",
        ".flaskenv": "FLASK_APP=web.factory\nFLASK_DEBUG=1\n",
        "web/__init__.py": "", "web/factory.py": FLASK_FACTORY,
        "tools/other.py": FLASK_FACTORY,
    })  # fmt: skip
    svc = r.services[0]
    assert (svc.framework, svc.entry_point) == ("flask", "web.factory:create_app()")
    assert svc.scripts_start == "gunicorn --bind 0.0.0.0:$PORT 'web.factory:create_app()'"


def test_flaskenv_flask_app_settles_several_app_objects(analyze: Analyze) -> None:
    """§3.3: several `Flask(` assignments would ask; an explicit `FLASK_APP=mod:var` settles it."""
    files = {
        "requirements.txt": "flask\ngunicorn\n",
        "site.py": "from flask import Flask\nsite = Flask(__name__)\n",
        "admin.py": "from flask import Flask\nadmin = Flask(__name__)\n",
    }
    ambiguous = analyze(files)
    assert ambiguous.services[0].entry_point == ""
    assert any(i.code == "several_app_objects" for i in ambiguous.review)
    r = analyze({**files, ".flaskenv": 'export FLASK_APP="admin.py"\n'})
    svc = r.services[0]
    assert svc.entry_point == "admin:admin"
    assert svc.scripts_start == "gunicorn --bind 0.0.0.0:$PORT admin:admin"
    assert not any(i.code == "several_app_objects" for i in r.review)


def test_flaskenv_flask_app_under_src_needs_chdir(analyze: Analyze) -> None:
    """§3.3 app-object resolution: a module under src/ starts with `--chdir src`."""
    r = analyze({
        "requirements.txt": "flask\ngunicorn\n",
        ".flaskenv": "FLASK_APP=shop.wsgi:application\n",
        "src/shop/__init__.py": "", "src/shop/wsgi.py": "from flask import Flask\napplication = Flask(__name__)\n",
    })  # fmt: skip
    svc = r.services[0]
    assert svc.entry_point == "shop.wsgi:application"
    assert svc.scripts_start == "gunicorn --bind 0.0.0.0:$PORT --chdir src shop.wsgi:application"


def test_commented_flask_app_is_ignored(analyze: Analyze) -> None:
    """§1.5: a commented `# FLASK_APP=` is no setting; discovery decides."""
    r = analyze({
        "requirements.txt": "flask\ngunicorn\n",
        ".flaskenv": "# FLASK_APP=missing:app\n",
        "app.py": "from flask import Flask\napp = Flask(__name__)\n",
    })  # fmt: skip
    assert r.services[0].entry_point == "app:app"
