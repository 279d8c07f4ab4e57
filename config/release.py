"""The installed release, part of cache keys: a new release never reads an older one's
entries from a shared cache (their shape or their numbers may have changed)."""

from importlib.metadata import PackageNotFoundError, version


def installed_version() -> str:
    try:
        return version("maturity-assessment")
    except PackageNotFoundError:
        return "unpackaged"


RELEASE = installed_version()
