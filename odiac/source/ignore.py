"""The one ``.gitignore`` engine: what the upload leaves out and what analysis calls ignored.

Git's rules, through pathspec: each ``.gitignore`` applies to the paths below its
folder, and the deepest file with a matching rule decides, so a ``!keep.log`` in
``sub/`` re-includes ``sub/keep.log`` that a root ``*.log`` ignores.
"""

from __future__ import annotations

from pathspec import GitIgnoreSpec


class GitIgnoreTree:
    """The ``.gitignore`` files of one tree, keyed by folder (``""`` or ``"a/b/"``)."""

    def __init__(self) -> None:
        self._specs: dict[str, GitIgnoreSpec] = {}

    def __bool__(self) -> bool:
        return bool(self._specs)

    def add(self, dir_prefix: str, text: str) -> None:
        """Register the ``.gitignore`` text of folder ``dir_prefix`` (``""`` or ``"a/b/"``)."""
        prefix = dir_prefix.strip("/")
        self._specs[prefix + "/" if prefix else ""] = GitIgnoreSpec.from_lines(text.splitlines())

    def ignored(self, relpath: str, is_dir: bool = False) -> bool:
        """Whether git ignores ``relpath`` (``/``-separated; a trailing ``/`` means a folder)."""
        if relpath.endswith("/"):
            is_dir, relpath = True, relpath.rstrip("/")
        probe = relpath + "/" if is_dir else relpath
        parts = relpath.split("/")
        verdict = False
        prefix = ""
        for depth in range(len(parts)):
            spec = self._specs.get(prefix)
            if spec is not None:
                result = spec.check_file(probe[len(prefix) :])
                if result.include is not None:
                    verdict = result.include  # deeper .gitignore files override shallower ones
            prefix += parts[depth] + "/"
        return verdict
