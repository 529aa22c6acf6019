-- A1 per rep and week (Monday start): rpt_activities_rep_daily added up, and
-- attainment against the rep's activity_points target for the period the
-- week falls in, prorated to the week (target x 7 / days in the target period).
with

daily as (

    select * from {{ ref('int_rep_activities_daily') }}

),

weekly_targets as (

    select * from {{ ref('int_sales_targets_weekly') }}
    where target_level = 'rep' and activity_points_target is not null

),

weekly as (

    select
        owner_user_id,
        cast({{ dbt.date_trunc('week', 'activity_date') }} as date) as week_start_date,
        {% for category in activity_categories() -%}
            sum({{ category }}_activities) as {{ category }}_activities,
        {% endfor -%}
        sum(activities) as activities,
        sum(visits) as visits,
        sum(activity_points) as activity_points
    from daily
    group by 1, 2

),

final as (

    select
        weekly.owner_user_id,
        weekly.week_start_date,
        {% for category in activity_categories() -%}
            cast(weekly.{{ category }}_activities as {{ dbt.type_int() }})
                as {{ category }}_activities,
        {% endfor -%}
        cast(weekly.activities as {{ dbt.type_int() }}) as activities,
        cast(weekly.visits as {{ dbt.type_int() }}) as visits,
        cast(weekly.activity_points as {{ dbt.type_int() }}) as activity_points,
        cast(weekly_targets.activity_points_target as {{ dbt.type_numeric() }})
            as activity_points_target,
        {{ safe_divide('weekly.activity_points', 'weekly_targets.activity_points_target') }}
            as activity_points_attainment
    from weekly
    left join weekly_targets
        on
            weekly.owner_user_id = weekly_targets.user_id
            and weekly.week_start_date = weekly_targets.week_start_date

)

select * from final
