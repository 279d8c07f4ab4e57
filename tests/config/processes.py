"""The product in a child process, configured only by the environment a test gives it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def environment(**env: str) -> dict[str, str]:
    """This process's environment less its Django settings, with those given."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL"))
    }
    return {**clean, **env}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run a command as a user's script would: without a terminal, so that a command that
    would prompt fails at once instead of waiting for an answer."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(**env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,
    )
