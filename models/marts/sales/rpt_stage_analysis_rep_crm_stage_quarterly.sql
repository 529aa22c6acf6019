-- F7 time in each stage, per rep, fiscal quarter the stage was entered in,
-- and CRM stage: how many entries, how many left the stage, and the average
-- and median days spent in it by those that left (open stages still run).
with

transitions as (

    select * from {{ ref('int_opportunity_stage_transitions') }}
    where not is_closed_stage

),

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}
    where not is_deleted

),

dates as (

    select * from {{ ref('dim_dates') }}

),

final as (

    select
        opportunities.owner_user_id,
        dates.fiscal_quarter_start_date,
        transitions.stage_name,
        transitions.funnel_stage,
        transitions.funnel_stage_order,
        cast(count(*) as {{ dbt.type_int() }}) as stage_entries,
        cast(sum(case when transitions.is_current_stage then 0 else 1 end) as {{ dbt.type_int() }})
            as stage_exits,
        cast(
            avg(case when not transitions.is_current_stage then transitions.days_in_stage end)
            as {{ dbt.type_numeric() }}
        ) as average_days_in_stage,
        cast(
            {{ median(
                'case when not transitions.is_current_stage then transitions.days_in_stage end'
            ) }}
            as {{ dbt.type_numeric() }}
        ) as median_days_in_stage
    from transitions
    inner join opportunities on transitions.opportunity_id = opportunities.opportunity_id
    inner join dates on cast(transitions.entered_at as date) = dates.date_day
    group by 1, 2, 3, 4, 5

)

select * from final
