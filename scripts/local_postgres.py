#!/usr/bin/env python3
"""Start a throwaway PostgreSQL 15 server on a free local port, for the tests.

    python scripts/local_postgres.py -- dbt build
    python scripts/local_postgres.py --land-export seeds/sample_export -- \
        dbt build --vars '{"crm_export_landed": true}'

Runs the command with SALES_KPIS_PG_* pointing at a fresh server (database
`sales_kpis`, trust authentication on 127.0.0.1 only), then stops the server
and deletes its data directory. PostgreSQL refuses to run as root, so as root
the server runs as the `postgres` system user that Debian's packages create.

`--land-export DIR` first lands the export's files in schema crm_export with
PostgreSQL's COPY, each column as text, the way scripts/load_export.py lands
a user's folder in DuckDB: seconds, where `dbt seed` inserts the sample's
100,000 rows through agate and parameter lists for minutes. With the
crm_export_landed var true, dbt_project.yml disables the sample seeds and staging
reads the landed tables. The folder must be a valid export (the DuckDB build
checks the same files with the admission gate); this only loads it.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from input_contract import EXPORT_FILES  # noqa: E402

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


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def land_export(env: dict[str, str], folder: Path, schema: str = "crm_export") -> dict[str, int]:
    """COPY each file of the input contract into schema.<table> (text columns named as in the header, lower
    case, as `dbt seed` with quote_columns false names them; empty fields, quoted or not, are null, as DuckDB's
    CSV reader makes them); an optional file that is absent lands as an empty table. Returns rows per table."""
    import psycopg2  # installed with dbt-postgres

    counts: dict[str, int] = {}
    connection = psycopg2.connect(
        host=env["SALES_KPIS_PG_HOST"],
        port=env["SALES_KPIS_PG_PORT"],
        user=env["SALES_KPIS_PG_USER"],
        dbname=env["SALES_KPIS_PG_DATABASE"],
    )
    try:
        with connection, connection.cursor() as cursor:  # one transaction, committed at the end
            cursor.execute(f"create schema if not exists {_ident(schema)}")
            for spec in EXPORT_FILES:
                path = folder / spec.file_name
                table = f"{_ident(schema)}.{_ident(spec.table_name)}"
                if path.exists():
                    with path.open(encoding="utf-8-sig", newline="") as file:
                        header = [name.strip().lower() for name in next(csv.reader(file))]
                elif spec.required:
                    raise SystemExit(f"{path}: required file is missing")
                else:
                    header = [column.name.lower() for column in spec.columns]
                columns = ", ".join(_ident(name) for name in header)
                cursor.execute(f"create table {table} ({', '.join(f'{_ident(n)} text' for n in header)})")
                if path.exists():
                    with path.open("rb") as file:
                        cursor.copy_expert(
                            f"copy {table} ({columns}) from stdin "
                            f"with (format csv, header true, encoding 'UTF8', force_null ({columns}))",
                            file,
                        )
                cursor.execute(f"select count(*) from {table}")
                counts[spec.table_name] = cursor.fetchone()[0]
    finally:
        connection.close()
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--land-export", type=Path, metavar="DIR", help="COPY this export folder into crm_export")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="command to run against the server (after --)")
    options = parser.parse_args(argv)
    command = [c for c in options.command if c != "--"] or [sys.executable, "-c", "print('server ok')"]
    with temporary_postgres() as env:
        if options.land_export:
            counts = land_export(env, options.land_export)
            print(f"landed {sum(counts.values()):,} rows of {len(counts)} files with COPY", flush=True)
        environment = dict(os.environ, SALES_KPIS_TARGET="postgres", **env)
        return subprocess.run(command, env=environment, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
