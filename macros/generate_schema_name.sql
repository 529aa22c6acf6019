{#
    Use a folder's custom schema name as it is (staging, intermediate, marts,
    crm_export, reference) rather than dbt's default "<target schema>_<custom>",
    so BI users and the CSV loader see the same short, stable schema names on
    every target.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
