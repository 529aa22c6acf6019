{#
    A double-precision float (IEEE 754 binary64) on every engine: DuckDB and
    PostgreSQL spell it `double precision`, Spark `double`. dbt.type_float()
    is no substitute: on DuckDB it is FLOAT, a 4-byte float.

    Ratios divide in double on every engine (safe_divide and the formulas that
    divide amounts or days): Spark divides decimals at a scale of its own
    choosing (decimal(38,10) for two numeric(28,6)) and rounds there, so a
    result just below a 7th-decimal tie came out 1e-6 higher than on DuckDB
    (0.165222 vs 0.165223), the cross-engine comparison's finding. The same
    IEEE operations in the same order give the same double everywhere; the
    cast to dbt.type_numeric() then rounds it to 6 decimals.
#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'sales_kpis')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}
