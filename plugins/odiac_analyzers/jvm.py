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
    for rel in sorted(
        ctx.index.glob(base, "application*.properties") + ctx.index.glob(base, "application*.y*ml")
    ):
        if re.search(r"application-(dev|test|local)", rel):
            continue
        text = ctx.index.read(rel) or ""
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


@hookimpl
def odiac_analyzers() -> Iterator[Analyzer]:
    yield Analyzer(
        name="jvm", priority=40, detect=detect, description="Java/Kotlin apps (Maven, Gradle)"
    )
