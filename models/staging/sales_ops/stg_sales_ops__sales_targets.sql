-- A row without user_id is a team target. The key is built here because the
-- file has none of its own. The metric is mapped through the editable seed
-- target_metrics (matched in lower case): scripts/vocabularies.py rejects an
-- export with a metric the seed does not list.
with

source as (

    select * from {{ crm_source('sales_ops', 'sales_targets', 'sales_targets') }}

),

target_metrics as (

    select * from {{ ref('target_metrics') }}

),

renamed as (

    select
        -- ids
        {{ dbt.concat([
            "coalesce(" ~ parse_text('user_id') ~ ", 'team')", "'|'",
            "coalesce(" ~ parse_text('team') ~ ", '')", "'|'",
            "trim(period_start)", "'|'",
            "lower(trim(metric))"
        ]) }} as sales_target_id,
        {{ parse_text('user_id') }} as user_id,

        -- strings
        {{ parse_text('team') }} as team,
        {{ parse_text('metric') }} as crm_metric,
        case when {{ parse_text('user_id') }} is null then 'team' else 'rep' end as target_level,

        -- numerics
        {{ parse_number('target_value') }} as target_value,

        -- dates
        {{ parse_date('period_start') }} as period_start,
        {{ parse_date('period_end') }} as period_end

    from source

),

final as (

    select
        renamed.sales_target_id,
        renamed.user_id,
        renamed.team,
        renamed.crm_metric,
        target_metrics.metric,
        renamed.target_level,
        renamed.target_value,
        renamed.period_start,
        renamed.period_end
    from renamed
    left join target_metrics on lower(renamed.crm_metric) = lower(trim(target_metrics.crm_metric))

)

select * from final
