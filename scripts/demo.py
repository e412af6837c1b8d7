"""The README demo (``./dev demo``): deploy an example app to the local gateway, then re-plan.

1. Copy ``examples/flask-postgres`` (one web service + Postgres) to a temporary folder.
2. ``odiac --gateway local apply --auto-approve``: registers a local client agent,
   creates the project, database and service, uploads and binds the source, deploys,
   waits for the auto domain and renames it.
3. ``odiac --gateway local auth claim``: the claim step the apply output prints, which
   binds the agent to a local user (its caps are lifted).
4. ``odiac --gateway local plan --detailed-exitcode``: shows "No changes" (exit 0).

Everything runs against the embedded emulator; nothing leaves the machine. Secret
references of the example (``{ secret = "env:NAME" }``) get throw-away values.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "flask-postgres"


def env_refs(node: Any) -> Iterator[str]:
    """Every ``env:NAME`` secret reference in a parsed opendeploy.toml."""
    if isinstance(node, dict):
        ref = node.get("secret")
        if isinstance(ref, str) and ref.startswith("env:"):
            yield ref.removeprefix("env:")
        for value in node.values():
            yield from env_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from env_refs(value)


def run(step: str, args: list[str], cwd: Path, env: dict[str, str]) -> int:
    print(f"\n$ odiac {' '.join(args)}    # {step}", flush=True)
    started = time.monotonic()
    code = subprocess.call([sys.executable, "-m", "odiac", *args], cwd=cwd, env=env)  # noqa: S603 - our own CLI
    print(f"[exit {code} after {time.monotonic() - started:.1f} s]", flush=True)
    return code


def main() -> int:
    if not (EXAMPLE / "opendeploy.toml").is_file():
        print(f"demo: {EXAMPLE} is missing its opendeploy.toml", file=sys.stderr)
        return 1
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "OPENDEPLOY_TOKEN")}
    config = tomllib.loads((EXAMPLE / "opendeploy.toml").read_text(encoding="utf-8"))
    for name in sorted(set(env_refs(config))):
        env.setdefault(name, "demo-" + secrets.token_hex(12))
    with tempfile.TemporaryDirectory(prefix="odiac-demo-") as tmp:
        workdir = Path(tmp) / EXAMPLE.name
        shutil.copytree(EXAMPLE, workdir, ignore=shutil.ignore_patterns(".opendeploy"))
        print(f"demo: deploying {EXAMPLE.relative_to(ROOT)} from {workdir} to the local gateway")
        apply_args = ["--gateway", "local", "apply", "--auto-approve"]
        if run("create everything and deploy", apply_args, workdir, env) != 0:
            return 1
        claim_args = ["--gateway", "local", "auth", "claim"]
        if run("claim the agent, as the apply output says", claim_args, workdir, env) != 0:
            return 1
        plan_args = ["--gateway", "local", "plan", "--detailed-exitcode"]
        code = run("a second plan finds nothing to do", plan_args, workdir, env)
        if code != 0:
            print("demo: the second plan was not clean", file=sys.stderr)
            return 1
    print("\ndemo: done - applied once, claimed, and the re-plan shows no changes.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
