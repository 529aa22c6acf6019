#!/usr/bin/env python3
"""The README's KPI table, rendered from the models' YAML (dbt's manifest).

Every model column with `meta.kpi_id` is a KPI measure; a measure is a (kpi_id, column
name) pair. The table has one row per measure, in the order of the catalogue
(../shared/spec/kpis.md): KPI id and name, the measure (first sentence of the column's
description), the column, the one model that computes it with its grain (`meta.grain`,
else the columns of its tested key, else the first sentence of its description), the
models that show it (they read the computing model, directly or not: they select or
roll it up) and where the project cannot follow the catalogue (`meta.deviation` on
the column, or on the model for all its KPI columns). Below it: measures computed at
one grain in more than one model (none of which reads another), which the tests reject,
unless all of them compute it with the one macro their column names (`meta.macro`, and
the model calls that macro).

    python scripts/kpi_table.py           # print the table
    python scripts/kpi_table.py --write   # rewrite it in README.md between the markers
    python scripts/kpi_table.py --check   # exit 1 when README.md's table is out of date
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
README = PROJECT_DIR / "README.md"
START = "<!-- kpi-table:start -->"
END = "<!-- kpi-table:end -->"
WRITE_COMMAND = "python scripts/kpi_table.py --write"
MART_PREFIXES = ("fct_", "dim_", "rpt_")  # the public models (README, architecture: names)
CATALOGUE_ROW = re.compile(r"^\| ([FCAI]\d+) \| ([^|]+)\|", flags=re.M)  # as ../shared/tools/kpi_coverage.py


@dataclass(frozen=True)
class Measure:
    kpi_id: str
    column: str
    model: str
    deviation: str | None
    macro: str | None = None  # meta.macro, when the model calls that macro: its one definition


def find_catalogue() -> Path:
    """shared/spec/kpis.md beside the project (or beside a folder holding it, for worktrees)."""
    for folder in PROJECT_DIR.parents:
        candidate = folder / "shared" / "spec" / "kpis.md"
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"no shared/spec/kpis.md found above {PROJECT_DIR}: pass --catalogue")


def read_catalogue(path: Path) -> dict[str, str]:
    """KPI id -> KPI name, in the catalogue's order."""
    return {kpi: name.strip() for kpi, name in CATALOGUE_ROW.findall(path.read_text(encoding="utf-8"))}


def parse_manifest() -> dict:
    """`dbt parse` into a temporary target folder; the manifest as a dict."""
    dbt = Path(sys.executable).with_name("dbt")
    with tempfile.TemporaryDirectory(prefix="kpi_table_") as target:
        result = subprocess.run(
            [
                str(dbt),
                "parse",
                "--project-dir",
                str(PROJECT_DIR),
                "--profiles-dir",
                str(PROJECT_DIR),
                "--target-path",
                target,
            ],
            capture_output=True,
            text=True,
            check=False,
            env={"PATH": str(dbt.parent), "SALES_KPIS_DUCKDB_PATH": str(Path(target) / "parse.duckdb")},
        )
        if result.returncode != 0:
            raise RuntimeError(f"dbt parse failed:\n{result.stdout}{result.stderr}")
        return json.loads((Path(target) / "manifest.json").read_text(encoding="utf-8"))


