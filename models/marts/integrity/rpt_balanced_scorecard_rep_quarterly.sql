-- I8 balanced scorecard per rep and fiscal quarter: the integrity score
-- beside the rep's result KPIs, activity KPIs and the NPS of the rep's
-- accounts, so nobody is judged on one number (sources/004).
with

leaderboard as (

    select * from {{ ref('int_rep_leaderboard_quarterly') }}

),

integrity as (

    select * from {{ ref('int_rep_integrity_quarterly') }}

),

nps as (

    select * from {{ ref('int_nps_rep_quarterly') }}

),

reps as (

    select * from {{ ref('dim_reps') }}

),

rep_quarters as (

    select
        owner_user_id,
        fiscal_quarter_start_date
    from leaderboard
    union
    select
        owner_user_id,
        fiscal_quarter_start_date
    from integrity

),

final as (

    select
        rep_quarters.owner_user_id,
        reps.user_name,
        reps.team,
        rep_quarters.fiscal_quarter_start_date,
        cast(coalesce(leaderboard.won_opportunities, 0) as {{ dbt.type_int() }})
            as won_opportunities,
        cast(coalesce(leaderboard.won_amount, 0) as {{ dbt.type_numeric() }}) as won_amount,
        leaderboard.won_amount_attainment,
        leaderboard.win_rate_by_count,
        cast(coalesce(leaderboard.activity_points, 0) as {{ dbt.type_int() }}) as activity_points,
        cast(coalesce(leaderboard.visits, 0) as {{ dbt.type_int() }}) as visits,
        cast(coalesce(nps.scored_responses, 0) as {{ dbt.type_int() }}) as nps_responses,
        nps.nps as account_nps,
        cast(coalesce(integrity.behaviours_flagged, 0) as {{ dbt.type_int() }})
            as behaviours_flagged,
        integrity.integrity_score
    from rep_quarters
    left join reps on rep_quarters.owner_user_id = reps.user_id
    left join leaderboard
        on
            rep_quarters.owner_user_id = leaderboard.owner_user_id
            and rep_quarters.fiscal_quarter_start_date = leaderboard.fiscal_quarter_start_date
    left join integrity
        on
            rep_quarters.owner_user_id = integrity.owner_user_id
            and rep_quarters.fiscal_quarter_start_date = integrity.fiscal_quarter_start_date
    left join nps
        on
            rep_quarters.owner_user_id = nps.owner_user_id
            and rep_quarters.fiscal_quarter_start_date = nps.fiscal_quarter_start_date

)

select * from final
