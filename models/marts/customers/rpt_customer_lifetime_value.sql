-- C2 for all customers, per industry and per size band, over the 12 months up
-- to the as-of date: purchase value x purchase frequency x customer lifetime.
with

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}
    where is_counted_win

),

retention as (

    -- C3's rule over the same trailing 12 months: the one retention definition
    select * from {{ ref('int_customer_retention_periods') }}
    where period_type = 'trailing_12_months'

),

accounts as (

    select * from {{ ref('dim_accounts') }}

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

per_account as (

    select
        accounts.account_id,
        accounts.industry,
        accounts.size_band,
        coalesce(purchases.won_count, 0) as won_count,
        coalesce(purchases.won_amount, 0) as won_amount,
        case when purchases.account_id is not null then 1 else 0 end as is_buyer,
        case when churn_base.account_id is not null then 1 else 0 end as is_active_at_start,
        case when churn_base.is_retained then 1 else 0 end as is_retained
    from accounts
    left join purchases on accounts.account_id = purchases.account_id
    left join churn_base on accounts.account_id = churn_base.account_id
    where purchases.account_id is not null or churn_base.account_id is not null

),

segments as (

    {% for dimension in ['industry', 'size_band', none] %}
        select
            '{{ dimension or "all" }}' as segment_type,
            {{ dimension or "'all customers'" }} as segment,
            sum(won_count) as won_count,
            sum(won_amount) as won_amount,
            sum(is_buyer) as buying_customers,
            sum(is_active_at_start) as customers_at_start,
            sum(is_retained) as retained_customers
        from per_account
        {% if dimension %}group by {{ dimension }}{% endif %}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

rates as (

    select
        *,
        {{ safe_divide('won_amount', 'won_count') }} as average_purchase_value,
        {{ safe_divide('won_count', 'buying_customers') }} as purchase_frequency,
        {{ safe_divide('customers_at_start - retained_customers', 'customers_at_start') }}
            as annual_churn_rate
    from segments

),

lifetimes as (

    -- from the counts, not the rounded rates; no churn, or churn below 1 / cap: the cap
    select
        *,
        case
            when customers_at_start = 0 then null
            when
                (customers_at_start - retained_customers) * {{ var('max_customer_lifetime_years') }}
                <= customers_at_start
                then {{ var('max_customer_lifetime_years') }}
            else 1.0 * customers_at_start / (customers_at_start - retained_customers)
        end as lifetime_years
    from rates

),

final as (

    select
        segment_type,
        segment,
        cast(won_count as {{ dbt.type_int() }}) as won_count,
        cast(won_amount as {{ dbt.type_numeric() }}) as won_amount,
        cast(buying_customers as {{ dbt.type_int() }}) as buying_customers,
        cast(customers_at_start as {{ dbt.type_int() }}) as customers_at_start,
        cast(retained_customers as {{ dbt.type_int() }}) as retained_customers,
        average_purchase_value,
        purchase_frequency,
        annual_churn_rate,
        cast(lifetime_years as {{ dbt.type_numeric() }}) as customer_lifetime_years,
        -- value x frequency = won_amount / buying_customers
        cast(
            1.0 * won_amount / nullif(buying_customers, 0) * lifetime_years
            as {{ dbt.type_numeric() }}
        ) as customer_lifetime_value
    from lifetimes

)

select * from final
