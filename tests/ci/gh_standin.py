"""A stand-in for the GitHub CLI: `gh pr comment` appends to $GH_STANDIN_LOG (JSON lines).

Like the real gh in a workflow it needs GH_TOKEN (or GITHUB_TOKEN); `--edit-last`
fails when this pull request has no comment yet, as gh does. Anything else it
does not know is an error, so a workflow cannot rely on something unrecorded.
"""

import argparse
import json
import os
import sys
from pathlib import Path


def main() -> int:
    if not (os.environ.get("GH_TOKEN") or os.environ.get("GITHUB_TOKEN")):
        print("gh: set the GH_TOKEN environment variable to use gh in a workflow", file=sys.stderr)
        return 4
    if sys.argv[1:3] != ["pr", "comment"]:
        print(f"gh stand-in: unsupported command {sys.argv[1:]}", file=sys.stderr)
        return 1
    parser = argparse.ArgumentParser(prog="gh pr comment")
    parser.add_argument("number")
    parser.add_argument("-b", "--body")
    parser.add_argument("-F", "--body-file")
    parser.add_argument("--edit-last", action="store_true")
    args = parser.parse_args(sys.argv[3:])
    if (args.body is None) == (args.body_file is None):
        print("gh: specify exactly one of --body or --body-file", file=sys.stderr)
        return 1
    if args.body_file is not None:
        body = sys.stdin.read() if args.body_file == "-" else Path(args.body_file).read_text()
    else:
        body = args.body
    log = Path(os.environ["GH_STANDIN_LOG"])
    comments = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    number = args.number.rstrip("/").rsplit("/", 1)[-1]
    if not number.isdigit():
        print(f"gh: invalid pull request {args.number!r}", file=sys.stderr)
        return 1
    if args.edit_last:
        mine = [c for c in comments if c["pr"] == int(number)]
        if not mine:
            print("no comments found for current user", file=sys.stderr)
            return 1
        mine[-1]["body"] = body
        mine[-1]["edits"] += 1
    else:
        comments.append({"pr": int(number), "body": body, "edits": 0})
    log.write_text("".join(json.dumps(c) + "\n" for c in comments))
    print(f"https://github.com/example/app/pull/{number}#issuecomment-{len(comments)}")
    return 0


sys.exit(main())
