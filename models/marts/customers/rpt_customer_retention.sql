-- C3 per segment (industry x size band), period type (fiscal year or
-- quarter) and period: customers active at the start, how many were
-- retained, retention and churn.
with

periods as (

    select * from {{ ref('int_customer_retention_periods') }}
    where period_type in ('year', 'quarter')

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

counted as (

    select
        accounts.industry,
        accounts.size_band,
        periods.period_type,
        periods.period_start,
        periods.period_end,
        count(*) as customers_at_start,
        sum(case when periods.is_retained then 1 else 0 end) as retained_customers
    from periods
    inner join accounts on periods.account_id = accounts.account_id
    group by 1, 2, 3, 4, 5

),

final as (

    select
        industry,
        size_band,
        period_type,
        period_start,
        period_end,
        cast(customers_at_start as {{ dbt.type_int() }}) as customers_at_start,
        cast(retained_customers as {{ dbt.type_int() }}) as retained_customers,
        cast(customers_at_start - retained_customers as {{ dbt.type_int() }}) as churned_customers,
        {{ safe_divide('retained_customers', 'customers_at_start') }} as retention_rate,
        {{ safe_divide('customers_at_start - retained_customers', 'customers_at_start') }}
            as churn_rate
    from counted

)

select * from final
