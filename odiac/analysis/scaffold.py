"""Turn a ``ProjectAnalysisResult`` into a commented ``opendeploy.toml`` (``odiac init``).

Every written value carries the evidence that supports it as a comment.
Required secrets become ``{ secret = "env:NAME" }`` references (never values);
optional secret-shaped names are written as commented references, so plan and
apply never wait for them; where the evidence is ambiguous the key is left as a
commented TODO.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import tomlkit

from odiac.analysis.depenv import injected
from odiac.analysis.envfiles import is_config_name, is_secret_name
from odiac.analysis.scaffold_review import (
    ACCOUNT_SIZES,
    ANONYMOUS_SIZES,
    primary_service,
    project_todos,
    service_todos,
)
from odiac.config.todos import MARK, comment

if TYPE_CHECKING:
    from tomlkit.items import InlineTable, Table

    from odiac.analysis.evidence import Decision
    from odiac.analysis.result import (
        EnvVarSpec,
        ProjectAnalysisResult,
        ServiceAnalysis,
        ServiceExtras,
    )


def _why(result: ProjectAnalysisResult, service: str, decision: str) -> str:
    rows: list[Decision] = [
        d for d in result.ledger if d.service == service and d.decision == decision
    ]
    if not rows or not rows[-1].evidence:
        return ""
    return ", ".join(str(ev) for ev in rows[-1].evidence[:2])


def render(
    result: ProjectAnalysisResult, project: str, gateway: str = "local", *, account: bool = True
) -> str:
    """The ``opendeploy.toml`` text for ``result`` (which must not be refused).

    Args:
        result: A finished, non-refused analysis.
        project: Project name (a DNS label).
        gateway: Gateway URL to write; ``"local"`` (the embedded gateway) by default,
            so that nothing is deployed anywhere by accident.
        account: The file is for an account (a personal access key or a claimed
            agent). False sizes every service within an unclaimed agent's limits and
            keeps one service active, the others written commented out.
    """
    doc = tomlkit.document()
    doc.add(tomlkit.comment("Written by `odiac init` from a local analysis of the source tree."))
    doc.add(tomlkit.comment("Comments name the evidence; review every value before `odiac apply`."))
    doc.add(tomlkit.comment("Lines marked TODO(odiac) need a decision; delete each once settled."))
    doc.add("version", 1)
    doc.add(tomlkit.nl())
    section = tomlkit.table()
    section.add("url", gateway)
    if gateway == "local":
        section["url"].comment(
            '"local" runs the embedded gateway; use your gateway URL (…/api) to deploy'
        )
    doc.add("gateway", section)
    proj = tomlkit.table()
    for text in project_todos(result):
        proj.add(tomlkit.comment(text))
    proj.add("name", project)
    doc.add("project", proj)
    active = [s for s in result.services if account or s.name == primary_service(result)]
    parked = [s for s in result.services if s not in active]
    engines = [e for e in result.databases if any(e in s.dependencies for s in active)]
    if engines:
        deps = tomlkit.table(is_super_table=True)
        for engine in engines:
            table = tomlkit.table()
            table.add("type", engine)
            users = [s.name for s in result.services if engine in s.dependencies]
            # services sharing a manifest share its evidence: name each place once
            found = (_why_dep(result, s, engine) for s in users)
            evidence = "; ".join(dict.fromkeys(filter(None, found)))
            if evidence:
                table["type"].comment(evidence)
            deps.add(engine, table)
        doc.add("dependencies", deps)
    services = tomlkit.table(is_super_table=True)
    for svc in active:
        services.add(svc.name, _service(result, svc, account))
    doc.add("services", services)
    text = tomlkit.dumps(doc)
    if parked:
        text += _parked(result, parked, [e for e in result.databases if e not in engines])
    for ext in result.external:
        if ext.kind in ("external", "sidecar"):
            text += (
                f"# not built by OpenDeploy: {ext.name} ({ext.image}, {ext.evidence});"
                " supply it yourself\n"
            )
    return text


def _parked(
    result: ProjectAnalysisResult, parked: list[ServiceAnalysis], engines: list[str]
) -> str:
    """The services an unclaimed agent cannot run yet, as commented-out TOML."""
    doc = tomlkit.document()
    if engines:
        deps = tomlkit.table(is_super_table=True)
        for engine in engines:
            table = tomlkit.table()
            table.add("type", engine)
            deps.add(engine, table)
        doc.add("dependencies", deps)
    services = tomlkit.table(is_super_table=True)
    for svc in parked:
        services.add(svc.name, _service(result, svc, True))
    doc.add("services", services)
    names = ", ".join(s.name for s in parked)
    why = (
        f"an unclaimed agent runs one service per project, so these stay commented out"
        f" below: {names}. Claim the agent (apply prints the claim link) or set OPENDEPLOY_TOKEN,"
        " then uncomment them, or run `odiac init --account --force`."
    )
    head = f"\n# {comment(why)}\n"
    # doubts about a parked service are read when it is uncommented, not before; every
    # line gets one more "# ", so lines that are comments (an optional secret) stay so
    body = "".join(
        f"# {line}\n" if line.strip() else "\n"
        for line in tomlkit.dumps(doc).replace(MARK, "review:").splitlines()
    )
    return head + body


def _why_dep(result: ProjectAnalysisResult, service: str, engine: str) -> str:
    for row in result.ledger:
        if (
            row.service == service
            and row.decision == "dependency"
            and row.value == engine
            and row.evidence
        ):
            return str(row.evidence[0])
    return ""


def _service(result: ProjectAnalysisResult, svc: ServiceAnalysis, account: bool) -> Table:
    table = tomlkit.table()
    extras = result.extras.get(svc.name)
    todos = service_todos(result, svc.name)

    def todo(key: str) -> None:
        for text in todos.pop(key, []):
            table.add(tomlkit.comment(text))

    def put(key: str, value: object, decision: str | None = None) -> None:
        todo(key)
        if value in ("", None, []):
            return
        table.add(key, value)
        why = _why(result, svc.name, decision or key)
        if why:
            table[key].comment(why)

    todo("")

    put("type", svc.project_type, "project_type")
    put("path", svc.source_path, "source_root")
    if svc.port is not None:
        put("port", svc.port, "port")
    elif svc.project_type in ("web", "static"):
        if "port" not in todos:
            todos["port"] = [comment("set the HTTP port the service listens on")]
        todo("port")
        table.add(tomlkit.comment("port = <the HTTP port the service listens on>"))
    else:
        todo("port")
    put("language", svc.language)
    put("framework", svc.framework)
    if extras is not None and extras.deploy_mode == "dockerfile" and extras.dockerfile:
        dockerfile = extras.dockerfile
        if svc.source_path != "." and dockerfile.startswith(svc.source_path + "/"):
            dockerfile = dockerfile[len(svc.source_path) + 1 :]
        put("dockerfile", dockerfile, "deploy_mode")
    put("build_command", svc.scripts_build, "scripts_build")
    put("start_command", svc.scripts_start, "scripts_start")
    if extras is not None:
        for command in extras.release_commands:
            table.add(tomlkit.comment(comment(f"release step to run before start: {command}")))
        put("health_check_path", extras.health_check_path)
    _sizes(table, ACCOUNT_SIZES if account else ANONYMOUS_SIZES, account)
    todo("uses")
    if svc.dependencies:
        table.add("uses", list(svc.dependencies))
        found = (_why_dep(result, svc.name, engine) for engine in svc.dependencies)
        if why := "; ".join(dict.fromkeys(filter(None, found))):
            table["uses"].comment(why)
    env_todos = todos.pop("env", [])
    for key in list(todos):
        todo(key)  # keys init did not write: the doubt still lives in the service table
    _volumes(table, svc, extras)
    late = extras.late_bound_vars if extras else []
    readers = _readers(result, svc.name)
    env = _env_table(svc.runtime_vars, svc, late, env_todos, extras, readers)
    if env is not None:
        table.add("env", env)
    build = _env_table(svc.build_time_vars, svc, late, None, extras, readers)
    if build is not None:
        table.add("build_env", build)
    return table


def _env_table(
    variables: list[EnvVarSpec],
    svc: ServiceAnalysis,
    late: list[str],
    todos: list[str] | None = None,
    extras: ServiceExtras | None = None,
    readers: dict[str, str] | None = None,
) -> Table | None:
    if not variables and not todos:
        return None
    table = tomlkit.table()
    for text in todos or []:
        table.add(tomlkit.comment(text))
    refs = extras.env_aliases if extras is not None else {}
    settings = set(extras.config_vars) if extras is not None else set()
    origins = extras.default_origins if extras is not None else {}
    for var in variables:
        target = refs.get(var.name)
        if target and target.split(".", 1)[0] in svc.dependencies:
            # the app reads its own name for a value the dependency injects under another
            ref: InlineTable = tomlkit.inline_table()
            ref.append("ref", target)
            table.add(var.name, ref)
            table[var.name].comment(f"the app reads {var.name}; the dependency provides it")
            continue
        if injected(var.name, svc.dependencies):
            table.add(tomlkit.comment(f"{var.name}: injected by the dependency in `uses`"))
            continue
        if var.name in late:
            table.add(
                tomlkit.comment(
                    comment(f"{var.name}: the public URL, known after the first deploy")
                )
            )
            continue
        setting = var.name in settings or is_config_name(var.name)
        if is_secret_name(var.name) and not var.required:
            # an optional secret never blocks plan/apply: the user opts in by uncommenting
            where = (readers or {}).get(var.name, "")
            line = f'{var.name} = {{ secret = "env:{var.name}" }}'
            table.add(tomlkit.comment(f"{line}  # {_optional_note(where)}"))
        elif is_secret_name(var.name) or (var.required and not setting):
            secret: InlineTable = tomlkit.inline_table()
            secret.append("secret", f"env:{var.name}")
            table.add(var.name, secret)
            if var.required:
                table[var.name].comment("required: export it before plan/apply")
        elif var.default:
            table.add(var.name, var.default)
            table[var.name].comment(_DEFAULT_NOTES.get(origins.get(var.name, ""), "default"))
        elif var.required:
            table.add(
                tomlkit.comment(comment(f"{var.name} is a required setting: give it a value"))
            )
            table.add(tomlkit.comment(f'{var.name} = ""'))
        else:
            table.add(tomlkit.comment(f'{var.name} = "" (optional)'))
    return table


def _readers(result: ProjectAnalysisResult, service: str) -> dict[str, str]:
    """``name -> "read by <file>"`` (or ``"listed in <template>"``) from the env ledger."""
    found: dict[str, str] = {}
    for row in result.ledger:
        if row.service != service or row.decision != "env" or not row.evidence:
            continue
        name = row.value.split(" ", 1)[0]
        code = [ev for ev in row.evidence if not _is_declaration(ev.file)]
        if code:
            found[name] = f"read by {code[0].file}"
        else:
            found[name] = f"listed in {row.evidence[0].file}"
    return found


def _is_declaration(file: str) -> bool:
    """A file that only names a variable (an env template, a compose file), not code."""
    base = file.rsplit("/", 1)[-1].lower()
    return base.startswith(".env") or "compose" in base or base.endswith(".env")


def _optional_note(where: str) -> str:
    head = f"optional: {where}" if where else "optional"
    return f"{head}; uncomment to set it"


_DEFAULT_NOTES = {
    "code": "the app's own default (a fallback in the code)",
    "compose": "value from the compose file",
    "example": "example value from an env template; check it",
}


def _volumes(table: Table, svc: ServiceAnalysis, extras: ServiceExtras | None) -> None:
    """Volume suggestions as commented TOML: keeping data is the user's decision."""
    for vol in extras.volumes if extras is not None else []:
        table.add(tomlkit.comment(f"the app writes data to disk ({vol.evidence});"))
        table.add(tomlkit.comment("a redeploy loses it unless it lives on a volume:"))
        table.add(tomlkit.comment(f"[services.{svc.name}.volumes.{vol.name}]"))
        table.add(tomlkit.comment(f'mount_path = "{vol.mount_path}"'))
        table.add(tomlkit.comment('size = "1Gi"'))


def _sizes(table: Table, sizes: dict[str, str | int], account: bool) -> None:
    for key, value in sizes.items():
        table.add(key, value)
    note = (
        "the platform's defaults for an account"
        if account
        else "within an unclaimed agent's limits (1 CPU, 1Gi, 1 replica); claim it to raise them"
    )
    table["cpu"].comment(note)
