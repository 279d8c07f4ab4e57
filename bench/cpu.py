"""Where a page's time goes: CPU per request of each process, under `make bench`'s load.

`python -m bench.cpu [--rounds N]` (PostgreSQL with `DATABASE_URL=postgres://...`) builds
a small campaign, starts gunicorn as `make bench` does and loads `/healthz`, a save and an
answered area page with wrk, one after the other. For each it prints the CPU milliseconds
a request cost the app server's workers, the database server's processes (PostgreSQL
only; SQLite works inside the workers) and wrk itself, read from Linux's /proc. A ratio in
the bench's table says how a page compares with `/healthz`; this says which process to
look at. Linux only; not part of `make bench`.
"""

import argparse
import os
import resource
import shutil
import sys
import time
from pathlib import Path

from bench.database import ready_database

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100  # /proc's unit
PROC = Path("/proc")


def processes() -> dict[int, tuple[str, int, float]]:
    """Every process: its name, its parent and its user and system CPU in seconds."""
    found = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # ended meanwhile
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()  # state, parent, …, utime, stime
        found[int(entry.name)] = (name, int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS)
    return found


def cpu_seconds(server_pid: int, with_postgres: bool) -> tuple[float, float]:
    """CPU so far of gunicorn (its arbiter and workers) and of PostgreSQL's processes."""
    app = database = 0.0
    for pid, (name, parent, seconds) in processes().items():
        if server_pid in (pid, parent):
            app += seconds
        elif with_postgres and name.startswith("postgres"):
            database += seconds
    return app, database


def wrk_seconds() -> float:
    """CPU of this process's finished children: wrk, once `load` has waited for it."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measured_load(port: int, paths: list[str], server_pid: int, **options) -> dict:
    from bench import http

    with_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    before = (*cpu_seconds(server_pid, with_postgres), wrk_seconds())
    started = time.perf_counter()
    rate, _, errors = http.load(port, paths, **options)
    requests = rate * (time.perf_counter() - started)
    after = (*cpu_seconds(server_pid, with_postgres), wrk_seconds())
    costs = [1000 * (end - start) / requests for start, end in zip(before, after, strict=True)]
    return {"rate": rate, "errors": errors, "costs": costs}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cpu")
    parser.add_argument("--rounds", type=int, default=2)
    options = parser.parse_args(argv)
    if not (PROC / "self" / "stat").exists():
        print("bench.cpu reads Linux's /proc, which this system lacks", file=sys.stderr)
        return 1
    if shutil.which("wrk") is None:
        print("bench.cpu needs wrk (apt-get install wrk, or make wrk)", file=sys.stderr)
        return 1
    database = ready_database()
    from bench import http, measures

    campaign = measures.build_campaign("50 respondents", 50)
    area, post = http.save_load(campaign)
    port = http.free_port()
    server = http.start_gunicorn(port)
    print(f"{database}: CPU ms per request (app workers, database server, wrk)")
    try:
        for _ in range(options.rounds):
            links = http.questionnaire_links(campaign)
            paths = [f"{link}areas/{area.key}/" for link in links]
            for name, wanted, load_options in (
                ("/healthz", ["/healthz"], {}),
                ("save and continue", paths, post),
                ("area already answered", paths, {}),
            ):
                http.load(port, wanted, duration=http.WARM_UP, **load_options)
                found = measured_load(port, wanted, server.pid, **load_options)
                workers, database_server, wrk = found["costs"]
                print(
                    f"{name:24} {found['rate']:7,.0f} req/s, {found['errors']} errors: "
                    f"app {workers:.2f}, database {database_server:.2f}, wrk {wrk:.2f}, "
                    f"all {workers + database_server + wrk:.2f}"
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
