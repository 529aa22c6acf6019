-- C6 per segment (industry x size band) and fiscal year:
-- rpt_customer_profitability_account_yearly added up.
with

accounts as (

    select * from {{ ref('rpt_customer_profitability_account_yearly') }}

),

final as (

    select
        industry,
        size_band,
        fiscal_year,
        cast(count(*) as {{ dbt.type_int() }}) as customer_accounts,
        cast(sum(revenue) as {{ dbt.type_numeric() }}) as revenue,
        cast(sum(product_cost) as {{ dbt.type_numeric() }}) as product_cost,
        cast(sum(acquisition_cost) as {{ dbt.type_numeric() }}) as acquisition_cost,
        cast(sum(cost_to_serve) as {{ dbt.type_numeric() }}) as cost_to_serve,
        cast(sum(profit) as {{ dbt.type_numeric() }}) as profit,
        {{ safe_divide('sum(profit)', 'sum(revenue)') }} as profit_margin
    from accounts
    group by 1, 2, 3

)

select * from final
