"""Real-world corpus: analyzer accuracy and the first-deploy journey on public apps.

Each app of ``bench/realworld/corpus.json`` (a public repository at a pinned
commit, with facts established by reading its files) is materialised from its
local mirror with ``git archive`` into a temporary folder, then driven with real
``odiac`` subprocesses against one ``odiac emulator serve`` on loopback:

* field accuracy: ``odiac init --json`` against the expected services, types,
  ports, databases and required/optional env names, per ecosystem;
* init valid: ``odiac init`` then ``odiac validate`` exit 0;
* anonymous journey: no credential; ``init`` → ``apply`` must converge
  (``plan --detailed-exitcode`` = 0) or refuse before anything was created
  (checked in the emulator's state);
* account journey: ``OPENDEPLOY_TOKEN`` of a fresh user; ``init`` → ``apply`` →
  ``plan`` must converge on every deployable app.

An app whose mirror (or commit) is missing is reported and left out of the
numbers. Nothing of the apps is stored in this repository: only facts.

Usage:
    python bench/realworld.py                       # every app
    python bench/realworld.py --only voting-app     # some apps
    python bench/realworld.py --json out.json       # also write the rows
    python bench/realworld.py --no-journey          # accuracy only
    python bench/realworld.py --set holdout         # only the apps kept out of tuning

Each app belongs to a set (``"set"`` in the corpus, ``main`` when absent). The
``holdout`` set holds apps whose facts were written before odiac ever ran on
them and that no analyzer change is tuned against: its accuracy estimates how
odiac does on repositories it has never seen; ``holdout2`` is a second such set,
written after the first had been tuned on. The report shows every set apart.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "realworld" / "corpus.json"
MIRRORS = Path(os.environ.get("ODIAC_MIRRORS", "/work/.mirror"))
FIELDS = ("services", "type", "port", "databases", "env_required", "env_optional")
# Names a managed dependency injects: not the app's own configuration.
INJECTED = re.compile(
    r"^(DATABASE_URL|POSTGRES_\w+|PG(HOST|USER|PASSWORD|DATABASE|PORT)|MYSQL_\w+|MONGODB_URI"
    r"|MONGO_URL|REDIS_URL|CLICKHOUSE_\w+)$"
)
TIMEOUT_S = 300


@dataclass
class Row:
    """What happened to one app."""

    id: str
    ecosystem: str
    set: str = "main"
    status: str = "ok"  # ok | missing | error
    detail: str = ""
    correct: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    misses: list[str] = field(default_factory=list)
    init_valid: bool | None = None
    anonymous: str = ""  # converged | refused-clean | half-made | failed: ...
    account: str = ""  # converged | not-deployable | failed: ...


def mirror_of(repo: str, root: Path | None = None) -> Path:
    """The git directory ``fetch`` leaves for ``owner/name`` (bare, or a ``.git`` inside)."""
    folder = (root or MIRRORS) / repo.replace("/", "+") / "repo"
    return folder / ".git" if (folder / ".git").is_dir() else folder


def materialise(app: dict[str, Any], dest: Path, root: Path | None = None) -> str | None:
    """Extract the app at its commit (and sub-folder) into ``dest``; a reason when impossible."""
    git_dir = mirror_of(app["repo"], root)
    if not git_dir.is_dir():
        return f"no mirror of {app['repo']} (fetch it first)"
    treeish = app["commit"] + (f":{app['subdir']}" if app.get("subdir") else "")
    archive = subprocess.run(
        ["git", f"--git-dir={git_dir}", "archive", "--format=tar", treeish],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        return f"{app['repo']}@{treeish} is not in the mirror"
    dest.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return None


def odiac(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a real ``odiac`` subprocess (never raises on a non-zero exit)."""
    try:
        return subprocess.run(
            [sys.executable, "-m", "odiac", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(args, 124, "", f"timed out after {TIMEOUT_S}s")


def base_env(**extra: str) -> dict[str, str]:
    """The environment without any credential of the caller's."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENDEPLOY", "OPDEPLOY", "OD_")) and k != "CI"
    }
    env.update(extra)
    return env


# -- accuracy -----------------------------------------------------------------


def score(app: dict[str, Any], payload: dict[str, Any], row: Row) -> None:
    """Add the field comparisons of one app to ``row``."""
    produced = payload.get("services", [payload]) if "refused" not in payload else []
    got = {s["name"]: s for s in produced}
    expected: dict[str, dict[str, Any]] = app.get("services", {})
    paths = {s.get("source_path", "."): s for s in produced}

    def add(name: str, ok: bool, what: str) -> None:
        row.total[name] += 1
        row.correct[name] += int(ok)
        if not ok:
            row.misses.append(f"{name}: {what}")

    matched: dict[str, dict[str, Any]] = {}
    for name, want in expected.items():
        svc = got.get(name) or next((got[a] for a in want.get("aliases", []) if a in got), None)
        if svc is None and "path" in want:
            svc = paths.get(want["path"])
        if svc is not None:
            matched[name] = svc
    add(
        "services",
        len(matched) == len(expected) and len(produced) == len(expected),
        f"expected {sorted(expected)}, got {sorted(got)}",
    )
    for name, want in expected.items():
        svc = matched.get(name)
        add("type", svc is not None and svc["project_type"] == want["type"],
            f"{name} type {want['type']} != {svc and svc['project_type']}")  # fmt: skip
        if want["type"] in ("web", "static"):
            add("port", svc is not None and svc.get("port") == want.get("port"),
                f"{name} port {want.get('port')} != {svc and svc.get('port')}")  # fmt: skip
    dbs = sorted({d for s in produced for d in s.get("dependencies", [])})
    add("databases", dbs == sorted(app.get("databases", [])),
        f"expected {sorted(app.get('databases', []))}, got {dbs}")  # fmt: skip
    env = app.get("env", {})
    required = {v["name"] for s in produced for v in s.get("runtime_vars", []) if v["required"]}
    optional = {v["name"] for s in produced for v in s.get("runtime_vars", [])} - required
    for kind, have in (("required", required), ("optional", optional)):
        if env.get(kind) is None and kind == "optional":
            continue  # optional names not established for this app
        ignored = set(env.get("ignore", []))
        want_names = {n for n in env.get(kind, []) if not INJECTED.match(n)} - ignored
        have = {n for n in have if not INJECTED.match(n)} - ignored
        for name in sorted(want_names | have):
            add(f"env_{kind}", name in want_names and name in have,
                f"{name} {'missed' if name in want_names else 'not expected'} as {kind}")  # fmt: skip


# -- journeys -------------------------------------------------------------------


def secrets_env(folder: Path) -> dict[str, str]:
    """A made-up value for every ACTIVE ``env:NAME`` secret reference of the file.

    Commented-out references (optional secrets, parked services) are left unset, as a
    new user would leave them: the journey measures the real first try.
    """
    try:
        data = tomllib.loads((folder / "opendeploy.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    return {name: f"bench-{name.lower()}-value-1234" for name in sorted(active_refs(data))}


def active_refs(node: Any) -> set[str]:
    """The ``NAME`` of every ``{ secret = "env:NAME" }`` table in parsed TOML."""
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("secret")
        if isinstance(ref, str) and ref.startswith("env:"):
            found.add(ref[4:])
        for value in node.values():
            found |= active_refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= active_refs(value)
    return found


def created(state: dict[str, Any]) -> int:
    """Rows a deploy would have created (projects, services, dependencies)."""
    kinds = ("project", "service", "dependency", "deployment", "volume")
    return sum(len(state.get(k) or []) for k in kinds)


def journey(folder: Path, gateway: str, env: dict[str, str], control: Any) -> str:
    """init → apply → plan; the outcome in one word (or ``failed: why``)."""
    init = odiac(["--gateway", gateway, "init", ".", "--force"], folder, env)
    if init.returncode != 0:
        return "refused-clean" if created(control.state()) == 0 else "failed: init"
    env = {**env, **secrets_env(folder)}
    apply = odiac(["apply", "--auto-approve"], folder, env)
    if apply.returncode != 0:
        if created(control.state()) == 0:
            return "refused-clean"
        last = (apply.stderr.strip() or apply.stdout.strip()).splitlines()[-1:] or ["?"]
        return f"half-made: {last[0][:160]}"
    plan = odiac(["plan", "--detailed-exitcode"], folder, env)
    if plan.returncode == 0:
        return "converged"
    return f"failed: plan exit {plan.returncode} after apply"


def run_app(app: dict[str, Any], emu: Any, work: Path, do_journey: bool) -> Row:
    """Accuracy and journeys of one app."""
    row = Row(app["id"], app["ecosystem"], app_set(app))
    src = work / "src" / app["id"]
    problem = materialise(app, src)
    if problem:
        row.status, row.detail = "missing", problem
        return row
    analysis = odiac(["init", ".", "--json"], src, base_env())
    try:
        payload = json.loads(analysis.stdout)
    except json.JSONDecodeError:
        row.status, row.detail = "error", (analysis.stderr.strip().splitlines() or ["?"])[-1]
        return row
    score(app, payload, row)
    deployable = app.get("deployable", True)
    probe = work / "init" / app["id"]
    shutil.copytree(src, probe)
    init = odiac(["init", ".", "--anonymous"], probe, base_env())
    if init.returncode == 0:
        row.init_valid = odiac(["validate"], probe, base_env()).returncode == 0
    else:
        row.init_valid = not deployable  # a refusal is right only for an app that isn't one
    if not do_journey:
        return row
    control = emu.control()
    control.reset()
    anon = work / "anonymous" / app["id"]
    shutil.copytree(src, anon)
    row.anonymous = journey(anon, emu.base_url, base_env(), control)
    control.reset()
    if not deployable:
        row.account = "not-deployable"
        return row
    user = control.create_user(f"{app['id']}@bench.example")
    acct = work / "account" / app["id"]
    shutil.copytree(src, acct)
    row.account = journey(acct, emu.base_url, base_env(OPENDEPLOY_TOKEN=user["api_key"]), control)
    control.reset()
    return row


# -- report -------------------------------------------------------------------------


def report(rows: list[Row], apps: dict[str, dict[str, Any]]) -> str:
    """The printed summary: per-field accuracy, per ecosystem, journeys, misses."""
    lines: list[str] = []
    measured = [r for r in rows if r.status == "ok"]
    for r in rows:
        if r.status != "ok":
            lines.append(f"SKIPPED {r.id}: {r.status}: {r.detail}")

    def ratio(rs: list[Row], f: str) -> str:
        total = sum(r.total[f] for r in rs)
        return f"{sum(r.correct[f] for r in rs) / total:6.1%}" if total else "     -"

    head = "ecosystem".ljust(12) + "".join(f.rjust(14) for f in FIELDS) + "   apps"
    lines += ["", head, "-" * len(head)]
    by_eco: dict[str, list[Row]] = defaultdict(list)
    for r in measured:
        by_eco[r.ecosystem].append(r)
    for eco in sorted(by_eco):
        rs = by_eco[eco]
        lines.append(
            eco.ljust(12) + "".join(ratio(rs, f).rjust(14) for f in FIELDS) + f"{len(rs):7d}"
        )
    lines.append(
        "ALL".ljust(12)
        + "".join(ratio(measured, f).rjust(14) for f in FIELDS)
        + f"{len(measured):7d}"
    )
    correct = sum(sum(r.correct.values()) for r in measured)
    total = sum(sum(r.total.values()) for r in measured)
    lines.append(
        f"\nfield accuracy (all fields): {correct}/{total} = {correct / max(total, 1):.1%}"
    )
    sets = sorted({r.set for r in measured})
    if len(sets) > 1 or sets != ["main"]:
        lines += [set_line(s, [r for r in measured if r.set == s], apps) for s in sets]
    lines.append(f"init valid: {sum(bool(r.init_valid) for r in measured)}/{len(measured)}")
    anon_ok = [r for r in measured if r.anonymous in ("converged", "refused-clean")]
    deployable = [r for r in measured if apps[r.id].get("deployable", True)]
    asks = [r for r in deployable if needs_a_port(apps[r.id])]
    ready = [r for r in deployable if r not in asks]
    acct_ok = [r for r in ready if r.account == "converged"]
    asked = [r for r in asks if r.account == "refused-clean"]
    if any(r.anonymous for r in measured):
        converged = sum(r.anonymous == "converged" for r in measured)
        lines.append(
            f"anonymous journey ok: {len(anon_ok)}/{len(measured)} "
            f"({converged} converged, {len(anon_ok) - converged} refused before creating anything)"
        )
        lines.append(f"account journey converged: {len(acct_ok)}/{len(ready)} deployable apps")
        if asks:
            lines.append(
                f"apps whose port only the user can say: {len(asked)}/{len(asks)} refused at plan"
                " time, before creating anything"
            )
    lines.append("\nper app:")
    for r in measured:
        tag = "" if r.set == "main" else f" [{r.set}]"
        lines.append(
            f"  {r.id + tag:32} init={'ok' if r.init_valid else 'BAD'}  anon={r.anonymous or '-'}  "
            f"account={r.account or '-'}"
        )
        lines += [f"      - {m}" for m in r.misses]
    return "\n".join(lines)


def set_line(name: str, rows: list[Row], apps_by_id: dict[str, dict[str, Any]]) -> str:
    """One set's headline: field accuracy per field and overall, init validity, journeys."""
    correct = sum(sum(r.correct.values()) for r in rows)
    total = sum(sum(r.total.values()) for r in rows)
    fields = " ".join(
        f"{f}={sum(r.correct[f] for r in rows)}/{sum(r.total[f] for r in rows)}" for f in FIELDS
    )
    journeys = ""
    if any(r.anonymous for r in rows):
        anon = sum(r.anonymous in ("converged", "refused-clean") for r in rows)
        acct = sum(account_ok(r, apps_by_id[r.id]) for r in rows)
        journeys = f", anonymous ok {anon}/{len(rows)}, account ok {acct}/{len(rows)}"
    return (
        f"  set {name}: {correct}/{total} = {correct / max(total, 1):.1%} on {len(rows)} apps, "
        f"init valid {sum(bool(r.init_valid) for r in rows)}/{len(rows)}{journeys} ({fields})"
    )


def needs_a_port(app: dict[str, Any]) -> bool:
    """A web service whose port the app's files don't give: odiac must ask, not deploy."""
    return any(
        svc.get("type") == "web" and svc.get("port") is None for svc in app["services"].values()
    )


def account_ok(row: Row, app: dict[str, Any]) -> bool:
    """Converged; or, where only the user can give the port, refused before creating anything."""
    if row.account == "not-deployable":
        return True
    return row.account == ("refused-clean" if needs_a_port(app) else "converged")


def app_set(app: dict[str, Any]) -> str:
    """The set an app belongs to (``main`` unless the corpus says otherwise)."""
    return str(app.get("set", "main"))


def load_corpus(path: Path = CORPUS) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    apps: list[dict[str, Any]] = data["apps"]
    return apps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--mirrors", type=Path, default=None)
    parser.add_argument("--only", nargs="*", default=None, help="app ids to run")
    parser.add_argument("--no-journey", action="store_true", help="accuracy and init only")
    parser.add_argument(
        "--set", default=None, help="only the apps of this set (main, holdout, holdout2)"
    )
    parser.add_argument("--json", type=Path, default=None, help="write the rows here")
    args = parser.parse_args(argv)
    global MIRRORS
    if args.mirrors is not None:
        MIRRORS = args.mirrors
    apps = [
        a
        for a in load_corpus(args.corpus)
        if (not args.only or a["id"] in args.only) and (args.set is None or app_set(a) == args.set)
    ]
    from odiac.testing import serve_emulator

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="odiac-realworld-") as tmp:
        work = Path(tmp)
        with serve_emulator(work / "emulator", extra_args=["--time-scale", "200"]) as emu:
            for app in apps:
                row = run_app(app, emu, work, not args.no_journey)
                rows.append(row)
                print(f"{row.id}: {row.status} init={row.init_valid} anon={row.anonymous} "
                      f"account={row.account} misses={len(row.misses)}", file=sys.stderr, flush=True)  # fmt: skip
    print(report(rows, {a["id"]: a for a in apps}))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
