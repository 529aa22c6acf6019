-- F1 and the monthly base of F4, per rep, lead source and month of creation:
-- new leads, ICP-qualified leads, and what became of them by the as-of date.
with

leads as (

    select * from {{ ref('int_leads_qualified') }}

),

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}
    where not is_deleted

),

dates as (

    select * from {{ ref('int_dates') }}

),

counted as (

    select
        leads.owner_user_id,
        leads.lead_source,
        dates.month_start_date,
        count(*) as new_leads,
        sum(case when leads.is_icp_qualified then 1 else 0 end) as qualified_leads,
        sum(case when leads.is_converted then 1 else 0 end) as converted_leads,
        sum(
            case
                when leads.is_converted and opportunities.is_counted_win
                    then 1
                else 0
            end
        ) as converted_won_leads
    from leads
    inner join dates on leads.created_date = dates.date_day
    left join opportunities on leads.converted_opportunity_id = opportunities.opportunity_id
    group by 1, 2, 3

),

final as (

    select
        owner_user_id,
        lead_source,
        month_start_date,
        cast(new_leads as {{ dbt.type_int() }}) as new_leads,
        cast(qualified_leads as {{ dbt.type_int() }}) as qualified_leads,
        cast(converted_leads as {{ dbt.type_int() }}) as converted_leads,
        cast(converted_won_leads as {{ dbt.type_int() }}) as converted_won_leads
    from counted

)

select * from final
