-- A1 per team and week: the team's reps' weeks of rpt_activities_rep_weekly
-- added up, and attainment against the team's activity_points target,
-- prorated to the week like the reps'.
with

rep_weeks as (

    select * from {{ ref('rpt_activities_rep_weekly') }}

),

reps as (

    select * from {{ ref('dim_reps') }}

),

weekly_targets as (

    select * from {{ ref('int_sales_targets_weekly') }}
    where target_level = 'team' and activity_points_target is not null

),

weekly as (

    select
        reps.team,
        rep_weeks.week_start_date,
        count(*) as active_reps,
        sum(rep_weeks.activities) as activities,
        sum(rep_weeks.visits) as visits,
        sum(rep_weeks.activity_points) as activity_points
    from rep_weeks
    inner join reps on rep_weeks.owner_user_id = reps.user_id
    where reps.team is not null
    group by 1, 2

),

final as (

    select
        weekly.team,
        weekly.week_start_date,
        cast(weekly.active_reps as {{ dbt.type_int() }}) as active_reps,
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
            weekly.team = weekly_targets.team
            and weekly.week_start_date = weekly_targets.week_start_date

)

select * from final
