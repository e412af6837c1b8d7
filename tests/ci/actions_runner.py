"""A small GitHub Actions runner for tests: runs a workflow's jobs for real, locally.

Each job's steps run in order in one workspace (a fresh copy of an app): ``run:``
steps with bash exactly as Actions does (a script file, ``bash -e {0}`` or, with
``shell: bash``, ``bash --noprofile --norc -eo pipefail {0}``), with the files and
variables Actions provides: ``GITHUB_STEP_SUMMARY``, ``GITHUB_OUTPUT``,
``GITHUB_ENV``, ``GITHUB_PATH`` (a fresh file per step, read back afterwards),
``GITHUB_EVENT_NAME``/``GITHUB_EVENT_PATH`` (the event payload as a JSON file),
``GITHUB_WORKSPACE``, ``RUNNER_TEMP``, ``CI``/``GITHUB_ACTIONS``. ``${{ ... }}`` is
evaluated over ``secrets``, ``github`` (``event``, ``event_name``, ``token``,
``action_path``, ...), ``env``, ``steps.<id>.outputs``/``outcome``, ``inputs``,
``job`` and ``runner``; job and step ``if:`` use the same evaluator.

``uses:`` steps: a local composite action (``./path``, or a reference the test maps
to a directory) is expanded and its steps run with its ``inputs`` and ``outputs``;
any other action must have a handler (a Python callable given by the test, e.g.
checkout as a no-op, setup-python as a fresh virtualenv put on PATH). An action
with neither is an error, so nothing is silently skipped.
"""

from __future__ import annotations

import fnmatch
import json
import os
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .expressions import condition, substitute, to_text

SHELLS = {
    None: ["bash", "-e", "{0}"],
    "bash": ["bash", "--noprofile", "--norc", "-eo", "pipefail", "{0}"],
    "sh": ["sh", "-e", "{0}"],
    "python": ["python", "{0}"],
}
STEP_TIMEOUT_S = 300


@dataclass
class StepResult:
    name: str
    id: str | None
    outcome: str  # success | failure | skipped
    exit_code: int | None = None
    stdout: str = ""
    stderr: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    children: list[StepResult] = field(default_factory=list)

    def log(self) -> str:
        parts = [
            f"--- {self.name} [{self.outcome}, exit {self.exit_code}]",
            self.stdout,
            self.stderr,
        ]
        return "\n".join([*parts, *(child.log() for child in self.children)])


@dataclass
class JobResult:
    job: str
    ran: bool
    conclusion: str  # success | failure | skipped
    steps: list[StepResult] = field(default_factory=list)
    summary: str = ""

    def step(self, key: str) -> StepResult:
        for step in self.steps:
            if key in (step.id, step.name):
                return step
        raise KeyError(key)

    def log(self) -> str:
        return "\n".join(step.log() for step in self.steps)

    def output_text(self) -> str:
        """Everything the job printed or wrote to the summary, for leak scans."""
        return self.log() + "\n" + self.summary


Handler = Callable[["JobState", dict[str, str]], None]


def load_yaml(path: Path) -> dict[str, Any]:
    document = yaml.safe_load(path.read_text())
    if True in document:  # YAML 1.1 reads the key `on` as a boolean
        document["on"] = document.pop(True)
    if not isinstance(document, dict):
        raise ValueError(f"{path} is not a mapping")
    return document


@dataclass
class JobState:
    """What persists between the steps of one job."""

    runner: ActionsRunner
    env: dict[str, str]
    path: list[str]
    steps: dict[str, Any] = field(default_factory=dict)
    status: str = "success"
    summaries: list[str] = field(default_factory=list)


