#!/usr/bin/env python3
"""Start a throwaway PostgreSQL 15 server on a free local port, for the tests.

    python scripts/local_postgres.py -- dbt build --target postgres

Runs the command with SALES_KPIS_PG_* pointing at a fresh server (database
`sales_kpis`, trust authentication on 127.0.0.1 only), then stops the server
and deletes its data directory. PostgreSQL refuses to run as root, so as root
the server runs as the `postgres` system user that Debian's packages create.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

PG_BIN_CANDIDATES = (Path("/usr/lib/postgresql/15/bin"), Path("/usr/lib/postgresql/16/bin"))
DATABASE = "sales_kpis"


def pg_bin() -> Path:
    for candidate in PG_BIN_CANDIDATES:
        if (candidate / "pg_ctl").exists():
            return candidate
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    raise SystemExit(
        "PostgreSQL server binaries not found (expected /usr/lib/postgresql/15/bin; "
        "on Debian: apt-get install postgresql-15)"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@contextlib.contextmanager
def temporary_postgres() -> Iterator[dict[str, str]]:
    """Yield environment variables for profiles.yml's postgres target."""
    bin_dir = pg_bin()
    workdir = Path(tempfile.mkdtemp(prefix="sales_kpis_pg_"))
    data_dir = workdir / "data"
    port = free_port()
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
    quiet = {"stdout": subprocess.DEVNULL}
    try:
        subprocess.run(
            as_server_user(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(data_dir),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ]
            ),
            check=True,
            **quiet,
        )
        options = f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        subprocess.run(
            as_server_user(
                [
                    str(bin_dir / "pg_ctl"),
                    "-D",
                    str(data_dir),
                    "-o",
                    options,
                    "-l",
                    str(workdir / "server.log"),
                    "-w",
                    "start",
                ]
            ),
            check=True,
            **quiet,
        )
        subprocess.run(
            [str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", DATABASE], check=True
        )
        yield {
            "SALES_KPIS_PG_HOST": "127.0.0.1",
            "SALES_KPIS_PG_PORT": str(port),
            "SALES_KPIS_PG_USER": "postgres",
            "SALES_KPIS_PG_PASSWORD": "",
            "SALES_KPIS_PG_DATABASE": DATABASE,
        }
    finally:
        subprocess.run(
            as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-m", "fast", "-w", "stop"]),
            check=False,
            **quiet,
        )
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs=argparse.REMAINDER, help="command to run against the server (after --)")
    options = parser.parse_args(argv)
    command = [c for c in options.command if c != "--"] or [sys.executable, "-c", "print('server ok')"]
    with temporary_postgres() as env:
        environment = dict(os.environ, SALES_KPIS_TARGET="postgres", **env)
        return subprocess.run(command, env=environment, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
