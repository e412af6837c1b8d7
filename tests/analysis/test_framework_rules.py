"""Every row of the framework rule tables fires on a minimal fixture app of its own.

The tables (node, jvm, php) are ordered data: the first row whose condition holds
decides. Each row below has the smallest tree that reaches it, and the facts
only that row writes; a guard test keeps one fixture per row.
"""

from __future__ import annotations

import json

import pytest
from odiac_analyzers import _node_frameworks, jvm, php

from odiac.analysis import FieldName
from odiac.plugin.testing import analyze, assert_field

Files = dict[str, str]
Expected = dict[FieldName, str]


def pkg(deps: tuple[str, ...] = (), dev: tuple[str, ...] = (), **scripts: str) -> Files:
    data: dict[str, object] = {"name": "shop", "version": "1.0.0"}
    if scripts:
        data["scripts"] = {k.replace("_", ":"): v for k, v in scripts.items()}
    if deps:
        data["dependencies"] = dict.fromkeys(deps, "^1.0.0")
    if dev:
        data["devDependencies"] = dict.fromkeys(dev, "^1.0.0")
    return {"package.json": json.dumps(data, indent=2) + "\n"}


INDEX_JS = {"index.js": "require('http').createServer().listen(process.env.PORT)\n"}

NODE: dict[str, tuple[Files, Expected]] = {
    "nextjs": (
        pkg(("next", "react"), build="next build", start="next start"),
        {"framework": "nextjs", "output_directory": ".next", "scripts_start": "npm run start"},
    ),
    "nuxt": (
        pkg(("nuxt",), build="nuxt build"),
        {"framework": "nuxt", "scripts_start": "node .output/server/index.mjs"},
    ),
    "remix": (
        pkg(("@remix-run/node", "@remix-run/serve"), build="remix build"),
        {"framework": "remix", "scripts_start": "remix-serve ./build/index.js"},
    ),
    "react-router": (
        pkg(dev=("@react-router/dev",), build="react-router build"),
        {
            "framework": "react-router",
            "scripts_start": "react-router-serve ./build/server/index.js",
        },
    ),
    "tanstack-start": (
        pkg(("@tanstack/react-start",), start="node .output/server/index.mjs"),
        {"framework": "tanstack-start", "scripts_build": "vite build"},
    ),
    "sveltekit": (
        pkg(dev=("svelte", "@sveltejs/kit", "@sveltejs/adapter-node"), build="vite build"),
        {"framework": "sveltekit", "scripts_start": "node build"},
    ),
    "astro": (
        {**pkg(("astro",), build="astro build"), "astro.config.mjs": "export default {};\n"},
        {"framework": "astro", "output_directory": "dist"},
    ),
    "angular": (
        {**pkg(("@angular/core",), build="ng build"), "angular.json": "{}\n"},
        {"framework": "angular", "output_directory": "dist/shop/browser"},
    ),
    "cra": (
        pkg(("react-scripts",), build="react-scripts build"),
        {"framework": "cra", "output_directory": "build"},
    ),
    "vite": (
        pkg(dev=("vite",), build="vite build"),
        {"framework": "vite", "output_directory": "dist"},
    ),
    "nestjs": (
        pkg(("@nestjs/core",)),
        {"framework": "nestjs", "scripts_start": "node dist/main", "entry_point": "src/main.ts"},
    ),
    **{
        dep: (
            {**pkg((dep,)), **INDEX_JS},
            {"framework": dep, "scripts_start": "node index.js", "entry_point": "index.js"},
        )
        for dep in ("fastify", "hono", "koa", "express")
    },
    "node": (
        {**pkg(), **INDEX_JS},
        {"framework": "", "scripts_start": "node index.js", "entry_point": "index.js"},
    ),
}

