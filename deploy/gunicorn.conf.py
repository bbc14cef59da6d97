"""gunicorn settings for one web server: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Every value can be changed through the environment (the systemd unit's EnvironmentFile):
GUNICORN_BIND, WEB_CONCURRENCY (worker processes), GUNICORN_TIMEOUT, FORWARDED_ALLOW_IPS,
GUNICORN_ACCESS_LOG, GUNICORN_LOG_LEVEL.
Sync workers: each request holds one worker, and nothing slow stays in a request (imports,
receipts, mail and images are jobs for `flask jobs worker`), so a short timeout is safe.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two per core is the usual start for sync workers; the bank webhooks spend most of their time
# waiting for PostgreSQL, so more does not help past that (docs/benchmarks.md, webhooks).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Restart workers now and then (a slow leak never grows for weeks); jitter so not all at once.
max_requests = 5000
max_requests_jitter = 500
# The proxy (nginx) in front sets X-Forwarded-For/-Proto; the app's ProxyFix trusts one hop.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# nginx logs every request already; GUNICORN_ACCESS_LOG=- adds gunicorn's own lines.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Load the app in each worker (not in the master): database pools and the Redis clients are
# then made after the fork, never shared between processes.
preload_app = False
