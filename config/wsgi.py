"""WSGI entry point: `gunicorn config.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

from config.sqlite_wal import keep_wal_open

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
# App servers answer many requests a process: on SQLite, keep the log between them.
keep_wal_open()
