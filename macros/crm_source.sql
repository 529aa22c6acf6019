{#
    The source() of a raw export table, for staging models only.

    Both ways in land the same table in schema crm_export: the committed
    sample through `dbt seed` (seeds/sample_export), a user's folder through
    scripts/load_export.py. With the sample, the ref() below adds the seed
    to the DAG so that a plain `dbt build` seeds before it stages; with a
    user's export (var crm_export_landed true) the sample seeds are disabled in
    dbt_project.yml and the source is read as loaded. Unit tests give the
    source rows themselves, so they need no seed.
#}
{% macro crm_source(source_name, table_name, sample_seed) %}
    {%- if not var('crm_export_landed') and model.resource_type != 'unit_test' -%}
        {%- do ref(sample_seed) -%}
    {%- endif -%}
    {{- return(source(source_name, table_name)) -}}
{% endmacro %}
