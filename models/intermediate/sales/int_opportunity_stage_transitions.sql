-- One row per stage an opportunity entered, rebuilt from OpportunityHistory:
-- a history row whose stage differs from the row before it. An opportunity
-- reopened after being lost enters its stages again and gets rows again.
-- Soft-deleted opportunities (their account's deletion included) have none;
-- history of an opportunity the export lacks is kept (an orphan).
--
-- Incremental (macros/incremental.sql): a run on an existing table rebuilds
-- every row of the opportunities with a history row within the lookback window,
-- an open current stage (its days_in_stage grows with the as-of date), or no
-- rows yet; the post-hook drops opportunities since deleted or left without
-- history.
{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='delete+insert',
        unique_key='opportunity_id',
        on_schema_change='fail',
        post_hook=[
            "{% if is_incremental() %}delete from {{ this }} where opportunity_id in (
                select opportunity_id from {{ ref('int_opportunities_as_of') }} where is_deleted
            ) or opportunity_id not in (
                select opportunity_id from {{ ref('int_opportunity_history_intervals') }}
            ){% endif %}"
        ]
    )
}}

with

{% if is_incremental() %}
changed_opportunities as (

    select opportunity_id from {{ ref('int_opportunity_history_intervals') }}
    where valid_from >= {{ incremental_cutoff('entered_at') }}
    union
    select opportunity_id from {{ this }}
    where is_current_stage and not is_closed_stage
    union
    select opportunity_id from {{ ref('int_opportunity_history_intervals') }}
    where opportunity_id not in (select opportunity_id from {{ this }})

),

{% endif -%}
deleted_opportunities as (

    select opportunity_id from {{ ref('int_opportunities_as_of') }}
    where is_deleted

),

intervals as (

    select intervals.*
    from {{ ref('int_opportunity_history_intervals') }} as intervals
    left join deleted_opportunities
        on intervals.opportunity_id = deleted_opportunities.opportunity_id
    where
        deleted_opportunities.opportunity_id is null
    {% if is_incremental() %}
            and intervals.opportunity_id in (select opportunity_id from changed_opportunities)
    {% endif %}

),

as_of as (

    select * from {{ ref('int_export_as_of_date') }}

),

with_previous as (

    select
        intervals.*,
        lag(intervals.stage_name) over (
            partition by intervals.opportunity_id order by intervals.history_sequence
        ) as previous_stage_name
    from intervals

),

entries as (

    select
        *,
        lead(valid_from) over (
            partition by opportunity_id order by history_sequence
        ) as exited_at,
        row_number() over (
            partition by opportunity_id order by history_sequence
        ) as stage_sequence
    from with_previous
    where previous_stage_name is null or previous_stage_name != stage_name

),

final as (

    select
        entries.opportunity_history_id as stage_transition_id,
        entries.opportunity_id,
        cast(entries.stage_sequence as {{ dbt.type_int() }}) as stage_sequence,
        entries.previous_stage_name,
        entries.stage_name,
        entries.funnel_stage,
        entries.funnel_stage_order,
        entries.is_closed as is_closed_stage,
        entries.is_won as is_won_stage,
        entries.valid_from as entered_at,
        entries.exited_at,
        entries.exited_at is null as is_current_stage,
        -- time in stage: until the next stage, or until the as-of date for an open stage
        cast(case
            when not entries.is_closed
                then {{ dbt.datediff(
                    'cast(entries.valid_from as date)',
                    'coalesce(cast(entries.exited_at as date), as_of.as_of_date)',
                    'day'
                ) }}
        end as {{ dbt.type_int() }}) as days_in_stage
    from entries
    cross join as_of

)

select * from final
