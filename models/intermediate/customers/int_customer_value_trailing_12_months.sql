-- C2's counts per account over the 12 months up to the as-of date: wins and
-- their amount, and whether the account was a customer when the window opened
-- and still one at its end. The CLV marts (all customers, per industry, per
-- size band) add these up; the formula is the macro customer_lifetime_value.
with

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}
    where is_counted_win

),

retention as (

    -- C3's rule over the same trailing 12 months: the one retention definition
    select * from {{ ref('int_customer_retention_trailing_12_months') }}

),

accounts as (

    select * from {{ ref('int_accounts_enriched') }}

),

window_bounds as (

    select
        as_of.as_of_date as window_end,
        cast({{ dbt.dateadd('month', -12, 'as_of.as_of_date') }} as date) as window_start
    from {{ ref('int_export_as_of_date') }} as as_of

),

purchases as (

    -- wins in the trailing 12 months, per buying account
    select
        opportunities.account_id,
        count(*) as won_count,
        sum(opportunities.amount) as won_amount
    from opportunities
    cross join window_bounds
    where
        opportunities.close_date > window_bounds.window_start
        and opportunities.close_date <= window_bounds.window_end
    group by 1

),

churn_base as (

    -- customers active when the window opened, and whether still active at its end
    select
        account_id,
        is_retained
    from retention

),

final as (

    select
        accounts.account_id,
        accounts.industry,
        accounts.size_band,
        window_bounds.window_start,
        window_bounds.window_end,
        cast(coalesce(purchases.won_count, 0) as {{ dbt.type_int() }}) as won_count,
        cast(coalesce(purchases.won_amount, 0) as {{ dbt.type_numeric() }}) as won_amount,
        purchases.account_id is not null as is_buyer,
        churn_base.account_id is not null as is_active_at_start,
        coalesce(churn_base.is_retained, false) as is_retained
    from accounts
    cross join window_bounds
    left join purchases on accounts.account_id = purchases.account_id
    left join churn_base on accounts.account_id = churn_base.account_id
    where purchases.account_id is not null or churn_base.account_id is not null

)

select * from final
