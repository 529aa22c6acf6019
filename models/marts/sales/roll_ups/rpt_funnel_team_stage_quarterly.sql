-- F3 per team, fiscal quarter and funnel stage: the reps' counts of
-- rpt_funnel_rep_stage_quarterly added up, conversion recomputed from the sums.
with

rep_funnel as (

    select * from {{ ref('rpt_funnel_rep_stage_quarterly') }}

),

summed as (

    select
        team,
        fiscal_quarter_start_date,
        funnel_stage,
        funnel_stage_order,
        sum(journeys_reached) as journeys_reached,
        sum(journeys_reached_next_stage) as journeys_reached_next_stage
    from rep_funnel
    where team is not null
    group by 1, 2, 3, 4

),

final as (

    select
        team,
        fiscal_quarter_start_date,
        funnel_stage,
        funnel_stage_order,
        cast(journeys_reached as {{ dbt.type_int() }}) as journeys_reached,
        cast(journeys_reached_next_stage as {{ dbt.type_int() }}) as journeys_reached_next_stage,
        {{ safe_divide('journeys_reached_next_stage', 'journeys_reached') }}
            as conversion_to_next_stage
    from summed

)

select * from final
