-- A row without user_id is a team target. The key is built here because the
-- file has none of its own.
with

source as (

    select * from {{ crm_source('sales_ops', 'sales_targets', 'sales_targets') }}

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
        lower({{ parse_text('metric') }}) as metric,
        case when {{ parse_text('user_id') }} is null then 'team' else 'rep' end as target_level,

        -- numerics
        {{ parse_number('target_value') }} as target_value,

        -- dates
        {{ parse_date('period_start') }} as period_start,
        {{ parse_date('period_end') }} as period_end

    from source

)

select * from renamed
