"""Pages under gunicorn (2 workers), loaded by wrk on loopback, against /healthz.

wrk comes from Debian (`apt-get install wrk`); without it this part is skipped with a note.
Each load is bounded: a few seconds, a few connections, on 127.0.0.1 only.
"""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django.contrib.auth import get_user_model
from django.test import Client

from assessments.invitations import create_invitations
from assessments.questionnaire import start_response
from bench.measures import verdict

DURATION = "6s"
CONNECTIONS = 8
ROOT = Path(__file__).resolve().parent.parent

LUA = """
paths = {%(paths)s}
method = "%(method)s"
headers = {["Cookie"] = "%(cookie)s", ["Content-Type"] = "application/x-www-form-urlencoded"}
keys = {%(keys)s}
request = function()
  local body = nil
  if method == "POST" then
    body = "csrfmiddlewaretoken=%(token)s&action=continue"
    for _, key in ipairs(keys) do
      body = body .. "&value-" .. key .. "=" .. math.random(0, 4) .. "&shown-" .. key .. "="
    end
  end
  return wrk.format(method, paths[math.random(#paths)], headers, body)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%f %%d %%d\\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(95), e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_ALLOWED_HOSTS": "127.0.0.1"},
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def load(port: int, paths: list[str], *, method="GET", cookie="", token="", keys=()) -> tuple:
    """Requests per second, p95 in ms and errors of one bounded wrk run."""
    script = LUA % {
        "paths": ", ".join(f'"{path}"' for path in paths),
        "method": method,
        "cookie": cookie,
        "token": token,
        "keys": ", ".join(f'"{key}"' for key in keys),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        output = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{CONNECTIONS}",
                f"-d{DURATION}",
                "-s",
                handle.name,
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
    finally:
        os.unlink(handle.name)
    _, rate, p95_us, errors = next(
        line for line in output.splitlines() if line.startswith("RESULT")
    ).split()
    return float(rate), int(p95_us) / 1000, int(errors)


def questionnaire_links(campaign, count=40) -> list[str]:
    invitations = create_invitations(campaign=campaign, count=count)
    for invitation in invitations:
        start_response(invitation=invitation, unit=None, role="employee")
    return [f"/respond/{invitation.token}/" for invitation in invitations]


def page_rows(campaign) -> list[tuple]:
    if shutil.which("wrk") is None:
        return [
            (
                "pages under gunicorn",
                "skipped: wrk is not installed (apt-get install wrk)",
                "",
                "",
                "",
                "",
            )
        ]
    links = questionnaire_links(campaign)
    first_area = campaign.maturity_model.process_areas.order_by("level__number", "position").first()
    area_paths = [f"{link}areas/{first_area.key}/" for link in links]
    keys = list(first_area.questions.values_list("key", flat=True))
    viewer = get_user_model().objects.create_superuser(f"bench-{secrets.token_hex(4)}")
    client = Client()
    client.force_login(viewer)
    session = f"sessionid={client.cookies['sessionid'].value}"
    token = secrets.token_hex(16)  # an unmasked CSRF secret is a valid form token
    results_path = [f"/reports/campaigns/{campaign.pk}/"]
    port = free_port()
    server = start_gunicorn(port)
    try:
        health = load(port, ["/healthz"])
        # Results before the writes: saves change the campaign's answers and so its
        # cached results; each load runs after a warm-up of its own.
        load(port, results_path, cookie=session)
        results = load(port, results_path, cookie=session)
        load(port, area_paths)
        page = load(port, area_paths)
        save = load(
            port, area_paths, method="POST", cookie=f"csrftoken={token}", token=token, keys=keys
        )
        measured = {
            "questionnaire page": (page, 0.4),
            "save and continue": (save, 0.4),
            "results page": (results, 0.2),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
    rows = [
        (
            "/healthz under gunicorn (2 workers, wrk 8 connections)",
            f"{health[0]:,.0f} req/s, p95 {health[1]:.0f} ms",
            "",
            "1.00",
            "",
            "baseline",
        )
    ]
    for name, ((rate, p95, errors), target) in measured.items():
        ratio = rate / health[0]
        rows.append(
            (
                f"{name} throughput vs /healthz",
                f"{rate:,.0f} req/s, p95 {p95:.0f} ms, {errors} errors",
                f"{health[0]:,.0f} req/s",
                f"{ratio:.2f}",
                f">= {target}, 0 errors",
                verdict(ratio >= target and errors == 0),
            )
        )
    return rows
