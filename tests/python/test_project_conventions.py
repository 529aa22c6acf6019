"""Guards on the project's conventions (house style): documentation and keys cannot drift from the models."""

from __future__ import annotations

from pathlib import Path

import duckdb


def models(manifest: dict) -> list[dict]:
    return [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]


def test_every_model_and_column_is_documented(manifest: dict, sample_warehouse: Path) -> None:
    undocumented = []
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        for node in models(manifest):
            if not node["description"].strip():
                undocumented.append(f"{node['name']}: no description")
            actual = [
                r[0]
                for r in con.execute(
                    "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
                    [node["schema"], node["alias"]],
                ).fetchall()
            ]
            assert actual, f"{node['name']} is not in the published warehouse"
            documented = node["columns"]
            for column in actual:
                if not documented.get(column, {}).get("description", "").strip():
                    undocumented.append(f"{node['name']}.{column}")
            for column in set(documented) - set(actual):
                undocumented.append(f"{node['name']}.{column}: documented but not in the model")
    assert not undocumented, undocumented


def test_every_model_has_a_tested_primary_key(manifest: dict) -> None:
    tests_by_model: dict[str, set[tuple[str, str]]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or "test_metadata" not in node:
            continue
        attached = node.get("attached_node")
        if attached:
            tests_by_model.setdefault(attached, set()).add(
                (node["test_metadata"]["name"], node.get("column_name") or "")
            )
    missing = []
    for node in models(manifest):
        tests = tests_by_model.get(node["unique_id"], set())
        unique_columns = {c for name, c in tests if name == "unique"}
        not_null_columns = {c for name, c in tests if name == "not_null"}
        has_key = bool(unique_columns & not_null_columns) or any(n == "unique_combination_of_columns" for n, _ in tests)
        if not has_key:
            missing.append(node["name"])
    assert not missing, f"models without a unique + not_null key test: {missing}"


def test_staging_is_the_only_layer_that_reads_sources(manifest: dict) -> None:
    offenders = [
        n["name"]
        for n in models(manifest)
        if n["depends_on"]["nodes"]
        and any(d.startswith("source.") for d in n["depends_on"]["nodes"])
        and "/staging/" not in n["original_file_path"].replace("\\", "/")
    ]
    assert not offenders, offenders


def test_unit_test_names_fit_postgres_identifiers(manifest: dict) -> None:
    """dbt names a relation after each unit test; PostgreSQL cuts identifiers at 63 characters."""
    long_names = [t["name"] for t in manifest.get("unit_tests", {}).values() if len(t["name"]) > 55]
    assert not long_names, long_names
