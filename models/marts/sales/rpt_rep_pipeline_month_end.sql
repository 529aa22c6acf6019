-- F6 per rep and snapshot date: the stage rows of rpt_pipeline_month_end
-- added up, and pipeline coverage for the fiscal quarter the snapshot falls in.
with

by_stage as (

    select * from {{ ref('rpt_pipeline_month_end') }}

),

snapshots as (

    select * from {{ ref('fct_opportunity_snapshots') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}
    where is_won and not is_deleted

),

targets as (

    select * from {{ ref('stg_sales_ops__sales_targets') }}
    where metric = 'won_amount' and target_level = 'rep'

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
        totals.owner_user_id,
        totals.snapshot_date,
        sum(opportunities.amount) as won_amount_quarter_to_date
    from totals
    inner join dates on totals.snapshot_date = dates.date_day
    inner join opportunities
        on
            totals.owner_user_id = opportunities.owner_user_id
            and dates.fiscal_quarter_start_date <= opportunities.close_date
            and totals.snapshot_date >= opportunities.close_date
    group by 1, 2

),

final as (

    select
        totals.owner_user_id,
        totals.snapshot_date,
        totals.is_as_of_snapshot,
        dates.fiscal_quarter_start_date,
        cast(totals.open_opportunities as {{ dbt.type_int() }}) as open_opportunities,
        cast(totals.pipeline_amount as {{ dbt.type_numeric() }}) as pipeline_amount,
        cast(totals.weighted_pipeline_amount as {{ dbt.type_numeric() }})
            as weighted_pipeline_amount,
        cast(
            coalesce(closing_in_quarter.pipeline_closing_in_quarter, 0) as {{ dbt.type_numeric() }}
        )
            as pipeline_closing_in_quarter,
        cast(targets.target_value as {{ dbt.type_numeric() }}) as won_amount_target,
        cast(coalesce(won_to_date.won_amount_quarter_to_date, 0) as {{ dbt.type_numeric() }})
            as won_amount_quarter_to_date,
        -- null when there is no target or the target is already met (nothing left to cover)
        cast(case
            when targets.target_value - coalesce(won_to_date.won_amount_quarter_to_date, 0) > 0
                then {{ safe_divide(
                    'coalesce(closing_in_quarter.pipeline_closing_in_quarter, 0)',
                    'targets.target_value - coalesce(won_to_date.won_amount_quarter_to_date, 0)'
                ) }}
        end as {{ dbt.type_numeric() }}) as pipeline_coverage
    from totals
    inner join dates on totals.snapshot_date = dates.date_day
    left join closing_in_quarter
        on
            totals.owner_user_id = closing_in_quarter.owner_user_id
            and totals.snapshot_date = closing_in_quarter.snapshot_date
    left join won_to_date
        on
            totals.owner_user_id = won_to_date.owner_user_id
            and totals.snapshot_date = won_to_date.snapshot_date
    left join targets
        on
            totals.owner_user_id = targets.user_id
            and dates.fiscal_quarter_start_date = targets.period_start

)

select * from final
