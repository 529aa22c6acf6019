-- I6 per rep and fiscal quarter of the close date: visible wins and losses
-- (not deleted), and opportunities soft-deleted while open or after being
-- lost (the losses that went missing), beside the team's win rate and the
-- team median of the lost-to-won ratio (teams from rep_roster.csv). Quarters
-- that start after the as-of date are not reported (open deals expected to
-- close then would only add empty rows).
with

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}

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

rep_counts as (

    select
        opportunities.owner_user_id,
        reps.team,
        dates.fiscal_quarter_start_date,
        sum(case when opportunities.is_won and not opportunities.is_deleted then 1 else 0 end)
            as won_opportunities,
        sum(case when opportunities.is_lost and not opportunities.is_deleted then 1 else 0 end)
            as lost_opportunities,
        sum(case when opportunities.is_deleted and not opportunities.is_won then 1 else 0 end)
            as deleted_unwon_opportunities
    from opportunities
    cross join as_of
    inner join dates on opportunities.close_date = dates.date_day
    left join reps on opportunities.owner_user_id = reps.user_id
    where dates.fiscal_quarter_start_date <= as_of.as_of_date
    group by 1, 2, 3

),

team_counts as (

    select
        team,
        fiscal_quarter_start_date,
        {{ safe_divide('sum(won_opportunities)', 'sum(won_opportunities + lost_opportunities)') }}
            as team_win_rate,
        {{ median(safe_divide('lost_opportunities', 'won_opportunities')) }}
            as team_median_lost_to_won_ratio
    from rep_counts
    where team is not null
    group by 1, 2

),

final as (

    select
        rep_counts.owner_user_id,
        rep_counts.fiscal_quarter_start_date,
        rep_counts.won_opportunities,
        rep_counts.lost_opportunities,
        rep_counts.deleted_unwon_opportunities,
        team_counts.team_win_rate,
        team_counts.team_median_lost_to_won_ratio
    from rep_counts
    left join team_counts
        on
            rep_counts.team = team_counts.team
            and rep_counts.fiscal_quarter_start_date = team_counts.fiscal_quarter_start_date

)

select * from final
