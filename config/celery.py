"""The Celery app: slow work (invitation e-mails, PDF reports) on a queue.

Without CELERY_BROKER_URL, tasks run in the calling process (CELERY_TASK_ALWAYS_EAGER),
so the embedded default needs no broker.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("maturity")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
