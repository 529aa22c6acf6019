-- A9 per month, all channels together: adds up the per-channel figures of
-- int_marketing_efficiency_monthly, 'Unmapped' included, so every lead and new
-- customer of the month counts.
with

channel_months as (

    select * from {{ ref('int_marketing_efficiency_monthly') }}

),

totals as (

    select
        month_start_date,
        count(*) as channels,
        sum(spend_amount) as spend_amount,
        sum(new_leads) as new_leads,
        sum(new_customers) as new_customers
    from channel_months
    group by 1

),

final as (

    select
        month_start_date,
        cast(channels as {{ dbt.type_int() }}) as channels,
        cast(spend_amount as {{ dbt.type_numeric() }}) as spend_amount,
        cast(new_leads as {{ dbt.type_int() }}) as new_leads,
        cast(new_customers as {{ dbt.type_int() }}) as new_customers,
        {{ safe_divide('spend_amount', 'new_leads') }} as cost_per_lead,
        {{ safe_divide('spend_amount', 'new_customers') }} as cost_per_conversion
    from totals

)

select * from final
