"""Pages under gunicorn (2 workers), loaded by wrk on loopback, against /healthz.

wrk comes from Debian (`apt-get install wrk`); without it this part is skipped with a note.
Each load is bounded: a few seconds, a few connections, on 127.0.0.1 only.
"""

import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.test import Client

from assessments.invitations import create_invitations
from assessments.questionnaire import start_response
from bench.measures import verdict

DURATION = "6s"
WARM_UP = "2s"
CONNECTIONS = 8
ROUNDS = 3
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


def load(
    port: int, paths: list[str], *, method="GET", cookie="", token="", keys=(), duration=DURATION
) -> tuple:
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
                f"-d{duration}",
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


def save_load(campaign) -> tuple:
    """The area people save in the load (the model's first), and the options of `load`
    that post its every question."""
    area = campaign.maturity_model.process_areas.order_by("level__number", "position").first()
    keys = list(area.questions.values_list("key", flat=True))
    token = secrets.token_hex(16)  # an unmasked CSRF secret is a valid form token
    return area, {"method": "POST", "cookie": f"csrftoken={token}", "token": token, "keys": keys}


@dataclass(frozen=True)
class Measure:
    name: str
    target: float
    rates: list = field(default_factory=list)  # (rate, p95, errors) per round
    ratios: list = field(default_factory=list)  # rate / that round's /healthz rate


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
    first_area, post = save_load(campaign)
    viewer = get_user_model().objects.create_superuser(f"bench-{secrets.token_hex(4)}")
    client = Client()
    client.force_login(viewer)
    session = f"sessionid={client.cookies['sessionid'].value}"
    results_path = [f"/reports/campaigns/{campaign.pk}/"]
    health = Measure("/healthz", 1.0)
    measures = [
        Measure("results page", 0.2),
        Measure("questionnaire page, first visit of an area", 0.4),
        Measure("save and continue", 0.4),
        Measure("questionnaire page, area already answered", 0.4),
    ]
    port = free_port()
    server = start_gunicorn(port)
    try:
        # Rounds interleave the baseline with the pages, so that a machine slowing down or
        # speeding up during the run moves both; each round's people are new, so that
        # their first visit of an area is one. Each load runs after a warm-up of its own.
        for _ in range(ROUNDS):
            links = questionnaire_links(campaign)
            area_paths = [f"{link}areas/{first_area.key}/" for link in links]
            loads = [
                (health, ["/healthz"], {}),
                # Results before this round's writes: saves change the cached results.
                (measures[0], results_path, {"cookie": session}),
                (measures[1], area_paths, {}),
                (measures[2], area_paths, post),
                (measures[3], area_paths, {}),
            ]
            for measure, paths, options in loads:
                load(port, paths, duration=WARM_UP, **options)
                measure.rates.append(load(port, paths, **options))
            for measure in measures:
                measure.ratios.append(measure.rates[-1][0] / health.rates[-1][0])
    finally:
        server.terminate()
        server.wait(timeout=30)
    baseline = statistics.median(rate for rate, _, _ in health.rates)
    rows = [
        (
            f"/healthz under gunicorn (2 workers, wrk {CONNECTIONS} connections), "
            f"median of {ROUNDS} rounds",
            f"{baseline:,.0f} req/s",
            "",
            "1.00",
            "",
            "baseline",
        )
    ]
    for measure in measures:
        ratio = statistics.median(measure.ratios)
        rate = statistics.median(rate for rate, _, _ in measure.rates)
        p95 = statistics.median(p95 for _, p95, _ in measure.rates)
        errors = sum(errors for _, _, errors in measure.rates)
        rows.append(
            (
                f"{measure.name} throughput vs /healthz",
                f"{rate:,.0f} req/s, p95 {p95:.0f} ms, {errors} errors",
                f"{baseline:,.0f} req/s",
                f"{ratio:.2f} ({', '.join(f'{r:.2f}' for r in measure.ratios)})",
                f">= {measure.target}, 0 errors",
                verdict(ratio >= measure.target and errors == 0),
            )
        )
    return rows
