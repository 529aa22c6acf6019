#!/usr/bin/env python3
"""Cross-engine equality: every public mart, row for row, between the engines that built the sample.

    python scripts/compare_engines.py compare --manifest target/manifest.json \\
        duckdb=/tmp/w/sales_kpis.duckdb postgres=target/engines/postgres spark=spark/warehouse/marts.db
    python scripts/compare_engines.py dump-postgres --manifest target/postgres/manifest.json \\
        --out target/engines/postgres        # inside scripts/local_postgres.py, after the dbt build

An engine is `name=location`; the location says how its marts are read (all through DuckDB):
- a DuckDB file (*.duckdb): the tables of schema `marts` (a published warehouse);
- a folder: `<folder>/<mart>.parquet` (the PostgreSQL dump below, or any dump in that form) or
  `<folder>/<mart>/*.parquet` (a Spark table: profile `spark` writes spark/warehouse/marts.db/<mart>/).
Adding an engine is one more `name=location` argument. The first engine is the reference: each other
engine is compared with it.

The marts are the manifest's public marts (models in schema `marts` with an enforced contract, as
scripts/data_quality.py's _public_marts picks them); each mart's grain (its key) is the column, or
combination of columns, of a `unique` or `unique_combination_of_columns` test on it (the one with the
fewest columns). A mart without such a test is an error: declare its grain in its YAML.

Rules, per mart and engine pair:
- the same columns, each of the same kind (number, text, date, timestamp, boolean);
- no key twice in an engine; the same keys (a key in one engine only is a difference: missing or extra row);
- numbers (any integer, decimal or floating type) equal within a relative tolerance of 1e-9:
  |a - b| <= 1e-9 * max(|a|, |b|), and, near 0, within an absolute 1e-9 (a value below 1 in magnitude is
  a rate, a share or cents: 1e-9 is far below any precision the marts show; a relative test alone would
  call 1e-17 and 0, the noise of a sum that cancels, different);
- text, booleans, dates exact; timestamps exact, compared in UTC;
- a null in one engine only is a difference.
Every difference names the engine pair, mart, key and column with both values. At most --show differences
are printed per (pair, mart, column) (the rest are counted); the summary gives marts compared, rows and
differences, and the exit code is 1 on any difference, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

PROJECT_DIR = Path(__file__).resolve().parent.parent
MART_SCHEMA = "marts"
RELATIVE_TOLERANCE = 1e-9
ABSOLUTE_TOLERANCE = 1e-9  # for values near 0, see the module docstring
DEFAULT_ENGINES = {
    "duckdb": "warehouse/sales_kpis.duckdb",
    "postgres": "target/engines/postgres",
    "spark": "spark/warehouse/marts.db",
}


# --- the marts and their grains ------------------------------------------------------------------------------


def public_marts(manifest: dict) -> dict[str, list[str]]:
    """{mart: its grain}: the public marts (as scripts/data_quality.py's _public_marts picks them) with the
    columns of their narrowest unique / unique_combination_of_columns test. Raises on a mart without one."""
    marts = {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["config"].get("schema") == MART_SCHEMA
        and node["config"].get("contract", {}).get("enforced")
    }
    grains: dict[str, list[list[str]]] = {name: [] for name in marts}
    for node in manifest["nodes"].values():
        metadata = node.get("test_metadata") or {}
        attached = (node.get("attached_node") or "").rsplit(".", 1)[-1]
        if node["resource_type"] != "test" or attached not in marts:
            continue
        if metadata.get("name") == "unique":
            grains[attached].append([node["column_name"]])
        elif metadata.get("name") == "unique_combination_of_columns":
            grains[attached].append(list(metadata["kwargs"]["combination_of_columns"]))
    missing = sorted(name for name, found in grains.items() if not found)
    if missing:
        raise ValueError(f"no grain declared (unique / unique_combination_of_columns test) on: {', '.join(missing)}")
    return {name: [c.lower() for c in min(found, key=len)] for name, found in sorted(grains.items())}


# --- reading an engine's marts -------------------------------------------------------------------------------


@dataclass
class Engine:
    """An engine's marts, read through DuckDB from a DuckDB file or a folder of Parquet (see the docstring)."""

    name: str
    location: Path

    def __post_init__(self) -> None:
        if not self.location.exists():
            raise FileNotFoundError(f"{self.name}: {self.location} does not exist")
        self.connection = duckdb.connect()
        self.connection.execute("set TimeZone = 'UTC'")
        if self.location.is_file():
            self.connection.execute(f"attach '{self.location}' as warehouse (read_only)")

    def source(self, mart: str) -> str | None:
        """The relation (SQL) of the mart, or None when this engine has no such mart."""
        if self.location.is_file():
            found = self.connection.execute(
                "select count(*) from information_schema.tables "
                "where table_catalog = 'warehouse' and table_schema = ? and table_name = ?",
                [MART_SCHEMA, mart],
            ).fetchall()[0][0]
            return f'warehouse.{MART_SCHEMA}."{mart}"' if found else None
        single = self.location / f"{mart}.parquet"
        if single.is_file():
            return f"read_parquet('{single}')"
        table_dir = self.location / mart
        if table_dir.is_dir() and any(table_dir.glob("*.parquet")):
            return f"read_parquet('{table_dir}/*.parquet')"
        return None

    def read(self, mart: str) -> tuple[pd.DataFrame, dict[str, str]] | None:
        """The mart's rows with columns in lower case, normalised for comparison (numbers as double,
        timestamps in UTC), and each column's kind; None when the engine has no such mart."""
        source = self.source(mart)
        if source is None:
            return None
        relation = self.connection.sql(f"select * from {source}")
        kinds = {
            column.lower(): kind_of(str(type_)) for column, type_ in zip(relation.columns, relation.types, strict=True)
        }
        selects = [
            f'{normalise(quoted(column), kinds[column.lower()])} as "{column.lower()}"' for column in relation.columns
        ]
        frame = self.connection.sql(f"select {', '.join(selects)} from {source}").df()
        return frame, kinds


def quoted(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def kind_of(duckdb_type: str) -> str:
    type_ = duckdb_type.upper()
    if type_.startswith(("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT")):
        return "number"
    if type_.startswith(("UINTEGER", "UBIGINT", "UHUGEINT", "DECIMAL", "FLOAT", "DOUBLE", "REAL")):
        return "number"
    if type_ == "DATE":
        return "date"
    if type_.startswith("TIMESTAMP"):
        return "timestamp"
    if type_ == "BOOLEAN":
        return "boolean"
    if type_ == "VARCHAR":
        return "text"
    return f"other ({duckdb_type})"


def normalise(column: str, kind: str) -> str:
    if kind == "number":
        return f"cast({column} as double)"
    if kind == "timestamp":
        # TIMESTAMP WITH TIME ZONE (Spark's Parquet) becomes its UTC wall time, like a plain TIMESTAMP
        return f"cast({column} as timestamp)"
    if kind.startswith("other"):
        return f"cast({column} as varchar)"
    return column


# --- comparing --------------------------------------------------------------------------------------------------


@dataclass
class Difference:
    pair: str
    mart: str
    key: str
    column: str
    reference: object
    other: object

    def __str__(self) -> str:
        return f"{self.pair} {self.mart} [{self.key}] {self.column}: {self.reference!r} vs {self.other!r}"


@dataclass
class Comparison:
    differences: list[Difference] = field(default_factory=list)
    marts_compared: int = 0
    rows: Counter = field(default_factory=Counter)  # engine -> rows of the marts compared
    not_compared: list[str] = field(default_factory=list)


def key_text(row: pd.Series | tuple, grain: list[str]) -> str:
    values = row if isinstance(row, tuple) else tuple(row[c] for c in grain)
    return ", ".join(f"{c}={key_value(v)}" for c, v in zip(grain, values, strict=True))


def key_value(value: object) -> object:
    """A key as the mart shows it: integers (read as double, like every number) without '.0'."""
    value = shown(value)
    return int(value) if isinstance(value, float) and value.is_integer() else value


def shown(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value


def numbers_differ(a: pd.Series, b: pd.Series) -> np.ndarray:
    x = a.to_numpy(dtype="float64", na_value=np.nan)
    y = b.to_numpy(dtype="float64", na_value=np.nan)
    x_null, y_null = np.isnan(x), np.isnan(y)
    with np.errstate(invalid="ignore"):
        both_infinite_equal = np.isinf(x) & np.isinf(y) & (x == y)
        close = np.abs(x - y) <= np.maximum(RELATIVE_TOLERANCE * np.maximum(np.abs(x), np.abs(y)), ABSOLUTE_TOLERANCE)
    return (x_null != y_null) | (~x_null & ~y_null & ~close & ~both_infinite_equal)


def values_differ(a: pd.Series, b: pd.Series) -> np.ndarray:
    a_null, b_null = a.isna().to_numpy(), b.isna().to_numpy()
    equal = (a.astype(object).to_numpy() == b.astype(object).to_numpy()).astype(bool)
    return (a_null != b_null) | (~a_null & ~b_null & ~equal)


def compare_mart(
    mart: str,
    grain: list[str],
    reference: tuple[str, pd.DataFrame, dict[str, str]],
    other: tuple[str, pd.DataFrame, dict[str, str]],
) -> list[Difference]:
    """Every difference of `other` against `reference` (name, rows, column kinds) for one mart."""
    (ref_name, ref_rows, ref_kinds), (other_name, other_rows, other_kinds) = reference, other
    pair = f"{ref_name}/{other_name}"
    differences: list[Difference] = []

    def add(key: str, column: str, ref_value: object, other_value: object) -> None:
        differences.append(Difference(pair, mart, key, column, ref_value, other_value))

    for column in sorted(set(ref_kinds) | set(other_kinds)):
        if column not in ref_kinds or column not in other_kinds:
            add(
                "column",
                column,
                "present" if column in ref_kinds else "absent",
                "present" if column in other_kinds else "absent",
            )
        elif ref_kinds[column] != other_kinds[column]:
            add("column type", column, ref_kinds[column], other_kinds[column])
    missing_grain = [c for c in grain if c not in ref_kinds or c not in other_kinds]
    if missing_grain:
        add("grain", ", ".join(missing_grain), "grain columns", "not in both engines")
        return differences
    duplicates = {
        name: Counter(key_text(r, grain) for _, r in rows[rows.duplicated(grain, keep=False)].iterrows())
        for name, rows in ((ref_name, ref_rows), (other_name, other_rows))
    }
    for key in sorted(set(duplicates[ref_name]) | set(duplicates[other_name])):
        add(key, "(row)", f"{duplicates[ref_name][key] or 1} rows", f"{duplicates[other_name][key] or 1} rows")
    if any(duplicates.values()):
        return differences  # the grain does not hold: rows cannot be matched by key

    merged = ref_rows.merge(other_rows, on=grain, how="outer", suffixes=("#ref", "#other"), indicator=True)
    for _, row in merged[merged["_merge"] != "both"].iterrows():
        if row["_merge"] == "left_only":
            add(key_text(row, grain), "(row)", "present", f"missing in {other_name}")
        else:
            add(key_text(row, grain), "(row)", f"missing in {ref_name}", "present")
    both = merged[merged["_merge"] == "both"]
    for column in sorted(set(ref_kinds) & set(other_kinds) - set(grain)):
        if ref_kinds[column] != other_kinds[column]:
            continue  # already reported as a column type difference
        a, b = both[f"{column}#ref"], both[f"{column}#other"]
        differ = numbers_differ(a, b) if ref_kinds[column] == "number" else values_differ(a, b)
        for index in np.flatnonzero(differ):
            row = both.iloc[index]
            add(key_text(row, grain), column, shown(a.iloc[index]), shown(b.iloc[index]))
    return differences


def compare(engines: list[Engine], marts: dict[str, list[str]], allow_missing: set[str] | None = None) -> Comparison:
    """Compare each engine after the first with the first, mart by mart. A mart missing in an engine is a
    difference, unless the engine is in allow_missing (then it is listed as not compared)."""
    allow_missing = allow_missing or set()
    result = Comparison()
    reference, others = engines[0], engines[1:]
    for mart, grain in marts.items():
        ref = reference.read(mart)
        if ref is None:
            result.differences.append(Difference(reference.name, mart, "(mart)", "(mart)", "missing", ""))
            continue
        compared = False
        for engine in others:
            found = engine.read(mart)
            if found is None:
                if engine.name in allow_missing:
                    result.not_compared.append(f"{reference.name}/{engine.name} {mart}")
                else:
                    pair = f"{reference.name}/{engine.name}"
                    result.differences.append(Difference(pair, mart, "(mart)", "(mart)", "present", "missing"))
                continue
            result.rows[engine.name] += len(found[0])
            result.differences += compare_mart(mart, grain, (reference.name, *ref), (engine.name, *found))
            compared = True
        result.marts_compared += compared
        result.rows[reference.name] += len(ref[0]) if compared else 0  # rows of the marts compared
    return result


def report(result: Comparison, engines: list[Engine], show: int) -> list[str]:
    lines = []
    groups: dict[tuple[str, str, str], list[Difference]] = {}
    for difference in result.differences:
        groups.setdefault((difference.pair, difference.mart, difference.column), []).append(difference)
    for (pair, mart, column), found in groups.items():
        shown_here = found if show <= 0 else found[:show]
        lines += [f"DIFFERENCE {d}" for d in shown_here]
        if len(found) > len(shown_here):
            lines.append(f"DIFFERENCE {pair} {mart} {column}: ... and {len(found) - len(shown_here)} more rows")
    for item in result.not_compared:
        lines.append(f"not compared (mart missing in that engine, allowed): {item}")
    rows = ", ".join(f"{e.name} {result.rows[e.name]:,}" for e in engines)
    by_mart = Counter(d.mart for d in result.differences)
    lines.append(
        f"cross-engine: {len(engines)} engines ({', '.join(e.name for e in engines)}), "
        f"{result.marts_compared} marts compared, rows: {rows}; "
        f"{len(result.differences)} differences"
        + (f" in {len(by_mart)} marts ({', '.join(f'{m} {n}' for m, n in sorted(by_mart.items()))})" if by_mart else "")
        + (f"; {len(result.not_compared)} mart/engine pairs not compared" if result.not_compared else "")
    )
    return lines


# --- the PostgreSQL dump -----------------------------------------------------------------------------------------


def dump_postgres(marts: list[str], out_dir: Path) -> dict[str, int]:
    """Each mart of schema `marts` on the PostgreSQL target (profiles.yml's SALES_KPIS_PG_* variables) into
    <out_dir>/<mart>.parquet, numeric as DOUBLE (see _PG_TYPES), other types kept. Rows per mart."""
    import psycopg2  # installed with dbt-postgres
    import pyarrow as pa
    import pyarrow.parquet as pq

    out_dir.mkdir(parents=True, exist_ok=True)
    connection = psycopg2.connect(
        host=os.environ.get("SALES_KPIS_PG_HOST", "127.0.0.1"),
        port=os.environ.get("SALES_KPIS_PG_PORT", "5432"),
        user=os.environ.get("SALES_KPIS_PG_USER", "postgres"),
        password=os.environ.get("SALES_KPIS_PG_PASSWORD", ""),
        dbname=os.environ.get("SALES_KPIS_PG_DATABASE", "sales_kpis"),
    )
    counts = {}
    try:
        with connection.cursor() as cursor:
            for mart in marts:
                cursor.execute(f'select * from {MART_SCHEMA}."{mart}"')
                rows = cursor.fetchall()
                fields = [pa.field(d.name, _arrow_type(d.type_code, mart, d.name)) for d in cursor.description]
                columns = list(zip(*rows, strict=True)) if rows else [[] for _ in fields]
                arrays = [
                    pa.array([_arrow_value(v, f.type) for v in values], type=f.type)
                    for f, values in zip(fields, columns, strict=True)
                ]
                pq.write_table(pa.Table.from_arrays(arrays, schema=pa.schema(fields)), out_dir / f"{mart}.parquet")
                counts[mart] = len(rows)
    finally:
        connection.close()
    return counts


# PostgreSQL type OIDs (pg_type) of the types the marts use
_PG_TYPES = {
    16: "bool_",
    20: "int64",
    21: "int64",
    23: "int64",
    700: "float64",
    701: "float64",
    1700: "float64",  # numeric: compared as double anyway (tolerance 1e-9 >> double's 1e-16)
    25: "string",
    1043: "string",
    1042: "string",
    1082: "date32",
    1114: "timestamp",
    1184: "timestamptz",
}


def _arrow_type(oid: int, mart: str, column: str):
    import pyarrow as pa

    name = _PG_TYPES.get(oid)
    if name is None:
        raise TypeError(f"{mart}.{column}: PostgreSQL type oid {oid} has no Parquet mapping here")
    if name == "timestamp":
        return pa.timestamp("us")
    if name == "timestamptz":
        return pa.timestamp("us", tz="UTC")
    return getattr(pa, name)()


def _arrow_value(value: object, type_) -> object:
    import pyarrow as pa

    if value is not None and pa.types.is_floating(type_):
        return float(value)  # Decimal -> double
    return value


# --- command line ------------------------------------------------------------------------------------------------


def parse_engine(text: str) -> tuple[str, Path]:
    name, _, location = text.partition("=")
    if not name:
        raise argparse.ArgumentTypeError(f"{text!r}: expected name=location")
    path = Path(location or DEFAULT_ENGINES.get(name, ""))
    if not str(path) or str(path) == ".":
        raise argparse.ArgumentTypeError(f"{text!r}: no location given and no default for {name!r}")
    return name, path if path.is_absolute() else PROJECT_DIR / path


def run_comparison(
    engines: list[tuple[str, Path]],
    manifest: Path,
    only: list[str] | None = None,
    allow_missing: set[str] | None = None,
    show: int = 10,
) -> int:
    """The comparison as the test command runs it: engines as (name, location), the first the reference.
    Prints the differences and the summary; returns the exit code (0 when every mart agrees, 1 on a
    difference, 2 when the inputs are wrong: no grain, an unknown mart, a location that does not exist)."""
    try:
        marts = public_marts(json.loads(manifest.read_text()))
        unknown = sorted(set(only or []) - set(marts))
        if unknown:
            raise ValueError(f"not public marts: {', '.join(unknown)}")
        if only:
            marts = {mart: grain for mart, grain in marts.items() if mart in only}
        opened = [Engine(name, location) for name, location in engines]
    except (ValueError, OSError) as error:
        print(f"compare_engines: {error}", file=sys.stderr)
        return 2
    result = compare(opened, marts, allow_missing)
    for line in report(result, opened, show):
        print(line, flush=True)
    return 1 if result.differences else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    comparing = commands.add_parser("compare", help="compare the public marts of two or more engines")
    comparing.add_argument("engines", nargs="+", type=parse_engine, metavar="NAME=LOCATION")
    comparing.add_argument("--manifest", type=Path, default=PROJECT_DIR / "target" / "manifest.json")
    comparing.add_argument("--marts", nargs="+", help="only these marts (default: every public mart)")
    comparing.add_argument(
        "--allow-missing",
        nargs="+",
        default=[],
        metavar="ENGINE",
        help="a mart missing in these engines is listed as not compared instead of being a difference "
        "(an engine that does not build every mart yet)",
    )
    comparing.add_argument("--show", type=int, default=10, help="differences printed per pair, mart, column (0: all)")
    dumping = commands.add_parser("dump-postgres", help="dump the PostgreSQL marts into <out>/<mart>.parquet")
    dumping.add_argument("--manifest", type=Path, default=PROJECT_DIR / "target" / "postgres" / "manifest.json")
    dumping.add_argument("--out", type=Path, default=PROJECT_DIR / "target" / "engines" / "postgres")
    options = parser.parse_args(argv)

    if options.command == "dump-postgres":
        marts = public_marts(json.loads(options.manifest.read_text()))
        counts = dump_postgres(list(marts), options.out)
        print(f"dumped {len(counts)} marts, {sum(counts.values()):,} rows, from PostgreSQL into {options.out}")
        return 0
    if len(options.engines) < 2:
        parser.error("give at least two engines")
    return run_comparison(options.engines, options.manifest, options.marts, set(options.allow_missing), options.show)


if __name__ == "__main__":
    sys.exit(main())
