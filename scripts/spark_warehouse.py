#!/usr/bin/env python3
"""The Spark warehouse of profiles.yml's `spark` target, from Python: a session on the same warehouse
folder and metastore as dbt's, and the landing of an admitted export folder into schema crm_export.

    python scripts/spark_warehouse.py begin --build-info '{...}' --plan landing.json   # what build.py runs

The session is built from the `spark` output of profiles.yml (its server_side_parameters, rendered with
the same environment variables dbt reads), the way dbt-spark's `method: session` builds it: Hive support
on, every parameter as a Spark config. The metastore of the local profile is an embedded Derby database,
which one process at a time may open: scripts/build.py lands the export in a process of its own
(this script), then runs dbt, then opens its own session for the mart checks once dbt has exited.

Landing: each file the admission gate (scripts/load_export.py) accepted is read with Spark's CSV reader
with what the gate found and enforced: its encoding (UTF-8, or Windows-1252 for a file the gate
transcoded), ',' between fields, '"' as quote and as its own escape, a header line, fields that span
lines; every column as a string, named by position and then by the contract (header names matched
case-insensitively, extra columns ignored, an absent optional column null) and empty fields null, the
way the gate lands it in DuckDB. An optional file that is absent lands as an empty table. FAILFAST: a
record Spark cannot parse stops the landing (the gate admitted the file, so that would be a difference
between the two readers, not a problem of the export).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import jinja2
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from input_contract import EXPORT_FILES  # noqa: E402

PROJECT_DIR = Path(__file__).resolve().parent.parent
RAW_SCHEMA = "crm_export"
BUILD_INFO = "build_info.build"
# build_info.build's status: a reader trusts the Spark warehouse only when it says "ok"
BUILDING, OK, FAILED = "building", "ok", "failed"


def spark_dir() -> Path:
    """Where the local profile keeps the warehouse and the metastore (SALES_KPIS_SPARK_DIR, default spark/)."""
    return PROJECT_DIR / os.environ.get("SALES_KPIS_SPARK_DIR", "spark")


def profile_parameters() -> dict[str, str]:
    """The server_side_parameters of profiles.yml's spark output, rendered as dbt renders them (env_var)."""
    profiles = yaml.safe_load((PROJECT_DIR / "profiles.yml").read_text())
    parameters = profiles["sales_kpis"]["outputs"]["spark"]["server_side_parameters"]

    def env_var(name: str, default: str | None = None) -> str:
        value = os.environ.get(name, default)
        if value is None:
            raise KeyError(f"profiles.yml needs the environment variable {name}")
        return value

    return {key: jinja2.Template(str(value)).render(env_var=env_var) for key, value in parameters.items()}


def spark_session():
    """A SparkSession on the warehouse and metastore of the dbt profile (relative paths: the project root)."""
    from pyspark.sql import SparkSession

    os.chdir(PROJECT_DIR)  # the profile's paths are relative to the project root, where dbt runs
    builder = SparkSession.builder.appName("sales_kpis").enableHiveSupport()
    builder = builder.config("spark.ui.showConsoleProgress", "false")
    for key, value in profile_parameters().items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def land_export(spark, files: dict[str, dict | None], schema: str = RAW_SCHEMA) -> dict[str, int]:
    """Land the admitted files: {table name: {"path", "encoding", "header"} or None for an absent optional
    file}. Returns the rows landed per table. The tables are replaced one by one (Parquet, managed)."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    # Spark 4's CSV reader knows only the UTF/ISO-8859-1/ASCII charsets unless this is on; Windows-1252
    # (what the gate accepts besides UTF-8) is a Java charset.
    spark.conf.set("spark.sql.legacy.javaCharsets", "true")
    spark.sql(f"create database if not exists {schema}")
    counts = {}
    for spec in EXPORT_FILES:
        if spec.table_name not in files:
            raise KeyError(f"the landing plan has no entry for {spec.table_name} (the gate's verdict on every file)")
        found = files[spec.table_name]
        if found is None:
            frame = spark.createDataFrame([], StructType([StructField(c.name, StringType()) for c in spec.columns]))
        else:
            header = found["header"]
            position = {name.strip().lower(): index for index, name in enumerate(header)}
            frame = spark.read.csv(
                found["path"],
                schema=StructType([StructField(f"c{i}", StringType()) for i in range(len(header))]),
                header=True,
                enforceSchema=True,  # columns by position: the header only names them for the gate
                encoding=found["encoding"],
                sep=",",
                quote='"',
                escape='"',
                multiLine=True,
                mode="FAILFAST",
            )
            frame = frame.select(
                *(
                    F.nullif(F.col(f"c{position[c.name.lower()]}"), F.lit("")).alias(c.name)
                    if c.name.lower() in position
                    else F.lit(None).cast("string").alias(c.name)
                    for c in spec.columns
                )
            )
        frame.write.mode("overwrite").format("parquet").saveAsTable(f"{schema}.{spec.table_name}")
        counts[spec.table_name] = spark.table(f"{schema}.{spec.table_name}").count()
    return counts


def record_build(spark, info: dict[str, object]) -> None:
    """Replace build_info.build with one row describing the build (status building, ok or failed)."""
    from pyspark.sql.types import StringType, StructField, StructType

    spark.sql("create database if not exists build_info")
    names = ["status", "built_at", "as_of_date", "export_dir", "build_mode", "detail"]
    row = [None if info.get(name) is None else str(info[name]) for name in names]
    schema = StructType([StructField(name, StringType()) for name in names])
    spark.createDataFrame([row], schema).write.mode("overwrite").format("parquet").saveAsTable(BUILD_INFO)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    begin = commands.add_parser(
        "begin", help="mark build_info.build 'building', then land the admitted export files (if any) into crm_export"
    )
    begin.add_argument("--build-info", required=True, help="JSON of build_info.build's row (scripts/build.py)")
    begin.add_argument("--plan", type=Path, help="JSON {table: {path, encoding, header} | null} (scripts/build.py)")
    options = parser.parse_args(argv)
    spark = spark_session()
    try:
        record_build(spark, {**json.loads(options.build_info), "status": BUILDING})
        counts = land_export(spark, json.loads(options.plan.read_text())) if options.plan else {}
    finally:
        spark.stop()
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
