"""Env and start rules found missing on unseen public apps (analysis-rules 7.1, 7.3, 7.4).

Each fixture is a minimal app of our own showing one rule: viper keys read from
the environment (Go), ``System.get_env`` without a fallback (Elixir), reads inside
an env-guarded Ruby block, and ``${NAME:-default}`` in a Procfile command.
"""

from __future__ import annotations

from collections.abc import Callable

from odiac.analysis.result import ProjectAnalysisResult

Analyze = Callable[..., ProjectAnalysisResult]


def _env(result: ProjectAnalysisResult, service: int = 0) -> dict[str, tuple[bool, str]]:
    return {v.name: (v.required, v.default) for v in result.services[service].runtime_vars}


def test_go_viper_keys_with_automatic_env_are_env_names(analyze: Analyze) -> None:
    """viper.Get*("key") + AutomaticEnv reads KEY; SetDefault is its fallback; a key the
    code fails on right after reading is required; any other key without default is
    optional (viper yields the zero value, like a lookup that finds nothing)."""
    r = analyze({
        "go.mod": "module example.com/api\n\ngo 1.22\n\nrequire (\n"
                  "\tgithub.com/go-chi/chi/v5 v5.0.12\n\tgithub.com/spf13/viper v1.19.0\n)\n",
        "go.sum": "",
        "main.go": """package main

import (
\t"errors"
\t"net/http"

\t"github.com/spf13/viper"
)

func tokenKey() ([]byte, error) {
\tsecret := viper.GetString("signing_secret")
\tif len(secret) < 32 {
\t\treturn nil, errors.New("signing_secret too short")
\t}
\treturn []byte(secret), nil
}

func main() {
\tviper.AutomaticEnv()
\tviper.SetDefault("log_level", "info")
\tlevel := viper.GetString("log_level")
\thost := viper.GetString("smtp_host")
\t_, _ = level, host
\thttp.ListenAndServe(":8080", nil)
}
""",
    })  # fmt: skip
    env = _env(r)
    assert env["SIGNING_SECRET"] == (True, "")
    assert env["LOG_LEVEL"] == (False, "info")
    assert env["SMTP_HOST"][0] is False
    assert r.services[0].framework == "chi"


def test_go_viper_keys_need_automatic_env(analyze: Analyze) -> None:
    """Without AutomaticEnv (or a bind) viper reads only its config file: no env names."""
    r = analyze({
        "go.mod": "module x\n\ngo 1.22\n\nrequire github.com/spf13/viper v1.19.0\n",
        "main.go": 'package main\n\nfunc main() {\n\t_ = viper.GetString("smtp_host")\n'
                   '\thttp.ListenAndServe(":8080", nil)\n}\n',
    })  # fmt: skip
    assert "SMTP_HOST" not in _env(r)


MIX = """defmodule Shop.MixProject do
  use Mix.Project
  def project, do: [app: :shop, version: "0.1.0", deps: deps()]
  defp deps, do: [{:phoenix, "~> 1.7"}]
end
"""


def test_elixir_get_env_without_fallback_is_optional_unless_a_call_needs_it(
    analyze: Analyze,
) -> None:
    """System.get_env gives nil when unset: optional, like a Python .get(); handed straight
    to String.to_integer it crashes at boot: required; `|| raise` and fetch_env! too."""
    r = analyze({
        "mix.exs": MIX,
        "config/runtime.exs": """import Config
config :shop, dns_cluster_query: System.get_env("DNS_CLUSTER_QUERY")
config :shop, Shop.Repo, pool_size: String.to_integer(System.get_env("POOL_SIZE"))
secret = System.get_env("SECRET_KEY_BASE") || raise "SECRET_KEY_BASE is missing"
config :shop, :github, client_id: System.fetch_env!("GITHUB_CLIENT_ID")
""",
    })  # fmt: skip
    env = _env(r)
    assert env["DNS_CLUSTER_QUERY"][0] is False
    assert env["POOL_SIZE"][0] is True
    assert env["SECRET_KEY_BASE"][0] is True
    assert env["GITHUB_CLIENT_ID"][0] is True


def test_ruby_reads_inside_an_env_guarded_block_are_optional(analyze: Analyze) -> None:
    """analysis-rules 7.4 feature_optional: the body of `if ENV[...]` (a block, an `if`
    expression, or a modifier `if`) runs only when the feature is configured."""
    r = analyze({
        "Gemfile": 'source "https://rubygems.org"\ngem "sinatra"\n',
        "config.ru": 'require "./app"\nrun App\n',
        "app.rb": """require "sinatra"

if ENV["BUCKET_NAME"]
  Storage.configure(
    ENV["BUCKET_NAME"],
    key: ENV["BUCKET_ACCESS_KEY"],
  )
end

cache = if ENV["CACHE_SERVERS"]
  [:mem_cache_store, { username: ENV["CACHE_USERNAME"] }]
else
  :memory_store
end

Mailer.password = ENV["MAIL_PASSWORD"] if ENV["MAIL_ENABLED"]
Client.token = ENV["CLIENT_TOKEN"]
""",
    })  # fmt: skip
    env = _env(r)
    for name in ("BUCKET_ACCESS_KEY", "CACHE_USERNAME", "MAIL_PASSWORD", "BUCKET_NAME"):
        assert env[name][0] is False, name
    assert env["CLIENT_TOKEN"][0] is True, "an unguarded read without fallback stays required"


def test_procfile_command_defaults_are_optional_env(analyze: Analyze) -> None:
    """analysis-rules 7.1 (shell): `${NAME:-5}` in a process command is a read with a fallback."""
    r = analyze({
        "Procfile": "web: bundle exec puma -p $PORT\n"
                    "worker: bundle exec sidekiq -c ${SIDEKIQ_CONCURRENCY:-5}\n",
        "Gemfile": 'source "https://rubygems.org"\ngem "sinatra"\ngem "sidekiq"\n',
        "config.ru": "run App\n",
    })  # fmt: skip
    worker = next(i for i, s in enumerate(r.services) if s.name == "worker")
    assert _env(r, worker)["SIDEKIQ_CONCURRENCY"] == (False, "5")
    assert all(v.name != "PORT" for s in r.services for v in s.runtime_vars)


def test_go_loopback_listen_literal_is_a_review_item(analyze: Analyze) -> None:
    """analysis-rules 4.4: `e.Start("127.0.0.1:8585")` keeps the port but can never be
    reached by the ingress; `":8585"` is fine."""
    mod = "module x\n\ngo 1.22\n\nrequire github.com/labstack/echo/v4 v4.12.0\n"
    loop = analyze({
        "go.mod": mod,
        "main.go": 'package main\n\nfunc main() {\n\te.Logger.Fatal(e.Start("127.0.0.1:8585"))\n}\n',
    })  # fmt: skip
    items = [i for i in loop.review if i.code == "loopback_bind"]
    assert loop.services[0].port == 8585
    assert len(items) == 1
    assert "127.0.0.1:8585" in items[0].message
    assert items[0].evidence[0].file == "main.go"
    open_bind = analyze({
        "go.mod": mod,
        "main.go": 'package main\n\nfunc main() {\n\te.Logger.Fatal(e.Start(":8585"))\n}\n',
    }, name="open")  # fmt: skip
    assert not [i for i in open_bind.review if i.code == "loopback_bind"]
