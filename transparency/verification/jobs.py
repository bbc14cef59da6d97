"""The daily signed head as a background job, and the worker's own daily schedule for it."""

from __future__ import annotations

from huey import crontab

from app.jobs.queue import huey, job
from transparency.verification import services


@job("transparency.sign_head", retries=3, delay=60)
def sign_head_job() -> None:
    services.sign_head()


# 16:55 UTC is 23:55 in Vietnam: the day's head is signed by the worker itself, so a deployment
# needs no cron line for it (`flask ledger sign-head` still signs on demand; a day is signed once).
@huey.periodic_task(crontab(minute="55", hour="16"), name="transparency.sign_head_daily")
def sign_head_daily() -> None:
    sign_head_job._run((), None)
