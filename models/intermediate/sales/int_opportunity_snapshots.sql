-- The state of every open opportunity at each month end up to the as-of date,
-- and at the as-of date itself, rebuilt from the history intervals with a
-- range join (each interval meets only the snapshot dates it spans).
--
-- Incremental (macros/incremental.sql): a run on an existing table rebuilds
-- every snapshot of the opportunities open at the previous as-of date or with a
-- history row within the lookback window before it (a deal closed today changes
-- its conversion factor, so the amounts of all its snapshots); an opportunity
-- with neither closed before the window and its snapshots stay as they are. The
-- post-hook drops the previous as-of snapshot (of a deal since closed, whose
-- rebuild is empty) and opportunities since deleted.
{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='delete+insert',
        unique_key='opportunity_id',
        on_schema_change='fail',
        post_hook=[
            "{% if is_incremental() %}delete from {{ this }} where (
                is_as_of_snapshot
                and snapshot_date != (select as_of_date from {{ ref('int_export_as_of_date') }})
            ) or opportunity_id in (
                select opportunity_id from {{ ref('int_opportunities_enriched') }} where is_deleted
            ){% endif %}"
        ]
    )
}}

with

{% if is_incremental() %}
changed_opportunities as (

    select opportunity_id from {{ ref('int_opportunity_history_intervals') }}
    where valid_from >= {{ incremental_cutoff('snapshot_date') }}
    union
    select opportunity_id from {{ this }}
    where is_as_of_snapshot

),

{% endif %}
intervals as (

    select * from {{ ref('int_opportunity_history_intervals') }}
    {% if is_incremental() %}
        where opportunity_id in (select opportunity_id from changed_opportunities)
    {% endif %}

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
        -- the conversion factor is a double: one rounding rule (macros/type_double.sql)
        {{ numeric_from_double('states.amount * converted.conversion_factor') }} as amount,
        cast(states.probability_pct as {{ dbt.type_numeric() }}) as probability_pct,
        -- in double on every engine (macros/type_double.sql)
        {{ numeric_from_double(
            'cast(states.amount as ' ~ type_double() ~ ')'
            ~ ' * cast(converted.conversion_factor as ' ~ type_double() ~ ')'
            ~ ' * cast(states.probability_pct as ' ~ type_double() ~ ') / 100'
        ) }} as weighted_amount,
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
