"""The daily signed head as a background job."""

from __future__ import annotations

from app.jobs.queue import job
from transparency.verification import services


@job("transparency.sign_head", retries=3, delay=60)
def sign_head_job() -> None:
    services.sign_head()
