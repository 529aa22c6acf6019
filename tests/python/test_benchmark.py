"""The benchmark runs end to end at scale 1 (a smoke test: no time or memory is asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from benchmark import FLOOR, PHASES, SLOWEST_NODES
from conftest import PROJECT_DIR, SCRIPTS


def test_benchmark_at_scale_1_reports_every_phase(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALES_KPIS_")}
    command = [sys.executable, str(SCRIPTS / "benchmark.py"), "--scale", "1", "--work-dir", str(tmp_path)]
    done = subprocess.run(
        [*command, "--json", str(results)], capture_output=True, text=True, cwd=PROJECT_DIR, env=env, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr

    result = json.loads(results.read_text())
    phases = [row["phase"] for row in result["rows"]]
    assert phases == [FLOOR, *PHASES.values(), "main job (scripts/build.py), total"]
    assert all(row["seconds"] >= 0 and row["peak_rss_mib"] > 0 for row in result["rows"]), result["rows"]
    assert len(result["slowest_nodes"]) == SLOWEST_NODES
    assert result["row_counts"]["Task.csv"] > 0
    # the printed table has a line per phase and per slow node
    lines = done.stdout.splitlines()
    for phase in phases:
        assert any(line.startswith(f"| {phase} |") for line in lines), phase
    for node in result["slowest_nodes"]:
        assert any(node["node"] in line for line in lines), node