class ActionsRunner:
    def __init__(
        self,
        workspace: Path,
        temp: Path,
        *,
        event_name: str,
        event: Mapping[str, Any],
        secrets: Mapping[str, str],
        base_env: Mapping[str, str],
        handlers: Mapping[str, Handler] | None = None,
        actions: Mapping[str, Path] | None = None,
    ) -> None:
        self.workspace = workspace
        self.temp = temp
        self.event_name = event_name
        self.event = dict(event)
        self.secrets = dict(secrets)
        self.base_env = dict(base_env)
        self.handlers = dict(handlers or {})
        self.actions = dict(actions or {})
        self.temp.mkdir(parents=True, exist_ok=True)
        self.event_path = self.temp / "event.json"
        self.event_path.write_text(json.dumps(self.event))
        self._counter = 0

    # ---- workflows and jobs -------------------------------------------------
    def run_workflow(self, workflow: Path | dict[str, Any]) -> dict[str, JobResult]:
        """Every job, dependencies (``needs``) first; a job whose needs failed is skipped."""
        document = load_yaml(workflow) if isinstance(workflow, Path) else workflow
        if not self.triggers(document):
            raise ValueError(f"a {self.event_name} event does not trigger this workflow")
        group = (document.get("concurrency") or {}).get("group", "")
        substitute(str(group), self._context(JobState(self, env={}, path=[]), {}))
        results: dict[str, JobResult] = {}
        pending = dict(document["jobs"])
        while pending:
            ready = [
                name
                for name, job in pending.items()
                if all(n in results for n in _as_list(job.get("needs")))
            ]
            if not ready:
                raise ValueError(f"jobs with unmet needs: {sorted(pending)}")
            for name in ready:
                job = pending.pop(name)
                if any(results[n].conclusion != "success" for n in _as_list(job.get("needs"))):
                    results[name] = JobResult(name, ran=False, conclusion="skipped")
                else:
                    results[name] = self.run_job(document, name)
        return results

    def triggers(self, document: dict[str, Any]) -> bool:
        """Whether this event starts the workflow (its `on:` event, types and branches)."""
        on = document["on"]
        if isinstance(on, (str, list)):
            return self.event_name in _as_list(on)
        if self.event_name not in on:
            return False
        spec = on[self.event_name] or {}
        if self.event_name.startswith("pull_request"):
            types = spec.get("types", ["opened", "synchronize", "reopened"])
            return self.event.get("action") in types
        if self.event_name == "push" and "branches" in spec:
            branch = self._ref().removeprefix("refs/heads/")
            return any(fnmatch.fnmatchcase(branch, pattern) for pattern in spec["branches"])
        return True

    def run_job(self, document: dict[str, Any], name: str) -> JobResult:
        job = document["jobs"][name]
        state = JobState(self, env={}, path=[])
        base = self._github_env()
        context = self._context(state, {})
        for scope in (document.get("env"), job.get("env")):
            for key, value in (scope or {}).items():
                state.env[key] = substitute(to_text(value), {**context, "env": state.env})
        if not condition(job.get("if"), self._context(state, {})):
            return JobResult(name, ran=False, conclusion="skipped")
        defaults = {
            **((document.get("defaults") or {}).get("run") or {}),
            **((job.get("defaults") or {}).get("run") or {}),
        }
        results = self._run_steps(job["steps"], state, {}, defaults, base)
        return JobResult(
            name,
            ran=True,
            conclusion=state.status,
            steps=results,
            summary="".join(state.summaries),
        )

    # ---- steps ----------------------------------------------------------------
    def _run_steps(
        self,
        steps: list[dict[str, Any]],
        state: JobState,
        extra: dict[str, Any],
        defaults: dict[str, Any],
        base: dict[str, str],
        step_env: Mapping[str, str] | None = None,
    ) -> list[StepResult]:
        results: list[StepResult] = []
        local_steps: dict[str, Any] = state.steps if not extra else extra.setdefault("steps", {})
        for index, step in enumerate(steps):
            name = str(step.get("name") or step.get("run") or step.get("uses") or f"step {index}")
            context = self._context(state, extra)
            if not condition(step.get("if"), context):
                result = StepResult(name.strip(), step.get("id"), "skipped")
            else:
                env = {**state.env, **(step_env or {})}
                for key, value in (step.get("env") or {}).items():
                    env[key] = substitute(to_text(value), {**context, "env": env})
                result = self._run_step(step, name, state, extra, defaults, base, env)
                if result.outcome == "failure" and not step.get("continue-on-error"):
                    state.status = "failure"
            results.append(result)
            if result.id:
                local_steps[result.id] = {
                    "outputs": result.outputs,
                    "outcome": result.outcome,
                    "conclusion": "success"
                    if step.get("continue-on-error") and result.outcome == "failure"
                    else result.outcome,
                }
        return results

    def _run_step(
        self,
        step: dict[str, Any],
        name: str,
        state: JobState,
        extra: dict[str, Any],
        defaults: dict[str, Any],
        base: dict[str, str],
        env: dict[str, str],
    ) -> StepResult:
        context = {**self._context(state, extra), "env": env}
        if "uses" in step:
            with_inputs = {
                key: substitute(to_text(value), context)
                for key, value in (step.get("with") or {}).items()
            }
            return self._uses(step, name, state, with_inputs, base, env)
        script = substitute(str(step["run"]), context)
        shell = step.get("shell", defaults.get("shell"))
        workdir = step.get("working-directory", defaults.get("working-directory"))
        if workdir is not None:
            workdir = substitute(str(workdir), context)
        return self._bash(name, step.get("id"), script, shell, workdir, state, base, env)

    def _bash(
        self,
        name: str,
        step_id: str | None,
        script: str,
        shell: str | None,
        workdir: str | None,
        state: JobState,
        base: dict[str, str],
        env: dict[str, str],
    ) -> StepResult:
        self._counter += 1
        files = {
            key: self.temp / f"{key.lower()}-{self._counter}"
            for key in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STEP_SUMMARY")
        }
        for path in files.values():
            path.write_text("")
        script_path = self.temp / f"step-{self._counter}.sh"
        script_path.write_text(script)
        if shell not in SHELLS:
            raise ValueError(f"unsupported shell {shell!r} in step {name!r}")
        argv = [part.replace("{0}", str(script_path)) for part in SHELLS[shell]]
        full_env = {
            **base,
            **env,
            **{key: str(path) for key, path in files.items()},
            "PATH": os.pathsep.join([*reversed(state.path), base["PATH"]]),
        }
        cwd = self.workspace / (workdir or "")
        if not cwd.is_dir():
            raise ValueError(f"working-directory {workdir!r} of step {name!r} does not exist")
        try:
            done = subprocess.run(
                argv,
                cwd=cwd,
                env=full_env,
                capture_output=True,
                text=True,
                timeout=STEP_TIMEOUT_S,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            return StepResult(name, step_id, "failure", None, str(exc.stdout), str(exc.stderr))
        state.summaries.append(files["GITHUB_STEP_SUMMARY"].read_text())
        state.env.update(parse_key_values(files["GITHUB_ENV"].read_text()))
        state.path.extend(p for p in files["GITHUB_PATH"].read_text().splitlines() if p.strip())
        return StepResult(
            name.strip(),
            step_id,
            "success" if done.returncode == 0 else "failure",
            done.returncode,
            done.stdout,
            done.stderr,
            parse_key_values(files["GITHUB_OUTPUT"].read_text()),
        )

    def _uses(
        self,
        step: dict[str, Any],
        name: str,
        state: JobState,
        with_inputs: dict[str, str],
        base: dict[str, str],
        env: dict[str, str],
    ) -> StepResult:
        ref = str(step["uses"])
        directory = self.actions.get(ref)
        if directory is None and ref.startswith("./"):
            directory = self.workspace / ref
        if directory is not None:
            return self._composite(directory, step, name, state, with_inputs, base, env)
        handler = self.handlers.get(ref.split("@", 1)[0])
        if handler is None:
            raise ValueError(f"no handler for `uses: {ref}`")
        handler(state, with_inputs)
        return StepResult(name, step.get("id"), "success", 0)

    def _composite(
        self,
        directory: Path,
        step: dict[str, Any],
        name: str,
        state: JobState,
        with_inputs: dict[str, str],
        base: dict[str, str],
        env: dict[str, str],
    ) -> StepResult:
        action = load_yaml(directory / "action.yml")
        if action["runs"]["using"] != "composite":
            raise ValueError(f"{directory}/action.yml is not a composite action")
        declared = action.get("inputs") or {}
        unknown = set(with_inputs) - set(declared)
        if unknown:
            raise ValueError(f"unexpected inputs {sorted(unknown)} for {step['uses']}")
        extra: dict[str, Any] = {"steps": {}, "github_action_path": str(directory)}
        inputs: dict[str, str] = {}
        for key, spec in declared.items():
            if key in with_inputs:
                inputs[key] = with_inputs[key]
            elif (spec or {}).get("required") and "default" not in (spec or {}):
                raise ValueError(f"missing required input {key!r} for {step['uses']}")
            else:
                default = to_text((spec or {}).get("default", ""))
                inputs[key] = substitute(default, self._context(state, extra))
        extra["inputs"] = inputs
        for sub in action["runs"]["steps"]:
            if "run" in sub and "shell" not in sub:
                raise ValueError(f"composite step without `shell:` in {directory}/action.yml")
        outer_status = state.status
        state.status = "success"
        children = self._run_steps(
            action["runs"]["steps"],
            state,
            extra,
            {},
            {**base, "GITHUB_ACTION_PATH": str(directory)},
            step_env=env,
        )
        failed = state.status == "failure"
        context = self._context(state, extra)
        outputs = {
            key: substitute(to_text((spec or {}).get("value", "")), context)
            for key, spec in (action.get("outputs") or {}).items()
        }
        state.status = outer_status
        return StepResult(
            name,
            step.get("id"),
            "failure" if failed else "success",
            1 if failed else 0,
            outputs=outputs,
            children=children,
        )

    # ---- contexts ---------------------------------------------------------------
    def _github_env(self) -> dict[str, str]:
        return {
            **self.base_env,
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": self.event_name,
            "GITHUB_EVENT_PATH": str(self.event_path),
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_REPOSITORY": "example/app",
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_RUN_ID": "1",
            "GITHUB_SHA": "0" * 40,
            "GITHUB_REF": self._ref(),
            "RUNNER_OS": "Linux",
            "RUNNER_TEMP": str(self.temp),
        }

    def _ref(self) -> str:
        if "pull_request" in self.event:
            return f"refs/pull/{self.event['pull_request'].get('number')}/merge"
        return str(self.event.get("ref", "refs/heads/main"))

    def _context(self, state: JobState, extra: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "github": {
                "event": self.event,
                "event_name": self.event_name,
                "token": self.secrets.get("GITHUB_TOKEN", ""),
                "workspace": str(self.workspace),
                "ref": self._ref(),
                "repository": "example/app",
                "action_path": extra.get("github_action_path", ""),
            },
            "secrets": self.secrets,
            "env": state.env,
            "steps": extra.get("steps", state.steps),
            "inputs": extra.get("inputs", {}),
            "job": {"status": state.status},
            "runner": {"os": "Linux", "temp": str(self.temp)},
        }


def parse_key_values(text: str) -> dict[str, str]:
    """``name=value`` lines and ``name<<DELIMITER`` blocks, as GITHUB_OUTPUT/ENV hold."""
    values: dict[str, str] = {}
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.strip():
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delimiter = line.split("<<", 1)
            body: list[str] = []
            while index < len(lines) and lines[index] != delimiter:
                body.append(lines[index])
                index += 1
            if index >= len(lines):
                raise ValueError(f"unterminated {key}<<{delimiter} block")
            index += 1
            values[key] = "\n".join(body)
        elif "=" in line:
            key, value = line.split("=", 1)
            values[key] = value
        else:
            raise ValueError(f"invalid line {line!r}")
    return values


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)
