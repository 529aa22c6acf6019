"""Publishing holds under concurrency and crashes, validates --as-of-date first, and publishes no personal data.

Every case runs the main command (scripts/build.py) in real processes. Two
full builds run here: the concurrency case (whose result the no-personal-data
checks read) and the stale write-ahead-log case.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR, SCRIPTS, BuildResult, run_build, sha256

SAMPLE = PROJECT_DIR / "seeds" / "sample_export"
# dbt's target folder of this test process (conftest.py sets DBT_TARGET_PATH per worker); builds run in it.
TARGET_DIR = Path(os.environ["DBT_TARGET_PATH"])
EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
PHONE = r"\+\d{1,3}[ ./-]?\(?\d{1,4}\)?([ ./-]?\d{2,}){1,4}"


def start_build(publish: Path, *extra: str) -> subprocess.Popen:
    """The main command in the background, as conftest.run_build runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALES_KPIS_")}
    return subprocess.Popen(
        [sys.executable, str(SCRIPTS / "build.py"), "--publish-path", str(publish), *extra],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def running(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    try:
        os.kill(pid, 0)
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (ProcessLookupError, FileNotFoundError):
        return False
    return state != "Z"


def children(pid: int) -> list[tuple[int, str]]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                found.append((int(stat.parent.name), cmdline))
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
    return found


def others(folder: Path, *keep: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


@dataclass
class Concurrent:
    publish: Path
    first_pid: int
    first: BuildResult
    second: BuildResult
    second_seconds: float
    first_running_when_second_ended: bool


@pytest.fixture(scope="module")
def concurrent(tmp_path_factory: pytest.TempPathFactory) -> Concurrent:
    """Two builds of the sample to one path: the second starts while the first holds the lock."""
    publish = tmp_path_factory.mktemp("concurrent") / "sales_kpis.duckdb"
    lock = publish.with_name("sales_kpis.duckdb.lock")
    first = start_build(publish)
    try:
        wait_for(lambda: lock.exists() and str(first.pid) in lock.read_text(), 120, "the first build's lock")
        started = time.monotonic()
        second = run_build(publish)
        second_seconds = time.monotonic() - started
        first_running = first.poll() is None
        out, err = first.communicate(timeout=900)
    finally:
        first.kill()
    first_result = BuildResult(first.returncode, out, err)
    return Concurrent(publish, first.pid, first_result, second, second_seconds, first_running)


def test_second_build_to_the_same_path_names_the_holder_and_exits_1(concurrent: Concurrent) -> None:
    second = concurrent.second
    assert second.returncode == 1, second.output
    assert (
        f"error: another build is publishing to {concurrent.publish}: pid {concurrent.first_pid} "
        f"on host {socket.gethostname()}, started "
    ) in second.stderr
    assert f"(lock file {concurrent.publish}.lock). Let it finish, or run again with --wait" in second.stderr
    assert f"Nothing was published; {concurrent.publish} is as it was." in second.stderr
    # it stops at once (the time is mostly Python importing pandas and Great Expectations on a busy machine)
    assert concurrent.first_running_when_second_ended and concurrent.second_seconds < 90
    assert "export check" not in second.stdout


def test_first_build_publishes_and_ends_with_a_summary(concurrent: Concurrent) -> None:
    first = concurrent.first
    assert first.returncode == 0, first.output
    lines = first.stdout.splitlines()
    summary = lines[lines.index(f"Published {concurrent.publish}") :]
    assert summary[1].startswith("  KPIs built: ") and "models" in summary[1] and "tests" in summary[1]
    assert int(summary[1].split()[2]) > 20
    assert summary[2].startswith("  Warnings: ")
    # the records counted by rule (rpt_data_quality_exclusions_rule), one indented line each, as the header says
    assert summary[3].startswith("  Records counted by rule (marts.rpt_data_quality_exclusions_rule): ")
    counted = int(summary[3].split(": ")[1].split()[0])
    rules = summary[4 : 4 + counted]
    assert counted > 0 and all(line.startswith("    ") and line.endswith(("kept", "excluded")) for line in rules)
    summary = summary[:4] + summary[4 + counted :]
    assert summary[4].startswith("  Time: export check ") and "dbt build" in summary[4] and "publish" in summary[4]
    log = Path(summary[5].removeprefix("  dbt log: "))
    assert log.parent == concurrent.publish.parent / "logs" and log.name.startswith("build-")
    assert "Running with dbt=" in log.read_text()
    assert "[build]   Lead.csv: " in first.stdout
    assert "[build]   dbt build: models " in first.stdout
    assert "\x1b[" not in first.stdout, "no terminal control codes when stdout is not a terminal"
    # nothing else stays next to the published file but dbt's manifest of the build: no lock, no hidden build files
    assert others(concurrent.publish.parent) == ["data_docs", "logs", "sales_kpis.duckdb", "sales_kpis.manifest.json"]
    manifest = json.loads(concurrent.publish.with_suffix(".manifest.json").read_text())
    assert manifest["metadata"]["project_name"] == "sales_kpis" and "model.sales_kpis.dim_reps" in manifest["nodes"]


def personal_values() -> set[str]:
    """The sample's e-mails, phones and lead/contact names, and user e-mails, as they are in the CSVs.

    Reps' names (User.Name) are published on purpose (leaderboards need them): a lead that happens to share a
    rep's name is not counted.
    """
    values = set()
    for file_name, columns in {
        "Lead.csv": ("email", "phone", "firstname", "lastname"),
        "Contact.csv": ("email", "phone", "firstname", "lastname"),
        "User.csv": ("email",),
    }.items():
        with (SAMPLE / file_name).open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                row = {k.lower(): v for k, v in row.items()}
                values |= {row[c].strip() for c in columns if row.get(c, "").strip()}
                if row.get("firstname", "").strip() and row.get("lastname", "").strip():
                    values.add(f"{row['firstname'].strip()} {row['lastname'].strip()}")
    with (SAMPLE / "User.csv").open(encoding="utf-8-sig", newline="") as handle:
        reps = {row["Name"].strip() for row in csv.DictReader(handle)}
    return values - reps


def test_published_sample_holds_no_personal_data(concurrent: Concurrent) -> None:
    values = personal_values()
    assert len(values) > 10_000  # the sample does hold e-mails, phones and names
    hits = []
    with duckdb.connect(str(concurrent.publish), read_only=True) as con:
        con.execute("create temp table personal (value varchar)")
        con.executemany("insert into temp.personal values (?)", [[v] for v in sorted(values)])
        text_columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_catalog = current_database() and data_type = 'VARCHAR'"
        ).fetchall()
        assert len(text_columns) > 100
        for schema, table, column in text_columns:
            relation, value = f'"{schema}"."{table}"', f'"{column}"'
            found = con.execute(
                f"select {value} from {relation} where regexp_matches({value}, '{EMAIL}') "
                f"or regexp_matches({value}, '{PHONE}') or {value} in (select value from temp.personal) limit 3"
            ).fetchall()
            if found:
                hits.append((schema, table, column, [f[0] for f in found]))
        schemas = {r[0] for r in con.execute("select schema_name from information_schema.schemata").fetchall()}
    assert not hits, hits
    assert "crm_export" not in schemas


def test_the_patterns_would_find_personal_data() -> None:
    """The grep above can fail: on the raw export as the loader lands it, it finds every kind."""
    with duckdb.connect() as con:
        lead = con.execute(f"select * from read_csv('{SAMPLE / 'Lead.csv'}', all_varchar = true) limit 1").df()
        row = lead.iloc[0]
        assert con.execute(f"select regexp_matches(?, '{EMAIL}')", [row["Email"]]).fetchone()[0]
        assert con.execute(f"select regexp_matches(?, '{PHONE}')", [row["Phone"]]).fetchone()[0]
    assert f"{row['FirstName']} {row['LastName']}" in personal_values()


def test_published_file_records_the_build_and_raw_row_counts(concurrent: Concurrent) -> None:
    import build

    with (SAMPLE / "Task.csv").open(encoding="utf-8-sig", newline="") as handle:
        tasks = sum(1 for _ in csv.reader(handle)) - 1
    with duckdb.connect(str(concurrent.publish), read_only=True) as con:
        as_of, export_dir = con.execute("select as_of_date, export_dir from build_info.build").fetchone()
        assert export_dir == str(SAMPLE)
        assert as_of is not None
        staging_tables = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'staging' and table_type = 'BASE TABLE'"
        ).fetchone()[0]
    assert staging_tables >= 14
    counts = build.previous_raw_row_counts(concurrent.publish)
    assert counts["Task"] == tasks
    assert len(counts) == 18


def test_killed_build_is_cleaned_up_by_the_next_one(tmp_path: Path) -> None:
    publish = tmp_path / "warehouse" / "sales_kpis.duckdb"
    build = start_build(publish)
    try:
        dbt = wait_for(
            lambda: next((pid for pid, cmd in children(build.pid) if "/dbt build" in cmd), None), 600, "dbt to start"
        )
        logs = publish.parent / "logs"
        wait_for(
            lambda: any("Concurrency:" in log.read_text() for log in logs.glob("build-*.log")), 300, "dbt to run nodes"
        )
        build.send_signal(signal.SIGKILL)
        build.wait(timeout=30)
    finally:
        build.kill()
    wait_for(lambda: not running(dbt), 30, f"dbt (pid {dbt}) to end with its parent")
    building = TARGET_DIR / "building" / "sales_kpis.duckdb"
    assert building.exists()

    empty = tmp_path / "empty_export"
    empty.mkdir()
    result = run_build(publish, empty)
    assert result.returncode == 1, result.output
    assert "[build]   removed sales_kpis.duckdb, left by a build that was killed" in result.stdout
    assert not building.exists()
    assert "error: Opportunity.csv: required file is missing" in result.stderr
    assert others(publish.parent, "data_docs", "logs") == []


def test_sigterm_stops_dbt_and_cleans_up(tmp_path: Path) -> None:
    publish = tmp_path / "warehouse" / "sales_kpis.duckdb"
    build = start_build(publish)
    try:
        dbt = wait_for(
            lambda: next((pid for pid, cmd in children(build.pid) if "/dbt build" in cmd), None), 600, "dbt to start"
        )
        build.send_signal(signal.SIGTERM)
        out, err = build.communicate(timeout=120)
    finally:
        build.kill()
    assert build.returncode == 1, out + err
    assert f"error: interrupted (SIGTERM); dbt was stopped. Nothing was published; {publish} is as it was." in err
    assert "[build] dbt build (full): failed after " in out  # no earlier build: a full one
    assert not running(dbt)
    assert others(publish.parent, "data_docs", "logs") == []


def hold_open_for_writing(path: Path, stale_wal: bool = False) -> subprocess.Popen:
    """Another process with the file open read-write (a BI tool); with stale_wal, a table only in its WAL."""
    script = (
        "import duckdb, sys, time\n"
        "con = duckdb.connect(sys.argv[1])\n"
        "if sys.argv[2] == 'wal':\n"
        "    con.execute(\"set checkpoint_threshold = '10GB'\")\n"
        "    con.execute('create table main.foreign_table as select 42 as x')\n"
        "print('open', flush=True)\n"
        "time.sleep(600)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script, str(path), "wal" if stale_wal else "-"], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "open"
    return holder


def test_file_held_open_for_writing_gives_a_message_and_changes_nothing(concurrent: Concurrent, tmp_path: Path) -> None:
    publish = tmp_path / "sales_kpis.duckdb"
    shutil.copy(concurrent.publish, publish)
    digest = sha256(publish)
    holder = hold_open_for_writing(publish)
    try:
        started = time.monotonic()
        result = run_build(publish)
        seconds = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1, result.output
    assert f"error: {publish} is open for writing in " in result.stderr
    assert f"(pid {holder.pid}). A BI tool or notebook must open the warehouse read-only" in result.stderr
    assert f"Nothing was published; {publish} is as it was." in result.stderr
    assert "Traceback" not in result.output
    assert seconds < 90 and "export check" not in result.stdout, "refused before anything is loaded"
    assert sha256(publish) == digest
    assert others(tmp_path, "sales_kpis.duckdb", "sales_kpis.duckdb.wal") == []


def test_stale_wal_beside_the_publish_path_is_not_replayed(concurrent: Concurrent, tmp_path: Path) -> None:
    publish = tmp_path / "sales_kpis.duckdb"
    shutil.copy(concurrent.publish, publish)
    holder = hold_open_for_writing(publish, stale_wal=True)
    holder.kill()  # dies before any checkpoint: its table lives only in the .wal
    holder.wait()
    wal = Path(f"{publish}.wal")
    assert wal.exists()
    wal_bytes = wal.read_bytes()

    result = run_build(publish)
    assert result.returncode == 0, result.output
    assert (
        "warning: sales_kpis.duckdb.wal was left beside the published file by another program; "
        "it was moved to sales_kpis.duckdb.wal.stale-"
    ) in result.stderr
    assert "publish 1" in result.stdout  # counted in the summary's warnings
    assert not wal.exists()
    (quarantined,) = tmp_path.glob("sales_kpis.duckdb.wal.stale-*")
    assert quarantined.read_bytes() == wal_bytes
    with duckdb.connect(str(publish), read_only=True) as con:
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    assert "foreign_table" not in tables
    assert "fct_opportunities" in tables


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2025-13-01", "--as-of-date '2025-13-01': no such date"),
        ("30.06.2025", "--as-of-date '30.06.2025': expected a date YYYY-MM-DD"),
        ("20250630", "--as-of-date '20250630': expected a date YYYY-MM-DD"),
        (
            "2031-01-01",
            "--as-of-date 2031-01-01: outside the calendar 2015-01-01 to 2030-12-31 "
            "(vars calendar_start_date / calendar_end_date in dbt_project.yml)",
        ),
        (
            "2014-12-31",
            "--as-of-date 2014-12-31: outside the calendar 2015-01-01 to 2030-12-31 "
            "(vars calendar_start_date / calendar_end_date in dbt_project.yml)",
        ),
    ],
)
def test_bad_as_of_date_is_a_usage_error_before_anything_is_loaded(value: str, message: str, tmp_path: Path) -> None:
    publish = tmp_path / "sales_kpis.duckdb"
    with duckdb.connect(str(publish)) as con:
        con.execute("create table previous as select 1 as build")
    digest = sha256(publish)
    started = time.monotonic()
    result = run_build(publish, None, "--as-of-date", value)
    assert result.returncode == 2, result.output
    assert result.stderr == f"build.py: error: {message}\n"
    assert result.stdout == ""
    assert time.monotonic() - started < 90
    assert sha256(publish) == digest
    assert others(tmp_path) == ["sales_kpis.duckdb"]


