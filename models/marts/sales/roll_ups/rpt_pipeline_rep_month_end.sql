-- F6 per rep and snapshot date: the stage rows of rpt_pipeline_rep_stage_month_end
-- added up, and pipeline coverage for the fiscal quarter the snapshot falls in.
with

by_stage as (

    select * from {{ ref('rpt_pipeline_rep_stage_month_end') }}

),

snapshots as (

    select * from {{ ref('int_opportunity_snapshots') }}

),

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}
    where is_counted_win

),

quarter_targets as (

    select
        user_id,
        fiscal_quarter_start_date,
        won_amount_target as target_value
    from {{ ref('int_sales_targets_by_fiscal_quarter') }}
    where target_level = 'rep' and won_amount_target is not null

),

dates as (

    select * from {{ ref('dim_dates') }}

),

totals as (

    select
        owner_user_id,
        snapshot_date,
        is_as_of_snapshot,
        sum(open_opportunities) as open_opportunities,
        sum(pipeline_amount) as pipeline_amount,
        sum(weighted_pipeline_amount) as weighted_pipeline_amount
    from by_stage
    group by 1, 2, 3

),

snapshot_dates as (

    select distinct
        snapshots.snapshot_date,
        snapshots.is_as_of_snapshot,
        dates.fiscal_quarter_start_date
    from snapshots
    inner join dates on snapshots.snapshot_date = dates.date_day

),

rep_snapshots as (

    -- reps with open pipeline at the snapshot, and reps with a target for its
    -- quarter but no open pipeline (their coverage is 0, not missing)
    select
        owner_user_id,
        snapshot_date,
        is_as_of_snapshot
    from totals
    union
    select
        quarter_targets.user_id as owner_user_id,
        snapshot_dates.snapshot_date,
        snapshot_dates.is_as_of_snapshot
    from quarter_targets
    inner join snapshot_dates
        on quarter_targets.fiscal_quarter_start_date = snapshot_dates.fiscal_quarter_start_date

),

closing_in_quarter as (

    select
        snapshots.owner_user_id,
        snapshots.snapshot_date,
        sum(snapshots.amount) as pipeline_closing_in_quarter
    from snapshots
    inner join dates on snapshots.snapshot_date = dates.date_day
    where snapshots.expected_close_fiscal_quarter_start_date = dates.fiscal_quarter_start_date
    group by 1, 2

),

won_to_date as (

    select
        rep_snapshots.owner_user_id,
        rep_snapshots.snapshot_date,
        sum(opportunities.amount) as won_amount_quarter_to_date
    from rep_snapshots
    inner join dates on rep_snapshots.snapshot_date = dates.date_day
    inner join opportunities
        on
            rep_snapshots.owner_user_id = opportunities.owner_user_id
            and dates.fiscal_quarter_start_date <= opportunities.close_date
            and rep_snapshots.snapshot_date >= opportunities.close_date
    group by 1, 2

),

final as (

    select
        rep_snapshots.owner_user_id,
        rep_snapshots.snapshot_date,
        rep_snapshots.is_as_of_snapshot,
        dates.fiscal_quarter_start_date,
        cast(coalesce(totals.open_opportunities, 0) as {{ dbt.type_int() }}) as open_opportunities,
        cast(coalesce(totals.pipeline_amount, 0) as {{ dbt.type_numeric() }}) as pipeline_amount,
        cast(coalesce(totals.weighted_pipeline_amount, 0) as {{ dbt.type_numeric() }})
            as weighted_pipeline_amount,
        cast(
            coalesce(closing_in_quarter.pipeline_closing_in_quarter, 0) as {{ dbt.type_numeric() }}
        )
            as pipeline_closing_in_quarter,
        cast(quarter_targets.target_value as {{ dbt.type_numeric() }}) as won_amount_target,
        cast(coalesce(won_to_date.won_amount_quarter_to_date, 0) as {{ dbt.type_numeric() }})
            as won_amount_quarter_to_date,
        -- null when there is no target or the target is already met (nothing left to cover)
        cast(case
            when
                quarter_targets.target_value
                - coalesce(won_to_date.won_amount_quarter_to_date, 0) > 0
                then {{ safe_divide(
                    'coalesce(closing_in_quarter.pipeline_closing_in_quarter, 0)',
                    'quarter_targets.target_value - coalesce(won_to_date.won_amount_quarter_to_date, 0)'
                ) }}
        end as {{ dbt.type_numeric() }}) as pipeline_coverage
    from rep_snapshots
    inner join dates on rep_snapshots.snapshot_date = dates.date_day
    left join totals
        on
            rep_snapshots.owner_user_id = totals.owner_user_id
            and rep_snapshots.snapshot_date = totals.snapshot_date
    left join closing_in_quarter
        on
            rep_snapshots.owner_user_id = closing_in_quarter.owner_user_id
            and rep_snapshots.snapshot_date = closing_in_quarter.snapshot_date
    left join won_to_date
        on
            rep_snapshots.owner_user_id = won_to_date.owner_user_id
            and rep_snapshots.snapshot_date = won_to_date.snapshot_date
    left join quarter_targets
        on
            rep_snapshots.owner_user_id = quarter_targets.user_id
            and dates.fiscal_quarter_start_date = quarter_targets.fiscal_quarter_start_date

)

select * from final
