"""JVM analyzer (analysis-rules 3.7, analysis-rules 13): Spring Boot, Quarkus, Micronaut."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from odiac.analysis.context import AnalysisContext, Rank, ServiceDraft
from odiac.analysis.databases import DRIVERS
from odiac.analysis.miniyaml import YamlError, loads
from odiac.analysis.names import TOOL_FIELDS
from odiac.plugin import Analyzer, hookimpl
from odiac_analyzers._rules import Rule, apply_first

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

FRAMEWORKS = (
    ("org.springframework.boot", "spring-boot"),
    ("io.quarkus", "quarkus"),
    ("io.micronaut", "micronaut"),
)
_JDBC = (("jdbc:postgresql:", "postgres"), ("jdbc:mysql:", "mysql"), ("jdbc:mariadb:", "mysql"))


@dataclass
class _Build:
    """One JVM service as the rule tables see it; the tool row fills the build facts."""

    ctx: AnalysisContext
    svc: ServiceDraft
    gradle: str | None  # build.gradle(.kts), when present
    tool: str = ""
    manifest: str = ""
    wrapper: str = ""  # the wrapper properties file that pins the tool version
    build: str = ""
    output: str = ""
    jar: str = ""
    start: str = ""
    text: str = ""

    def has(self, rel: str) -> bool:
        return self.ctx.index.exists(self.svc.join(rel))


def _gradle(command: str) -> Callable[[_Build], None]:
    def then(b: _Build) -> None:
        b.tool, b.manifest = "gradle", b.gradle or b.svc.join("gradlew")
        b.wrapper = b.svc.join("gradle/wrapper/gradle-wrapper.properties")
        b.build, b.output = command, "build/libs"
        b.jar = "build/libs/*.jar (not *-plain.jar)"
        b.start = "java $JAVA_OPTS -jar $(ls build/libs/*.jar | grep -v plain | head -n1)"

    return then


def _maven(command: str) -> Callable[[_Build], None]:
    def then(b: _Build) -> None:
        b.tool, b.manifest = "maven", b.svc.join("pom.xml")
        b.wrapper = b.svc.join(".mvn/wrapper/maven-wrapper.properties")
        b.build, b.output = command, "target"
        b.jar, b.start = "target/*.jar", "java $JAVA_OPTS -jar target/*.jar"

    return then


TOOL_RULES: tuple[Rule[_Build], ...] = (
    Rule("gradle-wrapper", lambda b: b.has("gradlew"), _gradle("./gradlew build -x test")),
    Rule(
        "gradle",
        lambda b: b.gradle is not None and not b.has("pom.xml"),
        _gradle("gradle build -x test"),
    ),
    Rule(
        "maven-wrapper",
        lambda b: b.has("pom.xml") and b.has("mvnw"),
        _maven("./mvnw -B -DskipTests package"),
    ),
    Rule("maven", lambda b: b.has("pom.xml"), _maven("mvn -B -DskipTests package")),
)
"""Build tool rows (first match wins): the Gradle wrapper beats a pom.xml, a pom.xml beats
a bare build.gradle."""


def _language(language: str) -> Callable[[_Build], None]:
    def then(b: _Build) -> None:
        b.svc.set("language", language, rank=Rank.MANIFEST, file=b.manifest)

    return then


LANGUAGE_RULES: tuple[Rule[_Build], ...] = (
    Rule(
        "kotlin",
        lambda b: (
            b.ctx.index.dir_exists(b.svc.join("src/main/kotlin"))
            or "kotlin(" in b.text
            or "org.jetbrains.kotlin" in b.text
        ),
        _language("kotlin"),
    ),
    Rule("java", lambda b: True, _language("java")),
)


def _framework(marker: str, framework: str) -> Rule[_Build]:
    def then(b: _Build) -> None:
        line = _line(b.text, marker)
        b.svc.set("framework", framework, rank=Rank.MANIFEST, file=b.manifest, line=line)
        b.svc.set_default_port(8080, file=b.manifest, note=f"{framework} default")
        if framework in _PORT_FLAGS:
            b.start = b.start.replace("-jar", f"{_PORT_FLAGS[framework]} -jar", 1)
            b.svc.honours_port = True

    return Rule(framework, lambda b: marker in b.text, then)


_PORT_FLAGS = {"spring-boot": "-Dserver.port=$PORT"}
FRAMEWORK_RULES: tuple[Rule[_Build], ...] = tuple(
    _framework(marker, fid) for marker, fid in FRAMEWORKS
)
"""Framework rows, from the manifest's text; each sets the 8080 default port."""


