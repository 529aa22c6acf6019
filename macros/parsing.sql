{#
    Parsing of raw export text into typed columns, used by every staging model.
    Raw tables hold every column as text (dbt seed with text column types, or
    scripts/load_export.py), and scripts/validate_export.py has already
    rejected values these casts cannot read, naming file, column, line and
    value. The SQL is standard and runs unchanged on DuckDB, PostgreSQL and
    Spark, so no adapter.dispatch is needed here.
#}

{% macro parse_text(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}

{% macro parse_boolean(column) -%}
    case
        when lower(trim({{ column }})) in ('true', '1') then true
        when lower(trim({{ column }})) in ('false', '0') then false
    end
{%- endmacro %}

{% macro parse_number(column) -%}
    cast(nullif(trim({{ column }}), '') as {{ dbt.type_numeric() }})
{%- endmacro %}

{% macro parse_integer(column) -%}
    cast(nullif(trim({{ column }}), '') as {{ dbt.type_int() }})
{%- endmacro %}

{% macro parse_date(column) -%}
    cast(nullif(trim({{ column }}), '') as date)
{%- endmacro %}

{#- ISO 8601 in UTC: 2024-03-01T10:15:00.000Z or 2024-03-01 10:15:00; kept as a UTC timestamp without zone. -#}
{% macro parse_timestamp(column) -%}
    cast(replace(replace(nullif(trim({{ column }}), ''), 'T', ' '), 'Z', '') as {{ dbt.type_timestamp() }})
{%- endmacro %}
