-- F3 per rep and funnel stage over the whole history: the quarterly counts of
-- rpt_funnel_rep_stage_quarterly added up, conversion recomputed from the sums, and the
-- rep's bottleneck against the team median of the same.
with

quarterly as (

    select * from {{ ref('rpt_funnel_rep_stage_quarterly') }}

),

summed as (

    select
        owner_user_id,
        team,
        funnel_stage,
        funnel_stage_order,
        cast(sum(journeys_reached) as {{ dbt.type_int() }}) as journeys_reached,
        cast(sum(journeys_reached_next_stage) as {{ dbt.type_int() }})
            as journeys_reached_next_stage
    from quarterly
    group by 1, 2, 3, 4

),

conversions as (

    select
        *,
        {{ safe_divide('journeys_reached_next_stage', 'journeys_reached') }}
            as conversion_to_next_stage
    from summed

),

flagged as (

    {{ funnel_bottleneck_flags('conversions', []) }}

),

final as (

    select
        owner_user_id,
        team,
        funnel_stage,
        funnel_stage_order,
        journeys_reached,
        journeys_reached_next_stage,
        conversion_to_next_stage,
        team_median_conversion,
        gap_to_team_median,
        is_bottleneck
    from flagged

)

select * from final
