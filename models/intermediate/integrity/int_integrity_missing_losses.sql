-- I6 per rep and fiscal quarter of the close date: opportunities soft-deleted
-- while open or after being lost (the losses that went missing), the rep's
-- lost-to-won ratio and the team median of it (teams from rep_roster.csv).
-- Wins and losses are counted once, in int_rep_scorecard_quarterly, and read
-- from there. Quarters that start after the as-of date are not reported (open
-- deals expected to close then would only add empty rows).
with

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}

),

rep_scorecards as (

    select * from {{ ref('int_rep_scorecard_quarterly') }}

),

dates as (

    select * from {{ ref('int_dates') }}

),

reps as (

    select * from {{ ref('int_reps_enriched') }}

),

as_of as (

    select as_of_date from {{ ref('int_export_as_of_date') }}

),

rep_quarters as (

    -- every rep and quarter with an opportunity (deleted or not) dated to close in it
    select
        opportunities.owner_user_id,
        dates.fiscal_quarter_start_date,
        sum(case when opportunities.is_deleted and not opportunities.is_won then 1 else 0 end)
            as deleted_unwon_opportunities
    from opportunities
    cross join as_of
    inner join dates on opportunities.close_date = dates.date_day
    where dates.fiscal_quarter_start_date <= as_of.as_of_date
    group by 1, 2

),

ratios as (

    select
        rep_quarters.owner_user_id,
        reps.team,
        rep_quarters.fiscal_quarter_start_date,
        rep_quarters.deleted_unwon_opportunities,
        {{ safe_divide('rep_scorecards.lost_opportunities', 'rep_scorecards.won_opportunities') }}
            as lost_to_won_ratio
    from rep_quarters
    left join reps on rep_quarters.owner_user_id = reps.user_id
    left join rep_scorecards
        on
            rep_quarters.owner_user_id = rep_scorecards.owner_user_id
            and rep_quarters.fiscal_quarter_start_date = rep_scorecards.fiscal_quarter_start_date

),

team_medians as (

    select
        team,
        fiscal_quarter_start_date,
        {{ median('lost_to_won_ratio') }} as team_median_lost_to_won_ratio
    from ratios
    where team is not null
    group by 1, 2

),

final as (

    select
        ratios.owner_user_id,
        ratios.fiscal_quarter_start_date,
        ratios.deleted_unwon_opportunities,
        ratios.lost_to_won_ratio,
        team_medians.team_median_lost_to_won_ratio
    from ratios
    left join team_medians
        on
            ratios.team = team_medians.team
            and ratios.fiscal_quarter_start_date = team_medians.fiscal_quarter_start_date

)

select * from final
