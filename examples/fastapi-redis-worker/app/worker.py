"""Background worker: pops jobs from Redis and stores a word count for each."""

import json
import logging
import os

from app import queue

log = logging.getLogger("worker")


def process(raw: str) -> None:
    job = json.loads(raw)
    words = len(job["text"].split())
    r = queue.client()
    r.hset(f"job:{job['id']}", mapping={"status": "done", "words": str(words)})
    log.info("job %s: %d words", job["id"], words)


def main() -> None:
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "info").upper())
    r = queue.client()
    log.info("waiting for jobs on %s", queue.QUEUE_KEY)
    while True:
        item = r.brpop([queue.QUEUE_KEY], timeout=5)
        if item is not None:
            process(item[1])


if __name__ == "__main__":
    main()
