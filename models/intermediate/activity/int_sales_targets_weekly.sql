-- The weekly targets of sales_targets.csv (A1, A2), one row per rep and week
-- and one per team and week (Monday start), taken from the target period
-- containing the week's Monday: activity_points as a weekly amount (the
-- period's target spread evenly over its days, times seven) and the
-- visits_per_day rate as it is.
{%- set period_days = dbt.datediff('targets.period_start', 'targets.period_end', 'day') %}
with

targets as (

    select * from {{ ref('stg_sales_ops__sales_targets') }}
    where metric in ('activity_points', 'visits_per_day')

),

weeks as (

    select distinct week_start_date from {{ ref('int_dates') }}

),

weekly as (

    select
        targets.target_level,
        targets.user_id,
        -- a rep's team is in int_reps_enriched; a rep's targets count whatever team the row names
        case when targets.target_level = 'team' then targets.team end as team,
        weeks.week_start_date,
        sum(
            case
                when targets.metric = 'activity_points'
                    then targets.target_value * 7.0 / ({{ period_days }} + 1)
            end
        ) as activity_points_target,
        avg(case when targets.metric = 'visits_per_day' then targets.target_value end)
            as visits_per_day_target
    from targets
    inner join weeks
        on
            targets.period_start <= weeks.week_start_date
            and targets.period_end >= weeks.week_start_date
    group by 1, 2, 3, 4

),

final as (

    select
        {{ dbt.concat([
            "target_level", "'|'", "coalesce(user_id, team, '')", "'|'",
            "cast(week_start_date as " ~ dbt.type_string() ~ ")"
        ]) }} as sales_target_week_id,
        target_level,
        user_id,
        team,
        week_start_date,
        cast(activity_points_target as {{ dbt.type_numeric() }}) as activity_points_target,
        cast(visits_per_day_target as {{ dbt.type_numeric() }}) as visits_per_day_target
    from weekly

)

select * from final
