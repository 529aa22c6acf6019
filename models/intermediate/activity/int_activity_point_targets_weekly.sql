-- The activity_points targets of sales_targets.csv (rep and team rows) as a
-- weekly amount: the period's target spread evenly over its days, times seven.
{%- set period_days = dbt.datediff('period_start', 'period_end', 'day') %}
with

targets as (

    select * from {{ ref('stg_sales_ops__sales_targets') }}
    where metric = 'activity_points'

),

final as (

    select
        sales_target_id,
        target_level,
        user_id,
        team,
        period_start,
        period_end,
        target_value,
        cast(
            target_value * 7.0 / ({{ period_days }} + 1)
            as {{ dbt.type_numeric() }}
        ) as weekly_target
    from targets

)

select * from final
