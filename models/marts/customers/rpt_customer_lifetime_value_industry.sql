-- C2 per industry over the 12 months up to the as-of date: the per-account
-- counts of int_customer_value_trailing_12_months added up, then purchase
-- value x purchase frequency x customer lifetime (macro customer_lifetime_value).
with

accounts as (

    select * from {{ ref('int_customer_value_trailing_12_months') }}

),

counts as (

    select
        industry,
        window_start,
        window_end,
        sum(won_count) as won_count,
        sum(won_amount) as won_amount,
        sum(case when is_buyer then 1 else 0 end) as buying_customers,
        sum(case when is_active_at_start then 1 else 0 end) as customers_at_start,
        sum(case when is_retained then 1 else 0 end) as retained_customers
    from accounts
    group by 1, 2, 3

),

final as (

    {{ customer_lifetime_value('counts', ['industry', 'window_start', 'window_end']) }}

)

select * from final
