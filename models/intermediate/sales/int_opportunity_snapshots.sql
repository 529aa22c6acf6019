-- The state of every open opportunity at each month end up to the as-of date,
-- and at the as-of date itself, rebuilt from the history intervals with a
-- range join (each interval meets only the snapshot dates it spans).
with

intervals as (

    select * from {{ ref('int_opportunity_history_intervals') }}

),

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}
    where not is_deleted

),

converted as (

    select * from {{ ref('int_opportunities_converted') }}

),

dates as (

    select * from {{ ref('int_dates') }}

),

as_of as (

    select * from {{ ref('int_export_as_of_date') }}

),

snapshot_dates as (

    select
        dates.date_day as snapshot_date,
        dates.date_day = as_of.as_of_date as is_as_of_snapshot
    from dates
    cross join as_of
    where
        (dates.is_month_end and dates.date_day < as_of.as_of_date)
        or dates.date_day = as_of.as_of_date

),

states as (

    -- the state in force at the end of the snapshot day
    select
        snapshot_dates.snapshot_date,
        snapshot_dates.is_as_of_snapshot,
        intervals.*
    from snapshot_dates
    inner join intervals
        on
            intervals.valid_from < {{ dbt.dateadd('day', 1, 'snapshot_dates.snapshot_date') }}
            and (
                intervals.valid_to is null
                or intervals.valid_to >= {{ dbt.dateadd('day', 1, 'snapshot_dates.snapshot_date') }}
            )

),

final as (

    select
        {{ dbt.concat([
            'states.opportunity_id', "'|'", dbt.cast('states.snapshot_date', dbt.type_string())
        ]) }} as opportunity_snapshot_id,
        states.opportunity_id,
        states.snapshot_date,
        states.is_as_of_snapshot,
        opportunities.owner_user_id,
        opportunities.account_id,
        states.stage_name,
        states.funnel_stage,
        states.funnel_stage_order,
        cast(states.amount * converted.conversion_factor as {{ dbt.type_numeric() }}) as amount,
        cast(states.probability_pct as {{ dbt.type_numeric() }}) as probability_pct,
        cast(
            states.amount * converted.conversion_factor * states.probability_pct / 100.0
            as {{ dbt.type_numeric() }}
        ) as weighted_amount,
        states.close_date as expected_close_date,
        close_dates.fiscal_quarter_start_date as expected_close_fiscal_quarter_start_date,
        opportunities.created_date,
        cast(
            {{ dbt.datediff('opportunities.created_date', 'states.snapshot_date', 'day') }}
            as {{ dbt.type_int() }}
        ) as age_days
    from states
    inner join opportunities on states.opportunity_id = opportunities.opportunity_id
    inner join converted on states.opportunity_id = converted.opportunity_id
    left join dates as close_dates on states.close_date = close_dates.date_day
    where not states.is_closed

)

select * from final
