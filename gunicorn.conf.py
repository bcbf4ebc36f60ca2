"""gunicorn settings for production (``gunicorn --config gunicorn.conf.py wsgi:app``); overridable by MCC_WEB_*."""

import os

bind = os.environ.get("MCC_WEB_BIND", "127.0.0.1:8000")
#: Sync workers: on 2 cores they beat threads for database pages (docs/performance.md). On the embedded SQLite
#: default keep a few: writers queue for SQLite's single write lock.
workers = int(os.environ.get("MCC_WEB_WORKERS", "2"))  # config.py checks shared limits and cache for >1
worker_class = "sync"
#: Requests never do heavy work (uploads go to storage, exports and checks to the job workers): a short timeout.
timeout = int(os.environ.get("MCC_WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
accesslog = "-"
#: The request id the app answers with (X-Request-ID) ties each access line to the app's and the jobs' log lines.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" request_id=%({x-request-id}o)s'
forwarded_allow_ips = os.environ.get("MCC_FORWARDED_ALLOW_IPS", "127.0.0.1")
