"""The layer rules (dbt-bouncer.yml, run by the test command's 'conventions' stage) can fail.

The test command runs dbt-bouncer on the project itself; this test shows that the same configuration
stops a model that breaks a rule: an intermediate model reading a mart, a mart reading staging or another
mart, a roll-up reading staging, and a roll-up reading a mart other than the one its own rule names.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT_DIR, SCRIPTS

sys.path.insert(0, str(SCRIPTS))
from run_tests import conventions_checker  # noqa: E402

NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", "target", "logs", "warehouse", "dbt_packages", "__pycache__", ".pytest_cache", "*.duckdb*"
)
BAD_MODELS = {
    "models/intermediate/sales/int_new_model_reading_a_mart.sql": "select * from {{ ref('fct_opportunities') }}",
    "models/marts/sales/rpt_new_mart_reading_staging.sql": "select * from {{ ref('stg_salesforce__leads') }}",
    # a mart outside roll_ups may not read another mart
    "models/marts/sales/rpt_new_mart_reading_a_mart.sql": "select * from {{ ref('rpt_funnel_rep_stage_quarterly') }}",
    # a new roll-up without a rule of its own still may not read staging
    "models/marts/sales/roll_ups/rpt_new_roll_up.sql": "select * from {{ ref('stg_salesforce__leads') }}",
    # a roll-up reads only the finer mart its own rule names (rpt_nps_monthly: rpt_nps_segment_monthly)
    "models/marts/customers/roll_ups/rpt_nps_monthly.sql": (
        "select * from {{ ref('rpt_customer_profitability_account_yearly') }}"
    ),
}


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess:
    project = tmp_path_factory.mktemp("layers") / "sales_kpis"
    shutil.copytree(PROJECT_DIR, project, ignore=NOT_COPIED)
    for path, sql in BAD_MODELS.items():
        (project / path).write_text(sql + "\n")
    dbt = Path(sys.executable).with_name("dbt")
    env = dict(os.environ, SALES_KPIS_DUCKDB_PATH=str(project / "parse.duckdb"), COLUMNS="200")
    parse = [str(dbt), "parse", "--project-dir", ".", "--profiles-dir", ".", "--target-path", "target/conventions"]
    subprocess.run(parse, cwd=project, env=env, check=True, capture_output=True)
    bouncer = [conventions_checker(), "run", "--config-file", "dbt-bouncer.yml", "--show-all-failures"]
    return subprocess.run(bouncer, cwd=project, env=env, check=False, capture_output=True, text=True)


def test_a_new_edge_against_the_layer_rules_fails_the_check(checked: subprocess.CompletedProcess) -> None:
    output = checked.stdout + checked.stderr
    assert checked.returncode != 0, output
    assert "ERROR=5" in output, output
    for model, upstream in (
        ("int_new_model_reading_a_mart", "fct_opportunities"),
        ("rpt_new_mart_reading_staging", "stg_salesforce__leads"),
        ("rpt_new_mart_reading_a_mart", "rpt_funnel_rep_stage_quarterly"),
        ("rpt_new_roll_up", "stg_salesforce__leads"),
        ("rpt_nps_monthly", "rpt_customer_profitability_account_yearly"),
    ):
        assert model in output and upstream in output, output