def detect(ctx: AnalysisContext, svc: ServiceDraft) -> bool:
    """Claim services with pom.xml / build.gradle(.kts) / gradlew."""
    index = ctx.index
    gradle = next(
        (svc.join(n) for n in ("build.gradle.kts", "build.gradle") if index.exists(svc.join(n))),
        None,
    )
    b = _Build(ctx, svc, gradle)
    if apply_first(TOOL_RULES, b) is None:
        return False
    manifest = b.manifest
    text = b.text = index.read(manifest) or ""
    for field in TOOL_FIELDS:
        svc.set(field, b.tool, rank=Rank.MANIFEST, file=manifest)
    apply_first(LANGUAGE_RULES, b)
    version = re.search(
        r"languageVersion\.set\(JavaLanguageVersion\.of\((\d+)\)\)|<java\.version>(\d+)<|<maven\.compiler\.release>(\d+)<|sourceCompatibility\s*=\s*(?:JavaVersion\.VERSION_)?['\"]?(\d+)",
        text,
    )
    if version:
        svc.set(
            "language_version",
            next(g for g in version.groups() if g),
            rank=Rank.MANIFEST,
            file=manifest,
        )
    wrapped = re.search(
        r"(?:gradle|apache-maven)-([\d.]+)-(?:bin|all)", index.read(b.wrapper) or ""
    )
    if wrapped:
        svc.set("package_manager_version", wrapped[1], rank=Rank.MANIFEST, file=b.wrapper)
    if b.tool == "gradle" and index.exists(svc.join("gradle.lockfile")):
        svc.set("lockfile", "gradle.lockfile", rank=Rank.MANIFEST, file=svc.join("gradle.lockfile"))
        svc.set(
            "dependency_resolution", "locked", rank=Rank.MANIFEST, file=svc.join("gradle.lockfile")
        )
    apply_first(FRAMEWORK_RULES, b)
    svc.set("scripts_build", b.build, rank=Rank.DEFAULT, file=manifest)
    svc.set("output_directory", b.output, rank=Rank.DEFAULT, file=manifest)
    svc.set("scripts_start", b.start, rank=Rank.DEFAULT, file=manifest, note=b.jar)
    for artifact, engine in DRIVERS["jvm"].items():
        group, _, name = artifact.partition(":")
        if re.search(rf"{re.escape(group)}[\"':<>/\w\s.-]{{0,40}}{re.escape(name)}", text):
            svc.add_db(
                engine,
                strong=True,
                file=manifest,
                line=_line(text, name),
                note=f"dependency {artifact}",
            )
    _application_config(ctx, svc)
    return True


