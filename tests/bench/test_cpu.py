"""bench.cpu's reading of /proc: a server's CPU is its own and its workers', nobody else's."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bench.cpu import cpu_seconds, processes

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="bench.cpu reads Linux's /proc"
)
# A server whose one worker spends 0.3 s of CPU, then says so and waits.
SERVER = """
import subprocess, sys
worker = subprocess.Popen([sys.executable, "-c", '''
import time
end = time.process_time() + 0.3
while time.process_time() < end:
    pass
print("done", flush=True)
time.sleep(30)
'''], stdout=sys.stdout)
worker.wait()
"""
IDLE = "import time; time.sleep(30)"


def test_a_process_is_listed_with_its_parent():
    name, parent, seconds = processes()[os.getpid()]
    assert parent == os.getppid()
    assert seconds > 0
    assert name


def test_a_server_counts_its_workers_cpu_and_not_its_neighbours():
    # Each in a session of its own, so that stopping it stops its worker too.
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    idle = subprocess.Popen([sys.executable, "-c", IDLE], start_new_session=True)
    try:
        assert server.stdout.readline() == "done\n"
        busy, database = cpu_seconds(server.pid, with_postgres=False)
        quiet, _ = cpu_seconds(idle.pid, with_postgres=False)
    finally:
        for process in (server, idle):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert busy >= 0.25  # the worker's, through its parent
    assert quiet < 0.2  # not its busy neighbour's, nor this test's
    assert database == 0
