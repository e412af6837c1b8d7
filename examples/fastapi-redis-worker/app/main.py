"""HTTP API: accepts text jobs and reports their results."""

import logging
import os
import secrets

from fastapi import Depends, FastAPI, Header, HTTPException
from pydantic import BaseModel, Field

from app import queue

logging.basicConfig(level=os.environ.get("LOG_LEVEL", "info").upper())
app = FastAPI(title="Word count jobs")
API_TOKEN = os.environ["API_TOKEN"]


class JobIn(BaseModel):
    text: str = Field(min_length=1, max_length=10_000)


def require_token(authorization: str = Header(default="")) -> None:
    scheme, _, token = authorization.partition(" ")
    if scheme != "Bearer" or not secrets.compare_digest(token, API_TOKEN):
        raise HTTPException(status_code=401, detail="invalid token")


@app.get("/healthz")
def healthz() -> dict[str, str]:
    queue.client().ping()
    return {"status": "ok"}


@app.post("/jobs", status_code=202, dependencies=[Depends(require_token)])
def create_job(job: JobIn) -> dict[str, str]:
    return {"id": queue.enqueue(queue.client(), job.text)}


@app.get("/jobs/{job_id}")
def get_job(job_id: str) -> dict[str, str]:
    found = queue.status(queue.client(), job_id)
    if not found:
        raise HTTPException(status_code=404, detail="unknown job")
    return found
