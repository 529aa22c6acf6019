-- F4 per rep, lead source and fiscal quarter of lead creation (a lead
-- cohort): rpt_leads_rep_lead_source_monthly added up by quarter, rates from the sums.
with

monthly as (

    select * from {{ ref('int_leads_monthly') }}

),

dates as (

    select * from {{ ref('int_dates') }}

),

summed as (

    select
        monthly.owner_user_id,
        monthly.lead_source,
        dates.fiscal_quarter_start_date,
        sum(monthly.new_leads) as new_leads,
        sum(monthly.qualified_leads) as qualified_leads,
        sum(monthly.converted_leads) as converted_leads,
        sum(monthly.converted_won_leads) as converted_won_leads
    from monthly
    inner join dates on monthly.month_start_date = dates.date_day
    group by 1, 2, 3

),

final as (

    select
        owner_user_id,
        lead_source,
        fiscal_quarter_start_date,
        cast(new_leads as {{ dbt.type_int() }}) as new_leads,
        cast(qualified_leads as {{ dbt.type_int() }}) as qualified_leads,
        cast(converted_leads as {{ dbt.type_int() }}) as converted_leads,
        cast(converted_won_leads as {{ dbt.type_int() }}) as converted_won_leads,
        {{ safe_divide('converted_leads', 'new_leads') }} as lead_to_opportunity_rate,
        {{ safe_divide('converted_won_leads', 'new_leads') }} as lead_to_customer_rate
    from summed

)

select * from final
