-- Rep leaderboard per fiscal quarter: activity (A1, A2), results (F2, F10)
-- and ramp (A8) of each rep side by side, ranked within the quarter on
-- activity points and on won amount, so a rep is never read off one number.
with

dates as (

    select * from {{ ref('int_dates') }}

),

activity as (

    select
        daily.owner_user_id,
        dates.fiscal_quarter_start_date,
        sum(daily.activities) as activities,
        sum(daily.visits) as visits,
        sum(daily.activity_points) as activity_points
    from {{ ref('int_rep_activities_daily') }} as daily
    inner join dates on daily.activity_date = dates.date_day
    group by 1, 2

),

results as (

    select * from {{ ref('int_rep_scorecard_quarterly') }}

),

ramp as (

    select * from {{ ref('int_rep_ramp') }}

),

reps as (

    select * from {{ ref('int_reps_enriched') }}

),

rep_quarters as (

    select
        coalesce(activity.owner_user_id, results.owner_user_id) as owner_user_id,
        coalesce(activity.fiscal_quarter_start_date, results.fiscal_quarter_start_date)
            as fiscal_quarter_start_date,
        coalesce(activity.activities, 0) as activities,
        coalesce(activity.visits, 0) as visits,
        coalesce(activity.activity_points, 0) as activity_points,
        coalesce(results.won_opportunities, 0) as won_opportunities,
        coalesce(results.won_amount, 0) as won_amount,
        results.won_amount_attainment,
        results.win_rate_by_count
    from activity
    full outer join results
        on
            activity.owner_user_id = results.owner_user_id
            and activity.fiscal_quarter_start_date = results.fiscal_quarter_start_date

),

final as (

    select
        rep_quarters.owner_user_id,
        reps.user_name,
        reps.team,
        rep_quarters.fiscal_quarter_start_date,
        cast(rep_quarters.activities as {{ dbt.type_int() }}) as activities,
        cast(rep_quarters.visits as {{ dbt.type_int() }}) as visits,
        cast(rep_quarters.activity_points as {{ dbt.type_int() }}) as activity_points,
        cast(rank() over (
            partition by rep_quarters.fiscal_quarter_start_date
            order by rep_quarters.activity_points desc
        ) as {{ dbt.type_int() }}) as activity_points_rank,
        cast(rep_quarters.won_opportunities as {{ dbt.type_int() }}) as won_opportunities,
        cast(rep_quarters.won_amount as {{ dbt.type_numeric() }}) as won_amount,
        cast(rank() over (
            partition by rep_quarters.fiscal_quarter_start_date
            order by rep_quarters.won_amount desc
        ) as {{ dbt.type_int() }}) as won_amount_rank,
        cast(rep_quarters.won_amount_attainment as {{ dbt.type_numeric() }})
            as won_amount_attainment,
        cast(rep_quarters.win_rate_by_count as {{ dbt.type_numeric() }}) as win_rate_by_count,
        ramp.days_to_first_prospect_contact,
        ramp.days_to_first_win
    from rep_quarters
    left join reps on rep_quarters.owner_user_id = reps.user_id
    left join ramp on rep_quarters.owner_user_id = ramp.user_id

)

select * from final
