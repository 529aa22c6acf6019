"""DuckDB's memory_limit and threads for every connection the scripts open, from the environment.

The same variables, with the same defaults, set the dbt build's limits in profiles.yml (README,
"Memory and threads"):

- SALES_KPIS_DUCKDB_MEMORY_LIMIT, default 3GB (DuckDB's GB is 10^9 bytes: 2.8 GiB), so that a process
  with Python, dbt and DuckDB in it stays under 4 GiB; beyond it DuckDB spills to a temporary folder
  next to the database file;
- SALES_KPIS_DUCKDB_THREADS, default 2.
"""

from __future__ import annotations

import os

MEMORY_LIMIT_VARIABLE = "SALES_KPIS_DUCKDB_MEMORY_LIMIT"
THREADS_VARIABLE = "SALES_KPIS_DUCKDB_THREADS"
DEFAULT_MEMORY_LIMIT = "3GB"
DEFAULT_THREADS = "2"


def duckdb_limits() -> dict[str, str]:
    """The `config` of duckdb.connect(): memory_limit and threads, from the environment or the defaults."""
    return {
        "memory_limit": os.environ.get(MEMORY_LIMIT_VARIABLE, "").strip() or DEFAULT_MEMORY_LIMIT,
        "threads": os.environ.get(THREADS_VARIABLE, "").strip() or DEFAULT_THREADS,
    }
