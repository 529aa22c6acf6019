-- The single date every time-relative KPI is measured at: the var as_of_date
-- when given, else the latest timestamp found in the export (never the wall
-- clock), so rebuilding the same export gives the same numbers.
with

latest_export_timestamps as (

    select max(created_at) as latest_at from {{ ref('stg_salesforce__opportunities') }}
    union all
    select max(created_at) as latest_at from {{ ref('stg_salesforce__opportunity_history') }}
    union all
    select max(created_at) as latest_at from {{ ref('stg_salesforce__leads') }}
    union all
    select max(created_at) as latest_at from {{ ref('stg_salesforce__tasks') }}
    union all
    select max(created_at) as latest_at from {{ ref('stg_salesforce__events') }}

),

final as (

    -- always an aggregate, so always exactly one row
    select
        {% if var('as_of_date', none) -%}
            cast('{{ var("as_of_date") }}' as date) as as_of_date,
            'var as_of_date' as as_of_date_source,
        {%- else -%}
            cast(max(latest_at) as date) as as_of_date,
            'latest export timestamp' as as_of_date_source,
        {%- endif %}
        cast(max(latest_at) as date) as latest_export_date
    from latest_export_timestamps

)

select * from final