POM = """
    <project>
      <parent><groupId>{group}</groupId></parent>
      <properties><java.version>21</java.version></properties>
    </project>
"""
JVM_TOOLS: dict[str, tuple[Files, Expected]] = {
    "gradle-wrapper": (
        {"build.gradle": "plugins { id 'java' }\n", "gradlew": "#!/bin/sh\n"},
        {"build_tool": "gradle", "scripts_build": "./gradlew build -x test"},
    ),
    "gradle": (
        {"build.gradle.kts": "plugins { java }\n"},
        {"build_tool": "gradle", "scripts_build": "gradle build -x test"},
    ),
    "maven-wrapper": (
        {"pom.xml": POM.format(group="org.example"), "mvnw": "#!/bin/sh\n"},
        {"build_tool": "maven", "scripts_build": "./mvnw -B -DskipTests package"},
    ),
    "maven": (
        {"pom.xml": POM.format(group="org.example")},
        {"build_tool": "maven", "scripts_build": "mvn -B -DskipTests package"},
    ),
}
JVM_LANGUAGES: dict[str, tuple[Files, Expected]] = {
    "kotlin": (
        {"build.gradle.kts": 'plugins { kotlin("jvm") }\n'},
        {"language": "kotlin"},
    ),
    "java": ({"pom.xml": POM.format(group="org.example")}, {"language": "java"}),
}
JVM_FRAMEWORKS: dict[str, tuple[Files, Expected]] = {
    "spring-boot": (
        {"pom.xml": POM.format(group="org.springframework.boot")},
        {
            "framework": "spring-boot",
            "scripts_start": "java $JAVA_OPTS -Dserver.port=$PORT -jar target/*.jar",
        },
    ),
    "quarkus": (
        {"pom.xml": POM.format(group="io.quarkus")},
        {"framework": "quarkus", "scripts_start": "java $JAVA_OPTS -jar target/*.jar"},
    ),
    "micronaut": (
        {"pom.xml": POM.format(group="io.micronaut")},
        {"framework": "micronaut", "scripts_start": "java $JAVA_OPTS -jar target/*.jar"},
    ),
}


def composer(*require: str) -> Files:
    data = {"require": {"php": "^8.2", **dict.fromkeys(require, "*")}}
    return {"composer.json": json.dumps(data, indent=4) + "\n", "composer.lock": "{}\n"}


PHP: dict[str, tuple[Files, Expected]] = {
    "laravel": (
        {**composer("laravel/framework"), "artisan": "#!/usr/bin/env php\n"},
        {"framework": "laravel", "language": "php"},
    ),
    "symfony": (
        composer("symfony/framework-bundle"),
        {"framework": "symfony", "language": "php"},
    ),
    "php": (
        {**composer("monolog/monolog"), "public/index.php": "<?php echo 'hi';\n"},
        {"framework": "", "language": "php", "entry_point": "public/index.php"},
    ),
}

TABLES = {
    "node": (_node_frameworks.RULES, NODE),
    "jvm-tool": (jvm.TOOL_RULES, JVM_TOOLS),
    "jvm-language": (jvm.LANGUAGE_RULES, JVM_LANGUAGES),
    "jvm-framework": (jvm.FRAMEWORK_RULES, JVM_FRAMEWORKS),
    "php": (php.RULES, PHP),
}
ROWS = [(table, row) for table, (_, fixtures) in TABLES.items() for row in fixtures]


@pytest.mark.parametrize(("table", "row"), ROWS, ids=[f"{t}:{r}" for t, r in ROWS])
def test_row_fires_on_its_fixture(table: str, row: str) -> None:
    files, expected = TABLES[table][1][row]
    result = analyze(files)
    for field, value in expected.items():
        assert_field(result, field, value)


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_row_has_a_fixture(table: str) -> None:
    rules, fixtures = TABLES[table]
    assert [rule.name for rule in rules] == list(fixtures)


def test_the_first_matching_row_wins() -> None:
    """A Next.js app with an Express custom server is a Next.js app: nextjs comes first."""
    files = {**pkg(("express", "next"), build="next build", start="next start"), **INDEX_JS}
    assert_field(analyze(files), "framework", "nextjs")


def test_vite_next_to_a_node_server_only_builds_assets() -> None:
    files = {**pkg(("express",), dev=("vite",), build="vite build", start="node index.js")}
    result = analyze({**files, **INDEX_JS})
    assert_field(result, "framework", "express")
    assert_field(result, "build_tool", "vite")


def test_composer_json_with_dev_tools_only_is_not_a_php_app() -> None:
    result = analyze({**composer("phpunit/phpunit"), **INDEX_JS, **pkg()})
    assert_field(result, "language", "javascript")
