-- F3 as the catalogue counts it: one row per journey (int_funnel_journeys) and
-- funnel stage it reached, dated the day it reached the stage. A stage counts
-- as reached on the first day the journey entered it or any later stage (a
-- skipped stage is reached with the stage after it): opportunity stages from
-- their stage transitions; the lead's status stage on the day the lead was
-- created (lead status has no history in the export); an opportunity with no
-- stage history reaches its stages the day the journey started.
with

journeys as (

    select * from {{ ref('int_funnel_journeys') }}

),

transitions as (

    select
        opportunity_id,
        funnel_stage_order,
        cast(entered_at as date) as entered_date
    from {{ ref('int_opportunity_stage_transitions') }}
    where funnel_stage_order is not null

),

stages as (

    select distinct
        funnel_stage,
        funnel_stage_order
    from {{ ref('stage_mapping') }}
    where funnel_stage_order is not null

),

dates as (

    select * from {{ ref('int_dates') }}

),

last_stage as (

    select max(funnel_stage_order) as funnel_stage_order from stages

),

journey_stages as (

    select
        journeys.journey_id,
        journeys.opportunity_id,
        journeys.owner_user_id,
        journeys.started_date,
        journeys.started_funnel_stage_order,
        journeys.highest_funnel_stage_order,
        journeys.started_fiscal_quarter_start_date,
        stages.funnel_stage,
        stages.funnel_stage_order
    from journeys
    inner join stages on journeys.highest_funnel_stage_order >= stages.funnel_stage_order

),

entered as (

    -- first day the opportunity entered this stage or a later one
    select
        journey_stages.journey_id,
        journey_stages.funnel_stage_order,
        min(transitions.entered_date) as entered_date
    from journey_stages
    inner join transitions
        on
            journey_stages.opportunity_id = transitions.opportunity_id
            and journey_stages.funnel_stage_order <= transitions.funnel_stage_order
    group by 1, 2

),

reached as (

    select
        journey_stages.*,
        case
            when journey_stages.funnel_stage_order <= journey_stages.started_funnel_stage_order
                then least(
                        journey_stages.started_date,
                        coalesce(entered.entered_date, journey_stages.started_date)
                    )
            else coalesce(entered.entered_date, journey_stages.started_date)
        end as reached_date
    from journey_stages
    left join entered
        on
            journey_stages.journey_id = entered.journey_id
            and journey_stages.funnel_stage_order = entered.funnel_stage_order

),

final as (

    select
        reached.journey_id,
        reached.owner_user_id,
        reached.funnel_stage,
        cast(reached.funnel_stage_order as {{ dbt.type_int() }}) as funnel_stage_order,
        reached.reached_date,
        dates.fiscal_quarter_start_date as reached_fiscal_quarter_start_date,
        -- the last stage has no next one
        case
            when reached.funnel_stage_order < last_stage.funnel_stage_order
                then reached.highest_funnel_stage_order > reached.funnel_stage_order
        end as is_next_stage_reached,
        reached.started_fiscal_quarter_start_date
    from reached
    cross join last_stage
    inner join dates on reached.reached_date = dates.date_day

)

select * from final
