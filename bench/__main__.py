"""Run the benchmarks: `make bench` (SQLite) or `DATABASE_URL=postgres://... make bench`.

Every figure is a ratio against a baseline measured in the same run on the same machine,
so the table compares like with like whatever the machine. `--record` also writes the
table to docs/benchmarks.md.
"""

import argparse
import platform
import sys
import time
from pathlib import Path

from bench.database import ready_database

RESPONDENTS = 5000
FEW_RESPONDENTS = 50


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--respondents", type=int, default=RESPONDENTS)
    parser.add_argument("--record", action="store_true", help="write docs/benchmarks.md")
    parser.add_argument("--skip-http", action="store_true", help="no gunicorn load test")
    options = parser.parse_args(argv)

    database = ready_database()
    from bench import measures

    rows = []
    big, import_row = measures.import_rate(options.respondents)
    rows.append(import_row)
    small = measures.build_campaign("50 respondents", FEW_RESPONDENTS)
    rows += measures.results_rows(big, small)
    rows += measures.report_rows(big)
    if not options.skip_http:
        from bench import http

        rows += http.page_rows(big)
    table = render(rows, database, options.respondents)
    print(table)
    if options.record:
        record(table)
    return 1 if any(row[-1] == "MISSED" for row in rows) else 0


def render(rows, database: str, respondents: int) -> str:
    machine = f"{platform.machine()}, {platform.system()} {platform.release()}"
    import os

    lines = [
        f"Benchmarks on {database}, {respondents} respondents, {os.cpu_count()} cores "
        f"({machine}), Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}",
        "",
        "| measure | value | baseline | ratio | target | verdict |",
        "|---|---|---|---|---|---|",
    ]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def record(table: str):
    path = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
    intro = path.read_text().split("<!-- results -->")[0] if path.exists() else ""
    path.write_text(intro + "<!-- results -->\n\n" + table + "\n")


if __name__ == "__main__":
    sys.exit(main())
