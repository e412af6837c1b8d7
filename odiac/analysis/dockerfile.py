"""Dockerfile parsing for analyzers (analysis-rules §3.13, §4.1 rung 1, §8).

Only the facts the analysis needs: stages, EXPOSE, ENV, ARG, CMD/ENTRYPOINT,
HEALTHCHECK, VOLUME, COPY sources and RUN steps. Line continuations are joined.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field


@dataclass
class Instruction:
    """One instruction: keyword (upper-case), raw arguments, first line number."""

    keyword: str
    args: str
    line: int


@dataclass
class Stage:
    """A ``FROM`` stage and its instructions."""

    base: str
    name: str
    line: int
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def last(self, keyword: str) -> Instruction | None:
        found = self.all(keyword)
        return found[-1] if found else None


@dataclass
class Dockerfile:
    """A parsed Dockerfile."""

    path: str
    stages: list[Stage]
    global_args: dict[str, str]

    def stage(self, target: str = "") -> Stage | None:
        """The ``target`` stage, else the last one."""
        if target:
            for stage in self.stages:
                if stage.name == target:
                    return stage
        return self.stages[-1] if self.stages else None


def parse(path: str, text: str) -> Dockerfile:
    """Parse Dockerfile text."""
    stages: list[Stage] = []
    global_args: dict[str, str] = {}
    for inst in _instructions(text):
        if inst.keyword == "FROM":
            parts = inst.args.split()
            parts = [p for p in parts if not p.startswith("--")]
            base = parts[0] if parts else ""
            name = parts[2] if len(parts) >= 3 and parts[1].lower() == "as" else ""
            stages.append(Stage(base=base, name=name, line=inst.line))
        elif stages:
            stages[-1].instructions.append(inst)
        elif inst.keyword == "ARG":
            key, _, value = inst.args.partition("=")
            global_args[key.strip()] = value.strip().strip("\"'")
    return Dockerfile(path=path, stages=stages, global_args=global_args)


def _instructions(text: str) -> list[Instruction]:
    found: list[Instruction] = []
    buffer = ""
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not buffer and (not line or line.startswith("#")):
            continue
        if buffer and line.startswith("#"):
            continue
        if not buffer:
            start = number
        if line.endswith("\\"):
            buffer += line[:-1] + " "
            continue
        buffer += line
        keyword, _, args = buffer.partition(" ")
        found.append(Instruction(keyword.upper(), args.strip(), start))
        buffer = ""
    if buffer:
        keyword, _, args = buffer.partition(" ")
        found.append(Instruction(keyword.upper(), args.strip(), start))
    return found


def key_values(args: str) -> dict[str, str]:
    """``ENV``/``ARG``/``LABEL`` arguments: ``A=1 B="x y"`` or legacy ``A 1``."""
    if "=" not in args.split(" ", 1)[0]:
        key, _, value = args.partition(" ")
        return {key: value.strip().strip("\"'")} if key else {}
    result = {}
    for match in re.finditer(r"([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|'[^']*'|\S*)", args):
        result[match[1]] = match[2].strip("\"'")
    return result


def exec_form(args: str) -> list[str] | None:
    """The JSON-array form of CMD/ENTRYPOINT, or None for shell form."""
    if not args.startswith("["):
        return None
    try:
        value = json.loads(args)
    except ValueError:
        return None
    return [str(v) for v in value] if isinstance(value, list) else None


def command_text(args: str) -> str:
    """A CMD/ENTRYPOINT as one command line."""
    parts = exec_form(args)
    return shlex.join(parts) if parts is not None else args


def expose_ports(stage: Stage, args: dict[str, str]) -> list[tuple[int, int, bool]]:
    """``(port, line, udp)`` of every EXPOSE in ``stage`` (``${PORT}`` resolved from ARG/ENV defaults)."""
    env = dict(args)
    ports: list[tuple[int, int, bool]] = []
    for inst in stage.instructions:
        if inst.keyword in {"ARG", "ENV"}:
            env.update(key_values(inst.args))
        if inst.keyword != "EXPOSE":
            continue
        for token in inst.args.split():
            token = re.sub(
                r"\$\{?(\w+)(?::?-([^}]*))?\}?",
                lambda m: env.get(m[1]) or (m[2] or ""),
                token,
            )
            match = re.match(r"^(\d+)(?:/(tcp|udp))?$", token)
            if match:
                ports.append((int(match[1]), inst.line, match[2] == "udp"))
    return ports
