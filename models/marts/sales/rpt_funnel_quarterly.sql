-- F3 per rep, fiscal quarter and funnel stage: journeys started in the
-- quarter that reached each stage, conversion to the next stage, and the
-- bottleneck transition against the team median.
with

journeys as (

    select * from {{ ref('int_funnel_journeys') }}

),

reps as (

    select * from {{ ref('dim_reps') }}

),

stages as (

    select distinct
        funnel_stage,
        funnel_stage_order
    from {{ ref('stage_mapping') }}
    where funnel_stage_order is not null

),

rep_quarters as (

    select distinct
        owner_user_id,
        started_fiscal_quarter_start_date as fiscal_quarter_start_date
    from journeys

),

reached as (

    select
        journeys.owner_user_id,
        journeys.started_fiscal_quarter_start_date as fiscal_quarter_start_date,
        stages.funnel_stage_order,
        count(*) as journeys_reached
    from journeys
    inner join stages on journeys.highest_funnel_stage_order >= stages.funnel_stage_order
    group by 1, 2, 3

),

rep_stages as (

    select
        rep_quarters.owner_user_id,
        reps.team,
        rep_quarters.fiscal_quarter_start_date,
        stages.funnel_stage,
        stages.funnel_stage_order,
        cast(coalesce(reached.journeys_reached, 0) as {{ dbt.type_int() }}) as journeys_reached
    from rep_quarters
    cross join stages
    left join reps on rep_quarters.owner_user_id = reps.user_id
    left join reached
        on
            rep_quarters.owner_user_id = reached.owner_user_id
            and rep_quarters.fiscal_quarter_start_date = reached.fiscal_quarter_start_date
            and stages.funnel_stage_order = reached.funnel_stage_order

),

conversions as (

    select
        *,
        cast(lead(journeys_reached) over (
            partition by owner_user_id, fiscal_quarter_start_date
            order by funnel_stage_order
        ) as {{ dbt.type_int() }}) as journeys_reached_next_stage,
        {{ safe_divide(
            'lead(journeys_reached) over (partition by owner_user_id, fiscal_quarter_start_date '
            ~ 'order by funnel_stage_order)',
            'journeys_reached'
        ) }} as conversion_to_next_stage
    from rep_stages

),

flagged as (

    {{ funnel_bottleneck_flags('conversions', ['fiscal_quarter_start_date']) }}

),

final as (

    select
        owner_user_id,
        team,
        fiscal_quarter_start_date,
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
