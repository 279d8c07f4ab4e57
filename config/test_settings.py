"""The production settings, as the test suite runs them.

Tests run with DJANGO_DEBUG=0, as production does; only what a test machine cannot have
is filled in: a secret key and plain HTTP.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-key-" + "x" * 40)
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")

from config.settings import *

# Tests render templates without running collectstatic first.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Hashing passwords slowly protects nothing in a test database.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
