"""The tiny Redis job queue shared by the API and the worker."""

import json
import os
import uuid

import redis

QUEUE_KEY = "jobs:pending"


def client() -> redis.Redis:
    # REDIS_URL is injected by the `cache` dependency (uses = ["cache"]).
    return redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)


def enqueue(r: redis.Redis, text: str) -> str:
    job_id = uuid.uuid4().hex
    r.hset(f"job:{job_id}", mapping={"status": "queued", "text": text})
    r.lpush(QUEUE_KEY, json.dumps({"id": job_id, "text": text}))
    return job_id


def status(r: redis.Redis, job_id: str) -> dict[str, str]:
    return r.hgetall(f"job:{job_id}")
