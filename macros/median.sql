{#
    The median of an expression as an aggregate. percentile_cont is standard
    SQL (DuckDB, PostgreSQL); Spark spells it percentile().
#}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median', 'sales_kpis')(expression)) }}
{%- endmacro %}

{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro spark__median(expression) -%}
    percentile({{ expression }}, 0.5)
{%- endmacro %}
