"""Reads whose unset value the app tolerates, found missing on unseen public apps
(analysis-rules 7.3 "unsure is optional", 7.4 ``feature_optional``).

Each fixture is a minimal app of our own showing one rule: Ruby library settings and
defaults hashes, a gem's own YAML config, an Elixir release start script, a Python
settings branch that selects a strategy, and a committed Symfony ``.env`` of defaults.
"""

from __future__ import annotations

from collections.abc import Callable

from odiac.analysis.result import ProjectAnalysisResult

Analyze = Callable[..., ProjectAnalysisResult]


def _env(result: ProjectAnalysisResult, service: int = 0) -> dict[str, tuple[bool, str]]:
    return {v.name: (v.required, v.default) for v in result.services[service].runtime_vars}


GEMFILE = 'source "https://rubygems.org"\ngem "sinatra"\n'


def test_ruby_library_setting_assigned_in_its_configure_block_is_optional(
    analyze: Analyze,
) -> None:
    """`config.dsn = ENV["X"]` inside `Lib.init do |config|`: nil leaves the library at its
    own default (off, or a fallback key); an ENV value passed as a call argument in the same
    block, or put into a settings hash, is still needed."""
    r = analyze({
        "Gemfile": GEMFILE,
        "config.ru": 'require "./app"\nrun App\n',
        "app.rb": """require "sinatra"

Tracker.init do |config|
  config.dsn = ENV["TRACKER_DSN"]
  config.sample_rate = 0.1
end

Auth.setup do |config|
  config.signing_key = ENV["AUTH_SIGNING_KEY"]
  config.provider :github, ENV["GITHUB_CLIENT_ID"], ENV["GITHUB_CLIENT_SECRET"]
end

Mailer.smtp_settings = {
  address: "smtp.example.net",
  user_name: ENV["SMTP_USERNAME"],
}
""",
    })  # fmt: skip
    env = _env(r)
    assert env["TRACKER_DSN"][0] is False
    assert env["AUTH_SIGNING_KEY"][0] is False
    assert env["GITHUB_CLIENT_ID"][0] is True
    assert env["GITHUB_CLIENT_SECRET"][0] is True
    assert env["SMTP_USERNAME"][0] is True, "a hash without any fallback entry stays required"


def test_ruby_defaults_hash_entry_without_fallback_is_optional(analyze: Analyze) -> None:
    """A defaults hash whose entries carry `||`/fetch fallbacks: the entries the author left
    without one are allowed to be nil (the app reads them later, in one feature)."""
    r = analyze({
        "Gemfile": GEMFILE,
        "config.ru": 'require "./app"\nrun App\n',
        "app.rb": """require "sinatra"

class Settings
  def defaults
    {
      'client_id' => ENV['client_id'] || 'urn:example:sp',
      'redirect_uri' => ENV['redirect_uri'] ||
                        'http://localhost:9292/',
      'poll_enabled' => ENV.fetch('poll_enabled', 'false') == 'true',
      'poll_secret' => ENV['poll_secret'],
      'signed_events' => ENV['signed_events'],
    }
  end
end
""",
    })  # fmt: skip
    env = _env(r)
    assert env["poll_secret"][0] is False
    assert env["signed_events"][0] is False
    assert env["client_id"][0] is False


def test_gem_yaml_erb_read_is_optional_but_rails_own_yaml_is_not(analyze: Analyze) -> None:
    """`key: <%= ENV['APM_KEY'] %>` in a gem's YAML config renders empty when unset and the
    gem stays off; the same read in Rails' database.yml configures the framework itself."""
    r = analyze({
        "Gemfile": 'source "https://rubygems.org"\ngem "rails"\ngem "pg"\n',
        "config.ru": "run Rails.application\n",
        "config/application.rb": "module Shop\n  class Application < Rails::Application\n  end\nend\n",
        "config/apm.yml": "production:\n  key: <%= ENV['APM_KEY'] %>\n",
        "config/database.yml": "production:\n  password: <%= ENV['SHOP_DB_PASSWORD'] %>\n",
    })  # fmt: skip
    env = _env(r)
    assert env["APM_KEY"][0] is False
    assert env["SHOP_DB_PASSWORD"][0] is True


MIX = """defmodule Shop.MixProject do
  use Mix.Project
  def project, do: [app: :shop, version: "0.1.0", deps: deps()]
  defp deps, do: [{:phoenix, "~> 1.7"}]
end
"""