def test_lock_holder_details_are_json(tmp_path: Path) -> None:
    """The lock file says who holds it; a released lock leaves no file behind."""
    from publishing import PublishLock

    publish = tmp_path / "sales_kpis.duckdb"
    lock = PublishLock(publish)
    lock.acquire()
    holder = json.loads(lock.path.read_text())
    assert holder["pid"] == os.getpid() and holder["host"] == socket.gethostname()
    other = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.path.insert(0, sys.argv[1]); from publishing import PublishLock, PublishBusy\n"
            "from pathlib import Path\n"
            "try:\n    PublishLock(Path(sys.argv[2])).acquire()\nexcept PublishBusy as e:\n    print(e)",
            str(SCRIPTS),
            str(publish),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"pid {os.getpid()} on host" in other.stdout
    lock.release()
    assert not lock.path.exists()


def test_wait_queues_behind_the_holder(tmp_path: Path) -> None:
    from publishing import PublishLock

    publish = tmp_path / "sales_kpis.duckdb"
    empty = tmp_path / "empty_export"
    empty.mkdir()
    lock = PublishLock(publish)
    lock.acquire()
    build = start_build(publish, "--wait", "--export-dir", str(empty))
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(build.stdout), daemon=True)
    reader.start()
    try:
        wait_for(lambda: any("waiting for the build publishing to" in line for line in lines), 120, "--wait to wait")
        time.sleep(1)
        assert build.poll() is None, "a build with --wait must not go on while the lock is held"
    finally:
        lock.release()
    assert build.wait(timeout=120) == 1  # then it runs: the empty export is refused
    reader.join(timeout=10)
    assert f"(pid {os.getpid()} on host {socket.gethostname()}, started " in "".join(lines)
    assert "error: Opportunity.csv: required file is missing" in build.stderr.read()


def test_second_build_from_the_same_target_folder_stops_with_a_message(tmp_path: Path) -> None:
    """Two publish paths, one target folder: the build file there is held by the first; the second says so."""
    from publishing import BuildFolderLock

    held = BuildFolderLock(TARGET_DIR / "building")
    held.acquire()
    empty = tmp_path / "empty_export"
    empty.mkdir()
    try:
        result = run_build(tmp_path / "other" / "sales_kpis.duckdb", empty)
    finally:
        held.release()
    assert result.returncode == 1, result.output
    assert (
        f"error: another build of this project is writing dbt's build folder {TARGET_DIR / 'building'}: "
        f"pid {os.getpid()} on host {socket.gethostname()}" in result.stderr
    )
    assert "Builds side by side need a DBT_TARGET_PATH each" in result.stderr
    assert "required file is missing" not in result.stderr  # it stopped before reading the export
