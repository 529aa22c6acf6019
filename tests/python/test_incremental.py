"""An incremental build on the next day's export gives exactly the tables of a full build.

README, "Incremental builds".

The same company's export is generated as it stood at the end of D and of D+1 (`generate_sample.py --as-of`).
D is built in full; D+1 is built on top of it (build.py's default: incremental from the published file), and
in full into another file. Every table of the published file must be the same row for row. D's export is
also altered the way a CRM export differs from day to day: a task created within the lookback window arrives
only in D+1's export (late-arriving, back-dated), and another one is edited after D.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import duckdb
import pytest
import yaml
from conftest import PROJECT_DIR, generate, run_build, sha256

SEED = 7  # the other company (conftest.other_export), not the committed sample
D = dt.date(2026, 6, 29)  # D+1 is a month end: a new month-end snapshot as well as a new as-of one
NEXT = D + dt.timedelta(days=1)
LOOKBACK_DAYS = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]["incremental_lookback_days"]


def _rewrite_tasks(export: Path, change) -> dict[str, str]:
    """Apply change(rows) to Task.csv (bytes kept as they are: latin-1 round-trips any byte); return its result."""
    path = export / "Task.csv"
    text = path.read_bytes().decode("latin-1")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    header = list(rows[0])
    result = change(rows)
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("latin-1"))
    return result


def _recent_completed_calls(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Completed calls created 2 days or more before D, well inside the lookback window of D+1's incremental run."""
    return [
        row
        for row in rows
        if row["Type"] == "Call"
        and row["IsClosed"] == "true"
        and row["IsDeleted"] == "false"
        and 2 <= (D - dt.date.fromisoformat(row["CreatedDate"][:10])).days <= LOOKBACK_DAYS - 3
    ]


def _alter_export_of_d(rows: list[dict[str, str]]) -> dict[str, str]:
    late, edited = _recent_completed_calls(rows)[:2]
    rows.remove(late)  # logged after D's export was taken, though created (and dated) before D
    edited["Type"] = "Email"  # D+1's export says Call: changed after D
    return {"late": late["Id"], "edited": edited["Id"]}


def _build_mode(warehouse: Path) -> str:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select build_mode from build_info.build").fetchone()[0]


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    tmp = tmp_path_factory.mktemp("incremental")
    export_d = generate(tmp / "export_d", SEED, 1.0, "--as-of", D.isoformat())
    export_next = generate(tmp / "export_next", SEED, 1.0, "--as-of", NEXT.isoformat())
    tasks = _rewrite_tasks(export_d, _alter_export_of_d)
    incremental, full = tmp / "incremental" / "sales_kpis.duckdb", tmp / "full" / "sales_kpis.duckdb"
    for publish, export in ((incremental, export_d), (incremental, export_next), (full, export_next)):
        result = run_build(publish, export)
        assert result.returncode == 0, result.output
    return {"incremental": incremental, "full": full, "tasks": tasks}


def test_the_next_day_is_built_incrementally(builds: dict[str, object]) -> None:
    assert _build_mode(builds["incremental"]) == "incremental"
    assert _build_mode(builds["full"]) == "full"


def test_incremental_build_equals_full_build(builds: dict[str, object]) -> None:
    """Every published table (staging, intermediate, marts, reference), row for row, both ways."""
    differences: dict[str, tuple[int, int]] = {}
    with duckdb.connect() as con:
        con.execute(f"attach '{builds['incremental']}' as inc (read_only)")
        con.execute(f"attach '{builds['full']}' as ful (read_only)")
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = 'ful' and table_schema != 'build_info' order by all"
        ).fetchall()
        assert {"int_activities_enriched", "int_opportunity_stage_transitions", "int_opportunity_snapshots"} <= {
            table for _, table in tables
        }
        assert len(tables) > 100, tables
        for schema, table in tables:
            columns = con.execute(
                "select column_name, data_type from information_schema.columns where table_catalog = 'ful' "
                "and table_schema = ? and table_name = ? order by ordinal_position",
                [schema, table],
            ).fetchall()
            # doubles (averages, medians) may differ in the last bits with the order rows are added in
            select = ", ".join(
                f'round("{name}", 9)' if data_type in ("DOUBLE", "FLOAT") else f'"{name}"'
                for name, data_type in columns
            )
            only = [
                con.execute(
                    f"select count(*) from (select {select} from {a}.{schema}.{table} "
                    f"except all select {select} from {b}.{schema}.{table})"
                ).fetchone()[0]
                for a, b in (("inc", "ful"), ("ful", "inc"))
            ]
            if any(only):
                differences[f"{schema}.{table}"] = tuple(only)
    assert differences == {}, f"rows only in the incremental build, only in the full build: {differences}"