def test_elixir_release_start_script_reads_are_env(analyze: Analyze) -> None:
    """`rel/overlays/bin/server` (what a release image runs) is a start script: its reads
    are env names, and those inside `if [ -n "$X" ]; then … fi` are a feature path."""
    r = analyze({
        "mix.exs": MIX,
        "config/runtime.exs": 'import Config\nconfig :shop, key: System.fetch_env!("SHOP_KEY")\n',
        "rel/overlays/bin/server": """#!/bin/sh
if [ -n "${STORE_MOUNT}" ]; then
  echo $STORE_ACCESS_KEY:$STORE_SECRET > /tmp/passwd
  if [ -n "$STORE_DEBUG" ]; then
    echo debug
  fi
  mount-store --token "${STORE_TOKEN}"
fi
exec ./shop start --cookie "$SHOP_RELEASE_SECRET"
""",
        "rel/overlays/bin/server.bat": "set STORE_BAT=%STORE_BAT%\n",
    })  # fmt: skip
    env = _env(r)
    for name in ("STORE_ACCESS_KEY", "STORE_SECRET", "STORE_TOKEN", "STORE_MOUNT"):
        assert env[name][0] is False, name
    assert env["SHOP_RELEASE_SECRET"][0] is True, "a read after the `fi` is not guarded"


DJANGO_SETTINGS = """import environ

env = environ.Env()

SECRET_KEY = env("SECRET_KEY")
INSTALLED_APPS = ["django.contrib.admin"]
FILE_STORAGE = to_enum(Storage, env("FILE_STORAGE", default="local"))
MAIL_STRATEGY = env("MAIL_STRATEGY", default="console")
CACHE_KIND = env("CACHE_KIND", default="remote")
DEPLOY_ENV = env("DEPLOY_ENV", default="development")

if FILE_STORAGE == Storage.S3:
    S3_ACCESS_KEY_ID = env("S3_ACCESS_KEY_ID")
    S3_SECRET_ACCESS_KEY = env("S3_SECRET_ACCESS_KEY")

if MAIL_STRATEGY == "smtp":
    EMAIL_HOST_PASSWORD = env("SMTP_PASSWORD")

if CACHE_KIND == "remote":
    CACHE_TOKEN = env("CACHE_TOKEN")

if DEPLOY_ENV == "staging":
    PAYMENT_TOKEN = env("PAYMENT_TOKEN")

RELEASE_TOKEN = env("RELEASE_TOKEN")
"""


def test_python_branch_on_a_strategy_setting_is_a_feature_path(analyze: Analyze) -> None:
    """`if FILE_STORAGE == Storage.S3:` where FILE_STORAGE defaults to `local`: the branch
    is a strategy the deployment may select, so its reads are optional, even with empty
    template lines. The default strategy's branch, and a branch on the deployment
    environment, keep their reads required."""
    r = analyze({
        "requirements.txt": "django==5.0\ndjango-environ==0.11\n",
        "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\n",
        "shop/__init__.py": "",
        "shop/settings.py": DJANGO_SETTINGS,
        ".env.example": 'S3_ACCESS_KEY_ID=""\nS3_SECRET_ACCESS_KEY=""\n',
    })  # fmt: skip
    env = _env(r)
    assert env["S3_ACCESS_KEY_ID"][0] is False
    assert env["S3_SECRET_ACCESS_KEY"][0] is False
    assert env["SMTP_PASSWORD"][0] is False
    assert env["CACHE_TOKEN"][0] is True, "the branch of the default value always runs"
    assert env["PAYMENT_TOKEN"][0] is True, "a deployment-environment branch is not a feature"
    assert env["RELEASE_TOKEN"][0] is True
    assert env["SECRET_KEY"][0] is True


def test_symfony_committed_env_defaults_do_not_make_a_read_optional(analyze: Analyze) -> None:
    """A committed `.env` is never uploaded and its values never enter the analysis, so a
    `%env(X)%` (which throws when X is unset) stays required even where that file gives X a
    harmless value; the value is not offered as a default either."""
    r = analyze({
        "composer.json": '{"require": {"php": ">=8.2", "symfony/framework-bundle": "7.*"}}',
        "composer.lock": "{}",
        "bin/console": "#!/usr/bin/env php\n<?php\n",
        "public/index.php": "<?php\n",
        "config/packages/routing.yaml": "framework:\n    router:\n"
                                        "        default_uri: '%env(DEFAULT_URI)%'\n",
        ".env": "APP_ENV=prod\nDEFAULT_URI=http://localhost\n",
    }, name="demo")  # fmt: skip
    assert _env(r)["DEFAULT_URI"] == (True, "")