def models(manifest: dict) -> dict[str, dict]:
    return {n["unique_id"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}


def _meta(entry: dict) -> dict:
    return {**(entry.get("meta") or {}), **((entry.get("config") or {}).get("meta") or {})}


def kpi_measures(manifest: dict) -> list[Measure]:
    measures = []
    for node in models(manifest).values():
        model_deviation = _meta(node).get("deviation")
        for column in node["columns"].values():
            meta = _meta(column)
            if "kpi_id" in meta:
                deviation = meta.get("deviation") or model_deviation
                calls = {m.rsplit(".", 1)[-1] for m in node["depends_on"].get("macros", [])}
                macro = meta.get("macro") if meta.get("macro") in calls else None
                measures.append(Measure(str(meta["kpi_id"]), column["name"], node["name"], deviation, macro))
    return measures


def grains(manifest: dict) -> dict[str, str]:
    """Model name -> grain: meta.grain, else its tested key columns, else its description's first sentence."""
    keys: dict[str, list[str]] = {}
    for node in manifest["nodes"].values():
        test = node.get("test_metadata")
        if node["resource_type"] != "test" or not test or not node.get("attached_node"):
            continue
        if test["name"] == "unique_combination_of_columns":
            keys.setdefault(node["attached_node"], list(test["kwargs"]["combination_of_columns"]))
        elif test["name"] == "unique" and node.get("column_name"):
            keys.setdefault(node["attached_node"], [node["column_name"]])
    result = {}
    for unique_id, node in models(manifest).items():
        grain = _meta(node).get("grain")
        if not grain and unique_id in keys:
            grain = " x ".join(keys[unique_id])
        if not grain:
            grain = re.split(r"(?<=[.:])\s", " ".join(node["description"].split()), maxsplit=1)[0]
        result[node["name"]] = grain
    return result


def upstream(manifest: dict) -> dict[str, set[str]]:
    """Model name -> names of every model it reads, directly or not."""
    nodes = models(manifest)
    direct = {n["name"]: {nodes[d]["name"] for d in n["depends_on"]["nodes"] if d in nodes} for n in nodes.values()}
    closure: dict[str, set[str]] = {}

    def walk(name: str) -> set[str]:
        if name not in closure:
            closure[name] = set()
            for parent in direct[name]:
                closure[name] |= {parent} | walk(parent)
        return closure[name]

    for name in direct:
        walk(name)
    return closure


def duplicated_measures(manifest: dict, measures: list[Measure]) -> list[tuple[str, str, list[str], list[str]]]:
    """(kpi_id, column, defining models, selecting models) where two models compute a measure at one grain.

    A model that reads (directly or not) another model carrying the measure selects or rolls it up. The same
    measure computed at two different grains (a share per territory and per key account) is two figures of
    one KPI, not a duplicate.
    """
    reads = upstream(manifest)
    grain = grains(manifest)
    by_measure: dict[tuple[str, str], set[str]] = defaultdict(set)
    macro = {(m.kpi_id, m.column, m.model): m.macro for m in measures}
    for m in measures:
        by_measure[(m.kpi_id, m.column)].add(m.model)
    result = []
    for (kpi, column), holders in by_measure.items():
        defining = sorted(h for h in holders if not reads[h] & holders)
        by_grain: dict[str, list[str]] = defaultdict(list)
        for model in defining:
            by_grain[grain[model]].append(model)
        for same_grain in by_grain.values():
            formulas = {macro[(kpi, column, d)] for d in same_grain}
            if len(same_grain) > 1 and (len(formulas) > 1 or None in formulas):
                result.append((kpi, column, same_grain, sorted(holders - set(defining))))
    return sorted(result, key=lambda r: (kpi_order(r[0]), r[1]))


def kpi_order(kpi: str) -> tuple[str, int]:
    return kpi[0], int(kpi[1:])


def missing_kpis(catalogue: dict[str, str], measures: list[Measure]) -> list[str]:
    """Catalogue KPI ids that no model column carries."""
    declared = {m.kpi_id for m in measures}
    return [kpi for kpi in catalogue if kpi not in declared]


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _first_sentence(text: str, limit: int = 140) -> str:
    sentence = re.split(r"(?<=[.;])\s", " ".join(text.split()), maxsplit=1)[0].rstrip(".;")
    return sentence if len(sentence) <= limit else sentence[: limit - 3].rstrip() + "..."


def render(manifest: dict, catalogue: dict[str, str]) -> str:
    """One row per measure (kpi_id, column): the one model that computes it, the models that show it."""
    measures = kpi_measures(manifest)
    unknown = sorted(f"{m.model}.{m.column}: kpi_id {m.kpi_id}" for m in measures if m.kpi_id not in catalogue)
    if unknown:
        raise ValueError("kpi_id not in the catalogue: " + "; ".join(unknown))
    grain = grains(manifest)
    reads = upstream(manifest)
    nodes = {n["name"]: n for n in models(manifest).values()}
    holders: dict[tuple[str, str], set[str]] = defaultdict(set)
    deviations: dict[tuple[str, str], set[str]] = defaultdict(set)
    for m in measures:
        holders[(m.kpi_id, m.column)].add(m.model)
        if m.deviation:
            deviations[(m.kpi_id, m.column)].add(_cell(m.deviation))
    lines = [
        "| KPI | name | measure | column | computed in (grain) | shown in | deviation from the catalogue |",
        "|---|---|---|---|---|---|---|",
    ]
    for kpi in sorted(catalogue, key=kpi_order):
        columns = sorted(column for k, column in holders if k == kpi)
        if not columns:
            lines.append(f"| {kpi} | {_cell(catalogue[kpi])} | -- none -- | | | | |")
        for column in columns:
            models_with = holders[(kpi, column)]
            defining = sorted(h for h in models_with if not reads[h] & models_with)
            shown = sorted(h for h in models_with - set(defining) if h.startswith(MART_PREFIXES))
            source = defining[0]
            measure = _first_sentence(nodes[source]["columns"][column].get("description", ""))
            computed = "<br>".join(f"`{d}` ({_cell(grain[d])})" for d in defining)
            lines.append(
                f"| {kpi} | {_cell(catalogue[kpi])} | {_cell(measure)} | `{column}` | {computed} "
                f"| {', '.join(f'`{s}`' for s in shown)} | {'<br>'.join(sorted(deviations[(kpi, column)]))} |"
            )
    lines += ["", "### Measures computed in more than one model", ""]
    duplicates = duplicated_measures(manifest, measures)
    lines.append(
        "The same `meta.kpi_id` and column name at the same grain in several models none of which reads "
        "another of them, unless all of them compute it with the macro their column names in `meta.macro` "
        "(tests/python/test_kpi_table.py fails on any)."
    )
    lines.append("")
    if not duplicates:
        lines.append("None.")
    for kpi, column, defining, selecting in duplicates:
        selected = f"; read by {', '.join(f'`{s}`' for s in selecting)}" if selecting else ""
        lines.append(f"- {kpi} `{column}`: defined in {', '.join(f'`{d}`' for d in defining)}{selected}")
    return "\n".join(lines) + "\n"


def readme_table(text: str) -> str:
    """The text between the markers of README.md."""
    if text.count(START) != 1 or text.count(END) != 1 or text.index(START) > text.index(END):
        raise ValueError(f"README.md must hold {START} and then {END}, once each")
    return text.split(START, 1)[1].split(END, 1)[0].strip("\n") + "\n"


def readme_problem(text: str, table: str) -> str | None:
    """Why README.md's KPI table is not `table`, or None when it is."""
    try:
        current = readme_table(text)
    except ValueError as error:
        return str(error)
    if current != table:
        return f"README.md's KPI table is out of date: run `{WRITE_COMMAND}`"
    return None


def with_table(text: str, table: str) -> str:
    readme_table(text)
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    return f"{before}{START}\n{table}{END}{after}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="rewrite the table in README.md")
    action.add_argument("--check", action="store_true", help="exit 1 when README.md's table is out of date")
    parser.add_argument("--catalogue", type=Path, help="the KPI catalogue (default: shared/spec/kpis.md above)")
    args = parser.parse_args(argv)
    catalogue = read_catalogue(args.catalogue or find_catalogue())
    table = render(parse_manifest(), catalogue)
    if args.check:
        problem = readme_problem(README.read_text(encoding="utf-8"), table)
        print(problem or "README.md: KPI table up to date", file=sys.stderr if problem else sys.stdout)
        return 1 if problem else 0
    if args.write:
        README.write_text(with_table(README.read_text(encoding="utf-8"), table), encoding="utf-8")
        print(f"README.md: KPI table written ({len(catalogue)} KPIs)")
    else:
        print(table, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
