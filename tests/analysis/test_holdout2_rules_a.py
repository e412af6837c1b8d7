"""Compose, static-site and JS env rules found missing on a second set of unseen public
apps (analysis-rules 2.2, 3.12, 7.1, 7.3).

Each fixture is a minimal app of our own: an nginx built from a local Dockerfile that
only forwards to a sibling service, a plain webpack site whose ``start`` is the dev
server, ``dotenv-safe`` and secret names with a sample value in ``.env.example``.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from odiac.analysis.result import ProjectAnalysisResult

Analyze = Callable[..., ProjectAnalysisResult]


def _env(result: ProjectAnalysisResult) -> dict[str, bool]:
    svc = result.services[0]
    return {v.name: v.required for v in svc.runtime_vars + svc.build_time_vars}


_FLASK = {
    "backend/requirements.txt": "flask\n",
    "backend/app.py": "from flask import Flask\napp = Flask(__name__)\n",
    "backend/Dockerfile": "FROM python:3.12\nCOPY . .\nEXPOSE 8000\nCMD flask run --port 8000\n",
}
_COMPOSE = (
    "services:\n"
    "  backend:\n    build: backend\n    ports:\n      - 8000:8000\n"
    "  proxy:\n    build: proxy\n    ports:\n      - 80:80\n    depends_on:\n      - backend\n"
)


def test_nginx_built_locally_that_only_forwards_is_a_dropped_proxy(analyze: Analyze) -> None:
    """A `build:` service FROM nginx whose config only has `proxy_pass` (directly or through
    an `upstream`) to a sibling service is replaced by the platform ingress."""
    for conf in (
        "server {\n  listen 80;\n  location / {\n    proxy_pass http://backend:8000;\n  }\n}\n",
        "upstream app { server backend:8000; }\n"
        "server {\n  listen 80;\n  location / {\n    proxy_pass http://app;\n  }\n}\n",
    ):
        result = analyze({
            **_FLASK,
            "compose.yaml": _COMPOSE,
            "proxy/Dockerfile": "FROM nginx:1.25-alpine\nCOPY conf /etc/nginx/conf.d/default.conf\n",
            "proxy/conf": conf,
        })  # fmt: skip
        assert [s.name for s in result.services] == ["backend"]
        assert [(e.name, e.kind) for e in result.external] == [("proxy", "proxy")]


def test_nginx_that_also_serves_files_or_proxies_elsewhere_stays(analyze: Analyze) -> None:
    """`alias`/`root` serve files from the image or a shared volume; a `proxy_pass` to a host
    outside the compose file is not a sibling: both keep the nginx as an app service."""
    for conf in (
        "server {\n  location / {\n    proxy_pass http://backend:8000;\n  }\n"
        "  location /static/ {\n    alias /home/app/static/;\n  }\n}\n",
        "server {\n  location / {\n    proxy_pass https://api.example.com;\n  }\n}\n",
    ):
        result = analyze({
            **_FLASK,
            "compose.yaml": _COMPOSE,
            "proxy/Dockerfile": "FROM nginx:1.25\nCOPY nginx.conf /etc/nginx/conf.d/\n",
            "proxy/nginx.conf": conf,
        })  # fmt: skip
        assert sorted(s.name for s in result.services) == ["backend", "proxy"]


def test_bundled_site_whose_start_is_the_dev_server_is_static(analyze: Analyze) -> None:
    """A plain bundler build over an index.html, with `start` only a bundler dev server
    (webpack-dev-server, parcel), is a static site on 80: the dev server never runs in production."""
    for build, start in (
        ("webpack -p", "webpack-dev-server --host 0.0.0.0 --open"),
        ("parcel build index.html", "parcel index.html"),
    ):
        result = analyze({
            "package.json": json.dumps({
                "name": "site",
                "scripts": {"start": start, "build": build},
                "dependencies": {"react": "18"},
                "devDependencies": {"webpack": "5", "webpack-dev-server": "4", "parcel": "2"},
            }),
            "index.html": "<html><script src='/build/bundle.js'></script></html>\n",
            "src/index.js": "document.body.append('hi');\n",
        })  # fmt: skip
        svc = result.services[0]
        assert svc.project_type == "static"
        assert svc.port == 80
        assert svc.scripts_start == ""
        assert svc.output_directory == "."


def test_dotenv_safe_makes_every_key_of_its_template_required(analyze: Analyze) -> None:
    """dotenv-safe throws at start when any key of the template is unset: each is required,
    also one with a sample value or one the code never reads; another template is untouched."""
    for loader in (
        "require('dotenv-safe').config({ example: path.join(__dirname, '.env.example') });\n",
        "import 'dotenv-safe/config';\n",
    ):
        result = analyze({
            "package.json": json.dumps({
                "name": "api", "scripts": {"start": "node server.js"},
                "dependencies": {"express": "4", "dotenv-safe": "8"},
            }),
            ".env.example": "TOKEN_TTL_MINUTES=15\nMONGO_URI_TESTS=mongodb://mongo/test\nMAIL_HOST=\n",
            "docs/.env.sample": "SAMPLE_ONLY=1\n",
            "server.js": (
                "const path = require('path');\n" + loader
                + "const ttl = process.env.TOKEN_TTL_MINUTES;\n"
                "const mail = process.env.MAIL_HOST;\n"
                "require('express')().listen(3000, () => console.log(ttl, mail));\n"
            ),
        })  # fmt: skip
        env = _env(result)
        assert env["TOKEN_TTL_MINUTES"] is True
        assert env["MONGO_URI_TESTS"] is True
        assert env["MAIL_HOST"] is True
        assert env.get("SAMPLE_ONLY") is not True


def test_secret_name_read_without_fallback_ignores_the_template_sample(analyze: Analyze) -> None:
    """A secret name never takes a template value as its default, so a sample value in
    `.env.example` does not make a read without fallback optional; a plain setting's does."""
    result = analyze({
        "package.json": json.dumps({
            "name": "shop", "scripts": {"start": "node server.js"},
            "dependencies": {"express": "4"},
        }),
        ".env.example": "PAYMENT_SECRET_KEY=sk_test_123\nWEBHOOK_TOKEN=whsec_abc\n"
                        "SITE_ORIGIN=http://localhost:3000\n",
        "server.js": (
            "const key = process.env.PAYMENT_SECRET_KEY;\n"
            "const hook = process.env.WEBHOOK_TOKEN;\n"
            "const origin = process.env.SITE_ORIGIN;\n"
            "require('express')().listen(3000, () => console.log(key, hook, origin));\n"
        ),
    })  # fmt: skip
    env = _env(result)
    assert env["PAYMENT_SECRET_KEY"] is True
    assert env["WEBHOOK_TOKEN"] is True
    assert env["SITE_ORIGIN"] is False
