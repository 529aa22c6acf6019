"""Publishing the warehouse safely: one build per publish path at a time, no
leftovers of killed builds, no foreign write-ahead log, no personal data.

scripts/build.py calls these in this order:

1. `PublishLock(publish_path).acquire()`: an exclusive lock (fcntl.flock) on
   `<publish path>.lock`, holding the pid, host and start time of the build.
   A second build to the same path stops at once with `PublishBusy` naming
   the holder (or waits for it with `--wait`). The kernel drops the lock when
   its holder dies, even by SIGKILL, so a crashed build never blocks the next.
2. `BuildFolderLock(<target>/building).acquire()`: dbt builds in one file
   there, `build_file()`, whose path never changes (dbt then parses only what
   changed since the last build); one build per target folder at a time.
   `remove_killed_build()` deletes what a killed build left in it, and
   `remove_leftovers()` the hidden `.<name>.building-<pid>*` files (+ `.wal`)
   a killed build left beside the publish path.
3. `check_not_open_for_writing()`: a program holding the published file open
   read-write (a BI tool, a notebook) would write its own `.wal` beside the new
   file; the build stops with `PublishBlocked` instead, before and again just
   before publishing.
4. `write_published_copy()`: the file that is published is a fresh copy of
   the dbt build without the raw landing schema `crm_export` (e-mail, phone
   and names of leads, contacts and users live there); staging and
   intermediate views, which read that schema, become tables. A fresh file
   also means no freed page of the build file, where raw rows were, travels.
   Schema `build_info` records the build and the raw row counts (the next
   build's "a file lost rows" check reads them), with the build mode and the
   project fingerprint an incremental build compares (scripts/build.py).
5. `quarantine_stale_wal()`: a `<publish path>.wal` left by another program
   belongs to the old file; DuckDB would replay it into the new one. It is
   moved aside (`.wal.stale-<time>`) with a warning, then the new file is
   renamed over the old one (atomic).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
import socket
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from duckdb_limits import duckdb_limits  # noqa: E402

# BI tools embed DuckDB 1.x, which cannot read DuckDB 2.x's own storage format.
STORAGE_VERSION = "v1.0.0"
RAW_SCHEMA = "crm_export"
BUILD_INFO_SCHEMA = "build_info"
# Schemas of the dbt build that are not published (personal data, dbt's empty default schema).
UNPUBLISHED_SCHEMAS = (RAW_SCHEMA, "main")
# The file dbt builds in, in dbt's target folder (build_file()).
BUILD_FILE_NAME = "sales_kpis.duckdb"


class PublishBusy(Exception):
    """Another build holds the lock on the publish path."""


class PublishBlocked(Exception):
    """Another program holds the published file open read-write."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def describe_holder(text: str) -> str:
    try:
        holder = json.loads(text)
        return f"pid {holder['pid']} on host {holder['host']}, started {holder['started']}"
    except (ValueError, KeyError, TypeError):
        return "a build that has not written its details yet"


class PublishLock:
    """An exclusive lock on `<publish path>.lock` for the whole build.

    The lock file is removed on release; a builder that locked a file that was
    meanwhile removed (by the holder releasing it) locks the new one instead.
    """

    def __init__(self, publish_path: Path) -> None:
        self.publish_path = publish_path
        self.path = publish_path.with_name(publish_path.name + ".lock")
        self.fd: int | None = None

    def acquire(self, wait: bool = False, on_wait: Callable[[str], None] | None = None) -> None:
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = describe_holder(os.pread(fd, 4096, 0).decode("utf-8", "replace"))
                if not wait:
                    os.close(fd)
                    raise PublishBusy(
                        f"{self.busy_message(holder)} (lock file {self.path}). "
                        "Let it finish, or run again with --wait to queue behind it."
                    ) from None
                if on_wait:
                    on_wait(self.waiting_message(holder))
                fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                same_file = os.stat(self.path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same_file = False
            if same_file:
                break
            os.close(fd)
        holder = {"pid": os.getpid(), "host": socket.gethostname(), "started": f"{utc_now():%Y-%m-%d %H:%M:%S} UTC"}
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(holder) + "\n").encode(), 0)
        self.fd = fd

    def release(self) -> None:
        if self.fd is None:
            return
        self.path.unlink(missing_ok=True)
        os.close(self.fd)
        self.fd = None

    def busy_message(self, holder: str) -> str:
        return f"another build is publishing to {self.publish_path}: {holder}"

    def waiting_message(self, holder: str) -> str:
        return f"waiting for the build publishing to {self.publish_path} ({holder}) to finish"


class BuildFolderLock(PublishLock):
    """An exclusive lock on the build folder in dbt's target folder, whatever the publish path.

    dbt writes its target folder (manifest.json, run_results.json, its partial
    parse) and the build file in it: one build at a time per target folder.
    Builds side by side from one checkout give each its own DBT_TARGET_PATH.
    """

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.publish_path = folder
        self.path = folder / ".lock"
        self.fd = None

    def busy_message(self, holder: str) -> str:
        return (
            f"another build of this project is writing dbt's build folder {self.publish_path}: {holder}. "
            "Builds side by side need a DBT_TARGET_PATH each"
        )

    def waiting_message(self, holder: str) -> str:
        return f"waiting for the build writing {self.publish_path} ({holder}) to finish"


