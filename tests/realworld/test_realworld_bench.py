"""Smoke test of ``bench/realworld.py`` on a local synthetic git repository (no network).

The bench materialises an app from a mirror at a pinned commit, scores the
analysis against the corpus facts, runs the journeys against a served emulator,
and reports a missing mirror instead of counting it.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from helpers.e2e import OdiacExe

BENCH = Path(__file__).resolve().parents[2] / "bench" / "realworld.py"


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", "-c", "user.email=b@example.test", "-c", "user.name=bench", *args],
        cwd=cwd, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def mirror(root: Path) -> str:
    """A one-commit repository laid out as the mirrors are (owner+name/repo)."""
    work = root / "work"
    (work / "site").mkdir(parents=True)
    (work / "site" / "index.html").write_text("<!doctype html><title>hi</title><p>hi</p>\n")
    (work / "README.md").write_text("a site in site/\n")
    git("init", "-q", ".", cwd=work)
    git("add", "-A", cwd=work)
    git("commit", "-qm", "site", cwd=work)
    commit = git("rev-parse", "HEAD", cwd=work)
    # a later commit that must not be what the bench sees
    (work / "site" / "late.txt").write_text("after the pin\n")
    git("add", "-A", cwd=work)
    git("commit", "-qm", "later", cwd=work)
    git("clone", "-q", "--bare", str(work), str(root / "mirrors" / "acme+site" / "repo"), cwd=root)
    return commit


def test_bench_scores_journeys_and_reports_missing_mirrors(
    tmp_path: Path, odiac_exe: OdiacExe
) -> None:
    commit = mirror(tmp_path)
    corpus = {
        "apps": [
            {
                "id": "tiny-site", "repo": "acme/site", "commit": commit, "subdir": "site",
                "ecosystem": "static",
                "services": {"tiny-site": {"type": "static", "port": 80}},
                "databases": [], "env": {"required": [], "optional": []},
            },
            {
                "id": "wrong-port", "repo": "acme/site", "commit": commit, "subdir": "site",
                "ecosystem": "static",
                "services": {"wrong-port": {"type": "static", "port": 8080}},
                "databases": ["redis"], "env": {"required": ["NOPE"], "optional": []},
            },
            {"id": "gone", "repo": "acme/absent", "commit": commit, "ecosystem": "node",
             "services": {}, "databases": [], "env": {}},
        ]
    }  # fmt: skip
    (tmp_path / "corpus.json").write_text(json.dumps(corpus))
    done = odiac_exe.python(
        BENCH, "--corpus", tmp_path / "corpus.json", "--mirrors", tmp_path / "mirrors",
        "--json", tmp_path / "rows.json", timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    rows = {r["id"]: r for r in json.loads((tmp_path / "rows.json").read_text())}
    assert rows["gone"]["status"] == "missing"
    assert "SKIPPED gone: missing: no mirror of acme/absent" in done.stdout
    tiny = rows["tiny-site"]
    assert tiny["status"] == "ok"
    assert tiny["correct"] == tiny["total"], tiny["misses"]
    assert tiny["init_valid"] is True
    assert tiny["anonymous"] == "converged"
    assert tiny["account"] == "converged"
    wrong = rows["wrong-port"]
    assert "port: wrong-port port 8080 != 80" in wrong["misses"]
    assert "databases: expected ['redis'], got []" in wrong["misses"]
    assert "env_required: NOPE missed as required" in wrong["misses"]
    assert "ALL" in done.stdout
    assert "init valid: 2/2" in done.stdout


def test_bench_reports_the_holdout_set_apart_and_reads_non_bare_mirrors(
    tmp_path: Path, odiac_exe: OdiacExe
) -> None:
    commit = mirror(tmp_path)
    # the same repository left as a work tree with its .git inside, as some mirrors are
    git("clone", "-q", str(tmp_path / "work"), str(tmp_path / "mirrors" / "acme+tree" / "repo"),
        cwd=tmp_path)  # fmt: skip
    site = {"type": "static", "port": 80}
    corpus = {
        "apps": [
            {"id": "tuned", "repo": "acme/site", "commit": commit, "subdir": "site",
             "ecosystem": "static", "services": {"tuned": site}, "databases": [],
             "env": {"required": [], "optional": []}},
            {"id": "unseen", "repo": "acme/tree", "commit": commit, "subdir": "site",
             "ecosystem": "static", "set": "holdout", "services": {"unseen": site},
             "databases": ["redis"], "env": {"required": [], "optional": []}},
        ]
    }  # fmt: skip
    (tmp_path / "corpus.json").write_text(json.dumps(corpus))
    base = ["--corpus", tmp_path / "corpus.json", "--mirrors", tmp_path / "mirrors", "--no-journey"]
    both = odiac_exe.python(BENCH, *base, timeout=600)
    assert both.returncode == 0, both.stdout + both.stderr
    assert "set main: 4/4 = 100.0% on 1 apps" in both.stdout
    assert "set holdout: 3/4 = 75.0% on 1 apps" in both.stdout
    assert "unseen [holdout]" in both.stdout
    only = odiac_exe.python(BENCH, *base, "--set", "holdout", "--json", tmp_path / "rows.json",
                            timeout=600)  # fmt: skip
    assert only.returncode == 0, only.stdout + only.stderr
    rows = json.loads((tmp_path / "rows.json").read_text())
    assert [(r["id"], r["set"], r["status"]) for r in rows] == [("unseen", "holdout", "ok")]
    assert "set main" not in only.stdout
