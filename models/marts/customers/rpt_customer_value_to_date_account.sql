-- C2 historical value to date, per account: the won amounts (reporting currency) of
-- every counted win closed on or before the as-of date (the as-of boundary has cut them).
with

accounts as (

    select * from {{ ref('dim_accounts') }}

),

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}
    where is_counted_win

),

wins as (

    select
        opportunities.account_id,
        count(*) as won_opportunities,
        sum(case when opportunities.amount is null then 1 else 0 end)
            as unconverted_won_opportunities,
        sum(opportunities.amount) as historical_value_to_date,
        min(opportunities.close_date) as first_won_date,
        max(opportunities.close_date) as last_won_date
    from opportunities
    group by 1

),

final as (

    select
        coalesce(accounts.account_id, wins.account_id) as account_id,
        accounts.is_deleted,
        cast(coalesce(wins.won_opportunities, 0) as {{ dbt.type_int() }}) as won_opportunities,
        cast(coalesce(wins.unconverted_won_opportunities, 0) as {{ dbt.type_int() }})
            as unconverted_won_opportunities,
        cast(coalesce(wins.historical_value_to_date, 0) as {{ dbt.type_numeric() }})
            as historical_value_to_date,
        wins.first_won_date,
        wins.last_won_date
    from accounts
    -- wins on an account missing from the export (or on none) keep a row of their own
    full outer join wins on accounts.account_id = wins.account_id

)

select * from final
