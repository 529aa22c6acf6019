-- Each OpportunityHistory row is the opportunity's state from its created_at
-- until the next row's created_at (valid_to is null for the current state).
-- Rebuilding a past state is a range join on these intervals, never a cross
-- join of dates with history rows.
with

history as (

    select * from {{ ref('int_opportunity_history_as_of') }}
    where not is_deleted

),

stage_mapping as (

    select * from {{ ref('stage_mapping') }}
    where record_type = 'Opportunity'

),

intervals as (

    select
        history.opportunity_history_id,
        history.opportunity_id,
        history.stage_name,
        history.amount,
        history.probability_pct,
        history.close_date,
        history.created_at as valid_from,
        lead(history.created_at) over (
            partition by history.opportunity_id
            order by history.created_at, history.opportunity_history_id
        ) as valid_to,
        row_number() over (
            partition by history.opportunity_id
            order by history.created_at, history.opportunity_history_id
        ) as history_sequence
    from history

),

final as (

    select
        intervals.*,
        stage_mapping.funnel_stage,
        stage_mapping.funnel_stage_order,
        stage_mapping.default_probability_pct,
        stage_mapping.is_closed,
        stage_mapping.is_won
    from intervals
    left join stage_mapping
        on intervals.stage_name = stage_mapping.crm_value

)

select * from final
