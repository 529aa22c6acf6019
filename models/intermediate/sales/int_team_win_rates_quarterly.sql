-- F5 per team and fiscal quarter of the close: the closed, won and quote
-- counts of int_rep_scorecard_quarterly (the one place they are counted) added
-- up over the team's reps, and the rates recomputed from the sums. The team
-- scorecard and the I6 team win rate select them from here.
with

rep_scorecards as (

    select * from {{ ref('int_rep_scorecard_quarterly') }}
    where team is not null

),

summed as (

    select
        team,
        fiscal_quarter_start_date,
        sum(won_opportunities) as won_opportunities,
        sum(lost_opportunities) as lost_opportunities,
        sum(won_amount) as won_amount,
        sum(closed_amount) as closed_amount,
        sum(closed_after_quote) as closed_after_quote,
        sum(won_after_quote) as won_after_quote
    from rep_scorecards
    group by 1, 2

),

final as (

    select
        team,
        fiscal_quarter_start_date,
        cast(won_opportunities as {{ dbt.type_int() }}) as won_opportunities,
        cast(lost_opportunities as {{ dbt.type_int() }}) as lost_opportunities,
        cast(won_amount as {{ dbt.type_numeric() }}) as won_amount,
        cast(closed_amount as {{ dbt.type_numeric() }}) as closed_amount,
        {{ safe_divide('won_opportunities', 'won_opportunities + lost_opportunities') }}
            as win_rate_by_count,
        {{ safe_divide('won_amount', 'closed_amount') }} as win_rate_by_value,
        cast(closed_after_quote as {{ dbt.type_int() }}) as closed_after_quote,
        cast(won_after_quote as {{ dbt.type_int() }}) as won_after_quote,
        {{ safe_divide('won_after_quote', 'closed_after_quote') }} as quote_to_close_ratio
    from summed

)

select * from final
