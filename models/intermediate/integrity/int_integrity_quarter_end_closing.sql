-- I4 per rep and fiscal quarter of the close: won value and won deals in
-- all (selected from int_rep_scorecard_quarterly, where they are counted), and
-- in the last var quarter_end_days days of the quarter, beside the share of
-- the quarter those days make up (what an even spread would give).
-- The same counts over this quarter and the one before it are added, so one
-- or two deals in a thin quarter do not decide a flag on their own.
with

won as (

    select * from {{ ref('int_opportunities_enriched') }}
    where is_counted_win

),

rep_scorecards as (

    select * from {{ ref('int_rep_scorecard_quarterly') }}

),

dates as (

    select * from {{ ref('int_dates') }}

),

quarter_days as (

    select
        fiscal_quarter_start_date,
        count(*) as days_in_quarter
    from dates
    group by 1

),

quarter_end_closes as (

    select
        won.owner_user_id,
        dates.fiscal_quarter_start_date,
        count(*) as quarter_end_won_opportunities,
        sum(won.amount) as quarter_end_won_amount
    from won
    inner join dates on won.close_date = dates.date_day
    where
        {{ dbt.datediff('won.close_date', 'dates.fiscal_quarter_end_date', 'day') }}
        < {{ var('quarter_end_days') }}
    group by 1, 2

),

rep_quarters as (

    -- wins and won amount as the scorecard counts them (the one count), per quarter with wins
    select
        rep_scorecards.owner_user_id,
        rep_scorecards.fiscal_quarter_start_date,
        rep_scorecards.won_opportunities,
        coalesce(quarter_end_closes.quarter_end_won_opportunities, 0)
            as quarter_end_won_opportunities,
        rep_scorecards.won_amount,
        cast(coalesce(quarter_end_closes.quarter_end_won_amount, 0) as {{ dbt.type_numeric() }})
            as quarter_end_won_amount,
        cast(
            {{ var('quarter_end_days') }} * 1.0 / quarter_days.days_in_quarter
            as {{ dbt.type_numeric() }}
        ) as expected_quarter_end_share
    from rep_scorecards
    inner join quarter_days
        on rep_scorecards.fiscal_quarter_start_date = quarter_days.fiscal_quarter_start_date
    left join quarter_end_closes
        on
            rep_scorecards.owner_user_id = quarter_end_closes.owner_user_id
            and rep_scorecards.fiscal_quarter_start_date
            = quarter_end_closes.fiscal_quarter_start_date
    where rep_scorecards.won_opportunities > 0

),

final as (

    select
        this_quarter.*,
        cast(
            this_quarter.won_amount + coalesce(previous_quarter.won_amount, 0)
            as {{ dbt.type_numeric() }}
        ) as two_quarter_won_amount,
        cast(
            this_quarter.quarter_end_won_amount
            + coalesce(previous_quarter.quarter_end_won_amount, 0)
            as {{ dbt.type_numeric() }}
        ) as two_quarter_quarter_end_won_amount,
        this_quarter.quarter_end_won_opportunities
        + coalesce(previous_quarter.quarter_end_won_opportunities, 0)
            as two_quarter_quarter_end_won_opportunities
    from rep_quarters as this_quarter
    left join rep_quarters as previous_quarter
        on
            this_quarter.owner_user_id = previous_quarter.owner_user_id
            and previous_quarter.fiscal_quarter_start_date
            = cast({{ dbt.dateadd('month', -3, 'this_quarter.fiscal_quarter_start_date') }} as date)

)

select * from final
