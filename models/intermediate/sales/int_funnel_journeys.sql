-- One row per sales journey: a lead together with the opportunity it was
-- converted into, or an opportunity created without a lead (soft deletes
-- excluded). The journey belongs to the opportunity's owner when there is one,
-- else the lead's, and to the fiscal quarter it started in (lead or
-- opportunity creation). Its highest funnel stage: the opportunity's highest
-- stage ever entered, else the lead status's stage. Every stage up to it
-- counts as reached, skipped ones included (int_funnel_stages_reached dates
-- each one). Its starting stage: the lead status's stage (lead status has no
-- history), or 1 for an opportunity on its own (its stages are dated by its
-- stage transitions).
with

leads as (

    select * from {{ ref('int_leads_qualified') }}

),

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}
    where not is_deleted

),

lead_stages as (

    select * from {{ ref('stage_mapping') }}
    where record_type = 'Lead'

),

dates as (

    select * from {{ ref('int_dates') }}

),

journeys as (

    select
        leads.lead_id as journey_id,
        leads.lead_id,
        opportunities.opportunity_id,
        coalesce(opportunities.owner_user_id, leads.owner_user_id) as owner_user_id,
        leads.created_date as started_date,
        coalesce(lead_stages.funnel_stage_order, 1) as started_funnel_stage_order,
        coalesce(opportunities.highest_funnel_stage_order, lead_stages.funnel_stage_order, 1)
            as highest_funnel_stage_order
    from leads
    left join opportunities on leads.converted_opportunity_id = opportunities.opportunity_id
    left join lead_stages on leads.lead_status = lead_stages.crm_value

    union all

    select
        opportunities.opportunity_id as journey_id,
        cast(null as {{ dbt.type_string() }}) as lead_id,
        opportunities.opportunity_id,
        opportunities.owner_user_id,
        opportunities.created_date as started_date,
        1 as started_funnel_stage_order,
        opportunities.highest_funnel_stage_order
    from opportunities
    where not exists (
            select 1 from leads
            where leads.converted_opportunity_id = opportunities.opportunity_id
        )

),

final as (

    select
        journeys.*,
        dates.fiscal_quarter_start_date as started_fiscal_quarter_start_date
    from journeys
    inner join dates on journeys.started_date = dates.date_day

)

select * from final