def _line(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return None


def _application_config(ctx: AnalysisContext, svc: ServiceDraft) -> None:
    """``server.port`` (including ``${PORT:8080}``) and JDBC URLs in application.*."""
    base = svc.join("src/main/resources")
    files = sorted(
        ctx.index.glob(base, "application*.properties") + ctx.index.glob(base, "application*.y*ml")
    )
    active = _active_profiles(ctx, svc, files)
    used: set[str] = set()  # engines of the configuration the app runs with
    profile_only: dict[str, list[str]] = {}
    for rel in files:
        text = ctx.index.read(rel) or ""
        profile = _PROFILE_FILE.search(rel)
        if profile and profile[1] not in active:
            for needle, engine in _JDBC:
                if needle in text:
                    profile_only.setdefault(engine, []).append(rel)
            svc.notes["inactive_config"] = ",".join(
                filter(None, (svc.notes.get("inactive_config"), rel))
            )
            continue
        if re.search(r"application-(dev|test|local)", rel):
            continue
        used.update(engine for needle, engine in _JDBC if needle in text)
        port: str | None = None
        match = re.search(r"^server\.port\s*[=:]\s*(\S+)", text, re.M)
        if match:
            port = match[1]
        elif rel.endswith(("yml", "yaml")):
            try:
                data = loads(text)
            except YamlError:
                data = None
            server = data.get("server") if isinstance(data, dict) else None
            if isinstance(server, dict) and server.get("port") is not None:
                port = str(server["port"])
        if port is not None:
            line = _line(text, "port")
            env = re.fullmatch(r"\$\{(\w+):(\d+)\}", port)
            if env:
                svc.add_port(
                    3,
                    int(env[2]),
                    file=rel,
                    line=line,
                    note="server.port",
                    honours_port=env[1] == "PORT",
                )
            elif port.isdigit():
                svc.add_port(3, int(port), file=rel, line=line, note="server.port")
        for needle, engine in _JDBC:
            if needle in text:
                svc.add_db(
                    engine,
                    strong=False,
                    orm=True,
                    file=rel,
                    line=_line(text, needle),
                    note="JDBC URL",
                )
        if "jdbc:" in text:
            svc.notes["jdbc"] = rel
    for engine, where in profile_only.items():
        if engine not in used:
            _profile_only_driver(ctx, svc, engine, where)


_PROFILE_FILE = re.compile(r"/application-([\w-]+)\.(?:properties|ya?ml)$")
_ACTIVE = re.compile(
    r"(?:spring\.profiles\.active|SPRING_PROFILES_ACTIVE|spring-boot\.run\.profiles)"
    r"[\"']?\s*[=:]\s*[\"']?([\w${}:,. -]+)"
)
_DESCRIPTORS = re.compile(
    r"(?:^|/)(?:Dockerfile[^/]*|[^/]*compose[^/]*\.ya?ml|Procfile|\w+\.toml)$"
)


def _active_profiles(ctx: AnalysisContext, svc: ServiceDraft, files: list[str]) -> set[str]:
    """Spring profiles the deployed app runs with: ``spring.profiles.active`` in the default
    configuration or ``SPRING_PROFILES_ACTIVE`` in a deployment descriptor."""
    sources = [f for f in files if not _PROFILE_FILE.search(f)]
    sources += [rel for rel in ctx.index.under(svc.root) if _DESCRIPTORS.search(rel)]
    if ctx.compose_file:
        sources.append(ctx.compose_file)
    values: list[str] = []
    for rel in sources:
        text = ctx.index.read(rel) or ""
        values += [match[1] for match in _ACTIVE.finditer(text)]
        if rel in files and rel.endswith(("yml", "yaml")) and "profiles" in text:
            values.append(str(_dig(text, "spring", "profiles", "active") or ""))
    return {
        name
        for value in values
        for name in re.findall(r"[A-Za-z][\w-]*", value.replace("SPRING_PROFILES_ACTIVE", ""))
    }


def _dig(text: str, *keys: str) -> object:
    """``spring.profiles.active`` of a YAML document (None when absent or unreadable)."""
    try:
        node: object = loads(text)
    except YamlError:
        return None
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def _profile_only_driver(
    ctx: AnalysisContext, svc: ServiceDraft, engine: str, where: list[str]
) -> None:
    """A driver whose JDBC URL lives only in profiles the app does not run with is weak
    evidence (analysis-rules 6.3: non-default profiles): it is reported, not provisioned."""
    drivers = [sig for sig in svc.db if sig.engine == engine and sig.strong]
    if not drivers:
        return
    svc.db[:] = [sig for sig in svc.db if sig not in drivers]
    profiles = ", ".join(m[1] for f in where if (m := _PROFILE_FILE.search(f)))
    ctx.flag(
        svc.name,
        "database_weak_signal",
        f"{engine} is configured only for the Spring profile {profiles} ({', '.join(where)}),"
        " which the app does not run with; not provisioned. To deploy with it, set"
        f" SPRING_PROFILES_ACTIVE={profiles.split(', ')[0]} and add a {engine} dependency",
        *(sig.evidence for sig in drivers),
    )


@hookimpl
def odiac_analyzers() -> Iterator[Analyzer]:
    yield Analyzer(
        name="jvm", priority=40, detect=detect, description="Java/Kotlin apps (Maven, Gradle)"
    )
