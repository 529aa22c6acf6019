-- How many rows of each CRM object are soft-deleted: the rows every KPI
-- excludes (and the integrity KPIs look at). Compile with `dbt compile` and
-- run the SQL in target/compiled to see what the export holds.
{% set models = [
    'stg_salesforce__accounts', 'stg_salesforce__contacts', 'stg_salesforce__leads',
    'stg_salesforce__opportunities', 'stg_salesforce__tasks', 'stg_salesforce__events',
] %}

{% for model_name in models %}
    select
        '{{ model_name }}' as staging_model,
        count(*) as total_rows,
        sum(case when is_deleted then 1 else 0 end) as soft_deleted_rows
    from {{ ref(model_name) }}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
