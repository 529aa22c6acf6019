-- F3 per rep, fiscal quarter and funnel stage, as the catalogue counts it:
-- journeys that reached each stage in the quarter (int_funnel_stages_reached:
-- a skipped stage is reached with the stage after it), how many of those went
-- on to the next stage by the as-of date, the conversion, and the bottleneck
-- transition against the team median.
with

stages_reached as (

    select * from {{ ref('int_funnel_stages_reached') }}

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

last_stage as (

    select max(funnel_stage_order) as funnel_stage_order from stages

),

rep_quarters as (

    select distinct
        owner_user_id,
        reached_fiscal_quarter_start_date as fiscal_quarter_start_date
    from stages_reached

),

reached as (

    select
        owner_user_id,
        reached_fiscal_quarter_start_date as fiscal_quarter_start_date,
        funnel_stage_order,
        count(*) as journeys_reached,
        sum(case when is_next_stage_reached then 1 else 0 end) as journeys_reached_next_stage
    from stages_reached
    group by 1, 2, 3

),

rep_stages as (

    select
        rep_quarters.owner_user_id,
        reps.team,
        rep_quarters.fiscal_quarter_start_date,
        stages.funnel_stage,
        stages.funnel_stage_order,
        cast(coalesce(reached.journeys_reached, 0) as {{ dbt.type_int() }}) as journeys_reached,
        -- the last stage (Order) has no next one
        cast(case
            when stages.funnel_stage_order < last_stage.funnel_stage_order
                then coalesce(reached.journeys_reached_next_stage, 0)
        end as {{ dbt.type_int() }}) as journeys_reached_next_stage
    from rep_quarters
    cross join stages
    cross join last_stage
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
        {{ safe_divide('journeys_reached_next_stage', 'journeys_reached') }}
            as conversion_to_next_stage
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
