-- A3 per team and fiscal year: the rep table's counts added up over the reps
-- of the team (their current team, rep_roster.csv), except prospects, which
-- count a prospect once per team; the ratios come from the same macro.
with

rep_years as (

    select * from {{ ref('int_process_ratios_rep_yearly') }}
    where team is not null

),

team_prospects as (

    select
        rep_years.team,
        rep_years.fiscal_year,
        count(distinct prospects.prospect_key) as prospects
    from {{ ref('int_rep_prospects_yearly') }} as prospects
    inner join rep_years
        on
            prospects.owner_user_id = rep_years.owner_user_id
            and prospects.fiscal_year = rep_years.fiscal_year
    group by 1, 2

),

team_counts as (

    select
        team,
        fiscal_year,
        count(*) as reps,
        sum(activities) as activities,
        sum(visits) as visits,
        sum(closed_after_quote) as closed_after_quote,
        sum(won_after_quote) as won_after_quote,
        sum(orders) as orders,
        sum(won_amount) as won_amount
    from rep_years
    group by 1, 2

),

counts as (

    select
        team_counts.*,
        coalesce(team_prospects.prospects, 0) as prospects
    from team_counts
    left join team_prospects
        on
            team_counts.team = team_prospects.team
            and team_counts.fiscal_year = team_prospects.fiscal_year

),

final as (

    select
        team,
        cast(fiscal_year as {{ dbt.type_int() }}) as fiscal_year,
        cast(reps as {{ dbt.type_int() }}) as reps,
        cast(prospects as {{ dbt.type_int() }}) as prospects,
        cast(activities as {{ dbt.type_int() }}) as activities,
        cast(visits as {{ dbt.type_int() }}) as visits,
        cast(closed_after_quote as {{ dbt.type_int() }}) as closed_after_quote,
        cast(won_after_quote as {{ dbt.type_int() }}) as won_after_quote,
        cast(orders as {{ dbt.type_int() }}) as orders,
        cast(won_amount as {{ dbt.type_numeric() }}) as won_amount,
        {{ process_ratios() }}
    from counts

)

select * from final
