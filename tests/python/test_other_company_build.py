"""Another company's export end to end (issue 10), through the README's main command.

Without its vocabulary in the reference seeds, the export is refused at admission, by `load_export.py
--check-only` and by the build alike, with the same named messages, and nothing is published. With the seeds
edited as a user edits their clone (here: a temporary copy of the project, see test_other_company.py), the
build publishes, and its KPIs match a pandas recomputation from the export's own CSVs: win counts per rep and
quarter (the company's back-dated closes included), activity points per rep and week (its custom activity
types scored by the edited seed), and the reps the quota-carrying KPIs are about (its own role names).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import PROJECT_DIR, SCRIPTS, generate
from test_other_company import map_other_company_vocabulary, read_csv

# What a user's clone holds besides build outputs and environments.
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", "target", "logs", "warehouse", "dbt_packages", "__pycache__", ".pytest_cache", "*.duckdb*"
)


def run(script: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALES_KPIS_")}
    return subprocess.run(
        [sys.executable, str(script), *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=script.parent.parent,
        env=env,
    )


def errors(stderr: str) -> list[str]:
    return sorted(line for line in stderr.splitlines() if line.startswith("error: "))


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("other_company") / "export", 7, 0.5, "--company", "other")


@pytest.fixture(scope="module")
def mapped_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clone of the project whose reference seeds map the other company's vocabulary."""
    project = tmp_path_factory.mktemp("clone") / "sales_kpis"
    shutil.copytree(PROJECT_DIR, project, ignore=NOT_COPIED)
    map_other_company_vocabulary(project / "seeds" / "reference")
    return project