def building_path(publish_path: Path, suffix: str = "") -> Path:
    """The hidden file a build writes next to the publish path (same folder, so the final rename is atomic)."""
    return publish_path.with_name(f".{publish_path.stem}.building-{os.getpid()}{suffix}{publish_path.suffix}")


def build_file(build_folder: Path) -> Path:
    """The DuckDB file dbt builds in: always the same path and name (its database name, `sales_kpis`), so dbt's
    profile does not change from build to build and dbt parses only what changed (partial parsing)."""
    return build_folder / BUILD_FILE_NAME


def remove_killed_build(build_folder: Path) -> list[Path]:
    """Delete the build file (+ .wal) a killed build left; call it holding the BuildFolderLock."""
    leftovers = [build_file(build_folder), Path(f"{build_file(build_folder)}.wal")]
    removed = [path for path in leftovers if path.exists()]
    for path in removed:
        path.unlink()
    return removed


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(publish_path: Path) -> list[Path]:
    """Delete the hidden build files (and their .wal) of earlier builds to this path whose process is gone."""
    removed = []
    pattern = re.compile(rf"^\.{re.escape(publish_path.stem)}\.building-(\d+)")
    for path in sorted(publish_path.parent.glob(f".{publish_path.stem}.building-*")):
        match = pattern.match(path.name)
        if match and int(match.group(1)) != os.getpid() and not pid_alive(int(match.group(1))):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def check_not_open_for_writing(publish_path: Path) -> None:
    """Raise PublishBlocked when another process holds the published file open read-write.

    DuckDB locks its file: a read-only open fails only against a writer. A
    read-only open changes nothing, not even with a .wal beside the file.
    """
    if not publish_path.exists():
        return
    try:
        duckdb.connect(str(publish_path), read_only=True).close()
    except duckdb.IOException as error:
        if "lock" not in str(error).lower():
            raise
        holder = re.search(r"Conflicting lock is held in (.+?) \(PID (\d+)\)", str(error))
        who = f"{holder.group(1)} (pid {holder.group(2)})" if holder else "another program"
        raise PublishBlocked(
            f"{publish_path} is open for writing in {who}. A BI tool or notebook must open the warehouse "
            "read-only (DuckDB: read_only=True / access_mode=READ_ONLY); close it there and build again."
        ) from None


def quarantine_stale_wal(publish_path: Path) -> Path | None:
    """Move a write-ahead log left beside the published file out of the way, so DuckDB never replays it."""
    wal = Path(f"{publish_path}.wal")
    if not wal.exists():
        return None
    target = Path(f"{wal}.stale-{utc_now():%Y%m%dT%H%M%SZ}")
    os.replace(wal, target)
    return target


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def write_published_copy(
    work: Path, out: Path, build: dict[str, object], raw_row_counts: dict[str, int]
) -> dict[str, int]:
    """Copy every published relation of the dbt build `work` into a new file `out`; return tables per schema."""
    out.unlink(missing_ok=True)
    copied: dict[str, int] = {}
    with duckdb.connect(str(out), config={"storage_compatibility_version": STORAGE_VERSION, **duckdb_limits()}) as con:
        con.execute(f"attach {_literal(str(work))} as work (read_only)")
        relations = con.execute(
            "select table_schema, table_name from information_schema.tables where table_catalog = 'work' "
            f"and table_schema not in ({', '.join(_literal(s) for s in UNPUBLISHED_SCHEMAS)}) order by all"
        ).fetchall()
        for schema, table in relations:
            con.execute(f"create schema if not exists {_q(schema)}")
            # a view (staging, intermediate) becomes a table: its source, crm_export, is not published
            con.execute(f"create table {_q(schema)}.{_q(table)} as select * from work.{_q(schema)}.{_q(table)}")
            copied[schema] = copied.get(schema, 0) + 1
        con.execute("detach work")
        con.execute(f"create schema {BUILD_INFO_SCHEMA}")
        con.execute(
            f"create table {BUILD_INFO_SCHEMA}.build (built_at timestamp, as_of_date date, export_dir varchar, "
            "python varchar, duckdb varchar, build_mode varchar, project_fingerprint varchar)"
        )
        con.execute(
            f"insert into {BUILD_INFO_SCHEMA}.build values (?, ?, ?, ?, ?, ?, ?)",
            [
                build["built_at"],
                build["as_of_date"],
                build["export_dir"],
                sys.version.split()[0],
                duckdb.__version__,
                build.get("build_mode"),
                build.get("project_fingerprint"),
            ],
        )
        con.execute(f"create table {BUILD_INFO_SCHEMA}.raw_row_counts (table_name varchar, row_count bigint)")
        counts = sorted(raw_row_counts.items())
        con.executemany(f"insert into {BUILD_INFO_SCHEMA}.raw_row_counts values (?, ?)", counts)
        con.execute("checkpoint")
    return copied


def published_raw_row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """The raw row counts a published file recorded (empty when it has none, e.g. built before build_info)."""
    try:
        rows = con.execute(f"select table_name, row_count from {BUILD_INFO_SCHEMA}.raw_row_counts").fetchall()
    except duckdb.CatalogException:
        return {}
    return {name: int(count) for name, count in rows}


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