def test_backdated_and_edited_records_within_the_lookback_are_picked_up(builds: dict[str, object]) -> None:
    tasks = builds["tasks"]
    with duckdb.connect(str(builds["incremental"]), read_only=True) as con:
        rows = dict(
            con.execute(
                "select activity_id, crm_type from marts.fct_activities where activity_id in (?, ?)",
                [tasks["late"], tasks["edited"]],
            ).fetchall()
        )
    assert rows == {tasks["late"]: "Call", tasks["edited"]: "Call"}


# How build.py decides between an incremental and a full build (no dbt run: a stand-in published file).


def _published(path: Path, fingerprint: str, as_of: str = "2026-06-29") -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema build_info")
        con.execute(
            "create table build_info.build as select cast(? as date) as as_of_date, ? as project_fingerprint",
            [as_of, fingerprint],
        )
        con.execute("create schema intermediate")
        con.execute("create table intermediate.int_activities_enriched as select 'a' as activity_id")
    return path


def test_an_incremental_build_starts_from_a_copy_of_the_published_file(tmp_path: Path) -> None:
    import build

    fingerprint = build.project_fingerprint()
    published, work = _published(tmp_path / "w.duckdb", fingerprint), tmp_path / "work.duckdb"
    before = sha256(published)
    assert build.start_from_last_build(published, work, False, fingerprint) == (
        "incremental",
        "from the build of 2026-06-29",
    )
    assert sha256(published) == before
    with duckdb.connect(str(work), read_only=True) as con:
        schemas = {
            schema for (schema,) in con.execute("select schema_name from information_schema.schemata").fetchall()
        }
        rows = con.execute("select * from intermediate.int_activities_enriched").fetchall()
    assert "build_info" not in schemas  # the new build writes its own
    assert rows == [("a",)]


@pytest.mark.parametrize(
    ("full_refresh", "published_fingerprint", "why"),
    [
        (True, "same", "--full-refresh"),
        (False, None, "no earlier build to start from"),
        (False, "other", "models, macros, reference seeds or dbt_project.yml changed since the last build"),
    ],
    ids=["asked", "first_build", "project_changed"],
)
def test_a_full_build_when_the_last_one_cannot_be_continued(
    full_refresh: bool, published_fingerprint: str | None, why: str, tmp_path: Path
) -> None:
    import build

    published, work = tmp_path / "w.duckdb", tmp_path / "work.duckdb"
    if published_fingerprint is not None:
        _published(published, published_fingerprint)
    assert build.start_from_last_build(published, work, full_refresh, "same") == ("full", why)
    assert not work.exists()


def test_the_fingerprint_follows_reference_seeds_and_models_not_the_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import build

    for entry in (*build.FINGERPRINTED, "seeds/sample_export/Task.csv"):
        target = tmp_path / entry
        target.parent.mkdir(parents=True, exist_ok=True)
        copy = shutil.copytree if (PROJECT_DIR / entry).is_dir() else shutil.copyfile
        copy(PROJECT_DIR / entry, target)
    monkeypatch.setattr(build, "PROJECT_DIR", tmp_path)
    original = build.project_fingerprint()
    with (tmp_path / "seeds/sample_export/Task.csv").open("a") as export:
        export.write("a new day of tasks\n")
    assert build.project_fingerprint() == original
    for changed in ("seeds/reference/activity_types.csv", "models/intermediate/activity/int_activities_enriched.sql"):
        path = tmp_path / changed
        text = path.read_text()
        path.write_text(text + "\n")
        assert build.project_fingerprint() != original, changed
        path.write_text(text)
    assert build.project_fingerprint() == original


def test_an_as_of_date_earlier_than_the_last_builds_is_detected(tmp_path: Path) -> None:
    import build

    work = tmp_path / "work.duckdb"
    with duckdb.connect(str(work)) as con:
        con.execute("create schema intermediate")
        con.execute("create table intermediate.int_export_as_of_date as select date '2026-06-28' as as_of_date")
    assert build.as_of_moved_back(work, dt.date(2026, 6, 29))
    assert not build.as_of_moved_back(work, dt.date(2026, 6, 28))
