-- One row per opportunity, soft-deleted ones included and flagged (every KPI
-- excludes them; the integrity KPIs look at them).
with

opportunities as (

    select * from {{ ref('int_opportunities_as_of') }}

),

converted as (

    select * from {{ ref('int_opportunities_converted') }}

),

first_contact as (

    select * from {{ ref('int_opportunity_first_contact') }}

),

intervals as (

    select * from {{ ref('int_opportunity_history_intervals') }}

),

stage_mapping as (

    select * from {{ ref('stage_mapping') }}
    where record_type = 'Opportunity'

),

dates as (

    select * from {{ ref('int_dates') }}

),

converted_leads as (

    select
        converted_opportunity_id as opportunity_id,
        min(lead_id) as lead_id,
        min(lead_source) as lead_source
    from {{ ref('int_leads_as_of') }}
    where not is_deleted and converted_opportunity_id is not null
    group by converted_opportunity_id

),

stages_reached as (

    select
        opportunity_id,
        max(funnel_stage_order) as highest_funnel_stage_order,
        min(case when history_sequence = 1 then funnel_stage_order end) as first_funnel_stage_order
    from intervals
    group by opportunity_id

),

joined as (

    select
        opportunities.opportunity_id,
        opportunities.account_id,
        opportunities.owner_user_id,
        converted_leads.lead_id,
        coalesce(opportunities.lead_source, converted_leads.lead_source) as lead_source,
        opportunities.opportunity_type,
        opportunities.stage_name,
        stage_mapping.funnel_stage,
        -- skipped stages count as reached: the highest stage ever entered, or the current one
        coalesce(stages_reached.highest_funnel_stage_order, stage_mapping.funnel_stage_order)
            as highest_funnel_stage_order,
        coalesce(stages_reached.first_funnel_stage_order, stage_mapping.funnel_stage_order)
            as first_funnel_stage_order,
        opportunities.is_closed,
        opportunities.is_won,
        opportunities.is_closed and not opportunities.is_won as is_lost,
        not opportunities.is_closed as is_open,
        opportunities.is_deleted,
        -- the one definition of "a win that counts" (purchases, wins, ACV, ramp, ...)
        opportunities.is_won and not opportunities.is_deleted as is_counted_win,
        converted.record_currency_code,
        converted.conversion_status,
        converted.amount_record_currency,
        converted.amount_reporting_currency as amount,
        cast(opportunities.probability_pct as {{ dbt.type_numeric() }}) as probability_pct,
        -- in double on every engine (macros/type_double.sql)
        {{ numeric_from_double(
            'cast(converted.amount_reporting_currency as ' ~ type_double() ~ ')'
            ~ ' * cast(opportunities.probability_pct as ' ~ type_double() ~ ') / 100'
        ) }} as weighted_amount,
        opportunities.contract_term_months,
        cast(opportunities.created_at as date) as created_date,
        opportunities.close_date,
        first_contact.first_contact_date,
        first_contact.first_contact_source,
        created_dates.fiscal_quarter_start_date as created_fiscal_quarter_start_date,
        close_dates.fiscal_quarter_start_date as close_fiscal_quarter_start_date
    from opportunities
    inner join converted on opportunities.opportunity_id = converted.opportunity_id
    left join first_contact on opportunities.opportunity_id = first_contact.opportunity_id
    left join stages_reached on opportunities.opportunity_id = stages_reached.opportunity_id
    left join stage_mapping on opportunities.stage_name = stage_mapping.crm_value
    left join converted_leads on opportunities.opportunity_id = converted_leads.opportunity_id
    left join
        dates as created_dates
        on cast(opportunities.created_at as date) = created_dates.date_day
    left join dates as close_dates on opportunities.close_date = close_dates.date_day

),

final as (

    select
        *,
        -- a close dated before the creation or first contact (back-dated in the
        -- CRM) has no duration: counted in rpt_data_quality_exclusions_rule instead
        cast(case
            when is_closed and close_date >= created_date
                then {{ dbt.datediff('created_date', 'close_date', 'day') }}
        end as {{ dbt.type_int() }}) as days_created_to_close,
        cast(case
            when is_won and close_date >= first_contact_date
                then {{ dbt.datediff('first_contact_date', 'close_date', 'day') }}
        end as {{ dbt.type_int() }}) as days_first_contact_to_won
    from joined

)

select * from final
