{#
    dbt.listagg on Spark. dbt-spark's spark__listagg ignores order_by (it only warns)
    and slices collect_list before any order, so the examples differed from DuckDB's
    and PostgreSQL's. This one supports the order the project uses, the measure
    itself ascending (`order by <measure>`), sorting before the limit; any other
    order is a compile error rather than a silently different list.
#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if order_by_clause and order_by_clause | trim | lower not in ['order by ' ~ measure | lower, 'order by ' ~ measure | lower ~ ' asc'] -%}
        {{ exceptions.raise_compiler_error("listagg on Spark supports only 'order by " ~ measure ~ "', got '" ~ order_by_clause ~ "'") }}
    {%- endif -%}
    {%- set collected = 'array_sort(collect_list(' ~ measure ~ '))' if order_by_clause else 'collect_list(' ~ measure ~ ')' -%}
    {%- if limit_num -%}
        {%- set collected = 'slice(' ~ collected ~ ', 1, ' ~ limit_num ~ ')' -%}
    {%- endif -%}
    array_join({{ collected }}, {{ delimiter_text }})
{%- endmacro %}
