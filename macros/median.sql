{#
    The median of an expression as an aggregate, the same on every engine.
    percentile_cont is standard SQL (DuckDB, PostgreSQL); Spark spells it
    percentile(). The median of an even count is the mean of the two middle
    values, one decimal more than the inputs (numeric(28,6) rates: 7 decimals),
    so the rounding to dbt.type_numeric()'s scale 6 must be the same everywhere:
    - the interpolation runs in double precision on every engine (PostgreSQL's
      percentile_cont only takes double precision; DuckDB's, given a decimal,
      truncated the mean: 1.566666 where PostgreSQL gave 1.566667);
    - the double becomes a decimal with 10 decimals (its binary noise, some
      1e-16, goes), then round(..., 6) rounds half away from zero on DuckDB,
      PostgreSQL and Spark alike (a plain cast from the double could land a
      tie on either side).
#}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median', 'sales_kpis')(expression)) }}
{%- endmacro %}

{% macro default__median(expression) -%}
    {{ sales_kpis.median_rounded(
        'percentile_cont(0.5) within group (order by cast(' ~ expression ~ ' as double precision))'
    ) }}
{%- endmacro %}

{% macro spark__median(expression) -%}
    {{ sales_kpis.median_rounded('percentile(cast(' ~ expression ~ ' as double), 0.5)') }}
{%- endmacro %}

{% macro median_rounded(double_median) -%}
    {{ sales_kpis.numeric_from_double(double_median) }}
{%- endmacro %}
