"""Reading configuration from the environment, with errors a person can act on.

Settings are the contract's table (CONTRACT.md section 1); every bad value stops the
program with one line naming the variable, never a traceback.
"""

import os
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a yes/no value (use 1 or 0)")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)  # "50000", " 50000 " and "50_000" alike
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} is below {minimum}")
    return value


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_hosts(name: str, default: str) -> list[str]:
    """Host names, comma-separated: an address (`https://assess.example.org/`) would match
    no request's host, and every page would answer 400."""
    hosts = env_list(name, default)
    for host in hosts:
        if "/" in host or any(char.isspace() for char in host):
            raise ImproperlyConfigured(
                f"{name}: {host!r} is not a host name (give assess.example.org, without "
                "https:// or a path)"
            )
    return hosts


def env_base_url(name: str, default: str) -> str:
    """The absolute address links start with: http(s), a host, and any path the app is
    served under; no query or fragment, which every link appended to it would break."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    url = raw.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is no number)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or url.endswith(("?", "#"))
        or any(char.isspace() for char in url)
    ):
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not an absolute http(s) address without a query "
            "(for example https://assess.example.org)"
        )
    return url.rstrip("/")


def database_from_url(url: str) -> dict:
    """Parse DATABASE_URL; an unknown scheme or a malformed URL is a configuration error."""
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except (ValueError, KeyError) as error:
        raise ImproperlyConfigured(
            f"DATABASE_URL={url!r} is not a database URL that dj-database-url understands "
            f"(for example postgres://USER@HOST:PORT/NAME or sqlite:///PATH): {error}"
        ) from None
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(f"DATABASE_URL={url!r} names no database engine")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # A connection per request, as Django's default; app servers keep the log open
        # between requests (sqlite_wal.py).
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            # WAL lets readers go on while one writer writes; FULL syncs every commit,
            # so a saved answer survives a power cut; a 64 MB page cache keeps the
            # answer indexes in memory during large imports.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536;"
            ),
        }
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"DATABASE_URL={url!r} names no database")
    return config


def secret_key(debug: bool, development_key: str) -> str:
    key = os.environ.get("DJANGO_SECRET_KEY", "")
    if key.strip() and not (key == development_key and not debug):
        return key
    if debug:
        return development_key
    if key == development_key:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is the development key, which anyone can read in the source: "
            "set a key of your own when DJANGO_DEBUG=0"
        )
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0 "
        "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')"
    )
