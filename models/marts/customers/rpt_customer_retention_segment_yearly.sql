-- C3 per segment (industry x size band) and complete fiscal year: customers
-- active at the start, how many were retained, retention and churn.
with

retention as (

    select * from {{ ref('int_customer_retention_yearly') }}

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

counted as (

    select
        accounts.industry,
        accounts.size_band,
        retention.fiscal_year,
        retention.fiscal_year_start_date,
        retention.fiscal_year_end_date,
        count(*) as customers_at_start,
        sum(case when retention.is_retained then 1 else 0 end) as retained_customers
    from retention
    inner join accounts on retention.account_id = accounts.account_id
    group by 1, 2, 3, 4, 5

),

final as (

    select
        industry,
        size_band,
        fiscal_year,
        fiscal_year_start_date,
        fiscal_year_end_date,
        {{ customer_retention_rates() }}
    from counted

)

select * from final