@pytest.fixture(scope="module")
def published(mapped_project: Path, export: Path) -> Path:
    path = mapped_project / "warehouse" / "sales_kpis.duckdb"
    result = run(mapped_project / "scripts" / "build.py", "--export-dir", str(export), "--publish-path", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    return path


def test_unmapped_vocabulary_is_refused_alike_by_check_only_and_by_the_build(export: Path, tmp_path: Path) -> None:
    check = run(SCRIPTS / "load_export.py", "--export-dir", str(export), "--check-only")
    publish = tmp_path / "sales_kpis.duckdb"
    build = run(SCRIPTS / "build.py", "--export-dir", str(export), "--publish-path", str(publish))
    assert check.returncode == 1, check.stderr
    assert build.returncode == 1, build.stderr
    assert errors(check.stderr) == errors(build.stderr)
    assert "Nothing was published" in build.stderr
    assert not publish.exists()
    found = errors(check.stderr)
    assert len(found) == 12, "\n".join(found)
    expected = [
        "error: Lead.csv, column Status: value 'Nurturing' (",
        "is not in seeds/reference/stage_mapping.csv (record_type Lead): add it there",
        "error: rep_roster.csv, column role: value 'AE' (",
        "error: rep_roster.csv, column role: value 'Queue' (1 row, ",
        "error: sales_targets.csv, column metric: value 'Bookings' (",
    ]
    for text in expected:
        assert any(text in line for line in found), f"{text!r} not in:\n" + "\n".join(found)


@pytest.fixture(scope="module")
def marts(published: Path):
    con = duckdb.connect(str(published), read_only=True)
    yield lambda sql: con.execute(sql).df()
    con.close()


def frame(path: Path) -> pd.DataFrame:
    rows = read_csv(path)
    return pd.DataFrame(rows).rename(columns=str.lower)


def flag(series: pd.Series) -> pd.Series:
    return series.str.lower().isin(["true", "1"])


def test_win_counts_per_rep_and_quarter_match_the_csvs(export: Path, marts) -> None:
    deals = frame(export / "Opportunity.csv")
    as_of = marts("select as_of_date from build_info.build")["as_of_date"][0]
    accounts = frame(export / "Account.csv")
    deleted_accounts = set(accounts.loc[flag(accounts["isdeleted"]), "id"])  # their deals are deleted with them
    deals = deals[
        ~flag(deals["isdeleted"]) & ~deals["accountid"].isin(deleted_accounts) & flag(deals["isclosed"])
    ].copy()
    deals["close_date"] = pd.to_datetime(deals["closedate"])
    deals = deals[deals["close_date"] <= pd.Timestamp(as_of)]
    deals["quarter"] = deals["close_date"].dt.to_period("Q").dt.start_time.dt.date
    deals["won"] = flag(deals["iswon"])
    expected = deals.groupby(["ownerid", "quarter"])["won"].agg(won="sum", closed="size")
    actual = marts(
        "select owner_user_id, fiscal_quarter_start_date as quarter, won_opportunities, lost_opportunities "
        "from marts.rpt_scorecard_rep_quarterly where won_opportunities + lost_opportunities > 0"
    )
    actual["quarter"] = pd.to_datetime(actual["quarter"]).dt.date
    actual = actual.set_index(["owner_user_id", "quarter"])
    expected.index.names = ["owner_user_id", "quarter"]
    joined = expected.join(actual, how="outer")
    assert len(joined) == len(expected) > 50
    assert (joined["won"] == joined["won_opportunities"]).all()
    assert (joined["closed"] == joined["won_opportunities"] + joined["lost_opportunities"]).all()
    # the company's back-dated closes are wins of their close quarter, kept, and counted as exactly those deals
    planted = json.loads((export / "planted_facts.json").read_text())["company_profile"]["backdated_closes"]
    counted = marts(
        "select row_count, example_ids from marts.rpt_data_quality_exclusions_rule "
        "where rule_name = 'opportunity_closed_before_created'"
    )
    assert counted["row_count"][0] == len(planted) > 0
    assert sorted(counted["example_ids"][0].split(", ")) == sorted(d["opportunity_id"] for d in planted)


def test_activity_points_score_the_custom_types_by_the_edited_seed(export: Path, mapped_project: Path, marts) -> None:
    seed = frame(mapped_project / "seeds" / "reference" / "activity_types.csv")
    points = {(r.activity_object, r.crm_type): int(r.points) for r in seed.itertuples()}
    as_of = pd.Timestamp(marts("select as_of_date from build_info.build")["as_of_date"][0])
    tasks = frame(export / "Task.csv").assign(activity_object="Task")
    tasks = tasks[flag(tasks["isclosed"])]
    events = frame(export / "Event.csv").assign(activity_object="Event")
    done = pd.concat([tasks, events])
    done = done[~flag(done["isdeleted"])].copy()
    done["day"] = pd.to_datetime(done["activitydate"])
    # whole weeks well before the as-of date: no task completed after it can be in them
    done = done[done["day"] < as_of - pd.Timedelta(days=14)]
    done["points"] = [points.get((o, t), 0) for o, t in zip(done["activity_object"], done["type"], strict=True)]
    done["week"] = (done["day"] - pd.to_timedelta(done["day"].dt.day_of_week, unit="D")).dt.date
    assert done.loc[done["type"] == "Demo", "points"].sum() > 0, "the custom task type Demo earns points"
    expected = done.groupby(["ownerid", "week"])["points"].sum()
    actual = marts(
        "select owner_user_id, week_start_date, activity_points from marts.rpt_activities_rep_weekly "
        f"where week_start_date < date '{(as_of - pd.Timedelta(days=21)).date()}'"
    )
    actual["week"] = pd.to_datetime(actual["week_start_date"]).dt.date
    actual = actual.set_index(["owner_user_id", "week"])["activity_points"].astype(int)
    expected = expected[expected.index.get_level_values("week") < (as_of - pd.Timedelta(days=21)).date()]
    expected = expected[expected.index.get_level_values("ownerid").isin(actual.index.get_level_values(0))]
    expected.index.names = ["owner_user_id", "week"]
    joined = pd.concat([expected.rename("expected"), actual.rename("actual")], axis=1).fillna(0)
    assert len(joined) > 500
    mismatched = joined[joined["expected"] != joined["actual"]]
    assert mismatched.empty, mismatched.head(10)


def test_the_company_roles_decide_who_carries_quota(export: Path, mapped_project: Path, marts) -> None:
    roles = frame(mapped_project / "seeds" / "reference" / "rep_roles.csv")
    quota_roles = set(roles.loc[flag(roles["is_quota_carrying"]), "crm_role"].str.lower())
    roster = pd.read_csv(io.StringIO((export / "rep_roster.csv").read_text(encoding="utf-8")), dtype=str)
    expected = set(roster.loc[roster["role"].str.lower().isin(quota_roles), "user_id"])
    assert {"AE", "Sales Rep"} <= set(roster["role"]) and len(expected) == 11
    ramp = set(marts("select user_id from marts.rpt_ramp_rep")["user_id"])
    assert ramp == expected
