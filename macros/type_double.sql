{#
    A double-precision float (IEEE 754 binary64) on every engine: DuckDB and
    PostgreSQL spell it `double precision`, Spark `double`. dbt.type_float()
    is no substitute: on DuckDB it is FLOAT, a 4-byte float.

    Ratios divide in double on every engine (safe_divide and the formulas that
    divide amounts or days): Spark divides decimals at a scale of its own
    choosing (decimal(38,10) for two numeric(28,6)) and rounds there, so a
    result just below a 7th-decimal tie came out 1e-6 higher than on DuckDB
    (0.165222 vs 0.165223), the cross-engine comparison's finding. The same
    IEEE operations in the same order give the same double everywhere.

    numeric_from_double() turns such a double into dbt.type_numeric()'s 6
    decimals with one rule on every engine: first to 10 decimals (the double's
    binary noise, some 1e-16, goes), then round() half away from zero. A plain
    cast rounds a near-tie (929.4716525 as the double 929.47165249999...) up
    on one engine and down on another (Spark 929.471653, DuckDB 929.471652).
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

{#- 6: the scale of dbt.type_numeric(), numeric(28,6) on every engine -#}
{% macro numeric_from_double(expression) -%}
    cast(round(cast({{ expression }} as decimal(38, 10)), 6) as {{ dbt.type_numeric() }})
{%- endmacro %}
