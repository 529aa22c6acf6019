{#
    The median of an expression as an aggregate. percentile_cont is standard
    SQL (DuckDB, PostgreSQL); Spark spells it percentile().
#}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median', 'sales_kpis')(expression)) }}
{%- endmacro %}

{#- cast: percentile_cont returns double precision on PostgreSQL and a decimal on DuckDB -#}
{% macro default__median(expression) -%}
    cast(percentile_cont(0.5) within group (order by {{ expression }}) as {{ dbt.type_numeric() }})
{%- endmacro %}

{% macro spark__median(expression) -%}
    cast(percentile({{ expression }}, 0.5) as {{ dbt.type_numeric() }})
{%- endmacro %}
