"""Local-orchestration glue in start commands (compose ``command:``, Procfile lines).

Compose stacks wait for their sibling containers before starting the app:
``while ! </dev/tcp/db/5432; do sleep 1; done; …``, ``wait-for-it.sh db:5432 --``,
``dockerize -wait tcp://db:5432``, ``sleep 5 &&``. Against a managed database
there is no ``db`` host, so such a loop would wait forever; the glue is never a
production start and is stripped down to the real command.
"""

from __future__ import annotations

import re
import shlex

# A shell loop that waits for something: `while ! …; do …; done` / `until …; do …; done`.
_LOOP = re.compile(r"^\s*(?:while|until)\b.*?\bdo\b.*?\bdone\s*(?:;|&&)?\s*", re.S)
# `wait-for-it[.sh] host:port [-t N] [-s] --` and `wait-for host:port --` (eficode/wait-for).
_WAIT_FOR = re.compile(
    r"^\s*(?:\S*/)?wait-for(?:-it)?(?:\.sh)?\s+(?:[^\s;&]+\s+)*?--(?:\s+|$)", re.S
)
_WAIT_FOR_AND = re.compile(r"^\s*(?:\S*/)?wait-for(?:-it)?(?:\.sh)?\b[^;&]*(?:;|&&)\s*", re.S)
# dockerize -wait tcp://db:5432 [-wait …] [-timeout 60s] <command>
_DOCKERIZE = re.compile(
    r"^\s*(?:\S*/)?dockerize\s+(?:-(?:wait|timeout|wait-retry-interval)\s+\S+\s*)+", re.S
)
_SLEEP = re.compile(r"^\s*sleep\s+\d+(?:\.\d+)?[smh]?\s*(?:;|&&)\s*", re.S)
# docker-compose-wait (`/wait && …`) and `nc -z db 5432 &&`-style probes.
_PROBE = re.compile(r"^\s*(?:/wait|\./wait|nc\s+-z\s+\S+\s+\d+)\s*(?:;|&&)\s*", re.S)
_GLUE = (_LOOP, _WAIT_FOR, _DOCKERIZE, _SLEEP, _PROBE, _WAIT_FOR_AND)
_WRAPPER = re.compile(r"^\s*(?:/bin/)?(?:ba)?sh\s+-c\s+(?P<body>.+?)\s*$", re.S)
_OPERATORS = re.compile(r"&&|\|\||;|\|")


def _unwrap(command: str) -> tuple[str, bool]:
    """The body of ``sh -c "…"`` (and whether there was such a wrapper)."""
    match = _WRAPPER.match(command)
    if not match:
        return command, False
    body = match["body"]
    try:
        words = shlex.split(body)
    except ValueError:
        return command, False
    if len(words) != 1:
        return command, False
    return words[0], True


def strip_glue(command: str) -> tuple[str, list[str]]:
    """``(real command, glue removed)``; the command unchanged when it has no glue.

    The real command may be empty (the whole command was glue). A ``sh -c``
    wrapper is kept only when the remaining command still needs a shell.
    """
    body, wrapped = _unwrap(command.strip())
    removed: list[str] = []
    changed = True
    while changed and body:
        changed = False
        for pattern in _GLUE:
            match = pattern.match(body)
            if match and match.end() > 0:
                removed.append(match[0].strip().rstrip(";&").strip())
                body = body[match.end() :].lstrip()
                changed = True
                break
    if not removed:
        return command.strip(), []
    body = body.strip()
    if body.startswith("exec "):
        body = body[5:].strip()
    if wrapped and body and _OPERATORS.search(body):
        body = "sh -c " + shlex.quote(body)
    return body, removed


def program(command: str) -> str:
    """The program a command finally runs (last ``&&``/``;`` segment, first word, basename)."""
    body, _ = _unwrap(command.strip())
    last = re.split(r"&&|;", body)[-1].strip()
    words = last.split()
    while words and (words[0] in {"exec", "bundle"} or "=" in words[0]):
        words = words[1:] if words[0] != "bundle" else words[2:]
    return words[0].rsplit("/", 1)[-1] if words else ""
